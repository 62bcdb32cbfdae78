// The SASL mechanisms alone (fixture/smtp/sasl.h): decoded bytes in, steps
// out. The session's side (base64, "*", replies) is in smtp/session_auth_test.
#include "fixture/smtp/sasl.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

namespace smtpfixture::detail {
namespace {

using Kind = SaslStep::Kind;
using namespace std::string_literals;

AuthOptions Alice() {
  AuthOptions options;
  options.credentials = {{"alice", "secret"}, {"tim", "tanstaaftanstaaf"}};
  return options;
}

TEST(SaslTest, UnknownMechanismIsNull) {
  const AuthOptions options = Alice();
  EXPECT_EQ(CreateSaslMechanism("DIGEST-MD5", options, "h"), nullptr);
  EXPECT_EQ(CreateSaslMechanism("plain", options, "h"), nullptr);  // upper only
}

TEST(SaslTest, PlainWithoutAuthzid) {
  const AuthOptions options = Alice();
  auto plain = CreateSaslMechanism("PLAIN", options, "h");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Start("\0alice\0secret"s).kind, Kind::kSuccess);
  EXPECT_EQ(plain->username(), "alice");
}

TEST(SaslTest, PlainWithItsOwnAuthzid) {
  const AuthOptions options = Alice();
  auto plain = CreateSaslMechanism("PLAIN", options, "h");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Start("alice\0alice\0secret"s).kind, Kind::kSuccess);
}

TEST(SaslTest, PlainActingAsSomebodyElseFails) {
  const AuthOptions options = Alice();
  auto plain = CreateSaslMechanism("PLAIN", options, "h");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Start("tim\0alice\0secret"s).kind, Kind::kFailure);
  EXPECT_EQ(plain->username(), "alice");  // named, for the record
}

TEST(SaslTest, PlainWithoutInitialResponseChallengesEmpty) {
  const AuthOptions options = Alice();
  auto plain = CreateSaslMechanism("PLAIN", options, "h");
  ASSERT_NE(plain, nullptr);
  const SaslStep first = plain->Start(std::nullopt);
  EXPECT_EQ(first.kind, Kind::kChallenge);
  EXPECT_EQ(first.challenge, "");
  EXPECT_EQ(plain->Next("\0alice\0wrong"s).kind, Kind::kFailure);
}

TEST(SaslTest, PlainMalformed) {
  const AuthOptions options = Alice();
  for (const std::string& message :
       {"alice"s, "\0alice"s, "\0\0secret"s, "\0alice\0secret\0"s}) {
    auto plain = CreateSaslMechanism("PLAIN", options, "h");
    ASSERT_NE(plain, nullptr);
    EXPECT_EQ(plain->Start(message).kind, Kind::kFailure) << message.size();
  }
}

TEST(SaslTest, Login) {
  const AuthOptions options = Alice();
  auto login = CreateSaslMechanism("LOGIN", options, "h");
  ASSERT_NE(login, nullptr);
  const SaslStep user = login->Start(std::nullopt);
  EXPECT_EQ(user.kind, Kind::kChallenge);
  EXPECT_EQ(user.challenge, "Username:");
  const SaslStep password = login->Next("alice");
  EXPECT_EQ(password.kind, Kind::kChallenge);
  EXPECT_EQ(password.challenge, "Password:");
  EXPECT_EQ(login->Next("secret").kind, Kind::kSuccess);
  EXPECT_EQ(login->username(), "alice");
}

TEST(SaslTest, LoginWithInitialUsernameAndWrongPassword) {
  const AuthOptions options = Alice();
  auto login = CreateSaslMechanism("LOGIN", options, "h");
  ASSERT_NE(login, nullptr);
  EXPECT_EQ(login->Start("alice"s).challenge, "Password:");
  EXPECT_EQ(login->Next("nope").kind, Kind::kFailure);
}

