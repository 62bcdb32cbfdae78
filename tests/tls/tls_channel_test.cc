#include "fixture/tls/tls_channel.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "certs/pki.h"
#include "fixture/base/openssl_ptr.h"
#include "fixture/tls/tls_context.h"
#include "smtpfixture/certs.h"
#include "smtpfixture/error.h"

namespace smtpfixture::detail {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::StrEq;
using ::testing::ThrowsMessage;
using FeedResult = TlsChannel::FeedResult;

// A real OpenSSL client over its own pair of memory BIOs, verifying the
// server the way a correctly configured mailer does: trusting the run's CA
// and checking the hostname.
struct ClientOptions {
  std::string sni = "localhost";          // empty: send none
  std::string verify_host = "localhost";  // empty: no hostname check
  bool verify = true;
  int min_version = 0;
  int max_version = 0;
  std::string tls12_ciphers;  // empty: OpenSSL's default
  const Credential* certificate = nullptr;
  const PemIdentity* identity = nullptr;  // leaf, chain and key, as PEM
};

// Loads `identity` into `ssl` as a client presents it: the leaf, the rest of
// its chain, the key.
void UseIdentity(SSL* ssl, const PemIdentity& identity) {
  const std::string& chain = identity.certificate_chain_pem;
  BioPtr bio(BIO_new_mem_buf(chain.data(), static_cast<int>(chain.size())));
  X509Ptr leaf(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(leaf);
  EXPECT_EQ(SSL_use_certificate(ssl, leaf.get()), 1);
  while (
      X509Ptr next{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)}) {
    EXPECT_EQ(SSL_add1_chain_cert(ssl, next.get()), 1);
  }
  ERR_clear_error();
  const std::string& key_pem = identity.private_key_pem;
  BioPtr key_bio(
      BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  EvpPkeyPtr key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(key);
  EXPECT_EQ(SSL_use_PrivateKey(ssl, key.get()), 1);
}

class TestClient {
 public:
  explicit TestClient(const ClientOptions& options = {}) {
    context_.reset(SSL_CTX_new(TLS_client_method()));
    EXPECT_TRUE(context_);
    SSL_CTX_set_min_proto_version(context_.get(), options.min_version);
    SSL_CTX_set_max_proto_version(context_.get(), options.max_version);
    if (!options.tls12_ciphers.empty()) {
      EXPECT_EQ(SSL_CTX_set_cipher_list(context_.get(),
                                        options.tls12_ciphers.c_str()),
                1);
    }
    const std::string& ca_pem = Certificates::ForThisRun().CaPem();
    BioPtr bio(BIO_new_mem_buf(ca_pem.data(), static_cast<int>(ca_pem.size())));
    X509Ptr ca(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    EXPECT_EQ(
        X509_STORE_add_cert(SSL_CTX_get_cert_store(context_.get()), ca.get()),
        1);
    SSL_CTX_set_verify(context_.get(),
                       options.verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
                       nullptr);

    ssl_.reset(SSL_new(context_.get()));
    BioPtr inbound(BIO_new(BIO_s_mem()));
    BioPtr outbound(BIO_new(BIO_s_mem()));
    BIO_set_mem_eof_return(inbound.get(), -1);
    BIO_set_mem_eof_return(outbound.get(), -1);
    inbound_ = inbound.get();
    outbound_ = outbound.get();
    SSL_set_bio(ssl_.get(), inbound.release(), outbound.release());  // owns
    SSL_set_connect_state(ssl_.get());
    if (!options.sni.empty()) {
      SSL_set_tlsext_host_name(ssl_.get(), options.sni.c_str());
    }
    if (!options.verify_host.empty()) {
      SSL_set1_host(ssl_.get(), options.verify_host.c_str());
    }
    if (options.certificate != nullptr) {
      EXPECT_EQ(SSL_use_certificate(ssl_.get(),
                                    options.certificate->certificate.get()),
                1);
      EXPECT_EQ(SSL_use_PrivateKey(ssl_.get(), options.certificate->key.get()),
                1);
    }
    if (options.identity != nullptr) UseIdentity(ssl_.get(), *options.identity);
  }

  // One step of the handshake: true once it is complete.
  bool Handshake() {
    if (done_ || !error_.empty()) return done_;
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_.get());
    const int ssl_error = SSL_get_error(ssl_.get(), result);
    if (result == 1) {
      done_ = true;
    } else if (ssl_error != SSL_ERROR_WANT_READ) {
      error_ = TakeOpenSslReason("client failure " + std::to_string(ssl_error));
    }
    return done_;
  }

  void Give(std::string_view ciphertext) {
    if (!ciphertext.empty()) {
      BIO_write(inbound_, ciphertext.data(),
                static_cast<int>(ciphertext.size()));
    }
  }

  std::string TakeOutput() {
    std::string output(BIO_ctrl_pending(outbound_), '\0');
    if (!output.empty()) {
      BIO_read(outbound_, output.data(), static_cast<int>(output.size()));
    }
    return output;
  }

  void Write(std::string_view plaintext) {
    ERR_clear_error();
    std::size_t written = 0;
    ASSERT_EQ(
        SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &written),
        1);
    ASSERT_EQ(written, plaintext.size());
  }

  // Everything decryptable now; sets closed() on close_notify.
  std::string Read() {
    std::string plaintext;
    char buffer[4096];
    while (true) {
      std::size_t read = 0;
      ERR_clear_error();
      const int result = SSL_read_ex(ssl_.get(), buffer, sizeof buffer, &read);
      const int ssl_error = SSL_get_error(ssl_.get(), result);
      if (result == 1) {
        plaintext.append(buffer, read);
        continue;
      }
      if (ssl_error == SSL_ERROR_ZERO_RETURN) closed_ = true;
      if (ssl_error != SSL_ERROR_WANT_READ &&
          ssl_error != SSL_ERROR_ZERO_RETURN) {
        error_ = TakeOpenSslReason("client read failure");
      }
      return plaintext;
    }
  }

  SSL* ssl() { return ssl_.get(); }
  bool done() const { return done_; }
  bool closed() const { return closed_; }
  const std::string& error() const { return error_; }

 private:
  SslCtxPtr context_;
  SslPtr ssl_;
  BIO* inbound_ = nullptr;
  BIO* outbound_ = nullptr;
  bool done_ = false;
  bool closed_ = false;
  std::string error_;
};

// Moves bytes both ways until neither side has anything more to say.
// `chunk` > 0 feeds the server that many bytes per Feed() call, and hands
// the client the server's output in chunks of the same size.
void Pump(TestClient& client, TlsChannel& server, std::string& plaintext,
          std::size_t chunk = 0) {
  for (int round = 0; round < 100; ++round) {
    client.Handshake();
    const std::string to_server = client.TakeOutput();
    std::string_view rest = to_server;
    while (!rest.empty()) {
      const std::size_t n =
          chunk == 0 ? rest.size() : std::min(chunk, rest.size());
      server.Feed(rest.substr(0, n), plaintext);
      rest.remove_prefix(n);
    }
    const std::string to_client = server.TakeOutput();
    for (std::size_t i = 0; i < to_client.size();
         i += chunk == 0 ? to_client.size() : chunk) {
      client.Give(std::string_view(to_client).substr(
          i, chunk == 0 ? std::string::npos : chunk));
      client.Handshake();
    }
    if (to_server.empty() && to_client.empty()) return;
  }
  ADD_FAILURE() << "the handshake did not settle";
}

SslCtxPtr ServerContext(TlsContextOptions options) {
  return MakeServerTlsContext(options);
}

TlsContextOptions LeafFor(
    const std::string& host,
    CertificateProblem problem = CertificateProblem::kNone) {
  TlsContextOptions options;
  options.identity = Certificates::ForThisRun().Leaf(host, problem);
  return options;
}

// The set-up of every channel test: a server channel on a context of its own
// and a client (neither has sent anything yet); Handshake() runs the
// handshake to its end, successful or not.
struct TlsPair {
  explicit TlsPair(const TlsContextOptions& options = LeafFor("localhost"),
                   const ClientOptions& client_options = {})
      : context(ServerContext(options)),
        server(context.get()),
        client(client_options) {}

