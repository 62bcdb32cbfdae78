// The session as an attacker on the client's TLS upgrade (TlsAttack): each
// attack's replies byte for byte, and its verdicts, each proven by a client
// that trips it and one that does not. Every dialogue runs whole, byte by
// byte and in random splits (the harness).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "fixture/smtp/smtp_session.h"
#include "fixture/smtp/tls_attack.h"
#include "tests/support/session_harness.h"

namespace smtpfixture::detail {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

Violation V(std::string code, std::string detail) {
  return Violation{std::move(code), std::move(detail)};
}
auto IsViolation(const Violation& v) {
  return AllOf(Field(&Violation::code, v.code),
               Field(&Violation::detail, v.detail));
}
std::vector<std::string> Codes(const Outcome& o) {
  std::vector<std::string> codes;
  for (const Violation& v : o.violations) codes.push_back(v.code);
  return codes;
}

const std::string kPlaintextMail =
    Lines({"MAIL FROM:<a@b>", "RCPT TO:<c@d>", "DATA", "Hi", "."});

// ---------------------------------------------------------------------------
// Names.

TEST(TlsAttackTest, NamesAndOrder) {
  std::vector<std::string> names;
  for (TlsAttack attack : AllTlsAttacks())
    names.push_back(TlsAttackName(attack));
  EXPECT_THAT(
      names,
      ElementsAre("strip-starttls", "refuse-starttls", "reject-starttls",
                  "starttls-wrong-reply", "refuse-ehlo", "inject-replies",
                  "inject-partial-reply", "plaintext-on-implicit-port"));
  EXPECT_STREQ(TlsAttackName(TlsAttack::kNone), "none");
}

TEST(TlsAttackTest, PolicyServed) {
  EXPECT_EQ(AttackedTlsPolicy(TlsAttack::kNone, TlsPolicy::kImplicit),
            TlsPolicy::kImplicit);
  EXPECT_EQ(AttackedTlsPolicy(TlsAttack::kRefuseStartTls, TlsPolicy::kNone),
            TlsPolicy::kStartTlsOptional);
  EXPECT_EQ(AttackedTlsPolicy(TlsAttack::kInjectReplies, TlsPolicy::kImplicit),
            TlsPolicy::kStartTlsOptional);
  EXPECT_EQ(AttackedTlsPolicy(TlsAttack::kPlaintextOnImplicitPort,
                              TlsPolicy::kImplicit),
            TlsPolicy::kNone);
  EXPECT_TRUE(UrlSaysSmtps(TlsAttack::kPlaintextOnImplicitPort,
                           TlsPolicy::kStartTlsOptional));
  EXPECT_FALSE(UrlSaysSmtps(TlsAttack::kStripStartTls, TlsPolicy::kImplicit));
  EXPECT_TRUE(UrlSaysSmtps(TlsAttack::kNone, TlsPolicy::kImplicit));
}

// ---------------------------------------------------------------------------
// The replies of each attack.

TEST(SmtpSessionAttackTest, StripHidesStartTlsAndRefusesIt) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kStripStartTls))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .Run();
  EXPECT_THAT(
      o.replies,
      ElementsAre("250-localhost", "250-PIPELINING", "250-SIZE 33554432",
                  "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250-DSN",
                  "250-SMTPUTF8", "250 CHUNKING",
                  "502 5.5.1 Error: command not implemented"));
  EXPECT_EQ(o.start_tls, 0);
  EXPECT_THAT(o.violations, IsEmpty());
}

TEST(SmtpSessionAttackTest, RefuseRejectAndWrongReplyAdvertiseThenRefuse) {
  const struct {
    TlsAttack attack;
    const char* reply;
  } kCases[] = {
      {TlsAttack::kRefuseStartTls, "454 4.7.0 TLS not available"},
      {TlsAttack::kRejectStartTls, "501 5.5.4 Syntax error"},
      {TlsAttack::kStartTlsWrongReply, "250 2.0.0 Ok"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(TlsAttackName(c.attack));
    const Outcome o =
        Dialogue(Attacked(c.attack)).Send(Lines({"EHLO x", "STARTTLS"})).Run();
    EXPECT_THAT(o.replies, Contains("250-STARTTLS"));
    EXPECT_EQ(LastReply(o), c.reply);
    EXPECT_EQ(o.start_tls, 0);
    EXPECT_THAT(o.injected, IsEmpty());
    EXPECT_THAT(o.violations, IsEmpty());
  }
}

TEST(SmtpSessionAttackTest, RefuseEhloAcceptsHeloWithoutStartTls) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kRefuseEhlo))
                        .Send(Lines({"EHLO x", "HELO x", "STARTTLS"}))
                        .Run();
  EXPECT_THAT(
      o.replies,
      ElementsAre("502 5.5.1 Error: command not implemented", "250 localhost",
                  "502 5.5.1 Error: command not implemented"));
  EXPECT_EQ(o.start_tls, 0);
}

