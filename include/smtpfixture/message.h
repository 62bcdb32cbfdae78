// What the server recorded: messages with their envelope, and sessions.
//
// Thread-safety: ReceivedMessage and Session are values. A ReceivedMessage
// shares its immutable data between copies; its parsed view (headers, bodies,
// attachments) is computed lazily, once, on whichever thread asks first, and is
// safe to read from several threads.
#ifndef SMTPFIXTURE_MESSAGE_H_
#define SMTPFIXTURE_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtpfixture/tls.h"

namespace smtpfixture {

// A MAIL or RCPT parameter, such as SIZE=1234 or NOTIFY=SUCCESS,FAILURE.
struct Parameter {
  std::string name;   // upper-cased
  std::string value;  // as sent; empty for a parameter without "=value"
};

struct Envelope {
  std::string helo;                        // argument of the EHLO/HELO in force
  std::string mail_from;                   // without <>; "" for <>
  std::vector<Parameter> mail_parameters;  // SIZE, BODY, SMTPUTF8, RET, ...
  std::vector<std::string> rcpt_to;        // accepted recipients, in order
  std::vector<std::vector<Parameter>> rcpt_parameters;  // parallel to rcpt_to
};

struct AuthInfo {
  std::string mechanism;  // "PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"
  std::string username;   // the authentication identity
};

// One AUTH command and how it ended.
struct AuthAttempt {
  std::string mechanism;
  std::string username;  // empty if the client never got as far as naming one
  bool succeeded = false;
  int reply_code = 0;  // 235, 535, 501, ...
};

// Something the client did wrong. Codes are stable strings:
//   "bare-lf", "bare-cr"        a line ending that is not CRLF
//   "line-too-long"             a data line over 998 octets (RFC 5322 2.1.1)
//   "8bit-without-8bitmime"     8-bit data without BODY=8BITMIME/BINARYMIME
//   "utf8-without-smtputf8"     a non-ASCII address without SMTPUTF8
//   "invalid-utf8-address"      under SMTPUTF8, an address not valid UTF-8
//   "command-too-long"          a command line over 2048 octets
// The MIME reader adds its own (see ReceivedMessage::MimeViolations()); which
// accessor sees which set: ReceivedMessage::ProtocolViolations(),
// MimeViolations(), AllViolations().
struct Violation {
  std::string code;
  std::string detail;
};

struct Attachment {
  std::string filename;      // decoded (RFC 2231 / RFC 2047); may be empty
  std::string content_type;  // lower-case "type/subtype", no parameters
  std::string content;       // decoded bytes, untouched
  std::string content_id;    // without <>
  bool is_inline = false;    // Content-Disposition: inline
};

// A mailbox from an address header ("Ann <ann@example.com>").
struct Address {
  std::string display_name;  // RFC 2047 decoded, UTF-8; may be empty
  std::string address;       // local@domain, quoting of the local part kept
};

// A header field as it appears in the message, unfolded.
struct HeaderField {
  std::string name;   // as written
  std::string value;  // raw (not RFC 2047 decoded), unfolded, trimmed
};

// The outcome of one DKIM-Signature header (RFC 6376), verified against keys
// the test gives; no DNS is ever queried.
enum class DkimStatus {
  kPass,       // the body hash and the signature verify
  kFail,       // they do not, or x= has passed ("signature expired")
  kPermError,  // the signature or key record is malformed or unsupported
  kNoKey,      // no record for s=._domainkey.d= among the keys given
};
const char* DkimStatusName(DkimStatus status);  // "pass", "fail", ...

struct DkimResult {
  DkimStatus status = DkimStatus::kPermError;
  std::string domain;     // d=
  std::string selector;   // s=
  std::string algorithm;  // a=, "rsa-sha256" or "ed25519-sha256"
  std::string reason;     // empty on kPass; else why, e.g. "body hash mismatch"
  // The octets of the canonicalized body past what l= signs (0 without l=):
  // anyone could have appended them. Such a signature is still kPass here,
  // but does not satisfy HasValidDkimSignature().
  std::size_t unsigned_body_bytes = 0;
};

// "selector._domainkey.example.com" -> its DNS TXT record (the strings of the
// record joined), "v=DKIM1; k=rsa; p=MIIB...". Names match without case.
using DkimKeys = std::map<std::string, std::string>;

namespace detail {
struct MessageRecord;
}  // namespace detail

class ReceivedMessage {
 public:
  // Made by the server; tests of the library itself construct records too.
  explicit ReceivedMessage(std::shared_ptr<const detail::MessageRecord> record);

