// smtpfixture-server driven from Python as another language's test suite
// would drive it: tests/e2e/clients/server_events.py starts the binary, reads
// its --events stream while smtplib (or a raw socket) talks to it, and checks
// every event. One test a case; the script says what failed.
#include <gtest/gtest.h>

#include <string>

#include "smtpfixture/certs.h"
#include "tests/e2e/e2e_client.h"
#include "tests/support/run_process.h"

namespace smtpfixture::e2e {
namespace {

using ::smtpfixture::testing::RunProcess;

class ServerEventsTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ServerEventsTest, Passes) {
#ifndef SMTPFIXTURE_SERVER_PROGRAM
  GTEST_SKIP() << "smtpfixture-server is not built "
                  "(SMTPFIXTURE_BUILD_TOOLS=OFF)";
#else
  SMTPFIXTURE_REQUIRE_PROGRAM("python3");
  const ProcessResult result =
      RunProcess({"python3", "-I", ClientScript("server_events.py"),
                  SMTPFIXTURE_SERVER_PROGRAM, GetParam()},
                 "", std::chrono::seconds(60));
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(result.out, std::string("PASS ") + GetParam() + "\n")
      << result.Describe();
#endif
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ServerEventsTest,
    ::testing::Values("events", "dkim", "fault", "auth-file", "bad-fault",
                      "strict-line-endings", "max-connections",
                      "auth-file-pipe", "dkim-not-asked", "stop-unread",
                      "stdout-closed", "dump-dir", "dkim-length",
                      "attack-strip-starttls", "attack-refuse-starttls",
                      "bad-tls-options"),
    [](const ::testing::TestParamInfo<const char*>& param_info) {
      std::string name;
      for (const char* c = param_info.param; *c != '\0'; ++c) {
        if (*c != '-') name += *c;
      }
      return name;
    });

// The tool cannot issue client certificates: this process's run CA does, and
// the server is told to trust it with --client-ca.
TEST(ServerEventsClientCertificateTest, Passes) {
#ifndef SMTPFIXTURE_SERVER_PROGRAM
  GTEST_SKIP() << "smtpfixture-server is not built "
                  "(SMTPFIXTURE_BUILD_TOOLS=OFF)";
#else
  SMTPFIXTURE_REQUIRE_PROGRAM("python3");
  const Certificates& certificates = Certificates::ForThisRun();
  const PemIdentity client = certificates.ClientLeaf("mailer");
  const TempFile cert("client-cert.pem", client.certificate_chain_pem);
  const TempFile key("client-key.pem", client.private_key_pem);
  const TempFile ca("client-ca.pem", certificates.CaPem());
  const ProcessResult result =
      RunProcess({"python3", "-I", ClientScript("server_events.py"),
                  SMTPFIXTURE_SERVER_PROGRAM, "client-certificate", cert.path(),
                  key.path(), ca.path()},
                 "", std::chrono::seconds(60));
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(result.out, "PASS client-certificate\n") << result.Describe();
#endif
}

}  // namespace
}  // namespace smtpfixture::e2e
