#include "fixture/smtp/smtp_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "fixture/base/base64.h"
#include "fixture/smtp/sasl.h"

namespace smtpfixture::detail {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

// ---------------------------------------------------------------------------
// Harness: a scripted dialogue, run with its input fed whole, one byte at a
// time and in random pieces. Every run must produce the same actions; the
// whole-input run is returned for the test's own expectations.

std::string Describe(const WriteAction& a) { return "write " + a.bytes; }
std::string Describe(const DeliverAction& a) {
  const AcceptedMessage& m = *a.message;
  std::string s = "deliver id=" + std::to_string(m.id) +
                  " helo=" + m.envelope.helo + " from=" + m.envelope.mail_from;
  for (const Parameter& p : m.envelope.mail_parameters) {
    s += " " + p.name + "=" + p.value;
  }
  for (std::size_t i = 0; i < m.envelope.rcpt_to.size(); ++i) {
    s += " to=" + m.envelope.rcpt_to[i];
    for (const Parameter& p : m.envelope.rcpt_parameters[i]) {
      s += " " + p.name + "=" + p.value;
    }
  }
  if (m.auth) s += " auth=" + m.auth->mechanism + ":" + m.auth->username;
  for (const Violation& v : m.violations) s += " v=" + v.code + "@" + v.detail;
  return s + " data=[" + m.data + "]";
}
std::string Describe(const StartTlsAction&) { return "starttls"; }
std::string Describe(const CloseAction&) { return "close"; }
std::string Describe(const WaitAction& a) {
  return "wait " + std::to_string(a.duration.count());
}
std::string Describe(const SilenceAction&) { return "silence"; }
std::string Describe(const TranscriptAction& a) {
  return std::string(a.line.direction == Direction::kClient ? "C: " : "S: ") +
         a.line.text;
}
std::string Describe(const ViolationAction& a) {
  return "violation " + a.violation.code + "@" + a.violation.detail;
}
std::string Describe(const AuthAttemptAction& a) {
  return "auth-attempt " + a.attempt.mechanism + " " + a.attempt.username +
         (a.attempt.succeeded ? " ok " : " failed ") +
         std::to_string(a.attempt.reply_code);
}
std::string Describe(const AuthenticatedAction& a) {
  return "authenticated " + a.auth.mechanism + " " + a.auth.username;
}
std::string Describe(const Action& action) {
  return std::visit([](const auto& a) { return Describe(a); }, action);
}
std::vector<std::string> DescribeAll(const Actions& actions) {
  std::vector<std::string> out;
  for (const Action& a : actions) out.push_back(Describe(a));
  return out;
}

struct Outcome {
  Actions actions;
  std::vector<std::string> greeting;  // reply lines written by Greet()
  std::vector<std::string> replies;   // reply lines written after that
  std::vector<std::shared_ptr<AcceptedMessage>> messages;
  std::vector<Violation> violations;
  std::vector<AuthAttempt> auth_attempts;
  std::vector<AuthInfo> authenticated;
  std::vector<TranscriptLine> transcript;
  std::vector<std::chrono::milliseconds> waits;
  int start_tls = 0;
  bool closed = false;
  bool silenced = false;
};

// Splits written bytes into reply lines, checking the wire format: CRLF after
// every line, no other CR or LF, "ddd-" on all lines but the last, "ddd " on
// the last.
std::vector<std::string> ReplyLines(const std::string& bytes) {
  std::vector<std::string> lines;
  EXPECT_GE(bytes.size(), 2u);
  EXPECT_EQ(bytes.substr(bytes.size() - 2), "\r\n") << bytes;
  std::size_t start = 0;
  while (start < bytes.size()) {
    const std::size_t end = bytes.find("\r\n", start);
    if (end == std::string::npos) break;
    lines.push_back(bytes.substr(start, end - start));
    start = end + 2;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << line;
    EXPECT_GE(line.size(), 4u) << line;
    EXPECT_THAT(line.substr(0, 3), MatchesRegex("[2-5][0-9][0-9]")) << line;
    if (line.size() >= 4) {
      EXPECT_EQ(line[3], i + 1 < lines.size() ? '-' : ' ') << line;
      EXPECT_EQ(line.substr(0, 3), lines[0].substr(0, 3)) << line;
    }
  }
  return lines;
}

Outcome Summarize(Actions actions, std::size_t greeting_actions) {
  Outcome o;
  std::vector<std::string> server_transcript;
  std::vector<std::string> written;
  for (std::size_t i = 0; i < actions.size(); ++i) {
    const Action& action = actions[i];
    if (const auto* w = std::get_if<WriteAction>(&action)) {
      for (std::string& line : ReplyLines(w->bytes)) {
        written.push_back(line);
        (i < greeting_actions ? o.greeting : o.replies).push_back(line);
      }
    } else if (const auto* d = std::get_if<DeliverAction>(&action)) {
      o.messages.push_back(d->message);
    } else if (const auto* v = std::get_if<ViolationAction>(&action)) {
      o.violations.push_back(v->violation);
    } else if (const auto* a = std::get_if<AuthAttemptAction>(&action)) {
      o.auth_attempts.push_back(a->attempt);
    } else if (const auto* u = std::get_if<AuthenticatedAction>(&action)) {
      o.authenticated.push_back(u->auth);
    } else if (const auto* t = std::get_if<TranscriptAction>(&action)) {
      o.transcript.push_back(t->line);
      if (t->line.direction == Direction::kServer) {
        server_transcript.push_back(t->line.text);
      }
    } else if (const auto* wait = std::get_if<WaitAction>(&action)) {
      o.waits.push_back(wait->duration);
    } else if (std::holds_alternative<StartTlsAction>(action)) {
      ++o.start_tls;
    } else if (std::holds_alternative<CloseAction>(action)) {
      EXPECT_FALSE(o.closed || o.silenced) << "closed twice";
      o.closed = true;
    } else if (std::holds_alternative<SilenceAction>(action)) {
      EXPECT_FALSE(o.closed || o.silenced) << "silenced twice";
      o.silenced = true;
    }
    if ((o.closed || o.silenced) && i + 1 < actions.size()) {
      ADD_FAILURE() << "action after close/silence: "
                    << Describe(actions[i + 1]);
    }
  }
  // The transcript holds exactly what was written.
  EXPECT_EQ(server_transcript, written);
  o.actions = std::move(actions);
  return o;
}

class Dialogue {
 public:
  Dialogue() = default;
  explicit Dialogue(SessionConfig config) : config_(std::move(config)) {}

