// Header sections (RFC 5322), encoded words (RFC 2047) and parameters
// (RFC 2045, RFC 2231).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "fixture/mime/header_block.h"
#include "fixture/mime/mime.h"
#include "fixture/mime/mime_params.h"

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

std::vector<std::pair<std::string, std::string>> Fields(
    const std::vector<HeaderField>& fields) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const HeaderField& field : fields)
    out.emplace_back(field.name, field.value);
  return out;
}

TEST(HeaderBlockTest, SplitsAtTheFirstEmptyLineCrlf) {
  HeaderBlock block = ParseHeaderBlock(
      "From: a@example.com\r\nTo: b@example.com\r\n\r\nBody\r\n\r\nX: y\r\n");
  EXPECT_THAT(Fields(block.fields), ElementsAre(Pair("From", "a@example.com"),
                                                Pair("To", "b@example.com")));
  EXPECT_EQ(block.body, "Body\r\n\r\nX: y\r\n");
  EXPECT_FALSE(block.missing_separator);
}

TEST(HeaderBlockTest, SplitsAtTheFirstEmptyLineLf) {
  HeaderBlock block = ParseHeaderBlock("A: 1\nB: 2\n\nbody\n");
  EXPECT_THAT(Fields(block.fields),
              ElementsAre(Pair("A", "1"), Pair("B", "2")));
  EXPECT_EQ(block.body, "body\n");
}

TEST(HeaderBlockTest, UnfoldsKeepingTheWhitespaceOfTheFold) {
  HeaderBlock block = ParseHeaderBlock(
      "Subject: a long\r\n subject\r\n\tline\r\nX-Lf: one\n two\n\n");
  EXPECT_THAT(Fields(block.fields),
              ElementsAre(Pair("Subject", "a long subject\tline"),
                          Pair("X-Lf", "one two")));
}

TEST(HeaderBlockTest, KeepsOrderCaseAndDuplicates) {
  HeaderBlock block = ParseHeaderBlock(
      "Received: one\r\nreceived: two\r\nRECEIVED: three\r\n\r\n");
  EXPECT_THAT(Fields(block.fields),
              ElementsAre(Pair("Received", "one"), Pair("received", "two"),
                          Pair("RECEIVED", "three")));
  ASSERT_NE(FindField(block.fields, "RECEIVED"), nullptr);
  EXPECT_EQ(FindField(block.fields, "RECEIVED")->value, "one");
  EXPECT_EQ(FindField(block.fields, "X-Missing"), nullptr);
}

TEST(HeaderBlockTest, TrimsValuesAndToleratesObsoleteSyntax) {
  HeaderBlock block = ParseHeaderBlock(
      "Subject :  spaced  \r\nX-Empty:\r\nX-Blank:   \r\nX-Tight:v\r\n\r\n");
  EXPECT_THAT(Fields(block.fields),
              ElementsAre(Pair("Subject", "spaced"), Pair("X-Empty", ""),
                          Pair("X-Blank", ""), Pair("X-Tight", "v")));
}

TEST(HeaderBlockTest, KeepsEightBitBytesAndFlagsThem) {
  HeaderBlock block = ParseHeaderBlock("Subject: caf\xC3\xA9\r\n\r\n");
  EXPECT_THAT(Fields(block.fields),
              ElementsAre(Pair("Subject", "caf\xC3\xA9")));
  EXPECT_TRUE(block.has_8bit);
  EXPECT_FALSE(ParseHeaderBlock("Subject: cafe\r\n\r\n").has_8bit);
}

TEST(HeaderBlockTest, WithoutAnEmptyLineEverythingIsHeaders) {
  HeaderBlock block = ParseHeaderBlock("A: 1\r\nB: 2\r\n");
  EXPECT_THAT(Fields(block.fields),
              ElementsAre(Pair("A", "1"), Pair("B", "2")));
  EXPECT_THAT(block.body, IsEmpty());
  EXPECT_FALSE(block.missing_separator);
  EXPECT_THAT(Fields(ParseHeaderBlock("A: no line end").fields),
              ElementsAre(Pair("A", "no line end")));
}

TEST(HeaderBlockTest, ANonHeaderLineStartsTheBody) {
  HeaderBlock block = ParseHeaderBlock("A: 1\r\nThis is the body.\r\nB: 2\r\n");
  EXPECT_THAT(Fields(block.fields), ElementsAre(Pair("A", "1")));
  EXPECT_EQ(block.body, "This is the body.\r\nB: 2\r\n");
  EXPECT_TRUE(block.missing_separator);
}

TEST(HeaderBlockTest, AnEntityWithoutHeaders) {
  HeaderBlock block = ParseHeaderBlock("\r\nbody only");
  EXPECT_THAT(Fields(block.fields), IsEmpty());
  EXPECT_EQ(block.body, "body only");
  EXPECT_THAT(Fields(ParseHeaderBlock("").fields), IsEmpty());
}

