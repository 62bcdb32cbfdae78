// The session: greeting, EHLO/HELO, command-line framing and the small
// commands (RSET, NOOP, VRFY, HELP, EXPN, QUIT), timeouts, and the property
// that random dialogues agree however they are split.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "tests/support/session_harness.h"

namespace smtpfixture::detail {
namespace {

using namespace std::chrono_literals;
using namespace std::string_literals;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

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
  EXPECT_EQ(LastReply(o), "250 mx.example.test");
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
  ASSERT_GE(o.replies.size(), 3u);
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
  ASSERT_THAT(o.messages[0]->envelope.mail_parameters, SizeIs(1));
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
  ASSERT_THAT(o.messages[0]->envelope.rcpt_to, SizeIs(50));
  EXPECT_EQ(o.messages[0]->envelope.rcpt_to[49], "r49@example.com");
  EXPECT_EQ(o.messages[0]->data, "Subject: x\r\n\r\nbody\r\n");
  EXPECT_EQ(o.messages[1]->data, "second\r\n");
  EXPECT_EQ(o.messages[1]->envelope.helo, "client");
  EXPECT_TRUE(o.closed);
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
  EXPECT_EQ(LastReply(o), "421 4.4.2 localhost Error: timeout exceeded");
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
  EXPECT_EQ(LastReply(o), "421 4.3.2 localhost Service shutting down");
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
  EXPECT_EQ(LastReply(o), "354 End data with <CR><LF>.<CR><LF>");
}

// ---------------------------------------------------------------------------
// Hostile clients (Postfix's behaviour).

TEST(SmtpSessionTest, HttpRequestLineEndsTheSession) {
  for (const char* line : {"GET / HTTP/1.1", "POST /submit HTTP/1.0",
                           "CONNECT mx.example:25 HTTP/1.1", "HEAD / HTTP/1.1",
                           "PUT /x HTTP/1.1"}) {
    const Outcome o =
        Dialogue().Send(Lines({line, "Host: example.com", "", "EHLO x"})).Run();
    EXPECT_THAT(
        o.replies,
        ElementsAre("221 2.7.0 Error: I can break rules, too. Goodbye."))
        << line;
    EXPECT_TRUE(o.closed) << line;
  }
}

TEST(SmtpSessionTest, GetAloneOrInsideAnArgumentIsNotHttp) {
  EXPECT_THAT(Replies(Lines({"GET", "VRFY GET / HTTP/1.1"})),
              ElementsAre("500 5.5.2 Error: command not recognized",
                          "252 2.0.0 GET / HTTP/1.1"));
}

TEST(SmtpSessionTest, CommandLineStartingWithWhitespaceIsBadSyntax) {
  EXPECT_THAT(Replies(Lines({" NOOP", "\tMAIL FROM:<a@b>", "NOOP"})),
              ElementsAre("500 5.5.2 Error: bad syntax",
                          "500 5.5.2 Error: bad syntax", "250 2.0.0 Ok"));
}

std::string Repeat(const std::string& line, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += line;
  return s;
}

TEST(SmtpSessionTest, TwentyFailedCommandsInARowClose) {
  const Outcome o =
      Dialogue().Send("EHLO x\r\n" + Repeat("XYZZY\r\n", 25)).Run();
  const std::vector<std::string> replies = After(o, std::size(kEhloReply));
  ASSERT_THAT(replies, SizeIs(21));
  EXPECT_EQ(replies[19], "500 5.5.2 Error: command not recognized");
  EXPECT_EQ(replies[20], "421 4.7.0 localhost Error: too many errors");
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionTest, ASuccessResetsTheErrorCount) {
  const Outcome o = Dialogue()
                        .Send("EHLO x\r\n" + Repeat("XYZZY\r\n", 19) +
                              "NOOP\r\n" + Repeat("XYZZY\r\n", 19) + "NOOP\r\n")
                        .Run();
  EXPECT_FALSE(o.closed);
  ASSERT_FALSE(o.replies.empty());
  EXPECT_EQ(LastReply(o), "250 2.0.0 Ok");
}

// RFC 2920 3.1: without PIPELINING the client waits for each reply. Only a
// whole-input feed can show that it did not (see smtp_session.cc).
TEST(SmtpSessionTest, PipeliningNotAdvertised) {
  SessionConfig off;
  off.extensions.pipelining = false;
  const Outcome o = Dialogue(off)
                        .WholeInputOnly()
                        .Send("EHLO x\r\n")
                        .Send("NOOP\r\nNOOP\r\n")
                        .Run();
  ASSERT_THAT(o.violations, SizeIs(1));
  EXPECT_EQ(o.violations[0].code, "pipelining-not-advertised");
  EXPECT_EQ(o.violations[0].detail,
            "input after command line 2 arrived before its reply");
}

TEST(SmtpSessionTest, PipeliningAfterHeloOrBeforeTheEhloReply) {
  const Outcome helo = Dialogue()
                           .WholeInputOnly()
                           .Send("HELO x\r\n")
                           .Send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\n")
                           .Run();
  EXPECT_THAT(helo.violations, ElementsAre(Field(&Violation::code,
                                                 "pipelining-not-advertised")));
  const Outcome ehlo =
      Dialogue().WholeInputOnly().Send("EHLO x\r\nNOOP\r\n").Run();
  EXPECT_THAT(ehlo.violations, ElementsAre(Field(&Violation::code,
                                                 "pipelining-not-advertised")));
}

TEST(SmtpSessionTest, PipeliningAdvertisedOrOneCommandAtATime) {
  const Outcome advertised =
      Dialogue()
          .WholeInputOnly()
          .Send("EHLO x\r\n")
          .Send("MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\n")
          .Run();
  EXPECT_THAT(advertised.violations, IsEmpty());
  const Outcome waiting = Dialogue()
                              .WholeInputOnly()
                              .Send("HELO x\r\n")
                              .Send("MAIL FROM:<a@b>\r\n")
                              .Send("RCPT TO:<c@d>\r\n")
                              .Run();
  EXPECT_THAT(waiting.violations, IsEmpty());
}

// Data violations come once per message, refused messages included: the
// session keeps 100 and counts the rest.
TEST(SmtpSessionTest, SessionViolationsAreCapped) {
  SessionConfig c;
  c.limits.max_message_bytes = 4;
  std::string input = "EHLO x\r\n";
  for (int i = 0; i < 120; ++i) {
    input +=
        "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nDATA\r\nbare\nlonger\r\n.\r\n";
  }
  const Outcome o = Dialogue(c).Send(input).Run();
  EXPECT_THAT(o.messages, IsEmpty());
  EXPECT_THAT(o.violations, SizeIs(100));
  EXPECT_EQ(o.violations_dropped, 20u);
  EXPECT_FALSE(o.closed);
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
      " NOOP\r\n",
      "GET / HTTP/1.0\r\n",
      "BDAT x\r\n",
      "MAIL FROM:<a@b> BODY=BINARYMIME\r\n",
      "a\n.\r\nb\r.\r\n.\r\n",
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
