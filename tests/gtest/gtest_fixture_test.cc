// The fixture's own behaviour: AwaitMessages' failure text, timeout scaling,
// and what a failing test leaves behind (transcripts, .eml files). The last
// is checked by running this very binary on a deliberately failing test.
#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "fixture/net/test_hooks.h"
#include "smtpfixture/gtest.h"
#include "tests/support/raw_client.h"
#include "tests/support/run_process.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::smtpfixture::testing::RunProcess;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::PrintToString;

constexpr std::chrono::seconds kFiveSeconds{5};
using ::testing::StartsWith;

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
  if (HasFatalFailure()) return;
  EXPECT_TRUE(AwaitMessages(server(), 1));
}

TEST_F(FixtureTest, AwaitMessagesFailureSaysWhatArrived) {
  SendOne(server().Port(), "the only one");
  if (HasFatalFailure()) return;
  const ::testing::AssertionResult result =
      AwaitMessages(server(), 2, std::chrono::milliseconds(50));
  ASSERT_FALSE(result);
  const std::string text = result.message();
  EXPECT_THAT(text, HasSubstr("expected 2 messages"));
  EXPECT_THAT(text, HasSubstr("1 arrived"));
  EXPECT_THAT(text, HasSubstr("the only one"));
  EXPECT_THAT(text, HasSubstr("EHLO fixture-test"));
}

