#include "tests/e2e/starttls_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <memory>
#include <optional>
#include <string>

namespace smtpfixture::e2e {
namespace {

class Client {
 public:
  Client(BufferAcrossUpgrade mode, StartTlsClientResult& result)
      : mode_(mode), result_(result) {}
  ~Client() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
    if (fd_ >= 0) close(fd_);
  }

  bool Connect(std::uint16_t port, std::chrono::milliseconds timeout) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) return Fail("socket");
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
        0) {
      return Fail("connect");
    }
    return true;
  }

  bool StartTls(const std::string& ca_file) {
    // The one line the twins differ in.
    if (mode_ == BufferAcrossUpgrade::kDiscard) buffer_.clear();
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (ctx_ == nullptr ||
        SSL_CTX_load_verify_locations(ctx_, ca_file.c_str(), nullptr) != 1) {
      return Fail("CA file");
    }
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
    if (SSL_connect(ssl_) != 1) return Fail("TLS handshake failed");
    return true;
  }

  bool Send(const std::string& line) {
    result_.log.push_back("C: " + line);
    const std::string bytes = line + "\r\n";
    if (ssl_ != nullptr) {
      return SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size())) > 0;
    }
    return send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  // The code of the next reply; 0 on timeout, EOF or garbage.
  int ReadReply() {
    const bool leftover = !buffer_.empty();
    for (;;) {
      std::size_t start = 0;
      for (std::size_t end;
           (end = buffer_.find("\r\n", start)) != std::string::npos;
           start = end + 2) {
        if (end - start >= 4 && buffer_[start + 3] == ' ') {
          return Take(end + 2);
        }
      }
      // The naive turn (see the header): leftover bytes are a reply.
      if (leftover) return Take(buffer_.size());
      char chunk[4096];
      const int n = ssl_ != nullptr
                        ? SSL_read(ssl_, chunk, sizeof chunk)
                        : static_cast<int>(recv(fd_, chunk, sizeof chunk, 0));
      if (n <= 0) return 0;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

  bool Fail(const std::string& why) {
    result_.error = why;
    return false;
  }

 private:
  int Take(std::size_t size) {
    const std::string reply = buffer_.substr(0, size);
    buffer_.erase(0, size);
    result_.log.push_back("S: " + reply);
    if (reply.size() < 3) return 0;
    return std::atoi(reply.substr(0, 3).c_str());
  }

  BufferAcrossUpgrade mode_;
  StartTlsClientResult& result_;
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

}  // namespace

StartTlsClientResult SendOverStartTls(std::uint16_t port,
                                      const std::string& ca_file,
                                      BufferAcrossUpgrade mode,
                                      std::chrono::milliseconds timeout) {
  StartTlsClientResult result;
  Client client(mode, result);
  const auto step = [&](const std::string& line, int expected) {
    if (!client.Send(line)) return client.Fail("cannot send " + line);
    const int code = client.ReadReply();
    if (code != expected) {
      return client.Fail(line + ": got " + std::to_string(code) +
                         " instead of " + std::to_string(expected));
    }
    return true;
  };
  if (!client.Connect(port, timeout)) return result;
  if (client.ReadReply() != 220) {
    client.Fail("no greeting");
    return result;
  }
  if (!step("EHLO vulnerable.example", 250)) return result;
  if (!step("STARTTLS", 220)) {
    client.Send("QUIT");  // TLS is required: give up
    return result;
  }
  if (!client.StartTls(ca_file)) return result;
  if (!step("EHLO vulnerable.example", 250) ||
      !step("MAIL FROM:<a@example.com>", 250) ||
      !step("RCPT TO:<b@example.com>", 250) || !step("DATA", 354) ||
      !step("Subject: over TLS\r\n\r\nHello\r\n.", 250)) {
    return result;
  }
  result.delivered = true;
  step("QUIT", 221);
  return result;
}

}  // namespace smtpfixture::e2e
