// The floor for server_bench's plaintext figure: the least an SMTP sink can
// do per message on this machine. One thread, epoll, one read() per readable
// socket and one write() of every reply that read produced; it parses only
// enough (the verb DATA and the lone dot) to send the replies a pipelining
// client waits for, and stores nothing. Not an SMTP server: a yardstick for
// the kernel's share of a message (two reads and two writes over loopback).
//
// Prints {"port":N} on stdout, as smtpfixture-server does, and runs until
// killed.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <unordered_map>

namespace {

struct Peer {
  std::string input;
  bool in_data = false;
};

// Appends the replies to every complete line of `peer.input` to `out`.
void Answer(Peer& peer, std::string& out) {
  std::size_t start = 0;
  for (std::size_t end;
       (end = peer.input.find("\r\n", start)) != std::string::npos;
       start = end + 2) {
    if (peer.in_data) {
      if (end == start + 1 && peer.input[start] == '.') {
        peer.in_data = false;
        out += "250 2.0.0 Ok\r\n";
      }
    } else if (peer.input.compare(start, 4, "DATA") == 0) {
      peer.in_data = true;
      out += "354 End data with <CR><LF>.<CR><LF>\r\n";
    } else if (peer.input.compare(start, 4, "EHLO") == 0) {
      out += "250-floor\r\n250 PIPELINING\r\n";
    } else if (peer.input.compare(start, 4, "QUIT") == 0) {
      out += "221 2.0.0 Bye\r\n";
    } else {
      out += "250 2.1.0 Ok\r\n";
    }
  }
  peer.input.erase(0, start);
}

}  // namespace

int main() {
  const int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener < 0 ||
      bind(listener, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
      listen(listener, 128) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) !=
          0) {
    std::perror("floor_server");
    return 1;
  }
  std::printf("{\"port\":%d}\n", ntohs(address.sin_port));
  std::fflush(stdout);

  const int poller = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
  std::unordered_map<int, Peer> peers;
  static char buffer[65536];
  epoll_event ready[64];
  std::string out;
  for (;;) {
    const int n = epoll_wait(poller, ready, 64, -1);
    for (int i = 0; i < n; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener) {
        for (int client; (client = accept4(listener, nullptr, nullptr,
                                           SOCK_NONBLOCK)) >= 0;) {
          const int one = 1;
          setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          epoll_event added{};
          added.events = EPOLLIN;
          added.data.fd = client;
          epoll_ctl(poller, EPOLL_CTL_ADD, client, &added);
          peers[client];
          static const char kGreeting[] = "220 floor ESMTP\r\n";
          (void)!write(client, kGreeting, sizeof kGreeting - 1);
        }
        continue;
      }
      const ssize_t got = read(fd, buffer, sizeof buffer);
      if (got <= 0) {
        close(fd);
        peers.erase(fd);
        continue;
      }
      Peer& peer = peers[fd];
      peer.input.append(buffer, static_cast<std::size_t>(got));
      out.clear();
      Answer(peer, out);
      if (!out.empty()) (void)!write(fd, out.data(), out.size());
    }
  }
}