  // The rules are made afresh for each run (Times() counts down).
  Dialogue& Faults(std::function<void(FaultScript&)> rules) {
    rules_ = std::move(rules);
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
  Dialogue& TlsUp() {
    steps_.push_back({Step::kTls, {}});
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

  Outcome Run() const {
    const Actions whole = RunWith([](std::size_t) { return std::size_t{0}; });
    const std::vector<std::string> expected = DescribeAll(whole);
    EXPECT_EQ(DescribeAll(RunWith([](std::size_t) { return std::size_t{1}; })),
              expected)
        << "one byte at a time differs";
    for (unsigned seed = 1; seed <= 4; ++seed) {
      std::mt19937 random(seed);
      EXPECT_EQ(DescribeAll(RunWith([&](std::size_t) {
                  return std::size_t{1} + random() % 9;
                })),
                expected)
          << "random split " << seed << " differs";
    }
    return Summarize(whole, greeting_actions_);
  }

 private:
  struct Step {
    enum Kind { kSend, kTls, kIdle, kShutdown, kClientClosed, kGreet } kind;
    std::string bytes;
  };

  // `piece(n)`: how many bytes to feed next (0: all that is left).
  Actions RunWith(const std::function<std::size_t(std::size_t)>& piece) const {
    FaultScript script;
    SessionConfig config = config_;
    if (rules_) {
      rules_(script);
      config.faults = &script;
    }
    SmtpSession session(config);
    Actions out;
    if (greet_) session.Greet(out);
    greeting_actions_ = out.size();
    for (const Step& step : steps_) {
      switch (step.kind) {
        case Step::kSend: {
          std::string_view rest = step.bytes;
          while (!rest.empty()) {
            std::size_t n = piece(rest.size());
            if (n == 0 || n > rest.size()) n = rest.size();
            session.Feed(rest.substr(0, n), out);
            rest.remove_prefix(n);
          }
          break;
        }
        case Step::kTls:
          session.TlsEstablished(out);
          EXPECT_TRUE(session.tls_active());
          break;
        case Step::kIdle:
          session.IdleTimeout(out);
          break;
        case Step::kShutdown:
          session.Shutdown(out);
          break;
        case Step::kClientClosed:
          session.ClientClosed(out);
          break;
        case Step::kGreet:
          session.Greet(out);
          break;
      }
    }
    const bool ended = std::any_of(out.begin(), out.end(), [](const Action& a) {
      return std::holds_alternative<CloseAction>(a) ||
             std::holds_alternative<SilenceAction>(a);
    });
    EXPECT_EQ(session.closed(), ended);
    return out;
  }

  SessionConfig config_;
  std::function<void(FaultScript&)> rules_;
  bool greet_ = true;
  std::vector<Step> steps_;
  mutable std::size_t greeting_actions_ = 0;
};

// Lines of a dialogue, each with CRLF.
std::string Lines(std::initializer_list<std::string_view> lines) {
  std::string s;
  for (std::string_view line : lines) {
    s.append(line);
    s.append("\r\n");
  }
  return s;
}

SessionConfig Plain() { return SessionConfig{}; }

SessionConfig WithAuth() {
  SessionConfig c;
  c.auth.credentials = {{"alice", "secret"}};
  c.auth.allow_plaintext = true;
  c.auth.mechanisms = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"};
  return c;
}

const char* const kEhloReply[] = {
    "250-localhost",     "250-PIPELINING",
    "250-SIZE 33554432", "250-ENHANCEDSTATUSCODES",
    "250-8BITMIME",      "250-DSN",
    "250-SMTPUTF8",      "250 CHUNKING"};

// The reply lines after EHLO (whose reply is kEhloReply).
std::vector<std::string> After(const Outcome& o, std::size_t skip) {
  if (o.replies.size() < skip) return {};
  return std::vector<std::string>(o.replies.begin() + skip, o.replies.end());
}

// Reply lines to `commands` sent after "EHLO client" (its reply skipped).
std::vector<std::string> Replies(const std::string& commands,
                                 SessionConfig config = Plain()) {
  const Outcome o =
      Dialogue(std::move(config)).Send("EHLO client\r\n" + commands).Run();
  const auto ehlo_end = std::find_if(
      o.replies.begin(), o.replies.end(),
      [](const std::string& r) { return r.rfind("250 ", 0) == 0; });
  if (ehlo_end == o.replies.end()) return {};
  return std::vector<std::string>(ehlo_end + 1, o.replies.end());
}

// ---------------------------------------------------------------------------
// Greeting, EHLO, HELO.

TEST(SmtpSessionTest, Greets) {
  const Outcome o = Dialogue().Run();
  EXPECT_THAT(o.greeting, ElementsAre("220 localhost ESMTP smtpfixture"));
  EXPECT_FALSE(o.closed);
}

TEST(SmtpSessionTest, GreetsWithTheConfiguredHostname) {
  SessionConfig c;
  c.hostname = "mx.example.test";
  const Outcome o = Dialogue(c).Send("EHLO a\r\nHELO b\r\n").Run();
  EXPECT_THAT(o.greeting, ElementsAre("220 mx.example.test ESMTP smtpfixture"));
  EXPECT_EQ(o.replies.front(), "250-mx.example.test");
  EXPECT_EQ(o.replies.back(), "250 mx.example.test");
}

TEST(SmtpSessionTest, EhloAdvertisesDefaults) {
  const Outcome o = Dialogue().Send("EHLO client.example\r\n").Run();
  EXPECT_THAT(o.replies, ::testing::ElementsAreArray(kEhloReply));
}

TEST(SmtpSessionTest, EhloAdvertisesEverythingInFixedOrder) {
  SessionConfig c = WithAuth();
  c.tls_policy = TlsPolicy::kStartTlsOptional;
  c.auth.mechanisms = {"XOAUTH2", "plain", "CRAM-MD5"};
  const Outcome o = Dialogue(c).Send("EHLO x\r\n").Run();
  EXPECT_THAT(
      o.replies,
      ElementsAre("250-localhost", "250-PIPELINING", "250-SIZE 33554432",
                  "250-STARTTLS", "250-AUTH XOAUTH2 PLAIN CRAM-MD5",
                  "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN",
                  "250-SMTPUTF8", "250 CHUNKING"));
}

TEST(SmtpSessionTest, EhloWithEverythingOff) {
  SessionConfig c;
  c.extensions = {false, false, false, false, false, false, false};
  const Outcome o = Dialogue(c).Send("EHLO x\r\n").Run();
  EXPECT_THAT(o.replies, ElementsAre("250 localhost"));
}

TEST(SmtpSessionTest, SizeWithoutLimit) {
  SessionConfig c;
  c.limits.max_message_bytes = 0;
  const Outcome o = Dialogue(c).Send("EHLO x\r\n").Run();
  EXPECT_EQ(o.replies[2], "250-SIZE");
}

TEST(SmtpSessionTest, StartTlsAdvertisedForOptionalAndRequiredOnly) {
  for (TlsPolicy policy : {TlsPolicy::kNone, TlsPolicy::kStartTlsOptional,
                           TlsPolicy::kStartTlsRequired}) {
    SessionConfig c;
    c.tls_policy = policy;
    const Outcome o = Dialogue(c).Send("EHLO x\r\n").Run();
    const bool advertised = std::find(o.replies.begin(), o.replies.end(),
                                      "250-STARTTLS") != o.replies.end();
    EXPECT_EQ(advertised, policy != TlsPolicy::kNone) << TlsPolicyName(policy);
  }
}

TEST(SmtpSessionTest, EhloAndHeloNeedAnArgument) {
  EXPECT_THAT(Dialogue().Send("EHLO\r\nHELO \r\n").Run().replies,
              ElementsAre("501 5.5.4 Syntax: EHLO hostname",
                          "501 5.5.4 Syntax: HELO hostname"));
}

TEST(SmtpSessionTest, Helo) {
  const Outcome o = Dialogue()
                        .Send(Lines({"HELO client.example", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "x", "."}))
                        .Run();
  EXPECT_THAT(o.replies,
              ElementsAre("250 localhost", "250 2.1.0 Ok", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->envelope.helo, "client.example");
}

TEST(SmtpSessionTest, EhloResetsTheTransaction) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b>", "EHLO again", "RCPT TO:<c@d>"})),
      ElementsAre("250 2.1.0 Ok", "250-localhost", "250-PIPELINING",
                  "250-SIZE 33554432", "250-ENHANCEDSTATUSCODES",
                  "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING",
                  "503 5.5.1 Error: need MAIL command"));
}

TEST(SmtpSessionTest, CommandsAreCaseInsensitive) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"ehlo x", "mail from:<a@b> body=8bitmime",
                       "Rcpt To:<c@d>", "data", "hi", ".", "qUiT"}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1", "221 2.0.0 Bye"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->envelope.mail_parameters[0].name, "BODY");
  EXPECT_EQ(o.messages[0]->envelope.mail_parameters[0].value, "8bitmime");
}

// ---------------------------------------------------------------------------
// Command line syntax.

TEST(SmtpSessionTest, EmptyLineAndNulAreBadSyntax) {
  EXPECT_THAT(
      Dialogue().Send("\r\n   \r\nNO\0OP\r\n"s).Run().replies,
      ElementsAre("500 5.5.2 Error: bad syntax", "500 5.5.2 Error: bad syntax",
                  "500 5.5.2 Error: bad syntax"));
}

TEST(SmtpSessionTest, UnknownCommand) {
  EXPECT_THAT(Dialogue().Send("FOO bar\r\nTURN\r\n").Run().replies,
              ElementsAre("500 5.5.2 Error: command not recognized",
                          "500 5.5.2 Error: command not recognized"));
}

TEST(SmtpSessionTest, BareLfEndsACommandAndIsRecordedOnce) {
  const Outcome o = Dialogue().Send("NOOP\nNOOP\r\nRSET\n").Run();
  EXPECT_THAT(o.replies,
              ElementsAre("250 2.0.0 Ok", "250 2.0.0 Ok", "250 2.0.0 Ok"));
  ASSERT_THAT(o.violations, SizeIs(1));
  EXPECT_EQ(o.violations[0].code, "bare-lf");
  EXPECT_THAT(o.violations[0].detail, HasSubstr("command line 1"));
}

TEST(SmtpSessionTest, CommandLineOfExactly2048OctetsIsFine) {
  const std::string line = "NOOP " + std::string(2041, 'x');  // + CRLF = 2048
  ASSERT_EQ(line.size() + 2, 2048u);
  const Outcome o = Dialogue().Send(line + "\r\n").Run();
  EXPECT_THAT(o.replies, ElementsAre("250 2.0.0 Ok"));
  EXPECT_THAT(o.violations, IsEmpty());
}

TEST(SmtpSessionTest, CommandLineOver2048OctetsIsDiscarded) {
  const std::string line = "NOOP " + std::string(2042, 'x');  // 2049 with CRLF
  const Outcome o = Dialogue().Send(line + "\r\nNOOP\r\n").Run();
  EXPECT_THAT(o.replies,
              ElementsAre("500 5.5.2 Error: line too long", "250 2.0.0 Ok"));
  ASSERT_THAT(o.violations, SizeIs(1));
  EXPECT_EQ(o.violations[0].code, "command-too-long");
  ASSERT_GE(o.transcript.size(), 2u);
  EXPECT_EQ(o.transcript[1].direction, Direction::kClient);
  EXPECT_THAT(o.transcript[1].text, HasSubstr("\xE2\x80\xA6[truncated]"));
  EXPECT_LT(o.transcript[1].text.size(), 2100u);
}

TEST(SmtpSessionTest, HugeLineIsDiscardedWithoutBreakingTheSession) {
  // A megabyte without a line end, then more: one 500, then normal service.
  SmtpSession session(Plain());
  Actions out;
  const std::string chunk(64 * 1024, 'A');
  for (int i = 0; i < 16; ++i) session.Feed(chunk, out);
  EXPECT_TRUE(out.empty());
  session.Feed("\r\nNOOP\r\n", out);
  const Outcome o = Summarize(std::move(out), 0);
  EXPECT_THAT(o.replies,
              ElementsAre("500 5.5.2 Error: line too long", "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, PipelinedCommandsKeepTheirOrder) {
  std::string input = "EHLO client\r\nMAIL FROM:<a@example.com>\r\n";
  for (int i = 0; i < 50; ++i) {
    input += "RCPT TO:<r" + std::to_string(i) + "@example.com>\r\n";
  }
  input += "DATA\r\nSubject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<b@x>\r\n";
  input += "RCPT TO:<c@x>\r\nDATA\r\nsecond\r\n.\r\nQUIT\r\n";
  const Outcome o = Dialogue().Send(input).Run();
  std::vector<std::string> expected(std::begin(kEhloReply),
                                    std::end(kEhloReply));
  expected.push_back("250 2.1.0 Ok");
  for (int i = 0; i < 50; ++i) expected.push_back("250 2.1.5 Ok");
  expected.push_back("354 End data with <CR><LF>.<CR><LF>");
  expected.push_back("250 2.0.0 Ok: queued as 1");
  expected.push_back("250 2.1.0 Ok");
  expected.push_back("250 2.1.5 Ok");
  expected.push_back("354 End data with <CR><LF>.<CR><LF>");
  expected.push_back("250 2.0.0 Ok: queued as 2");
  expected.push_back("221 2.0.0 Bye");
  EXPECT_EQ(o.replies, expected);
  ASSERT_THAT(o.messages, SizeIs(2));
  EXPECT_THAT(o.messages[0]->envelope.rcpt_to, SizeIs(50));
  EXPECT_EQ(o.messages[0]->envelope.rcpt_to[49], "r49@example.com");
  EXPECT_EQ(o.messages[0]->data, "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(o.messages[1]->data, "second\r\n");
  EXPECT_EQ(o.messages[1]->envelope.helo, "client");
  EXPECT_TRUE(o.closed);
}

// ---------------------------------------------------------------------------
// MAIL.

TEST(SmtpSessionTest, MailBeforeHelo) {
  EXPECT_THAT(Dialogue().Send("MAIL FROM:<a@b>\r\n").Run().replies,
              ElementsAre("503 5.5.1 Error: send HELO/EHLO first"));
}

TEST(SmtpSessionTest, NestedMail) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b>", "MAIL FROM:<c@d>"})),
      ElementsAre("250 2.1.0 Ok", "503 5.5.1 Error: nested MAIL command"));
}

TEST(SmtpSessionTest, MailSyntax) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:a@b", "MAIL FROM:<a@b", "MAIL FROM:<a b@c>",
                     "MAIL TO:<a@b>", "MAIL", "MAIL FROM:<a@b>x",
                     "MAIL FROM:<@a,@b>", "MAIL FROM:<a<b>"})),
      ElementsAre("501 5.1.7 Bad sender address syntax",
                  "501 5.1.7 Bad sender address syntax",
                  "501 5.1.7 Bad sender address syntax",
                  "501 5.5.4 Syntax: MAIL FROM:<address>",
                  "501 5.5.4 Syntax: MAIL FROM:<address>",
                  "501 5.1.7 Bad sender address syntax",
                  "501 5.1.7 Bad sender address syntax",
                  "501 5.1.7 Bad sender address syntax"));
}

