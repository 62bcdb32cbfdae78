// SMTP AUTH with real clients over STARTTLS: each mechanism with Python,
// curl and swaks, XOAUTH2 bearer tokens, and the refusals: a wrong password,
// AUTH before TLS, and MAIL without the AUTH the server requires. Secrets
// never appear in the recorded transcripts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "smtpfixture/gtest.h"
#include "tests/e2e/e2e_client.h"

namespace smtpfixture::e2e {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;

const char kUser[] = "alice";
const char kPassword[] = "s3cret-Pa55word";
const char kWrongPassword[] = "wrong-Pa55word";
const char kToken[] = "ya29.token-value";

// The forms a secret takes on the wire, none of which may be recorded:
// the secret itself and its base64 encodings in PLAIN, LOGIN and XOAUTH2.
const std::vector<std::string> kWireSecrets = {
    kPassword,
    kWrongPassword,
    kToken,
    "AGFsaWNlAHMzY3JldC1QYTU1d29yZA==",  // "\0alice\0s3cret-Pa55word"
    "czNjcmV0LVBhNTV3b3Jk",              // "s3cret-Pa55word"
    "AGFsaWNlAHdyb25nLVBhNTV3b3Jk",      // "\0alice\0wrong-Pa55word"
    "d3JvbmctUGE1NXdvcmQ=",              // "wrong-Pa55word"
    "eWEyOS50b2tlbi12YWx1ZQ==",          // "ya29.token-value"
    // "user=alice\1auth=Bearer ya29.token-value\1\1"
    "dXNlcj1hbGljZQFhdXRoPUJlYXJlciB5YTI5LnRva2VuLXZhbHVlAQE=",
};

void ExpectNoSecretsIn(const std::vector<Session>& sessions) {
  for (const Session& session : sessions) {
    for (const TranscriptLine& line : session.transcript) {
      for (const std::string& secret : kWireSecrets) {
        EXPECT_THAT(line.text, Not(HasSubstr(secret)))
            << "session " << session.id << " recorded a secret";
      }
    }
  }
}

class AuthTestBase : public ClientTest {
 protected:
  // Common to every AUTH test: STARTTLS offered, alice's password known.
  static ServerOptions AuthOptions(std::vector<std::string> mechanisms) {
    ServerOptions options;
    options.auth.mechanisms = std::move(mechanisms);
    options.auth.credentials = {{kUser, kPassword}};
    return options;
  }

  // The one session closed, AUTH succeeded with `mechanism`, one message
  // attributed to alice, nothing secret recorded.
  void ExpectAuthenticated(const std::string& mechanism) {
    ASSERT_TRUE(AwaitMessages(server(), 1));
    ASSERT_TRUE(server().WaitForSessionsClosed(1));
    EXPECT_THAT(
        server().Messages(),
        ElementsAre(AllOf(AuthenticatedAs(kUser), AuthMechanismIs(mechanism),
                          TlsModeIs(TlsMode::kStartTls))));
    const std::vector<Session> sessions = server().Sessions();
    EXPECT_THAT(sessions, ElementsAre(AllOf(AuthenticatedAs(kUser),
                                            AuthMechanismIs(mechanism))));
    ExpectNoSecretsIn(sessions);
  }
};

// ---------------------------------------------------------------------------
// Each password mechanism, alone on offer, with each client.

class AuthMechanismTest : public AuthTestBase,
                          public ::testing::WithParamInterface<const char*> {
 protected:
  ServerOptions Options() const override { return AuthOptions({GetParam()}); }
};

INSTANTIATE_TEST_SUITE_P(
    Mechanisms, AuthMechanismTest,
    ::testing::Values("PLAIN", "LOGIN", "CRAM-MD5"),
    [](const ::testing::TestParamInfo<const char*>& param_info) {
      std::string name = param_info.param;
      return name == "CRAM-MD5" ? std::string("CRAMMD5") : name;
    });

// smtplib's login() picks the mechanism itself from those offered.
TEST_P(AuthMechanismTest, PythonLogin) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend(
      {"--tls", "starttls", "--user", kUser, "--password", kPassword});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticated(GetParam());
}