// How a wait of `timeout` names its deadline in a failure message, whatever
// SMTPFIXTURE_TIMEOUT_MULTIPLIER this run has.
std::string Within(std::chrono::milliseconds timeout) {
  const std::chrono::milliseconds scaled = ScaledTimeout(timeout);
  std::string text = "within " + std::to_string(scaled.count()) + " ms";
  if (scaled != timeout) {
    text += " (" + std::to_string(timeout.count()) +
            " ms scaled by SMTPFIXTURE_TIMEOUT_MULTIPLIER)";
  }
  return text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

MATCHER_P(SubjectLengthIs, length,
          "has a subject of " + PrintToString(length) + " characters") {
  const std::size_t actual = arg.Subject().size();
  *result_listener << "whose subject has " << actual << " characters";
  return actual == static_cast<std::size_t>(length);
}

TEST_F(FixtureTest, AwaitMessageFindsAMessageAlreadyReceived) {
  SendOne(server().Port(), "first");
  if (HasFatalFailure()) return;
  SendOne(server().Port(), "Your receipt");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(AwaitMessage(server(), HasSubject("Your receipt")));
  EXPECT_TRUE(AwaitMessage(
      server(), AllOf(HasSubject("first"), EnvelopeFrom("from@example.com"))));
}

TEST_F(FixtureTest, AwaitMessageWaitsForAnAsynchronousSender) {
  std::thread sender([this] {
    for (const char* subject : {"Welcome", "Newsletter", "Your receipt"}) {
      SendOne(server().Port(), subject);
    }
  });
  EXPECT_TRUE(AwaitMessage(server(), HasSubject("Your receipt"),
                           std::chrono::seconds(30)));
  sender.join();
}

TEST_F(FixtureTest, AwaitMessageTakesUserMatchers) {
  SendOne(server().Port(), "twelve chars");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(AwaitMessage(server(), SubjectLengthIs(12)));
  EXPECT_TRUE(
      AwaitMessage(server(), ::testing::Truly([](const ReceivedMessage& m) {
                     return m.envelope().rcpt_to.size() == 1;
                   })));
}

TEST_F(FixtureTest, AwaitMessageFailureExplainsEachMessage) {
  SendOne(server().Port(), "one");
  if (HasFatalFailure()) return;
  SendOne(server().Port(), "two");
  if (HasFatalFailure()) return;
  ASSERT_TRUE(server().WaitForSessionsClosed(2, ScaledTimeout(kFiveSeconds)));
  const ::testing::AssertionResult result = AwaitMessage(
      server(), HasSubject("three"), std::chrono::milliseconds(50));
  ASSERT_FALSE(result);
  const std::vector<std::string> lines = Lines(result.message());
  ASSERT_GE(lines.size(), 6u) << result.message();
  EXPECT_EQ(lines[0],
            "expected a message that has subject that is equal to "
            "\"three\" " +
                Within(std::chrono::milliseconds(50)) +
                ", but none of the 2 messages that arrived matches:");
  EXPECT_EQ(lines[1], "  " + ::testing::PrintToString(server().Messages()[0]));
  EXPECT_EQ(lines[2], "    does not match: whose subject is \"one\"");
  EXPECT_EQ(lines[3], "  " + ::testing::PrintToString(server().Messages()[1]));
  EXPECT_EQ(lines[4], "    does not match: whose subject is \"two\"");
  EXPECT_EQ(lines[5], "The server saw 2 sessions:");
  // Then the transcripts, as AwaitMessages prints them.
  EXPECT_THAT(result.message(), HasSubstr("C: EHLO fixture-test"));
}

TEST_F(FixtureTest, AwaitMessageFailureGivesUserMatchersExplanations) {
  SendOne(server().Port(), "one");
  if (HasFatalFailure()) return;
  const ::testing::AssertionResult with_explanation =
      AwaitMessage(server(), SubjectLengthIs(7), std::chrono::milliseconds(0));
  ASSERT_FALSE(with_explanation);
  const std::vector<std::string> lines = Lines(with_explanation.message());
  ASSERT_GE(lines.size(), 3u) << with_explanation.message();
  EXPECT_EQ(lines[0],
            "expected a message that has a subject of 7 characters " +
                Within(std::chrono::milliseconds(0)) +
                ", but the only message that arrived does not match:");
  EXPECT_EQ(lines[2], "    does not match: whose subject has 3 characters");

  const ::testing::AssertionResult truly = AwaitMessage(
      server(), ::testing::Truly([](const ReceivedMessage&) { return false; }),
      std::chrono::milliseconds(0));
  ASSERT_FALSE(truly);
  const std::vector<std::string> truly_lines = Lines(truly.message());
  ASSERT_GE(truly_lines.size(), 3u) << truly.message();
  EXPECT_EQ(truly_lines[0],
            "expected a message that satisfies the given "
            "predicate " +
                Within(std::chrono::milliseconds(0)) +
                ", but the only message that arrived does not "
                "match:");
  EXPECT_EQ(truly_lines[2],
            "    does not match: didn't satisfy the given predicate");
}

TEST_F(FixtureTest, AwaitMessageFailureWithoutMessages) {
  const ::testing::AssertionResult result =
      AwaitMessage(server(), HasSubject("x"), std::chrono::milliseconds(10));
  ASSERT_FALSE(result);
  EXPECT_EQ(result.message(),
            "expected a message that has subject that is equal to \"x\" " +
                Within(std::chrono::milliseconds(10)) +
                ", but none arrived.\nThe server saw no connection.");
}

TEST_F(FixtureTest, AwaitMessageOnAStoppedServerFailsAtOnce) {
  server().Stop();
  const auto start = std::chrono::steady_clock::now();
  const ::testing::AssertionResult result =
      AwaitMessage(server(), HasSubject("x"), std::chrono::seconds(60));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  ASSERT_FALSE(result);
  EXPECT_THAT(result.message(),
              HasSubstr("none arrived.\nThe server is not running.\nThe "
                        "server saw no connection."));
}

TEST(ScaledTimeoutTest, SaturatesInsteadOfOverflowing) {
  const char* original = getenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER");
  const std::string saved = original ? original : "";
  constexpr auto kForever = std::chrono::milliseconds::max();
  for (const char* multiplier : {"1", "3", "0.5"}) {
    SCOPED_TRACE(multiplier);
    setenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER", multiplier, 1);
    const auto scaled = ScaledTimeout(kForever);
    // Without end stays without end (0.5: still longer than any test).
    EXPECT_GE(scaled, kForever / 2);
  }
  setenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER", "3", 1);
  EXPECT_EQ(ScaledTimeout(kForever), kForever);
  EXPECT_EQ(ScaledTimeout(kForever / 2), kForever);
  unsetenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER");
  if (original != nullptr) {
    setenv("SMTPFIXTURE_TIMEOUT_MULTIPLIER", saved.c_str(), 1);
  }
}

TEST_F(FixtureTest, AwaitWithTheLongestTimeoutSucceedsWhenMet) {
  SendOne(server().Port(), "here");
  if (HasFatalFailure()) return;
  EXPECT_TRUE(AwaitMessages(server(), 1, std::chrono::milliseconds::max()));
  EXPECT_TRUE(AwaitMessage(server(), HasSubject("here"),
                           std::chrono::milliseconds::max()));
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

// Run only by FailedTestLeavesTranscriptsAndPrivateEmlFiles, in a child
// process.
TEST_F(FixtureTest, DISABLED_FailsOnPurpose) {
  SendOne(server().Port(), "left behind");
  if (HasFatalFailure()) return;
  ASSERT_TRUE(AwaitMessages(server(), 1));
  ADD_FAILURE() << "failing on purpose";
}

// The permission bits of `path` itself (a link is not followed), as the
// octal number a failure message shows.
unsigned Mode(const std::filesystem::path& path) {
  return static_cast<unsigned>(
      std::filesystem::symlink_status(path).permissions() &
      std::filesystem::perms::mask);
}

// Runs DISABLED_FailsOnPurpose in a child process with `variable` set to
// `base` and returns every .eml file found under `base` (links not followed).
std::vector<std::filesystem::path> RunFailingTest(
    const char* variable, const std::filesystem::path& base,
    ::smtpfixture::testing::ProcessResult* run,
    const std::string& test = "FixtureTest.DISABLED_FailsOnPurpose") {
  const char* saved_test_tmpdir = getenv("TEST_TMPDIR");
  const std::string saved = saved_test_tmpdir ? saved_test_tmpdir : "";
  // TEST_TMPDIR would win over TMPDIR in ::testing::TempDir().
  unsetenv("TEST_TMPDIR");
  setenv(variable, base.c_str(), 1);
  *run = RunProcess({"/proc/self/exe", "--gtest_also_run_disabled_tests",
                     "--gtest_filter=" + test});
  unsetenv(variable);
  if (saved_test_tmpdir != nullptr) setenv("TEST_TMPDIR", saved.c_str(), 1);
  std::vector<std::filesystem::path> emls;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(base)) {
    if (entry.path().extension() == ".eml") emls.push_back(entry.path());
  }
  return emls;
}

// The dump holds whatever the mailer sent (reset links, tokens), so it goes
// to a fresh private directory, whether the runner names an output directory
// or TMPDIR is used: a directory or a symbolic link planted beforehand under
// a predictable name is neither used nor followed, the directory is 0700
// and each file 0600.
TEST(FixtureFailureTest, FailedTestLeavesTranscriptsAndPrivateEmlFiles) {
  namespace fs = std::filesystem;
  for (const char* variable : {"TEST_UNDECLARED_OUTPUTS_DIR", "TMPDIR"}) {
    SCOPED_TRACE(variable);
    char dir_template[] = "/tmp/smtpfixture-outputs-XXXXXX";
    ASSERT_NE(mkdtemp(dir_template), nullptr);
    const fs::path base = dir_template;
    // What another user of a shared /tmp could plant: the names a dump
    // would use, as a world-writable directory and as a link to theirs.
    const fs::path decoy = base / "decoy";
    const fs::path planted = base / "FixtureTest.DISABLED_FailsOnPurpose";
    fs::create_directory(decoy);
    fs::create_directory(planted);
    fs::permissions(decoy, fs::perms::all);
    fs::permissions(planted, fs::perms::all);
    fs::create_directory_symlink(
        decoy, base / "smtpfixture-FixtureTest.DISABLED_FailsOnPurpose");

    ::smtpfixture::testing::ProcessResult run;
    const std::vector<fs::path> emls = RunFailingTest(variable, base, &run);
    EXPECT_EQ(run.exit_code, 1) << run.Describe();
    EXPECT_THAT(run.out, HasSubstr("EHLO fixture-test")) << run.Describe();
    EXPECT_THAT(run.out, HasSubstr("250 2.0.0 Ok: queued as 1"));
    EXPECT_TRUE(fs::is_empty(decoy));
    EXPECT_TRUE(fs::is_empty(planted));
    ASSERT_EQ(emls.size(), 1u) << run.Describe();
    EXPECT_THAT(run.out, HasSubstr(emls[0].string()));
    const fs::path directory = emls[0].parent_path();
    EXPECT_EQ(directory.parent_path(), base);
    EXPECT_THAT(directory.filename().string(),
                StartsWith("smtpfixture-FixtureTest.DISABLED_FailsOnPurpose-"));
    EXPECT_EQ(Mode(directory), 0700u);
    EXPECT_EQ(Mode(emls[0]), 0600u);
    std::ifstream file(emls[0], std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    EXPECT_EQ(content.str(), "Subject: left behind\r\n\r\nbody\r\n");
    fs::remove_all(base);
  }
}

// A test whose full name is far longer than a directory name may be.
class LongNameTest : public FixtureTest,
                     public ::testing::WithParamInterface<int> {};

// Run only by ALongTestNameStillLeavesItsDump, in a child process.
TEST_P(LongNameTest, DISABLED_FailsOnPurpose) {
  SendOne(server().Port(), "long name");
  if (HasFatalFailure()) return;
  ASSERT_TRUE(AwaitMessages(server(), 1));
  ADD_FAILURE() << "failing on purpose";
}

INSTANTIATE_TEST_SUITE_P(Long, LongNameTest, ::testing::Values(1),
                         [](const ::testing::TestParamInfo<int>&) {
                           return std::string(400, 'x') + "_end";
                         });

TEST(FixtureFailureTest, ALongTestNameStillLeavesItsDump) {
  namespace fs = std::filesystem;
  char dir_template[] = "/tmp/smtpfixture-outputs-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const fs::path base = dir_template;
  ::smtpfixture::testing::ProcessResult run;
  const std::vector<fs::path> emls = RunFailingTest(
      "TEST_UNDECLARED_OUTPUTS_DIR", base, &run, "Long/LongNameTest.*");
  EXPECT_EQ(run.exit_code, 1) << run.Describe();
  EXPECT_THAT(run.out, HasSubstr("failing on purpose")) << run.Describe();
  ASSERT_EQ(emls.size(), 1u) << run.Describe();
  const std::string name = emls[0].parent_path().filename().string();
  EXPECT_EQ(emls[0].parent_path().parent_path(), base);
  EXPECT_LE(name.size(), 160u) << name;
  // The name's beginning, then a hash of the whole, then mkdtemp's suffix.
  EXPECT_THAT(name, StartsWith("smtpfixture-Long_LongNameTest."
                               "DISABLED_FailsOnPurpose_xxxx"));
  EXPECT_THAT(name, ::testing::MatchesRegex(".*x-[0-9a-f]{8}-......"));
  EXPECT_EQ(Mode(emls[0].parent_path()), 0700u);
  fs::remove_all(base);
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

namespace smtpfixture {
namespace {

class EveryAttack : public SmtpTlsAttackTest {
 protected:
  ServerOptions BaseOptions() const override {
    ServerOptions options;
    options.hostname = "attack.test";
    options.tls = TlsPolicy::kImplicit;  // ignored under an attack
    return options;
  }
};

TEST_P(EveryAttack, RunsUnderTheParameterisedAttack) {
  EXPECT_EQ(server().Options().attack, GetParam());
  EXPECT_EQ(server().Options().hostname, "attack.test");
  const bool smtps = GetParam() == TlsAttack::kPlaintextOnImplicitPort;
  EXPECT_EQ(server().Url().rfind(smtps ? "smtps://" : "smtp://", 0), 0u)
      << server().Url();
  EXPECT_THAT(::testing::UnitTest::GetInstance()->current_test_info()->name(),
              ::testing::EndsWith(TlsAttackParamName(
                  ::testing::TestParamInfo<TlsAttack>(GetParam(), 0))));
}

SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_ATTACKS(EveryAttack);

TEST(AllTlsAttacksTest, InstanceNamesAreTheEnumeratorsWithoutK) {
  std::vector<std::string> names;
  for (TlsAttack attack : AllTlsAttacks()) {
    names.push_back(
        TlsAttackParamName(::testing::TestParamInfo<TlsAttack>(attack, 0)));
  }
  EXPECT_THAT(names, ::testing::ElementsAre(
                         "StripStartTls", "RefuseStartTls", "RejectStartTls",
                         "StartTlsWrongReply", "RefuseEhlo", "InjectReplies",
                         "InjectPartialReply", "PlaintextOnImplicitPort"));
}

// By hand over a subset, kNone included.
class SomeAttacks : public SmtpTlsAttackTest {};
TEST_P(SomeAttacks, NoneIsAnHonestServer) {
  EXPECT_EQ(server().Url().rfind("smtp://", 0), 0u);
}
INSTANTIATE_TEST_SUITE_P(ByHand, SomeAttacks,
                         ::testing::Values(TlsAttack::kNone,
                                           TlsAttack::kRefuseEhlo),
                         TlsAttackParamName);

}  // namespace
}  // namespace smtpfixture
