#include "tests/support/session_harness.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace smtpfixture::detail {
namespace {

using ::testing::MatchesRegex;

std::string Describe(const WriteAction& a) { return "write " + a.bytes; }
std::string Describe(const DeliverAction& a) {
  const MessageRecord& m = *a.message;
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
std::string Describe(const HoldAction& a) {
  return "hold " + std::to_string(a.duration.count());
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
std::string Describe(const ViolationsDroppedAction& a) {
  return "violations dropped " + std::to_string(a.total);
}
std::string Describe(const AuthenticatedAction& a) {
  if (!a.auth) return "authenticated none";
  return "authenticated " + a.auth->mechanism + " " + a.auth->username;
}
}  // namespace

std::string Describe(const Action& action) {
  return std::visit([](const auto& a) { return Describe(a); }, action);
}
std::vector<std::string> DescribeAll(const Actions& actions) {
  std::vector<std::string> out;
  for (const Action& a : actions) out.push_back(Describe(a));
  return out;
}

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
      // A TlsAttack's injected bytes follow the reply's last line in its
      // write: kept apart (Outcome::injected), not checked as a reply.
      std::string bytes = w->bytes;
      std::string injected;
      std::size_t end = 0;
      while (end + 3 < bytes.size() && bytes[end + 3] == '-') {
        end = bytes.find("\r\n", end);
        end = end == std::string::npos ? bytes.size() : end + 2;
      }
      end = std::min(bytes.find("\r\n", end), bytes.size());
      if (end + 2 < bytes.size()) {
        injected = bytes.substr(end + 2);
        bytes.resize(end + 2);
        o.injected += injected;
      }
      std::vector<std::string> lines = ReplyLines(bytes);
      for (std::string& line : lines) {
        written.push_back(line);
        (i < greeting_actions ? o.greeting : o.replies).push_back(line);
      }
      for (std::string_view rest = injected; !rest.empty();) {
        const std::size_t cut = std::min(rest.find("\r\n"), rest.size());
        written.emplace_back(rest.substr(0, cut));
        rest.remove_prefix(std::min(cut + 2, rest.size()));
      }
    } else if (const auto* d = std::get_if<DeliverAction>(&action)) {
      o.messages.push_back(d->message);
    } else if (const auto* v = std::get_if<ViolationAction>(&action)) {
      o.violations.push_back(v->violation);
    } else if (const auto* a = std::get_if<AuthAttemptAction>(&action)) {
      o.auth_attempts.push_back(a->attempt);
    } else if (const auto* u = std::get_if<AuthenticatedAction>(&action)) {
      if (u->auth) {
        o.authenticated.push_back(*u->auth);
      } else {
        ++o.auth_resets;
      }
    } else if (const auto* t = std::get_if<TranscriptAction>(&action)) {
      o.transcript.push_back(t->line);
      if (t->line.direction == Direction::kServer) {
        server_transcript.push_back(t->line.text);
      }
    } else if (const auto* dropped =
                   std::get_if<ViolationsDroppedAction>(&action)) {
      o.violations_dropped = dropped->total;
    } else if (const auto* hold = std::get_if<HoldAction>(&action)) {
      o.holds.push_back(hold->duration);
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

Outcome Dialogue::Run() const {
  const Actions whole = RunWith([](std::size_t) { return std::size_t{0}; });
  if (whole_input_only_) return Summarize(whole, greeting_actions_);
  const std::vector<std::string> expected = DescribeAll(whole);
  EXPECT_EQ(DescribeAll(RunWith([](std::size_t) { return std::size_t{1}; })),
            expected)
      << "one byte at a time differs";
  for (unsigned seed = 1; seed <= 4; ++seed) {
    std::mt19937 random(seed);
    EXPECT_EQ(DescribeAll(RunWith(
                  [&](std::size_t) { return std::size_t{1} + random() % 9; })),
              expected)
        << "random split " << seed << " differs";
  }
  return Summarize(whole, greeting_actions_);
}

Actions Dialogue::RunWith(
    const std::function<std::size_t(std::size_t)>& piece) const {
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
        session.TlsEstablished(out, step.bytes);
        EXPECT_TRUE(session.tls_active());
        break;
      case Step::kIdle:
        session.IdleTimeout(out);
        break;
      case Step::kHoldEnded:
        session.HoldEnded();
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
  if (!whole_input_only_) {
    // Depends on Feed() boundaries by definition (smtp_session.cc): left out
    // of the comparison, tested with whole input.
    out.erase(std::remove_if(out.begin(), out.end(),
                             [](const Action& a) {
                               const auto* v = std::get_if<ViolationAction>(&a);
                               return v != nullptr &&
                                      v->violation.code ==
                                          "pipelining-not-advertised";
                             }),
              out.end());
  }
  return out;
}

// Lines of a dialogue, each with CRLF.
std::string Lines(std::initializer_list<std::string_view> lines) {
  std::string s;
  for (std::string_view line : lines) {
    s.append(line);
    s.append("\r\n");
  }
  return s;
}

std::string Transaction(const std::string& body) {
  return Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}) + body +
         ".\r\n";
}

SessionConfig Plain() { return SessionConfig{}; }

SessionConfig WithAuth() {
  SessionConfig c;
  c.auth.credentials = {{"alice", "secret"}};
  c.auth.allow_plaintext = true;
  c.auth.mechanisms = {"PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"};
  return c;
}

const char* const kEhloReply[8] = {
    "250-localhost",     "250-PIPELINING",
    "250-SIZE 33554432", "250-ENHANCEDSTATUSCODES",
    "250-8BITMIME",      "250-DSN",
    "250-SMTPUTF8",      "250 CHUNKING"};

// The reply lines after EHLO (whose reply is kEhloReply).
std::string LastReply(const Outcome& o) {
  if (o.replies.empty()) {
    ADD_FAILURE() << "no reply at all";
    return "";
  }
  return o.replies.back();
}

std::vector<std::string> After(const Outcome& o, std::size_t skip) {
  if (o.replies.size() < skip) return {};
  return std::vector<std::string>(o.replies.begin() + skip, o.replies.end());
}

// Reply lines to `commands` sent after "EHLO client" (its reply skipped).
std::vector<std::string> Replies(const std::string& commands,
                                 SessionConfig config) {
  const Outcome o =
      Dialogue(std::move(config)).Send("EHLO client\r\n" + commands).Run();
  const auto ehlo_end = std::find_if(
      o.replies.begin(), o.replies.end(),
      [](const std::string& r) { return r.rfind("250 ", 0) == 0; });
  if (ehlo_end == o.replies.end()) return {};
  return std::vector<std::string>(ehlo_end + 1, o.replies.end());
}

SessionConfig Tls(TlsPolicy policy) {
  SessionConfig c;
  c.tls_policy = policy;
  return c;
}

SessionConfig Attacked(TlsAttack attack) {
  SessionConfig c;
  c.auth.credentials = {{"alice", "secret"}};
  c.auth.mechanisms = {"PLAIN", "LOGIN"};
  c.attack = attack;
  return c;
}

}  // namespace smtpfixture::detail
