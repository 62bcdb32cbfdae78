// The cost of idle connections (issue 11): the server's resident memory per
// idle client, and 10,000 concurrent clients.
//
//   build/dev/tests/bench/idle_bench            # all figures
//   build/dev/tests/bench/idle_bench 1000 10000 # clients per RSS run, big run
//
// RSS runs: 1,000 clients (plaintext; STARTTLS-negotiated TLS), each either
// silent after its greeting (after EHLO over TLS) or after a 60 KB message
// (the burst), then idle. The clients live in a child process forked before
// the server starts, so the parent's RSS (VmRSS in /proc/self/status) grows
// by the server's cost alone. Before each reading the stored messages are
// cleared and malloc_trim(0) gives freed pages back, so what is measured is
// what the idle connections keep, not what the burst left free.
//
// The big run: 10,000 plaintext clients at once (RLIMIT_NOFILE is raised to
// the hard limit): time until all are greeted, time until one message from
// each is stored, and how long Stop() takes with all of them open.
//
// A plain program rather than Google Benchmark: each figure is one
// measurement of a state, not a loop to time.
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "smtpfixture/server.h"

namespace smtpfixture {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kBurstBytes = 60 * 1000;

double Milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

long ResidentKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

void RaiseDescriptorLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

// --- A pipe between the parent (server) and the child (clients). ---------

struct Channel {
  int to_child[2];
  int to_parent[2];
};

bool WriteValue(int fd, long value) {
  return write(fd, &value, sizeof value) == static_cast<ssize_t>(sizeof value);
}

long ReadValue(int fd) {
  long value = -1;
  if (read(fd, &value, sizeof value) != static_cast<ssize_t>(sizeof value)) {
    return -1;
  }
  return value;
}

// --- The clients: blocking sockets, optionally TLS (no verification). -----

class Client {
 public:
  bool Connect(std::uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return false;
    const int on = 1;  // a command each way: no Nagle/delayed-ACK stalls
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return connect(fd_, reinterpret_cast<sockaddr*>(&address),
                   sizeof address) == 0;
  }
  bool StartTls(SSL_CTX* context) {
    ssl_ = SSL_new(context);
    SSL_set_fd(ssl_, fd_);
    return SSL_connect(ssl_) == 1;
  }
  bool Send(const std::string& bytes) {
    if (ssl_ != nullptr) {
      return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) ==
             static_cast<int>(bytes.size());
    }
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n =
          send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads until a line with code `code` and a space ("250 ...") arrives.
  bool Expect(const char* code) {
    const std::string final_line = std::string(code) + " ";
    for (;;) {
      std::size_t start = 0;
      for (std::size_t end;
           (end = buffer_.find("\r\n", start)) != std::string::npos;
           start = end + 2) {
        if (buffer_.compare(start, final_line.size(), final_line) == 0) {
          buffer_.erase(0, end + 2);
          return true;
        }
      }
      buffer_.erase(0, start);
      char chunk[4096];
      const int n = ssl_ != nullptr
                        ? SSL_read(ssl_, chunk, sizeof chunk)
                        : static_cast<int>(recv(fd_, chunk, sizeof chunk, 0));
      if (n <= 0) return false;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }
  void Close() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (fd_ >= 0) close(fd_);
    ssl_ = nullptr;
    fd_ = -1;
  }

