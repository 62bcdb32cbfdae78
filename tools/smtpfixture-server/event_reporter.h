// What smtpfixture-server reports while it runs: the --events stream (one
// JSON object per line on stdout) and the --dump-dir files.
//
// Design: the reporter learns of events from the Server's public snapshots,
// on the main thread, not from a callback. A callback would run on the loop
// thread, where a slow consumer (a full stdout pipe) would stall every SMTP
// session; the server has no such hook for the same reason. Instead the main
// thread waits on the message store (WaitForMessages wakes the moment a
// message is committed, so message_received and its .eml come at once),
// checks every kPollPeriod whether more sessions closed (a count, no copy),
// and when either happened, or every kOpenPeriod, diffs Sessions() and
// Messages() against what it reported. Closing is seen within kPollPeriod;
// an opening at the latest within kOpenPeriod, or with its session's first
// message or close. The cost is one snapshot of the recorded sessions per
// report: small for the sessions a test suite makes, but it grows with them
// (the server keeps every session; there is no "sessions since" query).
//
// Order: every event of a session comes in order (session_opened, its
// message_received events, session_closed), and messages in arrival order.
// That holds because Sessions() is read before Messages(): a session closed
// in the first snapshot committed its messages before closing, so they are
// all in the second; a message whose session is not yet in the first (it
// opened in between) waits for the next round, and so do the messages after
// it.
#ifndef SMTPFIXTURE_EXAMPLES_SERVER_EVENT_REPORTER_H_
#define SMTPFIXTURE_EXAMPLES_SERVER_EVENT_REPORTER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <set>
#include <string>

#include "smtpfixture/server.h"

namespace server_cli {

class EventReporter {
 public:
  // How late a session_closed event may be.
  static constexpr std::chrono::milliseconds kPollPeriod{25};
  // How late a session_opened event may be, for a session that neither
  // sent a message nor closed yet.
  static constexpr std::chrono::milliseconds kOpenPeriod{250};

  // `events`: where JSON lines go, or nullptr for no events. `dump_dir`:
  // where messages are written as <id>.eml, if set.
  EventReporter(const smtpfixture::Server& server, std::ostream* events,
                std::optional<std::filesystem::path> dump_dir);

  // Waits up to kPollPeriod for a new message, then reports what is new.
  void WaitAndReport();
  // Reports what is new, without waiting; after Server::Stop(), everything
  // that remains (every session is closed then).
  void Report();

 private:
  // Writes the message to the dump directory; its path, or "" if it could
  // not be written.
  std::string Dump(const smtpfixture::ReceivedMessage& message) const;
  void Emit(const std::string& line);

  const smtpfixture::Server& server_;
  std::ostream* const events_;
  const std::optional<std::filesystem::path> dump_dir_;
  std::size_t messages_reported_ = 0;  // a prefix of Messages()
  // Session ids grow in connection order: every id up to last_opened_ got
  // its session_opened; those still in open_ await their session_closed.
  std::uint64_t last_opened_ = 0;
  std::set<std::uint64_t> open_;
  std::size_t closes_reported_ = 0;  // session_closed events emitted
  std::chrono::steady_clock::time_point last_report_;
};

}  // namespace server_cli

#endif  // SMTPFIXTURE_EXAMPLES_SERVER_EVENT_REPORTER_H_
