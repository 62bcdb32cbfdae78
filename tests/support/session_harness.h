// The session's dialogue harness: a scripted dialogue, run with its input
// fed whole, one byte at a time and in random pieces. Every run must produce
// the same actions (the API's promise that replies never depend on how the
// input was split); the whole-input run is returned, summarised, for the
// test's own expectations. Helpers record failures with EXPECT and never
// index what they have not checked.
#ifndef SMTPFIXTURE_TESTS_SUPPORT_SESSION_HARNESS_H_
#define SMTPFIXTURE_TESTS_SUPPORT_SESSION_HARNESS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "smtpfixture/faults.h"

namespace smtpfixture::detail {

struct Outcome {
  Actions actions;
  std::vector<std::string> greeting;  // reply lines written by Greet()
  std::vector<std::string> replies;   // reply lines written after that
  std::vector<std::shared_ptr<MessageRecord>> messages;
  std::vector<Violation> violations;
  std::vector<AuthAttempt> auth_attempts;
  std::vector<AuthInfo> authenticated;
  int auth_resets = 0;
  std::uint64_t violations_dropped =
      0;  // the last ViolationsDroppedAction  // AuthenticatedAction{nullopt}:
          // identity forgotten
  std::vector<TranscriptLine> transcript;
  std::vector<std::chrono::milliseconds> waits;
  std::vector<std::chrono::milliseconds> holds;  // HoldAction (TlsAttack)
  std::string injected;  // written behind a reply, in its write (TlsAttack)
  int start_tls = 0;
  bool closed = false;
  bool silenced = false;
};
// One line per action, for comparing runs and for failure messages.
std::string Describe(const Action& action);
std::vector<std::string> DescribeAll(const Actions& actions);

// Splits written bytes into reply lines, checking the wire format: CRLF after
// every line, no other CR or LF, "ddd-" on all lines but the last, "ddd " on
// the last.
std::vector<std::string> ReplyLines(const std::string& bytes);

// The actions sorted by kind; the first `greeting_actions` are the greeting's.
Outcome Summarize(Actions actions, std::size_t greeting_actions);

class Dialogue {
 public:
  Dialogue() = default;
  explicit Dialogue(SessionConfig config) : config_(std::move(config)) {}

  // The rules are made afresh for each run (Times() counts down).
  Dialogue& Faults(std::function<void(FaultScript&)> rules) {
    rules_ = std::move(rules);
    return *this;
  }
  // Feeds the input whole, once, and keeps pipelining-not-advertised, the
  // one output that depends on how the input was split. Without this the
  // runs are compared with that violation left out.
  Dialogue& WholeInputOnly() {
    whole_input_only_ = true;
    return *this;
  }
  Dialogue& NoGreeting() {
    greet_ = false;
    return *this;
  }
  Dialogue& Send(std::string bytes) {
    steps_.push_back({Step::kSend, std::move(bytes)});
    return *this;
  }
  // TLS is up; `verified_client_name`: the CN of a client certificate that
  // verified (empty: none).
  Dialogue& TlsUp(std::string verified_client_name = {}) {
    steps_.push_back({Step::kTls, std::move(verified_client_name)});
    return *this;
  }
  // The connection let a held reply go (HoldAction, TlsAttack).
  Dialogue& HoldOver() {
    steps_.push_back({Step::kHoldEnded, {}});
    return *this;
  }
  Dialogue& Idle() {
    steps_.push_back({Step::kIdle, {}});
    return *this;
  }
  Dialogue& Stop() {
    steps_.push_back({Step::kShutdown, {}});
    return *this;
  }
  Dialogue& Hangup() {
    steps_.push_back({Step::kClientClosed, {}});
    return *this;
  }
  Dialogue& Greet() {
    steps_.push_back({Step::kGreet, {}});
    return *this;
  }

  Outcome Run() const;

 private:
  struct Step {
    enum Kind {
      kSend,
      kTls,
      kIdle,
      kShutdown,
      kClientClosed,
      kGreet,
      kHoldEnded
    } kind;
    std::string bytes;
  };

  // `piece(n)`: how many bytes to feed next (0: all that is left).
  Actions RunWith(const std::function<std::size_t(std::size_t)>& piece) const;

  SessionConfig config_;
  std::function<void(FaultScript&)> rules_;
  bool greet_ = true;
  bool whole_input_only_ = false;
  std::vector<Step> steps_;
  mutable std::size_t greeting_actions_ = 0;
};
// Lines of a dialogue, each with CRLF.
std::string Lines(std::initializer_list<std::string_view> lines);

// EHLO, MAIL, RCPT, DATA, then `body` and the end-of-data line.
std::string Transaction(const std::string& body);

SessionConfig Plain();
SessionConfig WithAuth();  // all four mechanisms, alice/secret, plaintext ok
SessionConfig Tls(TlsPolicy policy);
SessionConfig Attacked(TlsAttack attack);  // WithAuth(), under `attack`

// The EHLO reply with default options.
extern const char* const kEhloReply[8];

// The last reply line; "" (and a test failure) if there is none.
std::string LastReply(const Outcome& o);

// The reply lines after the first `skip` ones; empty if there are fewer.
std::vector<std::string> After(const Outcome& o, std::size_t skip);

// Reply lines to `commands` sent after "EHLO client" (its reply skipped).
std::vector<std::string> Replies(const std::string& commands,
                                 SessionConfig config = Plain());

}  // namespace smtpfixture::detail

#endif  // SMTPFIXTURE_TESTS_SUPPORT_SESSION_HARNESS_H_
