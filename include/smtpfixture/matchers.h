// GoogleMock matchers on what the server received.
//
//   EXPECT_THAT(server().Messages(),
//               ElementsAre(AllOf(EnvelopeFrom("a@example.com"),
//                                 TlsModeIs(TlsMode::kStartTls),
//                                 HasSubject(HasSubstr("Hi")))));
//   EXPECT_THAT(server().Sessions(),
//               Contains(HandshakeFailed(HasSubstr("unknown ca"))));
//
// Every argument named `m` is a plain value (compared with Eq) or any matcher
// of that type. Every matcher describes itself ("has subject that is equal to
// "Hi""), its negation ("doesn't have subject that is equal to "Hi"") and
// explains a result with the actual value ("whose subject is "Hello""),
// followed by the inner matcher's own explanation, if any. They compose with
// Not, AllOf, AnyOf, ElementsAre, Contains and Each. Long values are cut to
// about 200 bytes in explanations.
//
// Matchers on the message's content (headers, subject, bodies, attachments,
// MIME violations) parse the message on the calling thread, once per message.
#ifndef SMTPFIXTURE_MATCHERS_H_
#define SMTPFIXTURE_MATCHERS_H_

#include <gmock/gmock.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "smtpfixture/detail/matchers_impl.h"
#include "smtpfixture/message.h"
#include "smtpfixture/tls.h"

namespace smtpfixture {

// ---------------------------------------------------------------------------
// On ReceivedMessage.

// The MAIL FROM address, without <>; "" for the null reverse-path.
template <typename M>
auto EnvelopeFrom(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"envelope sender"},
      [](const ReceivedMessage& message) -> const std::string& {
        return message.envelope().mail_from;
      },
      m);
}

// The accepted RCPT TO addresses, in order, as a std::vector<std::string>:
// EnvelopeTo(ElementsAre("a@example.com", "b@example.com")).
template <typename M>
auto EnvelopeTo(const M& container_m) {
  return detail::MakeFieldMatcher<std::vector<std::string>>(
      {"envelope recipients", true},
      [](const ReceivedMessage& message) -> const std::vector<std::string>& {
        return message.envelope().rcpt_to;
      },
      container_m);
}

// Some accepted RCPT TO address matches.
template <typename M>
auto HasEnvelopeRecipient(const M& m) {
  return detail::MakeAnyElementMatcher(detail::RecipientList(), m);
}

// The argument of the EHLO or HELO in force.
template <typename M>
auto HeloName(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"HELO name"},
      [](const ReceivedMessage& message) -> const std::string& {
        return message.envelope().helo;
      },
      m);
}

// The message (or session) was authenticated, as a user matching `user_m`.
template <typename M>
auto AuthenticatedAs(const M& user_m) {
  return detail::MakeFieldMatcher<std::string>(
      {"authenticated user", false, "which did not authenticate"},
      [](const auto& subject) -> std::optional<std::string> {
        const std::optional<AuthInfo>& auth = detail::AuthOf(subject);
        if (!auth) return std::nullopt;
        return auth->username;
      },
      user_m);
}

// The message (or session) was authenticated with a mechanism matching `m`
// ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2").
template <typename M>
auto AuthMechanismIs(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"AUTH mechanism", false, "which did not authenticate"},
      [](const auto& subject) -> std::optional<std::string> {
        const std::optional<AuthInfo>& auth = detail::AuthOf(subject);
        if (!auth) return std::nullopt;
        return auth->mechanism;
      },
      m);
}

// Some header named `name` (case-insensitive) has a raw, unfolded value
// matching `m`.
template <typename M>
auto HasHeader(std::string name, const M& m) {
  return detail::MakeAnyElementMatcher(detail::HeaderList(std::move(name)), m);
}

// A header named `name` (case-insensitive) is present.
inline detail::HasHeaderNamedMatcher HasHeader(std::string name) {
  return detail::HasHeaderNamedMatcher(std::move(name));
}

// Some address in the headers named `header_name` (From, To, Cc, ...) has an
// address (local@domain, without the display name) matching `address_m`.
template <typename M>
auto HasAddress(std::string header_name, const M& address_m) {
  return detail::MakeAnyElementMatcher(
      detail::AddressList(std::move(header_name)), address_m);
}

// The Subject, RFC 2047 decoded ("" without a Subject header).
template <typename M>
auto HasSubject(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"subject"},
      [](const ReceivedMessage& message) { return message.Subject(); }, m);
}

// The first text/plain body, decoded to UTF-8 with LF line ends; a message
// without one does not match.
template <typename M>
auto HasTextBody(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"text body", false, "which has no text/plain body"},
      [](const ReceivedMessage& message) { return message.TextBody(); }, m);
}

// The first text/html body, as HasTextBody.
template <typename M>
auto HasHtmlBody(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"HTML body", false, "which has no text/html body"},
      [](const ReceivedMessage& message) { return message.HtmlBody(); }, m);
}

// The message as received (dot-unstuffed, CRLF line ends as sent).
template <typename M>
auto HasData(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"data"},
      [](const ReceivedMessage& message) -> const std::string& {
        return message.data();
      },
      m);
}

// Some attachment has a filename matching `filename_m`.
template <typename M>
auto HasAttachment(const M& filename_m) {
  return detail::MakeAnyElementMatcher(
      detail::AttachmentList("with ", false),
      detail::AttachmentPartsMatcher(
          ::testing::SafeMatcherCast<const std::string&>(filename_m)));
}