TEST(SaslTest, HmacMd5KnownAnswer) {
  // RFC 2104 test case 2, and RFC 2195's example.
  EXPECT_EQ(HmacMd5Hex("Jefe", "what do ya want for nothing?"),
            "750c783e6ab0b503eaa86e310a5db738");
  EXPECT_EQ(HmacMd5Hex("tanstaaftanstaaf",
                       "<1896.697170952@postoffice.reston.mci.net>"),
            "b913a602c7eda7a495b4e6e7334d3890");
  EXPECT_EQ(HmacMd5Hex("", ""), "74e6f7298a9c2d168935f58c001bad88");
}

// RFC 2195 section 2's exchange, byte for byte.
TEST(SaslTest, CramMd5Rfc2195Example) {
  const AuthOptions options = Alice();
  auto cram = CreateCramMd5Mechanism(
      options, "<1896.697170952@postoffice.reston.mci.net>");
  ASSERT_NE(cram, nullptr);
  const SaslStep challenge = cram->Start(std::nullopt);
  EXPECT_EQ(challenge.kind, Kind::kChallenge);
  EXPECT_EQ(challenge.challenge, "<1896.697170952@postoffice.reston.mci.net>");
  EXPECT_EQ(cram->Next("tim b913a602c7eda7a495b4e6e7334d3890").kind,
            Kind::kSuccess);
  EXPECT_EQ(cram->username(), "tim");
}

TEST(SaslTest, CramMd5UpperCaseDigestAndFailures) {
  const AuthOptions options = Alice();
  const std::string challenge = "<1896.697170952@postoffice.reston.mci.net>";
  auto upper = CreateCramMd5Mechanism(options, challenge);
  ASSERT_NE(upper, nullptr);
  upper->Start(std::nullopt);
  EXPECT_EQ(upper->Next("tim B913A602C7EDA7A495B4E6E7334D3890").kind,
            Kind::kSuccess);
  for (const char* response :
       {"tim b913a602c7eda7a495b4e6e7334d3891", "tim", "tim b913",
        "bob b913a602c7eda7a495b4e6e7334d3890",
        "tim z913a602c7eda7a495b4e6e7334d3890"}) {
    auto cram = CreateCramMd5Mechanism(options, challenge);
    ASSERT_NE(cram, nullptr);
    cram->Start(std::nullopt);
    EXPECT_EQ(cram->Next(response).kind, Kind::kFailure) << response;
  }
  auto early = CreateCramMd5Mechanism(options, challenge);
  ASSERT_NE(early, nullptr);
  EXPECT_EQ(early->Start("tim x"s).kind, Kind::kFailure);  // server first
}

TEST(SaslTest, CramMd5ChallengeNamesTheHost) {
  const AuthOptions options = Alice();
  auto cram = CreateSaslMechanism("CRAM-MD5", options, "mx.example");
  ASSERT_NE(cram, nullptr);
  EXPECT_THAT(cram->Start(std::nullopt).challenge,
              ::testing::MatchesRegex("<[0-9]+\\.[0-9]+@mx\\.example>"));
}

TEST(SaslTest, XOauth2Success) {
  AuthOptions options;
  options.credentials = {{"alice", "token123"}};
  auto xoauth = CreateSaslMechanism("XOAUTH2", options, "h");
  ASSERT_NE(xoauth, nullptr);
  EXPECT_EQ(xoauth
                ->Start("user=alice\x01"
                        "auth=Bearer token123\x01\x01"s)
                .kind,
            Kind::kSuccess);
  EXPECT_EQ(xoauth->username(), "alice");
}