TEST(SmtpSessionAttackTest, InjectRepliesWritesThemWithThe220) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kInjectReplies))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .Run();
  EXPECT_EQ(LastReply(o), "220 2.0.0 Ready to start TLS");
  EXPECT_EQ(o.start_tls, 1);
  // One write: the 220 and the injected EHLO reply.
  ASSERT_FALSE(o.actions.empty());
  const WriteAction* last_write = nullptr;
  for (const Action& a : o.actions) {
    if (const auto* w = std::get_if<WriteAction>(&a)) last_write = w;
  }
  ASSERT_NE(last_write, nullptr);
  EXPECT_EQ(last_write->bytes,
            "220 2.0.0 Ready to start TLS\r\n"
            "250-localhost\r\n250 AUTH PLAIN LOGIN\r\n");
  EXPECT_THAT(o.transcript,
              Contains(Field(&TranscriptLine::text, "250 AUTH PLAIN LOGIN")));
}

TEST(SmtpSessionAttackTest, InjectPartialReplyIsUnterminated) {
  SessionConfig c = Attacked(TlsAttack::kInjectPartialReply);
  c.hostname = "mx.example";
  const Outcome o = Dialogue(c).Send(Lines({"EHLO x", "STARTTLS"})).Run();
  EXPECT_EQ(LastReply(o), "220 2.0.0 Ready to start TLS");
  EXPECT_EQ(o.injected, "250-inj");
  EXPECT_EQ(o.start_tls, 1);
  c.attack = TlsAttack::kInjectReplies;
  EXPECT_EQ(Dialogue(c).Send(Lines({"EHLO x", "STARTTLS"})).Run().injected,
            "250-mx.example\r\n250 AUTH PLAIN LOGIN\r\n");
}

TEST(SmtpSessionAttackTest, ImplicitPortAttackServesPlaintextWithoutStartTls) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kPlaintextOnImplicitPort))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .Run();
  EXPECT_THAT(o.greeting, ElementsAre("220 localhost ESMTP smtpfixture"));
  EXPECT_THAT(o.replies, Not(Contains("250-STARTTLS")));
  EXPECT_EQ(LastReply(o), "502 5.5.1 Error: command not implemented");
}

// ---------------------------------------------------------------------------
// Verdicts: plaintext after a refused upgrade.

TEST(SmtpSessionAttackTest, FallbackToPlaintextIsRecordedNotPrevented) {
  for (TlsAttack attack :
       {TlsAttack::kStripStartTls, TlsAttack::kRefuseStartTls,
        TlsAttack::kRejectStartTls, TlsAttack::kStartTlsWrongReply}) {
    SCOPED_TRACE(TlsAttackName(attack));
    const Outcome o = Dialogue(Attacked(attack))
                          .Send(Lines({"EHLO x", "STARTTLS"}) + kPlaintextMail)
                          .Run();
    ASSERT_THAT(o.messages, SizeIs(1));  // stored, to be asserted on
    EXPECT_THAT(
        o.violations,
        ElementsAre(IsViolation(
            V("insecure-plaintext-mail",
              std::string("\"MAIL FROM:<a@b>\": sent without TLS under ") +
                  TlsAttackName(attack)))));
  }
}

TEST(SmtpSessionAttackTest, HeloFallbackUnderRefuseEhlo) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kRefuseEhlo))
                        .Send(Lines({"EHLO x", "HELO x"}) + kPlaintextMail)
                        .Run();
  EXPECT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(Codes(o), ElementsAre("insecure-plaintext-mail"));
}