TEST_P(AuthMechanismTest, Curl) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result =
      Curl({server().Url(), "--ssl-reqd", "--cacert", CaFile(), "--user",
            std::string(kUser) + ":" + kPassword, "--login-options",
            std::string("AUTH=") + GetParam(), "--mail-from", "a@example.com",
            "--mail-rcpt", "b@example.com", "--upload-file", "-"},
           "Subject: curl auth\r\n\r\nbody\r\n");
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticated(GetParam());
}

TEST_P(AuthMechanismTest, Swaks) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-auth");
  const ProcessResult result =
      Swaks({"--tls", "--tls-verify", "--tls-ca-path", CaFile(), "--auth",
             GetParam(), "--auth-user", kUser, "--auth-password", kPassword,
             "--from", "a@example.com", "--to", "b@example.com"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticated(GetParam());
}

TEST_P(AuthMechanismTest, Libcurl) {
  LibcurlRequest request;
  request.url = server().Url();
  request.ca_file = CaFile();
  request.use_ssl = CURLUSESSL_ALL;
  request.user = kUser;
  request.password = kPassword;
  request.login_options = std::string("AUTH=") + GetParam();
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  ASSERT_EQ(result.code, CURLE_OK) << result.Describe();
  ExpectAuthenticated(GetParam());
}

// ---------------------------------------------------------------------------
// XOAUTH2: the "password" is a bearer token.

class XOAuth2Test : public AuthTestBase {
 protected:
  ServerOptions Options() const override {
    ServerOptions options = AuthOptions({"XOAUTH2"});
    options.auth.credentials = {{kUser, kToken}};
    return options;
  }
};

TEST_F(XOAuth2Test, CurlOAuth2Bearer) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result =
      Curl({server().Url(), "--ssl-reqd", "--cacert", CaFile(), "--user",
            std::string(kUser) + ":", "--oauth2-bearer", kToken,
            "--login-options", "AUTH=XOAUTH2", "--mail-from", "a@example.com",
            "--mail-rcpt", "b@example.com", "--upload-file", "-"},
           "Subject: bearer\r\n\r\nbody\r\n");
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticated("XOAUTH2");
}

TEST_F(XOAuth2Test, PythonXOAuth2) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--tls", "starttls", "--mechanism", "XOAUTH2", "--user",
                  kUser, "--password", kToken});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ExpectAuthenticated("XOAUTH2");
}

TEST_F(XOAuth2Test, LibcurlXOAuth2Bearer) {
  LibcurlRequest request;
  request.url = server().Url();
  request.ca_file = CaFile();
  request.use_ssl = CURLUSESSL_ALL;
  request.user = kUser;
  request.bearer = kToken;
  request.login_options = "AUTH=XOAUTH2";
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  ASSERT_EQ(result.code, CURLE_OK) << result.Describe();
  ExpectAuthenticated("XOAUTH2");
}

// ---------------------------------------------------------------------------
// Refusals, with AUTH required for MAIL.

class AuthRequiredTest : public AuthTestBase {
 protected:
  ServerOptions Options() const override {
    ServerOptions options = AuthOptions({"PLAIN", "LOGIN"});
    options.auth.required = true;
    return options;
  }

  // Nothing stored; the session closed without authenticating.
  void ExpectNotAuthenticated() {
    ASSERT_TRUE(server().WaitForSessionsClosed(1));
    EXPECT_THAT(server().Messages(), IsEmpty());
    const std::vector<Session> sessions = server().Sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_FALSE(sessions[0].auth.has_value());
    ExpectNoSecretsIn(sessions);
  }

  ::testing::Matcher<const AuthAttempt&> FailedAttempt(int code) {
    return AllOf(Field("username", &AuthAttempt::username, kUser),
                 Field("succeeded", &AuthAttempt::succeeded, false),
                 Field("reply_code", &AuthAttempt::reply_code, code));
  }
};

TEST_F(AuthRequiredTest, PythonWithAWrongPasswordGets535) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend(
      {"--tls", "starttls", "--user", kUser, "--password", kWrongPassword});
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  const KeyValues output(result.out);
  EXPECT_EQ(output.Get("error"), "SMTPAuthenticationError") << result.out;
  EXPECT_EQ(output.Get("code"), "535") << result.out;
  ExpectNotAuthenticated();
  if (HasFatalFailure()) return;
  // login() tries each offered mechanism in turn: both attempts recorded.
  EXPECT_THAT(
      server().Sessions()[0].auth_attempts,
      ElementsAre(
          AllOf(FailedAttempt(535), Field(&AuthAttempt::mechanism, "PLAIN")),
          AllOf(FailedAttempt(535), Field(&AuthAttempt::mechanism, "LOGIN"))));
}

