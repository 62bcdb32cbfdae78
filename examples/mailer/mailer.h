// A small mail-sending library on libcurl: the kind of code smtpfixture is
// made to test. It builds a MIME message (text, optional HTML alternative,
// attachments) and sends it over SMTP with STARTTLS or implicit TLS,
// verifying the server's certificate, optionally with AUTH.
//
// Nothing here knows about smtpfixture; mailer_test.cc points it at the
// fixture's server exactly as production code would be pointed at a relay.
#ifndef SMTPFIXTURE_EXAMPLES_MAILER_MAILER_H_
#define SMTPFIXTURE_EXAMPLES_MAILER_MAILER_H_

#include <string>
#include <vector>

namespace example {

struct MailerConfig {
  // "smtp://host:587" (STARTTLS) or "smtps://host:465" (implicit TLS).
  std::string url;
  // PEM file of the certificate authorities to trust; empty: the system's.
  std::string ca_file;
  // Credentials for AUTH; empty username: no AUTH.
  std::string username, password;
  // Restricts the SASL mechanism, as libcurl spells it: "AUTH=PLAIN".
  std::string login_options;
  // OAuth 2.0 access token, for AUTH XOAUTH2 / OAUTHBEARER (with username).
  std::string oauth_bearer;
  // For smtp:// URLs: refuse to send unless STARTTLS succeeds. When false,
  // STARTTLS is still used whenever the server offers it.
  bool require_tls = true;
  // The whole transfer: connect, TLS, dialogue and upload.
  long timeout_ms = 30000;
};

struct MailAttachment {
  std::string filename;
  std::string content_type;  // "application/pdf"
  std::string bytes;         // any bytes; sent base64-encoded
};

struct Mail {
  std::string from;              // "alice@example.com"
  std::vector<std::string> to;   // shown in the To: header
  std::vector<std::string> cc;   // shown in the Cc: header
  std::vector<std::string> bcc;  // envelope only: never in a header
  std::string subject;           // UTF-8
  std::string text;              // UTF-8 plain text; "\n" line ends are fine
  std::string html;              // optional HTML alternative
  std::vector<MailAttachment> attachments;
};

struct SendResult {
  bool ok = false;
  // The last reply code the server sent (250, 451, 535, 550, ...); 0 if it
  // never replied. After a transport error it is the last code seen before.
  long smtp_code = 0;
  std::string error;  // empty when ok
};

// A password-reset mail to `to` with `reset_url` in a text part and as the
// button of an HTML part: what a sign-in service sends, and what its test
// follows with HasLink.
Mail PasswordResetMail(const std::string& from, const std::string& to,
                       const std::string& reset_url);

class Mailer {
 public:
  explicit Mailer(MailerConfig config);

  // Sends one message on a new connection. Thread-safe: a Mailer holds only
  // its configuration.
  SendResult Send(const Mail& mail) const;

 private:
  MailerConfig config_;
};

// Sends `mail`, trying again (up to `attempts` times in all) while the server
// answers with a transient 4xx reply. Permanent (5xx) and transport failures
// are returned at once. Production code would wait between attempts; this
// example does not, so that its tests stay fast.
SendResult SendWithRetry(const Mailer& mailer, const Mail& mail, int attempts);

}  // namespace example

#endif  // SMTPFIXTURE_EXAMPLES_MAILER_MAILER_H_