  void Handshake(std::size_t chunk = 0) {
    Pump(client, server, plaintext, chunk);
  }

  SslCtxPtr context;
  TlsChannel server;
  TestClient client;
  std::string plaintext;  // what the server decrypted
};

TEST(TlsChannelTest, HandshakeWithAVerifyingClientSucceeds) {
  TlsPair tls;
  EXPECT_FALSE(tls.server.handshake_started());
  tls.Handshake();

  ASSERT_TRUE(tls.client.done()) << tls.client.error();
  EXPECT_EQ(SSL_get_verify_result(tls.client.ssl()), X509_V_OK);
  EXPECT_TRUE(tls.server.handshake_started());
  EXPECT_TRUE(tls.server.handshake_complete());
  EXPECT_FALSE(tls.server.failed()) << tls.server.error();
  EXPECT_THAT(tls.plaintext, IsEmpty());

  const TlsInfo info = tls.server.Info(TlsMode::kImplicit);
  EXPECT_EQ(info.mode, TlsMode::kImplicit);
  EXPECT_EQ(info.version, "TLSv1.3");
  EXPECT_THAT(info.cipher, StartsWith("TLS_"));
  EXPECT_EQ(info.cipher,
            SSL_CIPHER_get_name(SSL_get_current_cipher(tls.client.ssl())));
  EXPECT_EQ(info.sni, "localhost");
  EXPECT_THAT(info.client_certificate_subject, IsEmpty());
  // The server sends leaf and CA, and no session tickets.
  EXPECT_EQ(sk_X509_num(SSL_get_peer_cert_chain(tls.client.ssl())), 2);
  tls.client.Read();  // would take in NewSessionTicket messages, if any came
  EXPECT_THAT(tls.client.error(), IsEmpty());
  EXPECT_EQ(SSL_SESSION_has_ticket(SSL_get0_session(tls.client.ssl())), 0);
}

TEST(TlsChannelTest, InfoBeforeTheHandshakeHasOnlyTheMode) {
  TlsPair tls;
  const TlsInfo info = tls.server.Info(TlsMode::kStartTls);
  EXPECT_EQ(info.mode, TlsMode::kStartTls);
  EXPECT_THAT(info.version, IsEmpty());
  EXPECT_THAT(info.cipher, IsEmpty());
}

TEST(TlsChannelTest, ServerLimitedToTls12NegotiatesTls12) {
  TlsContextOptions options = LeafFor("localhost");
  options.max_version = "TLSv1.2";
  TlsPair tls(options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  const TlsInfo info = tls.server.Info(TlsMode::kStartTls);
  EXPECT_EQ(info.version, "TLSv1.2");
  EXPECT_THAT(info.cipher, HasSubstr("ECDSA"));
  EXPECT_EQ(info.sni, "localhost");
}

TEST(TlsChannelTest, ClientLimitedToTls12NegotiatesTls12) {
  ClientOptions client_options;
  client_options.max_version = TLS1_2_VERSION;
  TlsPair tls(LeafFor("localhost"), client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_EQ(tls.server.Info(TlsMode::kStartTls).version, "TLSv1.2");
}

TEST(TlsChannelTest, ServerLimitedToTls13NegotiatesTls13) {
  TlsContextOptions options = LeafFor("localhost");
  options.min_version = "TLSv1.3";
  options.max_version = "TLSv1.3";
  TlsPair tls(options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_EQ(tls.server.Info(TlsMode::kStartTls).version, "TLSv1.3");
}

TEST(TlsChannelTest, ClientMax12AgainstServerMin13Fails) {
  TlsContextOptions options = LeafFor("localhost");
  options.min_version = "TLSv1.3";
  ClientOptions client_options;
  client_options.max_version = TLS1_2_VERSION;
  TlsPair tls(options, client_options);
  tls.Handshake();
  EXPECT_FALSE(tls.client.done());
  EXPECT_FALSE(tls.server.handshake_complete());
  ASSERT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), "unsupported protocol");
  EXPECT_THAT(tls.client.error(), HasSubstr("protocol version"));
}

TEST(TlsChannelTest, ClientMin13AgainstServerMax12Fails) {
  TlsContextOptions options = LeafFor("localhost");
  options.max_version = "TLSv1.2";
  ClientOptions client_options;
  client_options.min_version = TLS1_3_VERSION;
  TlsPair tls(options, client_options);
  tls.Handshake();
  EXPECT_FALSE(tls.client.done());
  ASSERT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), "unsupported protocol");
}

