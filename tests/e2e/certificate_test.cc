// Deliberately broken server certificates against verifying clients: each
// client refuses, nothing is stored, and the refusal shows in Sessions() with
// the alert the client sent.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <ostream>
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

struct BadCertificateCase {
  CertificateProblem problem;
  // What OpenSSL on the server reports, which names the alert the client
  // sent. Both clients use OpenSSL, which maps verification errors to alerts
  // the same way (ssl_x509err2alert): expired -> certificate_expired, not
  // yet valid or wrong name -> bad_certificate, no path to a trusted root ->
  // unknown_ca.
  const char* python_alert;
  // curl checks the host name itself, after the handshake; the server then
  // sees a completed handshake followed by the client leaving. nullptr for
  // that case.
  const char* curl_alert;
};

void PrintTo(const BadCertificateCase& c, std::ostream* os) {
  *os << CertificateProblemName(c.problem);
}

class BadCertificateTest
    : public ClientTest,
      public ::testing::WithParamInterface<BadCertificateCase> {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.certificate_problem = GetParam().problem;
    return options;
  }

  // The client refused: no message, one closed session, and, where the
  // client aborted the handshake, the alert it sent.
  void ExpectRefused(const char* alert) {
    ASSERT_TRUE(server().WaitForSessionsClosed(1));
    EXPECT_THAT(server().Messages(), IsEmpty());
    const std::vector<Session> sessions = server().Sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_THAT(sessions[0], TlsModeIs(TlsMode::kStartTls));
    EXPECT_THAT(sessions[0],
                TranscriptContains(HasSubstr("Ready to start TLS")));
    if (alert != nullptr) {
      EXPECT_THAT(sessions[0],
                  HandshakeFailed(AllOf(HasSubstr("alert"), HasSubstr(alert))));
    } else {
      // The handshake completed and the client left without a word.
      EXPECT_THAT(sessions[0], TlsVersionIs("TLSv1.3"));
      EXPECT_THAT(sessions[0].tls_error, IsEmpty());
      ASSERT_FALSE(sessions[0].transcript.empty());
      EXPECT_THAT(sessions[0].transcript.back().text,
                  HasSubstr("Ready to start TLS"));
    }
  }
};

INSTANTIATE_TEST_SUITE_P(
    Problems, BadCertificateTest,
    ::testing::Values(BadCertificateCase{CertificateProblem::kExpired,
                                         "certificate expired",
                                         "certificate expired"},
                      BadCertificateCase{CertificateProblem::kNotYetValid,
                                         "bad certificate", "bad certificate"},
                      BadCertificateCase{CertificateProblem::kWrongHostname,
                                         "bad certificate", nullptr},
                      BadCertificateCase{CertificateProblem::kSelfSigned,
                                         "unknown ca", "unknown ca"},
                      BadCertificateCase{CertificateProblem::kUnknownAuthority,
                                         "unknown ca", "unknown ca"}),
    [](const ::testing::TestParamInfo<BadCertificateCase>& param_info) {
      std::string name = CertificateProblemName(param_info.param.problem);
      std::string out;
      for (char c : name) {
        if (std::isalnum(static_cast<unsigned char>(c))) out += c;
      }
      return out;
    });

TEST_P(BadCertificateTest, PythonRefuses) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--tls", "starttls"});
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("error"), "SSLCertVerificationError")
      << result.out;
  ExpectRefused(GetParam().python_alert);
}

TEST_P(BadCertificateTest, CurlRefuses) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result = Curl(
      {server().Url(), "--ssl-reqd", "--cacert", CaFile(), "--mail-from",
       "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file", "-"},
      "Subject: never\r\n\r\nnever\r\n");
  // 60: CURLE_PEER_FAILED_VERIFICATION.
  EXPECT_EQ(result.exit_code, 60) << result.Describe();
  ExpectRefused(GetParam().curl_alert);
}

}  // namespace
}  // namespace smtpfixture::e2e
