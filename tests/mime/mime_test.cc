// The MIME reader: structure, bodies, attachments and violations.
#include "fixture/mime/mime.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "fixture/message/message_record.h"
#include "smtpfixture/message.h"
#include "tests/support/crlf.h"

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::SizeIs;

using ::smtpfixture::testing::Crlf;

std::vector<std::string> Codes(const ParsedMessage& parsed) {
  std::vector<std::string> codes;
  for (const Violation& v : parsed.violations) codes.push_back(v.code);
  return codes;
}

// A top-level header the message lint (fixture/mime/lint.h) finds clean.
constexpr char kTop[] =
    "From: a@example.com\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n"
    "Message-ID: <1@example.com>\nMIME-Version: 1.0\n";

TEST(MimeTest, PlainMessageWithoutContentTypeIsTextPlain) {
  ParsedMessage parsed =
      ParseMessage(Crlf(std::string(kTop) + "Subject: Hi\n\nHello,\nworld.\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("Hello,\nworld.\n")));
  EXPECT_EQ(parsed.html_body, std::nullopt);
  EXPECT_THAT(parsed.attachments, IsEmpty());
  EXPECT_THAT(parsed.violations, IsEmpty());
  ASSERT_THAT(parsed.headers, SizeIs(5));
  EXPECT_EQ(parsed.headers[4].name, "Subject");
  EXPECT_EQ(parsed.headers[4].value, "Hi");
}

TEST(MimeTest, LfOnlyMessagesReadTheSame) {
  ParsedMessage parsed = ParseMessage(std::string(kTop) + "\nHello\n");
  EXPECT_THAT(parsed.text_body, Optional(std::string("Hello\n")));
  EXPECT_THAT(parsed.headers, SizeIs(4));
}

TEST(MimeTest, TextBodyIsConvertedToUtf8WithLfLineEnds) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: text/plain; charset=iso-8859-1\n\ncaf\xE9\nna\xEFve\n"));
  EXPECT_THAT(parsed.text_body,
              Optional(std::string("caf\xC3\xA9\nna\xC3\xAFve\n")));
}

TEST(MimeTest, DecodesQuotedPrintableBodies) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) + "Content-Type: text/plain; charset=utf-8\n"
                               "Content-Transfer-Encoding: Quoted-Printable\n\n"
                               "caf=C3=A9 soft=\nbreak\nnext=20\n"));
  EXPECT_THAT(parsed.text_body,
              Optional(std::string("caf\xC3\xA9 softbreak\nnext \n")));
  EXPECT_THAT(parsed.violations, IsEmpty());
}

TEST(MimeTest, DecodesBase64TextBodies) {
  // "caf\xC3\xA9\r\nline 2\r\n" in base64, over two lines.
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: text/plain; charset=\"UTF-8\"\n"
           "Content-Transfer-Encoding: base64\n\nY2Fmw6kNCmxp\nbmUgMg0K\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("caf\xC3\xA9\nline 2\n")));
  EXPECT_THAT(parsed.violations, IsEmpty());
}

TEST(MimeTest, CharsetsOfTextBodies) {
  const auto body = [](const std::string& charset, const std::string& bytes) {
    return ParseMessage(Crlf(std::string(kTop) +
                             "Content-Type: text/plain; charset=" + charset +
                             "\n\n" + bytes))
        .text_body.value_or("<none>");
  };
  EXPECT_EQ(body("windows-1252", "\x93hi\x94"), "\xE2\x80\x9Chi\xE2\x80\x9D");
  EXPECT_EQ(body("CP1252", "\x80"), "\xE2\x82\xAC");
  EXPECT_EQ(body("latin1", "\xE9"), "\xC3\xA9");
  EXPECT_EQ(body("us-ascii", "\xC3\xA9"), "\xC3\xA9");
  EXPECT_EQ(body("utf-8", "bad \xFF"), "bad \xEF\xBF\xBD");
  EXPECT_EQ(body("koi8-r", "\xD0\xD2\xC9"), "\xD0\xD2\xC9");
}

