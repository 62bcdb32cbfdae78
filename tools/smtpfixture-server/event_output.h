// Where smtpfixture-server's JSON lines go: stdout, written so that a reader
// that stops reading can never keep the process from stopping. Every write
// waits in poll() for the descriptor to take a chunk of at most PIPE_BUF
// octets (which a pipe then takes without blocking) and, at the same time,
// for the stop descriptor: a SIGTERM ends the wait at once, whatever the
// reader does. A reader that went away (EPIPE; SIGPIPE is ignored) is
// reported, not a death by signal.
#ifndef SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_EVENT_OUTPUT_H_
#define SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_EVENT_OUTPUT_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace server_cli {

class EventOutput {
 public:
  enum class Result {
    kWritten,   // nothing is pending
    kStopped,   // the stop descriptor became readable first
    kTimedOut,  // the deadline came first
    kClosed,    // the descriptor failed (error() says why): stop
  };

  // `fd`: where lines go (the caller keeps it open); `stop_fd`: readable
  // once the process must stop, or -1.
  EventOutput(int fd, int stop_fd) : fd_(fd), stop_fd_(stop_fd) {}

  // Queues one line (a newline is added).
  void Append(const std::string& line);
  // Writes what is pending, for as long as the reader takes, until the stop
  // descriptor is readable or, if given, until `deadline` (then the stop
  // descriptor is not looked at: the process is stopping already).
  Result Flush(std::optional<std::chrono::steady_clock::time_point> deadline =
                   std::nullopt);

  std::size_t pending() const { return pending_.size() - written_; }
  const std::string& error() const { return error_; }

 private:
  const int fd_;
  const int stop_fd_;
  std::string pending_;
  std::size_t written_ = 0;  // octets of pending_ already written
  std::string error_;
};

}  // namespace server_cli

#endif  // SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_EVENT_OUTPUT_H_
