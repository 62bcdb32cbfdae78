// Does the client insist on TLS? Real clients against every TlsAttack: those
// told to require TLS must resist (curl --ssl-reqd, smtplib used strictly,
// swaks --tls, a careful STARTTLS client), those that do not must be caught
// (curl --ssl, swaks --tls-optional --auth, a plaintext client on the
// implicit-TLS URL, a client that keeps its read buffer across the upgrade).
// Each detector is shown both ways.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "smtpfixture/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/e2e/starttls_client.h"

namespace smtpfixture::e2e {
namespace {

using ::testing::Contains;
using ::testing::Each;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

const char kMessage[] =
    "From: a@example.com\r\nTo: b@example.com\r\nSubject: Secret hello\r\n"
    "\r\nOnly over TLS.\r\n";

bool IsInjection(TlsAttack attack) {
  return attack == TlsAttack::kInjectReplies ||
         attack == TlsAttack::kInjectPartialReply;
}

class UnderAttack : public ClientTest,
                    public ::testing::WithParamInterface<TlsAttack> {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.attack = GetParam();
    // The lure: AUTH offered before TLS too.
    options.auth.accept_any = true;
    options.auth.allow_plaintext = true;
    return options;
  }
  bool Implicit() const {
    return GetParam() == TlsAttack::kPlaintextOnImplicitPort;
  }
  std::vector<Session> ClosedSessions() {
    EXPECT_TRUE(server().WaitForSessionsClosed(server().Sessions().size()));
    return server().Sessions();
  }
  // Nothing in plaintext, every session resisted.
  void ExpectResisted() {
    const std::vector<Session> sessions = ClosedSessions();
    EXPECT_THAT(sessions, Not(IsEmpty()));
    EXPECT_THAT(sessions, Each(ResistedTlsAttack()));
    EXPECT_THAT(server().Messages(), Each(Not(TlsModeIs(TlsMode::kNone))));
  }
  std::vector<std::string> CurlArgs() {
    return {server().Url(),  "--cacert",      CaFile(),
            "--mail-from",   "a@example.com", "--mail-rcpt",
            "b@example.com", "--upload-file", "-"};
  }
};

INSTANTIATE_TEST_SUITE_P(AllTlsAttacks, UnderAttack,
                         ::testing::ValuesIn(AllTlsAttacks()),
                         TlsAttackParamName);

// ---------------------------------------------------------------------------
// Clients that insist on TLS resist every attack.

TEST_P(UnderAttack, CurlSslReqdResists) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs();
  args.push_back("--ssl-reqd");
  const ProcessResult result = Curl(args, kMessage);
  EXPECT_NE(result.exit_code, 0) << result.Describe();  // curl >= 7.79 too
  ExpectResisted();
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_P(UnderAttack, PythonStrictResists) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--tls", Implicit() ? "implicit" : "starttls"}, kMessage);
  ExpectResisted();
  // smtplib discards what followed the 220: it gets through the injection
  // attacks over TLS, and nowhere else.
  EXPECT_EQ(result.exit_code == 0, IsInjection(GetParam()))
      << result.Describe();
  EXPECT_THAT(server().Messages(), SizeIs(IsInjection(GetParam()) ? 1 : 0));
}

// swaks --tls resists every attack but one: it reads the EHLO reply injected
// behind the 220 as its post-TLS EHLO reply (the CVE-2021-22947 shape) and
// sends MAIL while the real reply is held back. Observed with swaks
// 20201014.0 (Debian bookworm); a test that records the finding, so that a
// fixed swaks shows up here.
TEST_P(UnderAttack, SwaksTls) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  const ProcessResult result =
      Swaks({Implicit() ? "--tlsc" : "--tls", "--tls-verify", "--tls-ca-path",
             CaFile(), "--from", "a@example.com", "--to", "b@example.com"});
  if (GetParam() == TlsAttack::kInjectReplies) {
    EXPECT_THAT(ClosedSessions(),
                Contains(HasViolation("insecure-injected-reply")))
        << result.Describe();
    return;
  }
  ExpectResisted();
  if (!IsInjection(GetParam())) {
    EXPECT_NE(result.exit_code, 0) << result.Describe();
  }
}

// A STARTTLS client pointed at an smtps:// URL speaks plaintext first: on
// the implicit-port attack that is the finding, whatever it does next.
void ExpectPlaintextOnImplicitPort(const std::vector<Session>& sessions) {
  EXPECT_THAT(sessions,
              Contains(HasViolation("insecure-plaintext-on-implicit-port")));
}