TEST(MimeTest, HtmlOnlyMessage) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: text/html; charset=utf-8\n\n<p>Hi</p>\n"));
  EXPECT_EQ(parsed.text_body, std::nullopt);
  EXPECT_THAT(parsed.html_body, Optional(std::string("<p>Hi</p>\n")));
  EXPECT_THAT(parsed.attachments, IsEmpty());
}

constexpr char kAlternative[] =
    "Content-Type: multipart/alternative; boundary=\"alt\"\n"
    "\n"
    "This is the preamble.\n"
    "--alt\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "plain one\n"
    "--alt  \n"
    "Content-Type: text/html; charset=utf-8\n"
    "\n"
    "<b>html one</b>\n"
    "--alt\n"
    "Content-Type: text/plain\n"
    "\n"
    "plain two\n"
    "--alt--\n"
    "This is the epilogue.\n";

TEST(MimeTest, AlternativePicksTheFirstOfEach) {
  ParsedMessage parsed = ParseMessage(Crlf(std::string(kTop) + kAlternative));
  EXPECT_THAT(parsed.text_body, Optional(std::string("plain one")));
  EXPECT_THAT(parsed.html_body, Optional(std::string("<b>html one</b>")));
  EXPECT_THAT(parsed.attachments, IsEmpty());
  EXPECT_THAT(parsed.violations, IsEmpty());
}

TEST(MimeTest, AlternativeWithLfLineEnds) {
  ParsedMessage parsed = ParseMessage(std::string(kTop) + kAlternative);
  EXPECT_THAT(parsed.text_body, Optional(std::string("plain one")));
  EXPECT_THAT(parsed.html_body, Optional(std::string("<b>html one</b>")));
}

TEST(MimeTest, BoundaryMustMatchTheWholeLine) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) + "Content-Type: multipart/mixed; boundary=b\n\n"
                               "--b\n\nfirst\n--bb\nnot a delimiter\n-- b\n "
                               "--b\n--b x\n--b\n\nsecond\n--b--\n"));
  EXPECT_THAT(
      parsed.text_body,
      Optional(std::string("first\n--bb\nnot a delimiter\n-- b\n --b\n--b x")));
}

TEST(MimeTest, MixedWithAttachments) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: multipart/mixed; boundary=\"==mix==\"\n\n"
           "--==mix==\n"
           "Content-Type: text/plain\n\nSee attached.\n"
           "--==mix==\n"
           "Content-Type: application/pdf; name=\"ignored.pdf\"\n"
           "Content-Disposition: attachment; filename=\"report.pdf\"\n"
           "Content-Transfer-Encoding: base64\n\n"
           "JVBERi0xLjQNCgD/\n"
           "--==mix==\n"
           "Content-Type: text/csv; name=data.csv\n\na,b\n1,2\n"
           "--==mix==--\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("See attached.")));
  ASSERT_THAT(parsed.attachments, SizeIs(2));
  const Attachment& pdf = parsed.attachments[0];
  EXPECT_EQ(pdf.filename, "report.pdf");
  EXPECT_EQ(pdf.content_type, "application/pdf");
  EXPECT_EQ(pdf.content, std::string("%PDF-1.4\r\n\0\xFF", 12));
  EXPECT_EQ(pdf.content_id, "");
  EXPECT_FALSE(pdf.is_inline);
  const Attachment& csv = parsed.attachments[1];
  EXPECT_EQ(csv.filename, "data.csv");
  EXPECT_EQ(csv.content_type, "text/csv");
  // Attachments keep their bytes: no CRLF normalisation.
  EXPECT_EQ(csv.content, "a,b\r\n1,2");
  EXPECT_THAT(parsed.violations, IsEmpty());
}

