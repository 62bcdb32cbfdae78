// The session: DATA (framing, delivery, limits, line endings, 8-bit).
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
using ::testing::IsEmpty;
using ::testing::SizeIs;

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
  const MessageRecord& m = *o.messages[0];
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
  EXPECT_EQ(LastReply(o), "250 2.0.0 Ok: queued as 42");
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
              ElementsAre(Field(&Violation::code, "bare-lf"),
                          Field(&Violation::code, "smuggling-sequence")));
  EXPECT_THAT(o.violations,
              ElementsAre(Field(&Violation::code, "bare-lf"),
                          Field(&Violation::code, "smuggling-sequence")));
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1", "221 2.0.0 Bye"));
}

// Every "." line with a bare CR or LF on either side is a look-alike of the
// end of data: recorded once, with where it is, and the message goes on to
// the real <CRLF>.<CRLF>.
TEST(SmtpSessionTest, SmugglingSequenceEachForm) {
  struct Case {
    const char* data;
    const char* detail;
  };
  for (const Case& c : {
           Case{"ab\n.\nz\r\n", "<LF>.<LF> at octet 3"},
           Case{"ab\n.\r\nz\r\n", "<LF>.<CR><LF> at octet 3"},
           Case{"ab\r\n.\nz\r\n", "<CR><LF>.<LF> at octet 4"},
           Case{"ab\r.\rz\r\n", "<CR>.<CR> at octet 3"},
           Case{"ab\r.\r\nz\r\n", "<CR>.<CR><LF> at octet 3"},
           Case{"ab\r\n.\rz\r\n", "<CR><LF>.<CR> at octet 4"},
           Case{".\nz\r\n", "<CR><LF>.<LF> at octet 0"},
       }) {
    SCOPED_TRACE(c.detail);
    const Outcome o = Dialogue().Send(Transaction(c.data)).Run();
    ASSERT_THAT(o.messages, SizeIs(1));
    std::vector<std::string> found;
    for (const Violation& v : o.messages[0]->violations) {
      if (v.code == "smuggling-sequence") found.push_back(v.detail);
    }
    EXPECT_THAT(found, ElementsAre(c.detail));
  }
}

TEST(SmtpSessionTest, NoSmugglingSequenceInCleanOrStuffedData) {
  const Outcome o =
      Dialogue().Send(Transaction("a\r\n..\r\n.x\r\nb.\r\n")).Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(o.messages[0]->violations, IsEmpty());
}

// API.md: the first bare CR or LF in DATA gets 521 at once (not at the end
// of the data) and the connection closes; nothing is stored.
TEST(SmtpSessionTest, StrictLineEndingsRefuseBareLf) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                       "a\nb", ".", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA",
                       "fine", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "521 5.5.2 Bare CR or LF not allowed"));
  EXPECT_TRUE(o.closed);
  EXPECT_THAT(o.messages, IsEmpty());
  ASSERT_THAT(o.violations, SizeIs(1));
  EXPECT_EQ(o.violations[0].code, "bare-lf");
  EXPECT_EQ(o.violations[0].detail, "DATA line 1");
}

TEST(SmtpSessionTest, StrictLineEndingsRefuseBareCr) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o = Dialogue(c)
                        .Send(Lines({"EHLO x", "MAIL FROM:<a@b>",
                                     "RCPT TO:<c@d>", "DATA", "a\rb", "."}))
                        .Run();
  EXPECT_EQ(LastReply(o), "521 5.5.2 Bare CR or LF not allowed");
  EXPECT_TRUE(o.closed);
  EXPECT_THAT(o.messages, IsEmpty());
  EXPECT_THAT(o.violations, ElementsAre(Field(&Violation::code, "bare-cr")));
}

// Detected as it arrives: the 521 comes before the end of the data was sent.
TEST(SmtpSessionTest, StrictLineEndingsRefuseBeforeTheEndOfData) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA"}) +
                "line one\r\nbare\nmore data, no end yet")
          .Run();
  EXPECT_EQ(LastReply(o), "521 5.5.2 Bare CR or LF not allowed");
  EXPECT_TRUE(o.closed);
}

// A CR at the end of one piece and an LF at the start of the next is CRLF.
TEST(SmtpSessionTest, StrictLineEndingsAcceptCrlfSplitAnywhere) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o = Dialogue(c).Send(Transaction("a\r\nb\r\n")).Run();
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->data, "a\r\nb\r\n");
  EXPECT_FALSE(o.closed);
}

TEST(SmtpSessionTest, StrictLineEndingsRefuseBareLfInACommand) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  const Outcome o =
      Dialogue(c).Send("EHLO x\r\nMAIL FROM:<a@b>\r\nNOOP\nNOOP\r\n").Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("250 2.1.0 Ok", "521 5.5.2 Bare CR or LF not allowed"));
  EXPECT_TRUE(o.closed);
  ASSERT_THAT(o.violations, SizeIs(1));
  EXPECT_EQ(o.violations[0].code, "bare-lf");
  EXPECT_EQ(o.violations[0].detail, "command line 3");
}

TEST(SmtpSessionTest, StrictLineEndingsRefuseBareCrInACommand) {
  SessionConfig c;
  c.line_endings = LineEndings::kStrict;
  // The CR is known to be bare only when the "x" after it arrives.
  const Outcome o = Dialogue(c).Send("EHLO x\r\nNOOP\rx").Run();
  EXPECT_EQ(LastReply(o), "521 5.5.2 Bare CR or LF not allowed");
  EXPECT_THAT(o.violations, ElementsAre(Field(&Violation::code, "bare-cr")));
  const Outcome waiting = Dialogue(c).Send("EHLO x\r\nNOOP\r").Run();
  EXPECT_FALSE(waiting.closed);
}

TEST(SmtpSessionTest, LenientLineEndingsAcceptBareLfInACommand) {
  const Outcome o = Dialogue().Send("EHLO x\r\nNOOP\nNOOP\r\n").Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.0.0 Ok", "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, MessageOfExactlyTheLimit) {
  SessionConfig c;
  c.limits.max_message_bytes = 20;
  const Outcome o =
      Dialogue(c).Send(Transaction("..3456789\r\n12345678\r\n")).Run();
  EXPECT_EQ(LastReply(o), "250 2.0.0 Ok: queued as 1");
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

}  // namespace
}  // namespace smtpfixture::detail
