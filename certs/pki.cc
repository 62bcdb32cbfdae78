#include "certs/pki.h"

#include <arpa/inet.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <sys/socket.h>

#include "smtpfixture/error.h"

namespace smtpfixture::detail {
namespace {

constexpr std::size_t kMaxCommonNameBytes = 64;  // ub-common-name, RFC 5280

// Throws Error naming what failed and OpenSSL's reason for it, which is all a
// test author can act on (the numeric code and library name are noise here).
[[noreturn]] void ThrowOpenSslError(const std::string& what) {
  throw Error("certificate generation: " + what + ": " +
              TakeOpenSslReason("unknown OpenSSL error"));
}

void SetSerialNumber(X509& certificate) {
  // 128 random bits: unique per certificate without any state, which is what
  // lets many processes issue from different CAs without coordination.
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) ThrowOpenSslError("random serial");
  BignumPtr number(BN_bin2bn(bytes, sizeof bytes, nullptr));
  if (!number) ThrowOpenSslError("random serial");
  if (BN_is_zero(number.get()) && BN_one(number.get()) != 1) {
    ThrowOpenSslError("random serial");
  }
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(number.get(), nullptr));
  if (!serial || X509_set_serialNumber(&certificate, serial.get()) != 1) {
    ThrowOpenSslError("random serial");
  }
}

void AddNameEntry(X509_NAME& name, int nid, const std::string& value) {
  if (value.empty()) return;
  if (X509_NAME_add_entry_by_NID(
          &name, nid, MBSTRING_UTF8,
          reinterpret_cast<const unsigned char*>(value.data()),
          static_cast<int>(value.size()), -1, 0) != 1) {
    ThrowOpenSslError(std::string("subject ") + OBJ_nid2sn(nid) + " \"" +
                      value + "\"");
  }
}

// Fixed extension values go through OpenSSL's config syntax, which is the
// documented way to build them; names from callers never do (a comma in a
// hostname would be parsed as a separator), see AddSubjectAltName.
void AddExtension(X509& certificate, X509V3_CTX& context, int nid,
                  const char* value) {
  X509ExtensionPtr extension(
      X509V3_EXT_nconf_nid(nullptr, &context, nid, value));
  // X509_add_ext copies the extension.
  if (!extension || X509_add_ext(&certificate, extension.get(), -1) != 1) {
    ThrowOpenSslError(std::string(OBJ_nid2sn(nid)) + " extension");
  }
}

void PushName(GENERAL_NAMES& names, GeneralNamePtr name) {
  if (sk_GENERAL_NAME_push(&names, name.get()) <= 0) {
    ThrowOpenSslError("subjectAltName");
  }
  name.release();  // The stack owns it now.
}

void AddSubjectAltName(X509& certificate, const CertificateSpec& spec) {
  if (spec.dns_names.empty() && spec.ip_addresses.empty()) return;
  GeneralNamesPtr names(GENERAL_NAMES_new());
  if (!names) ThrowOpenSslError("subjectAltName");
  for (const std::string& dns_name : spec.dns_names) {
    Asn1Ia5StringPtr text(ASN1_IA5STRING_new());
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!text || !name ||
        ASN1_STRING_set(text.get(), dns_name.data(),
                        static_cast<int>(dns_name.size())) != 1) {
      ThrowOpenSslError("subjectAltName DNS:" + dns_name);
    }
    GENERAL_NAME_set0_value(name.get(), GEN_DNS, text.release());  // owns it
    PushName(*names, std::move(name));
  }
  for (const std::string& address : spec.ip_addresses) {
    Asn1OctetStringPtr octets(a2i_IPADDRESS(address.c_str()));
    if (!octets) {
      ERR_clear_error();
      throw Error("certificate generation: \"" + address +
                  "\" is not an IP address");
    }
    GeneralNamePtr name(GENERAL_NAME_new());
    if (!name) ThrowOpenSslError("subjectAltName IP:" + address);
    GENERAL_NAME_set0_value(name.get(), GEN_IPADD, octets.release());  // owns
    PushName(*names, std::move(name));
  }
  // RFC 5280 4.2.1.6: critical when the subject is empty.
  const int critical =
      X509_NAME_entry_count(X509_get_subject_name(&certificate)) == 0 ? 1 : 0;
  if (X509_add1_ext_i2d(&certificate, NID_subject_alt_name, names.get(),
                        critical, X509V3_ADD_DEFAULT) != 1) {
    ThrowOpenSslError("subjectAltName");
  }
}