TEST(SmtpSessionAttackTest, PlaintextAuthIsRecordedMaskedOnce) {
  SessionConfig c = Attacked(TlsAttack::kStripStartTls);
  c.auth.allow_plaintext = true;
  const Outcome o =
      Dialogue(c)
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA==",
                       "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
          .Run();
  EXPECT_THAT(o.violations,
              ElementsAre(IsViolation(V("insecure-plaintext-auth",
                                        "\"AUTH PLAIN ****\": sent without TLS "
                                        "under strip-starttls"))));
  // Not offered before TLS (allow_plaintext false): refused, still recorded.
  const Outcome refused =
      Dialogue(Attacked(TlsAttack::kRefuseStartTls))
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
          .Run();
  EXPECT_THAT(LastReply(refused), StartsWith("538 "));
  EXPECT_THAT(Codes(refused), ElementsAre("insecure-plaintext-auth"));
}

TEST(SmtpSessionAttackTest, ClientThatGivesUpIsNotAFinding) {
  for (TlsAttack attack : AllTlsAttacks()) {
    SCOPED_TRACE(TlsAttackName(attack));
    Dialogue dialogue(Attacked(attack));
    if (attack == TlsAttack::kPlaintextOnImplicitPort) {
      dialogue.Hangup();  // a TLS client reads a greeting it cannot use
    } else if (attack == TlsAttack::kInjectReplies ||
               attack == TlsAttack::kInjectPartialReply) {
      dialogue.Send(Lines({"EHLO x", "STARTTLS"}))
          .TlsUp()
          .Send(Lines({"EHLO x"}))
          .HoldOver()
          .Send(Lines({"QUIT"}));
    } else {
      dialogue.Send(Lines({"EHLO x", "STARTTLS", "QUIT"}));
    }
    const Outcome o = dialogue.Run();
    EXPECT_THAT(o.violations, IsEmpty());
    EXPECT_THAT(o.messages, IsEmpty());
  }
}

TEST(SmtpSessionAttackTest, NoFindingWithoutAnAttack) {
  const Outcome o = Dialogue(Tls(TlsPolicy::kStartTlsOptional))
                        .Send(Lines({"EHLO x"}) + kPlaintextMail)
                        .Run();
  EXPECT_THAT(o.messages, SizeIs(1));
  EXPECT_THAT(o.violations, IsEmpty());
}

// ---------------------------------------------------------------------------
// Verdicts: the injection attacks' held-back reply.

TEST(SmtpSessionAttackTest, CommandWhileReplyIsHeldIsInjectedReply) {
  for (TlsAttack attack :
       {TlsAttack::kInjectReplies, TlsAttack::kInjectPartialReply}) {
    SCOPED_TRACE(TlsAttackName(attack));
    const Outcome o = Dialogue(Attacked(attack))
                          .Send(Lines({"EHLO x", "STARTTLS"}))
                          .TlsUp()
                          .Send(Lines({"EHLO x", "AUTH LOGIN"}))
                          .HoldOver()
                          .Send(Lines({"QUIT"}))
                          .Run();
    EXPECT_THAT(o.holds, ElementsAre(std::chrono::milliseconds(1000)));
    EXPECT_THAT(
        o.violations,
        ElementsAre(IsViolation(
            V("insecure-injected-reply",
              std::string("\"AUTH LOGIN\": arrived while the reply to \"EHLO "
                          "x\" was held back under ") +
                  TlsAttackName(attack)))));
  }
}

TEST(SmtpSessionAttackTest, HoldComesBeforeTheFirstReplyAfterTls) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kInjectReplies))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .TlsUp()
                        .Send(Lines({"EHLO x"}))
                        .Run();
  std::vector<std::string> described = DescribeAll(o.actions);
  const auto hold = std::find(described.begin(), described.end(), "hold 1000");
  ASSERT_NE(hold, described.end());
  EXPECT_EQ(*(hold - 1), "C: EHLO x");
  EXPECT_EQ(*(hold + 1), "S: 250-localhost");
}