TEST(MimeTest, ATextPartWithAFilenameIsAnAttachmentNotTheBody) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: text/plain; name=notes.txt\n\nnotes\n"
      "--b\nContent-Type: text/plain\nContent-Disposition: "
      "attachment\n\nattached\n"
      "--b\nContent-Type: text/plain\nContent-Disposition: inline\n\nthe body\n"
      "--b\nContent-Type: text/plain\n\nsecond inline text\n"
      "--b--\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("the body")));
  ASSERT_THAT(parsed.attachments, SizeIs(2));
  EXPECT_EQ(parsed.attachments[0].filename, "notes.txt");
  EXPECT_EQ(parsed.attachments[0].content, "notes");
  EXPECT_EQ(parsed.attachments[1].filename, "");
  EXPECT_EQ(parsed.attachments[1].content_type, "text/plain");
  EXPECT_EQ(parsed.attachments[1].content, "attached");
}

TEST(MimeTest, RelatedWithInlineImages) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: multipart/related; boundary=rel; type=\"text/html\"\n\n"
      "--rel\nContent-Type: text/html\n\n<img src=\"cid:logo@x\">\n"
      "--rel\nContent-Type: image/png\nContent-ID: <logo@x>\n"
      "Content-Disposition: inline\nContent-Transfer-Encoding: "
      "base64\n\niVBORw==\n"
      "--rel\nContent-Type: text/html\n\n<p>not the body</p>\n"
      "--rel--\n"));
  EXPECT_THAT(parsed.html_body,
              Optional(std::string("<img src=\"cid:logo@x\">")));
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content_type, "image/png");
  EXPECT_EQ(parsed.attachments[0].content_id, "logo@x");
  EXPECT_TRUE(parsed.attachments[0].is_inline);
  EXPECT_EQ(parsed.attachments[0].content, "\x89PNG");
}

TEST(MimeTest, RelatedRootNamedByStart) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: multipart/related; boundary=rel; start=\"<root@x>\"\n\n"
      "--rel\nContent-Type: text/html\nContent-ID: <other@x>\n\n<p>other</p>\n"
      "--rel\nContent-Type: text/html\nContent-ID: <root@x>\n\n<p>root</p>\n"
      "--rel--\n"));
  EXPECT_THAT(parsed.html_body, Optional(std::string("<p>root</p>")));
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content_id, "other@x");
}

TEST(MimeTest, NestedMultiparts) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: multipart/mixed; boundary=outer\n\n"
           "--outer\n"
           "Content-Type: multipart/alternative; boundary=inner\n\n"
           "--inner\nContent-Type: text/plain\n\nplain\n"
           "--inner\nContent-Type: multipart/related; boundary=deepest\n\n"
           "--deepest\nContent-Type: text/html\n\n<p>html</p>\n"
           "--deepest\nContent-Type: image/gif\nContent-ID: <g>\n\nGIF89a\n"
           "--deepest--\n"
           "--inner--\n"
           "--outer\nContent-Type: application/zip\n"
           "Content-Disposition: attachment; filename=a.zip\n\nPK\n"
           "--outer--\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("plain")));
  EXPECT_THAT(parsed.html_body, Optional(std::string("<p>html</p>")));
  ASSERT_THAT(parsed.attachments, SizeIs(2));
  EXPECT_EQ(parsed.attachments[0].content_id, "g");
  EXPECT_EQ(parsed.attachments[1].filename, "a.zip");
  EXPECT_THAT(parsed.violations, IsEmpty());
}

TEST(MimeTest, UnknownMultipartSubtypesReadAsMixed) {
  for (const char* subtype : {"signed", "report", "x-whatever", "parallel"}) {
    ParsedMessage parsed = ParseMessage(
        Crlf(std::string(kTop) + "Content-Type: multipart/" + subtype +
             "; boundary=s\n\n--s\n\nbody\n--s\n"
             "Content-Type: application/pgp-signature\n\nsig\n--s--\n"));
    EXPECT_THAT(parsed.text_body, Optional(std::string("body"))) << subtype;
    ASSERT_THAT(parsed.attachments, SizeIs(1)) << subtype;
    EXPECT_EQ(parsed.attachments[0].content_type, "application/pgp-signature");
  }
}

