#include "tests/support/raw_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "smtpfixture/gtest.h"

namespace smtpfixture::testing {

RawClient::~RawClient() { Close(); }

bool RawClient::Connect(std::uint16_t port, const std::string& host) {
  Close();
  sockaddr_storage address{};
  socklen_t length = 0;
  auto* in4 = reinterpret_cast<sockaddr_in*>(&address);
  auto* in6 = reinterpret_cast<sockaddr_in6*>(&address);
  if (inet_pton(AF_INET, host.c_str(), &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    length = sizeof *in4;
  } else if (inet_pton(AF_INET6, host.c_str(), &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    length = sizeof *in6;
  } else {
    return false;
  }
  fd_ = socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return false;
  if (connect(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0) {
    Close();
    return false;
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return true;
}

bool RawClient::Send(const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n =
        send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

void RawClient::CloseWrite() {
  if (fd_ >= 0) shutdown(fd_, SHUT_WR);
}

void RawClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  buffer_.clear();
}

bool RawClient::Fill(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) return false;
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return false;
    char chunk[16384];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
}

std::optional<std::string> RawClient::ReadLine(
    std::chrono::milliseconds timeout) {
  const auto deadline =
      std::chrono::steady_clock::now() + ScaledTimeout(timeout);
  for (;;) {
    const std::size_t end = buffer_.find("\r\n");
    if (end != std::string::npos) {
      std::string line = buffer_.substr(0, end);
      buffer_.erase(0, end + 2);
      return line;
    }
    if (!Fill(deadline)) return std::nullopt;
  }
}

std::optional<std::string> RawClient::ReadReply(
    std::chrono::milliseconds timeout) {
  std::string reply;
  for (;;) {
    std::optional<std::string> line = ReadLine(timeout);
    if (!line) return std::nullopt;
    if (!reply.empty()) reply += "\n";
    reply += *line;
    if (line->size() < 4 || (*line)[3] != '-') return reply;
  }
}

int RawClient::ReadCode(std::chrono::milliseconds timeout) {
  std::optional<std::string> reply = ReadReply(timeout);
  if (!reply || reply->size() < 3) return 0;
  return std::atoi(reply->substr(0, 3).c_str());
}

std::optional<std::string> RawClient::Command(const std::string& line) {
  if (!Send(line + "\r\n")) return std::nullopt;
  return ReadReply();
}

bool RawClient::WaitForClose(std::chrono::milliseconds timeout,
                             std::string* rest) {
  const auto deadline =
      std::chrono::steady_clock::now() + ScaledTimeout(timeout);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || fd_ < 0) break;
    pollfd p{fd_, POLLIN, 0};
    const int ready = poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) break;
    char chunk[16384];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (rest) *rest = buffer_;
      return true;  // EOF or reset: closed
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
  if (rest) *rest = buffer_;
  return false;
}

}  // namespace smtpfixture::testing
