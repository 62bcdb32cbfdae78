// The session: AUTH and its SASL exchanges.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string>
#include <vector>

#include "fixture/base/base64.h"
#include "fixture/smtp/sasl.h"
#include "fixture/smtp/smtp_session.h"
#include "tests/support/session_harness.h"

namespace smtpfixture::detail {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;

// ---------------------------------------------------------------------------
// AUTH.

std::vector<std::string> AuthReplies(const std::string& lines,
                                     SessionConfig config = WithAuth()) {
  return Replies(lines, std::move(config));
}

TEST(SmtpSessionTest, AuthPlainWithInitialResponse) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                       "MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  EXPECT_EQ(o.replies.at(9), "235 2.7.0 Authentication successful");
  ASSERT_THAT(o.authenticated, SizeIs(1));
  EXPECT_EQ(o.authenticated[0].mechanism, "PLAIN");
  EXPECT_EQ(o.authenticated[0].username, "alice");
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_TRUE(o.auth_attempts[0].succeeded);
  EXPECT_EQ(o.auth_attempts[0].reply_code, 235);
  EXPECT_EQ(o.auth_attempts[0].username, "alice");
  ASSERT_THAT(o.messages, SizeIs(1));
  ASSERT_TRUE(o.messages[0]->auth.has_value());
  EXPECT_EQ(o.messages[0]->auth->username, "alice");
  EXPECT_EQ(o.transcript.at(11).text, "AUTH PLAIN ****");
}

TEST(SmtpSessionTest, AuthPlainWithoutInitialResponse) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH PLAIN", "AGFsaWNlAHNlY3JldA=="}))
          .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("334 ", "235 2.7.0 Authentication successful"));
  EXPECT_EQ(o.transcript.at(11).text, "AUTH PLAIN");
  EXPECT_EQ(o.transcript.at(13).text, "****");
}

TEST(SmtpSessionTest, AuthPlainFailures) {
  EXPECT_THAT(
      AuthReplies(Lines(
          {"AUTH PLAIN AGFsaWNlAHdyb25n", "AUTH PLAIN Ym9iAGFsaWNlAHNlY3JldA==",
           "AUTH PLAIN AG1hbGxvcnkAd2hhdGV2ZXI=", "AUTH PLAIN YWxpY2U=",
           "AUTH PLAIN =", "AUTH PLAIN YWxpY2UAYWxpY2UAc2VjcmV0"})),
      ElementsAre("535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "535 5.7.8 Error: authentication failed",
                  "235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, AuthLogin) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH LOGIN", "YWxpY2U=", "c2VjcmV0"}))
          .Run();
  EXPECT_THAT(After(o, 9), ElementsAre("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6",
                                       "235 2.7.0 Authentication successful"));
  EXPECT_EQ(o.authenticated.at(0).mechanism, "LOGIN");
  EXPECT_EQ(o.authenticated.at(0).username, "alice");
}

TEST(SmtpSessionTest, AuthLoginWithInitialResponseAndWrongPassword) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH LOGIN YWxpY2U=", "d3Jvbmc="}))
          .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("334 UGFzc3dvcmQ6",
                          "535 5.7.8 Error: authentication failed"));
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].username, "alice");
  EXPECT_FALSE(o.auth_attempts[0].succeeded);
  EXPECT_EQ(o.auth_attempts[0].reply_code, 535);
  EXPECT_THAT(o.authenticated, IsEmpty());
}

// CRAM-MD5 computed here, independently of sasl.cc, with OpenSSL.
std::string CramMd5(const std::string& password, const std::string& challenge) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  char md5[] = "MD5";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, md5, 0),
      OSSL_PARAM_construct_end()};
  unsigned char out[16];
  std::size_t length = 0;
  EVP_MAC_init(ctx, reinterpret_cast<const unsigned char*>(password.data()),
               password.size(), params);
  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(challenge.data()),
                 challenge.size());
  EVP_MAC_final(ctx, out, &length, sizeof out);
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  std::string hex;
  for (std::size_t i = 0; i < length; ++i) {
    hex += "0123456789abcdef"[out[i] >> 4];
    hex += "0123456789abcdef"[out[i] & 15];
  }
  return hex;
}

// CRAM-MD5's challenge is random, so these dialogues are interactive.
struct CramRun {
  std::string challenge;
  Outcome outcome;
};