// Sends MAIL with `mail`, one RCPT and a one-line message; returns the one
// message (or fails).
std::shared_ptr<AcceptedMessage> OneMessage(const std::string& mail,
                                            SessionConfig config = Plain(),
                                            const std::string& rcpt = "<c@d>") {
  const Outcome o = Dialogue(std::move(config))
                        .Send(Lines({"EHLO client", mail, "RCPT TO:" + rcpt,
                                     "DATA", "hello", "."}))
                        .Run();
  EXPECT_THAT(o.messages, SizeIs(1)) << ::testing::PrintToString(o.replies);
  return o.messages.empty() ? std::make_shared<AcceptedMessage>()
                            : o.messages[0];
}

TEST(SmtpSessionTest, MailAddressForms) {
  EXPECT_EQ(OneMessage("MAIL FROM:<a@b.example>")->envelope.mail_from,
            "a@b.example");
  EXPECT_EQ(OneMessage("MAIL FROM: <a@b.example>")->envelope.mail_from,
            "a@b.example");
  EXPECT_EQ(OneMessage("MAIL FROM:<>")->envelope.mail_from, "");
  EXPECT_EQ(OneMessage("MAIL FROM:<@relay.one,@relay.two:u@d.example>")
                ->envelope.mail_from,
            "u@d.example");
  EXPECT_EQ(OneMessage("MAIL FROM:<\"a b\"@x>")->envelope.mail_from,
            "\"a b\"@x");
}

TEST(SmtpSessionTest, MailParametersAreStoredUpperCased) {
  SessionConfig c = WithAuth();
  const auto m = OneMessage(
      "MAIL FROM:<a@b> size=100 BODY=8BITMIME SMTPUTF8 RET=HDRS "
      "ENVID=QQ+2Bx AUTH=<>",
      c);
  EXPECT_EQ(m->envelope.mail_parameters.size(), 6u);
  std::string all;
  for (const Parameter& p : m->envelope.mail_parameters) {
    all += p.name + "=" + p.value + ";";
  }
  EXPECT_EQ(all,
            "SIZE=100;BODY=8BITMIME;SMTPUTF8=;RET=HDRS;ENVID=QQ+2Bx;AUTH=<>;");
}

TEST(SmtpSessionTest, MailParameterErrors) {
  SessionConfig c;
  c.limits.max_message_bytes = 1000;
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b> SIZE=abc", "MAIL FROM:<a@b> SIZE=",
                     "MAIL FROM:<a@b> SIZE=1001", "MAIL FROM:<a@b> BODY=FOO",
                     "MAIL FROM:<a@b> SMTPUTF8=yes", "MAIL FROM:<a@b> RET=ALL",
                     "MAIL FROM:<a@b> ENVID=a=b", "MAIL FROM:<a@b> FOO=1",
                     "MAIL FROM:<a@b> AUTH=<>", "MAIL FROM:<a@b> SIZE=1000"}),
              c),
      ElementsAre("501 5.5.4 Bad message size syntax",
                  "501 5.5.4 Bad message size syntax",
                  "552 5.3.4 Message size exceeds fixed limit",
                  "501 5.5.4 Bad BODY keyword", "501 5.5.4 Bad SMTPUTF8 syntax",
                  "501 5.5.4 Bad RET parameter syntax",
                  "501 5.5.4 Bad ENVID parameter syntax",
                  "555 5.5.4 Unsupported option: FOO",
                  "555 5.5.4 Unsupported option: AUTH", "250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, AuthParameterNeedsXtext) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b> AUTH=", "MAIL FROM:<a@b> AUTH=a=b",
                     "MAIL FROM:<a@b> AUTH=alice+40example.com"}),
              WithAuth()),
      ElementsAre("501 5.5.4 Bad AUTH parameter syntax",
                  "501 5.5.4 Bad AUTH parameter syntax", "250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, HugeSizeValueIsOverTheLimit) {
  EXPECT_THAT(Replies("MAIL FROM:<a@b> SIZE=99999999999999999999999999\r\n"),
              ElementsAre("552 5.3.4 Message size exceeds fixed limit"));
  SessionConfig c;
  c.limits.max_message_bytes = 0;
  EXPECT_THAT(Replies("MAIL FROM:<a@b> SIZE=99999999999999999999999\r\n", c),
              ElementsAre("250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, BodyKeywords) {
  EXPECT_THAT(Replies(Lines({"MAIL FROM:<a@b> BODY=7BIT", "RSET",
                             "MAIL FROM:<a@b> BODY=binarymime"})),
              ElementsAre("250 2.1.0 Ok", "250 2.0.0 Ok", "250 2.1.0 Ok"));
  SessionConfig c;
  c.extensions.chunking = false;
  EXPECT_THAT(Replies("MAIL FROM:<a@b> BODY=BINARYMIME\r\n", c),
              ElementsAre("501 5.5.4 Bad BODY keyword"));
  c.extensions.eightbitmime = false;
  EXPECT_THAT(Replies("MAIL FROM:<a@b> BODY=8BITMIME\r\n", c),
              ElementsAre("555 5.5.4 Unsupported option: BODY"));
}

TEST(SmtpSessionTest, ParametersNeedTheirExtension) {
  SessionConfig c;
  c.extensions.size = false;
  c.extensions.dsn = false;
  c.extensions.smtputf8 = false;
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b> SIZE=1", "MAIL FROM:<a@b> RET=FULL",
                     "MAIL FROM:<a@b> ENVID=x", "MAIL FROM:<a@b> SMTPUTF8",
                     "MAIL FROM:<a@b>", "RCPT TO:<c@d> NOTIFY=NEVER",
                     "RCPT TO:<c@d> ORCPT=rfc822;c@d"}),
              c),
      ElementsAre("555 5.5.4 Unsupported option: SIZE",
                  "555 5.5.4 Unsupported option: RET",
                  "555 5.5.4 Unsupported option: ENVID",
                  "555 5.5.4 Unsupported option: SMTPUTF8", "250 2.1.0 Ok",
                  "555 5.5.4 Unsupported option: NOTIFY",
                  "555 5.5.4 Unsupported option: ORCPT"));
}

TEST(SmtpSessionTest, ParametersNeedEhlo) {
  EXPECT_THAT(
      Dialogue()
          .Send(Lines({"HELO x", "MAIL FROM:<a@b> SIZE=10", "MAIL FROM:<a@b>"}))
          .Run()
          .replies,
      ElementsAre("250 localhost", "555 5.5.4 Unsupported option: SIZE",
                  "250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, Utf8AddressNeedsSmtpUtf8) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<j\xC3\xB6rg@example.com>",
                       "MAIL FROM:<j\xC3\xB6rg@example.com> SMTPUTF8",
                       "RCPT TO:<\xC3\xA9@x>", "RSET", "MAIL FROM:<a@b>",
                       "RCPT TO:<\xC3\xA9@x>"}))
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("553 5.6.7 Must declare SMTPUTF8 to send UTF-8 address",
                  "250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.0.0 Ok",
                  "250 2.1.0 Ok",
                  "553 5.6.7 Must declare SMTPUTF8 to send UTF-8 "
                  "address"));
  ASSERT_THAT(o.violations, SizeIs(1));  // once per session
  EXPECT_EQ(o.violations[0].code, "utf8-without-smtputf8");
}

TEST(SmtpSessionTest, Utf8AddressWithSmtpUtf8Disabled) {
  SessionConfig c;
  c.extensions.smtputf8 = false;
  EXPECT_THAT(Replies(Lines({"MAIL FROM:<\xC3\xA9@x> SMTPUTF8",
                             "MAIL FROM:<\xC3\xA9@x>"}),
                      c),
              ElementsAre("555 5.5.4 Unsupported option: SMTPUTF8",
                          "553 5.6.7 Must declare SMTPUTF8 to send UTF-8 "
                          "address"));
}

// ---------------------------------------------------------------------------
// RCPT.

TEST(SmtpSessionTest, RcptBeforeMail) {
  EXPECT_THAT(Replies("RCPT TO:<c@d>\r\n"),
              ElementsAre("503 5.5.1 Error: need MAIL command"));
}

TEST(SmtpSessionTest, RcptSyntax) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b>", "RCPT TO:<>", "RCPT TO:c@d",
                     "RCPT TO:<c d@e>", "RCPT FROM:<c@d>",
                     "RCPT TO:<postmaster>", "RCPT TO: <e@f>"})),
      ElementsAre("250 2.1.0 Ok", "501 5.1.3 Bad recipient address syntax",
                  "501 5.1.3 Bad recipient address syntax",
                  "501 5.1.3 Bad recipient address syntax",
                  "501 5.5.4 Syntax: RCPT TO:<address>", "250 2.1.5 Ok",
                  "250 2.1.5 Ok"));
}

