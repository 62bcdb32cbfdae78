// What smtpfixture-server reports while it runs: the --events stream (one
// JSON object per line on stdout) and the --dump-dir files.
//
// Design: the reporter learns of events from the Server's public snapshots,
// on the main thread, not from a callback. A callback would run on the loop
// thread, where a slow consumer (a full stdout pipe) would stall every SMTP
// session; the server has no such hook for the same reason. Instead the main
// thread waits with Server::WaitForChange(), which wakes at once on a new
// session, message, transcript line or close, and then diffs Sessions() and
// Messages() against what it reported: no polling, and no event is late.
// The cost is one snapshot of the recorded sessions per wake (changes made
// while a report is written are taken together by the next one): small for
// the sessions a test suite makes, but it grows with them (the server keeps
// every session; there is no "sessions since" query).
//
// Order: every event of a session comes in order (session_opened, its
// message_received events, session_closed), and messages in arrival order.
// That holds because Sessions() is read before Messages(): a session closed
// in the first snapshot committed its messages before closing, so they are
// all in the second; a message whose session is not yet in the first (it
// opened in between) waits for the next round, and so do the messages after
// it.
#ifndef SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_EVENT_REPORTER_H_
#define SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_EVENT_REPORTER_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "smtpfixture/server.h"
#include "tools/smtpfixture-server/dump_directory.h"
#include "tools/smtpfixture-server/event_output.h"

namespace server_cli {

class EventReporter {
 public:
  // `events`: where JSON lines go, or nullptr for no events. `dump`: where
  // messages are written, if set. `dkim`: whether to verify each message's
  // DKIM signatures for its event (only when keys were given: verifying
  // costs time for every message, and without keys tells nothing).
  EventReporter(const smtpfixture::Server& server, EventOutput* events,
                DumpDirectory* dump, bool dkim);

  // Reports what is new; after Server::Stop(), everything that remains
  // (every session is closed then).
  void Report();

 private:
  void Emit(const std::string& line);

  const smtpfixture::Server& server_;
  EventOutput* const events_;
  DumpDirectory* const dump_;
  const bool dkim_;
  std::size_t messages_reported_ = 0;  // a prefix of Messages()
  // Session ids grow in connection order: every id up to last_opened_ got
  // its session_opened; those still in open_ await their session_closed.
  std::uint64_t last_opened_ = 0;
  std::set<std::uint64_t> open_;
};

}  // namespace server_cli

#endif  // SMTPFIXTURE_TOOLS_SMTPFIXTURE_SERVER_EVENT_REPORTER_H_
