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

struct Limits {
  std::size_t max_message_bytes = 32 * 1024 * 1024;  // advertised as SIZE;
                                                     // 0 = none
  std::size_t max_recipients = 1000;
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(30);
  std::size_t max_connections = 0;  // 0 = unlimited
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
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_OPTIONS_H_
