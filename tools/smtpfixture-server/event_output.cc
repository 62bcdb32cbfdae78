#include "tools/smtpfixture-server/event_output.h"

#include <limits.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace server_cli {

void EventOutput::Append(const std::string& line) {
  if (written_ == pending_.size()) {
    pending_.clear();
    written_ = 0;
  }
  pending_ += line;
  pending_ += '\n';
}

EventOutput::Result EventOutput::Flush(
    std::optional<std::chrono::steady_clock::time_point> deadline) {
  while (written_ < pending_.size()) {
    pollfd fds[2] = {{fd_, POLLOUT, 0}, {deadline ? -1 : stop_fd_, POLLIN, 0}};
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(
          *deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Result::kTimedOut;
      timeout_ms = static_cast<int>(std::min<long long>(left.count(), 60000));
    }
    const int ready = poll(fds, 2, timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("poll: ") + std::strerror(errno);
      return Result::kClosed;
    }
    if (ready == 0) continue;  // the deadline is checked above
    if ((fds[1].revents & POLLIN) != 0) return Result::kStopped;
    if (fds[0].revents == 0) continue;
    if ((fds[0].revents & POLLNVAL) != 0) {
      error_ = "not an open descriptor";
      return Result::kClosed;
    }
    // At most PIPE_BUF octets after POLLOUT: a pipe with room takes them
    // whole without blocking. On POLLERR the write says what went wrong.
    const std::size_t chunk =
        std::min<std::size_t>(pending_.size() - written_, PIPE_BUF);
    const ssize_t n = write(fd_, pending_.data() + written_, chunk);
    if (n > 0) {
      written_ += static_cast<std::size_t>(n);
    } else if (n < 0 && errno != EINTR && errno != EAGAIN &&
               errno != EWOULDBLOCK) {
      error_ = std::strerror(errno);
      return Result::kClosed;
    }
  }
  pending_.clear();
  written_ = 0;
  return Result::kWritten;
}

}  // namespace server_cli