TEST(SmtpSessionTest, RcptParameters) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b>", "RCPT TO:<c@d> NOTIFY=SUCCESS,FAILURE",
                     "RCPT TO:<c@d> notify=never", "RCPT TO:<c@d> NOTIFY=DELAY",
                     "RCPT TO:<c@d> NOTIFY=NEVER,SUCCESS",
                     "RCPT TO:<c@d> NOTIFY=", "RCPT TO:<c@d> NOTIFY=SUCCESS,",
                     "RCPT TO:<c@d> ORCPT=rfc822;c+40d",
                     "RCPT TO:<c@d> ORCPT=rfc822", "RCPT TO:<c@d> ORCPT=;x",
                     "RCPT TO:<c@d> FOO"})),
      ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
                  "250 2.1.5 Ok", "501 5.5.4 Bad NOTIFY parameter syntax",
                  "501 5.5.4 Bad NOTIFY parameter syntax",
                  "501 5.5.4 Bad NOTIFY parameter syntax", "250 2.1.5 Ok",
                  "501 5.5.4 Bad ORCPT parameter syntax",
                  "501 5.5.4 Bad ORCPT parameter syntax",
                  "555 5.5.4 Unsupported option: FOO"));
}

TEST(SmtpSessionTest, RcptParametersAreStoredPerRecipient) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>",
                       "RCPT TO:<one@x> NOTIFY=NEVER", "RCPT TO:<bad>x",
                       "RCPT TO:<two@x>", "DATA", "m", "."}))
          .Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  const Envelope& e = o.messages[0]->envelope;
  EXPECT_THAT(e.rcpt_to, ElementsAre("one@x", "two@x"));
  ASSERT_THAT(e.rcpt_parameters, SizeIs(2));
  ASSERT_THAT(e.rcpt_parameters[0], SizeIs(1));
  EXPECT_EQ(e.rcpt_parameters[0][0].name, "NOTIFY");
  EXPECT_EQ(e.rcpt_parameters[0][0].value, "NEVER");
  EXPECT_THAT(e.rcpt_parameters[1], IsEmpty());
}

TEST(SmtpSessionTest, TooManyRecipients) {
  SessionConfig c;
  c.limits.max_recipients = 2;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<1@x>",
                       "RCPT TO:<2@x>", "RCPT TO:<3@x>", "DATA", "m", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
                          "452 4.5.3 Error: too many recipients",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(o.messages[0]->envelope.rcpt_to, ElementsAre("1@x", "2@x"));
}

// ---------------------------------------------------------------------------
// DATA.

TEST(SmtpSessionTest, DataSequencing) {
  EXPECT_THAT(Replies(Lines({"DATA", "MAIL FROM:<a@b>", "DATA", "RCPT TO:<c@d>",
                             "DATA now"})),
              ElementsAre("503 5.5.1 Error: need MAIL command", "250 2.1.0 Ok",
                          "503 5.5.1 Error: need RCPT command", "250 2.1.5 Ok",
                          "501 5.5.4 Syntax: DATA"));
}

TEST(SmtpSessionTest, DeliversBeforeReplying) {
  const Outcome o = Dialogue()
                        .Send(Lines({"EHLO client.example", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "Subject: hi", "",
                                     "..dots", "."}))
                        .Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  const AcceptedMessage& m = *o.messages[0];
  EXPECT_EQ(m.id, 1u);
  EXPECT_EQ(m.envelope.helo, "client.example");
  EXPECT_EQ(m.envelope.mail_from, "a@b");
  EXPECT_THAT(m.envelope.rcpt_to, ElementsAre("c@d"));
  EXPECT_EQ(m.data, "Subject: hi\r\n\r\n.dots\r\n");
  EXPECT_THAT(m.violations, IsEmpty());
  EXPECT_FALSE(m.auth.has_value());
  // The DeliverAction comes before the 250 is written.
  const std::vector<std::string> all = DescribeAll(o.actions);
  const auto deliver = std::find_if(all.begin(), all.end(), [](const auto& s) {
    return s.rfind("deliver", 0) == 0;
  });
  const auto reply =
      std::find(all.begin(), all.end(), "write 250 2.0.0 Ok: queued as 1\r\n");
  ASSERT_NE(deliver, all.end());
  ASSERT_NE(reply, all.end());
  EXPECT_LT(deliver, reply);
}

TEST(SmtpSessionTest, TranscriptOfAMessage) {
  const Outcome o = Dialogue()
                        .Send(Lines({"HELO c", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "12345", "."}))
                        .Run();
  std::vector<std::string> lines;
  for (const TranscriptLine& t : o.transcript) {
    lines.push_back((t.direction == Direction::kClient ? "C " : "S ") + t.text);
  }
  EXPECT_THAT(
      lines,
      ElementsAre("S 220 localhost ESMTP smtpfixture", "C HELO c",
                  "S 250 localhost", "C MAIL FROM:<a@b>", "S 250 2.1.0 Ok",
                  "C RCPT TO:<c@d>", "S 250 2.1.5 Ok", "C DATA",
                  "S 354 End data with <CR><LF>.<CR><LF>",
                  "C [message data: 7 octets]", "S 250 2.0.0 Ok: queued as 1"));
}

TEST(SmtpSessionTest, UsesTheConfiguredMessageIds) {
  SessionConfig c;
  // Every run of the dialogue (whole, bytewise, ...) asks once.
  c.next_message_id = [] { return std::uint64_t{42}; };
  const Outcome o = Dialogue(c)
                        .Send(Lines({"HELO c", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "x", "."}))
                        .Run();
  EXPECT_EQ(o.replies.back(), "250 2.0.0 Ok: queued as 42");
  EXPECT_EQ(o.messages.at(0)->id, 42u);
}

TEST(SmtpSessionTest, SmugglingSequencesAreData) {
  const std::string smuggled =
      "Subject: one\r\n\r\nx\n.\r\nMAIL FROM:<evil@x>\r\nRCPT TO:<v@x>\r\n"
      "DATA\r\ny\r\n.\nz\n.\n";
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}) +
                smuggled + "\r\n.\r\nQUIT\r\n")
          .Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data,
            "Subject: one\r\n\r\nx\n.\r\nMAIL FROM:<evil@x>\r\nRCPT "
            "TO:<v@x>\r\nDATA\r\ny\r\n\nz\n.\n\r\n");
  EXPECT_THAT(o.messages[0]->violations,
              ElementsAre(Field(&Violation::code, "bare-lf")));
  EXPECT_THAT(o.violations, ElementsAre(Field(&Violation::code, "bare-lf")));
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1", "221 2.0.0 Bye"));
}

TEST(SmtpSessionTest, StrictLineEndingsRefuseBareLf) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                       "a\nb", ".", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                       "fine", "."}))
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                  "354 End data with <CR><LF>.<CR><LF>",
                  "550 5.5.2 Error: bare <CR> or <LF> received", "250 2.1.0 Ok",
                  "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                  "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "fine\r\n");
  EXPECT_THAT(o.violations, ElementsAre(Field(&Violation::code, "bare-lf")));
}

TEST(SmtpSessionTest, StrictLineEndingsRefuseBareCr) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o = Dialogue(c)
                        .Send(Lines({"EHLO x", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "a\rb", "."}))
                        .Run();
  EXPECT_EQ(o.replies.back(), "550 5.5.2 Error: bare <CR> or <LF> received");
  EXPECT_THAT(o.messages, IsEmpty());
}

std::string Transaction(const std::string& body) {
  return Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}) + body +
         ".\r\n";
}

TEST(SmtpSessionTest, MessageOfExactlyTheLimit) {
  SessionConfig c;
  c.limits.max_message_bytes = 20;
  const Outcome o =
      Dialogue(c).Send(Transaction("..3456789\r\n12345678\r\n")).Run();
  EXPECT_EQ(o.replies.back(), "250 2.0.0 Ok: queued as 1");
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data.size(), 20u);
}

TEST(SmtpSessionTest, MessageOverTheLimit) {
  SessionConfig c;
  c.limits.max_message_bytes = 20;
  const Outcome o = Dialogue(c)
                        .Send(Transaction("123456789\r\n123456789\r\n") +
                              Lines({"MAIL FROM:<a@b>"}))
                        .Run();
  EXPECT_THAT(After(o, 10),
              ElementsAre("354 End data with <CR><LF>.<CR><LF>",
                          "552 5.3.4 Message size exceeds fixed limit",
                          "250 2.1.0 Ok"));
  EXPECT_THAT(o.messages, IsEmpty());
}

TEST(SmtpSessionTest, EightBitNeedsDeclaring) {
  const Outcome o = Dialogue().Send(Transaction("caf\xC3\xA9\r\n")).Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(
      o.messages[0]->violations,
      ElementsAre(AllOf(Field(&Violation::code, "8bit-without-8bitmime"),
                        Field(&Violation::detail, "line 1"))));
  EXPECT_THAT(o.violations,
              ElementsAre(Field(&Violation::code, "8bit-without-8bitmime")));
  const Outcome eight_bit =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b> BODY=8BITMIME",
                       "RCPT TO:<c@d>", "DATA", "caf\xC3\xA9", "."}))
          .Run();
  EXPECT_THAT(eight_bit.messages.at(0)->violations, IsEmpty());
  const Outcome declared =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b> SMTPUTF8", "RCPT TO:<c@d>",
                       "DATA", "caf\xC3\xA9", "."}))
          .Run();
  EXPECT_THAT(declared.messages.at(0)->violations, IsEmpty());
}