TEST(SmtpSessionAttackTest, CarefulClientWaitsAndDeliversOverTls) {
  for (TlsAttack attack :
       {TlsAttack::kInjectReplies, TlsAttack::kInjectPartialReply}) {
    SCOPED_TRACE(TlsAttackName(attack));
    const Outcome o =
        Dialogue(Attacked(attack))
            .Send(Lines({"EHLO x", "STARTTLS"}))
            .TlsUp()
            .Send(Lines({"EHLO x"}))
            .HoldOver()
            .Send(Lines({"AUTH PLAIN AGFsaWNlAHNlY3JldA=="}) + kPlaintextMail)
            .Run();
    EXPECT_THAT(o.violations, IsEmpty());
    EXPECT_THAT(o.messages, SizeIs(1));
    EXPECT_THAT(o.holds, SizeIs(1));  // only the first reply is held
  }
}

TEST(SmtpSessionAttackTest, QuitWhileHeldIsNotAFinding) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kInjectReplies))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .TlsUp()
                        .Send(Lines({"EHLO x", "QUIT"}))
                        .Run();
  EXPECT_THAT(o.violations, IsEmpty());
  EXPECT_TRUE(o.closed);
}

TEST(SmtpSessionAttackTest, BytesBeforeTheHandshakeStayPipelinedAfterStartTls) {
  const Outcome o = Dialogue(Attacked(TlsAttack::kInjectReplies))
                        .Send(Lines({"EHLO x", "STARTTLS", "MAIL FROM:<a@b>",
                                     "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}))
                        .TlsUp()
                        .Send(Lines({"EHLO x"}))
                        .HoldOver()
                        .Run();
  EXPECT_THAT(Codes(o), ElementsAre("pipelined-after-starttls"));
  EXPECT_THAT(o.messages, IsEmpty());
}

TEST(SmtpSessionAttackTest, NoHoldWithoutAnInjectionAttack) {
  const Outcome o = Dialogue(Tls(TlsPolicy::kStartTlsOptional))
                        .Send(Lines({"EHLO x", "STARTTLS"}))
                        .TlsUp()
                        .Send(Lines({"EHLO x", "MAIL FROM:<a@b>"}))
                        .Run();
  EXPECT_THAT(o.holds, IsEmpty());
  EXPECT_THAT(o.injected, IsEmpty());
  EXPECT_THAT(o.violations, IsEmpty());
}

// ---------------------------------------------------------------------------
// Verdicts: the implicit-TLS URL served in plaintext.

TEST(SmtpSessionAttackTest, SmtpCommandOnImplicitPortIsAFinding) {
  const Outcome o =
      Dialogue(Attacked(TlsAttack::kPlaintextOnImplicitPort))
          .Send(Lines({"EHLO x", "AUTH PLAIN AGFsaWNlAHNlY3JldA=="}) +
                kPlaintextMail)
          .Run();
  EXPECT_THAT(
      o.violations,
      ElementsAre(
          IsViolation(V("insecure-plaintext-on-implicit-port",
                        "\"EHLO x\": an SMTP command in reply to a plaintext "
                        "greeting on an implicit-TLS URL under "
                        "plaintext-on-implicit-port")),
          IsViolation(V("insecure-plaintext-auth",
                        "\"AUTH PLAIN ****\": sent without TLS under "
                        "plaintext-on-implicit-port")),
          IsViolation(V("insecure-plaintext-mail",
                        "\"MAIL FROM:<a@b>\": sent without TLS under "
                        "plaintext-on-implicit-port"))));
  EXPECT_THAT(o.messages, SizeIs(1));
}

TEST(SmtpSessionAttackTest, ClientHelloOnImplicitPortIsNoFinding) {
  // The start of a TLS ClientHello, with LFs and a "MAIL" line such as its
  // random bytes could hold: closed at its first octet.
  const std::string hello(
      "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"
      "\x0a\x5c\x0d\x0a\x00\x13\x01\x13\x02\x0a"
      "MAIL\x0a",
      27);
  const Outcome o =
      Dialogue(Attacked(TlsAttack::kPlaintextOnImplicitPort)).Send(hello).Run();
  EXPECT_THAT(o.violations, IsEmpty());
  EXPECT_THAT(o.replies, IsEmpty());
  EXPECT_TRUE(o.closed);
  // The same octets without the attack are lines of garbage, answered.
  SessionConfig honest = Attacked(TlsAttack::kNone);
  EXPECT_THAT(Dialogue(honest).Send(hello).Run().replies, Not(IsEmpty()));
}

}  // namespace
}  // namespace smtpfixture::detail
