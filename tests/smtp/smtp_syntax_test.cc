// The SMTP grammar alone (fixture/smtp/smtp_syntax.h). The session tests
// check the replies built from these results.
#include "fixture/smtp/smtp_syntax.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;

MATCHER_P2(IsParameter, name, value, "") {
  return arg.name == name && arg.value == value;
}

TEST(SmtpSyntaxTest, SplitCommand) {
  CommandLine c = SplitCommand("mail FROM:<a@b>  ");
  EXPECT_EQ(c.verb, "MAIL");
  EXPECT_EQ(c.argument, "FROM:<a@b>");
  c = SplitCommand("NOOP");
  EXPECT_EQ(c.verb, "NOOP");
  EXPECT_EQ(c.argument, "");
  c = SplitCommand("ehlo\tclient.example");
  EXPECT_EQ(c.verb, "EHLO");
  EXPECT_EQ(c.argument, "client.example");
  EXPECT_EQ(SplitCommand("").verb, "");
}

TEST(SmtpSyntaxTest, SplitWords) {
  EXPECT_THAT(SplitWords(" a \tbb  c "), ElementsAre("a", "bb", "c"));
  EXPECT_TRUE(SplitWords(" \t ").empty());
}

TEST(SmtpSyntaxTest, ParseCount) {
  EXPECT_EQ(ParseCount("0"), 0u);
  EXPECT_EQ(ParseCount("0012"), 12u);
  EXPECT_EQ(ParseCount("18446744073709551615"), UINT64_MAX);
  EXPECT_EQ(ParseCount("99999999999999999999999"), UINT64_MAX);  // saturates
  EXPECT_FALSE(ParseCount("").has_value());
  EXPECT_FALSE(ParseCount("-1").has_value());
  EXPECT_FALSE(ParseCount("1e3").has_value());
  EXPECT_FALSE(ParseCount(" 1").has_value());
}

TEST(SmtpSyntaxTest, Xtext) {
  EXPECT_TRUE(IsXtext("abc"));
  EXPECT_TRUE(IsXtext("a+2Bb"));
  EXPECT_TRUE(IsXtext("a+2bb"));  // lower-case hex, as Postfix
  EXPECT_TRUE(IsXtext("!~"));
  EXPECT_FALSE(IsXtext(""));
  EXPECT_FALSE(IsXtext("a=b"));
  EXPECT_FALSE(IsXtext("a b"));
  EXPECT_FALSE(IsXtext("a+2"));
  EXPECT_FALSE(IsXtext("a+G0"));
  EXPECT_FALSE(IsXtext("\x7f"));
  EXPECT_FALSE(IsXtext("\xc3\xa9"));
}

TEST(SmtpSyntaxTest, Keyword) {
  EXPECT_TRUE(IsKeyword("rfc822"));
  EXPECT_TRUE(IsKeyword("X-Type-2"));
  EXPECT_FALSE(IsKeyword(""));
  EXPECT_FALSE(IsKeyword("a_b"));
  EXPECT_FALSE(IsKeyword("a;b"));
}

TEST(SmtpSyntaxTest, PathForms) {
  auto p = ParsePath("<a@b>");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->address, "a@b");
  EXPECT_EQ(p->parameters, "");
  p = ParsePath("  <> SIZE=10");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->address, "");
  EXPECT_EQ(p->parameters, " SIZE=10");
  p = ParsePath("<@relay.example,@other:user@host>");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->address, "user@host");  // source route dropped
  p = ParsePath("<\"john doe\"@host>");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->address, "\"john doe\"@host");
  p = ParsePath("<\"a\\\"b\"@host>");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->address, "\"a\\\"b\"@host");
}

TEST(SmtpSyntaxTest, PathErrors) {
  for (const char* bad :
       {"a@b", "<a@b", "<a b@c>", "<a<b>", "<a@b>x", "<@relay>", "<@relay:>",
        "<a\x01@b>", "<\"open@b>", ""}) {
    EXPECT_FALSE(ParsePath(bad).has_value()) << bad;
  }
}

MailExtensions All() {
  MailExtensions m;
  m.size = m.eightbitmime = m.chunking = m.smtputf8 = m.dsn = m.auth = true;
  m.max_message_bytes = 1000;
  return m;
}