TEST(SmtpSessionTest, ManyMessagesPerConnectionWithOwnViolations) {
  const Outcome o = Dialogue()
                        .Send(Transaction("a\nb\r\n") +
                              Lines({"MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                                     "clean", "."}))
                        .Run();
  ASSERT_THAT(o.messages, SizeIs(2));
  EXPECT_THAT(o.messages[0]->violations, SizeIs(1));
  EXPECT_THAT(o.messages[1]->violations, IsEmpty());
  EXPECT_EQ(o.messages[1]->id, 2u);
}

// ---------------------------------------------------------------------------
// Other commands.

TEST(SmtpSessionTest, RsetNoopVrfyHelpExpn) {
  EXPECT_THAT(
      Replies(
          Lines({"MAIL FROM:<a@b>", "RSET", "RCPT TO:<c@d>", "RSET x", "NOOP",
                 "NOOP anything", "VRFY alice", "VRFY", "HELP", "EXPN list"})),
      ElementsAre("250 2.1.0 Ok", "250 2.0.0 Ok",
                  "503 5.5.1 Error: need MAIL command",
                  "501 5.5.4 Syntax: RSET", "250 2.0.0 Ok", "250 2.0.0 Ok",
                  "252 2.0.0 alice", "501 5.5.4 Syntax: VRFY address",
                  "214 2.0.0 See RFC 5321",
                  "502 5.5.1 Error: command not implemented"));
}

TEST(SmtpSessionTest, VrfyNeverEchoesControlCharacters) {
  EXPECT_THAT(Replies("VRFY a\rb\r\n"), ElementsAre("252 2.0.0 a?b"));
}

TEST(SmtpSessionTest, QuitClosesAndLaterInputIsIgnored) {
  const Outcome o = Dialogue().Send("QUIT\r\nNOOP\r\n").Send("NOOP\r\n").Run();
  EXPECT_THAT(o.replies, ElementsAre("221 2.0.0 Bye"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, WithoutEnhancedStatusCodes) {
  SessionConfig c;
  c.extensions.enhanced_status_codes = false;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"MAIL FROM:<a@b>", "EHLO x", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d>", "DATA", "x", ".", "VRFY me", "BOGUS"}))
          .Stop()
          .Run();
  EXPECT_THAT(
      o.replies,
      ElementsAre("503 Error: send HELO/EHLO first", "250-localhost",
                  "250-PIPELINING", "250-SIZE 33554432", "250-8BITMIME",
                  "250-DSN", "250-SMTPUTF8", "250 CHUNKING", "250 Ok", "250 Ok",
                  "354 End data with <CR><LF>.<CR><LF>", "250 Ok: queued as 1",
                  "252 me", "500 Error: command not recognized",
                  "421 localhost Service shutting down"));
}

TEST(SmtpSessionTest, IdleTimeout) {
  const Outcome o =
      Dialogue().Send("EHLO x\r\nMAIL FROM:<a@b>\r\n").Idle().Run();
  EXPECT_EQ(o.replies.back(), "421 4.4.2 localhost Error: timeout exceeded");
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, ShutdownMidData) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                       "half a message"}))
          .Stop()
          .Send(".\r\n")
          .Run();
  EXPECT_EQ(o.replies.back(), "421 4.3.2 localhost Service shutting down");
  EXPECT_TRUE(o.closed);
  EXPECT_THAT(o.messages, IsEmpty());
}

TEST(SmtpSessionTest, ClientClosedDropsTheTransaction) {
  const Outcome o = Dialogue()
                        .Send(Lines({"EHLO x", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "half"}))
                        .Hangup()
                        .Send(".\r\n")
                        .Idle()
                        .Run();
  EXPECT_THAT(o.messages, IsEmpty());
  EXPECT_FALSE(o.closed);
  EXPECT_EQ(o.replies.back(), "354 End data with <CR><LF>.<CR><LF>");
}

// ---------------------------------------------------------------------------
// BDAT.

TEST(SmtpSessionTest, BdatChunks) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 7\r\nhel\r\n.\r" + "BDAT 7 LAST\r\n\n world" + "NOOP\r\n")
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "250 2.0.0 Ok: 7 octets received",
                          "250 2.0.0 Ok: queued as 1", "250 2.0.0 Ok"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "hel\r\n.\r\n world");
  // Binary-safe: no bare-line-ending checks on BDAT.
  EXPECT_THAT(o.messages[0]->violations, IsEmpty());
  std::vector<std::string> client;
  for (const TranscriptLine& t : o.transcript) {
    if (t.direction == Direction::kClient) client.push_back(t.text);
  }
  EXPECT_THAT(client,
              ElementsAre("EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>",
                          "BDAT 7", "[BDAT chunk: 7 octets]", "BDAT 7 LAST",
                          "[BDAT chunk: 7 octets]", "NOOP"));
}

TEST(SmtpSessionTest, BdatZeroLast) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>",
                       "BDAT 0 LAST", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 3\r\nabcBDAT 0 last\r\n")
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply) + 2),
              ElementsAre("250 2.0.0 Ok: queued as 1", "250 2.1.0 Ok",
                          "250 2.1.5 Ok", "250 2.0.0 Ok: 3 octets received",
                          "250 2.0.0 Ok: queued as 2"));
  ASSERT_THAT(o.messages, SizeIs(2));
  EXPECT_EQ(o.messages[0]->data, "");
  EXPECT_EQ(o.messages[1]->data, "abc");
}

TEST(SmtpSessionTest, BdatWithoutTransactionStillConsumesItsOctets) {
  EXPECT_THAT(
      Replies("BDAT 6\r\nQUIT\r\nMAIL FROM:<a@b>\r\nBDAT 6 LAST\r\n"
              "RSET\r\nNOOP\r\n"),
      ElementsAre("503 5.5.1 Error: need MAIL command", "250 2.1.0 Ok",
                  "503 5.5.1 Error: need RCPT command", "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, BdatSyntax) {
  EXPECT_THAT(
      Replies(Lines({"BDAT", "BDAT x", "BDAT 5 NOTLAST", "BDAT 5 LAST more",
                     "BDAT -1", "BDAT 123456789012345678901"})),
      ElementsAre("501 5.5.4 Syntax: BDAT count [LAST]",
                  "501 5.5.4 Syntax: BDAT count [LAST]",
                  "501 5.5.4 Syntax: BDAT count [LAST]",
                  "501 5.5.4 Syntax: BDAT count [LAST]",
                  "501 5.5.4 Syntax: BDAT count [LAST]",
                  "501 5.5.4 Syntax: BDAT count [LAST]"));
}

TEST(SmtpSessionTest, BdatOverTheLimit) {
  SessionConfig c;
  c.limits.max_message_bytes = 10;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 6\r\n123456BDAT 5\r\n12345BDAT 4 LAST\r\n1234" +
                "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n" +
                "BDAT 10 LAST\r\n1234567890")
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply) + 2),
              ElementsAre("250 2.0.0 Ok: 6 octets received",
                          "552 5.3.4 Message size exceeds fixed limit",
                          "503 5.5.1 Error: need MAIL command", "250 2.1.0 Ok",
                          "250 2.1.5 Ok", "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "1234567890");
}

TEST(SmtpSessionTest, DataAfterBdat) {
  EXPECT_THAT(Replies(Lines({"MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                      "BDAT 1\r\nxDATA\r\n"),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "250 2.0.0 Ok: 1 octets received",
                          "503 5.5.1 Error: BDAT and DATA cannot be mixed"));
}

TEST(SmtpSessionTest, BdatHugeCountStreams) {
  // 2^64-1 octets announced: nothing is allocated up front, the session just
  // keeps reading.
  SessionConfig c;
  c.limits.max_message_bytes = 100;
  SmtpSession session(c);
  Actions out;
  session.Feed(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                   "BDAT 18446744073709551615 LAST\r\n",
               out);
  const std::size_t before = out.size();
  const std::string megabyte(1 << 20, 'x');
  for (int i = 0; i < 8; ++i) session.Feed(megabyte, out);
  EXPECT_EQ(out.size(), before);  // still reading the chunk
  session.Shutdown(out);
  const Outcome o = Summarize(std::move(out), 0);
  EXPECT_EQ(o.replies.back(), "421 4.3.2 localhost Service shutting down");
  EXPECT_THAT(o.messages, IsEmpty());
}

TEST(SmtpSessionTest, BdatWithChunkingOff) {
  SessionConfig c;
  c.extensions.chunking = false;
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                  "BDAT 4 LAST\r\nNOOPNOOP\r\n",
              c),
      ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                  "502 5.5.1 Error: command not implemented", "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, BdatEightBit) {
  const Outcome plain =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 2 LAST\r\n\xC3\xA9")
          .Run();
  EXPECT_THAT(plain.messages.at(0)->violations,
              ElementsAre(Field(&Violation::code, "8bit-without-8bitmime")));
  const Outcome binary =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b> BODY=BINARYMIME",
                       "RCPT TO:<c@d>"}) +
                "BDAT 1200 LAST\r\n" + std::string(1200, '\xff'))
          .Run();
  EXPECT_THAT(binary.messages.at(0)->violations, IsEmpty());
}

TEST(SmtpSessionTest, StrictLineEndingsDoNotApplyToBdat) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 3 LAST\r\na\nb")
          .Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "a\nb");
}

// ---------------------------------------------------------------------------
// STARTTLS.

SessionConfig Tls(TlsPolicy policy) {
  SessionConfig c;
  c.tls_policy = policy;
  return c;
}

TEST(SmtpSessionTest, StartTlsNotOffered) {
  EXPECT_THAT(Dialogue().Send("STARTTLS\r\n").Run().replies,
              ElementsAre("502 5.5.1 Error: command not implemented"));
}

TEST(SmtpSessionTest, StartTlsSyntax) {
  EXPECT_THAT(Dialogue(Tls(TlsPolicy::kStartTlsOptional))
                  .Send("STARTTLS now\r\n")
                  .Run()
                  .replies,
              ElementsAre("501 5.5.4 Syntax: STARTTLS"));
}

