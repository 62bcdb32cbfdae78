// The session: STARTTLS and TLS policies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "tests/support/session_harness.h"

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// ---------------------------------------------------------------------------
// STARTTLS.

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

// RFC 3207 4.2: the identity of a plaintext AUTH is forgotten with the rest,
// and the connection is told so (it clears Session::auth): one reset, after
// the first authentication and before the second.
TEST(SmtpSessionTest, StartTlsForgetsAPlaintextAuthOnTheRecord) {
  SessionConfig c = WithAuth();
  c.tls_policy = TlsPolicy::kStartTlsOptional;
  const Outcome o =
      Dialogue(c)
          .Send(
              Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA==", "STARTTLS"}))
          .TlsUp()
          .Send(Lines(
              {"EHLO y", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  EXPECT_EQ(o.auth_resets, 1);
  ASSERT_THAT(o.authenticated, SizeIs(1));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_FALSE(o.messages[0]->auth.has_value());
  std::vector<std::string> auth_events;
  for (const Action& a : o.actions) {
    if (std::holds_alternative<AuthenticatedAction>(a)) {
      auth_events.push_back(Describe(a));
    }
  }
  EXPECT_THAT(auth_events,
              ElementsAre("authenticated PLAIN alice", "authenticated none"));
}

TEST(SmtpSessionTest, StartTlsWithoutAuthSaysNothingAboutAuth) {
  const Outcome o = Dialogue(Tls(TlsPolicy::kStartTlsOptional))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .TlsUp()
                        .Send(Lines({"EHLO y"}))
                        .Run();
  EXPECT_EQ(o.auth_resets, 0);
  EXPECT_EQ(o.start_tls, 1);
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
  EXPECT_EQ(LastReply(o), "503 5.5.1 Error: TLS already active");
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

}  // namespace
}  // namespace smtpfixture::detail