TEST(MimeTest, EmbeddedMessageIsAnAttachmentAndNotSearched) {
  const std::string inner =
      "From: c@example.com\r\nSubject: inner\r\n\r\ninner body\r\n";
  ParsedMessage parsed =
      ParseMessage(Crlf(std::string(kTop) +
                        "Content-Type: multipart/mixed; boundary=fwd\n\n"
                        "--fwd\nContent-Type: message/rfc822\n"
                        "Content-Disposition: inline; filename=fw.eml\n\n") +
                   inner + "\r\n--fwd--\r\n");
  EXPECT_EQ(parsed.text_body, std::nullopt);
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content_type, "message/rfc822");
  EXPECT_EQ(parsed.attachments[0].filename, "fw.eml");
  EXPECT_EQ(parsed.attachments[0].content, inner);
  EXPECT_TRUE(parsed.attachments[0].is_inline);
}

TEST(MimeTest, DigestPartsDefaultToMessageRfc822) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: multipart/digest; boundary=d\n\n"
      "--d\n\nSubject: one\n\nfirst\n--d\n\nSubject: two\n\nsecond\n--d--\n"));
  EXPECT_EQ(parsed.text_body, std::nullopt);
  ASSERT_THAT(parsed.attachments, SizeIs(2));
  EXPECT_EQ(parsed.attachments[0].content_type, "message/rfc822");
  EXPECT_EQ(parsed.attachments[0].content, "Subject: one\r\n\r\nfirst");
}

TEST(MimeTest, FilenamesFromRfc2231Rfc2047AndName) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: multipart/mixed; boundary=b\n\n"
           "--b\nContent-Type: application/octet-stream\n"
           "Content-Disposition: attachment;\n "
           "filename*0*=utf-8''r%C3%A9sum%C3%A9;\n"
           " filename*1=\".pdf\"\n\n1\n"
           "--b\nContent-Type: application/octet-stream\n"
           "Content-Disposition: attachment; "
           "filename=\"=?utf-8?q?caf=C3=A9?=.txt\"\n\n2\n"
           "--b\nContent-Type: application/octet-stream; "
           "name*=iso-8859-1''%E9t%E9.bin\n"
           "Content-Disposition: attachment\n\n3\n"
           "--b\nContent-Type: image/png; name=\"  spaced.png  \"\n\n4\n"
           "--b--\n"));
  ASSERT_THAT(parsed.attachments, SizeIs(4));
  EXPECT_EQ(parsed.attachments[0].filename, "r\xC3\xA9sum\xC3\xA9.pdf");
  EXPECT_EQ(parsed.attachments[1].filename, "caf\xC3\xA9.txt");
  EXPECT_EQ(parsed.attachments[2].filename, "\xC3\xA9t\xC3\xA9.bin");
  EXPECT_EQ(parsed.attachments[3].filename, "spaced.png");
  EXPECT_FALSE(parsed.attachments[3].is_inline);
}

TEST(MimeTest, ContentTypeIsLowerCasedWithoutParameters) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: Application/PDF; NAME=\"a.pdf\" (comment)\n\n%PDF\n"));
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content_type, "application/pdf");
  EXPECT_EQ(parsed.attachments[0].filename, "a.pdf");
  EXPECT_EQ(parsed.attachments[0].content, "%PDF\r\n");
}

TEST(MimeTest, InvalidContentTypeMeansTextPlain) {
  ParsedMessage parsed =
      ParseMessage(Crlf(std::string(kTop) + "Content-Type: garbage\n\ntext\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("text\n")));
}

TEST(MimeTest, MultipartWithoutBoundaryReadsAsText) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) + "Content-Type: multipart/mixed\n\n--x\n\nhi\n"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("--x\n\nhi\n")));
}