TEST(SmtpSessionTest, StartTlsForgetsEverything) {
  SessionConfig c = WithAuth();
  c.tls_policy = TlsPolicy::kStartTlsOptional;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                       "MAIL FROM:<a@b>", "STARTTLS"}))
          .TlsUp()
          .Send(Lines({"MAIL FROM:<a@b>", "EHLO y", "STARTTLS",
                       "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  EXPECT_EQ(o.start_tls, 1);
  EXPECT_THAT(
      After(o, 10),
      ElementsAre(
          "235 2.7.0 Authentication successful", "250 2.1.0 Ok",
          "220 2.0.0 Ready to start TLS",
          "503 5.5.1 Error: send HELO/EHLO first", "250-localhost",
          "250-PIPELINING", "250-SIZE 33554432",
          "250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2", "250-ENHANCEDSTATUSCODES",
          "250-8BITMIME", "250-DSN", "250-SMTPUTF8", "250 CHUNKING",
          "503 5.5.1 Error: TLS already active",
          "235 2.7.0 Authentication successful", "250 2.1.0 Ok", "250 2.1.5 Ok",
          "354 End data with <CR><LF>.<CR><LF>", "250 2.0.0 Ok: queued as 1"));
  EXPECT_EQ(o.messages.at(0)->envelope.helo, "y");
}

TEST(SmtpSessionTest, StartTlsDiscardsPipelinedPlaintext) {
  const Outcome o = Dialogue(Tls(TlsPolicy::kStartTlsOptional))
                        .Send("EHLO x\r\nSTARTTLS\r\nMAIL FROM:<evil@x>\r\n")
                        .Send("RCPT TO:<v@x>\r\n")
                        .TlsUp()
                        .Send("MAIL FROM:<a@b>\r\n")
                        .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("220 2.0.0 Ready to start TLS",
                          "503 5.5.1 Error: send HELO/EHLO first"));
  EXPECT_THAT(o.violations,
              ElementsAre(Field(&Violation::code, "pipelined-after-starttls")));
  // The injected command never reached the transcript.
  for (const TranscriptLine& t : o.transcript) {
    EXPECT_THAT(t.text, Not(HasSubstr("evil")));
  }
}

TEST(SmtpSessionTest, StartTlsWithNothingPipelinedIsClean) {
  const Outcome o = Dialogue(Tls(TlsPolicy::kStartTlsOptional))
                        .Send("STARTTLS\r\n")
                        .TlsUp()
                        .Send("NOOP\r\n")
                        .Run();
  EXPECT_THAT(o.violations, IsEmpty());
  EXPECT_THAT(o.replies,
              ElementsAre("220 2.0.0 Ready to start TLS", "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, ImplicitTls) {
  const Outcome o = Dialogue(Tls(TlsPolicy::kImplicit))
                        .NoGreeting()
                        .TlsUp()
                        .Greet()
                        .Send("EHLO x\r\nSTARTTLS\r\n")
                        .Run();
  EXPECT_EQ(o.replies.front(), "220 localhost ESMTP smtpfixture");
  EXPECT_EQ(std::count(o.replies.begin(), o.replies.end(), "250-STARTTLS"), 0);
  EXPECT_EQ(o.replies.back(), "503 5.5.1 Error: TLS already active");
}

TEST(SmtpSessionTest, StartTlsRequired) {
  SessionConfig c = WithAuth();
  c.tls_policy = TlsPolicy::kStartTlsRequired;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                       "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "VRFY a"}) +
                "BDAT 4\r\nNOOP" +
                Lines({"HELO y", "NOOP", "RSET", "HELP", "STARTTLS"}))
          .TlsUp()
          .Send(Lines({"EHLO z", "MAIL FROM:<a@b>", "QUIT"}))
          .Run();
  const std::string k530 = "530 5.7.0 Must issue a STARTTLS command first";
  EXPECT_THAT(
      After(o, 10),
      ElementsAre(
          k530, k530, k530, k530, k530, k530, "250 localhost", "250 2.0.0 Ok",
          "250 2.0.0 Ok", "214 2.0.0 See RFC 5321",
          "220 2.0.0 Ready to start TLS", "250-localhost", "250-PIPELINING",
          "250-SIZE 33554432", "250-AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2",
          "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN", "250-SMTPUTF8",
          "250 CHUNKING", "250 2.1.0 Ok", "221 2.0.0 Bye"));
}

// ---------------------------------------------------------------------------
// AUTH.

std::vector<std::string> AuthReplies(const std::string& lines,
                                     SessionConfig config = WithAuth()) {
  return Replies(lines, std::move(config));
}

TEST(SmtpSessionTest, AuthPlainWithInitialResponse) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                       "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  EXPECT_EQ(o.replies.at(9), "235 2.7.0 Authentication successful");
  ASSERT_THAT(o.authenticated, SizeIs(1));
  EXPECT_EQ(o.authenticated[0].mechanism, "PLAIN");
  EXPECT_EQ(o.authenticated[0].username, "alice");
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_TRUE(o.auth_attempts[0].succeeded);
  EXPECT_EQ(o.auth_attempts[0].reply_code, 235);
  EXPECT_EQ(o.auth_attempts[0].username, "alice");
  ASSERT_THAT(o.messages, SizeIs(1));
  ASSERT_TRUE(o.messages[0]->auth.has_value());
  EXPECT_EQ(o.messages[0]->auth->username, "alice");
  EXPECT_EQ(o.transcript.at(11).text, "AUTH PLAIN ****");
}

TEST(SmtpSessionTest, AuthPlainWithoutInitialResponse) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH PLAIN", "AGFsaWNlAHNlY3JldA=="}))
          .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("334 ", "235 2.7.0 Authentication successful"));
  EXPECT_EQ(o.transcript.at(11).text, "AUTH PLAIN");
  EXPECT_EQ(o.transcript.at(13).text, "****");
}

TEST(SmtpSessionTest, AuthPlainFailures) {
  EXPECT_THAT(
      AuthReplies(Lines(
          {"AUTH PLAIN AGFsaWNlAHdyb25n", "AUTH PLAIN Ym9iAGFsaWNlAHNlY3JldA==",
           "AUTH PLAIN AG1hbGxvcnkAd2hhdGV2ZXI=", "AUTH PLAIN YWxpY2U=",
           "AUTH PLAIN =", "AUTH PLAIN YWxpY2UAYWxpY2UAc2VjcmV0"})),
      ElementsAre("535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, AuthLogin) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH LOGIN", "YWxpY2U=", "c2VjcmV0"}))
          .Run();
  EXPECT_THAT(After(o, 9), ElementsAre("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6",
                                       "235 2.7.0 Authentication successful"));
  EXPECT_EQ(o.authenticated.at(0).mechanism, "LOGIN");
  EXPECT_EQ(o.authenticated.at(0).username, "alice");
}

TEST(SmtpSessionTest, AuthLoginWithInitialResponseAndWrongPassword) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH LOGIN YWxpY2U=", "d3Jvbmc="}))
          .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("334 UGFzc3dvcmQ6",
                          "535 5.7.8 Error: authentication failed"));
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].username, "alice");
  EXPECT_FALSE(o.auth_attempts[0].succeeded);
  EXPECT_EQ(o.auth_attempts[0].reply_code, 535);
  EXPECT_THAT(o.authenticated, IsEmpty());
}

// CRAM-MD5 computed here, independently of sasl.cc, with OpenSSL.
std::string CramMd5(const std::string& password, const std::string& challenge) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char md5[] = "MD5";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md5, 0),
      OSSL_PARAM_construct_end()};
  unsigned char out[16];
  std::size_t length = 0;
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(password.data()),
               password.size(), params);
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(challenge.data()),
                 challenge.size());
  EVP_MAC_final(ctx, out, &length, sizeof out);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  std::string hex;
  for (std::size_t i = 0; i < length; ++i) {
    hex += "0123456789abcdef"[out[i] >> 4];
    hex += "0123456789abcdef"[out[i] & 15];
  }
  return hex;
}

// CRAM-MD5's challenge is random, so these dialogues are interactive.
struct CramRun {
  std::string challenge;
  Outcome outcome;
};

CramRun RunCramMd5(SessionConfig config, const std::string& user,
                   const std::string& password) {
  SmtpSession session(config);
  Actions out;
  session.Feed("EHLO x\r\nAUTH CRAM-MD5\r\n", out);
  std::string challenge;
  for (const Action& a : out) {
    if (const auto* w = std::get_if<WriteAction>(&a)) {
      if (w->bytes.rfind("334 ", 0) == 0) {
        challenge =
            *Base64DecodeStrict(w->bytes.substr(4, w->bytes.size() - 6));
      }
    }
  }
  const std::string response = user + " " + CramMd5(password, challenge);
  session.Feed(Base64Encode(response) + "\r\n", out);
  return {challenge, Summarize(std::move(out), 0)};
}

TEST(SmtpSessionTest, AuthCramMd5) {
  const CramRun run = RunCramMd5(WithAuth(), "alice", "secret");
  EXPECT_THAT(run.challenge, MatchesRegex("<[0-9]+\\.[0-9]+@localhost>"));
  EXPECT_EQ(run.outcome.replies.back(), "235 2.7.0 Authentication successful");
  EXPECT_EQ(run.outcome.authenticated.at(0).mechanism, "CRAM-MD5");
  EXPECT_EQ(run.outcome.authenticated.at(0).username, "alice");
  EXPECT_EQ(HmacMd5Hex("secret", run.challenge),
            CramMd5("secret", run.challenge));
}

TEST(SmtpSessionTest, AuthCramMd5WrongPasswordAndUnknownUser) {
  EXPECT_EQ(RunCramMd5(WithAuth(), "alice", "wrong").outcome.replies.back(),
            "535 5.7.8 Error: authentication failed");
  EXPECT_EQ(RunCramMd5(WithAuth(), "bob", "secret").outcome.replies.back(),
            "535 5.7.8 Error: authentication failed");
}

TEST(SmtpSessionTest, AuthCramMd5ChallengesDiffer) {
  EXPECT_NE(RunCramMd5(WithAuth(), "alice", "secret").challenge,
            RunCramMd5(WithAuth(), "alice", "secret").challenge);
}

TEST(SmtpSessionTest, AuthCramMd5AcceptAny) {
  SessionConfig c = WithAuth();
  c.auth.credentials.clear();
  c.auth.accept_any = true;
  EXPECT_EQ(RunCramMd5(c, "anyone", "anything").outcome.replies.back(),
            "235 2.7.0 Authentication successful");
}

TEST(SmtpSessionTest, AuthCramMd5RefusesAnInitialResponse) {
  // The server speaks first in CRAM-MD5.
  EXPECT_THAT(AuthReplies("AUTH CRAM-MD5 YWxpY2U=\r\n"),
              ElementsAre("535 5.7.8 Error: authentication failed"));
}

