// Scripted failures: replace a reply, delay it, drop the connection, or go
// silent, at a chosen stage of the SMTP dialogue.
//
// clang-format off
//   server.Faults().At(Stage::kRcptTo).WhenArgumentContains("bounce@").Reply(550, "5.1.1 No such user");
//   server.Faults().At(Stage::kEndOfData).Reply(451, "4.3.0 Try again later").Times(1);
// clang-format on
//
// A rule is built in one expression and takes effect whole when that
// expression ends: the server never sees a rule that has its reply but not
// yet its Times() or its WhenArgumentContains(). Rules are tried in the order
// they were added; the first that matches the stage and argument and has
// applications left is applied. Thread-safe: rules may be added or cleared
// from the test thread while the server runs; a rule takes effect for the
// next command that reaches its stage.
//
// What a scripted reply does depends on its code:
// * 400 or more: it is sent instead of handling the command, which changes
//   nothing (a refused RCPT adds no recipient). 421 also closes the
//   connection, as RFC 5321 4.2.2 requires. At kEndOfData the message is not
//   stored; at kData (the reply to DATA or to a BDAT chunk) the data is
//   refused, then read and discarded.
// * 2xx or 3xx: the command is handled as usual and the scripted reply
//   replaces its positive reply of the same class (a scripted 250 at
//   kEndOfData replaces "250 2.0.0 Ok: queued as N" and the message is
//   stored; a scripted 235 at kAuth replaces the final 235). If the command is
//   refused anyway, its refusal is sent and the scripted reply is dropped.
// * At kConnect and kQuit any scripted reply replaces the greeting or the
//   221. At kConnect, 421 closes the connection and any other code of 300 or
//   more puts the session into "no service" mode (RFC 5321 3.1: every command
//   but QUIT gets 503); at kQuit the connection closes after the reply.
#ifndef SMTPFIXTURE_FAULTS_H_
#define SMTPFIXTURE_FAULTS_H_

#include <chrono>
#include <memory>
#include <string>

namespace smtpfixture {

enum class Stage {
  kConnect,    // the greeting
  kHelo,       // EHLO and HELO
  kStartTls,   // STARTTLS
  kAuth,       // AUTH (the command and its whole SASL exchange)
  kMailFrom,   // MAIL FROM
  kRcptTo,     // RCPT TO
  kData,       // DATA (its 354), or each BDAT chunk but the LAST
  kEndOfData,  // the reply after the data (".", or BDAT ... LAST)
  kRset,
  kNoop,
  kQuit,
};

const char* StageName(Stage stage);

namespace detail {
struct FaultState;
struct FaultRuleData;
class FaultScriptAccess;
}  // namespace detail

// One rule being built. FaultScript::At() returns it by value; it is added to
// the script when it is destroyed, that is when the expression that built it
// ends (or, for `FaultRule rule = script.At(...);`, at the end of the
// variable's scope). It is neither copied nor moved, and a reference to it
// must not outlive that expression. Every method returns *this.
class FaultRule {
 public:
  // Apply only when the command's argument contains `text` (case-sensitive).
  // At kConnect there is no argument; at kEndOfData the argument is the
  // message data.
  FaultRule& WhenArgumentContains(std::string text);
  // Reply with `code` and `text` (see above). `text` may hold "\n" for a
  // multi-line reply. Codes outside 200..599 are refused with Error.
  FaultRule& Reply(int code, std::string text);
  // Wait this long, then send the normal or scripted reply. Replies to later
  // pipelined commands wait too: order is kept.
  FaultRule& Delay(std::chrono::milliseconds d);
  // Close the connection without replying.
  FaultRule& Disconnect();
  // Never reply, to this or any later command; at the idle timeout the
  // connection is closed without a word (a hung server).
  FaultRule& Silence();
  // Apply n times (n >= 1), then behave normally. Default: every time.
  FaultRule& Times(int n);

  // Adds the rule to its script, unless a method threw or it does nothing.
  ~FaultRule();
  FaultRule(const FaultRule&) = delete;
  FaultRule(FaultRule&&) = delete;
  FaultRule& operator=(const FaultRule&) = delete;
  FaultRule& operator=(FaultRule&&) = delete;

 private:
  friend class FaultScript;
  FaultRule(std::shared_ptr<detail::FaultState> state, Stage stage);
  std::shared_ptr<detail::FaultState> state_;
  std::unique_ptr<detail::FaultRuleData> rule_;  // null once abandoned
};

class FaultScript {
 public:
  FaultScript();
  ~FaultScript();
  FaultScript(const FaultScript&) = delete;
  FaultScript& operator=(const FaultScript&) = delete;

  // Starts a rule for `stage`; it takes effect when the expression ends.
  FaultRule At(Stage stage);
  void Clear();  // removes every rule

 private:
  friend class detail::FaultScriptAccess;  // the server's matching side
  std::shared_ptr<detail::FaultState> state_;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_FAULTS_H_