TEST(TlsChannelTest, NoSharedCipherIsReported) {
  // RSA key exchange only: nothing an ECDSA certificate can serve.
  ClientOptions client_options;
  client_options.max_version = TLS1_2_VERSION;
  client_options.tls12_ciphers = "AES128-GCM-SHA256";
  TlsPair tls(LeafFor("localhost"), client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), "no shared cipher");
}

TEST(TlsChannelTest, SniIsRecorded) {
  ClientOptions client_options;
  client_options.sni = "mail.example.test";
  client_options.verify_host = "mail.example.test";
  TlsPair tls(LeafFor("mail.example.test"), client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.client.done()) << tls.client.error();
  EXPECT_EQ(tls.server.Info(TlsMode::kStartTls).sni, "mail.example.test");
}

TEST(TlsChannelTest, NoSniWhenTheClientSendsNone) {
  ClientOptions client_options;
  client_options.sni = "";
  TlsPair tls(LeafFor("localhost"), client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_THAT(tls.server.Info(TlsMode::kStartTls).sni, IsEmpty());
}

// A CA that is not the run's: the second certificate of an
// unknown-authority client identity.
std::string ClientLeafCaPem() {
  const std::string chain =
      Certificates::ForThisRun()
          .ClientLeaf("mailer", CertificateProblem::kUnknownAuthority)
          .certificate_chain_pem;
  const std::string end = "-----END CERTIFICATE-----\n";
  return chain.substr(chain.find(end) + end.size());
}

Credential ClientCredential() {
  // Signed by a CA of its own: the server records, it does not verify.
  static const Credential* const ca =
      new Credential(MakeCertificateAuthority("client CA"));
  CertificateSpec spec;
  spec.role = CertificateRole::kClient;
  spec.common_name = "client";
  spec.organization = "Example";
  return IssueCertificate(spec, ca);
}

class ClientCertificateTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ClientCertificateTest, SubjectIsRecordedWhenRequested) {
  TlsContextOptions options = LeafFor("localhost");
  options.request_client_certificate = true;
  options.max_version = GetParam();
  const Credential credential = ClientCredential();
  ClientOptions client_options;
  client_options.certificate = &credential;
  TlsPair tls(options, client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_EQ(tls.server.Info(TlsMode::kStartTls).version, GetParam());
  EXPECT_EQ(tls.server.Info(TlsMode::kStartTls).client_certificate_subject,
            "CN=client,O=Example");
}

TEST_P(ClientCertificateTest, RequestedButNotPresentedIsFine) {
  TlsContextOptions options = LeafFor("localhost");
  options.request_client_certificate = true;
  options.max_version = GetParam();
  TlsPair tls(options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_THAT(tls.server.Info(TlsMode::kStartTls).client_certificate_subject,
              IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Versions, ClientCertificateTest,
                         ::testing::Values("TLSv1.2", "TLSv1.3"),
                         [](const ::testing::TestParamInfo<const char*>& p) {
                           return std::string(p.param).substr(4, 1) + "_" +
                                  std::string(p.param).substr(6, 1);
                         });

TEST(TlsChannelTest, ClientCertificateIsNotAskedForByDefault) {
  const Credential credential = ClientCredential();
  ClientOptions client_options;
  client_options.certificate = &credential;
  TlsPair tls(LeafFor("localhost"), client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_THAT(tls.server.Info(TlsMode::kStartTls).client_certificate_subject,
              IsEmpty());
}

TEST_P(ClientCertificateTest, RequestedCertificateFromAnotherCaDoesNotVerify) {
  TlsContextOptions options = LeafFor("localhost");
  options.request_client_certificate = true;
  options.client_ca_pem = Certificates::ForThisRun().CaPem();
  options.max_version = GetParam();
  const Credential credential = ClientCredential();  // its own CA
  ClientOptions client_options;
  client_options.certificate = &credential;
  TlsPair tls(options, client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  const TlsInfo info = tls.server.Info(TlsMode::kStartTls);
  EXPECT_EQ(info.client_certificate_subject, "CN=client,O=Example");
  EXPECT_FALSE(info.client_certificate_verified);
  EXPECT_THAT(tls.server.VerifiedClientCommonName(), IsEmpty());
}

TEST_P(ClientCertificateTest, RequestedCertificateFromTheClientCaVerifies) {
  TlsContextOptions options = LeafFor("localhost");
  options.request_client_certificate = true;
  options.client_ca_pem = Certificates::ForThisRun().CaPem();
  options.max_version = GetParam();
  const PemIdentity identity = Certificates::ForThisRun().ClientLeaf("mailer");
  ClientOptions client_options;
  client_options.identity = &identity;
  TlsPair tls(options, client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  const TlsInfo info = tls.server.Info(TlsMode::kStartTls);
  EXPECT_EQ(info.client_certificate_subject, "CN=mailer");
  EXPECT_TRUE(info.client_certificate_verified);
  EXPECT_EQ(tls.server.VerifiedClientCommonName(), "mailer");
}

TEST_P(ClientCertificateTest, RequiredCertificateThatVerifiesIsAccepted) {
  TlsContextOptions options = LeafFor("localhost");
  options.require_client_certificate = true;
  options.client_ca_pem = Certificates::ForThisRun().CaPem();
  options.max_version = GetParam();
  const PemIdentity identity = Certificates::ForThisRun().ClientLeaf("mailer");
  ClientOptions client_options;
  client_options.identity = &identity;
  TlsPair tls(options, client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_TRUE(tls.client.done()) << tls.client.error();
  const TlsInfo info = tls.server.Info(TlsMode::kImplicit);
  EXPECT_EQ(info.client_certificate_subject, "CN=mailer");
  EXPECT_TRUE(info.client_certificate_verified);
  EXPECT_EQ(tls.server.VerifiedClientCommonName(), "mailer");
}

TEST_P(ClientCertificateTest, RequiredCertificateMissingFailsTheHandshake) {
  TlsContextOptions options = LeafFor("localhost");
  options.require_client_certificate = true;
  options.client_ca_pem = Certificates::ForThisRun().CaPem();
  options.max_version = GetParam();
  TlsPair tls(options);
  tls.Handshake();
  EXPECT_FALSE(tls.server.handshake_complete());
  ASSERT_TRUE(tls.server.failed());
  EXPECT_THAT(tls.server.error(),
              HasSubstr("peer did not return a certificate"));
}

TEST_P(ClientCertificateTest, RequiredCertificateFromAnotherCaFails) {
  // A CA the client chose (and sends along) is no trust anchor of ours.
  TlsContextOptions options = LeafFor("localhost");
  options.require_client_certificate = true;
  options.client_ca_pem = Certificates::ForThisRun().CaPem();
  options.max_version = GetParam();
  const PemIdentity identity = Certificates::ForThisRun().ClientLeaf(
      "mailer", CertificateProblem::kUnknownAuthority);
  ClientOptions client_options;
  client_options.identity = &identity;
  TlsPair tls(options, client_options);
  tls.Handshake();
  EXPECT_FALSE(tls.server.handshake_complete());
  ASSERT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), "certificate verify failed");
}

class ClientProblemTest
    : public ::testing::TestWithParam<std::tuple<CertificateProblem, bool>> {};

TEST_P(ClientProblemTest, FailsWhenRequiredIsRecordedUnverifiedWhenRequested) {
  const auto& [problem, required] = GetParam();
  TlsContextOptions options = LeafFor("localhost");
  options.request_client_certificate = !required;
  options.require_client_certificate = required;
  options.client_ca_pem = Certificates::ForThisRun().CaPem();
  const PemIdentity identity =
      Certificates::ForThisRun().ClientLeaf("mailer", problem);
  ClientOptions client_options;
  client_options.identity = &identity;
  TlsPair tls(options, client_options);
  tls.Handshake();
  if (required) {
    EXPECT_FALSE(tls.server.handshake_complete());
    EXPECT_EQ(tls.server.error(), "certificate verify failed");
    return;
  }
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  const TlsInfo info = tls.server.Info(TlsMode::kStartTls);
  EXPECT_EQ(info.client_certificate_subject, "CN=mailer");
  EXPECT_FALSE(info.client_certificate_verified);
  EXPECT_THAT(tls.server.VerifiedClientCommonName(), IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    AllClientProblems, ClientProblemTest,
    ::testing::Combine(::testing::Values(CertificateProblem::kExpired,
                                         CertificateProblem::kNotYetValid,
                                         CertificateProblem::kSelfSigned,
                                         CertificateProblem::kUnknownAuthority),
                       ::testing::Bool()),
    [](const ::testing::TestParamInfo<std::tuple<CertificateProblem, bool>>&
           p) {
      std::string name = CertificateProblemName(std::get<0>(p.param));
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name + (std::get<1>(p.param) ? "_required" : "_requested");
    });

TEST(TlsChannelTest, ClientCaPemChoosesTheTrustAnchors) {
  // Another CA as the anchor: its client verifies, the run's CA's does not.
  const Credential other_ca = MakeCertificateAuthority("other client CA");
  CertificateSpec spec;
  spec.role = CertificateRole::kClient;
  spec.common_name = "other";
  const Credential other_client = IssueCertificate(spec, &other_ca);
  TlsContextOptions options = LeafFor("localhost");
  options.require_client_certificate = true;
  options.client_ca_pem = CertificatePem(*other_ca.certificate);
  SslCtxPtr context = ServerContext(options);
  {
    TlsChannel server(context.get());
    ClientOptions client_options;
    client_options.certificate = &other_client;
    TestClient client(client_options);
    std::string plaintext;
    Pump(client, server, plaintext);
    ASSERT_TRUE(server.handshake_complete()) << server.error();
    EXPECT_TRUE(server.Info(TlsMode::kStartTls).client_certificate_verified);
    EXPECT_EQ(server.VerifiedClientCommonName(), "other");
  }
  {
    TlsChannel server(context.get());
    const PemIdentity identity =
        Certificates::ForThisRun().ClientLeaf("mailer");
    ClientOptions client_options;
    client_options.identity = &identity;
    TestClient client(client_options);
    std::string plaintext;
    Pump(client, server, plaintext);
    EXPECT_FALSE(server.handshake_complete());
    EXPECT_EQ(server.error(), "certificate verify failed");
  }
}

TEST(TlsChannelTest, UnrequestedCertificateIsNeitherRecordedNorVerified) {
  const PemIdentity identity = Certificates::ForThisRun().ClientLeaf("mailer");
  ClientOptions client_options;
  client_options.identity = &identity;
  TlsPair tls(LeafFor("localhost"), client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_FALSE(tls.server.Info(TlsMode::kStartTls).client_certificate_verified);
  EXPECT_THAT(tls.server.VerifiedClientCommonName(), IsEmpty());
}

TEST(TlsContextTest, BadClientCaPemIsNamedInTheError) {
  TlsContextOptions options = LeafFor("localhost");
  options.require_client_certificate = true;
  options.client_ca_pem = "not a certificate";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith(
                  "client_ca_pem: no PEM certificate found (expected")));
  options.client_ca_pem =
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith(
                  "client_ca_pem: cannot decode PEM certificate #1")));
  // The second certificate is named too, and request reads it as require does.
  options.require_client_certificate = false;
  options.request_client_certificate = true;
  options.client_ca_pem =
      Certificates::ForThisRun().CaPem() +
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith(
                  "client_ca_pem: cannot decode PEM certificate #2")));
  // Unused when no certificate is asked for.
  options.request_client_certificate = false;
  EXPECT_NO_THROW(MakeServerTlsContext(options));
}

TEST(TlsContextTest, SharedContextsDifferByClientCertificateOptions) {
  TlsContextOptions requested = LeafFor("localhost");
  requested.request_client_certificate = true;
  requested.client_ca_pem = Certificates::ForThisRun().CaPem();
  TlsContextOptions required = requested;
  required.request_client_certificate = false;
  required.require_client_certificate = true;
  TlsContextOptions other_ca = required;
  other_ca.client_ca_pem = ClientLeafCaPem();
  const auto a = SharedServerTlsContext(requested);
  const auto b = SharedServerTlsContext(required);
  const auto c = SharedServerTlsContext(other_ca);
  EXPECT_NE(a.get(), b.get());
  EXPECT_NE(b.get(), c.get());
  EXPECT_EQ(SharedServerTlsContext(required).get(), b.get());
}

TEST(TlsChannelTest, SubjectKeepsUtf8AndEscapesRfc2253Specials) {
  TlsContextOptions options = LeafFor("localhost");
  options.request_client_certificate = true;
  const Credential ca = MakeCertificateAuthority("client CA");
  CertificateSpec spec;
  spec.role = CertificateRole::kClient;
  spec.common_name = "J\xc3\xbcrgen, Jr.";
  const Credential credential = IssueCertificate(spec, &ca);
  ClientOptions client_options;
  client_options.certificate = &credential;
  TlsPair tls(options, client_options);
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  EXPECT_EQ(tls.server.Info(TlsMode::kStartTls).client_certificate_subject,
            "CN=J\xc3\xbcrgen\\, Jr.");
}

struct BrokenCase {
  CertificateProblem problem;
  const char* client_alert;  // as the server reports it
  long client_verify_result;
};

void PrintTo(const BrokenCase& c, std::ostream* os) {
  *os << CertificateProblemName(c.problem);
}

class BrokenCertificateTest
    : public ::testing::TestWithParam<std::tuple<BrokenCase, const char*>> {};

TEST_P(BrokenCertificateTest, VerifyingClientAbortsAndServerSeesItsAlert) {
  const auto& [broken, version] = GetParam();
  TlsContextOptions options = LeafFor("localhost", broken.problem);
  options.max_version = version;
  TlsPair tls(options);
  tls.Handshake();

  EXPECT_FALSE(tls.client.done());
  EXPECT_EQ(tls.client.error(), "certificate verify failed");
  EXPECT_EQ(SSL_get_verify_result(tls.client.ssl()),
            broken.client_verify_result)
      << X509_verify_cert_error_string(SSL_get_verify_result(tls.client.ssl()));
  EXPECT_FALSE(tls.server.handshake_complete());
  ASSERT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), broken.client_alert);
  std::string more;
  EXPECT_EQ(tls.server.Feed("anything", more), FeedResult::kFailed);
  EXPECT_FALSE(tls.server.Write("220 too late\r\n"));
}

