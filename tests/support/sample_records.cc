#include "tests/support/sample_records.h"

#include <memory>
#include <string>
#include <utility>

namespace smtpfixture::samples {

extern const char kSimpleData[];
const char kSimpleData[] =
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    "From: Ann <ann@example.com>\r\n"
    "To: Bob <bob@example.com>, carol@example.com\r\n"
    "Subject: Hi\r\n"
    "X-Tag: one\r\n"
    "X-Tag: two\r\n"
    "Message-ID: <1@example.com>\r\n"
    "\r\n"
    "Body\r\n";

// A text part, an HTML part and two attachments ("%PDF-" in base64, and a
// plain "note").
extern const char kMultipartData[];
const char kMultipartData[] =
    "Date: Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    "From: ann@example.com\r\n"
    "To: bob@example.com\r\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
    "Message-ID: <2@example.com>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
    "\r\n"
    "--outer\r\n"
    "Content-Type: multipart/alternative; boundary=\"inner\"\r\n"
    "\r\n"
    "--inner\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Plain text\r\n"
    "--inner\r\n"
    "Content-Type: text/html; charset=utf-8\r\n"
    "\r\n"
    "<p>HTML</p>\r\n"
    "--inner--\r\n"
    "--outer\r\n"
    "Content-Type: application/pdf\r\n"
    "Content-Disposition: attachment; filename=\"report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0=\r\n"
    "--outer\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Disposition: attachment; filename=\"notes.txt\"\r\n"
    "\r\n"
    "note\r\n"
    "--outer--\r\n";

// A message as a STARTTLS, PLAIN-authenticated client sends it.
std::shared_ptr<detail::MessageRecord> TypicalRecord() {
  auto record = std::make_shared<detail::MessageRecord>();
  record->id = 1;
  record->session_id = 7;
  record->envelope.helo = "client.example";
  record->envelope.mail_from = "ann@example.com";
  record->envelope.rcpt_to = {"bob@example.com", "carol@example.com"};
  record->tls.mode = TlsMode::kStartTls;
  record->tls.version = "TLSv1.3";
  record->tls.cipher = "TLS_AES_256_GCM_SHA384";
  record->tls.sni = "localhost";
  record->auth = AuthInfo{"PLAIN", "ann"};
  record->data = kSimpleData;
  return record;
}

ReceivedMessage Typical() { return ReceivedMessage(TypicalRecord()); }

// Plaintext, unauthenticated, multipart.
ReceivedMessage Multipart() {
  auto record = std::make_shared<detail::MessageRecord>();
  record->id = 2;
  record->session_id = 8;
  record->envelope.helo = "mua.example";
  record->envelope.mail_from = "ann@example.com";
  record->envelope.rcpt_to = {"bob@example.com"};
  record->data = kMultipartData;
  return ReceivedMessage(record);
}

ReceivedMessage WithData(std::string data) {
  auto record = TypicalRecord();
  record->data = std::move(data);
  return ReceivedMessage(record);
}

Session TlsSession() {
  Session session;
  session.id = 3;
  session.peer = "127.0.0.1:54321";
  session.tls.mode = TlsMode::kImplicit;
  session.tls.version = "TLSv1.2";
  session.tls.cipher = "ECDHE-ECDSA-AES128-GCM-SHA256";
  session.tls.sni = "mail.example";
  session.auth = AuthInfo{"LOGIN", "bob"};
  session.transcript = {
      {Direction::kServer, "220 localhost ESMTP smtpfixture"},
      {Direction::kClient, "EHLO client.example"},
      {Direction::kServer, "250 localhost"},
      {Direction::kClient, "AUTH LOGIN"},
      {Direction::kServer, "334 VXNlcm5hbWU6"},
      {Direction::kClient, "***"},
      {Direction::kServer, "235 2.7.0 Authentication successful"},
      {Direction::kClient, "QUIT"},
      {Direction::kServer, "221 2.0.0 Bye"},
  };
  session.messages = 1;
  session.closed = true;
  return session;
}

Session FailedHandshakeSession() {
  Session session;
  session.id = 4;
  session.peer = "[::1]:40000";
  session.tls_error = "tlsv1 alert unknown ca";
  session.transcript = {
      {Direction::kServer, "220 localhost ESMTP smtpfixture"},
      {Direction::kClient, "EHLO client.example"},
      {Direction::kServer, "250 STARTTLS"},
      {Direction::kClient, "STARTTLS"},
      {Direction::kServer, "220 2.0.0 Ready to start TLS"},
  };
  session.violations = {{"bare-lf", "a line ended in LF alone"}};
  session.closed = true;
  return session;
}

}  // namespace smtpfixture::samples
