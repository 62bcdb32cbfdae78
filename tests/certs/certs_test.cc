#include "smtpfixture/certs.h"

#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "certs/pki.h"
#include "fixture/base/openssl_ptr.h"
#include "smtpfixture/error.h"

namespace smtpfixture {
namespace {

using detail::BioPtr;
using detail::EvpPkeyPtr;
using detail::GeneralNamesPtr;
using detail::X509Ptr;
using detail::X509StackPtr;
using detail::X509StoreCtxPtr;
using detail::X509StorePtr;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using ::testing::ThrowsMessage;

constexpr long kHour = 60 * 60;
constexpr long kDay = 24 * kHour;
// How long ago the run's PKI may have been made before a test looks at it.
constexpr long kSlack = 10 * 60;

std::vector<X509Ptr> ParseChain(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::vector<X509Ptr> chain;
  while (X509Ptr certificate{
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    chain.push_back(std::move(certificate));
  }
  ERR_clear_error();  // the "no start line" that ends the loop
  return chain;
}

X509Ptr ParseOne(const std::string& pem) {
  std::vector<X509Ptr> chain = ParseChain(pem);
  EXPECT_EQ(chain.size(), 1u);
  return chain.empty() ? nullptr : std::move(chain.front());
}

// The first certificate of the chain: the leaf.
X509Ptr LeafOf(const PemIdentity& identity) {
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  EXPECT_FALSE(chain.empty());
  return chain.empty() ? nullptr : std::move(chain.front());
}

EvpPkeyPtr ParseKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return EvpPkeyPtr(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

std::string GroupName(EVP_PKEY* key) {
  char name[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, name, sizeof name, &length) != 1) return "";
  return std::string(name, length);
}

std::time_t ToTimeT(const ASN1_TIME* time) {
  std::tm tm = {};
  EXPECT_EQ(ASN1_TIME_to_tm(time, &tm), 1);
  return timegm(&tm);
}

// "DNS:localhost", "IP:127.0.0.1", in certificate order.
std::vector<std::string> SubjectAltNames(X509* certificate) {
  GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr)));
  std::vector<std::string> result;
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    if (name->type == GEN_DNS) {
      const ASN1_IA5STRING* dns = name->d.dNSName;
      result.push_back("DNS:" + std::string(reinterpret_cast<const char*>(
                                                ASN1_STRING_get0_data(dns)),
                                            ASN1_STRING_length(dns)));
    } else if (name->type == GEN_IPADD) {
      const ASN1_OCTET_STRING* ip = name->d.iPAddress;
      char text[INET6_ADDRSTRLEN] = {};
      const int family = ASN1_STRING_length(ip) == 4 ? AF_INET : AF_INET6;
      inet_ntop(family, ASN1_STRING_get0_data(ip), text, sizeof text);
      result.push_back(std::string("IP:") + text);
    } else {
      result.push_back("other");
    }
  }
  return result;
}

std::string CommonName(X509* certificate) {
  char name[256] = {};
  if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate),
                                NID_commonName, name, sizeof name) < 0) {
    return "";
  }
  return name;
}

// X509_verify_cert of `identity`'s leaf against the run's CA, with the rest
// of its chain as untrusted intermediates (what a TLS client gets) unless
// `leaf_only`, checking `host` (a DNS name or an IP literal) and the TLS
// server purpose. Returns the X509_V_* code.
int Verify(const PemIdentity& identity, const std::string& host,
           bool leaf_only = false) {
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  if (chain.empty()) return -1;
  X509Ptr ca = ParseOne(Certificates::ForThisRun().CaPem());
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca.get());
  X509StackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; !leaf_only && i < chain.size(); ++i) {
    sk_X509_push(untrusted.get(), chain[i].release());  // the stack owns it
  }
  X509StoreCtxPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), chain[0].get(),
                      untrusted.get());
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  if (detail::IsIpLiteral(host)) {
    X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
  } else {
    X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  }
  const int ok = X509_verify_cert(context.get());
  const int error = X509_STORE_CTX_get_error(context.get());
  ERR_clear_error();
  EXPECT_EQ(ok == 1, error == X509_V_OK);
  return error;
}