TEST_P(BrokenCertificateTest, NonVerifyingClientConnectsAnyway) {
  const auto& [broken, version] = GetParam();
  TlsContextOptions options = LeafFor("localhost", broken.problem);
  options.max_version = version;
  ClientOptions client_options;
  client_options.verify = false;
  TlsPair tls(options, client_options);
  tls.Handshake();
  EXPECT_TRUE(tls.client.done()) << tls.client.error();
  EXPECT_TRUE(tls.server.handshake_complete()) << tls.server.error();
}

INSTANTIATE_TEST_SUITE_P(
    AllProblems, BrokenCertificateTest,
    ::testing::Combine(
        ::testing::Values(BrokenCase{CertificateProblem::kExpired,
                                     "sslv3 alert certificate expired",
                                     X509_V_ERR_CERT_HAS_EXPIRED},
                          BrokenCase{CertificateProblem::kNotYetValid,
                                     "sslv3 alert bad certificate",
                                     X509_V_ERR_CERT_NOT_YET_VALID},
                          BrokenCase{CertificateProblem::kWrongHostname,
                                     "sslv3 alert bad certificate",
                                     X509_V_ERR_HOSTNAME_MISMATCH},
                          BrokenCase{CertificateProblem::kSelfSigned,
                                     "tlsv1 alert unknown ca",
                                     X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT},
                          BrokenCase{CertificateProblem::kUnknownAuthority,
                                     "tlsv1 alert unknown ca",
                                     X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN}),
        ::testing::Values("TLSv1.2", "TLSv1.3")),
    [](const ::testing::TestParamInfo<std::tuple<BrokenCase, const char*>>& p) {
      std::string name = CertificateProblemName(std::get<0>(p.param).problem);
      name += std::get<1>(p.param);
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST(TlsChannelTest, PlaintextSmtpIsAWrongVersionNumber) {
  TlsPair tls;
  EXPECT_EQ(tls.server.Feed("EHLO x\r\n", tls.plaintext), FeedResult::kFailed);
  EXPECT_TRUE(tls.server.handshake_started());
  EXPECT_FALSE(tls.server.handshake_complete());
  EXPECT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), "wrong version number");
  EXPECT_THAT(tls.plaintext, IsEmpty());
}

