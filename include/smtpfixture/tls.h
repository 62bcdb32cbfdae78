// TLS policy and what a session negotiated.
#ifndef SMTPFIXTURE_TLS_H_
#define SMTPFIXTURE_TLS_H_

#include <string>
#include <vector>

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

// The server as an attacker on the client's TLS upgrade: one attack per
// server, met by every connection it accepts (a client that reconnects meets
// it again). What the client did that the attack should have stopped is
// recorded on the Session as a violation whose code starts with "insecure-"
// (see ResistedTlsAttack() in matchers.h, and docs/attacks.md). With an
// attack, ServerOptions::tls is ignored: the STARTTLS attacks serve the port
// as kStartTlsOptional would up to the point where they strike.
enum class TlsAttack {
  kNone,
  kStripStartTls,       // EHLO does not advertise STARTTLS; STARTTLS sent
                        // anyway gets 502 5.5.1
  kRefuseStartTls,      // STARTTLS advertised, answered 454 4.7.0 TLS not
                        // available
  kRejectStartTls,      // STARTTLS advertised, answered 501 5.5.4 Syntax error
  kStartTlsWrongReply,  // STARTTLS advertised, answered "250 2.0.0 Ok": no
                        // 220, no TLS follows
  kRefuseEhlo,          // EHLO answered 502 5.5.1; HELO accepted: no
                        // extensions, no STARTTLS
  kInjectReplies,       // 220 and, in the same write, a plaintext EHLO reply
                        // ("250-<hostname>\r\n250 AUTH PLAIN LOGIN\r\n");
                        // after the handshake the reply to the client's first
                        // command is held back for one second
  kInjectPartialReply,  // as kInjectReplies with an unterminated line
                        // ("250-inj") instead
  kPlaintextOnImplicitPort,  // Url() is smtps://, but the server greets in
                             // plaintext and serves plaintext SMTP, as a
                             // stripping middlebox on 465 would
};

// "none", "strip-starttls", "refuse-starttls", "reject-starttls",
// "starttls-wrong-reply", "refuse-ehlo", "inject-replies",
// "inject-partial-reply", "plaintext-on-implicit-port".
const char* TlsAttackName(TlsAttack attack);
// Every value but kNone, in declaration order.
std::vector<TlsAttack> AllTlsAttacks();

// "none", "STARTTLS", "implicit": for messages and printers.
const char* TlsModeName(TlsMode mode);
const char* TlsPolicyName(TlsPolicy policy);

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_TLS_H_
