// Scripted failures: replace a reply, delay it, drop the connection, or go
// silent, at a chosen stage of the SMTP dialogue.
//
//   server.Faults().At(Stage::kRcptTo).WhenArgumentContains("bounce@")
//       .Reply(550, "5.1.1 No such user");
//   server.Faults().At(Stage::kEndOfData).Reply(451, "4.3.0 Try
//   later").Times(1);
//
// Rules are tried in the order they were added; the first that matches the
// stage and argument and has applications left is applied. Thread-safe: rules
// may be added or cleared from the test thread while the server runs; a rule
// takes effect for the next command that reaches its stage.
//
// A scripted reply with code 421 closes the connection after it is sent, as
// RFC 5321 4.2.2 requires. A non-2xx reply at kEndOfData means the message is
// not stored; at kData (the reply to DATA or to a BDAT chunk) it refuses the
// data, which is then read and discarded.
#ifndef SMTPFIXTURE_FAULTS_H_
#define SMTPFIXTURE_FAULTS_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace smtpfixture {

enum class Stage {
  kConnect,    // the greeting
  kHelo,       // EHLO and HELO
  kStartTls,   // STARTTLS
  kAuth,       // AUTH (the command itself)
  kMailFrom,   // MAIL FROM
  kRcptTo,     // RCPT TO
  kData,       // DATA (its 354), or each BDAT chunk
  kEndOfData,  // the reply after the data (".", or BDAT ... LAST)
  kRset,
  kNoop,
  kQuit,
};

const char* StageName(Stage stage);

namespace detail {
struct FaultState;
}  // namespace detail

// What a rule does when it applies (exposed for the library's own use).
struct FaultAction {
  std::optional<int> code;  // replace the reply with code + text
  std::string text;
  std::chrono::milliseconds delay{0};  // wait before the reply
  bool disconnect = false;             // close without replying
  bool silence = false;                // never reply
};

class FaultRule {  // builder; every method returns *this
 public:
  // Apply only when the command's argument contains `text` (case-sensitive).
  // At kConnect there is no argument; at kEndOfData the argument is the
  // message data.
  FaultRule& WhenArgumentContains(std::string text);
  // Reply with `code` and `text` instead. `text` may hold "\n" for a
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

  FaultRule(const FaultRule&) = delete;
  FaultRule& operator=(const FaultRule&) = delete;

 private:
  friend class FaultScript;
  FaultRule(std::shared_ptr<detail::FaultState> state, std::size_t index);
  std::shared_ptr<detail::FaultState> state_;
  std::size_t index_;
};

class FaultScript {
 public:
  FaultScript();
  ~FaultScript();
  FaultScript(const FaultScript&) = delete;
  FaultScript& operator=(const FaultScript&) = delete;

  FaultRule& At(Stage stage);  // adds a rule; the reference lives until Clear()
  void Clear();                // removes every rule

  // For the server: the action of the first matching rule, consuming one of
  // its applications. Thread-safe.
  std::optional<FaultAction> Match(Stage stage,
                                   std::string_view argument) const;

 private:
  std::shared_ptr<detail::FaultState> state_;
  std::vector<std::unique_ptr<FaultRule>> rules_;  // guarded by state_'s mutex
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_FAULTS_H_