TEST(TlsChannelTest, HandshakeAndDataWorkOneByteAtATime) {
  TlsPair tls;
  tls.Handshake(/*chunk=*/1);
  ASSERT_TRUE(tls.client.done()) << tls.client.error();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();

  tls.client.Write("EHLO tls.client.example\r\n");
  if (HasFatalFailure()) return;
  const std::string record = tls.client.TakeOutput();
  for (std::size_t i = 0; i < record.size(); ++i) {
    ASSERT_EQ(tls.server.Feed(record.substr(i, 1), tls.plaintext),
              FeedResult::kOk);
    if (i + 1 < record.size()) {
      EXPECT_THAT(tls.plaintext, IsEmpty());
    }
  }
  EXPECT_EQ(tls.plaintext, "EHLO tls.client.example\r\n");
}

TEST(TlsChannelTest, ApplicationDataInTheSameFeedAsTheLastFlight) {
  TlsPair tls;
  // ClientHello in, server's flight out; the client then finishes and
  // writes at once, so its Finished and its first command travel together.
  tls.client.Handshake();
  ASSERT_EQ(tls.server.Feed(tls.client.TakeOutput(), tls.plaintext),
            FeedResult::kOk);
  tls.client.Give(tls.server.TakeOutput());
  ASSERT_TRUE(tls.client.Handshake()) << tls.client.error();
  tls.client.Write("EHLO together\r\n");
  if (HasFatalFailure()) return;
  EXPECT_FALSE(tls.server.handshake_complete());
  EXPECT_EQ(tls.server.Feed(tls.client.TakeOutput(), tls.plaintext),
            FeedResult::kOk);
  EXPECT_TRUE(tls.server.handshake_complete());
  EXPECT_EQ(tls.plaintext, "EHLO together\r\n");
}

