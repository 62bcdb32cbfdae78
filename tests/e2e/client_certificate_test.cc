// Client certificates and AUTH EXTERNAL with real clients: curl (--cert,
// --key) and Python's ssl (load_cert_chain) presenting Certificates::
// ClientLeaf identities to a server that requires or only requests one, and
// Python's smtplib authenticating with AUTH EXTERNAL.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "smtpfixture/certs.h"
#include "smtpfixture/gtest.h"
#include "tests/e2e/e2e_client.h"

namespace smtpfixture::e2e {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

const char kMessage[] =
    "From: a@example.com\r\n"
    "To: b@example.com\r\n"
    "Subject: From a known mailer\r\n"
    "\r\n"
    "Hello with a client certificate\r\n";

// A client identity on disk, as curl and Python want it.
class IdentityFiles {
 public:
  explicit IdentityFiles(const std::string& common_name,
                         CertificateProblem problem = CertificateProblem::kNone)
      : identity_(Certificates::ForThisRun().ClientLeaf(common_name, problem)),
        certificate_("client-cert.pem", identity_.certificate_chain_pem),
        key_("client-key.pem", identity_.private_key_pem) {}

  const std::string& certificate() const { return certificate_.path(); }
  const std::string& key() const { return key_.path(); }

 private:
  PemIdentity identity_;
  TempFile certificate_;
  TempFile key_;
};

class ClientCertificateE2eTest : public ClientTest {
 protected:
  // curl sending kMessage over STARTTLS (or implicit TLS for an smtps://
  // URL), with the identity's certificate and key when given.
  ProcessResult CurlSend(const IdentityFiles* identity) {
    std::vector<std::string> args = {server().Url(),  "--cacert",
                                     CaFile(),        "--ssl-reqd",
                                     "--mail-from",   "a@example.com",
                                     "--mail-rcpt",   "b@example.com",
                                     "--upload-file", "-"};
    if (identity != nullptr) {
      args.insert(args.end(), {"--cert", identity->certificate(), "--key",
                               identity->key()});
    }
    return Curl(args, kMessage);
  }

  // smtplib over STARTTLS with the identity loaded by load_cert_chain, and
  // `extra` arguments for smtp_send.py.
  ProcessResult PythonSendWith(const IdentityFiles* identity,
                               std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--tls", "starttls"};
    if (identity != nullptr) {
      args.insert(args.end(), {"--cert", identity->certificate(), "--key",
                               identity->key()});
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return PythonSend(args, kMessage);
  }

  // The one session, once it closed.
  Session OnlySession() {
    EXPECT_TRUE(server().WaitForSessionsClosed(
        1, ScaledTimeout(std::chrono::seconds(5))));
    const std::vector<Session> sessions = server().Sessions();
    EXPECT_THAT(sessions, SizeIs(1));
    return sessions.empty() ? Session{} : sessions[0];
  }
};

// ---------------------------------------------------------------------------
// Required: the handshake fails without a certificate that verifies.

class RequiredClientCertificateTest : public ClientCertificateE2eTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.require_client_certificate = true;
    return options;
  }
};

TEST_F(RequiredClientCertificateTest, CurlWithAValidCertificateIsAccepted) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles mailer("mailer");
  const ProcessResult result = CurlSend(&mailer);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(PresentedClientCertificate("CN=mailer"),
                        TlsModeIs(TlsMode::kStartTls), HasData(kMessage))));
  const Session session = OnlySession();
  EXPECT_THAT(session, PresentedClientCertificate("CN=mailer"));
  EXPECT_THAT(session, Not(HandshakeFailed()));
}

TEST_F(RequiredClientCertificateTest, CurlWithoutOneFailsTheHandshake) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result = CurlSend(nullptr);
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  const Session session = OnlySession();
  EXPECT_THAT(session,
              HandshakeFailed(HasSubstr("peer did not return a certificate")));
  EXPECT_THAT(session, Not(PresentedClientCertificate()));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(RequiredClientCertificateTest, CurlWithAnExpiredOneFailsTheHandshake) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles expired("mailer", CertificateProblem::kExpired);
  const ProcessResult result = CurlSend(&expired);
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  const Session session = OnlySession();
  EXPECT_THAT(session, HandshakeFailed(HasSubstr("certificate verify failed")));
  EXPECT_THAT(session, Not(PresentedClientCertificate()));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(RequiredClientCertificateTest,
       CurlWithAnUnknownAuthorityFailsTheHandshake) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles unknown("mailer", CertificateProblem::kUnknownAuthority);
  const ProcessResult result = CurlSend(&unknown);
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  const Session session = OnlySession();
  EXPECT_THAT(session, HandshakeFailed(HasSubstr("certificate verify failed")));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(RequiredClientCertificateTest, PythonWithLoadCertChainIsAccepted) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const IdentityFiles mailer("mailer");
  const ProcessResult result = PythonSendWith(&mailer);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(PresentedClientCertificate("CN=mailer")));
}

TEST_F(RequiredClientCertificateTest, PythonWithoutOneFailsTheHandshake) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSendWith(nullptr);
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("result"), "error") << result.out;
  EXPECT_THAT(OnlySession(),
              HandshakeFailed(HasSubstr("peer did not return a certificate")));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

class RequiredOnImplicitTlsTest : public ClientCertificateE2eTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kImplicit;
    options.require_client_certificate = true;
    return options;
  }
};

