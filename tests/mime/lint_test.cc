// The message lint (fixture/mime/lint.h): each code triggered alone by a
// crafted message, with a negative twin that must stay clean, and the date
// and address grammars case by case.
#include "fixture/mime/lint.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fixture/message/message_record.h"
#include "fixture/mime/mime.h"
#include "smtpfixture/message.h"
#include "tests/support/crlf.h"

namespace smtpfixture::detail {
namespace {

using ::smtpfixture::testing::Crlf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// A header every check passes; tests add, drop or replace lines.
constexpr char kFrom[] = "From: Ann <ann@example.com>\n";
constexpr char kTo[] = "To: bob@example.com\n";
constexpr char kDate[] = "Date: Mon, 1 Jan 2024 00:00:00 +0000\n";
constexpr char kId[] = "Message-ID: <1@example.com>\n";
constexpr char kSubject[] = "Subject: Hi\n";

std::string Clean() {
  return std::string(kFrom) + kTo + kDate + kId + kSubject;
}

// The reader's violations for `header` followed by a body.
std::vector<Violation> Lint(const std::string& header) {
  return ParseMessage(Crlf(header + "\nHello\n")).violations;
}

std::vector<std::string> Codes(const std::string& header) {
  std::vector<std::string> codes;
  for (const Violation& v : Lint(header)) codes.push_back(v.code);
  return codes;
}

std::string Detail(const std::string& header) {
  const std::vector<Violation> violations = Lint(header);
  return violations.empty() ? "" : violations[0].detail;
}

TEST(LintTest, CleanHeaderHasNoViolations) {
  EXPECT_THAT(Codes(Clean()), IsEmpty());
}

TEST(LintTest, BccHeader) {
  EXPECT_THAT(Codes(Clean() + "Bcc: secret@example.com\n"),
              ElementsAre("bcc-header"));
  EXPECT_THAT(Detail(Clean() + "Bcc: secret@example.com\n"),
              HasSubstr("\"secret@example.com\""));
  // RFC 5322 3.6.3: an empty Bcc says only that there were blind copies.
  EXPECT_THAT(Codes(Clean() + "Bcc:\n"), IsEmpty());
}

TEST(LintTest, NoMessageId) {
  EXPECT_THAT(Codes(std::string(kFrom) + kTo + kDate + kSubject),
              ElementsAre("no-message-id"));
  EXPECT_THAT(Codes(std::string(kFrom) + kTo + kDate + kSubject +
                    "message-id: <x@example.com>\n"),
              IsEmpty());
}

TEST(LintTest, DuplicateHeader) {
  EXPECT_THAT(Codes(Clean() + "Subject: Hi again\n"),
              ElementsAre("duplicate-header"));
  EXPECT_EQ(Detail(Clean() + "SUBJECT: again\n" + kTo),
            "To (2 times), Subject (2 times): RFC 5322 3.6 allows each of "
            "these once");
  // Trace and optional fields may repeat.
  EXPECT_THAT(Codes(Clean() + "Received: from a\nReceived: from b\n"
                              "Comments: one\nComments: two\n"
                              "Keywords: a\nKeywords: b\nX-Tag: 1\nX-Tag: 2\n"
                              "Resent-To: a@example.com\n"
                              "Resent-To: b@example.com\n"),
              IsEmpty());
}

TEST(LintTest, HeaderLineTooLong) {
  const std::string too_long = "X-Long: " + std::string(991, 'a') + "\n";
  ASSERT_EQ(too_long.size(), 999u + 1);
  EXPECT_THAT(Codes(Clean() + too_long), ElementsAre("header-line-too-long"));
  EXPECT_EQ(Detail(Clean() + too_long).substr(0, 35),
            "header line 6 (\"X-Long: aaaaaaaaaaa");
  EXPECT_THAT(Detail(Clean() + too_long),
              HasSubstr("is 999 octets; RFC 5322 2.1.1 allows 998"));
  // 998 octets is the limit itself; a long value folded into short lines
  // is how it must be sent.
  const std::string at_limit = "X-Long: " + std::string(990, 'a') + "\n";
  std::string folded = "X-Long: a";
  for (int i = 0; i < 100; ++i) folded += "\n " + std::string(70, 'a');
  EXPECT_THAT(Codes(Clean() + at_limit + folded + "\n"), IsEmpty());
  // A long body line is the protocol's line-too-long, not a header's.
  EXPECT_THAT(
      ParseMessage(Crlf(Clean() + "\n" + std::string(2000, 'b'))).violations,
      IsEmpty());
}

TEST(LintTest, BadDate) {
  EXPECT_THAT(
      Codes(std::string(kFrom) + kTo + kId + "Date: 2024-01-01T00:00:00Z\n"),
      ElementsAre("bad-date"));
  EXPECT_EQ(
      Detail(std::string(kFrom) + kTo + kId + "Date: 2024-01-01T00:00:00Z\n"),
      "Date \"2024-01-01T00:00:00Z\" is not an RFC 5322 date-time (3.3)");
  EXPECT_THAT(
      Codes(std::string(kFrom) + kTo + kId + "Date: 1 Jan 24 00:00 GMT\n"),
      IsEmpty());
}

TEST(LintTest, NoMimeVersion) {
  EXPECT_THAT(Codes(Clean() + "Content-Type: text/plain; charset=utf-8\n"),
              ElementsAre("no-mime-version"));
  EXPECT_THAT(Codes(Clean() + "Content-Transfer-Encoding: 8bit\n"),
              ElementsAre("no-mime-version"));
  EXPECT_EQ(Detail(Clean() + "Content-Transfer-Encoding: 8bit\n"),
            "Content-Transfer-Encoding without MIME-Version: 1.0 (RFC 2045 4)");
  EXPECT_THAT(Codes(Clean() + "MIME-Version: 1.0\n"
                              "Content-Type: text/plain; charset=utf-8\n"
                              "Content-Transfer-Encoding: 8bit\n"),
              IsEmpty());
  // Body parts carry MIME headers without MIME-Version, as they should.
  EXPECT_THAT(Codes(Clean() + "MIME-Version: 1.0\n"
                              "Content-Type: multipart/mixed; boundary=b\n\n"
                              "--b\nContent-Type: text/plain\n"
                              "Content-Transfer-Encoding: 7bit\n\nx\n--b--"),
              IsEmpty());
}

TEST(LintTest, BadAddressHeader) {
  EXPECT_THAT(Codes(std::string(kFrom) + kDate + kId +
                    "To: John Doe john@example.com\n"),
              ElementsAre("bad-address-header"));
  EXPECT_EQ(Detail(std::string(kFrom) + kDate + kId +
                   "To: John Doe john@example.com\n"),
            "To \"John Doe john@example.com\" is not an RFC 5322 address "
            "list: expected \"@\" before \"Doe\"");
  EXPECT_THAT(Detail(std::string(kTo) + kDate + kId +
                     "From: undisclosed-recipients:;\n"),
              HasSubstr("an empty group cannot be the originator"));
  EXPECT_THAT(Codes(std::string(kFrom) + kDate + kId +
                    "To: undisclosed-recipients:;\n"
                    "Cc: \"Doe, John\" <john@example.com>, a@example.com\n"
                    "Reply-To: Team: a@example.com, b@example.com;\n"
                    "Sender: robot@example.com (the robot)\n"),
              IsEmpty());
}

// ---------------------------------------------------------------------------
// The header's octets against what the envelope allows.

std::vector<std::string> CharsetCodes(const std::string& message,
                                      HeaderCharset charset) {
  std::vector<std::string> codes;
  for (const Violation& v : ParseMessage(Crlf(message), charset).violations) {
    codes.push_back(v.code);
  }
  return codes;
}

// Without SMTPUTF8 any 8-bit octet in a header is wrong, UTF-8 or not.
TEST(HeaderCharsetTest, AsciiEnvelopeReportsEightBit) {
  EXPECT_THAT(
      CharsetCodes(Clean() + "X-Note: caf\xE9\n\nHi\n", HeaderCharset::kAscii),
      ElementsAre("8bit-header"));
  EXPECT_THAT(CharsetCodes(Clean() + "X-Note: caf\xC3\xA9\n\nHi\n",
                           HeaderCharset::kAscii),
              ElementsAre("8bit-header"));
  EXPECT_THAT(CharsetCodes(Clean() + "\nHi\n", HeaderCharset::kAscii),
              IsEmpty());
}

// Under SMTPUTF8, UTF-8 is legal and anything else is invalid-utf8-header:
// Latin-1, a truncated sequence, an overlong form, a surrogate.
TEST(HeaderCharsetTest, Utf8EnvelopeReportsWhatIsNotUtf8) {
  for (const char* value : {"caf\xE9", "caf\xC3", "\xC0\xAF", "\xED\xA0\x80",
                            "ok \xF4\x90\x80\x80"}) {
    EXPECT_THAT(CharsetCodes(Clean() + "X-Note: " + value + "\n\nHi\n",
                             HeaderCharset::kUtf8),
                ElementsAre("invalid-utf8-header"))
        << value;
  }
  // A body part's header counts as well, as it does for 8bit-header.
  EXPECT_THAT(CharsetCodes(
                  Clean() + "MIME-Version: 1.0\n"
                            "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                            "Content-Type: text/plain; name=\"caf\xE9.txt\"\n\n"
                            "x\n--b--\n",
                  HeaderCharset::kUtf8),
              ElementsAre("invalid-utf8-header"));
}

TEST(HeaderCharsetTest, Utf8EnvelopeAcceptsUtf8) {
  EXPECT_THAT(
      CharsetCodes(Clean() +
                       "X-Note: caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x93\xAE\n"
                       "\nHi\n",
                   HeaderCharset::kUtf8),
      IsEmpty());
  EXPECT_THAT(CharsetCodes(Clean() + "\nHi\n", HeaderCharset::kUtf8),
              IsEmpty());
}

// Through the public type: the record reads the header with the envelope's
// SMTPUTF8 in mind, so a Latin-1 Subject under SMTPUTF8 is a violation that
// HasNoViolations() sees, not one silently dropped.
ReceivedMessage WithEnvelope(const std::string& subject, bool smtputf8) {
  auto record = std::make_shared<MessageRecord>();
  if (smtputf8) record->envelope.mail_parameters.push_back({"SMTPUTF8", ""});
  record->data = Crlf(std::string(kFrom) + kTo + kDate + kId +
                      "Subject: " + subject + "\n\nHi\n");
  return ReceivedMessage(record);
}

std::vector<std::string> MimeCodes(const ReceivedMessage& message) {
  std::vector<std::string> codes;
  for (const Violation& v : message.MimeViolations()) codes.push_back(v.code);
  return codes;
}

TEST(HeaderCharsetTest, ReceivedMessageUsesTheEnvelope) {
  EXPECT_THAT(MimeCodes(WithEnvelope("caf\xE9", true)),
              ElementsAre("invalid-utf8-header"));
  EXPECT_THAT(MimeCodes(WithEnvelope("caf\xC3\xA9", true)), IsEmpty());
  EXPECT_THAT(MimeCodes(WithEnvelope("caf\xC3\xA9", false)),
              ElementsAre("8bit-header"));
  EXPECT_THAT(MimeCodes(WithEnvelope("caf\xE9", false)),
              ElementsAre("8bit-header"));
}

// Each code once per message, however often it is broken.
TEST(LintTest, EachCodeOnce) {
  EXPECT_THAT(
      Codes(std::string(kFrom) + kId +
            "To: a\nCc: b\n"
            "Date: x\nDate: y\nBcc: c@example.com\nBcc: d@example.com\n"),
      ElementsAre("bcc-header", "duplicate-header", "bad-date",
                  "bad-address-header"));
}

// ---------------------------------------------------------------------------
// Dates.

TEST(LintDateTest, AcceptsTheFormsMailersWrite) {
  for (const char* date : {
           "Mon, 1 Jan 2024 00:00:00 +0000",
           "Mon, 01 Jan 2024 00:00:00 +0000",
           "Thu,  7 Mar 2024 09:21:51 +0000 (UTC)",  // Postfix
           "Tue, 05 Mar 2024 09:12:44 -0800",
           "1 Jan 2024 00:00 GMT",                 // no day-of-week, no seconds
           "Mon, 1 Jan 24 00:00:00 EST",           // two-digit year: 2024
           "Fri, 1 Jan 99 00:00:00 PDT",           // 1999
           "Mon, 1 Jan 124 00:00:00 UT",           // three digits: 1900 + 124
           "mon, 1 JAN 2024 00:00:00 z",           // case-insensitive; military
           "Sat, 29 Feb 2020 23:59:60 +1400",      // leap day, leap second
           "Mon , 1 Jan 2024 00 : 00 : 00 +0000",  // obsolete CFWS
           "(comment) Mon, 1 Jan 2024 00:00:00 +0000 (UTC)",
       }) {
    EXPECT_TRUE(IsRfc5322DateTime(date)) << date;
  }
}

TEST(LintDateTest, RejectsWhatIsNotADateTime) {
  for (const char* date : {
           "",
           "x",
           "2024-01-01T00:00:00Z",
           "Mon 1 Jan 2024 00:00:00 +0000",   // no comma
           "Tue, 1 Jan 2024 00:00:00 +0000",  // the wrong day-of-week
           "Monday, 1 Jan 2024 00:00:00 +0000",
           "32 Jan 2024 00:00:00 +0000",
           "29 Feb 2023 00:00:00 +0000",
           "0 Jan 2024 00:00:00 +0000",
           "1 January 2024 00:00:00 +0000",
           "1 Jan 1899 00:00:00 +0000",
           "1 Jan 2024 24:00:00 +0000",
           "1 Jan 2024 00:60 +0000",
           "1 Jan 2024 0:00:00 +0000",
           "1 Jan 2024 00:00:61 +0000",
           "1 Jan 2024 00:00:00",  // no zone
           "1 Jan 2024 00:00:00 +000",
           "1 Jan 2024 00:00:00 +0060",
           "1 Jan 2024 00:00:00 CET",  // not an RFC 5322 zone
           "1 Jan 2024 00:00:00 J",
           "1 Jan 2024 00:00:00 +0000 extra",
           "1 Jan 2024 00:00:00 +0000 (unclosed",
           "1 Jan 2024 00:00:00+0000",
       }) {
    EXPECT_FALSE(IsRfc5322DateTime(date)) << date;
  }
}

// ---------------------------------------------------------------------------
// Addresses.

TEST(LintAddressTest, AcceptsRfc5322AddressLists) {
  for (const char* value : {
           "a@example.com",
           "Ann <ann@example.com>",
           "\"Doe, John\" <john@example.com>",
           "John Q. Public <jqp@example.com>",  // obs-phrase
           "\"quoted local\"@example.com",
           "\"a\\\"b\"@example.com",
           "a@example.com (Ann)",
           "(c) Ann (c) <ann@example.com> (c)",
           "=?utf-8?q?Ren=C3=A9?= <rene@example.com>",
           "=?UTF-8?B?w4lsb2RpZQ==?= <elodie@example.com>",
           "Ren\xC3\xA9 <ren\xC3\xA9@b\xC3\xBC"
           "cher.example>",  // RFC 6532
           "undisclosed-recipients:;",
           "Team: a@example.com, Bob <b@example.com>;, c@example.com",
           "a@[192.0.2.1]",
           "<@relay.example,@other.example:a@example.com>",  // obs-route
           "a@example.com,, b@example.com,",                 // obs-addr-list
           "john . doe @ example . com",  // obs-local-part, obs-domain
           "o'brien+tag@example.com",
       }) {
    std::string why;
    EXPECT_TRUE(IsValidAddressHeader(value, AddressRule::kAddressList, &why))
        << value << ": " << why;
  }
}

TEST(LintAddressTest, RejectsWhatDoesNotParse) {
  for (const char* value : {
           "",
           " ",
           ",",
           "john doe@example.com",
           "a@",
           "@example.com",
           "a@b@example.com",
           "<a@example.com",
           "Ann <>",
           "Ann <ann>",
           "a..b@example.com",
           ".a@example.com",
           "a@example..com",
           "\"unclosed@example.com",
           "a@example.com (unclosed",
           "a@[192.0.2.1",
           "Team: a@example.com",
           ": a@example.com;",
           "Outer: Inner: a@example.com;;",
           "a@example.com b@example.com",
           "Ann <a@example.com> Bob",
           "a\\b@example.com",
           "a@exa mple.com",
           "Ann <a@example.com>>",
       }) {
    std::string why;
    EXPECT_FALSE(IsValidAddressHeader(value, AddressRule::kAddressList, &why))
        << value;
    EXPECT_THAT(why, Not(IsEmpty())) << value;
  }
}

TEST(LintAddressTest, OriginatorRules) {
  EXPECT_FALSE(IsValidAddressHeader("undisclosed-recipients:;",
                                    AddressRule::kOriginatorList));
  EXPECT_TRUE(IsValidAddressHeader("Team: a@example.com;",
                                   AddressRule::kOriginatorList));
  EXPECT_TRUE(IsValidAddressHeader("a@example.com, b@example.com",
                                   AddressRule::kOriginatorList));
  EXPECT_TRUE(
      IsValidAddressHeader("a@example.com", AddressRule::kOneOriginator));
  EXPECT_FALSE(IsValidAddressHeader("a@example.com, b@example.com",
                                    AddressRule::kOneOriginator));
  EXPECT_FALSE(IsValidAddressHeader("Robots:;", AddressRule::kOneOriginator));
}

// Hostile values cost linear time, like the rest of the reader.
TEST(LintAddressTest, HostileValuesAreLinear) {
  std::string value;
  while (value.size() < (1u << 20)) value += "a.";
  EXPECT_FALSE(IsValidAddressHeader(value, AddressRule::kAddressList));
  std::string commas(1u << 20, ',');
  EXPECT_FALSE(IsValidAddressHeader(commas, AddressRule::kAddressList));
  std::string date;
  while (date.size() < (1u << 20)) date += "(((";
  EXPECT_FALSE(IsRfc5322DateTime(date));
}

}  // namespace
}  // namespace smtpfixture::detail