CramRun RunCramMd5(SessionConfig config, const std::string& user,
                   const std::string& password) {
  SmtpSession session(config);
  Actions out;
  session.Feed("EHLO x\r\nAUTH CRAM-MD5\r\n", out);
  std::string challenge;
  for (const Action& a : out) {
    if (const auto* w = std::get_if<WriteAction>(&a)) {
      if (w->bytes.rfind("334 ", 0) == 0) {
        challenge =
            *Base64DecodeStrict(w->bytes.substr(4, w->bytes.size() - 6));
      }
    }
  }
  const std::string response = user + " " + CramMd5(password, challenge);
  session.Feed(Base64Encode(response) + "\r\n", out);
  return {challenge, Summarize(std::move(out), 0)};
}

TEST(SmtpSessionTest, AuthCramMd5) {
  const CramRun run = RunCramMd5(WithAuth(), "alice", "secret");
  EXPECT_THAT(run.challenge, MatchesRegex("<[0-9]+\\.[0-9]+@localhost>"));
  EXPECT_EQ(LastReply(run.outcome), "235 2.7.0 Authentication successful");
  EXPECT_EQ(run.outcome.authenticated.at(0).mechanism, "CRAM-MD5");
  EXPECT_EQ(run.outcome.authenticated.at(0).username, "alice");
  EXPECT_EQ(HmacMd5Hex("secret", run.challenge),
            CramMd5("secret", run.challenge));
}

TEST(SmtpSessionTest, AuthCramMd5WrongPasswordAndUnknownUser) {
  EXPECT_EQ(LastReply(RunCramMd5(WithAuth(), "alice", "wrong").outcome),
            "535 5.7.8 Error: authentication failed");
  EXPECT_EQ(LastReply(RunCramMd5(WithAuth(), "bob", "secret").outcome),
            "535 5.7.8 Error: authentication failed");
}

TEST(SmtpSessionTest, AuthCramMd5ChallengesDiffer) {
  EXPECT_NE(RunCramMd5(WithAuth(), "alice", "secret").challenge,
            RunCramMd5(WithAuth(), "alice", "secret").challenge);
}

TEST(SmtpSessionTest, AuthCramMd5AcceptAny) {
  SessionConfig c = WithAuth();
  c.auth.credentials.clear();
  c.auth.accept_any = true;
  EXPECT_EQ(LastReply(RunCramMd5(c, "anyone", "anything").outcome),
            "235 2.7.0 Authentication successful");
}

TEST(SmtpSessionTest, AuthCramMd5RefusesAnInitialResponse) {
  // The server speaks first in CRAM-MD5.
  EXPECT_THAT(AuthReplies("AUTH CRAM-MD5 YWxpY2U=\r\n"),
              ElementsAre("535 5.7.8 Error: authentication failed"));
}

TEST(SmtpSessionTest, AuthXOauth2) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines(
              {"EHLO x",
               "AUTH XOAUTH2 dXNlcj1hbGljZQFhdXRoPUJlYXJlciBzZWNyZXQBAQ=="}))
          .Run();
  EXPECT_THAT(After(o, 9), ElementsAre("235 2.7.0 Authentication successful"));
  EXPECT_EQ(o.authenticated.at(0).mechanism, "XOAUTH2");
  EXPECT_EQ(o.authenticated.at(0).username, "alice");
}

TEST(SmtpSessionTest, AuthXOauth2Failure) {
  const Outcome o =
      Dialogue(WithAuth())
          .Send(Lines({"EHLO x", "AUTH XOAUTH2",
                       "dXNlcj1hbGljZQFhdXRoPUJlYXJlciBub3BlAQE=", ""}))
          .Run();
  EXPECT_THAT(After(o, 9),
              ElementsAre("334 ",
                          "334 eyJzdGF0dXMiOiI0MDEiLCJzY2hlbWVzIjoiYmVhcmVyIiwi"
                          "c2NvcGUiOiJodHRwczovL21haWwuZ29vZ2xlLmNvbS8ifQ==",
                          "535 5.7.8 Error: authentication failed"));
  EXPECT_THAT(o.authenticated, IsEmpty());
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_EQ(o.auth_attempts[0].reply_code, 535);
}