TEST(MimeTest, AMessageThatIsOneAttachment) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) + "Content-Type: image/jpeg\n"
                               "Content-Transfer-Encoding: base64\n\n/9j/\n"));
  EXPECT_EQ(parsed.text_body, std::nullopt);
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content, "\xFF\xD8\xFF");
}

// Violations.

TEST(MimeViolationTest, NoFromNoDate) {
  EXPECT_THAT(Codes(ParseMessage("Subject: x\r\n\r\nbody\r\n")),
              ElementsAre("no-from", "no-date", "no-message-id"));
  EXPECT_THAT(Codes(ParseMessage("from: a@b\r\nDATE: 1 Jan 2024 00:00 GMT\r\n"
                                 "message-id: <1@b>\r\n\r\n")),
              IsEmpty());
}

TEST(MimeViolationTest, MissingFinalBoundary) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: multipart/mixed; boundary=b\n\n"
           "--b\n\nfirst\n--b\nContent-Type: text/html\n\n<p>cut"));
  EXPECT_THAT(Codes(parsed), ElementsAre("missing-final-boundary"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("first")));
  EXPECT_THAT(parsed.html_body, Optional(std::string("<p>cut")));
}

TEST(MimeViolationTest, BoundaryNeverSeen) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: multipart/mixed; boundary=b\n\njust text\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("missing-final-boundary"));
  EXPECT_EQ(parsed.text_body, std::nullopt);
}

TEST(MimeViolationTest, InnerMultipartClosedByTheOuterBoundary) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Type: multipart/mixed; boundary=outer\n\n"
           "--outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
           "--inner\n\nplain\n"
           "--outer\nContent-Type: image/png\n\nPNG\n--outer--\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("missing-final-boundary"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("plain")));
  ASSERT_THAT(parsed.attachments, SizeIs(1));
  EXPECT_EQ(parsed.attachments[0].content, "PNG");
}

TEST(MimeViolationTest, BadBase64IsReportedOnceAndDecodedAnyway) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) +
      "Content-Type: multipart/mixed; boundary=b\n\n"
      "--b\nContent-Type: application/x\nContent-Transfer-Encoding: base64\n\n"
      "Zm9v!YmFy\n"
      "--b\nContent-Type: application/y\nContent-Transfer-Encoding: base64\n\n"
      "Zm9v*\n"
      "--b\nContent-Type: application/z\nContent-Transfer-Encoding: base64\n\n"
      "Zm9vYg\n"
      "--b--\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("bad-base64"));
  ASSERT_THAT(parsed.attachments, SizeIs(3));
  EXPECT_EQ(parsed.attachments[0].content, "foobar");
  EXPECT_EQ(parsed.attachments[2].content, "foob");
}

TEST(MimeViolationTest, MissingBase64PaddingIsNotAViolation) {
  ParsedMessage parsed = ParseMessage(Crlf(
      std::string(kTop) + "Content-Transfer-Encoding: base64\n\nZm9vYg\n"));
  EXPECT_THAT(parsed.violations, IsEmpty());
  EXPECT_THAT(parsed.text_body, Optional(std::string("foob")));
}

TEST(MimeViolationTest, BadQuotedPrintable) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Transfer-Encoding: quoted-printable\n\n100% =ZZ sure=\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("bad-quoted-printable"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("100% =ZZ sure")));
}