TEST_F(AuthRequiredTest, CurlWithAWrongPasswordGets535) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result = Curl(
      {server().Url(), "--ssl-reqd", "--cacert", CaFile(), "--user",
       std::string(kUser) + ":" + kWrongPassword, "--mail-from",
       "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file", "-"},
      "Subject: x\r\n\r\nx\r\n");
  // 67: CURLE_LOGIN_DENIED.
  EXPECT_EQ(result.exit_code, 67) << result.Describe();
  EXPECT_THAT(result.err, HasSubstr("< 535")) << result.Describe();
  ExpectNotAuthenticated();
  if (HasFatalFailure()) return;
  EXPECT_THAT(server().Sessions()[0].auth_attempts,
              Contains(FailedAttempt(535)));
}

TEST_F(AuthRequiredTest, SwaksWithAWrongPasswordGets535) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-auth");
  const ProcessResult result =
      Swaks({"--tls", "--tls-verify", "--tls-ca-path", CaFile(), "--auth",
             "PLAIN", "--auth-user", kUser, "--auth-password", kWrongPassword,
             "--from", "a@example.com", "--to", "b@example.com"});
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.out, HasSubstr("535")) << result.Describe();
  ExpectNotAuthenticated();
  if (HasFatalFailure()) return;
  EXPECT_THAT(server().Sessions()[0].auth_attempts,
              ElementsAre(AllOf(FailedAttempt(535),
                                Field(&AuthAttempt::mechanism, "PLAIN"))));
}

// AUTH is not offered before TLS, and a client that sends it anyway is told
// to encrypt first (RFC 4954 538) before it can reveal anything.
TEST_F(AuthRequiredTest, PythonAuthBeforeTlsGets538) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend(
      {"--mechanism", "LOGIN", "--user", kUser, "--password", kPassword});
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("code"), "538") << result.out;
  ExpectNotAuthenticated();
  if (HasFatalFailure()) return;
  const Session session = server().Sessions()[0];
  EXPECT_THAT(session, TlsModeIs(TlsMode::kNone));
  EXPECT_THAT(session, TranscriptContains(StartsWith("538")));
  // No AUTH in the EHLO reply, and no 334 challenge: the password was never
  // asked for.
  EXPECT_THAT(session, Not(TranscriptContains(StartsWith("250-AUTH"))));
  EXPECT_THAT(session, Not(TranscriptContains(StartsWith("250 AUTH"))));
  EXPECT_THAT(session, Not(TranscriptContains(StartsWith("334"))));
}

TEST_F(AuthRequiredTest, PythonSkippingAuthGets530) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--tls", "starttls"});
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  const KeyValues output(result.out);
  EXPECT_EQ(output.Get("error"), "SMTPSenderRefused") << result.out;
  EXPECT_EQ(output.Get("code"), "530") << result.out;
  ExpectNotAuthenticated();
  if (HasFatalFailure()) return;
  EXPECT_THAT(server().Sessions()[0], TranscriptContains(StartsWith("530")));
}

TEST_F(AuthRequiredTest, CurlSkippingAuthGets530) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  const ProcessResult result = Curl(
      {server().Url(), "--ssl-reqd", "--cacert", CaFile(), "--mail-from",
       "a@example.com", "--mail-rcpt", "b@example.com", "--upload-file", "-"},
      "Subject: x\r\n\r\nx\r\n");
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.err, HasSubstr("< 530")) << result.Describe();
  ExpectNotAuthenticated();
}

// With the right password the same server accepts the message.
TEST_F(AuthRequiredTest, PythonWithTheRightPasswordSends) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend(
      {"--tls", "starttls", "--user", kUser, "--password", kPassword});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  // smtplib prefers PLAIN of the two on offer.
  ExpectAuthenticated("PLAIN");
}

}  // namespace
}  // namespace smtpfixture::e2e