  // What was recorded:
  std::uint64_t id() const;          // 1, 2, ... per server, in arrival order
  std::uint64_t session_id() const;  // the Session it arrived on
  const Envelope& envelope() const;
  const TlsInfo& tls() const;
  const std::optional<AuthInfo>& auth() const;
  const std::string& data() const;  // as received, dot-unstuffed
  // What the server saw the client do wrong while it sent this message
  // ("bare-lf", "line-too-long", "8bit-without-8bitmime", ...), recorded at
  // receipt. Not what the MIME reader finds: see MimeViolations(), and
  // AllViolations() for both.
  const std::vector<Violation>& ProtocolViolations() const;
  // The same set as ProtocolViolations() (the name of the first release).
  const std::vector<Violation>& violations() const;

  // What is read from it (parsed lazily, once):
  std::optional<std::string> Header(std::string_view name) const;  // first
  std::vector<std::string> Headers(std::string_view name) const;   // all
  std::vector<HeaderField> HeaderFields() const;  // all top-level, in order
  std::string Subject() const;                    // RFC 2047 decoded, UTF-8
  // Every address in every header of that name (From, To, Cc, Bcc, ...).
  std::vector<Address> Addresses(std::string_view header_name) const;
  std::optional<std::string> TextBody() const;  // first text/plain, UTF-8
  std::optional<std::string> HtmlBody() const;  // first text/html, UTF-8
  std::vector<Attachment> Attachments() const;  // decoded bytes
  // The href values of the <a> and <area> elements of HtmlBody() (character
  // references decoded, whitespace trimmed), then every http://, https:// and
  // mailto: URL in TextBody() (a URL ends at whitespace, "<", ">" or "\"";
  // trailing ".,;:!?)" are dropped); in order of appearance, duplicates kept.
  // HTML is read as a browser does (comments, "<!-->" included, and the
  // content of <script>, <style>, <textarea>, <title> are not links), except
  // that the content of Outlook's <!--[if mso]> ... <![endif]--> blocks is
  // read as markup, since Outlook shows it.
  std::vector<std::string> Links() const;
  // Where the message itself broke a rule of RFC 5322 / MIME ("no-from",
  // "bad-base64", "missing-final-boundary", ...) or of the header lint
  // ("no-message-id", "bad-date", "bad-address-header", "bcc-header", ...;
  // docs/lint.md lists them all): the reader still gives its best reading.
  // When the envelope carried SMTPUTF8, which makes UTF-8 headers legal
  // (RFC 6532), "8bit-header" gives way to "invalid-utf8-header": a header
  // that is not UTF-8.
  std::vector<Violation> MimeViolations() const;
  // ProtocolViolations() followed by MimeViolations(): the set HasViolation()
  // and HasNoViolations() look at on a message.
  std::vector<Violation> AllViolations() const;
  // One result per DKIM-Signature header, in header order (RFC 6376 with
  // RFC 8301 and RFC 8463: rsa-sha256 with 1024- to 4096-bit keys, up to
  // 8192 accepted; ed25519-sha256; rsa-sha1 is a kPermError). Dkim() uses
  // the keys the server was started with (ServerOptions::dkim_keys),
  // VerifyDkim() the keys given. Computed on every call, on the calling
  // thread; never throws. At most 51 results: the first 50 signatures, then,
  // if there are more, one kPermError result (no domain, selector or
  // algorithm) whose reason says how many were not checked.
  std::vector<DkimResult> Dkim() const;
  std::vector<DkimResult> VerifyDkim(const DkimKeys& keys) const;

 private:
  std::shared_ptr<const detail::MessageRecord> record_;
};

enum class Direction { kClient, kServer };

struct TranscriptLine {
  Direction direction;
  std::string text;  // the line as sent, without CRLF; AUTH secrets masked
};

struct Session {
  std::uint64_t id = 0;  // 1, 2, ... per server, in connection order
  std::string peer;      // "127.0.0.1:54321", "[::1]:54321"
  TlsInfo tls;
  std::string tls_error;  // empty if no handshake failed
  std::optional<AuthInfo> auth;
  std::vector<AuthAttempt> auth_attempts;
  std::vector<TranscriptLine> transcript;
  // Data violations (once per message, refused ones included) are kept up to
  // 100 per session, so a client looping refused transactions cannot grow
  // the record without bound; the ones past that are counted in
  // violations_dropped. Command-level codes come at most once each.
  std::vector<Violation> violations;
  std::size_t violations_dropped = 0;
  std::size_t messages = 0;  // messages accepted on this session
  bool closed = false;
  // Internal errors of the fixture on this connection (an exception caught
  // in the loop, such as OpenSSL failing to allocate a TLS channel): the
  // connection was closed because of it. Empty normally; SmtpServerTest
  // fails a test whose server recorded any.
  std::vector<std::string> errors;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_MESSAGE_H_