 private:
  int fd_ = -1;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

std::string Burst() {
  std::string message = "Subject: burst\r\n\r\n";
  const std::string line(76, 'b');
  while (message.size() < kBurstBytes) message += line + "\r\n";
  return "MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n" +
         message + ".\r\n";
}

// Child: opens `count` clients as told, reports, waits for the end.
// Protocol: port <- parent; parent <- 1 when all are idle (0 on failure);
// parent -> anything: close all and exit.
[[noreturn]] void RunIdleClients(const Channel& channel, long count, bool tls,
                                 bool burst) {
  const long port = ReadValue(channel.to_child[0]);
  SSL_CTX* context = SSL_CTX_new(TLS_client_method());
  std::vector<Client> clients(static_cast<std::size_t>(count));
  const std::string message = Burst();
  bool ok = port > 0;
  for (Client& client : clients) {
    if (!ok) break;
    ok = client.Connect(static_cast<std::uint16_t>(port)) &&
         client.Expect("220") && client.Send("EHLO idle\r\n") &&
         client.Expect("250");
    if (ok && tls) {
      ok = client.Send("STARTTLS\r\n") && client.Expect("220") &&
           client.StartTls(context) && client.Send("EHLO idle\r\n") &&
           client.Expect("250");
    }
    if (ok && burst) {
      ok = client.Send(message) && client.Expect("250") &&
           client.Expect("354") && client.Expect("250");
    }
  }
  WriteValue(channel.to_parent[1], ok ? 1 : 0);
  ReadValue(channel.to_child[0]);
  for (Client& client : clients) client.Close();
  SSL_CTX_free(context);
  _exit(0);
}

// KiB of server RSS per idle client, or -1.
double IdleCost(long count, bool tls, bool burst) {
  Channel channel{};
  if (pipe(channel.to_child) != 0 || pipe(channel.to_parent) != 0) return -1;
  const pid_t child = fork();  // before the server's thread exists
  if (child == 0) RunIdleClients(channel, count, tls, burst);

  ServerOptions options;
  options.tls = tls ? TlsPolicy::kStartTlsOptional : TlsPolicy::kNone;
  options.limits.idle_timeout = std::chrono::minutes(10);
  Server server(options);
  server.Start();
  malloc_trim(0);
  const long before = ResidentKib();
  WriteValue(channel.to_child[1], server.Port());
  const long ok = ReadValue(channel.to_parent[0]);
  server.Clear();  // the burst's messages are not the connections' cost
  malloc_trim(0);
  const long after = ResidentKib();
  WriteValue(channel.to_child[1], 0);
  waitpid(child, nullptr, 0);
  server.Stop();
  for (int fd : {channel.to_child[0], channel.to_child[1], channel.to_parent[0],
                 channel.to_parent[1]}) {
    close(fd);
  }
  if (ok != 1) return -1;
  return static_cast<double>(after - before) / static_cast<double>(count);
}

// Child of the big run. Protocol: port <- parent; parent <- greet-all time
// in microseconds (or -1); parent <- 1 when every message is sent; parent ->
// anything: exit.
[[noreturn]] void RunManyClients(const Channel& channel, long count) {
  const long port = ReadValue(channel.to_child[0]);
  std::vector<Client> clients(static_cast<std::size_t>(count));
  const auto start = Clock::now();
  bool ok = port > 0;
  for (Client& client : clients) {
    ok = ok && client.Connect(static_cast<std::uint16_t>(port));
  }
  for (Client& client : clients) ok = ok && client.Expect("220");
  const auto greeted = Clock::now();
  WriteValue(channel.to_parent[1],
             ok ? static_cast<long>(
                      std::chrono::duration_cast<std::chrono::microseconds>(
                          greeted - start)
                          .count())
                : -1);
  // Pipelined up to DATA (RFC 2920), then the data once 354 arrived.
  for (Client& client : clients) {
    ok = ok && client.Send(
                   "EHLO many\r\nMAIL FROM:<a@example.com>\r\n"
                   "RCPT TO:<b@example.com>\r\nDATA\r\n");
  }
  for (Client& client : clients) ok = ok && client.Expect("354");
  for (Client& client : clients) {
    ok = ok && client.Send("Subject: one of many\r\n\r\nhello\r\n.\r\n");
  }
  WriteValue(channel.to_parent[1], ok ? 1 : 0);
  ReadValue(channel.to_child[0]);
  _exit(0);  // the kernel closes every socket
}

void ManyClients(long count) {
  Channel channel{};
  if (pipe(channel.to_child) != 0 || pipe(channel.to_parent) != 0) return;
  const pid_t child = fork();
  if (child == 0) RunManyClients(channel, count);

  ServerOptions options;
  options.tls = TlsPolicy::kNone;
  options.limits.idle_timeout = std::chrono::minutes(10);
  Server server(options);
  server.Start();
  WriteValue(channel.to_child[1], server.Port());
  const long greet_us = ReadValue(channel.to_parent[0]);
  const auto sending = Clock::now();
  const long sent = ReadValue(channel.to_parent[0]);
  const bool stored = server.WaitForMessages(static_cast<std::size_t>(count),
                                             std::chrono::seconds(120));
  const auto all_stored = Clock::now();
  const std::size_t messages = server.Messages().size();
  const auto stop_start = Clock::now();
  server.Stop();  // every client still connected
  const auto stopped = Clock::now();
  WriteValue(channel.to_child[1], 0);
  waitpid(child, nullptr, 0);

  std::printf("%ld concurrent clients: all greeted in %.0f ms%s\n", count,
              static_cast<double>(greet_us) / 1000.0,
              greet_us < 0 ? " (FAILED)" : "");
  std::printf("  one message each: %zu stored in %.0f ms%s\n", messages,
              Milliseconds(all_stored - sending),
              stored && sent == 1 ? "" : " (FAILED)");
  std::printf("  Stop() with all of them open: %.0f ms\n",
              Milliseconds(stopped - stop_start));
}

}  // namespace
}  // namespace smtpfixture

int main(int argc, char** argv) {
  using smtpfixture::IdleCost;
  const long idle = argc > 1 ? std::atol(argv[1]) : 1000;
  const long many = argc > 2 ? std::atol(argv[2]) : 10000;
  smtpfixture::RaiseDescriptorLimit();
  std::printf("server RSS per idle client (%ld clients; KiB):\n", idle);
  std::printf("  plaintext, silent:       %6.1f\n",
              IdleCost(idle, false, false));
  std::printf("  plaintext, after 60 KB:  %6.1f\n",
              IdleCost(idle, false, true));
  std::printf("  STARTTLS, silent:        %6.1f\n",
              IdleCost(idle, true, false));
  std::printf("  STARTTLS, after 60 KB:   %6.1f\n", IdleCost(idle, true, true));
  std::fflush(stdout);
  if (many > 0) smtpfixture::ManyClients(many);
  return 0;
}
