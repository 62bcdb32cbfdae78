// The GoogleTest fixture: a server per test, started before the test body and
// stopped after it, plus AwaitMessages(), AwaitMessage() and the matchers of
// matchers.h.
//
//   class MailerTest : public smtpfixture::SmtpServerTest {
//    protected:
//     smtpfixture::ServerOptions Options() const override {
//       smtpfixture::ServerOptions o;
//       o.tls = smtpfixture::TlsPolicy::kStartTlsRequired;
//       return o;
//     }
//   };
//
//   TEST_F(MailerTest, Sends) {
//     ASSERT_TRUE(mailer.Send(server().Url(), ...));
//     ASSERT_TRUE(AwaitMessages(server(), 1));
//     EXPECT_THAT(server().Messages(), ElementsAre(HasSubject("Hi")));
//   }
//
// When a test fails, TearDown() prints every session's transcript and writes
// every received message as an .eml file (the paths are printed), under
// $TEST_UNDECLARED_OUTPUTS_DIR if set, else ::testing::TempDir(), in a
// subdirectory named after the test.
//
// Every wait here scales its timeout by the environment variable
// SMTPFIXTURE_TIMEOUT_MULTIPLIER (a positive number, default 1), so slow
// builds (sanitizers, valgrind, emulation) need no code change. The waits of
// Server itself do not scale.
#ifndef SMTPFIXTURE_GTEST_H_
#define SMTPFIXTURE_GTEST_H_

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "smtpfixture/matchers.h"
#include "smtpfixture/printers.h"
#include "smtpfixture/server.h"

namespace smtpfixture {

class SmtpServerTest : public ::testing::Test {
 protected:
  // Override to configure the server; called once, by SetUp().
  virtual ServerOptions Options() const;

  // Constructs the server with Options() and starts it. A failure to start
  // is a fatal test failure naming the cause; server() then returns a
  // stopped server, so that a derived SetUp() can still call it.
  void SetUp() override;
  // Stops the server; if the server recorded internal errors
  // (Server::Errors(), Session::errors) the test fails listing them. If the
  // test has failed, prints what the server saw and writes the messages as
  // .eml files.
  void TearDown() override;

  Server& server();

 private:
  std::unique_ptr<Server> server_;
  bool started_ = false;
};

// Waits until `server` has received at least `count` messages, for
// ScaledTimeout(timeout). On failure the message says how many arrived,
// summarises each, and shows the end of every session's transcript.
::testing::AssertionResult AwaitMessages(
    const Server& server, std::size_t count,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// Waits until some message `server` received matches `matcher` (messages
// already received count), for ScaledTimeout(timeout): for mailers that send
// asynchronously, where counting messages is fragile.
//
//   std::thread sender([&] { mailer.SendReceipts(); });
//   ASSERT_TRUE(AwaitMessage(server(), HasSubject("Your receipt")));
//
// Any matcher works: the library's, AllOf/AnyOf of them, MATCHER_P ones,
// Truly(predicate). The matcher runs on the calling thread, once per message
// while waiting. On failure the message lists every message that arrived with
// the matcher's explanation of why it does not match, then the end of every
// session's transcript. Returns at once (failing unless a message already
// matches) when the server is not running.
::testing::AssertionResult AwaitMessage(
    const Server& server,
    const ::testing::Matcher<const ReceivedMessage&>& matcher,
    std::chrono::milliseconds timeout = std::chrono::seconds(5));

// `timeout` multiplied by SMTPFIXTURE_TIMEOUT_MULTIPLIER (default 1; a value
// that is not a positive number is ignored with a warning on stderr).
std::chrono::milliseconds ScaledTimeout(std::chrono::milliseconds timeout);

// One TEST_P run under every TLS policy, with one line to instantiate:
//
//   class EveryPolicy : public SmtpServerPolicyTest {};
//   TEST_P(EveryPolicy, Delivers) {
//     // GetParam() is the policy; server() runs under it.
//   }
//   SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_POLICIES(EveryPolicy);
//
// Override BaseOptions() to configure everything but the policy.
class SmtpServerPolicyTest : public SmtpServerTest,
                             public ::testing::WithParamInterface<TlsPolicy> {
 protected:
  virtual ServerOptions BaseOptions() const { return ServerOptions{}; }
  ServerOptions Options() const override {
    ServerOptions options = BaseOptions();
    options.tls = GetParam();
    return options;
  }
};

// kNone, kStartTlsOptional, kStartTlsRequired, kImplicit.
std::vector<TlsPolicy> AllTlsPolicies();
// Test-name suffixes: "None", "StartTlsOptional", "StartTlsRequired",
// "Implicit".
std::string TlsPolicyParamName(const ::testing::TestParamInfo<TlsPolicy>& info);

// Does the mailer insist on TLS? One TEST_P run against every TlsAttack
// (docs/attacks.md), with one line to instantiate:
//
//   class MailerUnderAttack : public SmtpTlsAttackTest {};
//   TEST_P(MailerUnderAttack, SendsNothingWithoutTls) {
//     Mailer mailer(server().Url(), server().CaFile(), Mailer::kRequireTls);
//     mailer.Send("a@example.com", {"b@example.com"}, "Hi", "Body");
//     EXPECT_THAT(server().Messages(), Each(Not(TlsModeIs(TlsMode::kNone))));
//     EXPECT_THAT(server().Sessions(), Each(ResistedTlsAttack()));
//   }
//   SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_ATTACKS(MailerUnderAttack);
//
// Override BaseOptions() to configure everything but the attack. The class
// may be instantiated by hand over any subset of attacks, kNone included.
class SmtpTlsAttackTest : public SmtpServerTest,
                          public ::testing::WithParamInterface<TlsAttack> {
 protected:
  virtual ServerOptions BaseOptions() const { return ServerOptions{}; }
  ServerOptions Options() const override {
    ServerOptions options = BaseOptions();
    options.attack = GetParam();
    return options;
  }
};

// Test-name suffixes: the enumerators without their k ("StripStartTls",
// "InjectPartialReply", ...; "None"): GoogleTest names cannot hold the "-"
// of TlsAttackName().
std::string TlsAttackParamName(const ::testing::TestParamInfo<TlsAttack>& info);

}  // namespace smtpfixture

// Instantiates `suite` (a SmtpTlsAttackTest) over AllTlsAttacks().
#define SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_ATTACKS(suite) \
  INSTANTIATE_TEST_SUITE_P(                                \
      AllTlsAttacks, suite,                                \
      ::testing::ValuesIn(::smtpfixture::AllTlsAttacks()), \
      ::smtpfixture::TlsAttackParamName)

#define SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_POLICIES(suite) \
  INSTANTIATE_TEST_SUITE_P(                                 \
      AllTlsPolicies, suite,                                \
      ::testing::ValuesIn(::smtpfixture::AllTlsPolicies()), \
      ::smtpfixture::TlsPolicyParamName)

#endif  // SMTPFIXTURE_GTEST_H_