TEST(MimeViolationTest, UnknownTransferEncodingReadsAs8bit) {
  ParsedMessage parsed = ParseMessage(
      Crlf(std::string(kTop) +
           "Content-Transfer-Encoding: x-uuencode\n\nbegin 644\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("unknown-transfer-encoding"));
  EXPECT_THAT(parsed.violations[0].detail, ::testing::HasSubstr("x-uuencode"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("begin 644\n")));
  for (const char* known : {"7bit", "8BIT", "Binary", " base64 ", "7bit (c)"}) {
    EXPECT_THAT(
        Codes(ParseMessage(std::string(kTop) +
                           "Content-Transfer-Encoding: " + known + "\n\n")),
        IsEmpty())
        << known;
  }
}

TEST(MimeViolationTest, NoHeaderSeparator) {
  ParsedMessage parsed = ParseMessage(Crlf(std::string(kTop) + "The body.\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("no-header-separator"));
  EXPECT_THAT(parsed.text_body, Optional(std::string("The body.\n")));
  // Only headers, no body at all: legal.
  EXPECT_THAT(Codes(ParseMessage(Crlf(kTop))), IsEmpty());
}

TEST(MimeViolationTest, EightBitHeader) {
  ParsedMessage parsed =
      ParseMessage(Crlf(std::string(kTop) + "Subject: caf\xC3\xA9\n\n"));
  EXPECT_THAT(Codes(parsed), ElementsAre("8bit-header"));
  ASSERT_THAT(parsed.headers, SizeIs(5));
  EXPECT_EQ(parsed.headers[4].value, "caf\xC3\xA9");
}

TEST(MimeViolationTest, NestingTooDeep) {
  std::string message = std::string(kTop);
  for (int i = 0; i < 40; ++i) {
    message += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
               "\n\n--b" + std::to_string(i) + "\n";
  }
  message += "Content-Type: text/plain\n\ndeep\n";
  ParsedMessage parsed = ParseMessage(Crlf(message));
  EXPECT_THAT(Codes(parsed),
              ElementsAre("missing-final-boundary", "nesting-too-deep"));
  EXPECT_EQ(parsed.text_body, std::nullopt);

  std::string shallow = std::string(kTop);
  for (int i = 0; i < 31; ++i) {
    shallow += "Content-Type: multipart/mixed; boundary=b" + std::to_string(i) +
               "\n\n--b" + std::to_string(i) + "\n";
  }
  shallow += "Content-Type: text/plain\n\nreached\n";
  ParsedMessage ok = ParseMessage(Crlf(shallow));
  EXPECT_THAT(ok.text_body, Optional(std::string("reached\n")));
  EXPECT_THAT(Codes(ok), ElementsAre("missing-final-boundary"));
}

// Through the public type: what users see.
TEST(ReceivedMessageTest, ReadsThroughTheRecord) {
  auto record = std::make_shared<MessageRecord>();
  record->data = Crlf(
      "From: =?utf-8?q?Ren=C3=A9?= <rene@example.com>\n"
      "To: Team: a@example.com, \"B, B\" <b@example.com>;\n"
      "Subject: =?utf-8?b?Y2Fmw6k=?=\n =?iso-8859-1?q?_na=EFve?=\n"
      "Date: Mon, 1 Jan 2024 00:00:00 +0000\n"
      "Message-ID: <1@example.com>\n"
      "\nHello\n");
  ReceivedMessage message(record);
  EXPECT_EQ(message.Subject(), "caf\xC3\xA9 na\xC3\xAFve");
  EXPECT_THAT(
      message.Header("subject"),
      Optional(std::string("=?utf-8?b?Y2Fmw6k=?= =?iso-8859-1?q?_na=EFve?=")));
  ASSERT_THAT(message.Addresses("From"), SizeIs(1));
  EXPECT_EQ(message.Addresses("From")[0].display_name, "Ren\xC3\xA9");
  ASSERT_THAT(message.Addresses("to"), SizeIs(2));
  EXPECT_EQ(message.Addresses("to")[1].display_name, "B, B");
  EXPECT_THAT(message.TextBody(), Optional(std::string("Hello\n")));
  EXPECT_THAT(message.MimeViolations(), IsEmpty());
}

}  // namespace
}  // namespace smtpfixture::detail