TEST(TlsChannelTest, DataFlowsBothWaysAfterTheHandshake) {
  TlsPair tls;
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();

  // Larger than one record each way.
  std::string upload;
  for (int i = 0; upload.size() < 40000; ++i) {
    upload += "line " + std::to_string(i) + "\r\n";
  }
  tls.client.Write(upload);
  if (HasFatalFailure()) return;
  EXPECT_EQ(tls.server.Feed(tls.client.TakeOutput(), tls.plaintext),
            FeedResult::kOk);
  EXPECT_EQ(tls.plaintext, upload);

  const std::string download(50000, 'x');
  ASSERT_TRUE(tls.server.Write("250 OK\r\n"));
  ASSERT_TRUE(tls.server.Write(download));
  tls.client.Give(tls.server.TakeOutput());
  EXPECT_EQ(tls.client.Read(), "250 OK\r\n" + download);
  EXPECT_THAT(tls.client.error(), IsEmpty());
}

// A burst in either direction grows the memory BIOs; an idle connection
// afterwards must not keep that memory (issue 11: TLS idle cost).
TEST(TlsChannelTest, BuffersShrinkBackAfterABurst) {
  TlsPair tls;
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  const std::size_t idle = tls.server.buffer_capacity();

  std::string burst;
  while (burst.size() < 60000) burst += "NOOP\r\n";
  tls.client.Write(burst);
  EXPECT_EQ(tls.server.Feed(tls.client.TakeOutput(), tls.plaintext),
            FeedResult::kOk);
  EXPECT_EQ(tls.plaintext, burst);
  ASSERT_TRUE(tls.server.Write(std::string(150000, 'r')));
  EXPECT_THAT(tls.server.TakeOutput(), SizeIs(::testing::Gt(150000u)));
  EXPECT_LE(tls.server.buffer_capacity(),
            std::max<std::size_t>(idle, 16 * 1024));
}

