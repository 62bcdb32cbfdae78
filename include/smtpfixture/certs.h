// The per-run throwaway PKI: one certificate authority per process and leaves
// issued by it, including deliberately broken ones for negative tests.
//
// Usable on its own to test any TLS client: hand CaFile() to the client as its
// trust anchor and serve Leaf("localhost") from your server.
#ifndef SMTPFIXTURE_CERTS_H_
#define SMTPFIXTURE_CERTS_H_

#include <filesystem>
#include <memory>
#include <string>

namespace smtpfixture {

// A defect a verifying client must refuse.
enum class CertificateProblem {
  kNone,              // valid: issued by the run's CA, names the host
  kExpired,           // notAfter in the past
  kNotYetValid,       // notBefore in the future
  kWrongHostname,     // issued by the run's CA, but names another host only
  kSelfSigned,        // not issued by the run's CA: signed by its own key
  kUnknownAuthority,  // issued by a CA that is not the run's CA
};

const char* CertificateProblemName(CertificateProblem problem);

// A certificate chain (leaf first) and its private key, both PEM.
struct PemIdentity {
  std::string certificate_chain_pem;
  std::string private_key_pem;
};

class Certificates {
 public:
  // The run's PKI, made on first use (ECDSA P-256) and shared by every thread.
  // Throws smtpfixture::Error if OpenSSL fails or the temp dir can't be
  // written.
  static const Certificates& ForThisRun();

  // The trust anchor a correctly configured client uses.
  const std::string& CaPem() const;
  // The same PEM in a file inside a per-run temporary directory (under
  // TEST_TMPDIR or TMPDIR when set), removed at process exit.
  const std::filesystem::path& CaFile() const;

  // A server identity for `hostname`; with a problem, one a verifying client
  // must refuse. Valid leaves name `hostname`, localhost, 127.0.0.1 and ::1.
  // Leaves are cached per (hostname, problem), so repeated calls are cheap.
  // Thread-safe.
  PemIdentity Leaf(
      const std::string& hostname,
      CertificateProblem problem = CertificateProblem::kNone) const;

  // A client identity issued by the run's CA: subject CN=common_name,
  // extended key usage clientAuth, no subjectAltName. With a problem
  // (kExpired, kNotYetValid, kSelfSigned, kUnknownAuthority), one a server
  // that verifies client certificates must refuse. kWrongHostname has no
  // meaning for a client and throws Error, as do an empty common name and
  // one longer than 64 bytes. Cached per (common_name, problem); thread-safe.
  PemIdentity ClientLeaf(
      const std::string& common_name,
      CertificateProblem problem = CertificateProblem::kNone) const;

  Certificates(const Certificates&) = delete;
  Certificates& operator=(const Certificates&) = delete;
  ~Certificates();

  struct Impl;

 private:
  Certificates();
  std::unique_ptr<Impl> impl_;
};

}  // namespace smtpfixture

#endif  // SMTPFIXTURE_CERTS_H_
