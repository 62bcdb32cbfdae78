// The certificate factory behind Certificates: P-256 keys and X.509 v3
// certificates made with OpenSSL 3 EVP calls, no caching and no files. Exposed
// so that tests can make client certificates and benchmarks can time a CA and
// a leaf made from scratch (Certificates::ForThisRun() caches both).
#ifndef SMTPFIXTURE_CERTS_PKI_H_
#define SMTPFIXTURE_CERTS_PKI_H_

#include <chrono>
#include <string>
#include <vector>

#include "fixture/base/openssl_ptr.h"
#include "smtpfixture/certs.h"

namespace smtpfixture::detail {

// A private key and the certificate for it.
struct Credential {
  EvpPkeyPtr key;
  X509Ptr certificate;
};

// What a certificate is for; decides basicConstraints, keyUsage and EKU.
enum class CertificateRole {
  kCa,      // CA:TRUE (critical), keyCertSign + cRLSign (critical)
  kServer,  // CA:FALSE, digitalSignature, EKU serverAuth
  kClient,  // CA:FALSE, digitalSignature, EKU clientAuth
};

struct CertificateSpec {
  CertificateRole role = CertificateRole::kServer;
  std::string common_name;   // omitted when empty; at most 64 bytes
  std::string organization;  // omitted when empty
  // subjectAltName entries, in this order; no extension when both are empty.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;  // textual IPv4 or IPv6
  // The validity window, relative to the moment of issue. Backdated by
  // default so that a peer whose clock is a little behind still accepts it.
  std::chrono::seconds not_before = std::chrono::hours(-1);
  std::chrono::seconds not_after = std::chrono::hours(48);
};

// A fresh ECDSA P-256 key. Throws Error.
EvpPkeyPtr GenerateP256Key();

// A certificate for `spec` with a fresh P-256 key and a random 128-bit serial,
// signed with SHA-256 by `issuer`, or by its own key when `issuer` is null.
// Throws Error with OpenSSL's reason.
Credential IssueCertificate(const CertificateSpec& spec,
                            const Credential* issuer);

// A self-signed CA named `common_name`, valid from an hour ago for two days.
Credential MakeCertificateAuthority(const std::string& common_name);

// The spec of the leaf Certificates::Leaf(hostname, problem) returns. For
// kSelfSigned the caller signs with the leaf's own key, and for
// kUnknownAuthority with an untrusted CA: the spec does not say who signs.
CertificateSpec LeafSpec(const std::string& hostname,
                         CertificateProblem problem);

// A leaf made from scratch, as Certificates::Leaf() returns it (leaf first,
// then the issuing CA unless self-signed). `untrusted_ca` is used only for
// kUnknownAuthority. Throws Error.
PemIdentity MakeLeafIdentity(const std::string& hostname,
                             CertificateProblem problem, const Credential& ca,
                             const Credential& untrusted_ca);

// The spec of the leaf Certificates::ClientLeaf(common_name, problem) returns:
// role kClient, subject CN=common_name, no subjectAltName. Throws Error for
// an empty name, one over 64 bytes or with a control character, and for
// kWrongHostname, which has no meaning for a client.
CertificateSpec ClientLeafSpec(const std::string& common_name,
                               CertificateProblem problem);

// A client identity made from scratch, as Certificates::ClientLeaf() returns
// it (leaf first, then the issuing CA unless self-signed). Throws Error.
PemIdentity MakeClientIdentity(const std::string& common_name,
                               CertificateProblem problem, const Credential& ca,
                               const Credential& untrusted_ca);

// PEM text of a certificate, and of a private key (unencrypted PKCS#8).
std::string CertificatePem(const X509& certificate);
std::string PrivateKeyPem(const EVP_PKEY& key);

// True for a literal IPv4 or IPv6 address ("127.0.0.1", "::1").
bool IsIpLiteral(const std::string& text);

// `bytes` random bytes as lowercase hex. Throws Error.
std::string RandomHex(std::size_t bytes);

}  // namespace smtpfixture::detail

#endif  // SMTPFIXTURE_CERTS_PKI_H_
