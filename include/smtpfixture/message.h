// What the server recorded: messages with their envelope, and sessions.
//
// Thread-safety: ReceivedMessage and Session are values. A ReceivedMessage
// shares its immutable data between copies; its parsed view (headers, bodies,
// attachments) is computed lazily, once, on whichever thread asks first, and is
// safe to read from several threads.
#ifndef SMTPFIXTURE_MESSAGE_H_
#define SMTPFIXTURE_MESSAGE_H_

#include <cstdint>
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
//   "command-too-long"          a command line over 2048 octets
// The MIME reader adds its own (see ReceivedMessage::MimeViolations()).
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
  const std::vector<Violation>& violations() const;  // protocol-level

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
  // Where the message itself broke a rule of RFC 5322 / MIME ("no-from",
  // "bad-base64", "missing-final-boundary", ...): the reader still gives its
  // best reading.
  std::vector<Violation> MimeViolations() const;

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
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_MESSAGE_H_