TEST(HeaderBlockTest, SkipsAnMboxFromLineAndAStrayContinuation) {
  HeaderBlock block = ParseHeaderBlock(
      "From someone@example.com Mon Jan  1 00:00:00 2024\r\n  stray\r\n"
      "Subject: x\r\n\r\n");
  EXPECT_THAT(Fields(block.fields), ElementsAre(Pair("Subject", "x")));
  EXPECT_FALSE(block.missing_separator);
}

TEST(HeaderNameEqualsTest, IgnoresAsciiCaseOnly) {
  EXPECT_TRUE(HeaderNameEquals("Content-Type", "content-TYPE"));
  EXPECT_FALSE(HeaderNameEquals("Content-Type", "Content-Typ"));
  EXPECT_FALSE(HeaderNameEquals("X-A", "X_A"));
}

// RFC 2047.

TEST(DecodeHeaderValueTest, LeavesPlainTextAlone) {
  EXPECT_EQ(DecodeHeaderValue("Hello, world"), "Hello, world");
  EXPECT_EQ(DecodeHeaderValue(""), "");
  EXPECT_EQ(DecodeHeaderValue("a = b ?= c =?"), "a = b ?= c =?");
}

TEST(DecodeHeaderValueTest, DecodesBAndQInEitherCase) {
  EXPECT_EQ(DecodeHeaderValue("=?UTF-8?B?Y2Fmw6k=?="), "caf\xC3\xA9");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?b?Y2Fmw6k=?="), "caf\xC3\xA9");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?Q?caf=C3=A9?="), "caf\xC3\xA9");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?caf=c3=a9?="), "caf\xC3\xA9");
}

TEST(DecodeHeaderValueTest, QUnderscoreIsASpace) {
  EXPECT_EQ(DecodeHeaderValue("=?us-ascii?q?a_b=5Fc?="), "a b_c");
}

TEST(DecodeHeaderValueTest, BToleratesMissingPadding) {
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?B?Y2Fmw6k?="), "caf\xC3\xA9");
}

TEST(DecodeHeaderValueTest, DropsWhitespaceBetweenAdjacentWordsOnly) {
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?a?= =?utf-8?q?b?="), "ab");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?a?=\t  =?utf-8?q?b?="), "ab");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?a?==?utf-8?q?b?="), "ab");
  EXPECT_EQ(DecodeHeaderValue("x =?utf-8?q?a?= y =?utf-8?q?b?= z"),
            "x a y b z");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?a_?= =?utf-8?q?_b?="), "a  b");
}

TEST(DecodeHeaderValueTest, MixesCharsets) {
  EXPECT_EQ(DecodeHeaderValue("=?iso-8859-1?q?caf=E9?= =?windows-1252?q?=80?= "
                              "=?utf-8?b?4oKs?="),
            "caf\xC3\xA9\xE2\x82\xAC\xE2\x82\xAC");
}

TEST(DecodeHeaderValueTest, JoinsACharacterSplitAcrossWords) {
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?caf=C3?= =?utf-8?q?=A9?="),
            "caf\xC3\xA9");
}

TEST(DecodeHeaderValueTest, AcceptsALanguageInTheCharset) {
  EXPECT_EQ(DecodeHeaderValue("=?utf-8*fr?q?caf=C3=A9?="), "caf\xC3\xA9");
}

TEST(DecodeHeaderValueTest, LeavesMalformedWordsAsWritten) {
  for (const char* raw :
       {"=?utf-8?x?abc?=", "=?utf-8?q?abc", "=??q?abc?=", "=?utf-8?q?a b?=",
        "=?utf-8?b?!!!?=", "=?utf 8?q?a?=", "=?utf-8?q?a?"}) {
    EXPECT_EQ(DecodeHeaderValue(raw), raw);
  }
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?x?a?= =?utf-8?q?b?="),
            "=?utf-8?x?a?= b");
}

TEST(DecodeHeaderValueTest, KeepsBytesOfUnknownCharsetsAndSanitizesRawText) {
  EXPECT_EQ(DecodeHeaderValue("=?koi8-r?b?0NLJ?="), "\xD0\xD2\xC9");
  EXPECT_EQ(DecodeHeaderValue("raw caf\xC3\xA9"), "raw caf\xC3\xA9");
  EXPECT_EQ(DecodeHeaderValue("bad \xFF"), "bad \xEF\xBF\xBD");
  EXPECT_EQ(DecodeHeaderValue("=?utf-8?q?=FF?="), "\xEF\xBF\xBD");
}

// Parameters.

TEST(ParameterizedValueTest, ReadsTokenAndParameters) {
  ParameterizedValue v =
      ParseParameterizedValue("Text/PLAIN; Charset=\"UTF-8\"; format=flowed");
  EXPECT_EQ(v.token, "text/plain");
  ASSERT_NE(v.Find("charset"), nullptr);
  EXPECT_EQ(v.Find("charset")->value, "UTF-8");
  ASSERT_NE(v.Find("format"), nullptr);
  EXPECT_EQ(v.Find("format")->value, "flowed");
  EXPECT_EQ(v.Find("delsp"), nullptr);
}

