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

}  // namespace
}  // namespace smtpfixture::detail