TEST_F(RequiredOnImplicitTlsTest, CurlWithAndWithoutACertificate) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles mailer("mailer");
  const ProcessResult accepted = CurlSend(&mailer);
  ASSERT_EQ(accepted.exit_code, 0) << accepted.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(PresentedClientCertificate("CN=mailer"),
                                TlsModeIs(TlsMode::kImplicit))));

  const ProcessResult refused = CurlSend(nullptr);
  EXPECT_NE(refused.exit_code, 0) << refused.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(
      2, ScaledTimeout(std::chrono::seconds(5))));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(2));
  EXPECT_THAT(sessions[1],
              HandshakeFailed(HasSubstr("peer did not return a certificate")));
  EXPECT_THAT(server().Messages(), SizeIs(1));
}

// ---------------------------------------------------------------------------
// Requested: every client is served, and whether its certificate verified is
// recorded.

class RequestedClientCertificateTest : public ClientCertificateE2eTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.request_client_certificate = true;
    return options;
  }
};

TEST_F(RequestedClientCertificateTest, CurlWithAValidOneIsVerified) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles mailer("mailer");
  const ProcessResult result = CurlSend(&mailer);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(PresentedClientCertificate("CN=mailer")));
}

TEST_F(RequestedClientCertificateTest, CurlWithAnExpiredOneIsServedUnverified) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles expired("mailer", CertificateProblem::kExpired);
  const ProcessResult result = CurlSend(&expired);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], Not(PresentedClientCertificate()));
  EXPECT_EQ(messages[0].tls().client_certificate_subject, "CN=mailer");
  EXPECT_FALSE(messages[0].tls().client_certificate_verified);
}

TEST_F(RequestedClientCertificateTest,
       CurlWithAnUnknownAuthorityIsServedUnverified) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const IdentityFiles unknown("mailer", CertificateProblem::kUnknownAuthority);
  const ProcessResult result = CurlSend(&unknown);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], Not(PresentedClientCertificate()));
  EXPECT_EQ(messages[0].tls().client_certificate_subject, "CN=mailer");
}

TEST_F(RequestedClientCertificateTest, CurlWithoutOneIsServed) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result = CurlSend(nullptr);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], Not(PresentedClientCertificate()));
  EXPECT_THAT(messages[0].tls().client_certificate_subject, IsEmpty());
}

// ---------------------------------------------------------------------------
// AUTH EXTERNAL: the certificate is the credential.

class AuthExternalTest : public ClientCertificateE2eTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.request_client_certificate = true;
    options.auth.mechanisms = {"EXTERNAL"};
    options.auth.required = true;
    return options;
  }

  void ExpectAuthenticatedAsMailer() {
    ASSERT_TRUE(AwaitMessages(server(), 1));
    EXPECT_THAT(server().Messages(),
                ElementsAre(AllOf(AuthenticatedAs("mailer"),
                                  AuthMechanismIs("EXTERNAL"),
                                  PresentedClientCertificate("CN=mailer"))));
    const Session session = OnlySession();
    EXPECT_THAT(session, AuthenticatedAs("mailer"));
    EXPECT_THAT(session, TranscriptContains(StartsWith("AUTH EXTERNAL")));
  }
};

TEST_F(AuthExternalTest, PythonWithAnEmptyAuthorizationIdentity) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const IdentityFiles mailer("mailer");
  const ProcessResult result =
      PythonSendWith(&mailer, {"--external", "equals"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticatedAsMailer();
}

TEST_F(AuthExternalTest, PythonNamingItsCertificateInTheInitialResponse) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const IdentityFiles mailer("mailer");
  const ProcessResult result =
      PythonSendWith(&mailer, {"--external", "initial", "--authzid", "mailer"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticatedAsMailer();
}

TEST_F(AuthExternalTest, PythonWithoutInitialResponseAnswersTheChallenge) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const IdentityFiles mailer("mailer");
  for (const char* authzid : {"", "mailer"}) {
    SCOPED_TRACE(authzid);
    server().Clear();
    const ProcessResult result = PythonSendWith(
        &mailer, {"--external", "challenge", "--authzid", authzid});
    ASSERT_EQ(result.exit_code, 0) << result.Describe();
    ExpectAuthenticatedAsMailer();
    EXPECT_THAT(OnlySession(), TranscriptContains("334 "));
  }
}

TEST_F(AuthExternalTest, PythonAskingForAnotherIdentityGets535) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const IdentityFiles mailer("mailer");
  const ProcessResult result = PythonSendWith(
      &mailer, {"--external", "initial", "--authzid", "postmaster"});
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  const KeyValues values(result.out);
  EXPECT_EQ(values.Get("error"), "SMTPAuthenticationError") << result.out;
  EXPECT_EQ(values.Get("code"), "535") << result.out;
  const Session session = OnlySession();
  EXPECT_THAT(session, Not(AuthenticatedAs(::testing::_)));
  EXPECT_THAT(session, PresentedClientCertificate("CN=mailer"));
  EXPECT_THAT(session,
              TranscriptContains("535 5.7.8 Error: authentication failed"));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(AuthExternalTest, NotOfferedWithoutAVerifiedCertificate) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const IdentityFiles expired("mailer", CertificateProblem::kExpired);
  for (const IdentityFiles* identity :
       std::vector<const IdentityFiles*>{&expired, nullptr}) {
    SCOPED_TRACE(identity == nullptr ? "no certificate" : "expired");
    server().Clear();
    const ProcessResult result =
        PythonSendWith(identity, {"--external", "equals"});
    EXPECT_NE(result.exit_code, 0) << result.Describe();
    EXPECT_EQ(KeyValues(result.out).Get("code"), "504") << result.out;
    const Session session = OnlySession();
    EXPECT_THAT(session, Not(PresentedClientCertificate()));
    EXPECT_THAT(session, Not(TranscriptContains(StartsWith("250-AUTH"))));
    EXPECT_THAT(session, TranscriptContains(
                             "504 5.5.4 Unrecognized authentication type"));
  }
}

}  // namespace
}  // namespace smtpfixture::e2e