TEST_P(UnderAttack, CarefulTwinResistsAndDeliversThroughInjection) {
  const StartTlsClientResult result =
      SendOverStartTls(server().Port(), CaFile(), BufferAcrossUpgrade::kDiscard,
                       ScaledTimeout(std::chrono::seconds(5)));
  if (Implicit()) return ExpectPlaintextOnImplicitPort(ClosedSessions());
  ExpectResisted();
  EXPECT_EQ(result.delivered, IsInjection(GetParam()))
      << result.error << "\n"
      << ::testing::PrintToString(result.log);
}

// ---------------------------------------------------------------------------
// Clients that do not insist are caught.

TEST_P(UnderAttack, VulnerableClientIsCaughtByTheInjectionAttacksOnly) {
  const StartTlsClientResult result =
      SendOverStartTls(server().Port(), CaFile(), BufferAcrossUpgrade::kKeep,
                       ScaledTimeout(std::chrono::seconds(5)));
  const std::vector<Session> sessions = ClosedSessions();
  if (Implicit()) return ExpectPlaintextOnImplicitPort(sessions);
  if (IsInjection(GetParam())) {
    EXPECT_THAT(sessions, Contains(HasViolation("insecure-injected-reply")))
        << ::testing::PrintToString(result.log);
    EXPECT_THAT(sessions, Contains(Not(ResistedTlsAttack())));
  } else {
    // It insists on a 220 like its twin: the other attacks find nothing.
    EXPECT_THAT(sessions, Each(ResistedTlsAttack()));
  }
  EXPECT_FALSE(result.delivered && !IsInjection(GetParam()));
}

TEST_P(UnderAttack, CurlOpportunistic) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs();
  args.push_back("--ssl");
  const ProcessResult result = Curl(args, kMessage);
  const std::vector<Session> sessions = ClosedSessions();
  switch (GetParam()) {
    case TlsAttack::kStripStartTls:
    case TlsAttack::kRefuseStartTls:
    case TlsAttack::kRejectStartTls:
    case TlsAttack::kStartTlsWrongReply:
    case TlsAttack::kRefuseEhlo:
      // Falls back to plaintext: the finding.
      EXPECT_THAT(sessions, Contains(HasViolation("insecure-plaintext-mail")))
          << result.Describe();
      EXPECT_THAT(server().Messages(), Contains(TlsModeIs(TlsMode::kNone)));
      break;
    default:
      EXPECT_THAT(sessions, Each(ResistedTlsAttack())) << result.Describe();
      break;
  }
}

class ImplicitPortAttack : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.attack = TlsAttack::kPlaintextOnImplicitPort;
    return options;
  }
};

TEST_F(ImplicitPortAttack, PlaintextClientOnTheImplicitUrlIsCaught) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl");
  ASSERT_EQ(server().Url().rfind("smtps://", 0), 0u);
  // A client told smtps:// that speaks plaintext anyway.
  const ProcessResult result =
      Curl({"smtp://localhost:" + Port(), "--mail-from", "a@example.com",
            "--mail-rcpt", "b@example.com", "--upload-file", "-"},
           kMessage);
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  EXPECT_THAT(sessions,
              Contains(HasViolation("insecure-plaintext-on-implicit-port")));
  EXPECT_THAT(sessions, Contains(HasViolation("insecure-plaintext-mail")));
}

class SwaksOptionalTls : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.attack = TlsAttack::kStripStartTls;
    options.auth.accept_any = true;
    options.auth.allow_plaintext = true;
    return options;
  }
};

TEST_F(SwaksOptionalTls, SendsItsPasswordInPlaintextUnderStrip) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-auth");
  const ProcessResult result =
      Swaks({"--tls-optional", "--auth", "PLAIN", "--auth-user", "ann",
             "--auth-password", "secret", "--from", "a@example.com", "--to",
             "b@example.com"});
  EXPECT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  EXPECT_THAT(sessions, Contains(HasViolation("insecure-plaintext-auth")));
  EXPECT_THAT(sessions, Contains(Not(ResistedTlsAttack())));
}

TEST_F(SwaksOptionalTls, WithTlsRequiredItResists) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-auth");
  const ProcessResult result = Swaks(
      {"--tls", "--auth", "PLAIN", "--auth-user", "ann", "--auth-password",
       "secret", "--from", "a@example.com", "--to", "b@example.com"});
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  EXPECT_THAT(server().Sessions(), Each(ResistedTlsAttack()));
}

}  // namespace
}  // namespace smtpfixture::e2e