// A failure is a 334 with Google's JSON error; the client's answer to it
// (an empty response) gets the failure.
TEST(SaslTest, XOauth2ErrorChallengeThenFailure) {
  AuthOptions options;
  options.credentials = {{"alice", "token123"}};
  auto xoauth = CreateSaslMechanism("XOAUTH2", options, "h");
  ASSERT_NE(xoauth, nullptr);
  const SaslStep error = xoauth->Start(
      "user=alice\x01"
      "auth=Bearer wrong\x01\x01"s);
  EXPECT_EQ(error.kind, Kind::kChallenge);
  EXPECT_EQ(
      error.challenge,
      R"({"status":"401","schemes":"bearer","scope":"https://mail.google.com/"})");
  EXPECT_EQ(xoauth->Next("").kind, Kind::kFailure);
}

TEST(SaslTest, XOauth2WithoutBearerScheme) {
  AuthOptions options;
  options.credentials = {{"alice", "token123"}};
  auto xoauth = CreateSaslMechanism("XOAUTH2", options, "h");
  ASSERT_NE(xoauth, nullptr);
  EXPECT_EQ(xoauth
                ->Start("user=alice\x01"
                        "auth=Basic token123\x01\x01"s)
                .kind,
            Kind::kChallenge);
}

TEST(SaslTest, AcceptAnyStillNeedsAName) {
  AuthOptions options;
  options.accept_any = true;
  auto plain = CreateSaslMechanism("PLAIN", options, "h");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Start("\0anyone\0anything"s).kind, Kind::kSuccess);
  auto empty = CreateSaslMechanism("PLAIN", options, "h");
  ASSERT_NE(empty, nullptr);
  EXPECT_EQ(empty->Start("\0\0anything"s).kind, Kind::kFailure);
}

TEST(SaslTest, ExternalNeedsAVerifiedIdentity) {
  const AuthOptions options = Alice();
  EXPECT_EQ(CreateSaslMechanism("EXTERNAL", options, "h"), nullptr);
  EXPECT_EQ(CreateSaslMechanism("EXTERNAL", options, "h", ""), nullptr);
  EXPECT_NE(CreateSaslMechanism("EXTERNAL", options, "h", "mailer"), nullptr);
  // Another mechanism ignores the identity.
  auto plain = CreateSaslMechanism("PLAIN", options, "h", "mailer");
  ASSERT_NE(plain, nullptr);
  EXPECT_EQ(plain->Start("\0mailer\0secret"s).kind, Kind::kFailure);
}

TEST(SaslTest, ExternalWithAnEmptyOrItsOwnAuthzidSucceeds) {
  for (const std::string& authzid : {""s, "mailer"s}) {
    auto external = CreateExternalMechanism("mailer");
    EXPECT_EQ(external->Start(authzid).kind, Kind::kSuccess) << authzid;
    EXPECT_EQ(external->username(), "mailer");
  }
}

TEST(SaslTest, ExternalWithoutInitialResponseChallengesEmpty) {
  auto external = CreateExternalMechanism("mailer");
  const SaslStep first = external->Start(std::nullopt);
  EXPECT_EQ(first.kind, Kind::kChallenge);
  EXPECT_EQ(first.challenge, "");
  EXPECT_EQ(external->Next("").kind, Kind::kSuccess);
  EXPECT_EQ(external->username(), "mailer");
  auto named = CreateExternalMechanism("mailer");
  EXPECT_EQ(named->Start(std::nullopt).kind, Kind::kChallenge);
  EXPECT_EQ(named->Next("mailer").kind, Kind::kSuccess);
}

TEST(SaslTest, ExternalActingAsSomebodyElseFails) {
  for (const std::string& authzid :
       {"postmaster"s, "Mailer"s, "mailer "s, "mailer\0"s}) {
    auto external = CreateExternalMechanism("mailer");
    EXPECT_EQ(external->Start(authzid).kind, Kind::kFailure) << authzid;
    EXPECT_EQ(external->username(), authzid);  // asked for, for the record
  }
  auto later = CreateExternalMechanism("mailer");
  EXPECT_EQ(later->Start(std::nullopt).kind, Kind::kChallenge);
  EXPECT_EQ(later->Next("postmaster").kind, Kind::kFailure);
  // One answer only.
  auto twice = CreateExternalMechanism("mailer");
  EXPECT_EQ(twice->Start("postmaster"s).kind, Kind::kFailure);
  EXPECT_EQ(twice->Next("").kind, Kind::kFailure);
}

TEST(SaslTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secrets"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

}  // namespace
}  // namespace smtpfixture::detail
