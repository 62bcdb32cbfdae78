// Charset conversion to UTF-8 and quoted-printable decoding.
#include <gtest/gtest.h>

#include <string>

#include "fixture/mime/charset.h"
#include "fixture/mime/quoted_printable.h"

namespace smtpfixture::detail {
namespace {

TEST(CharsetTest, MatchesLabelsCaseInsensitivelyWithAliases) {
  for (const char* label : {"utf-8", "UTF-8", "utf8", "Utf8", " utf-8 ",
                            "\"utf-8\"", "us-ascii", "US-ASCII", "ascii", ""}) {
    EXPECT_EQ(LookupCharset(label), Charset::kUtf8) << label;
  }
  for (const char* label :
       {"iso-8859-1", "ISO-8859-1", "iso8859-1", "ISO_8859-1",
        "iso_8859-1:1987", "latin1", "Latin-1", "l1", "iso8859_1", "cp819"}) {
    EXPECT_EQ(LookupCharset(label), Charset::kLatin1) << label;
  }
  for (const char* label :
       {"windows-1252", "Windows-1252", "cp1252", "CP1252", "x-cp1252"}) {
    EXPECT_EQ(LookupCharset(label), Charset::kWindows1252) << label;
  }
  for (const char* label : {"koi8-r", "iso-8859-15", "shift_jis", "utf-16"}) {
    EXPECT_EQ(LookupCharset(label), Charset::kOther) << label;
  }
}

TEST(CharsetTest, KeepsValidUtf8) {
  const std::string text =
      "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xEF\xBF\xBF";
  EXPECT_EQ(ToUtf8(text, "utf-8"), text);
  EXPECT_EQ(SanitizeUtf8(text), text);
}

TEST(CharsetTest, ReplacesEachMaximalInvalidSubsequenceOnce) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(SanitizeUtf8("a\xFF"
                         "b"),
            "a" + r + "b");
  EXPECT_EQ(SanitizeUtf8("a\xE2\x82"
                         "b"),
            "a" + r + "b");                                    // truncated
  EXPECT_EQ(SanitizeUtf8("\xE2\x82"), r);                      // at the end
  EXPECT_EQ(SanitizeUtf8("\xC0\x80"), r + r);                  // overlong
  EXPECT_EQ(SanitizeUtf8("\xE0\x80\x80"), r + r + r);          // overlong
  EXPECT_EQ(SanitizeUtf8("\xED\xA0\x80"), r + r + r);          // surrogate
  EXPECT_EQ(SanitizeUtf8("\xF4\x90\x80\x80"), r + r + r + r);  // > U+10FFFF
  EXPECT_EQ(SanitizeUtf8("\x80"), r);                          // lone trail
  EXPECT_EQ(SanitizeUtf8("\xF0\x9F\x98"), r);
  EXPECT_EQ(SanitizeUtf8("\xE2\x82\xE2\x82\xAC"), r + "\xE2\x82\xAC");
}

TEST(CharsetTest, ReadsUsAsciiAsUtf8) {
  EXPECT_EQ(ToUtf8("plain", "us-ascii"), "plain");
  EXPECT_EQ(ToUtf8("caf\xC3\xA9", "us-ascii"), "caf\xC3\xA9");
  EXPECT_EQ(ToUtf8("caf\xE9", "us-ascii"), "caf\xEF\xBF\xBD");
}

TEST(CharsetTest, ConvertsLatin1) {
  EXPECT_EQ(ToUtf8("caf\xE9 na\xEFve \xFF", "iso-8859-1"),
            "caf\xC3\xA9 na\xC3\xAFve \xC3\xBF");
  // In ISO-8859-1 0x80-0x9F are the C1 controls, not Windows' punctuation.
  EXPECT_EQ(ToUtf8("\x80", "latin1"), "\xC2\x80");
}

TEST(CharsetTest, ConvertsAllOfWindows1252High) {
  std::string high;
  for (int c = 0x80; c < 0xA0; ++c) high.push_back(static_cast<char>(c));
  const std::string expected =
      "\xE2\x82\xAC\xC2\x81\xE2\x80\x9A\xC6\x92\xE2\x80\x9E\xE2\x80\xA6"
      "\xE2\x80\xA0\xE2\x80\xA1\xCB\x86\xE2\x80\xB0\xC5\xA0\xE2\x80\xB9"
      "\xC5\x92\xC2\x8D\xC5\xBD\xC2\x8F\xC2\x90\xE2\x80\x98\xE2\x80\x99"
      "\xE2\x80\x9C\xE2\x80\x9D\xE2\x80\xA2\xE2\x80\x93\xE2\x80\x94\xCB\x9C"
      "\xE2\x84\xA2\xC5\xA1\xE2\x80\xBA\xC5\x93\xC2\x9D\xC5\xBE\xC5\xB8";
  EXPECT_EQ(ToUtf8(high, "windows-1252"), expected);
  EXPECT_EQ(ToUtf8("\x93quoted\x94 \xE9", "cp1252"),
            "\xE2\x80\x9Cquoted\xE2\x80\x9D \xC3\xA9");
}

TEST(CharsetTest, KeepsBytesOfUnknownCharsets) {
  EXPECT_EQ(ToUtf8("\xD0\xD2\xC9", "koi8-r"), "\xD0\xD2\xC9");
}

TEST(CharsetTest, AppendsCodePoints) {
  std::string out;
  AppendCodePoint(0x41, &out);
  AppendCodePoint(0xE9, &out);
  AppendCodePoint(0x20AC, &out);
  AppendCodePoint(0x1F600, &out);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(QuotedPrintableTest, DecodesHexPairsOfEitherCase) {
  bool ok = false;
  EXPECT_EQ(QuotedPrintableDecode("caf=C3=A9 caf=c3=a9 =3D", &ok),
            "caf\xC3\xA9 caf\xC3\xA9 =");
  EXPECT_TRUE(ok);
}

TEST(QuotedPrintableTest, JoinsSoftLineBreaks) {
  bool ok = false;
  EXPECT_EQ(QuotedPrintableDecode("long =\r\nline=\r\n\r\nnext", &ok),
            "long line\r\nnext");
  EXPECT_TRUE(ok);
  EXPECT_EQ(QuotedPrintableDecode("lf =\nonly=\n", &ok), "lf only");
  EXPECT_EQ(QuotedPrintableDecode("padded= \t\r\nbreak", &ok), "paddedbreak");
  EXPECT_TRUE(ok);
  EXPECT_EQ(QuotedPrintableDecode("ends with=", &ok), "ends with");
}

TEST(QuotedPrintableTest, KeepsHardLineBreaksAsWritten) {
  EXPECT_EQ(QuotedPrintableDecode("a\r\nb\nc\r\n"), "a\r\nb\nc\r\n");
}

TEST(QuotedPrintableTest, DropsTransportPaddingAtLineEnds) {
  EXPECT_EQ(QuotedPrintableDecode("a  \r\nb\t\r\nc=20\r\n"),
            "a\r\nb\r\nc \r\n");
}

TEST(QuotedPrintableTest, KeepsInvalidEqualsLiterallyAndSaysSo) {
  bool ok = true;
  EXPECT_EQ(QuotedPrintableDecode("a=ZZb =4 x", &ok), "a=ZZb =4 x");
  EXPECT_FALSE(ok);
  ok = true;
  EXPECT_EQ(QuotedPrintableDecode("=A", &ok), "=A");
  EXPECT_FALSE(ok);
}

}  // namespace
}  // namespace smtpfixture::detail