TEST(SmtpSyntaxTest, MailParameters) {
  auto parsed = ParseMailParameters(
      " size=10 BODY=8bitmime SMTPUTF8 RET=hdrs ENVID=x+2By AUTH=<>", All());
  ASSERT_TRUE(std::holds_alternative<MailParameters>(parsed));
  const MailParameters& p = std::get<MailParameters>(parsed);
  EXPECT_THAT(
      p.parameters,
      ElementsAre(IsParameter("SIZE", "10"), IsParameter("BODY", "8bitmime"),
                  IsParameter("SMTPUTF8", ""), IsParameter("RET", "hdrs"),
                  IsParameter("ENVID", "x+2By"), IsParameter("AUTH", "<>")));
  EXPECT_TRUE(p.eight_bit);
  EXPECT_FALSE(p.binarymime);
  EXPECT_TRUE(p.smtputf8);
}

TEST(SmtpSyntaxTest, BodyBinaryMime) {
  auto parsed = ParseMailParameters("BODY=BINARYMIME", All());
  ASSERT_TRUE(std::holds_alternative<MailParameters>(parsed));
  EXPECT_TRUE(std::get<MailParameters>(parsed).binarymime);
  MailExtensions no_chunking = All();
  no_chunking.chunking = false;
  parsed = ParseMailParameters("BODY=BINARYMIME", no_chunking);
  ASSERT_TRUE(std::holds_alternative<SyntaxError>(parsed));
  EXPECT_EQ(std::get<SyntaxError>(parsed).text, "Bad BODY keyword");
}

// The first bad parameter decides, with its own reply.
TEST(SmtpSyntaxTest, MailParameterErrors) {
  struct Case {
    const char* text;
    int code;
    const char* reply;
  };
  for (const Case& c : {
           Case{"SIZE=x", 501, "Bad message size syntax"},
           Case{"SIZE=1001", 552, "Message size exceeds fixed limit"},
           Case{"BODY=9BIT", 501, "Bad BODY keyword"},
           Case{"SMTPUTF8=yes", 501, "Bad SMTPUTF8 syntax"},
           Case{"RET=ALL", 501, "Bad RET parameter syntax"},
           Case{"ENVID=a=b", 501, "Bad ENVID parameter syntax"},
           Case{"AUTH=a=b", 501, "Bad AUTH parameter syntax"},
           Case{"XFOO=1", 555, "Unsupported option: XFOO"},
           Case{"SIZE=1001 XFOO=1", 552, "Message size exceeds fixed limit"},
           Case{"XFOO=1 SIZE=1001", 555, "Unsupported option: XFOO"},
           Case{"X\x01Y", 555, "Unsupported option: X?Y"},
       }) {
    auto parsed = ParseMailParameters(c.text, All());
    ASSERT_TRUE(std::holds_alternative<SyntaxError>(parsed)) << c.text;
    EXPECT_EQ(std::get<SyntaxError>(parsed).code, c.code) << c.text;
    EXPECT_EQ(std::get<SyntaxError>(parsed).text, c.reply) << c.text;
  }
}

TEST(SmtpSyntaxTest, MailParametersNeedTheirExtension) {
  const MailExtensions none;  // after HELO
  for (const char* text : {"SIZE=1", "BODY=8BITMIME", "SMTPUTF8", "RET=FULL",
                           "ENVID=x", "AUTH=<>"}) {
    auto parsed = ParseMailParameters(text, none);
    ASSERT_TRUE(std::holds_alternative<SyntaxError>(parsed)) << text;
    EXPECT_EQ(std::get<SyntaxError>(parsed).code, 555) << text;
  }
  auto empty = ParseMailParameters("", none);
  ASSERT_TRUE(std::holds_alternative<MailParameters>(empty));
  EXPECT_TRUE(std::get<MailParameters>(empty).parameters.empty());
}

TEST(SmtpSyntaxTest, NotifyAndOrcpt) {
  EXPECT_TRUE(IsNotifyList("NEVER"));
  EXPECT_TRUE(IsNotifyList("success,failure,DELAY"));
  EXPECT_FALSE(IsNotifyList(""));
  EXPECT_FALSE(IsNotifyList("NEVER,SUCCESS"));
  EXPECT_FALSE(IsNotifyList("SUCCESS,"));
  EXPECT_TRUE(IsOrcpt("rfc822;a+40b"));
  EXPECT_FALSE(IsOrcpt("rfc822"));
  EXPECT_FALSE(IsOrcpt(";a"));
  EXPECT_FALSE(IsOrcpt("rfc822;"));
}

