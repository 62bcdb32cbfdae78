// The session: MAIL and RCPT (paths, parameters, SMTPUTF8, limits).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <iterator>
#include <string>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "tests/support/session_harness.h"

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

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
std::shared_ptr<MessageRecord> OneMessage(const std::string& mail,
                                          SessionConfig config = Plain(),
                                          const std::string& rcpt = "<c@d>") {
  const Outcome o = Dialogue(std::move(config))
                        .Send(Lines({"EHLO client", mail, "RCPT TO:" + rcpt,
                                     "DATA", "hello", "."}))
                        .Run();
  EXPECT_THAT(o.messages, SizeIs(1)) << ::testing::PrintToString(o.replies);
  return o.messages.empty() ? std::make_shared<MessageRecord>() : o.messages[0];
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

// A parameter given twice (names compared case-insensitively) is refused:
// two values for one name, and two keys for it in the event JSON, would
// leave the test to guess which one the server used.
TEST(SmtpSessionTest, DuplicateMailParameterIsRefused) {
  EXPECT_THAT(
      Replies(Lines({"MAIL FROM:<a@b> SIZE=10 SIZE=99999",
                     "MAIL FROM:<a@b> size=10 SIZE=10",
                     "MAIL FROM:<a@b> SMTPUTF8 BODY=8BITMIME smtputf8",
                     "MAIL FROM:<a@b> BODY=7BIT body=8BITMIME",
                     "MAIL FROM:<a@b> RET=FULL RET=HDRS",
                     "MAIL FROM:<a@b> ENVID=x ENVID=x",
                     "MAIL FROM:<a@b> AUTH=<> AUTH=<>",
                     "MAIL FROM:<a@b> SIZE=10 BODY=8BITMIME SMTPUTF8 "
                     "RET=FULL ENVID=x AUTH=<>"}),
              WithAuth()),
      ElementsAre("501 5.5.4 Duplicate SIZE parameter",
                  "501 5.5.4 Duplicate SIZE parameter",
                  "501 5.5.4 Duplicate SMTPUTF8 parameter",
                  "501 5.5.4 Duplicate BODY parameter",
                  "501 5.5.4 Duplicate RET parameter",
                  "501 5.5.4 Duplicate ENVID parameter",
                  "501 5.5.4 Duplicate AUTH parameter", "250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, DuplicateRcptParameterIsRefused) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO client", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d> NOTIFY=SUCCESS notify=FAILURE",
                       "RCPT TO:<c@d> ORCPT=rfc822;c+40d ORCPT=rfc822;e+40f",
                       "RCPT TO:<c@d> NOTIFY=NEVER ORCPT=rfc822;c+40d", "DATA",
                       "m", "."}))
          .Run();
  EXPECT_THAT(
      After(o, std::size(kEhloReply)),
      ElementsAre("250 2.1.0 Ok", "501 5.5.4 Duplicate NOTIFY parameter",
                  "501 5.5.4 Duplicate ORCPT parameter", "250 2.1.5 Ok",
                  "354 End data with <CR><LF>.<CR><LF>",
                  "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(o.messages[0]->envelope.rcpt_to, ElementsAre("c@d"));
  ASSERT_THAT(o.messages[0]->envelope.rcpt_parameters, SizeIs(1));
  EXPECT_THAT(o.messages[0]->envelope.rcpt_parameters[0], SizeIs(2));
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

// Under SMTPUTF8 an address must be UTF-8 (RFC 6532 3.1): Latin-1 or a
// broken sequence is refused as Postfix refuses it, and recorded.
TEST(SmtpSessionTest, NonUtf8AddressUnderSmtpUtf8IsRefused) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<caf\xE9@example.com> SMTPUTF8",
                       "MAIL FROM:<j\xC3\xB6rg@example.com> SMTPUTF8",
                       "RCPT TO:<caf\xE9@example.com>",
                       "RCPT TO:<\xC3@example.com>",
                       "RCPT TO:<\xED\xA0\x80@example.com>",  // a surrogate
                       "RCPT TO:<b@example.com>", "DATA", "m", "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("500 5.5.2 Error: bad UTF-8 syntax", "250 2.1.0 Ok",
                          "500 5.5.2 Error: bad UTF-8 syntax",
                          "500 5.5.2 Error: bad UTF-8 syntax",
                          "500 5.5.2 Error: bad UTF-8 syntax", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  ASSERT_THAT(o.violations, SizeIs(1));  // once per session
  EXPECT_EQ(o.violations[0].code, "invalid-utf8-address");
  EXPECT_EQ(o.violations[0].detail,
            "MAIL FROM:<caf\xE9@example.com> is not UTF-8 under SMTPUTF8");
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(o.messages[0]->envelope.rcpt_to, ElementsAre("b@example.com"));
}

TEST(SmtpSessionTest, NonUtf8RecipientUnderSmtpUtf8IsRecorded) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<a@example.com> SMTPUTF8",
                       "RCPT TO:<caf\xE9@example.com>"}))
          .Run();
  EXPECT_EQ(LastReply(o), "500 5.5.2 Error: bad UTF-8 syntax");
  ASSERT_THAT(o.violations, SizeIs(1));
  EXPECT_EQ(o.violations[0].code, "invalid-utf8-address");
  EXPECT_EQ(o.violations[0].detail,
            "RCPT TO:<caf\xE9@example.com> is not UTF-8 under SMTPUTF8");
}

// The same client with UTF-8 addresses: accepted, nothing recorded.
TEST(SmtpSessionTest, Utf8AddressUnderSmtpUtf8IsAccepted) {
  const Outcome o =
      Dialogue()
          .Send(Lines({"EHLO x", "MAIL FROM:<caf\xC3\xA9@example.com> SMTPUTF8",
                       "RCPT TO:<\xE2\x82\xAC@example.com>",
                       "RCPT TO:<\xF0\x9F\x93\xAE@example.com>", "DATA", "m",
                       "."}))
          .Run();
  EXPECT_THAT(After(o, std::size(kEhloReply)),
              ElementsAre("250 2.1.0 Ok", "250 2.1.5 Ok", "250 2.1.5 Ok",
                          "354 End data with <CR><LF>.<CR><LF>",
                          "250 2.0.0 Ok: queued as 1"));
  EXPECT_THAT(o.violations, IsEmpty());
  ASSERT_THAT(o.messages, SizeIs(1));
  EXPECT_EQ(o.messages[0]->envelope.mail_from, "caf\xC3\xA9@example.com");
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

}  // namespace
}  // namespace smtpfixture::detail