// Some attachment has a filename matching `filename_m` and decoded content
// matching `content_m`.
template <typename F, typename C>
auto HasAttachment(const F& filename_m, const C& content_m) {
  return detail::MakeAnyElementMatcher(
      detail::AttachmentList("with ", true),
      detail::AttachmentPartsMatcher(
          ::testing::SafeMatcherCast<const std::string&>(filename_m),
          ::testing::SafeMatcherCast<const std::string&>(content_m)));
}

// Some attachment matches a matcher of Attachment:
// HasAttachmentWhere(Field(&Attachment::content_type, "image/png")).
template <typename M>
auto HasAttachmentWhere(const M& attachment_m) {
  return detail::MakeAnyElementMatcher(detail::AttachmentList("that ", false),
                                       attachment_m);
}

// Some link of ReceivedMessage::Links() (the HTML body's hrefs, then the
// text body's URLs) matches:
// HasLink(StartsWith("https://example.com/reset?token=")).
template <typename M>
detail::HasLinkMatcher HasLink(const M& m) {
  return detail::HasLinkMatcher(
      ::testing::SafeMatcherCast<const std::string&>(m));
}

// Some DKIM-Signature verifies (ReceivedMessage::Dkim(), with the server's
// ServerOptions::dkim_keys) and signs the whole body: a kPass whose l= leaves
// octets unsigned (DkimResult::unsigned_body_bytes != 0) does not count. The
// explanation lists every result and why, with the unsigned octets.
inline detail::HasValidDkimSignatureMatcher HasValidDkimSignature() {
  return {};
}
// ... and its d= matches `domain_m`.
template <typename M>
detail::HasValidDkimSignatureMatcher HasValidDkimSignature(const M& domain_m) {
  return detail::HasValidDkimSignatureMatcher(
      ::testing::SafeMatcherCast<const std::string&>(domain_m));
}

// ---------------------------------------------------------------------------
// On ReceivedMessage and Session alike.

// Some violation's code ("bare-lf", "no-from", ...) matches. On a message:
// ReceivedMessage::AllViolations(), its protocol violations and its MIME
// reader's; on a session: Session::violations. To look at one set only,
// match the accessor: Property(&ReceivedMessage::ProtocolViolations, ...).
template <typename M>
auto HasViolation(const M& code_m) {
  return detail::MakeAnyElementMatcher(detail::ViolationList(), code_m);
}

// No violation in the same set HasViolation() looks at.
inline detail::HasNoViolationsMatcher HasNoViolations() { return {}; }

// TlsModeIs(TlsMode::kStartTls); a matcher of TlsMode works too.
template <typename M>
auto TlsModeIs(const M& mode) {
  return detail::MakeFieldMatcher<TlsMode>(
      {"TLS mode"},
      [](const auto& subject) -> const TlsMode& {
        return detail::TlsOf(subject).mode;
      },
      mode);
}

// OpenSSL's name of the version: "TLSv1.3"; "" without TLS.
template <typename M>
auto TlsVersionIs(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"TLS version"},
      [](const auto& subject) -> const std::string& {
        return detail::TlsOf(subject).version;
      },
      m);
}

// OpenSSL's name of the cipher: "TLS_AES_256_GCM_SHA384".
template <typename M>
auto CipherIs(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"TLS cipher"},
      [](const auto& subject) -> const std::string& {
        return detail::TlsOf(subject).cipher;
      },
      m);
}

// The server name the client sent; "" if none.
template <typename M>
auto SniIs(const M& m) {
  return detail::MakeFieldMatcher<std::string>(
      {"SNI"},
      [](const auto& subject) -> const std::string& {
        return detail::TlsOf(subject).sni;
      },
      m);
}

// The client presented a TLS client certificate and it verified against
// ServerOptions::client_ca_pem (TlsInfo::client_certificate_verified).
inline detail::PresentedClientCertificateMatcher PresentedClientCertificate() {
  return {};
}
// ... and its subject, in RFC 2253 form ("CN=mailer"), matches `subject_m`.
template <typename M>
detail::PresentedClientCertificateMatcher PresentedClientCertificate(
    const M& subject_m) {
  return detail::PresentedClientCertificateMatcher(
      ::testing::SafeMatcherCast<const std::string&>(subject_m));
}

// ---------------------------------------------------------------------------
// On Session.

// A TLS handshake was started and did not complete, with OpenSSL's reason
// (which carries the client's alert: "tlsv1 alert unknown ca") matching.
template <typename M>
auto HandshakeFailed(const M& reason_m) {
  return detail::MakeFieldMatcher<std::string>(detail::kTlsErrorWords,
                                               &detail::TlsErrorOf, reason_m);
}

// A TLS handshake was started and did not complete, for whatever reason.
inline detail::HandshakeFailedMatcher HandshakeFailed() { return {}; }

// The client resisted the server's TlsAttack: the session has no violation
// whose code starts with "insecure-" (insecure-plaintext-mail,
// insecure-plaintext-auth, insecure-injected-reply,
// insecure-plaintext-on-implicit-port). The explanation names each one with
// the transcript line that showed it. Sessions of a server without an attack
// always match.
inline detail::ResistedTlsAttackMatcher ResistedTlsAttack() { return {}; }

// Some transcript line matches; a line is the whole line as sent, reply code
// included, without CRLF ("250 2.1.0 OK", "MAIL FROM:<a@example.com>").
template <typename M>
auto TranscriptContains(const M& m) {
  return detail::MakeAnyElementMatcher(detail::TranscriptList(), m);
}

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_MATCHERS_H_
