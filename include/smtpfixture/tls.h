// TLS policy and what a session negotiated.
#ifndef SMTPFIXTURE_TLS_H_
#define SMTPFIXTURE_TLS_H_

#include <string>

namespace smtpfixture {

// Which TLS the server offers. One value, so that contradictory combinations
// ("require STARTTLS" together with "implicit TLS") cannot be expressed.
enum class TlsPolicy {
  kNone,  // plaintext only; STARTTLS is neither offered nor accepted
  kStartTlsOptional,  // STARTTLS advertised before TLS, never after
  kStartTlsRequired,  // as optional, and MAIL/RCPT/DATA/BDAT/AUTH/VRFY get 530
  kImplicit,          // TLS from the first byte (SMTPS, "port 465" style)
};

// What a session actually negotiated.
enum class TlsMode { kNone, kStartTls, kImplicit };

struct TlsInfo {
  TlsMode mode = TlsMode::kNone;
  std::string version;  // OpenSSL's name, "TLSv1.3"; empty without TLS
  std::string cipher;   // "TLS_AES_256_GCM_SHA384"
  std::string sni;      // server name the client sent; empty if none
  std::string client_certificate_subject;    // when requested and presented,
                                             // RFC 2253: "CN=mailer"
  bool client_certificate_verified = false;  // chains to client_ca_pem
};

// "none", "STARTTLS", "implicit": for messages and printers.
const char* TlsModeName(TlsMode mode);
const char* TlsPolicyName(TlsPolicy policy);

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_TLS_H_
