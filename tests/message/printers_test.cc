// The printers: one compact line per value, never a body or a secret.
#include "smtpfixture/printers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/sample_records.h"

namespace smtpfixture {
namespace {

using samples::FailedHandshakeSession;
using samples::Multipart;
using samples::TlsSession;
using samples::Typical;
using samples::TypicalRecord;
using samples::WithData;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::PrintToString;

TEST(PrintToTest, SummarisesAMessageOnOneLine) {
  EXPECT_EQ(PrintToString(Typical()),
            "message #1 (session 7) from <ann@example.com> to "
            "<bob@example.com>, <carol@example.com>; subject \"Hi\"; TLS "
            "STARTTLS TLSv1.3; auth PLAIN \"ann\"; " +
                std::to_string(std::strlen(samples::kSimpleData)) +
                " octets; parts: text");
  EXPECT_EQ(PrintToString(Multipart()),
            "message #2 (session 8) from <ann@example.com> to "
            "<bob@example.com>; subject \"Grüße\"; no TLS; " +
                std::to_string(std::strlen(samples::kMultipartData)) +
                " octets; parts: text, html, 2 attachments (\"report.pdf\", "
                "\"notes.txt\")");
}

TEST(PrintToTest, SummarisesManyRecipientsAndViolations) {
  auto record = TypicalRecord();
  record->envelope.mail_from = "";
  record->envelope.rcpt_to.clear();
  for (int i = 0; i < 1000; ++i) {
    record->envelope.rcpt_to.push_back("r" + std::to_string(i) + "@x");
  }
  record->violations = {{"bare-lf", "line 1"}, {"bare-cr", "line 2"}};
  const std::string printed = PrintToString(ReceivedMessage(record));
  EXPECT_THAT(printed,
              HasSubstr("from <> to <r0@x>, <r1@x>, <r2@x>, <r3@x>, <r4@x>, "
                        "and 995 more;"));
  EXPECT_THAT(printed, EndsWith("; violations: bare-lf, bare-cr"));
  EXPECT_LT(printed.size(), 400u);
}

TEST(PrintToTest, NeverPrintsAHugeBody) {
  const std::string huge(5 * 1024 * 1024, 'x');
  const ReceivedMessage message =
      WithData("Subject: big\r\n\r\n" + huge + "\r\n");
  const std::string printed = PrintToString(message);
  EXPECT_THAT(printed, HasSubstr("; " + std::to_string(message.data().size()) +
                                 " octets; parts: text"));
  EXPECT_THAT(printed, Not(HasSubstr("xxxx")));
  EXPECT_LT(printed.size(), 400u);
  // Inside a container, too.
  EXPECT_LT(
      PrintToString(std::vector<ReceivedMessage>{message, message}).size(),
      1000u);
}

TEST(PrintToTest, SummarisesASession) {
  EXPECT_EQ(PrintToString(TlsSession()),
            "session #3 from 127.0.0.1:54321; TLS implicit TLSv1.2 "
            "ECDHE-ECDSA-AES128-GCM-SHA256 SNI \"mail.example\"; auth LOGIN "
            "\"bob\"; 1 message; 9 transcript lines; closed");
  EXPECT_EQ(PrintToString(FailedHandshakeSession()),
            "session #4 from [::1]:40000; no TLS; TLS error \"tlsv1 alert "
            "unknown ca\"; 0 messages; 5 transcript lines; violations: "
            "bare-lf; closed");
  EXPECT_EQ(PrintToString(Session{}),
            "session #0 from unknown peer; no TLS; 0 messages; 0 transcript "
            "lines; open");
}

TEST(PrintToTest, PrintsTheSmallTypes) {
  EXPECT_EQ(PrintToString(TlsMode::kStartTls), "STARTTLS");
  EXPECT_EQ(PrintToString(TlsMode::kNone), "none");
  EXPECT_EQ(PrintToString(TlsPolicy::kImplicit), "implicit");
  EXPECT_EQ(PrintToString(CertificateProblem::kExpired), "expired");
  EXPECT_EQ(PrintToString(Stage::kRcptTo), "RCPT TO");
  EXPECT_EQ(PrintToString(Direction::kClient), "C");
  EXPECT_EQ(PrintToString(TlsInfo{}), "none");
  EXPECT_EQ(PrintToString(Typical().tls()),
            "STARTTLS TLSv1.3 TLS_AES_256_GCM_SHA384 SNI \"localhost\"");
  TlsInfo with_client_certificate = Typical().tls();
  with_client_certificate.client_certificate_subject = "CN=client";
  EXPECT_THAT(PrintToString(with_client_certificate),
              EndsWith(" client certificate \"CN=client\" (not verified)"));
  with_client_certificate.client_certificate_verified = true;
  EXPECT_THAT(PrintToString(with_client_certificate),
              EndsWith(" client certificate \"CN=client\" (verified)"));
  EXPECT_EQ(PrintToString(Parameter{"SIZE", "1234"}), "SIZE=1234");
  EXPECT_EQ(PrintToString(Parameter{"SMTPUTF8", ""}), "SMTPUTF8");
  EXPECT_EQ(PrintToString(AuthInfo{"PLAIN", "ann"}), "PLAIN \"ann\"");
  EXPECT_EQ(PrintToString(AuthAttempt{"LOGIN", "bob", false, 535}),
            "LOGIN \"bob\" failed (535)");
  EXPECT_EQ(PrintToString(Violation{"bare-lf", "line 3"}), "bare-lf: line 3");
  EXPECT_EQ(PrintToString(Violation{"no-from", ""}), "no-from");
  EXPECT_EQ(PrintToString(Address{"Ann", "ann@example.com"}),
            "\"Ann\" <ann@example.com>");
  EXPECT_EQ(PrintToString(Address{"", "ann@example.com"}), "<ann@example.com>");
  EXPECT_EQ(PrintToString(HeaderField{"Subject", "Hi"}), "Subject: \"Hi\"");
  EXPECT_EQ(PrintToString(TranscriptLine{Direction::kServer, "250 OK"}),
            "S: 250 OK");
}

TEST(PrintToTest, PrintsAnAttachmentWithoutItsContent) {
  Attachment attachment;
  attachment.filename = "logo.png";
  attachment.content_type = "image/png";
  attachment.content = std::string(300000, '\x89');
  attachment.content_id = "logo@x";
  attachment.is_inline = true;
  EXPECT_EQ(PrintToString(attachment),
            "\"logo.png\" (image/png, 300000 bytes, inline, Content-ID "
            "\"logo@x\")");
  EXPECT_EQ(PrintToString(Attachment{}), "\"\" (no type, 0 bytes)");
}

TEST(PrintToTest, PrintsAnEnvelope) {
  Envelope envelope = Typical().envelope();
  envelope.mail_parameters = {{"SIZE", "12"}, {"BODY", "8BITMIME"}};
  envelope.rcpt_parameters = {{{"NOTIFY", "NEVER"}}, {}};
  EXPECT_EQ(PrintToString(envelope),
            "HELO \"client.example\", MAIL FROM:<ann@example.com> SIZE=12 "
            "BODY=8BITMIME, RCPT TO:<bob@example.com> NOTIFY=NEVER, "
            "<carol@example.com>");
  EXPECT_EQ(PrintToString(Envelope{}),
            "HELO \"\", MAIL FROM:<>, RCPT TO: (none)");
}

TEST(PrintTranscriptTest, PrintsTheEndOfTheDialogueAndTheViolations) {
  std::ostringstream os;
  detail::PrintTranscript(FailedHandshakeSession(), 3, &os);
  EXPECT_EQ(os.str(),
            "session #4 from [::1]:40000; no TLS; TLS error \"tlsv1 alert "
            "unknown ca\"; 0 messages; 5 transcript lines; violations: "
            "bare-lf; closed\n"
            "  ... (2 earlier lines not shown)\n"
            "  S: 250 STARTTLS\n"
            "  C: STARTTLS\n"
            "  S: 220 2.0.0 Ready to start TLS\n"
            "  violation: bare-lf: a line ended in LF alone\n");

  std::ostringstream masked;
  detail::PrintTranscript(TlsSession(), 100, &masked);
  EXPECT_THAT(masked.str(), HasSubstr("\n  C: AUTH LOGIN\n"
                                      "  S: 334 VXNlcm5hbWU6\n"
                                      "  C: ***\n"));

  Session capped = FailedHandshakeSession();
  capped.violations_dropped = 7;
  std::ostringstream dropped;
  detail::PrintTranscript(capped, 0, &dropped);
  EXPECT_THAT(dropped.str(),
              EndsWith("  violation: bare-lf: a line ended in LF alone\n"
                       "  ... (7 more violations not recorded)\n"));
}

// ---------------------------------------------------------------------------
// Quoting.

TEST(QuoteTest, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(detail::Quote("a\"b\\c\r\n\t\x01\x7f"),
            "\"a\\\"b\\\\c\\r\\n\\t\\x01\\x7F\"");
  EXPECT_EQ(detail::Escape("a\"b\r\n"), "a\"b\\r\\n");
}

TEST(QuoteTest, KeepsValidUtf8AndEscapesTheRest) {
  EXPECT_EQ(detail::Quote("Grüße 😀"), "\"Grüße 😀\"");
  // A lone continuation byte, a truncated sequence, an overlong form and a
  // surrogate are not UTF-8.
  EXPECT_EQ(detail::Quote("\x80"), "\"\\x80\"");
  EXPECT_EQ(detail::Quote("\xC3"), "\"\\xC3\"");
  EXPECT_EQ(detail::Quote("\xC0\xAF"), "\"\\xC0\\xAF\"");
  EXPECT_EQ(detail::Quote("\xED\xA0\x80"), "\"\\xED\\xA0\\x80\"");
}

TEST(QuoteTest, CutsLongTextOnACharacterBoundary) {
  EXPECT_EQ(detail::Quote("abcdef", 4), "\"abcd\"... (6 bytes)");
  EXPECT_EQ(detail::Quote("abcd", 4), "\"abcd\"");
  // "ü" is two bytes: it is kept whole or not at all.
  EXPECT_EQ(detail::Quote("abcüd", 4), "\"abc\"... (6 bytes)");
  EXPECT_EQ(detail::Escape("abcdef", 2), "ab... (6 bytes)");
}

}  // namespace
}  // namespace smtpfixture