TEST(SmtpSessionTest, HmacMd5KnownAnswer) {
  // RFC 2104 test case 2, and RFC 2195's example.
  EXPECT_EQ(HmacMd5Hex("Jefe", "what do ya want for nothing?"),
            "750c783e6ab0b503eaa86e310a5db738");
  EXPECT_EQ(HmacMd5Hex("tanstaaftanstaaf",
                       "<1896.697170952@postoffice.reston.mci.net>"),
            "b913a602c7eda7a495b4e6e7334d3890");
  EXPECT_EQ(HmacMd5Hex("", ""), "74e6f7298a9c2d168935f58c001bad88");
}

TEST(SmtpSessionTest, AuthXOauth2) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines(
              {"EHLO x",
               "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBzZWNyZXQBAQ=="}))
          .Run();
  EXPECT_THAT(After(o, 9), ElementsAre("235 2.7.0 Authentication successful"));
  EXPECT_EQ(o.authenticated.at(0).mechanism, "XOAUTH2");
  EXPECT_EQ(o.authenticated.at(0).username, "alice");
}

TEST(SmtpSessionTest, AuthXOauth2Failure) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH XOAUTH2",
                       "dXNlcj1hbGljZQFhdXRoPUJlYXJlciBub3BlAQE=", ""}))
          .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("334 ",
                          "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwi"
                          "c2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==",
                          "535 5.7.8 Error: authentication failed"));
  EXPECT_THAT(o.authenticated, IsEmpty());
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].reply_code, 535);
}

TEST(SmtpSessionTest, AuthXOauth2WithLongToken) {
  // OAuth tokens make AUTH lines longer than 2048 octets (RFC 4954 allows
  // 12288).
  SessionConfig c = WithAuth();
  const std::string token(6000, 't');
  c.auth.credentials["bob"] = token;
  const std::string ir = Base64Encode(
      "user=bob\x01"
      "auth=Bearer " +
      token + "\x01\x01");
  ASSERT_GT(ir.size(), 2048u);
  EXPECT_THAT(AuthReplies("AUTH XOAUTH2 " + ir + "\r\n", c),
              ElementsAre("235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, AuthAcceptAny) {
  SessionConfig c;
  c.auth.accept_any = true;
  c.auth.allow_plaintext = true;
  EXPECT_THAT(AuthReplies("AUTH PLAIN AG1hbGxvcnkAd2hhdGV2ZXI=\r\n", c),
              ElementsAre("235 2.7.0 Authentication successful"));
  EXPECT_THAT(AuthReplies(Lines({"AUTH LOGIN", "YWxpY2U=", "d3Jvbmc="}), c),
              ElementsAre("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6",
                          "235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, AuthDecodingAbortAndLongLines) {
  EXPECT_THAT(
      AuthReplies(Lines({"AUTH PLAIN !!!!", "AUTH LOGIN", "*", "AUTH PLAIN",
                         "not base64", "AUTH LOGIN"}) +
                  std::string(12300, 'Q') + "\r\n" + Lines({"NOOP"})),
      ElementsAre("501 5.5.2 Cannot decode response", "334 VXNlcm5hbWU6",
                  "501 5.7.0 Authentication aborted", "334 ",
                  "501 5.5.2 Cannot decode response", "334 VXNlcm5hbWU6",
                  "500 5.5.6 Authentication Exchange line is too long",
                  "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, AuthRefusals) {
  EXPECT_THAT(Replies("AUTH PLAIN\r\n"),
              ElementsAre("503 5.5.1 Error: authentication not enabled"));
  SessionConfig no_plaintext = WithAuth();
  no_plaintext.auth.allow_plaintext = false;
  no_plaintext.tls_policy = TlsPolicy::kStartTlsOptional;
  const Outcome o =
      Dialogue(no_plaintext).Send("EHLO x\r\nAUTH PLAIN\r\n").Run();
  EXPECT_EQ(std::count_if(o.replies.begin(), o.replies.end(),
                          [](const std::string& r) {
                            return r.find("AUTH") != std::string::npos;
                          }),
            0);
  EXPECT_EQ(o.replies.back(),
            "538 5.7.11 Encryption required for requested authentication "
            "mechanism");
  EXPECT_THAT(
      Dialogue(WithAuth()).Send("HELO x\r\nAUTH PLAIN\r\n").Run().replies,
      ElementsAre("250 localhost", "503 5.5.1 Error: send EHLO first"));
  EXPECT_THAT(AuthReplies(Lines({"AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                                 "AUTH PLAIN AGFsaWNlAHNlY3JldA=="})),
              ElementsAre("235 2.7.0 Authentication successful",
                          "503 5.5.1 Error: already authenticated"));
  EXPECT_THAT(AuthReplies(Lines({"MAIL FROM:<a@b>", "AUTH PLAIN"})),
              ElementsAre("250 2.1.0 Ok",
                          "503 5.5.1 Error: MAIL transaction in progress"));
  SessionConfig plain_only = WithAuth();
  plain_only.auth.mechanisms = {"PLAIN"};
  EXPECT_THAT(AuthReplies(Lines({"AUTH GSSAPI", "AUTH LOGIN", "AUTH",
                                 "AUTH PLAIN a b"}),
                          plain_only),
              ElementsAre("504 5.5.4 Unrecognized authentication type",
                          "504 5.5.4 Unrecognized authentication type",
                          "501 5.5.4 Syntax: AUTH mechanism",
                          "501 5.5.4 Syntax: AUTH mechanism"));
}

TEST(SmtpSessionTest, AuthOfferedAfterTls) {
  SessionConfig c = WithAuth();
  c.auth.allow_plaintext = false;
  c.tls_policy = TlsPolicy::kStartTlsOptional;
  const Outcome o =
      Dialogue(c)
          .Send("STARTTLS\r\n")
          .TlsUp()
          .Send(Lines({"EHLO x", "AUTH LOGIN YWxpY2U=", "c2VjcmV0"}))
          .Run();
  EXPECT_EQ(o.replies.back(), "235 2.7.0 Authentication successful");
}

TEST(SmtpSessionTest, AuthRequired) {
  SessionConfig c = WithAuth();
  c.auth.required = true;
  EXPECT_THAT(
      AuthReplies(Lines({"MAIL FROM:<a@b>", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                         "MAIL FROM:<a@b> AUTH=alice"}),
                  c),
      ElementsAre("530 5.7.0 Authentication required",
                  "235 2.7.0 Authentication successful", "250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, AuthAttemptsAreAllRecorded) {
  const Outcome o = Dialogue(WithAuth())
                        .Send(Lines({"EHLO x", "AUTH FOO", "AUTH LOGIN", "*",
                                     "AUTH PLAIN AGFsaWNlAHdyb25n",
                                     "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
                        .Run();
  std::vector<std::string> attempts;
  for (const AuthAttempt& a : o.auth_attempts) {
    attempts.push_back(a.mechanism + "/" + a.username + "/" +
                       (a.succeeded ? "ok" : "no") + "/" +
                       std::to_string(a.reply_code));
  }
  EXPECT_THAT(attempts,
              ElementsAre("FOO//no/504", "LOGIN//no/501", "PLAIN/alice/no/535",
                          "PLAIN/alice/ok/235"));
}

TEST(SmtpSessionTest, SecretsNeverAppearInActions) {
  SessionConfig c = WithAuth();
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHdyb25n", "AUTH LOGIN",
                       "YWxpY2U=", "c2VjcmV0", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  for (const std::string& d : DescribeAll(o.actions)) {
    EXPECT_THAT(d, Not(HasSubstr("secret")));
    EXPECT_THAT(d, Not(HasSubstr("c2VjcmV0")));
    EXPECT_THAT(d, Not(HasSubstr("AGFsaWNlAHdyb25n")));
    EXPECT_THAT(d, Not(HasSubstr("YWxpY2U=")));
  }
  EXPECT_EQ(o.messages.at(0)->auth->mechanism, "LOGIN");
}

// ---------------------------------------------------------------------------
// Faults.

TEST(SmtpSessionTest, FaultAtConnectNoService) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kConnect).Reply(554, "5.3.2 No service here");
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "NOOP", "QUIT"}))
          .Run();
  EXPECT_THAT(o.greeting, ElementsAre("554 5.3.2 No service here"));
  EXPECT_THAT(
      o.replies,
      ElementsAre("503 5.5.1 Error: no service", "503 5.5.1 Error: no service",
                  "503 5.5.1 Error: no service", "221 2.0.0 Bye"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtConnect421Closes) {
  const Outcome o = Dialogue()
                        .Faults([](FaultScript& f) {
                          f.At(Stage::kConnect).Reply(421, "4.3.2 Go away");
                        })
                        .Send("EHLO x\r\n")
                        .Run();
  EXPECT_THAT(o.greeting, ElementsAre("421 4.3.2 Go away"));
  EXPECT_THAT(o.replies, IsEmpty());
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtConnectDelayDisconnectSilence) {
  const Outcome delayed =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kConnect).Delay(1500ms); })
          .Run();
  EXPECT_THAT(delayed.waits, ElementsAre(1500ms));
  EXPECT_THAT(DescribeAll(delayed.actions),
              ElementsAre("wait 1500", "S: 220 localhost ESMTP smtpfixture",
                          "write 220 localhost ESMTP smtpfixture\r\n"));
  const Outcome dropped =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kConnect).Disconnect(); })
          .Send("EHLO x\r\n")
          .Run();
  EXPECT_THAT(DescribeAll(dropped.actions), ElementsAre("close"));
  const Outcome silent =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kConnect).Silence(); })
          .Send("EHLO x\r\n")
          .Idle()
          .Run();
  EXPECT_THAT(DescribeAll(silent.actions), ElementsAre("silence"));
}

TEST(SmtpSessionTest, FaultOnOneRecipient) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kRcptTo)
                .WhenArgumentContains("bounce@")
                .Reply(550, "5.1.1 No such user");
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<bounce@x>",
                       "RCPT TO:<ok@x>", "DATA", "m", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "550 5.1.1 No such user",
                          "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  EXPECT_THAT(o.messages.at(0)->envelope.rcpt_to, ElementsAre("ok@x"));
}

TEST(SmtpSessionTest, FaultTimesAndTempFailOfMail) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kMailFrom).Reply(451, "4.3.0 Try later").Times(1);
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>",
                       "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}))
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("451 4.3.0 Try later", "503 5.5.1 Error: need MAIL command",
                  "250 2.1.0 Ok", "250 2.1.5 Ok"));
}

