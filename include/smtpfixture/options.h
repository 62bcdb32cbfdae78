// What a Server is configured with: ServerOptions and its parts. Included by
// server.h; the SMTP session and SASL include this header alone, so the
// protocol code does not see the Server class.
#ifndef SMTPFIXTURE_OPTIONS_H_
#define SMTPFIXTURE_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "smtpfixture/certs.h"
#include "smtpfixture/message.h"
#include "smtpfixture/tls.h"

namespace smtpfixture {

struct AuthOptions {
  std::vector<std::string> mechanisms = {"PLAIN", "LOGIN"};  // also "CRAM-MD5",
                                                             // "XOAUTH2"
  std::map<std::string, std::string> credentials;            // user -> password
                                                             // (XOAUTH2: token)
  bool accept_any = false;       // any credentials succeed
  bool required = false;         // MAIL refused with 530 5.7.0 until AUTH
  bool allow_plaintext = false;  // offer AUTH before TLS
};  // AUTH is offered when credentials is non-empty or accept_any is true

// What the server allows. In every field, 0 means one thing: no limit.
struct Limits {
  // The value that turns a limit off, for any field (idle_timeout too: a
  // zero duration).
  static constexpr std::size_t kNoLimit = 0;

  // The most octets of message data (dot-unstuffed) a message may have:
  // advertised as "SIZE <n>" in EHLO, a MAIL SIZE= over it gets 552 5.3.4,
  // and data over it is read to its end, not stored, and refused with
  // 552 5.3.4. A message of exactly the limit is accepted. 0: no limit
  // (EHLO advertises "SIZE" without a number, as RFC 1870 allows).
  std::size_t max_message_bytes = 32 * 1024 * 1024;
  // The most accepted RCPTs per transaction; the next gets 452 4.5.3.
  // 0: no limit.
  std::size_t max_recipients = 1000;
  // No byte from the client for this long, in any state (the TLS handshake
  // included): 421 4.4.2 and close. 0 (or less): no timeout.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  // The most connections open at once; one more gets 421 4.7.0 and is
  // closed (recorded as a session). 0: no limit.
  std::size_t max_connections = 0;
};

struct Extensions {  // what EHLO advertises (and accepts)
  bool pipelining = true, eightbitmime = true, smtputf8 = true, chunking = true,
       dsn = true, enhanced_status_codes = true, size = true;
};

// kStrict: the first bare CR or LF, in a command line or in DATA, is answered
// "521 5.5.2 Bare CR or LF not allowed" as soon as it arrives and the
// connection is closed; nothing of that transaction is stored (BDAT content
// is binary and not checked). kLenient accepts it (a bare LF ends a command
// line; in DATA it is data) and records a Violation ("bare-lf", "bare-cr").
enum class LineEndings { kLenient, kStrict };

struct ServerOptions {
  std::string bind_address = "127.0.0.1";  // "::1" for IPv6
  std::uint16_t port = 0;                  // 0: ephemeral
  std::string hostname = "localhost";      // greeting, EHLO reply, certificate
  TlsPolicy tls = TlsPolicy::kStartTlsOptional;
  CertificateProblem certificate_problem = CertificateProblem::kNone;
  std::optional<PemIdentity> certificate;                    // bring your own
  std::string min_tls_version = "TLSv1.2", max_tls_version;  // empty: maximum
  bool request_client_certificate = false;  // asked for, not required
  bool require_client_certificate = false;  // the handshake fails without one
                                            // that verifies; implies asking
  std::string client_ca_pem;  // trust anchors for client certificates;
                              // empty: the run's CA
  AuthOptions auth;
  Limits limits;
  Extensions extensions;
  LineEndings line_endings = LineEndings::kLenient;
  // The DKIM key records ReceivedMessage::Dkim() verifies with; read only
  // when a test asks, never at Start().
  DkimKeys dkim_keys;
  // The server attacks the client's TLS upgrade (tls.h); `tls` is then
  // ignored. kNone: an honest server.
  TlsAttack attack = TlsAttack::kNone;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_OPTIONS_H_