TEST(SmtpSessionTest, AuthXOauth2WithLongToken) {
  // OAuth tokens make AUTH lines longer than 2048 octets (RFC 4954 allows
  // 12288).
  SessionConfig c = WithAuth();
  const std::string token(6000, 't');
  c.auth.credentials["bob"] = token;
  const std::string ir = Base64Encode(
      "user=bob\x01"
      "auth=Bearer " +
      token + "\x01\x01");
  ASSERT_GT(ir.size(), 2048u);
  EXPECT_THAT(AuthReplies("AUTH XOAUTH2 " + ir + "\r\n", c),
              ElementsAre("235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, AuthAcceptAny) {
  SessionConfig c;
  c.auth.accept_any = true;
  c.auth.allow_plaintext = true;
  EXPECT_THAT(AuthReplies("AUTH PLAIN AG1hbGxvcnkAd2hhdGV2ZXI=\r\n", c),
              ElementsAre("235 2.7.0 Authentication successful"));
  EXPECT_THAT(AuthReplies(Lines({"AUTH LOGIN", "YWxpY2U=", "d3Jvbmc="}), c),
              ElementsAre("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6",
                          "235 2.7.0 Authentication successful"));
}

TEST(SmtpSessionTest, AuthDecodingAbortAndLongLines) {
  EXPECT_THAT(
      AuthReplies(Lines({"AUTH PLAIN !!!!", "AUTH LOGIN", "*", "AUTH PLAIN",
                         "not base64", "AUTH LOGIN"}) +
                  std::string(12300, 'Q') + "\r\n" + Lines({"NOOP"})),
      ElementsAre("501 5.5.2 Cannot decode response", "334 VXNlcm5hbWU6",
                  "501 5.7.0 Authentication aborted", "334 ",
                  "501 5.5.2 Cannot decode response", "334 VXNlcm5hbWU6",
                  "500 5.5.6 Authentication Exchange line is too long",
                  "250 2.0.0 Ok"));
}

TEST(SmtpSessionTest, AuthRefusals) {
  EXPECT_THAT(Replies("AUTH PLAIN\r\n"),
              ElementsAre("503 5.5.1 Error: authentication not enabled"));
  SessionConfig no_plaintext = WithAuth();
  no_plaintext.auth.allow_plaintext = false;
  no_plaintext.tls_policy = TlsPolicy::kStartTlsOptional;
  const Outcome o =
      Dialogue(no_plaintext).Send("EHLO x\r\nAUTH PLAIN\r\n").Run();
  EXPECT_EQ(std::count_if(o.replies.begin(), o.replies.end(),
                          [](const std::string& r) {
                            return r.find("AUTH") != std::string::npos;
                          }),
            0);
  EXPECT_EQ(LastReply(o),
            "538 5.7.11 Encryption required for requested authentication "
            "mechanism");
  EXPECT_THAT(
      Dialogue(WithAuth()).Send("HELO x\r\nAUTH PLAIN\r\n").Run().replies,
      ElementsAre("250 localhost", "503 5.5.1 Error: send EHLO first"));
  EXPECT_THAT(AuthReplies(Lines({"AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                                 "AUTH PLAIN AGFsaWNlAHNlY3JldA=="})),
              ElementsAre("235 2.7.0 Authentication successful",
                          "503 5.5.1 Error: already authenticated"));
  EXPECT_THAT(AuthReplies(Lines({"MAIL FROM:<a@b>", "AUTH PLAIN"})),
              ElementsAre("250 2.1.0 Ok",
                          "503 5.5.1 Error: MAIL transaction in progress"));
  SessionConfig plain_only = WithAuth();
  plain_only.auth.mechanisms = {"PLAIN"};
  EXPECT_THAT(AuthReplies(Lines({"AUTH GSSAPI", "AUTH LOGIN", "AUTH",
                                 "AUTH PLAIN a b"}),
                          plain_only),
              ElementsAre("504 5.5.4 Unrecognized authentication type",
                          "504 5.5.4 Unrecognized authentication type",
                          "501 5.5.4 Syntax: AUTH mechanism",
                          "501 5.5.4 Syntax: AUTH mechanism"));
}

TEST(SmtpSessionTest, AuthOfferedAfterTls) {
  SessionConfig c = WithAuth();
  c.auth.allow_plaintext = false;
  c.tls_policy = TlsPolicy::kStartTlsOptional;
  const Outcome o =
      Dialogue(c)
          .Send("STARTTLS\r\n")
          .TlsUp()
          .Send(Lines({"EHLO x", "AUTH LOGIN YWxpY2U=", "c2VjcmV0"}))
          .Run();
  EXPECT_EQ(LastReply(o), "235 2.7.0 Authentication successful");
}

// EXTERNAL, from a client certificate that verified (RFC 4422 appendix A).

SessionConfig WithExternal(std::vector<std::string> mechanisms = {"EXTERNAL"}) {
  SessionConfig c;
  c.tls_policy = TlsPolicy::kStartTlsOptional;
  c.auth.mechanisms = std::move(mechanisms);
  return c;
}

// The AUTH line of the last EHLO reply, "" if none.
std::string AuthLine(const Outcome& o) {
  std::string found;
  for (const std::string& r : o.replies) {
    if (r.rfind("250-AUTH", 0) == 0 || r.rfind("250 AUTH", 0) == 0) found = r;
    if (r.rfind("250-localhost", 0) == 0) found.clear();  // a new EHLO reply
  }
  return found;
}

TEST(SmtpSessionTest, AuthExternalIsOfferedWithAVerifiedCertificateOnly) {
  const Outcome with = Dialogue(WithExternal())
                           .Send("STARTTLS\r\n")
                           .TlsUp("mailer")
                           .Send("EHLO x\r\n")
                           .Run();
  EXPECT_EQ(AuthLine(with), "250-AUTH EXTERNAL");
  const Outcome without = Dialogue(WithExternal())
                              .Send("STARTTLS\r\n")
                              .TlsUp()
                              .Send("EHLO x\r\nAUTH EXTERNAL =\r\n")
                              .Run();
  EXPECT_EQ(AuthLine(without), "");
  EXPECT_EQ(LastReply(without), "504 5.5.4 Unrecognized authentication type");
  EXPECT_THAT(without.authenticated, IsEmpty());
  // Before TLS there is no certificate, whatever allow_plaintext says.
  SessionConfig plaintext = WithExternal();
  plaintext.auth.allow_plaintext = true;
  const Outcome before =
      Dialogue(plaintext).Send("EHLO x\r\nAUTH EXTERNAL =\r\n").Run();
  EXPECT_EQ(AuthLine(before), "");
  EXPECT_EQ(LastReply(before), "504 5.5.4 Unrecognized authentication type");
}

TEST(SmtpSessionTest, AuthExternalIsListedBesideThePasswordMechanisms) {
  SessionConfig c = WithExternal({"PLAIN", "EXTERNAL", "LOGIN"});
  c.auth.credentials = {{"alice", "secret"}};
  const Outcome with =
      Dialogue(c).Send("STARTTLS\r\n").TlsUp("mailer").Send("EHLO x\r\n").Run();
  EXPECT_EQ(AuthLine(with), "250-AUTH PLAIN EXTERNAL LOGIN");
  const Outcome without =
      Dialogue(c).Send("STARTTLS\r\n").TlsUp().Send("EHLO x\r\n").Run();
  EXPECT_EQ(AuthLine(without), "250-AUTH PLAIN LOGIN");
  // Without credentials the password mechanisms are neither offered nor
  // accepted, even beside EXTERNAL.
  SessionConfig external_only = WithExternal({"PLAIN", "EXTERNAL"});
  const Outcome o = Dialogue(external_only)
                        .Send("STARTTLS\r\n")
                        .TlsUp("mailer")
                        .Send("EHLO x\r\nAUTH PLAIN AGFsaWNlAHNlY3JldA==\r\n")
                        .Run();
  EXPECT_EQ(AuthLine(o), "250-AUTH EXTERNAL");
  EXPECT_EQ(LastReply(o), "504 5.5.4 Unrecognized authentication type");
}

TEST(SmtpSessionTest, AuthExternalWithAnEmptyInitialResponse) {
  const Outcome o =
      Dialogue(WithExternal())
          .Send("STARTTLS\r\n")
          .TlsUp("mailer")
          .Send(Lines({"EHLO x", "AUTH EXTERNAL =", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  EXPECT_THAT(o.replies,
              ::testing::Contains("235 2.7.0 Authentication successful"));
  ASSERT_THAT(o.authenticated, SizeIs(1));
  EXPECT_EQ(o.authenticated[0].mechanism, "EXTERNAL");
  EXPECT_EQ(o.authenticated[0].username, "mailer");
  ASSERT_THAT(o.messages, SizeIs(1));
  ASSERT_TRUE(o.messages[0]->auth.has_value());
  EXPECT_EQ(o.messages[0]->auth->mechanism, "EXTERNAL");
  EXPECT_EQ(o.messages[0]->auth->username, "mailer");
  ASSERT_THAT(o.auth_attempts, SizeIs(1));
  EXPECT_TRUE(o.auth_attempts[0].succeeded);
  EXPECT_EQ(o.auth_attempts[0].username, "mailer");
}

TEST(SmtpSessionTest, AuthExternalNamingTheCertificatesCommonName) {
  const Outcome o =
      Dialogue(WithExternal())
          .Send("STARTTLS\r\n")
          .TlsUp("mailer")
          .Send(Lines({"EHLO x", "AUTH external " + Base64Encode("mailer")}))
          .Run();
  EXPECT_EQ(LastReply(o), "235 2.7.0 Authentication successful");
  ASSERT_THAT(o.authenticated, SizeIs(1));
  EXPECT_EQ(o.authenticated[0].username, "mailer");
}

TEST(SmtpSessionTest, AuthExternalWithoutInitialResponse) {
  for (const std::string& answer : {std::string(), Base64Encode("mailer")}) {
    const Outcome o = Dialogue(WithExternal())
                          .Send("STARTTLS\r\n")
                          .TlsUp("mailer")
                          .Send(Lines({"EHLO x", "AUTH EXTERNAL", answer}))
                          .Run();
    EXPECT_THAT(o.replies, ::testing::Contains("334 ")) << answer;
    EXPECT_EQ(LastReply(o), "235 2.7.0 Authentication successful") << answer;
    ASSERT_THAT(o.authenticated, SizeIs(1));
    EXPECT_EQ(o.authenticated[0].mechanism, "EXTERNAL");
    EXPECT_EQ(o.authenticated[0].username, "mailer");
  }
}

TEST(SmtpSessionTest, AuthExternalAsAnotherIdentityFails) {
  const Outcome o =
      Dialogue(WithExternal())
          .Send("STARTTLS\r\n")
          .TlsUp("mailer")
          .Send(Lines({"EHLO x", "AUTH EXTERNAL " + Base64Encode("postmaster"),
                       "AUTH EXTERNAL", Base64Encode("root")}))
          .Run();
  EXPECT_THAT(After(o, o.replies.size() - 3),
              ElementsAre("535 5.7.8 Error: authentication failed", "334 ",
                          "535 5.7.8 Error: authentication failed"));
  EXPECT_THAT(o.authenticated, IsEmpty());
  std::vector<std::string> attempts;
  for (const AuthAttempt& a : o.auth_attempts) {
    attempts.push_back(a.mechanism + "/" + a.username + "/" +
                       (a.succeeded ? "ok" : "no") + "/" +
                       std::to_string(a.reply_code));
  }
  EXPECT_THAT(attempts, ElementsAre("EXTERNAL/postmaster/no/535",
                                    "EXTERNAL/root/no/535"));
}

TEST(SmtpSessionTest, AuthExternalForgetsTheCertificateOfAnotherHandshake) {
  // TlsEstablished says which certificate this connection verified; a
  // session told none has none, whatever it was told before.
  const Outcome o = Dialogue(WithExternal())
                        .Send("STARTTLS\r\n")
                        .TlsUp("mailer")
                        .TlsUp()
                        .Send("EHLO x\r\nAUTH EXTERNAL =\r\n")
                        .Run();
  EXPECT_EQ(LastReply(o), "504 5.5.4 Unrecognized authentication type");
}

TEST(SmtpSessionTest, AuthRequired) {
  SessionConfig c = WithAuth();
  c.auth.required = true;
  EXPECT_THAT(
      AuthReplies(Lines({"MAIL FROM:<a@b>", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                         "MAIL FROM:<a@b> AUTH=alice"}),
                  c),
      ElementsAre("530 5.7.0 Authentication required",
                  "235 2.7.0 Authentication successful", "250 2.1.0 Ok"));
}

TEST(SmtpSessionTest, AuthAttemptsAreAllRecorded) {
  const Outcome o = Dialogue(WithAuth())
                        .Send(Lines({"EHLO x", "AUTH FOO", "AUTH LOGIN", "*",
                                     "AUTH PLAIN AGFsaWNlAHdyb25n",
                                     "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
                        .Run();
  std::vector<std::string> attempts;
  for (const AuthAttempt& a : o.auth_attempts) {
    attempts.push_back(a.mechanism + "/" + a.username + "/" +
                       (a.succeeded ? "ok" : "no") + "/" +
                       std::to_string(a.reply_code));
  }
  EXPECT_THAT(attempts,
              ElementsAre("FOO//no/504", "LOGIN//no/501", "PLAIN/alice/no/535",
                          "PLAIN/alice/ok/235"));
}

TEST(SmtpSessionTest, SecretsNeverAppearInActions) {
  SessionConfig c = WithAuth();
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHdyb25n", "AUTH LOGIN",
                       "YWxpY2U=", "c2VjcmV0", "MAIL FROM:<a@b>",
                       "RCPT TO:<c@d>", "DATA", "x", "."}))
          .Run();
  for (const std::string& d : DescribeAll(o.actions)) {
    EXPECT_THAT(d, Not(HasSubstr("secret")));
    EXPECT_THAT(d, Not(HasSubstr("c2VjcmV0")));
    EXPECT_THAT(d, Not(HasSubstr("AGFsaWNlAHdyb25n")));
    EXPECT_THAT(d, Not(HasSubstr("YWxpY2U=")));
  }
  EXPECT_EQ(o.messages.at(0)->auth->mechanism, "LOGIN");
}

}  // namespace
}  // namespace smtpfixture::detail