TEST(ParameterizedValueTest, HandlesQuotingCommentsAndSloppiness) {
  ParameterizedValue v = ParseParameterizedValue(
      " multipart/mixed (a comment) ; boundary=\"a;b\\\"c\" (c2); ;"
      " x = y ; novalue; name=my file (1).pdf; q=\"unterminated");
  EXPECT_EQ(v.token, "multipart/mixed");
  ASSERT_NE(v.Find("boundary"), nullptr);
  EXPECT_EQ(v.Find("boundary")->value, "a;b\"c");
  ASSERT_NE(v.Find("x"), nullptr);
  EXPECT_EQ(v.Find("x")->value, "y");
  EXPECT_EQ(v.Find("novalue"), nullptr);
  ASSERT_NE(v.Find("name"), nullptr);
  EXPECT_EQ(v.Find("name")->value, "my file (1).pdf");
  ASSERT_NE(v.Find("q"), nullptr);
  EXPECT_EQ(v.Find("q")->value, "unterminated");
}

TEST(ParameterizedValueTest, ToleratesSpacesAroundTheSlash) {
  EXPECT_EQ(ParseParameterizedValue("text / html").token, "text/html");
  EXPECT_EQ(ParseParameterizedValue("attachment").token, "attachment");
  EXPECT_EQ(ParseParameterizedValue("inline filename=x").token, "inline");
  EXPECT_EQ(ParseParameterizedValue("").token, "");
}

TEST(ParameterizedValueTest, FirstPlainParameterWins) {
  ParameterizedValue v = ParseParameterizedValue("a/b; n=1; N=2");
  ASSERT_NE(v.Find("n"), nullptr);
  EXPECT_EQ(v.Find("n")->value, "1");
}

TEST(ParameterizedValueTest, DecodesRfc2231ExtendedValues) {
  ParameterizedValue v = ParseParameterizedValue(
      "attachment; filename*=UTF-8''caf%C3%A9%20menu.pdf");
  const MimeParameter* p = v.Find("filename");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->extended);
  EXPECT_EQ(ParameterText(*p), "caf\xC3\xA9 menu.pdf");
}

TEST(ParameterizedValueTest, JoinsRfc2231ContinuationsInNumericOrder) {
  ParameterizedValue v = ParseParameterizedValue(
      "attachment; filename*1=\"c d\"; filename*0*=utf-8'en'a%20b; "
      "filename*2*=%C3%A9; size=3; filename*10=z");
  const MimeParameter* p = v.Find("filename");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(ParameterText(*p), "a bc d\xC3\xA9z");
  ASSERT_NE(v.Find("size"), nullptr);
}

TEST(ParameterizedValueTest, ConvertsRfc2231Charsets) {
  ParameterizedValue v =
      ParseParameterizedValue("attachment; filename*=iso-8859-1''caf%E9.txt");
  ASSERT_NE(v.Find("filename"), nullptr);
  EXPECT_EQ(v.Find("filename")->value, "caf\xC3\xA9.txt");
  ParameterizedValue plain = ParseParameterizedValue(
      "attachment; filename*0=\"a\"; filename*1=\"b%20\"");
  ASSERT_NE(plain.Find("filename"), nullptr);
  EXPECT_EQ(plain.Find("filename")->value, "ab%20");  // not encoded sections
}

TEST(ParameterizedValueTest, PrefersTheRfc2231FormOverThePlainOne) {
  ParameterizedValue v = ParseParameterizedValue(
      "attachment; filename=\"fallback.pdf\"; filename*=utf-8''%C3%A9.pdf");
  ASSERT_NE(v.Find("filename"), nullptr);
  EXPECT_EQ(v.Find("filename")->value, "\xC3\xA9.pdf");
}

TEST(ParameterizedValueTest, DecodesRfc2047InPlainValuesForPeopleOnly) {
  ParameterizedValue v =
      ParseParameterizedValue("attachment; filename=\"=?utf-8?B?w6kucGRm?=\"");
  ASSERT_NE(v.Find("filename"), nullptr);
  EXPECT_EQ(v.Find("filename")->value, "=?utf-8?B?w6kucGRm?=");
  EXPECT_EQ(ParameterText(*v.Find("filename")), "\xC3\xA9.pdf");
}

TEST(ParameterizedValueTest, SurvivesGarbage) {
  for (const char* raw :
       {";", ";;;", "=", "a/b; =x", "a/b; *=x", "a/b; x*0*=", "a/b; x*=''", "(",
        "\"", "a/b; n=\"\\", "a/b; x*99999999=1"}) {
    ParameterizedValue v = ParseParameterizedValue(raw);
    (void)v;
  }
  EXPECT_EQ(ParseParameterizedValue("a/b; x*=''").Find("x")->value, "");
}

}  // namespace
}  // namespace smtpfixture::detail
