// A deliberately simple blocking SMTP client for tests: raw bytes over a real
// socket, with every read bounded by a timeout (scaled by ScaledTimeout(),
// i.e. SMTPFIXTURE_TIMEOUT_MULTIPLIER) so a broken server fails a test instead
// of hanging it.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_RAW_CLIENT_H_
#define SMTPFIXTURE_TESTS_SUPPORT_RAW_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smtpfixture::testing {

class RawClient {
 public:
  RawClient() = default;
  ~RawClient();
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  // Connects to host:port; false on failure.
  bool Connect(std::uint16_t port, const std::string& host = "127.0.0.1");
  bool Send(const std::string& bytes);
  // Half-closes (shutdown SHUT_WR): the server sees EOF, we can still read.
  void CloseWrite();
  void Close();

  // One line without CRLF; nullopt on timeout or EOF.
  std::optional<std::string> ReadLine(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // One whole reply (all "NNN-" lines and the final "NNN " line), joined
  // with "\n"; nullopt on timeout or EOF.
  std::optional<std::string> ReadReply(
      std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // The three-digit code of the next reply, or 0 on timeout/EOF.
  int ReadCode(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends `line` + CRLF and returns the reply.
  std::optional<std::string> Command(const std::string& line);
  // Reads until the server closes; true if it closed within the timeout.
  // What was read (buffered input included) lands in `rest`, if given.
  bool WaitForClose(std::chrono::milliseconds timeout = std::chrono::seconds(5),
                    std::string* rest = nullptr);

  int fd() const { return fd_; }

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace smtpfixture::testing

#endif  // SMTPFIXTURE_TESTS_SUPPORT_RAW_CLIENT_H_