TEST(SmtpSessionTest, FaultPositiveReplyKeepsTheStateChange) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kMailFrom).Reply(250, "2.1.0 Sender looks fine");
            f.At(Stage::kEndOfData).Reply(250, "2.0.0 Queued as ABC");
            f.At(Stage::kData).Reply(354, "Go ahead");
          })
          .Send(Lines(
              {"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "m", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Sender looks fine", "250 2.1.5 Ok",
                          "354 Go ahead", "250 2.0.0 Queued as ABC"));
  EXPECT_THAT(o.messages, SizeIs(1));
}

TEST(SmtpSessionTest, FaultPositiveReplyCannotRescueABadCommand) {
  EXPECT_THAT(Dialogue()
                  .Faults([](FaultScript& f) {
                    f.At(Stage::kMailFrom).Reply(250, "fine");
                  })
                  .Send(Lines({"EHLO x", "MAIL FROM:bad"}))
                  .Run()
                  .replies.back(),
              "501 5.1.7 Bad sender address syntax");
}

TEST(SmtpSessionTest, FaultAtEndOfDataStoresNothing) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kEndOfData)
                .WhenArgumentContains("Subject: fail")
                .Reply(451, "4.3.0 Try again later");
          })
          .Send(Transaction("Subject: fail\r\n\r\nx\r\n") +
                Lines({"RCPT TO:<c@d>", "MAIL FROM:<a@b>", "RCPT TO:<c@d>",
                       "DATA", "Subject: pass", "."}))
          .Run();
  EXPECT_THAT(After(o, 10),
              ElementsAre("354 End data with <CR><LF>.<CR><LF>",
                          "451 4.3.0 Try again later",
                          "503 5.5.1 Error: need MAIL command", "250 2.1.0 Ok",
                          "250 2.1.5 Ok", "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "Subject: pass\r\n");
}

TEST(SmtpSessionTest, FaultRefusingDataMeansNoDataPhase) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kData).Reply(554, "5.5.0 No data for you").Times(1);
          })
          .Send(Transaction("hello\r\n"))
          .Run();
  EXPECT_THAT(After(o, 10),
              ElementsAre("554 5.5.0 No data for you",
                          "500 5.5.2 Error: command not recognized",
                          "500 5.5.2 Error: command not recognized"));
  EXPECT_THAT(o.messages, IsEmpty());
}

TEST(SmtpSessionTest, FaultRefusingABdatChunkReadsItFirst) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kData).Reply(452, "4.3.1 Full").Times(1);
          })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                "BDAT 6\r\nQUIT\r\nBDAT 1 LAST\r\nx" + "NOOP\r\n")
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply) + 2),
      ElementsAre("452 4.3.1 Full", "503 5.5.1 Error: need MAIL command",
                  "250 2.0.0 Ok"));
  const std::vector<std::string> all = DescribeAll(o.actions);
  const auto chunk =
      std::find(all.begin(), all.end(), "C: [BDAT chunk: 6 octets]");
  const auto reply = std::find(all.begin(), all.end(), "S: 452 4.3.1 Full");
  ASSERT_NE(chunk, all.end());
  EXPECT_LT(chunk, reply);
}

TEST(SmtpSessionTest, FaultMultiLineReply) {
  EXPECT_THAT(
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kNoop).Reply(550, "5.7.1 line one\nline two\r\nthree");
          })
          .Send("NOOP\r\n")
          .Run()
          .replies,
      ElementsAre("550-5.7.1 line one", "550-line two", "550 three"));
}

TEST(SmtpSessionTest, Fault421AtHeloCloses) {
  const Outcome o = Dialogue()
                        .Faults([](FaultScript& f) {
                          f.At(Stage::kHelo).Reply(421, "4.7.0 Bye now");
                        })
                        .Send("EHLO x\r\nNOOP\r\n")
                        .Run();
  EXPECT_THAT(o.replies, ElementsAre("421 4.7.0 Bye now"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtQuitStillCloses) {
  const Outcome o = Dialogue()
                        .Faults([](FaultScript& f) {
                          f.At(Stage::kQuit).Reply(500, "5.0.0 Not leaving");
                        })
                        .Send("QUIT\r\nNOOP\r\n")
                        .Run();
  EXPECT_THAT(o.replies, ElementsAre("500 5.0.0 Not leaving"));
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, FaultAtRsetNoopStartTls) {
  SessionConfig c = Tls(TlsPolicy::kStartTlsOptional);
  const Outcome o =
      Dialogue(c)
          .Faults([](FaultScript& f) {
            f.At(Stage::kRset)
                .Reply(421, "4.4.0 x")
                .Times(1)
                .WhenArgumentContains("never");
            f.At(Stage::kNoop).Reply(250, "2.0.0 Fine indeed");
            f.At(Stage::kStartTls).Reply(454, "4.7.0 TLS not available");
          })
          .Send(Lines({"RSET", "NOOP", "STARTTLS", "NOOP"}))
          .Run();
  EXPECT_THAT(o.replies, ElementsAre("250 2.0.0 Ok", "250 2.0.0 Fine indeed",
                                     "454 4.7.0 TLS not available",
                                     "250 2.0.0 Fine indeed"));
  EXPECT_EQ(o.start_tls, 0);
}

TEST(SmtpSessionTest, FaultAtAuthIsRecorded) {
  const Outcome o =
      Dialogue(WithAuth())
          .Faults([](FaultScript& f) {
            f.At(Stage::kAuth)
                .Reply(454, "4.7.0 Temporary authentication failure");
          })
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
          .Run();
  EXPECT_EQ(o.replies.back(), "454 4.7.0 Temporary authentication failure");
  EXPECT_THAT(o.authenticated, IsEmpty());
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].reply_code, 454);
  EXPECT_EQ(o.auth_attempts[0].mechanism, "PLAIN");
}

TEST(SmtpSessionTest, FaultDisconnectAtRcpt) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kRcptTo).Disconnect(); })
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}))
          .Run();
  EXPECT_EQ(o.replies.back(), "250 2.1.0 Ok");
  EXPECT_TRUE(o.closed);
  EXPECT_EQ(DescribeAll(o.actions).back(), "close");
}

TEST(SmtpSessionTest, FaultSilenceAtEndOfData) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kEndOfData).Silence(); })
          .Send(Transaction("x\r\n") + "NOOP\r\n")
          .Run();
  EXPECT_TRUE(o.silenced);
  EXPECT_THAT(o.messages, IsEmpty());
  EXPECT_EQ(o.replies.back(), "354 End data with <CR><LF>.<CR><LF>");
}

TEST(SmtpSessionTest, FaultDelayThenNormalOrScriptedReply) {
  const Outcome o =
      Dialogue()
          .Faults([](FaultScript& f) {
            f.At(Stage::kEndOfData).Delay(20ms);
            f.At(Stage::kRcptTo).Delay(30ms).Reply(450, "4.2.1 Slow down");
          })
          .Send(Transaction("x\r\n"))
          .Run();
  EXPECT_THAT(o.waits, ElementsAre(30ms));
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "450 4.2.1 Slow down",
                          "503 5.5.1 Error: need RCPT command",
                          "500 5.5.2 Error: command not recognized",
                          "500 5.5.2 Error: command not recognized"));
  const Outcome delivered =
      Dialogue()
          .Faults([](FaultScript& f) { f.At(Stage::kEndOfData).Delay(20ms); })
          .Send(Transaction("x\r\n"))
          .Run();
  EXPECT_THAT(delivered.waits, ElementsAre(20ms));
  const std::vector<std::string> all = DescribeAll(delivered.actions);
  EXPECT_EQ(all[all.size() - 4], "wait 20");
  EXPECT_THAT(all.back(), HasSubstr("queued as 1"));
}

// ---------------------------------------------------------------------------
// Property: random dialogues give the same actions however they are split
// (Dialogue::Run checks every run against the whole-input one).

TEST(SmtpSessionTest, RandomDialoguesAgreeAcrossSplits) {
  const std::vector<std::string> pool = {
      "EHLO x\r\n",
      "HELO y\r\n",
      "MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME\r\n",
      "MAIL FROM:<>\r\n",
      "RCPT TO:<c@d> NOTIFY=NEVER\r\n",
      "RCPT TO:<bounce@d>\r\n",
      "DATA\r\n",
      "Subject: hi\r\n\r\n..x\r\n.\r\n",
      "a\nb\r.\n.\r\n",
      "BDAT 5\r\nab\r\nc",
      "BDAT 3 LAST\r\n\xff\n.",
      "BDAT 0 LAST\r\n",
      "RSET\r\n",
      "NOOP\n",
      "AUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n",
      "AUTH LOGIN\r\nYWxpY2U=\r\nc2VjcmV0\r\n",
      "AUTH XOAUTH2\r\n\r\n\r\n",
      "*\r\n",
      "VRFY x\r\n",
      std::string(3000, 'z') + "\r\n",
      "\r\n",
      "STARTTLS\r\n",
      "QUIT\r\n",
  };
  std::mt19937 random(2024);
  for (int round = 0; round < 150; ++round) {
    SessionConfig c = WithAuth();
    c.limits.max_message_bytes = random() % 2 ? 0 : 12;
    c.line_endings =
        random() % 2 ? LineEndings::kStrict : LineEndings::kLenient;
    c.tls_policy = random() % 2 ? TlsPolicy::kStartTlsRequired
                                : TlsPolicy::kStartTlsOptional;
    Dialogue dialogue(c);
    if (random() % 3 == 0) {
      dialogue.Faults([](FaultScript& f) {
        f.At(Stage::kRcptTo).WhenArgumentContains("bounce").Reply(550, "no");
        f.At(Stage::kData).Reply(451, "later").Times(1);
        f.At(Stage::kEndOfData).Delay(5ms);
      });
    }
    const int commands = 1 + static_cast<int>(random() % 12);
    for (int i = 0; i < commands; ++i) {
      if (random() % 10 == 0) dialogue.TlsUp();
      dialogue.Send(pool[random() % pool.size()]);
    }
    SCOPED_TRACE("round " + std::to_string(round));
    dialogue.Run();
  }
}

}  // namespace
}  // namespace smtpfixture::detail