std::filesystem::path ExpectedTemporaryBase() {
  for (const char* variable : {"TEST_TMPDIR", "TMPDIR"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') return value;
  }
  return "/tmp";
}

TEST(CertificatesTest, CaIsAP256CertificateAuthorityThatSignedItself) {
  X509Ptr ca = ParseOne(Certificates::ForThisRun().CaPem());
  ASSERT_TRUE(ca);
  EXPECT_THAT(CommonName(ca.get()), StartsWith("smtpfixture throwaway CA "));
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(ca.get()),
                          X509_get_issuer_name(ca.get())),
            0);
  EXPECT_EQ(X509_get_version(ca.get()), X509_VERSION_3);

  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  const int basic = X509_get_ext_by_NID(ca.get(), NID_basic_constraints, -1);
  ASSERT_GE(basic, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(ca.get(), basic)), 1);
  const int usage = X509_get_ext_by_NID(ca.get(), NID_key_usage, -1);
  ASSERT_GE(usage, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(ca.get(), usage)), 1);
  EXPECT_EQ(X509_get_key_usage(ca.get()),
            static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NE(X509_get0_subject_key_id(ca.get()), nullptr);

  EVP_PKEY* key = X509_get0_pubkey(ca.get());
  ASSERT_NE(key, nullptr);
  EXPECT_TRUE(EVP_PKEY_is_a(key, "EC"));
  EXPECT_EQ(GroupName(key), "prime256v1");
  EXPECT_EQ(X509_verify(ca.get(), key), 1);
  EXPECT_EQ(X509_get_signature_nid(ca.get()), NID_ecdsa_with_SHA256);
}

TEST(CertificatesTest, CaIsValidFromAnHourAgoForTwoDays) {
  X509Ptr ca = ParseOne(Certificates::ForThisRun().CaPem());
  ASSERT_TRUE(ca);
  const std::time_t now = std::time(nullptr);
  const std::time_t not_before = ToTimeT(X509_get0_notBefore(ca.get()));
  const std::time_t not_after = ToTimeT(X509_get0_notAfter(ca.get()));
  EXPECT_LE(not_before, now - kHour);
  EXPECT_GE(not_before, now - kHour - kSlack);
  EXPECT_GE(not_after - not_before, kHour + 2 * kDay);
  EXPECT_LE(not_after - not_before, kHour + 2 * kDay + 5);
}

TEST(CertificatesTest, LeafNamesHostLocalhostAndLoopbackAddresses) {
  const PemIdentity identity =
      Certificates::ForThisRun().Leaf("mail.example.test");
  X509Ptr leaf = LeafOf(identity);
  ASSERT_TRUE(leaf);
  EXPECT_THAT(SubjectAltNames(leaf.get()),
              ElementsAre("DNS:mail.example.test", "DNS:localhost",
                          "IP:127.0.0.1", "IP:::1"));
  EXPECT_EQ(CommonName(leaf.get()), "mail.example.test");
}

TEST(CertificatesTest, LeafIsAServerCertificateIssuedByTheCa) {
  const PemIdentity identity = Certificates::ForThisRun().Leaf("localhost");
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  ASSERT_EQ(chain.size(), 2u);
  X509* leaf = chain[0].get();
  X509Ptr ca = ParseOne(Certificates::ForThisRun().CaPem());

  // Chain order: leaf first, then the CA that signed it.
  EXPECT_EQ(X509_cmp(chain[1].get(), ca.get()), 0);
  EXPECT_EQ(X509_check_issued(ca.get(), leaf), X509_V_OK);
  EXPECT_EQ(X509_verify(leaf, X509_get0_pubkey(ca.get())), 1);
  EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(leaf),
                                  X509_get0_subject_key_id(ca.get())),
            0);

  EXPECT_EQ(X509_check_ca(leaf), 0);
  EXPECT_GE(X509_get_ext_by_NID(leaf, NID_basic_constraints, -1), 0);
  EXPECT_EQ(X509_get_extended_key_usage(leaf),
            static_cast<uint32_t>(XKU_SSL_SERVER));
  EXPECT_EQ(X509_get_key_usage(leaf),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_THAT(SubjectAltNames(leaf),
              ElementsAre("DNS:localhost", "IP:127.0.0.1", "IP:::1"));

  EvpPkeyPtr key = ParseKey(identity.private_key_pem);
  ASSERT_TRUE(key);
  EXPECT_EQ(GroupName(key.get()), "prime256v1");
  EXPECT_EQ(X509_check_private_key(leaf, key.get()), 1);
  EXPECT_THAT(identity.private_key_pem,
              StartsWith("-----BEGIN PRIVATE KEY-----"));
}