// FeedRecord() stops after each record's plaintext, so that the caller can
// answer it before a later (maybe broken) record is decrypted.
TEST(TlsChannelTest, FeedRecordReturnsOneRecordAtATime) {
  TlsPair tls;
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  tls.client.Write("MAIL FROM:<a@x>\r\n");
  tls.client.Write("RCPT TO:<b@x>\r\n");
  EXPECT_EQ(tls.server.FeedRecord(tls.client.TakeOutput(), tls.plaintext),
            FeedResult::kOk);
  EXPECT_EQ(tls.plaintext, "MAIL FROM:<a@x>\r\n");
  EXPECT_TRUE(tls.server.has_buffered_input());
  tls.plaintext.clear();
  EXPECT_EQ(tls.server.FeedRecord("", tls.plaintext), FeedResult::kOk);
  EXPECT_EQ(tls.plaintext, "RCPT TO:<b@x>\r\n");
  EXPECT_FALSE(tls.server.has_buffered_input());
}

TEST(TlsChannelTest, WriteBeforeTheHandshakeIsSentAfterIt) {
  TlsPair tls;
  // An implicit-TLS greeting, written as soon as the connection is accepted.
  ASSERT_TRUE(tls.server.Write("220 localhost ESMTP\r\n"));
  EXPECT_THAT(tls.server.TakeOutput(), IsEmpty());
  tls.Handshake();
  ASSERT_TRUE(tls.client.done()) << tls.client.error();
  EXPECT_EQ(tls.client.Read(), "220 localhost ESMTP\r\n");
}

TEST(TlsChannelTest, CloseNotifyFromTheClientIsDetected) {
  TlsPair tls;
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();

  tls.client.Write("QUIT\r\n");
  if (HasFatalFailure()) return;
  ERR_clear_error();
  EXPECT_EQ(SSL_shutdown(tls.client.ssl()), 0);  // sent, not yet answered
  EXPECT_EQ(tls.server.Feed(tls.client.TakeOutput(), tls.plaintext),
            FeedResult::kClosed);
  EXPECT_EQ(tls.plaintext, "QUIT\r\n");  // what came before close_notify
  EXPECT_TRUE(tls.server.peer_closed());
  EXPECT_FALSE(tls.server.failed());
  EXPECT_EQ(tls.server.Feed("late", tls.plaintext), FeedResult::kClosed);
  EXPECT_EQ(tls.plaintext, "QUIT\r\n");
  // Half-closed: the reply to QUIT still goes out, then ours.
  EXPECT_TRUE(tls.server.Write("221 Bye\r\n"));
  tls.server.Shutdown();
  tls.client.Give(tls.server.TakeOutput());
  EXPECT_EQ(tls.client.Read(), "221 Bye\r\n");
  EXPECT_TRUE(tls.client.closed());
  EXPECT_FALSE(tls.server.failed()) << tls.server.error();
}

TEST(TlsChannelTest, ShutdownSendsCloseNotify) {
  TlsPair tls;
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();

  ASSERT_TRUE(tls.server.Write("221 Bye\r\n"));
  tls.server.Shutdown();
  EXPECT_FALSE(tls.server.Write("more"));
  tls.client.Give(tls.server.TakeOutput());
  EXPECT_EQ(tls.client.Read(), "221 Bye\r\n");
  EXPECT_TRUE(tls.client.closed());
  EXPECT_FALSE(tls.server.failed());
}

TEST(TlsChannelTest, ShutdownBeforeTheHandshakeSendsNothing) {
  TlsPair tls;
  ASSERT_TRUE(tls.server.Write("220 queued\r\n"));
  tls.server.Shutdown();
  EXPECT_THAT(tls.server.TakeOutput(), IsEmpty());
  EXPECT_FALSE(tls.server.Write("more"));
}

TEST(TlsChannelTest, ClientRenegotiationIsRefused) {
  TlsContextOptions options = LeafFor("localhost");
  options.max_version = "TLSv1.2";  // TLS 1.3 has no renegotiation
  TlsPair tls(options);
  tls.Handshake();
  ASSERT_TRUE(tls.client.done()) << tls.client.error();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();

  ASSERT_EQ(SSL_renegotiate(tls.client.ssl()), 1);
  ERR_clear_error();
  EXPECT_NE(SSL_do_handshake(tls.client.ssl()), 1);  // ClientHello sent
  tls.server.Feed(tls.client.TakeOutput(), tls.plaintext);
  tls.client.Give(tls.server.TakeOutput());
  // The server answers no_renegotiation, which OpenSSL clients treat as fatal.
  ERR_clear_error();
  EXPECT_NE(SSL_do_handshake(tls.client.ssl()), 1);
  EXPECT_EQ(TakeOpenSslReason(""), "no renegotiation");
  tls.server.Feed(tls.client.TakeOutput(), tls.plaintext);
  EXPECT_EQ(SSL_renegotiate_pending(tls.client.ssl()), 1);
  EXPECT_TRUE(tls.server.failed());
  EXPECT_EQ(tls.server.error(), "sslv3 alert handshake failure");
  EXPECT_THAT(tls.plaintext, IsEmpty());
}

TEST(TlsChannelTest, GarbageAfterTheHandshakeFails) {
  TlsPair tls;
  tls.Handshake();
  ASSERT_TRUE(tls.server.handshake_complete()) << tls.server.error();
  // A well-formed record header with a body that decrypts to nothing.
  std::string record("\x17\x03\x03\x00\x20", 5);
  record += std::string(32, '\x42');
  EXPECT_EQ(tls.server.Feed(record, tls.plaintext), FeedResult::kFailed);
  EXPECT_EQ(tls.server.error(), "decryption failed or bad record mac");
  // The server's alert is there to be sent.
  EXPECT_THAT(tls.server.TakeOutput(), Not(IsEmpty()));
}