void AddExtensions(X509& certificate, const CertificateSpec& spec,
                   X509* issuer_certificate) {
  X509V3_CTX context;
  X509V3_set_ctx(&context,
                 issuer_certificate ? issuer_certificate : &certificate,
                 &certificate, nullptr, nullptr, 0);
  switch (spec.role) {
    case CertificateRole::kCa:
      AddExtension(certificate, context, NID_basic_constraints,
                   "critical,CA:TRUE");
      AddExtension(certificate, context, NID_key_usage,
                   "critical,keyCertSign,cRLSign");
      break;
    case CertificateRole::kServer:
    case CertificateRole::kClient:
      AddExtension(certificate, context, NID_basic_constraints, "CA:FALSE");
      AddExtension(certificate, context, NID_key_usage,
                   "critical,digitalSignature");
      AddExtension(
          certificate, context, NID_ext_key_usage,
          spec.role == CertificateRole::kServer ? "serverAuth" : "clientAuth");
      break;
  }
  AddExtension(certificate, context, NID_subject_key_identifier, "hash");
  // A self-signed certificate gets no authorityKeyIdentifier: it would only
  // repeat the subjectKeyIdentifier.
  if (issuer_certificate != nullptr) {
    AddExtension(certificate, context, NID_authority_key_identifier,
                 "keyid:always");
  }
  AddSubjectAltName(certificate, spec);
}

// The validity window of kExpired and kNotYetValid; other problems keep the
// spec's window.
void ApplyValidityProblem(CertificateProblem problem, CertificateSpec& spec) {
  switch (problem) {
    case CertificateProblem::kExpired:
      spec.not_before = std::chrono::hours(-24 * 10);
      spec.not_after = std::chrono::hours(-24);
      break;
    case CertificateProblem::kNotYetValid:
      spec.not_before = std::chrono::hours(24);
      spec.not_after = std::chrono::hours(24 * 3);
      break;
    case CertificateProblem::kNone:
    case CertificateProblem::kWrongHostname:
    case CertificateProblem::kSelfSigned:
    case CertificateProblem::kUnknownAuthority:
      break;
  }
}

}  // namespace

EvpPkeyPtr GenerateP256Key() {
  EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) ThrowOpenSslError("P-256 key");
  return key;
}

Credential IssueCertificate(const CertificateSpec& spec,
                            const Credential* issuer) {
  if (spec.common_name.size() > kMaxCommonNameBytes) {
    throw Error("certificate generation: common name \"" + spec.common_name +
                "\" is longer than 64 bytes");
  }
  Credential result{GenerateP256Key(), X509Ptr(X509_new())};
  X509* certificate = result.certificate.get();
  if (!certificate || X509_set_version(certificate, X509_VERSION_3) != 1) {
    ThrowOpenSslError("X509_new");
  }
  SetSerialNumber(*certificate);

  X509NamePtr subject(X509_NAME_new());
  if (!subject) ThrowOpenSslError("subject");
  AddNameEntry(*subject, NID_organizationName, spec.organization);
  AddNameEntry(*subject, NID_commonName, spec.common_name);
  X509* issuer_certificate = issuer ? issuer->certificate.get() : nullptr;
  // Both setters copy the name.
  if (X509_set_subject_name(certificate, subject.get()) != 1 ||
      X509_set_issuer_name(certificate,
                           issuer_certificate
                               ? X509_get_subject_name(issuer_certificate)
                               : subject.get()) != 1) {
    ThrowOpenSslError("names");
  }

  if (!X509_gmtime_adj(X509_getm_notBefore(certificate),
                       static_cast<long>(spec.not_before.count())) ||
      !X509_gmtime_adj(X509_getm_notAfter(certificate),
                       static_cast<long>(spec.not_after.count()))) {
    ThrowOpenSslError("validity");
  }
  if (X509_set_pubkey(certificate, result.key.get()) != 1) {
    ThrowOpenSslError("public key");
  }
  AddExtensions(*certificate, spec, issuer_certificate);

  EVP_PKEY* signing_key = issuer ? issuer->key.get() : result.key.get();
  if (X509_sign(certificate, signing_key, EVP_sha256()) <= 0) {
    ThrowOpenSslError("signature");
  }
  return result;
}

Credential MakeCertificateAuthority(const std::string& common_name) {
  CertificateSpec spec;
  spec.role = CertificateRole::kCa;
  spec.common_name = common_name;
  return IssueCertificate(spec, nullptr);
}

