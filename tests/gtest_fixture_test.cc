// The fixture's own behaviour: AwaitMessages' failure text, timeout scaling,
// and what a failing test leaves behind (transcripts, .eml files). The last
// is checked by running this very binary on a deliberately failing test.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fixture/net/test_hooks.h"
#include "smtpfixture/gtest.h"
#include "tests/support/raw_client.h"
#include "tests/support/run_process.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::smtpfixture::testing::RunProcess;
using ::testing::HasSubstr;

void SendOne(std::uint16_t port, const std::string& subject) {
  RawClient client;
  ASSERT_TRUE(client.Connect(port));
  client.ReadReply();
  client.Command("EHLO fixture-test");
  client.Command("MAIL FROM:<from@example.com>");
  client.Command("RCPT TO:<to@example.com>");
  client.Command("DATA");
  client.Command("Subject: " + subject + "\r\n\r\nbody\r\n.");
  client.Command("QUIT");
}

class FixtureTest : public SmtpServerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kNone;
    return options;
  }
};

TEST_F(FixtureTest, ServerIsRunningInTheTestBody) {
  EXPECT_TRUE(server().IsRunning());
  EXPECT_NE(server().Port(), 0);
}

TEST_F(FixtureTest, AwaitMessagesSucceedsOnceTheyArrive) {
  SendOne(server().Port(), "one");
  EXPECT_TRUE(AwaitMessages(server(), 1));
}

TEST_F(FixtureTest, AwaitMessagesFailureSaysWhatArrived) {
  SendOne(server().Port(), "the only one");
  const ::testing::AssertionResult result =
      AwaitMessages(server(), 2, std::chrono::milliseconds(50));
  ASSERT_FALSE(result);
  const std::string text = result.message();
  EXPECT_THAT(text, HasSubstr("expected 2 messages"));
  EXPECT_THAT(text, HasSubstr("1 arrived"));
  EXPECT_THAT(text, HasSubstr("the only one"));
  EXPECT_THAT(text, HasSubstr("EHLO fixture-test"));
}

TEST(ScaledTimeoutTest, MultipliesByTheEnvironment) {
  // Restore what CI set for the rest of this process's tests.
  const char* original = getenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER");
  const std::string saved = original ? original : "";
  setenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER", "3", 1);
  EXPECT_EQ(ScaledTimeout(std::chrono::milliseconds(100)),
            std::chrono::milliseconds(300));
  setenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER", "not a number", 1);
  EXPECT_EQ(ScaledTimeout(std::chrono::milliseconds(100)),
            std::chrono::milliseconds(100));
  unsetenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER");
  EXPECT_EQ(ScaledTimeout(std::chrono::milliseconds(100)),
            std::chrono::milliseconds(100));
  if (original != nullptr) {
    setenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER", saved.c_str(), 1);
  }
}

// Run only by FailedTestLeavesTranscriptsAndEmlFiles, in a child process.
TEST_F(FixtureTest, DISABLED_FailsOnPurpose) {
  SendOne(server().Port(), "left behind");
  ASSERT_TRUE(AwaitMessages(server(), 1));
  ADD_FAILURE() << "failing on purpose";
}

TEST(FixtureFailureTest, FailedTestLeavesTranscriptsAndEmlFiles) {
  char dir_template[] = "/tmp/smtpfixture-outputs-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::filesystem::path outputs = dir_template;
  setenv("TEST_UNDECLARED_OUTPUTS_DIR", outputs.c_str(), 1);
  const ::smtpfixture::testing::ProcessResult run =
      RunProcess({"/proc/self/exe", "--gtest_also_run_disabled_tests",
                  "--gtest_filter=FixtureTest.DISABLED_FailsOnPurpose"});
  unsetenv("TEST_UNDECLARED_OUTPUTS_DIR");
  EXPECT_EQ(run.exit_code, 1) << run.Describe();
  EXPECT_THAT(run.out, HasSubstr("EHLO fixture-test")) << run.Describe();
  EXPECT_THAT(run.out, HasSubstr("250 2.0.0 Ok: queued as 1"));
  std::vector<std::filesystem::path> emls;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(outputs)) {
    if (entry.path().extension() == ".eml") emls.push_back(entry.path());
  }
  ASSERT_EQ(emls.size(), 1u) << run.Describe();
  EXPECT_THAT(run.out, HasSubstr(emls[0].string()));
  std::ifstream file(emls[0], std::ios::binary);
  std::stringstream content;
  content << file.rdbuf();
  EXPECT_EQ(content.str(), "Subject: left behind\r\n\r\nbody\r\n");
  std::filesystem::remove_all(outputs);
}

class ImplicitTlsFixtureTest : public SmtpServerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kImplicit;
    return options;
  }
};

// Run only by InternalErrorsFailTheTest, in a child process: the body
// asserts nothing that fails, but the server had an internal error.
TEST_F(ImplicitTlsFixtureTest, DISABLED_ServerHasAnInternalError) {
  detail::test_hooks.fail_tls_channels = 1;
  RawClient client;
  ASSERT_TRUE(client.Connect(server().Port()));
  EXPECT_TRUE(client.WaitForClose());
}

TEST(FixtureFailureTest, InternalErrorsFailTheTest) {
  const ::smtpfixture::testing::ProcessResult run =
      RunProcess({"/proc/self/exe", "--gtest_also_run_disabled_tests",
                  "--gtest_filter=ImplicitTlsFixtureTest.DISABLED_"
                  "ServerHasAnInternalError"});
  EXPECT_EQ(run.exit_code, 1) << run.Describe();
  EXPECT_THAT(run.out,
              HasSubstr("smtpfixture: the SMTP server had internal errors:\n"
                        "  session 1 (127.0.0.1:"))
      << run.Describe();
  EXPECT_THAT(run.out, HasSubstr("TLS channel: out of memory (injected"))
      << run.Describe();
}

}  // namespace
}  // namespace smtpfixture

namespace smtpfixture {
namespace {

class EveryPolicy : public SmtpServerPolicyTest {
 protected:
  ServerOptions BaseOptions() const override {
    ServerOptions options;
    options.hostname = "policy.test";
    return options;
  }
};

TEST_P(EveryPolicy, RunsUnderTheParameterisedPolicy) {
  EXPECT_EQ(server().Options().tls, GetParam());
  EXPECT_EQ(server().Options().hostname, "policy.test");
  EXPECT_EQ(server().Url().rfind(
                GetParam() == TlsPolicy::kImplicit ? "smtps://" : "smtp://", 0),
            0u);
}

SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_POLICIES(EveryPolicy);

TEST(AllTlsPoliciesTest, NamesEveryPolicyOnce) {
  EXPECT_EQ(AllTlsPolicies().size(), 4u);
}

}  // namespace
}  // namespace smtpfixture