// --- the context ------------------------------------------------------------

TEST(TlsContextTest, LoadsTheWholeChain) {
  // Root -> intermediate -> leaf; the client trusts only the root, so the
  // handshake succeeds only if the server sends the intermediate too.
  const Credential root = MakeCertificateAuthority("test root");
  CertificateSpec intermediate_spec;
  intermediate_spec.role = CertificateRole::kCa;
  intermediate_spec.common_name = "test intermediate";
  const Credential intermediate = IssueCertificate(intermediate_spec, &root);
  const Credential leaf = IssueCertificate(
      LeafSpec("localhost", CertificateProblem::kNone), &intermediate);
  TlsContextOptions options;
  options.identity.certificate_chain_pem =
      CertificatePem(*leaf.certificate) +
      CertificatePem(*intermediate.certificate);
  options.identity.private_key_pem = PrivateKeyPem(*leaf.key);
  TlsPair tls(options);
  STACK_OF(X509)* extra = nullptr;
  ASSERT_EQ(SSL_CTX_get0_chain_certs(tls.context.get(), &extra), 1);
  EXPECT_EQ(sk_X509_num(extra), 1);

  X509_STORE_add_cert(SSL_CTX_get_cert_store(SSL_get_SSL_CTX(tls.client.ssl())),
                      root.certificate.get());
  tls.Handshake();
  EXPECT_TRUE(tls.client.done()) << tls.client.error();
  EXPECT_EQ(SSL_get_verify_result(tls.client.ssl()), X509_V_OK);
}

TEST(TlsContextTest, RefusesTextWithoutACertificate) {
  TlsContextOptions options = LeafFor("localhost");
  options.identity.certificate_chain_pem = "not a certificate";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith(
                  "certificate: no PEM certificate found in the certificate "
                  "chain")));
  options.identity.certificate_chain_pem = "";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith("certificate: no PEM")));
}

TEST(TlsContextTest, RefusesACorruptCertificate) {
  TlsContextOptions options = LeafFor("localhost");
  options.identity.certificate_chain_pem =
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith(
                  "certificate: cannot decode the first PEM certificate (")));
  // A corrupt second certificate is not silently dropped either.
  options = LeafFor("localhost");
  options.identity.certificate_chain_pem +=
      "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StartsWith(
                  "certificate: cannot decode PEM certificate #3 of the "
                  "chain (")));
}

TEST(TlsContextTest, RefusesAMissingOrCorruptKey) {
  TlsContextOptions options = LeafFor("localhost");
  options.identity.private_key_pem = "";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(
                  StartsWith("private key: no PEM private key found")));
  options.identity.private_key_pem =
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(
                  StrEq("private key: cannot decode the PEM private key "
                        "(unsupported)")));
}

TEST(TlsContextTest, RefusesAnEncryptedKeyWithoutPrompting) {
  TlsContextOptions options = LeafFor("localhost");
  EvpPkeyPtr key = GenerateP256Key();
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(),
                                          EVP_aes_128_cbc(), nullptr, 0,
                                          nullptr, const_cast<char*>("secret")),
            1);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  options.identity.private_key_pem.assign(data, static_cast<std::size_t>(size));
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(
                  StrEq("private key: encrypted keys are not supported")));
}

TEST(TlsContextTest, RefusesAKeyOfAnotherCertificate) {
  TlsContextOptions options = LeafFor("localhost");
  options.identity.private_key_pem =
      Certificates::ForThisRun().Leaf("other.test").private_key_pem;
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(
                  StrEq("private key does not match the certificate")));
}

TEST(TlsContextTest, RefusesUnknownVersions) {
  TlsContextOptions options = LeafFor("localhost");
  options.max_version = "TLSv9";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StrEq(
                  "unknown TLS version \"TLSv9\"; use TLSv1.2 or TLSv1.3")));
  options.max_version = "";
  options.min_version = "TLSv1.1";
  EXPECT_THAT(
      [&] { MakeServerTlsContext(options); },
      ThrowsMessage<Error>(StartsWith("unknown TLS version \"TLSv1.1\"")));
  EXPECT_EQ(ParseTlsVersion(""), 0);
  EXPECT_EQ(ParseTlsVersion("TLSv1.2"), TLS1_2_VERSION);
  EXPECT_EQ(ParseTlsVersion("TLSv1.3"), TLS1_3_VERSION);
}

TEST(TlsContextTest, RefusesMinAboveMax) {
  TlsContextOptions options = LeafFor("localhost");
  options.min_version = "TLSv1.3";
  options.max_version = "TLSv1.2";
  EXPECT_THAT([&] { MakeServerTlsContext(options); },
              ThrowsMessage<Error>(StrEq(
                  "min_tls_version TLSv1.3 is above max_tls_version TLSv1.2")));
}

TEST(TlsContextTest, RefusesRenegotiationAndTickets) {
  SslCtxPtr context = ServerContext(LeafFor("localhost"));
  const uint64_t options = SSL_CTX_get_options(context.get());
  EXPECT_NE(options & SSL_OP_NO_RENEGOTIATION, 0u);
  EXPECT_NE(options & SSL_OP_NO_COMPRESSION, 0u);
  EXPECT_EQ(SSL_CTX_get_num_tickets(context.get()), 0u);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context.get()), TLS1_2_VERSION);
  EXPECT_EQ(SSL_CTX_get_max_proto_version(context.get()), 0);
  EXPECT_EQ(SSL_CTX_get_verify_mode(context.get()), SSL_VERIFY_NONE);
}

}  // namespace
}  // namespace smtpfixture::detail