CertificateSpec LeafSpec(const std::string& hostname,
                         CertificateProblem problem) {
  if (hostname.empty()) {
    throw Error("certificate generation: the hostname is empty");
  }
  for (const char c : hostname) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      throw Error("certificate generation: hostname \"" + hostname +
                  "\" is not printable ASCII; use its A-label (xn--) form");
    }
  }

  CertificateSpec spec;
  spec.role = CertificateRole::kServer;
  if (problem == CertificateProblem::kWrongHostname) {
    // Nothing a client could be asked to verify matches, not even an IP.
    spec.common_name = "wrong-host.invalid";
    spec.dns_names = {"wrong-host.invalid"};
    return spec;
  }

  // Clients match subjectAltName only; CN is for people reading the
  // certificate, and cannot hold a name longer than 64 bytes.
  if (hostname.size() <= kMaxCommonNameBytes) spec.common_name = hostname;
  if (IsIpLiteral(hostname)) {
    spec.ip_addresses.push_back(hostname);
  } else {
    spec.dns_names.push_back(hostname);
  }
  if (hostname != "localhost") spec.dns_names.push_back("localhost");
  for (const char* loopback : {"127.0.0.1", "::1"}) {
    if (!IsIpLiteral(hostname)) {
      spec.ip_addresses.push_back(loopback);
      continue;
    }
    // Compare addresses, not spellings: "0:0::1" is "::1".
    Asn1OctetStringPtr a(a2i_IPADDRESS(hostname.c_str()));
    Asn1OctetStringPtr b(a2i_IPADDRESS(loopback));
    if (!a || !b || ASN1_OCTET_STRING_cmp(a.get(), b.get()) != 0) {
      spec.ip_addresses.push_back(loopback);
    }
  }

  ApplyValidityProblem(problem, spec);
  return spec;
}

CertificateSpec ClientLeafSpec(const std::string& common_name,
                               CertificateProblem problem) {
  if (common_name.empty()) {
    throw Error("certificate generation: the client common name is empty");
  }
  if (common_name.size() > kMaxCommonNameBytes) {
    throw Error("certificate generation: common name \"" + common_name +
                "\" is longer than 64 bytes");
  }
  for (const char c : common_name) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      throw Error(
          "certificate generation: client common name holds a control "
          "character");
    }
  }
  if (problem == CertificateProblem::kWrongHostname) {
    throw Error(
        "certificate generation: CertificateProblem::kWrongHostname has no "
        "meaning for a client certificate (a server does not match a "
        "client's name); use kExpired, kNotYetValid, kSelfSigned or "
        "kUnknownAuthority");
  }
  CertificateSpec spec;
  spec.role = CertificateRole::kClient;
  spec.common_name = common_name;
  ApplyValidityProblem(problem, spec);
  return spec;
}

namespace {

// Issues `spec` by the issuer `problem` calls for: the run's CA, the leaf's
// own key (kSelfSigned) or the untrusted CA (kUnknownAuthority).
PemIdentity IssueIdentity(const CertificateSpec& spec,
                          CertificateProblem problem, const Credential& ca,
                          const Credential& untrusted_ca) {
  const Credential* issuer = &ca;
  if (problem == CertificateProblem::kSelfSigned) issuer = nullptr;
  if (problem == CertificateProblem::kUnknownAuthority) issuer = &untrusted_ca;
  const Credential leaf = IssueCertificate(spec, issuer);
  PemIdentity identity;
  identity.certificate_chain_pem = CertificatePem(*leaf.certificate);
  if (issuer != nullptr) {
    identity.certificate_chain_pem += CertificatePem(*issuer->certificate);
  }
  identity.private_key_pem = PrivateKeyPem(*leaf.key);
  return identity;
}

}  // namespace

PemIdentity MakeLeafIdentity(const std::string& hostname,
                             CertificateProblem problem, const Credential& ca,
                             const Credential& untrusted_ca) {
  return IssueIdentity(LeafSpec(hostname, problem), problem, ca, untrusted_ca);
}

PemIdentity MakeClientIdentity(const std::string& common_name,
                               CertificateProblem problem, const Credential& ca,
                               const Credential& untrusted_ca) {
  return IssueIdentity(ClientLeafSpec(common_name, problem), problem, ca,
                       untrusted_ca);
}

std::string CertificatePem(const X509& certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), &certificate) != 1) {
    ThrowOpenSslError("certificate PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

std::string PrivateKeyPem(const EVP_PKEY& key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), &key, nullptr, nullptr, 0,
                                       nullptr, nullptr) != 1) {
    ThrowOpenSslError("private key PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

bool IsIpLiteral(const std::string& text) {
  unsigned char address[16];
  return inet_pton(AF_INET, text.c_str(), address) == 1 ||
         inet_pton(AF_INET6, text.c_str(), address) == 1;
}

std::string RandomHex(std::size_t bytes) {
  std::string random(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(random.data()),
                 static_cast<int>(bytes)) != 1) {
    ThrowOpenSslError("random bytes");
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes * 2);
  for (const char c : random) {
    const auto byte = static_cast<unsigned char>(c);
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0x0f];
  }
  return hex;
}

}  // namespace smtpfixture::detail