TEST(SmtpSyntaxTest, RcptParameters) {
  auto parsed =
      ParseRcptParameters(" NOTIFY=SUCCESS ORCPT=rfc822;a@b", /*dsn=*/true);
  ASSERT_TRUE((std::holds_alternative<std::vector<Parameter>>(parsed)));
  EXPECT_THAT(std::get<std::vector<Parameter>>(parsed),
              ElementsAre(IsParameter("NOTIFY", "SUCCESS"),
                          IsParameter("ORCPT", "rfc822;a@b")));
  parsed = ParseRcptParameters("NOTIFY=NEVER", /*dsn=*/false);
  ASSERT_TRUE(std::holds_alternative<SyntaxError>(parsed));
  EXPECT_EQ(std::get<SyntaxError>(parsed).code, 555);
  parsed = ParseRcptParameters("NOTIFY=SOMETIMES", /*dsn=*/true);
  ASSERT_TRUE(std::holds_alternative<SyntaxError>(parsed));
  EXPECT_EQ(std::get<SyntaxError>(parsed).text, "Bad NOTIFY parameter syntax");
  parsed = ParseRcptParameters("ORCPT=x", /*dsn=*/true);
  ASSERT_TRUE(std::holds_alternative<SyntaxError>(parsed));
  EXPECT_EQ(std::get<SyntaxError>(parsed).text, "Bad ORCPT parameter syntax");
}

TEST(SmtpSyntaxTest, Bdat) {
  using Status = BdatArguments::Status;
  BdatArguments b = ParseBdat("10");
  EXPECT_EQ(b.status, Status::kOk);
  EXPECT_EQ(b.size, 10u);
  EXPECT_FALSE(b.last);
  b = ParseBdat("0 last");
  EXPECT_EQ(b.status, Status::kOk);
  EXPECT_TRUE(b.last);
  EXPECT_EQ(ParseBdat("").status, Status::kBadSize);
  EXPECT_EQ(ParseBdat("x").status, Status::kBadSize);
  EXPECT_EQ(ParseBdat("-1 LAST").status, Status::kBadSize);
  EXPECT_EQ(ParseBdat("12345678901234567890").status, Status::kBadSize);
  EXPECT_EQ(ParseBdat("1234567890123456789").status, Status::kOk);
  b = ParseBdat("5 FIRST");
  EXPECT_EQ(b.status, Status::kBadRest);
  EXPECT_EQ(b.size, 5u);
  EXPECT_EQ(ParseBdat("5 LAST x").status, Status::kBadRest);
}

TEST(SmtpSyntaxTest, HttpRequestLine) {
  EXPECT_TRUE(IsHttpRequestLine("GET / HTTP/1.1"));
  EXPECT_TRUE(IsHttpRequestLine("POST /x HTTP/1.0"));
  EXPECT_TRUE(IsHttpRequestLine("CONNECT mx:25 HTTP/1.1"));
  EXPECT_TRUE(IsHttpRequestLine("HEAD / HTTP/1.1"));
  EXPECT_TRUE(IsHttpRequestLine("put /x HTTP/1.1"));
  EXPECT_FALSE(IsHttpRequestLine("GET"));
  EXPECT_FALSE(IsHttpRequestLine("GETX /"));
  EXPECT_FALSE(IsHttpRequestLine(" GET /"));
  EXPECT_FALSE(IsHttpRequestLine("EHLO GET /"));
}

TEST(SmtpSyntaxTest, SanitizeAndMask) {
  EXPECT_EQ(Sanitize("a\r\nb\x7f\tc"), "a??b??c");
  EXPECT_EQ(MaskAuthLine("AUTH PLAIN AGFsaWNl"), "AUTH PLAIN ****");
  EXPECT_EQ(MaskAuthLine("auth login"), "auth login");
  EXPECT_EQ(MaskAuthLine("AUTH LOGIN  \t"), "AUTH LOGIN");
}

}  // namespace
}  // namespace smtpfixture::detail
