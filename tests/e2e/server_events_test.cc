// smtpfixture-server driven from Python as another language's test suite
// would drive it: tests/e2e/clients/server_events.py starts the binary, reads
// its --events stream while smtplib (or a raw socket) talks to it, and checks
// every event. One test a case; the script says what failed.
#include <gtest/gtest.h>

#include <string>

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
                      "stdout-closed", "dump-dir"),
    [](const ::testing::TestParamInfo<const char*>& param_info) {
      std::string name;
      for (const char* c = param_info.param; *c != '\0'; ++c) {
        if (*c != '-') name += *c;
      }
      return name;
    });

}  // namespace
}  // namespace smtpfixture::e2e