TEST(CertificatesTest, LeafSerialsAreRandomAndLarge) {
  const Certificates& certificates = Certificates::ForThisRun();
  X509Ptr a = LeafOf(certificates.Leaf("serial-a.test"));
  X509Ptr b = LeafOf(certificates.Leaf("serial-b.test"));
  ASSERT_TRUE(a && b);
  const ASN1_INTEGER* serial_a = X509_get0_serialNumber(a.get());
  const ASN1_INTEGER* serial_b = X509_get0_serialNumber(b.get());
  EXPECT_NE(ASN1_INTEGER_cmp(serial_a, serial_b), 0);
  // 128 random bits: 15 or 16 significant bytes but for a 1 in 2^16 chance.
  EXPECT_GE(ASN1_STRING_length(serial_a), 14);
  EXPECT_LE(ASN1_STRING_length(serial_a), 16);
  EXPECT_EQ(ASN1_STRING_type(serial_a), V_ASN1_INTEGER);  // positive
}

TEST(CertificatesTest, IpLiteralHostnameBecomesAnIpAddressName) {
  const Certificates& certificates = Certificates::ForThisRun();
  X509Ptr v4 = LeafOf(certificates.Leaf("192.0.2.7"));
  ASSERT_TRUE(v4);
  EXPECT_THAT(
      SubjectAltNames(v4.get()),
      ElementsAre("DNS:localhost", "IP:192.0.2.7", "IP:127.0.0.1", "IP:::1"));
  EXPECT_EQ(Verify(certificates.Leaf("192.0.2.7"), "192.0.2.7"), X509_V_OK);
  // Loopback literals are not listed twice, however they are spelled.
  X509Ptr v6 = LeafOf(certificates.Leaf("0:0::1"));
  ASSERT_TRUE(v6);
  EXPECT_THAT(SubjectAltNames(v6.get()),
              ElementsAre("DNS:localhost", "IP:::1", "IP:127.0.0.1"));
}

TEST(CertificatesTest, LeafIsValidFromAnHourAgoForTwoDays) {
  X509Ptr leaf = LeafOf(Certificates::ForThisRun().Leaf("window.test"));
  ASSERT_TRUE(leaf);
  const std::time_t now = std::time(nullptr);
  const std::time_t not_before = ToTimeT(X509_get0_notBefore(leaf.get()));
  const std::time_t not_after = ToTimeT(X509_get0_notAfter(leaf.get()));
  EXPECT_LE(not_before, now - kHour);
  EXPECT_GE(not_before, now - kHour - 60);
  EXPECT_GE(not_after, now + 2 * kDay - 60);
  EXPECT_LE(not_after, now + 2 * kDay);
}

TEST(CertificatesTest, ValidLeafVerifiesForEveryNameItCarries) {
  const PemIdentity identity =
      Certificates::ForThisRun().Leaf("mail.example.test");
  for (const char* host :
       {"mail.example.test", "localhost", "127.0.0.1", "::1"}) {
    EXPECT_EQ(Verify(identity, host), X509_V_OK) << host;
  }
  EXPECT_EQ(Verify(identity, "other.example.test"),
            X509_V_ERR_HOSTNAME_MISMATCH);
  EXPECT_EQ(Verify(identity, "10.0.0.1"), X509_V_ERR_IP_ADDRESS_MISMATCH);
}

struct BrokenCase {
  CertificateProblem problem;
  int error;            // verifying the chain a TLS client receives
  int error_leaf_only;  // verifying the leaf alone
};

