// The session: BDAT (RFC 3030 chunks).
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

// Without a count the octets that follow cannot be skipped: 501 and close.
TEST(SmtpSessionTest, BdatSyntax) {
  for (const char* line :
       {"BDAT", "BDAT x", "BDAT -1", "BDAT 123456789012345678901"}) {
    const Outcome o = Dialogue().Send(Lines({"EHLO x", line, "NOOP"})).Run();
    EXPECT_THAT(After(o, std::size(kEhloReply)),
                ElementsAre("501 5.5.4 Syntax: BDAT count [LAST]"))
        << line;
    EXPECT_TRUE(o.closed) << line;
  }
}

// With a count, the chunk is read (the session stays in step), then refused.
TEST(SmtpSessionTest, BdatWithACountButBadRestSkipsItsChunk) {
  const Outcome o = Dialogue()
                        .Send(
                            "EHLO x\r\nBDAT 5 NOTLAST\r\nabcdeBDAT 2 LAST "
                            "more\r\nxyNOOP\r\n")
                        .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("501 5.5.4 Syntax: BDAT count [LAST]",
                  "501 5.5.4 Syntax: BDAT count [LAST]", "250 2.0.0 Ok"));
  EXPECT_FALSE(o.closed);
}

// RFC 3030 3: BINARYMIME content cannot go through DATA.
TEST(SmtpSessionTest, BinaryMimeNeedsBdat) {
  EXPECT_THAT(Replies(Lines({"MAIL FROM:<a@b> BODY=BINARYMIME", "RCPT TO:<c@d>",
                             "DATA", "BDAT 1 LAST"}) +
                      "x"),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok",
                          "503 5.5.1 Error: BINARYMIME requires BDAT",
                          "250 2.0.0 Ok: queued as 1"));
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
  // 10^19-1 octets announced (the most a count may have: 19 digits): nothing
  // is allocated up front, the session just keeps reading.
  SessionConfig c;
  c.limits.max_message_bytes = 100;
  SmtpSession session(c);
  Actions out;
  session.Feed(Lines({"EHLO x", "MAIL FROM:<a@b>", "RCPT TO:<c@d>"}) +
                   "BDAT 9999999999999999999 LAST\r\n",
               out);
  const std::size_t before = out.size();
  const std::string megabyte(1 << 20, 'x');
  for (int i = 0; i < 8; ++i) session.Feed(megabyte, out);
  EXPECT_EQ(out.size(), before);  // still reading the chunk
  session.Shutdown(out);
  const Outcome o = Summarize(std::move(out), 0);
  EXPECT_EQ(LastReply(o), "421 4.3.2 localhost Service shutting down");
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

}  // namespace
}  // namespace smtpfixture::detail