void PrintTo(const BrokenCase& c, std::ostream* os) {
  *os << CertificateProblemName(c.problem);
}

class BrokenLeafTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenLeafTest, IsRejectedByAClientTrustingTheCa) {
  const PemIdentity identity =
      Certificates::ForThisRun().Leaf("localhost", GetParam().problem);
  const int error = Verify(identity, "localhost");
  EXPECT_EQ(error, GetParam().error) << X509_verify_cert_error_string(error);
  EXPECT_EQ(Verify(identity, "localhost", /*leaf_only=*/true),
            GetParam().error_leaf_only);
  EvpPkeyPtr key = ParseKey(identity.private_key_pem);
  X509Ptr leaf = LeafOf(identity);
  ASSERT_TRUE(key && leaf);
  EXPECT_EQ(X509_check_private_key(leaf.get(), key.get()), 1);
}

INSTANTIATE_TEST_SUITE_P(
    AllProblems, BrokenLeafTest,
    ::testing::Values(
        BrokenCase{CertificateProblem::kExpired, X509_V_ERR_CERT_HAS_EXPIRED,
                   X509_V_ERR_CERT_HAS_EXPIRED},
        BrokenCase{CertificateProblem::kNotYetValid,
                   X509_V_ERR_CERT_NOT_YET_VALID,
                   X509_V_ERR_CERT_NOT_YET_VALID},
        BrokenCase{CertificateProblem::kWrongHostname,
                   X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_HOSTNAME_MISMATCH},
        BrokenCase{CertificateProblem::kSelfSigned,
                   X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT,
                   X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
        // The untrusted CA travels in the chain, as a misconfigured server
        // would send it; without it the client finds no issuer at all.
        BrokenCase{CertificateProblem::kUnknownAuthority,
                   X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
                   X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY}),
    [](const ::testing::TestParamInfo<BrokenCase>& param_info) {
      std::string name = CertificateProblemName(param_info.param.problem);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(CertificatesTest, ExpiredLeafEndedYesterday) {
  X509Ptr leaf = LeafOf(Certificates::ForThisRun().Leaf(
      "localhost", CertificateProblem::kExpired));
  ASSERT_TRUE(leaf);
  const std::time_t now = std::time(nullptr);
  EXPECT_NEAR(ToTimeT(X509_get0_notBefore(leaf.get())), now - 10 * kDay, 60);
  EXPECT_NEAR(ToTimeT(X509_get0_notAfter(leaf.get())), now - kDay, 60);
}

TEST(CertificatesTest, NotYetValidLeafStartsTomorrow) {
  X509Ptr leaf = LeafOf(Certificates::ForThisRun().Leaf(
      "localhost", CertificateProblem::kNotYetValid));
  ASSERT_TRUE(leaf);
  EXPECT_NEAR(ToTimeT(X509_get0_notBefore(leaf.get())),
              std::time(nullptr) + kDay, 60);
}

TEST(CertificatesTest, WrongHostnameLeafNamesOnlyAnotherHost) {
  const PemIdentity identity = Certificates::ForThisRun().Leaf(
      "localhost", CertificateProblem::kWrongHostname);
  X509Ptr leaf = LeafOf(identity);
  ASSERT_TRUE(leaf);
  EXPECT_THAT(SubjectAltNames(leaf.get()),
              ElementsAre("DNS:wrong-host.invalid"));
  EXPECT_EQ(CommonName(leaf.get()), "wrong-host.invalid");
  EXPECT_EQ(Verify(identity, "127.0.0.1"), X509_V_ERR_IP_ADDRESS_MISMATCH);
}

TEST(CertificatesTest, SelfSignedLeafHasTheRightNamesAndNoChain) {
  const PemIdentity identity = Certificates::ForThisRun().Leaf(
      "localhost", CertificateProblem::kSelfSigned);
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  ASSERT_EQ(chain.size(), 1u);
  EXPECT_THAT(SubjectAltNames(chain[0].get()),
              ElementsAre("DNS:localhost", "IP:127.0.0.1", "IP:::1"));
  EXPECT_EQ(X509_verify(chain[0].get(), X509_get0_pubkey(chain[0].get())), 1);
  EXPECT_EQ(X509_self_signed(chain[0].get(), 1), 1);
}

TEST(CertificatesTest, UnknownAuthorityLeafComesWithItsOwnCa) {
  const PemIdentity identity = Certificates::ForThisRun().Leaf(
      "localhost", CertificateProblem::kUnknownAuthority);
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  ASSERT_EQ(chain.size(), 2u);
  X509Ptr run_ca = ParseOne(Certificates::ForThisRun().CaPem());
  EXPECT_NE(X509_cmp(chain[1].get(), run_ca.get()), 0);
  EXPECT_EQ(X509_check_ca(chain[1].get()), 1);
  EXPECT_EQ(X509_check_issued(chain[1].get(), chain[0].get()), X509_V_OK);
  EXPECT_THAT(CommonName(chain[1].get()), StartsWith("smtpfixture untrusted"));
  EXPECT_THAT(SubjectAltNames(chain[0].get()),
              ElementsAre("DNS:localhost", "IP:127.0.0.1", "IP:::1"));
}

TEST(CertificatesTest, LeavesAreCachedPerHostnameAndProblem) {
  const Certificates& certificates = Certificates::ForThisRun();
  const PemIdentity first = certificates.Leaf("cache.test");
  const PemIdentity again = certificates.Leaf("cache.test");
  EXPECT_EQ(first.certificate_chain_pem, again.certificate_chain_pem);
  EXPECT_EQ(first.private_key_pem, again.private_key_pem);
  const PemIdentity expired =
      certificates.Leaf("cache.test", CertificateProblem::kExpired);
  EXPECT_NE(expired.certificate_chain_pem, first.certificate_chain_pem);
  EXPECT_NE(expired.private_key_pem, first.private_key_pem);
  EXPECT_NE(certificates.Leaf("cache2.test").certificate_chain_pem,
            first.certificate_chain_pem);
}

TEST(CertificatesTest, ForThisRunIsOneObjectAcrossThreads) {
  // All threads start together so that the first use really is concurrent
  // (each test runs in a process of its own under ctest).
  constexpr int kThreads = 8;
  std::promise<void> go;
  std::shared_future<void> start = go.get_future().share();
  std::vector<std::future<std::pair<const Certificates*, std::string>>> results;
  for (int i = 0; i < kThreads; ++i) {
    results.push_back(std::async(std::launch::async, [start] {
      start.wait();
      const Certificates& certificates = Certificates::ForThisRun();
      return std::make_pair(
          &certificates,
          certificates.Leaf("threads.test").certificate_chain_pem);
    }));
  }
  go.set_value();
  std::set<const Certificates*> objects;
  std::set<std::string> leaves;
  for (auto& result : results) {
    auto [object, leaf] = result.get();
    objects.insert(object);
    leaves.insert(leaf);
  }
  EXPECT_EQ(objects.size(), 1u);
  EXPECT_EQ(leaves.size(), 1u);
  EXPECT_EQ(*objects.begin(), &Certificates::ForThisRun());
}

TEST(CertificatesTest, CaFileHoldsCaPemInAFreshDirectory) {
  const Certificates& certificates = Certificates::ForThisRun();
  const std::filesystem::path& file = certificates.CaFile();
  ASSERT_TRUE(std::filesystem::is_regular_file(file)) << file;
  EXPECT_EQ(file.filename(), "ca.pem");
  EXPECT_THAT(file.parent_path().filename().string(),
              StartsWith("smtpfixture-"));
  EXPECT_TRUE(std::filesystem::equivalent(file.parent_path().parent_path(),
                                          ExpectedTemporaryBase()));
  std::ifstream in(file, std::ios::binary);
  const std::string contents((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  EXPECT_EQ(contents, certificates.CaPem());
  // Only the finished file: the partial one was renamed onto it.
  EXPECT_EQ(
      std::distance(std::filesystem::directory_iterator(file.parent_path()),
                    std::filesystem::directory_iterator()),
      1);
}

TEST(CertificatesTest, ForkedChildDoesNotRemoveTheParentsCaFile) {
  const std::filesystem::path file = Certificates::ForThisRun().CaFile();
  std::fflush(nullptr);  // or the child would flush our buffers a second time
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) std::exit(0);  // runs static destructors, ours included
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_TRUE(std::filesystem::exists(file));
}

TEST(CertificatesTest, BadHostnamesAreRefused) {
  const Certificates& certificates = Certificates::ForThisRun();
  EXPECT_THAT([&] { certificates.Leaf(""); },
              ThrowsMessage<Error>(HasSubstr("hostname is empty")));
  EXPECT_THAT([&] { certificates.Leaf("bad host"); },
              ThrowsMessage<Error>(HasSubstr("\"bad host\" is not printable")));
  EXPECT_THAT(
      [&] {
        certificates.Leaf(
            "b\xc3\xbc"
            "cher.test");
      },
      ThrowsMessage<Error>(HasSubstr("A-label")));
}

TEST(CertificatesTest, LongHostnameGoesIntoSubjectAltNameOnly) {
  const std::string host = std::string(70, 'a') + ".test";
  const PemIdentity identity = Certificates::ForThisRun().Leaf(host);
  X509Ptr leaf = LeafOf(identity);
  ASSERT_TRUE(leaf);
  EXPECT_EQ(CommonName(leaf.get()), "");
  EXPECT_THAT(
      SubjectAltNames(leaf.get()),
      ElementsAre("DNS:" + host, "DNS:localhost", "IP:127.0.0.1", "IP:::1"));
  EXPECT_EQ(Verify(identity, host), X509_V_OK);
}

// X509_verify_cert of a client identity's leaf against the run's CA, as a
// server verifying a client certificate does (the TLS client purpose, the rest
// of the chain as untrusted certificates, no name check). Returns X509_V_*.
int VerifyClient(const PemIdentity& identity) {
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  if (chain.empty()) return -1;
  X509Ptr ca = ParseOne(Certificates::ForThisRun().CaPem());
  X509StorePtr store(X509_STORE_new());
  X509_STORE_add_cert(store.get(), ca.get());
  X509StackPtr untrusted(sk_X509_new_null());
  for (std::size_t i = 1; i < chain.size(); ++i) {
    sk_X509_push(untrusted.get(), chain[i].release());  // the stack owns it
  }
  X509StoreCtxPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), chain[0].get(),
                      untrusted.get());
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
  const int ok = X509_verify_cert(context.get());
  const int error = X509_STORE_CTX_get_error(context.get());
  ERR_clear_error();
  EXPECT_EQ(ok == 1, error == X509_V_OK);
  return error;
}

TEST(ClientLeafTest, IsAClientCertificateNamedByItsCommonName) {
  const PemIdentity identity = Certificates::ForThisRun().ClientLeaf("mailer");
  std::vector<X509Ptr> chain = ParseChain(identity.certificate_chain_pem);
  ASSERT_EQ(chain.size(), 2u);
  X509* leaf = chain[0].get();
  X509Ptr ca = ParseOne(Certificates::ForThisRun().CaPem());
  EXPECT_EQ(X509_cmp(chain[1].get(), ca.get()), 0);
  EXPECT_EQ(X509_check_issued(ca.get(), leaf), X509_V_OK);
  EXPECT_EQ(X509_check_ca(leaf), 0);
  EXPECT_EQ(X509_get_extended_key_usage(leaf),
            static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(X509_get_key_usage(leaf),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
  char line[256];
  X509_NAME_oneline(X509_get_subject_name(leaf), line, sizeof line);
  EXPECT_STREQ(line, "/CN=mailer");
  EXPECT_THAT(SubjectAltNames(leaf), ::testing::IsEmpty());
  EvpPkeyPtr key = ParseKey(identity.private_key_pem);
  ASSERT_TRUE(key);
  EXPECT_EQ(X509_check_private_key(leaf, key.get()), 1);

  EXPECT_EQ(VerifyClient(identity), X509_V_OK);
  // Its EKU is clientAuth only: no server would accept it as its own.
  EXPECT_EQ(Verify(identity, "localhost"), X509_V_ERR_INVALID_PURPOSE);
  // And a server leaf is no client certificate: the check has teeth.
  EXPECT_EQ(VerifyClient(Certificates::ForThisRun().Leaf("localhost")),
            X509_V_ERR_INVALID_PURPOSE);
}

class BrokenClientLeafTest : public ::testing::TestWithParam<BrokenCase> {};

TEST_P(BrokenClientLeafTest, IsRejectedByAServerTrustingTheCa) {
  const PemIdentity identity =
      Certificates::ForThisRun().ClientLeaf("mailer", GetParam().problem);
  const int error = VerifyClient(identity);
  EXPECT_EQ(error, GetParam().error) << X509_verify_cert_error_string(error);
  X509Ptr leaf = LeafOf(identity);
  EvpPkeyPtr key = ParseKey(identity.private_key_pem);
  ASSERT_TRUE(key && leaf);
  EXPECT_EQ(X509_check_private_key(leaf.get(), key.get()), 1);
  EXPECT_EQ(CommonName(leaf.get()), "mailer");
  EXPECT_EQ(X509_get_extended_key_usage(leaf.get()),
            static_cast<uint32_t>(XKU_SSL_CLIENT));
}

INSTANTIATE_TEST_SUITE_P(
    AllClientProblems, BrokenClientLeafTest,
    ::testing::Values(BrokenCase{CertificateProblem::kExpired,
                                 X509_V_ERR_CERT_HAS_EXPIRED, 0},
                      BrokenCase{CertificateProblem::kNotYetValid,
                                 X509_V_ERR_CERT_NOT_YET_VALID, 0},
                      BrokenCase{CertificateProblem::kSelfSigned,
                                 X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0},
                      BrokenCase{CertificateProblem::kUnknownAuthority,
                                 X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN, 0}),
    [](const ::testing::TestParamInfo<BrokenCase>& param_info) {
      std::string name = CertificateProblemName(param_info.param.problem);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(ClientLeafTest, IsCachedPerNameAndProblemApartFromServerLeaves) {
  const Certificates& certificates = Certificates::ForThisRun();
  const PemIdentity first = certificates.ClientLeaf("cache-client");
  const PemIdentity again = certificates.ClientLeaf("cache-client");
  EXPECT_EQ(first.certificate_chain_pem, again.certificate_chain_pem);
  EXPECT_EQ(first.private_key_pem, again.private_key_pem);
  EXPECT_NE(
      certificates.ClientLeaf("cache-client", CertificateProblem::kExpired)
          .certificate_chain_pem,
      first.certificate_chain_pem);
  EXPECT_NE(certificates.ClientLeaf("other-client").certificate_chain_pem,
            first.certificate_chain_pem);
  // The same name as a server leaf is another certificate.
  EXPECT_NE(certificates.Leaf("cache-client").certificate_chain_pem,
            first.certificate_chain_pem);
}

TEST(ClientLeafTest, ConcurrentCallsGetTheSameIdentity) {
  std::vector<std::future<PemIdentity>> calls;
  for (int i = 0; i < 4; ++i) {
    calls.push_back(std::async(std::launch::async, [] {
      return Certificates::ForThisRun().ClientLeaf("concurrent-client");
    }));
  }
  std::set<std::string> chains;
  for (auto& call : calls) chains.insert(call.get().certificate_chain_pem);
  EXPECT_EQ(chains.size(), 1u);
}

TEST(ClientLeafTest, RefusesBadNamesAndTheHostnameProblem) {
  const Certificates& certificates = Certificates::ForThisRun();
  EXPECT_THAT([&] { certificates.ClientLeaf(""); },
              ThrowsMessage<Error>(HasSubstr("client common name is empty")));
  EXPECT_THAT([&] { certificates.ClientLeaf(std::string(65, 'a')); },
              ThrowsMessage<Error>(HasSubstr("longer than 64 bytes")));
  EXPECT_THAT([&] { certificates.ClientLeaf("a\nb"); },
              ThrowsMessage<Error>(HasSubstr("control character")));
  EXPECT_THAT(
      [&] {
        certificates.ClientLeaf("mailer", CertificateProblem::kWrongHostname);
      },
      ThrowsMessage<Error>(HasSubstr("kWrongHostname has no meaning")));
  // A space and UTF-8 are fine in a common name.
  X509Ptr leaf = LeafOf(certificates.ClientLeaf("M\xc3\xbcller Mailer"));
  ASSERT_TRUE(leaf);
  EXPECT_EQ(CommonName(leaf.get()), "M\xc3\xbcller Mailer");
}

TEST(PkiTest, IssuesClientCertificatesWithOrganization) {
  const detail::Credential ca = detail::MakeCertificateAuthority("test CA");
  detail::CertificateSpec spec;
  spec.role = detail::CertificateRole::kClient;
  spec.common_name = "client";
  spec.organization = "Example";
  const detail::Credential client = detail::IssueCertificate(spec, &ca);
  EXPECT_EQ(X509_get_extended_key_usage(client.certificate.get()),
            static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_THAT(SubjectAltNames(client.certificate.get()), ::testing::IsEmpty());
  char line[256];
  X509_NAME_oneline(X509_get_subject_name(client.certificate.get()), line,
                    sizeof line);
  EXPECT_STREQ(line, "/O=Example/CN=client");
  EXPECT_EQ(X509_check_issued(ca.certificate.get(), client.certificate.get()),
            X509_V_OK);
}

TEST(PkiTest, RandomHexHasTheRequestedLength) {
  EXPECT_EQ(detail::RandomHex(8).size(), 16u);
  EXPECT_NE(detail::RandomHex(8), detail::RandomHex(8));
  EXPECT_THAT(detail::RandomHex(4), ::testing::MatchesRegex("[0-9a-f]+"));
}

// Runs in a child process of its own (threadsafe style re-executes this test
// binary), so that ForThisRun() is first called there, with TMPDIR set, and
// the child's exit shows whether the directory is removed.
TEST(CertificatesDeathTest, CaFileLivesUnderTmpdirAndIsRemovedAtExit) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  // The child re-runs this function from the top; the environment carries
  // the parent's directory to it.
  constexpr const char* kVariable = "SMTPFIXTURE_CERTS_TEST_TMPDIR";
  std::string base;
  if (const char* inherited = std::getenv(kVariable)) {
    base = inherited;
  } else {
    std::string pattern =
        (ExpectedTemporaryBase() / "smtpfixture-certs-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    base = pattern;
    setenv(kVariable, base.c_str(), 1);
  }

  EXPECT_EXIT(
      {
        unsetenv("TEST_TMPDIR");
        setenv("TMPDIR", base.c_str(), 1);
        const std::filesystem::path file = Certificates::ForThisRun().CaFile();
        std::fprintf(stderr, "ca file: %s\n", file.c_str());
        const bool ok = file.parent_path().parent_path() == base &&
                        std::filesystem::is_regular_file(file);
        std::exit(ok ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "ca file: " + base + "/smtpfixture-");

  // The child's exit removed its directory and nothing else.
  EXPECT_TRUE(std::filesystem::exists(base));
  EXPECT_TRUE(std::filesystem::is_empty(base));
  unsetenv(kVariable);
  std::filesystem::remove_all(base);
}

TEST(CertificatesDeathTest, UnusableTmpdirThrowsAndALaterCallRetries) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        const std::string usable = ExpectedTemporaryBase().string();
        unsetenv("TEST_TMPDIR");
        setenv("TMPDIR", "/nonexistent/smtpfixture-test", 1);
        try {
          Certificates::ForThisRun();
          std::fprintf(stderr, "no exception\n");
        } catch (const Error& error) {
          std::fprintf(stderr, "error: %s\n", error.what());
        }
        // A failed construction leaves no half-made object behind.
        setenv("TMPDIR", usable.c_str(), 1);
        std::exit(std::filesystem::is_regular_file(
                      Certificates::ForThisRun().CaFile())
                      ? 0
                      : 1);
      },
      ::testing::ExitedWithCode(0),
      "error: cannot create a temporary directory in "
      "\"/nonexistent/smtpfixture-test\" for the CA file: No such file");
}

}  // namespace
}  // namespace smtpfixture
