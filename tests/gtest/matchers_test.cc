// The matchers and printers, on messages and sessions built by hand: no
// server is involved.
#include "smtpfixture/matchers.h"

#include <gmock/gmock.h>
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "smtpfixture/printers.h"
#include "smtpfixture/smtpfixture.h"  // the umbrella compiles on its own
#include "tests/support/sample_records.h"

namespace smtpfixture {
namespace {

using samples::FailedHandshakeSession;
using samples::Multipart;
using samples::TlsSession;
using samples::Typical;
using samples::TypicalRecord;
using samples::WithData;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::ContainsRegex;
using ::testing::DescribeMatcher;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Matcher;
using ::testing::Not;
using ::testing::Property;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::StringMatchResultListener;

// What a failing EXPECT_THAT would print after "Actual: ..., ".
template <typename T, typename M>
std::string Explain(const M& matcher, const T& value) {
  StringMatchResultListener listener;
  ::testing::ExplainMatchResult(matcher, value, &listener);
  return listener.str();
}

template <typename M>
std::string Describe(const M& matcher) {
  return DescribeMatcher<const ReceivedMessage&>(matcher);
}
template <typename M>
std::string DescribeNegation(const M& matcher) {
  return DescribeMatcher<const ReceivedMessage&>(matcher, /*negation=*/true);
}
template <typename M>
std::string DescribeOnSession(const M& matcher, bool negation = false) {
  return DescribeMatcher<const Session&>(matcher, negation);
}

// ---------------------------------------------------------------------------
// Envelope.

TEST(EnvelopeFromTest, MatchesAValueOrAMatcher) {
  EXPECT_THAT(Typical(), EnvelopeFrom("ann@example.com"));
  EXPECT_THAT(Typical(), EnvelopeFrom(std::string("ann@example.com")));
  EXPECT_THAT(Typical(), EnvelopeFrom(EndsWith("@example.com")));
  EXPECT_THAT(Typical(), Not(EnvelopeFrom("bob@example.com")));
  EXPECT_THAT(Typical(), Not(EnvelopeFrom(StartsWith("bob"))));
}

TEST(EnvelopeFromTest, MatchesTheNullReversePath) {
  auto record = TypicalRecord();
  record->envelope.mail_from = "";
  EXPECT_THAT(ReceivedMessage(record), EnvelopeFrom(""));
  EXPECT_THAT(ReceivedMessage(record), EnvelopeFrom(IsEmpty()));
}

TEST(EnvelopeFromTest, DescribesItselfAndItsNegation) {
  EXPECT_EQ(Describe(EnvelopeFrom("ann@example.com")),
            "has envelope sender that is equal to \"ann@example.com\"");
  EXPECT_EQ(DescribeNegation(EnvelopeFrom("ann@example.com")),
            "doesn't have envelope sender that is equal to "
            "\"ann@example.com\"");
  EXPECT_EQ(Describe(EnvelopeFrom(EndsWith("@x"))),
            "has envelope sender that ends with \"@x\"");
}

TEST(EnvelopeFromTest, ExplainsWithTheActualSender) {
  EXPECT_EQ(Explain(EnvelopeFrom("bob@example.com"), Typical()),
            "whose envelope sender is \"ann@example.com\"");
  // A match explains itself too, for Not().
  EXPECT_EQ(Explain(EnvelopeFrom("ann@example.com"), Typical()),
            "whose envelope sender is \"ann@example.com\"");
}

TEST(EnvelopeToTest, MatchesTheRecipientListWithAContainerMatcher) {
  EXPECT_THAT(Typical(),
              EnvelopeTo(ElementsAre("bob@example.com", "carol@example.com")));
  EXPECT_THAT(Typical(), EnvelopeTo(SizeIs(2)));
  EXPECT_THAT(Typical(), EnvelopeTo(std::vector<std::string>{
                             "bob@example.com", "carol@example.com"}));
  EXPECT_THAT(Typical(), Not(EnvelopeTo(ElementsAre("bob@example.com"))));
  EXPECT_THAT(Typical(), EnvelopeTo(Contains("carol@example.com")));
}

TEST(EnvelopeToTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(EnvelopeTo(ElementsAre("bob@example.com"))),
            "has envelope recipients that has 1 element that is equal to "
            "\"bob@example.com\"");
  EXPECT_EQ(DescribeNegation(EnvelopeTo(ElementsAre("bob@example.com"))),
            "doesn't have envelope recipients that has 1 element that is "
            "equal to \"bob@example.com\"");
  EXPECT_EQ(Explain(EnvelopeTo(ElementsAre("bob@example.com")), Typical()),
            "whose envelope recipients are { \"bob@example.com\", "
            "\"carol@example.com\" }, which has 2 elements");
}

TEST(HasEnvelopeRecipientTest, MatchesAnyRecipient) {
  EXPECT_THAT(Typical(), HasEnvelopeRecipient("carol@example.com"));
  EXPECT_THAT(Typical(), HasEnvelopeRecipient(StartsWith("bob")));
  EXPECT_THAT(Typical(), Not(HasEnvelopeRecipient("dave@example.com")));
}

TEST(HasEnvelopeRecipientTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(HasEnvelopeRecipient("dave@example.com")),
            "has envelope recipient that is equal to \"dave@example.com\"");
  EXPECT_EQ(DescribeNegation(HasEnvelopeRecipient("dave@example.com")),
            "has no envelope recipient that is equal to "
            "\"dave@example.com\"");
  EXPECT_EQ(Explain(HasEnvelopeRecipient("dave@example.com"), Typical()),
            "whose envelope recipients are { \"bob@example.com\", "
            "\"carol@example.com\" }");
  EXPECT_EQ(Explain(HasEnvelopeRecipient("carol@example.com"), Typical()),
            "whose envelope recipient #1 is \"carol@example.com\"");

  auto record = TypicalRecord();
  record->envelope.rcpt_to.clear();
  EXPECT_EQ(Explain(HasEnvelopeRecipient("x"), ReceivedMessage(record)),
            "which has no envelope recipients");
}

TEST(HeloNameTest, MatchesDescribesAndExplains) {
  EXPECT_THAT(Typical(), HeloName("client.example"));
  EXPECT_THAT(Typical(), HeloName(EndsWith(".example")));
  EXPECT_THAT(Typical(), Not(HeloName("localhost")));
  EXPECT_EQ(Describe(HeloName("localhost")),
            "has HELO name that is equal to \"localhost\"");
  EXPECT_EQ(DescribeNegation(HeloName("localhost")),
            "doesn't have HELO name that is equal to \"localhost\"");
  EXPECT_EQ(Explain(HeloName("localhost"), Typical()),
            "whose HELO name is \"client.example\"");
}

// ---------------------------------------------------------------------------
// Authentication.

TEST(AuthenticatedAsTest, MatchesTheAuthenticatedUser) {
  EXPECT_THAT(Typical(), AuthenticatedAs("ann"));
  EXPECT_THAT(Typical(), AuthenticatedAs(StartsWith("a")));
  EXPECT_THAT(Typical(), Not(AuthenticatedAs("bob")));
  EXPECT_THAT(Multipart(), Not(AuthenticatedAs("ann")));
  EXPECT_THAT(Multipart(), Not(AuthenticatedAs(::testing::_)));
  EXPECT_THAT(TlsSession(), AuthenticatedAs("bob"));
  EXPECT_THAT(FailedHandshakeSession(), Not(AuthenticatedAs(::testing::_)));
}

TEST(AuthenticatedAsTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(AuthenticatedAs("bob")),
            "has authenticated user that is equal to \"bob\"");
  EXPECT_EQ(DescribeNegation(AuthenticatedAs("bob")),
            "doesn't have authenticated user that is equal to \"bob\"");
  EXPECT_EQ(Explain(AuthenticatedAs("bob"), Typical()),
            "whose authenticated user is \"ann\"");
  EXPECT_EQ(Explain(AuthenticatedAs("bob"), Multipart()),
            "which did not authenticate");
  EXPECT_EQ(Explain(AuthenticatedAs("ann"), FailedHandshakeSession()),
            "which did not authenticate");
}

TEST(AuthMechanismIsTest, MatchesDescribesAndExplains) {
  EXPECT_THAT(Typical(), AuthMechanismIs("PLAIN"));
  EXPECT_THAT(Typical(), AuthMechanismIs(AnyOf("PLAIN", "LOGIN")));
  EXPECT_THAT(Typical(), Not(AuthMechanismIs("LOGIN")));
  EXPECT_THAT(Multipart(), Not(AuthMechanismIs("PLAIN")));
  EXPECT_THAT(TlsSession(), AuthMechanismIs("LOGIN"));
  EXPECT_EQ(Describe(AuthMechanismIs("XOAUTH2")),
            "has AUTH mechanism that is equal to \"XOAUTH2\"");
  EXPECT_EQ(DescribeNegation(AuthMechanismIs("XOAUTH2")),
            "doesn't have AUTH mechanism that is equal to \"XOAUTH2\"");
  EXPECT_EQ(Explain(AuthMechanismIs("XOAUTH2"), Typical()),
            "whose AUTH mechanism is \"PLAIN\"");
  EXPECT_EQ(Explain(AuthMechanismIs("XOAUTH2"), Multipart()),
            "which did not authenticate");
}

// ---------------------------------------------------------------------------
// TLS, on messages and sessions alike.

TEST(TlsModeIsTest, MatchesMessagesAndSessions) {
  EXPECT_THAT(Typical(), TlsModeIs(TlsMode::kStartTls));
  EXPECT_THAT(Multipart(), TlsModeIs(TlsMode::kNone));
  EXPECT_THAT(Typical(), Not(TlsModeIs(TlsMode::kImplicit)));
  EXPECT_THAT(TlsSession(), TlsModeIs(TlsMode::kImplicit));
  EXPECT_THAT(TlsSession(), TlsModeIs(Not(TlsMode::kNone)));
  EXPECT_THAT(FailedHandshakeSession(), TlsModeIs(TlsMode::kNone));
}

TEST(TlsModeIsTest, DescribesAndExplainsWithTheModeName) {
  EXPECT_EQ(Describe(TlsModeIs(TlsMode::kStartTls)),
            "has TLS mode that is equal to STARTTLS");
  EXPECT_EQ(DescribeNegation(TlsModeIs(TlsMode::kStartTls)),
            "doesn't have TLS mode that is equal to STARTTLS");
  EXPECT_EQ(DescribeOnSession(TlsModeIs(TlsMode::kImplicit)),
            "has TLS mode that is equal to implicit");
  EXPECT_EQ(Explain(TlsModeIs(TlsMode::kImplicit), Typical()),
            "whose TLS mode is STARTTLS");
  EXPECT_EQ(Explain(TlsModeIs(TlsMode::kStartTls), FailedHandshakeSession()),
            "whose TLS mode is none");
}

TEST(TlsVersionIsTest, MatchesDescribesAndExplains) {
  EXPECT_THAT(Typical(), TlsVersionIs("TLSv1.3"));
  EXPECT_THAT(TlsSession(), TlsVersionIs(AnyOf("TLSv1.2", "TLSv1.3")));
  EXPECT_THAT(Multipart(), TlsVersionIs(""));
  EXPECT_THAT(Typical(), Not(TlsVersionIs("TLSv1.2")));
  EXPECT_EQ(Describe(TlsVersionIs("TLSv1.2")),
            "has TLS version that is equal to \"TLSv1.2\"");
  EXPECT_EQ(DescribeNegation(TlsVersionIs("TLSv1.2")),
            "doesn't have TLS version that is equal to \"TLSv1.2\"");
  EXPECT_EQ(Explain(TlsVersionIs("TLSv1.2"), Typical()),
            "whose TLS version is \"TLSv1.3\"");
  EXPECT_EQ(Explain(TlsVersionIs("TLSv1.3"), TlsSession()),
            "whose TLS version is \"TLSv1.2\"");
}

TEST(CipherIsTest, MatchesDescribesAndExplains) {
  EXPECT_THAT(Typical(), CipherIs("TLS_AES_256_GCM_SHA384"));
  EXPECT_THAT(TlsSession(), CipherIs(HasSubstr("GCM")));
  EXPECT_THAT(Typical(), Not(CipherIs(HasSubstr("CHACHA20"))));
  EXPECT_EQ(Describe(CipherIs(HasSubstr("CHACHA20"))),
            "has TLS cipher that has substring \"CHACHA20\"");
  EXPECT_EQ(DescribeNegation(CipherIs(HasSubstr("CHACHA20"))),
            "doesn't have TLS cipher that has substring \"CHACHA20\"");
  EXPECT_EQ(Explain(CipherIs(HasSubstr("CHACHA20")), TlsSession()),
            "whose TLS cipher is \"ECDHE-ECDSA-AES128-GCM-SHA256\"");
}

TEST(SniIsTest, MatchesDescribesAndExplains) {
  EXPECT_THAT(Typical(), SniIs("localhost"));
  EXPECT_THAT(TlsSession(), SniIs("mail.example"));
  EXPECT_THAT(Multipart(), SniIs(IsEmpty()));
  EXPECT_THAT(Typical(), Not(SniIs("mail.example")));
  EXPECT_EQ(Describe(SniIs("mail.example")),
            "has SNI that is equal to \"mail.example\"");
  EXPECT_EQ(DescribeOnSession(SniIs("mail.example"), /*negation=*/true),
            "doesn't have SNI that is equal to \"mail.example\"");
  EXPECT_EQ(Explain(SniIs("mail.example"), Typical()),
            "whose SNI is \"localhost\"");
}

Session WithClientCertificate(const std::string& subject, bool verified) {
  Session session = TlsSession();
  session.tls.client_certificate_subject = subject;
  session.tls.client_certificate_verified = verified;
  return session;
}

ReceivedMessage MessageWithClientCertificate(const std::string& subject,
                                             bool verified) {
  auto record = TypicalRecord();
  record->tls.client_certificate_subject = subject;
  record->tls.client_certificate_verified = verified;
  return ReceivedMessage(record);
}

TEST(PresentedClientCertificateTest, MatchesOnlyAVerifiedCertificate) {
  EXPECT_THAT(WithClientCertificate("CN=mailer", true),
              PresentedClientCertificate());
  EXPECT_THAT(MessageWithClientCertificate("CN=mailer", true),
              PresentedClientCertificate());
  EXPECT_THAT(WithClientCertificate("CN=mailer", false),
              Not(PresentedClientCertificate()));
  EXPECT_THAT(MessageWithClientCertificate("CN=mailer", false),
              Not(PresentedClientCertificate()));
  EXPECT_THAT(TlsSession(), Not(PresentedClientCertificate()));
  EXPECT_THAT(Typical(), Not(PresentedClientCertificate()));
  EXPECT_THAT(FailedHandshakeSession(), Not(PresentedClientCertificate()));
}

TEST(PresentedClientCertificateTest, MatchesTheSubject) {
  EXPECT_THAT(WithClientCertificate("CN=mailer", true),
              PresentedClientCertificate("CN=mailer"));
  EXPECT_THAT(MessageWithClientCertificate("CN=mailer,O=Example", true),
              PresentedClientCertificate(StartsWith("CN=mailer")));
  EXPECT_THAT(WithClientCertificate("CN=mailer", true),
              Not(PresentedClientCertificate("CN=other")));
  // The subject matches, but the certificate did not verify.
  EXPECT_THAT(WithClientCertificate("CN=mailer", false),
              Not(PresentedClientCertificate("CN=mailer")));
  EXPECT_THAT(TlsSession(), Not(PresentedClientCertificate(::testing::_)));
}

TEST(PresentedClientCertificateTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(PresentedClientCertificate()),
            "presented a client certificate that verified");
  EXPECT_EQ(DescribeNegation(PresentedClientCertificate()),
            "presented no client certificate that verified");
  EXPECT_EQ(DescribeOnSession(PresentedClientCertificate("CN=mailer")),
            "presented a client certificate that verified with subject that "
            "is equal to \"CN=mailer\"");
  EXPECT_EQ(DescribeOnSession(PresentedClientCertificate("CN=mailer"),
                              /*negation=*/true),
            "presented no client certificate that verified with subject that "
            "is equal to \"CN=mailer\"");
  EXPECT_EQ(Explain(PresentedClientCertificate(), TlsSession()),
            "which presented no client certificate");
  EXPECT_EQ(Explain(PresentedClientCertificate("CN=mailer"), Typical()),
            "which presented no client certificate");
  EXPECT_EQ(Explain(PresentedClientCertificate(),
                    WithClientCertificate("CN=mailer", false)),
            "whose client certificate \"CN=mailer\" did not verify");
  EXPECT_EQ(Explain(PresentedClientCertificate("CN=mailer"),
                    MessageWithClientCertificate("CN=mailer", false)),
            "whose client certificate \"CN=mailer\" did not verify");
  EXPECT_EQ(Explain(PresentedClientCertificate(),
                    WithClientCertificate("CN=mailer", true)),
            "whose client certificate \"CN=mailer\" verified");
  EXPECT_EQ(Explain(PresentedClientCertificate("CN=other"),
                    WithClientCertificate("CN=mailer", true)),
            "whose verified client certificate's subject is \"CN=mailer\"");
  EXPECT_EQ(Explain(PresentedClientCertificate(SizeIs(3)),
                    MessageWithClientCertificate("CN=mailer", true)),
            "whose verified client certificate's subject is \"CN=mailer\", "
            "whose size 9 doesn't match");
}

// ---------------------------------------------------------------------------
// Sessions.

TEST(HandshakeFailedTest, MatchesAFailedHandshakeWithAReason) {
  EXPECT_THAT(FailedHandshakeSession(), HandshakeFailed());
  EXPECT_THAT(FailedHandshakeSession(),
              HandshakeFailed(HasSubstr("unknown ca")));
  EXPECT_THAT(FailedHandshakeSession(),
              HandshakeFailed("tlsv1 alert unknown ca"));
  EXPECT_THAT(FailedHandshakeSession(),
              Not(HandshakeFailed(HasSubstr("bad certificate"))));
  EXPECT_THAT(TlsSession(), Not(HandshakeFailed()));
  EXPECT_THAT(TlsSession(), Not(HandshakeFailed(::testing::_)));
}

TEST(HandshakeFailedTest, DescribesAndExplains) {
  EXPECT_EQ(DescribeOnSession(HandshakeFailed(HasSubstr("unknown ca"))),
            "has TLS handshake error that has substring \"unknown ca\"");
  EXPECT_EQ(DescribeOnSession(HandshakeFailed(HasSubstr("unknown ca")),
                              /*negation=*/true),
            "doesn't have TLS handshake error that has substring "
            "\"unknown ca\"");
  EXPECT_EQ(DescribeOnSession(HandshakeFailed()), "has a TLS handshake error");
  EXPECT_EQ(DescribeOnSession(HandshakeFailed(), /*negation=*/true),
            "has no TLS handshake error");
  EXPECT_EQ(
      Explain(HandshakeFailed(HasSubstr("expired")), FailedHandshakeSession()),
      "whose TLS handshake error is \"tlsv1 alert unknown ca\"");
  EXPECT_EQ(Explain(HandshakeFailed(HasSubstr("expired")), TlsSession()),
            "which has no TLS handshake error");
  EXPECT_EQ(Explain(HandshakeFailed(), TlsSession()),
            "which has no TLS handshake error");
  EXPECT_EQ(Explain(HandshakeFailed(), FailedHandshakeSession()),
            "whose TLS handshake error is \"tlsv1 alert unknown ca\"");
}

TEST(TranscriptContainsTest, MatchesAWholeLineWithItsReplyCode) {
  EXPECT_THAT(TlsSession(), TranscriptContains("221 2.0.0 Bye"));
  EXPECT_THAT(TlsSession(), TranscriptContains(StartsWith("235 ")));
  EXPECT_THAT(TlsSession(), TranscriptContains(ContainsRegex("^AUTH LOGIN$")));
  // Lines are whole: a part of one is not equal to it.
  EXPECT_THAT(TlsSession(), Not(TranscriptContains("2.0.0 Bye")));
  EXPECT_THAT(TlsSession(), Not(TranscriptContains(HasSubstr("STARTTLS"))));
  EXPECT_THAT(Session{}, Not(TranscriptContains(::testing::_)));
}

TEST(TranscriptContainsTest, DescribesAndExplains) {
  EXPECT_EQ(DescribeOnSession(TranscriptContains(StartsWith("550"))),
            "has transcript line that starts with \"550\"");
  EXPECT_EQ(DescribeOnSession(TranscriptContains(StartsWith("550")),
                              /*negation=*/true),
            "has no transcript line that starts with \"550\"");
  EXPECT_EQ(Explain(TranscriptContains(StartsWith("235")), TlsSession()),
            "whose transcript line #6 is S: 235 2.7.0 Authentication "
            "successful");
  EXPECT_EQ(
      Explain(TranscriptContains(StartsWith("550")), FailedHandshakeSession()),
      "whose transcript is:\n"
      "    S: 220 localhost ESMTP smtpfixture\n"
      "    C: EHLO client.example\n"
      "    S: 250 STARTTLS\n"
      "    C: STARTTLS\n"
      "    S: 220 2.0.0 Ready to start TLS");
  EXPECT_EQ(Explain(TranscriptContains("x"), Session{}),
            "whose transcript is empty");
}

TEST(TranscriptContainsTest, ExplainsALongTranscriptByItsEnd) {
  Session session;
  for (int i = 0; i < 100; ++i) {
    session.transcript.push_back(
        {Direction::kClient, "NOOP " + std::to_string(i)});
  }
  const std::string explanation = Explain(TranscriptContains("QUIT"), session);
  EXPECT_THAT(explanation, StartsWith("whose transcript is:\n"
                                      "    ... (70 earlier lines)\n"
                                      "    C: NOOP 70\n"));
  EXPECT_THAT(explanation, EndsWith("    C: NOOP 99"));
  EXPECT_THAT(explanation, Not(HasSubstr("NOOP 69")));
}

TEST(SessionMatchersTest, ComposeOverSessionLists) {
  const std::vector<Session> sessions = {TlsSession(),
                                         FailedHandshakeSession()};
  EXPECT_THAT(sessions, Contains(HandshakeFailed(HasSubstr("unknown ca"))));
  EXPECT_THAT(sessions, Each(TranscriptContains(StartsWith("220 "))));
  EXPECT_THAT(
      sessions,
      ElementsAre(AllOf(TlsModeIs(TlsMode::kImplicit), TlsVersionIs("TLSv1.2"),
                        AuthenticatedAs("bob"), HasNoViolations()),
                  AllOf(HandshakeFailed(), HasViolation("bare-lf"))));
  EXPECT_THAT(sessions, Not(Each(HandshakeFailed())));
}

// ---------------------------------------------------------------------------
// Headers and addresses.

TEST(HasHeaderTest, MatchesAnyHeaderOfThatNameCaseInsensitively) {
  EXPECT_THAT(Typical(), HasHeader("Subject", "Hi"));
  EXPECT_THAT(Typical(), HasHeader("subject", "Hi"));
  EXPECT_THAT(Typical(), HasHeader("X-TAG", "two"));
  EXPECT_THAT(Typical(), HasHeader("x-tag", AnyOf("one", "three")));
  EXPECT_THAT(Typical(), Not(HasHeader("X-Tag", "three")));
  EXPECT_THAT(Typical(), Not(HasHeader("X-Missing", ::testing::_)));
}

TEST(HasHeaderTest, MatchesTheRawValueNotTheDecodedOne) {
  EXPECT_THAT(Multipart(), HasHeader("Subject", StartsWith("=?UTF-8?Q?")));
  EXPECT_THAT(Multipart(), Not(HasHeader("Subject", "Grüße")));
}

TEST(HasHeaderTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(HasHeader("X-Tag", "three")),
            "has header \"X-Tag\" that is equal to \"three\"");
  EXPECT_EQ(DescribeNegation(HasHeader("X-Tag", "three")),
            "has no header \"X-Tag\" that is equal to \"three\"");
  EXPECT_EQ(Explain(HasHeader("X-Tag", "three"), Typical()),
            "whose \"X-Tag\" headers are { \"one\", \"two\" }");
  EXPECT_EQ(Explain(HasHeader("X-Tag", "two"), Typical()),
            "whose \"X-Tag\" header #1 is \"two\"");
  EXPECT_EQ(Explain(HasHeader("X-Missing", "two"), Typical()),
            "which has no \"X-Missing\" header");
}

TEST(HasHeaderTest, WithoutAValueMatchesPresence) {
  EXPECT_THAT(Typical(), HasHeader("x-tag"));
  EXPECT_THAT(Typical(), Not(HasHeader("X-Missing")));
  EXPECT_EQ(Describe(HasHeader("X-Missing")), "has header \"X-Missing\"");
  EXPECT_EQ(DescribeNegation(HasHeader("X-Missing")),
            "has no header \"X-Missing\"");
  EXPECT_EQ(Explain(HasHeader("X-Missing"), Typical()),
            "which has no \"X-Missing\" header");
  EXPECT_EQ(Explain(HasHeader("Subject"), Typical()),
            "whose \"Subject\" headers are { \"Hi\" }");
}

TEST(HasAddressTest, MatchesAnyParsedAddressOfThatHeader) {
  EXPECT_THAT(Typical(), HasAddress("To", "bob@example.com"));
  EXPECT_THAT(Typical(), HasAddress("to", "carol@example.com"));
  EXPECT_THAT(Typical(), HasAddress("From", EndsWith("@example.com")));
  EXPECT_THAT(Typical(), Not(HasAddress("To", "ann@example.com")));
  EXPECT_THAT(Typical(), Not(HasAddress("Cc", ::testing::_)));
}

TEST(HasAddressTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(HasAddress("Cc", "dave@example.com")),
            "has \"Cc\" address that is equal to \"dave@example.com\"");
  EXPECT_EQ(DescribeNegation(HasAddress("Cc", "dave@example.com")),
            "has no \"Cc\" address that is equal to \"dave@example.com\"");
  EXPECT_EQ(Explain(HasAddress("To", "dave@example.com"), Typical()),
            "whose \"To\" addresses are { \"Bob\" <bob@example.com>, "
            "<carol@example.com> }");
  EXPECT_EQ(Explain(HasAddress("To", "bob@example.com"), Typical()),
            "whose \"To\" address #0 is \"Bob\" <bob@example.com>");
  EXPECT_EQ(Explain(HasAddress("Cc", "dave@example.com"), Typical()),
            "which has no \"Cc\" address");
}

// ---------------------------------------------------------------------------
// Subject, bodies, data.

TEST(HasSubjectTest, MatchesTheDecodedSubject) {
  EXPECT_THAT(Typical(), HasSubject("Hi"));
  EXPECT_THAT(Multipart(), HasSubject("Grüße"));
  EXPECT_THAT(Typical(), HasSubject(StartsWith("H")));
  EXPECT_THAT(Typical(), Not(HasSubject("Hello")));
  EXPECT_THAT(WithData("From: a@b.c\r\n\r\nno subject\r\n"),
              HasSubject(IsEmpty()));
}

TEST(HasSubjectTest, DescribesAndExplainsAsTheContractSays) {
  EXPECT_EQ(Describe(HasSubject("Hi")), "has subject that is equal to \"Hi\"");
  EXPECT_EQ(DescribeNegation(HasSubject("Hi")),
            "doesn't have subject that is equal to \"Hi\"");
  EXPECT_EQ(Explain(HasSubject("Hi"), WithData("Subject: Hello\r\n\r\n")),
            "whose subject is \"Hello\"");
  // UTF-8 stays readable.
  EXPECT_EQ(Explain(HasSubject("Hi"), Multipart()),
            "whose subject is \"Grüße\"");
}

TEST(HasSubjectTest, AppendsTheInnerMatchersExplanation) {
  // SizeIs explains itself ("whose size 2 doesn't match").
  const std::string explanation = Explain(HasSubject(SizeIs(5)), Typical());
  EXPECT_THAT(explanation, StartsWith("whose subject is \"Hi\", "));
  EXPECT_THAT(explanation, HasSubstr("size 2"));
}

TEST(HasTextBodyTest, MatchesTheDecodedTextPart) {
  EXPECT_THAT(Typical(), HasTextBody("Body\n"));
  EXPECT_THAT(Typical(), HasTextBody(HasSubstr("Body")));
  EXPECT_THAT(Multipart(), HasTextBody(StartsWith("Plain text")));
  EXPECT_THAT(Multipart(), Not(HasTextBody(HasSubstr("HTML"))));
}

TEST(HasTextBodyTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(HasTextBody(HasSubstr("Hello"))),
            "has text body that has substring \"Hello\"");
  EXPECT_EQ(DescribeNegation(HasTextBody(HasSubstr("Hello"))),
            "doesn't have text body that has substring \"Hello\"");
  EXPECT_EQ(Explain(HasTextBody(HasSubstr("Hello")), Typical()),
            "whose text body is \"Body\\n\"");
}

TEST(HasTextBodyTest, RequiresATextPart) {
  const ReceivedMessage html_only = WithData(
      "Subject: x\r\nContent-Type: text/html\r\n\r\n<p>only HTML</p>\r\n");
  EXPECT_THAT(html_only, Not(HasTextBody(::testing::_)));
  EXPECT_EQ(Explain(HasTextBody(::testing::_), html_only),
            "which has no text/plain body");
}

TEST(HasHtmlBodyTest, MatchesDescribesAndExplains) {
  EXPECT_THAT(Multipart(), HasHtmlBody(HasSubstr("<p>HTML</p>")));
  EXPECT_THAT(Typical(), Not(HasHtmlBody(::testing::_)));
  EXPECT_EQ(Describe(HasHtmlBody(HasSubstr("<b>"))),
            "has HTML body that has substring \"<b>\"");
  EXPECT_EQ(DescribeNegation(HasHtmlBody(HasSubstr("<b>"))),
            "doesn't have HTML body that has substring \"<b>\"");
  EXPECT_EQ(Explain(HasHtmlBody(HasSubstr("<b>")), Typical()),
            "which has no text/html body");
  EXPECT_THAT(Explain(HasHtmlBody(HasSubstr("<b>")), Multipart()),
              StartsWith("whose HTML body is \"<p>HTML</p>"));
}

TEST(HasDataTest, MatchesTheRawData) {
  EXPECT_THAT(Typical(), HasData(std::string(samples::kSimpleData)));
  EXPECT_THAT(Typical(), HasData(HasSubstr("X-Tag: two\r\n")));
  EXPECT_THAT(Typical(), Not(HasData(HasSubstr("\r\n.\r\n"))));
  EXPECT_EQ(Describe(HasData(EndsWith("\r\n"))),
            "has data that ends with \"\\r\\n\"");
  EXPECT_EQ(DescribeNegation(HasData(EndsWith("\r\n"))),
            "doesn't have data that ends with \"\\r\\n\"");
  EXPECT_EQ(Explain(HasData("x"), WithData("Subject: a\r\n\r\nb\tc\x01\r\n")),
            "whose data is \"Subject: a\\r\\n\\r\\nb\\tc\\x01\\r\\n\"");
}

TEST(HasTextBodyTest, ExplainsAHugeBodyByItsBeginning) {
  const std::string huge(5 * 1024 * 1024, 'x');
  const ReceivedMessage message = WithData("Subject: big\r\n\r\n" + huge);
  const std::string explanation = Explain(HasTextBody("short"), message);
  EXPECT_THAT(explanation, StartsWith("whose text body is \"xxxxxxxxxx"));
  EXPECT_THAT(explanation, HasSubstr("\"... ("));
  EXPECT_LT(explanation.size(), 300u);

  const std::string data_explanation = Explain(HasData("short"), message);
  EXPECT_THAT(data_explanation,
              StartsWith("whose data is \"Subject: big\\r\\n\\r\\nxxxx"));
  EXPECT_THAT(
      data_explanation,
      EndsWith("\"... (" + std::to_string(message.data().size()) + " bytes)"));
  EXPECT_LT(data_explanation.size(), 300u);
}

// ---------------------------------------------------------------------------
// Attachments.

TEST(HasAttachmentTest, MatchesByFilename) {
  EXPECT_THAT(Multipart(), HasAttachment("report.pdf"));
  EXPECT_THAT(Multipart(), HasAttachment(EndsWith(".txt")));
  EXPECT_THAT(Multipart(), Not(HasAttachment("missing.doc")));
  EXPECT_THAT(Typical(), Not(HasAttachment(::testing::_)));
}

TEST(HasAttachmentTest, MatchesByFilenameAndDecodedContent) {
  EXPECT_THAT(Multipart(), HasAttachment("report.pdf", "%PDF-"));
  EXPECT_THAT(Multipart(), HasAttachment("notes.txt", StartsWith("note")));
  // Both must hold for the same attachment.
  EXPECT_THAT(Multipart(),
              Not(HasAttachment("report.pdf", StartsWith("note"))));
}

TEST(HasAttachmentTest, DescribesAndExplains) {
  EXPECT_EQ(Describe(HasAttachment("a.pdf")),
            "has attachment with filename that is equal to \"a.pdf\"");
  EXPECT_EQ(DescribeNegation(HasAttachment("a.pdf")),
            "has no attachment with filename that is equal to \"a.pdf\"");
  EXPECT_EQ(Describe(HasAttachment("a.pdf", HasSubstr("%PDF"))),
            "has attachment with filename that is equal to \"a.pdf\" and "
            "content that has substring \"%PDF\"");
  EXPECT_EQ(DescribeNegation(HasAttachment("a.pdf", HasSubstr("%PDF"))),
            "has no attachment with filename that is equal to \"a.pdf\" and "
            "content that has substring \"%PDF\"");

  EXPECT_EQ(Explain(HasAttachment("a.pdf"), Multipart()),
            "whose attachments are { \"report.pdf\" (application/pdf, 5 "
            "bytes), \"notes.txt\" (text/plain, 4 bytes) }");
  EXPECT_EQ(Explain(HasAttachment("notes.txt"), Multipart()),
            "whose attachment #1 is \"notes.txt\" (text/plain, 4 bytes)");
  EXPECT_EQ(Explain(HasAttachment("a.pdf"), Typical()),
            "which has no attachments");
  // With a content matcher, the contents are shown (cut if long).
  EXPECT_EQ(Explain(HasAttachment("report.pdf", "PDF"), Multipart()),
            "whose attachments are { \"report.pdf\" (application/pdf, 5 "
            "bytes) with content \"%PDF-\", \"notes.txt\" (text/plain, 4 "
            "bytes) with content \"note\" }");
}

TEST(HasAttachmentWhereTest, MatchesAnAttachmentMatcher) {
  EXPECT_THAT(Multipart(), HasAttachmentWhere(Field(&Attachment::content_type,
                                                    "application/pdf")));
  EXPECT_THAT(Multipart(), HasAttachmentWhere(
                               AllOf(Field(&Attachment::filename, "notes.txt"),
                                     Field(&Attachment::is_inline, false))));
  EXPECT_THAT(
      Multipart(),
      Not(HasAttachmentWhere(Field(&Attachment::content_type, "image/png"))));
}

TEST(HasAttachmentWhereTest, DescribesAndExplains) {
  const auto matcher = HasAttachmentWhere(
      Field("content_type", &Attachment::content_type, "image/png"));
  EXPECT_EQ(Describe(matcher),
            "has attachment that is an object whose field `content_type` is "
            "equal to \"image/png\"");
  EXPECT_EQ(DescribeNegation(matcher),
            "has no attachment that is an object whose field `content_type` "
            "is equal to \"image/png\"");
  EXPECT_EQ(Explain(matcher, Multipart()),
            "whose attachments are { \"report.pdf\" (application/pdf, 5 "
            "bytes), \"notes.txt\" (text/plain, 4 bytes) }");
  EXPECT_EQ(
      Explain(HasAttachmentWhere(Field(
                  "content_type", &Attachment::content_type, "text/plain")),
              Multipart()),
      "whose attachment #1 is \"notes.txt\" (text/plain, 4 bytes), whose "
      "field `content_type` is \"text/plain\"");
}

// ---------------------------------------------------------------------------
// Violations.

TEST(HasViolationTest, SeesProtocolAndMimeViolations) {
  auto record = TypicalRecord();
  record->violations = {{"bare-lf", "line 3"}};
  const ReceivedMessage message(record);
  EXPECT_THAT(message, HasViolation("bare-lf"));
  EXPECT_THAT(message, HasViolation(StartsWith("bare")));
  EXPECT_THAT(message, Not(HasViolation("bare-cr")));
  EXPECT_THAT(message, Not(HasNoViolations()));
  EXPECT_THAT(Typical(), HasNoViolations());

  // A message without From breaks RFC 5322; the MIME reader says so.
  const ReceivedMessage no_from = WithData("Subject: x\r\n\r\nbody\r\n");
  ASSERT_THAT(no_from.MimeViolations(), Not(IsEmpty()));
  EXPECT_THAT(no_from, HasViolation(no_from.MimeViolations().front().code));
  EXPECT_THAT(no_from, Not(HasNoViolations()));
}

// Which accessor sees which set, and which one the matchers use.
TEST(HasViolationTest, EachAccessorSaysWhichSetItSees) {
  auto record = TypicalRecord();
  record->violations = {{"bare-lf", "line 3"}};
  record->data = "Subject: x\r\n\r\nbody\r\n";  // no From: "no-from"
  const ReceivedMessage message(record);
  EXPECT_THAT(message.ProtocolViolations(),
              ElementsAre(Field(&Violation::code, "bare-lf")));
  EXPECT_EQ(&message.violations(), &message.ProtocolViolations());
  EXPECT_THAT(message.MimeViolations(),
              Contains(Field(&Violation::code, "no-from")));
  EXPECT_THAT(message.MimeViolations(),
              Not(Contains(Field(&Violation::code, "bare-lf"))));
  std::vector<std::string> all;
  for (const Violation& v : message.AllViolations()) all.push_back(v.code);
  std::vector<std::string> expected = {"bare-lf"};
  for (const Violation& v : message.MimeViolations()) {
    expected.push_back(v.code);
  }
  EXPECT_EQ(all, expected);
  // HasViolation sees AllViolations(); one set alone is matched through
  // its accessor.
  EXPECT_THAT(message, AllOf(HasViolation("bare-lf"), HasViolation("no-from")));
  EXPECT_THAT(message,
              Property(&ReceivedMessage::ProtocolViolations,
                       Not(Contains(Field(&Violation::code, "no-from")))));
  const ReceivedMessage clean_protocol(TypicalRecord());
  EXPECT_THAT(clean_protocol.AllViolations(), IsEmpty());
}

TEST(HasViolationTest, DescribesAndExplains) {
  auto record = TypicalRecord();
  record->violations = {{"bare-lf", "line 3"}, {"line-too-long", ""}};
  const ReceivedMessage message(record);
  EXPECT_EQ(Describe(HasViolation("bare-cr")),
            "has violation with code that is equal to \"bare-cr\"");
  EXPECT_EQ(DescribeNegation(HasViolation("bare-cr")),
            "has no violation with code that is equal to \"bare-cr\"");
  EXPECT_EQ(Explain(HasViolation("bare-cr"), message),
            "whose violations are { bare-lf: line 3, line-too-long }");
  EXPECT_EQ(Explain(HasViolation("line-too-long"), message),
            "whose violation #1 is line-too-long");
  EXPECT_EQ(Explain(HasViolation("bare-cr"), Typical()),
            "which has no violations");
  EXPECT_EQ(Explain(HasViolation("bare-cr"), FailedHandshakeSession()),
            "whose violations are { bare-lf: a line ended in LF alone }");
}

TEST(HasNoViolationsTest, DescribesAndExplains) {
  auto record = TypicalRecord();
  record->violations = {{"bare-lf", "line 3"}};
  EXPECT_EQ(Describe(HasNoViolations()), "has no violations");
  EXPECT_EQ(DescribeNegation(HasNoViolations()), "has violations");
  EXPECT_EQ(Explain(HasNoViolations(), ReceivedMessage(record)),
            "whose violations are { bare-lf: line 3 }");
  EXPECT_EQ(Explain(HasNoViolations(), Typical()), "which has no violations");
  EXPECT_THAT(TlsSession(), HasNoViolations());
  EXPECT_THAT(FailedHandshakeSession(), Not(HasNoViolations()));
}

// ---------------------------------------------------------------------------
// Composition, as users write it.

TEST(CompositionTest, WorksInsideContainerMatchers) {
  const std::vector<ReceivedMessage> messages = {Typical(), Multipart()};
  EXPECT_THAT(
      messages,
      ElementsAre(
          AllOf(EnvelopeFrom("ann@example.com"),
                EnvelopeTo(ElementsAre("bob@example.com", "carol@example.com")),
                TlsModeIs(TlsMode::kStartTls), SniIs("localhost"),
                HasSubject("Hi"), HasTextBody(HasSubstr("Body"))),
          AllOf(TlsModeIs(TlsMode::kNone), HasAttachment("report.pdf"))));
  EXPECT_THAT(messages, Contains(HasHtmlBody(HasSubstr("HTML"))));
  EXPECT_THAT(messages, Each(EnvelopeFrom("ann@example.com")));
  EXPECT_THAT(messages, Each(HasEnvelopeRecipient("bob@example.com")));
  EXPECT_THAT(messages, Not(Contains(AuthenticatedAs("bob"))));
  EXPECT_THAT(messages, Contains(AnyOf(HasSubject("nope"), HasSubject("Hi"))));
}

TEST(CompositionTest, NotUsesTheRealNegation) {
  EXPECT_EQ(Describe(Not(HasSubject("Hi"))),
            "doesn't have subject that is equal to \"Hi\"");
  EXPECT_EQ(Describe(Not(HasAttachment("a.pdf"))),
            "has no attachment with filename that is equal to \"a.pdf\"");
  EXPECT_EQ(DescribeNegation(Not(HasSubject("Hi"))),
            "has subject that is equal to \"Hi\"");
}

TEST(CompositionTest, AllOfDescribesEveryPart) {
  EXPECT_EQ(Describe(AllOf(EnvelopeFrom("a@b.c"), HasSubject("Hi"))),
            "(has envelope sender that is equal to \"a@b.c\") and (has "
            "subject that is equal to \"Hi\")");
}

TEST(CompositionTest, ConvertsToMonomorphicMatchers) {
  const Matcher<const ReceivedMessage&> by_reference = HasSubject("Hi");
  const Matcher<ReceivedMessage> by_value = EnvelopeFrom("ann@example.com");
  const Matcher<const Session&> on_session = TlsModeIs(TlsMode::kImplicit);
  EXPECT_TRUE(by_reference.Matches(Typical()));
  EXPECT_TRUE(by_value.Matches(Typical()));
  EXPECT_TRUE(on_session.Matches(TlsSession()));
  EXPECT_FALSE(on_session.Matches(FailedHandshakeSession()));
}

TEST(CompositionTest, AFailingExpectationShowsTheExplanation) {
  const ReceivedMessage message = Typical();
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(message, HasSubject("Hello")),
                          "whose subject is \"Hi\"");
  EXPECT_NONFATAL_FAILURE(EXPECT_THAT(message, HasSubject("Hello")),
                          "Expected: has subject that is equal to \"Hello\"");
}

// ---------------------------------------------------------------------------
// Printers.

// ---------------------------------------------------------------------------
// ResistedTlsAttack.

Session AttackedSession() {
  Session session{};
  session.transcript = {
      {Direction::kServer, "220 localhost ESMTP smtpfixture"},
      {Direction::kClient, "EHLO x"},
      {Direction::kServer, "250 localhost"},
      {Direction::kClient, "MAIL FROM:<a@b>"},
      {Direction::kServer, "250 2.1.0 Ok"},
      {Direction::kClient, "AUTH PLAIN ****"},
  };
  session.violations = {
      {"bare-lf", "command line 1 ends in a bare LF"},
      {"insecure-plaintext-mail",
       "\"MAIL FROM:<a@b>\": sent without TLS under strip-starttls"},
      {"insecure-plaintext-auth",
       "\"AUTH PLAIN ****\": sent without TLS under strip-starttls"},
  };
  return session;
}

TEST(ResistedTlsAttackTest, MatchesOnlyWithoutInsecureViolations) {
  Session clean = AttackedSession();
  clean.violations.resize(1);  // bare-lf is not a finding
  EXPECT_THAT(clean, ResistedTlsAttack());
  EXPECT_THAT(AttackedSession(), Not(ResistedTlsAttack()));
  EXPECT_THAT(AttackedSession(), HasViolation("insecure-plaintext-auth"));
  EXPECT_THAT(clean, Not(HasViolation(StartsWith("insecure-"))));
}

TEST(ResistedTlsAttackTest, DescribesAndExplainsWithTheTranscriptLine) {
  EXPECT_EQ(DescribeOnSession(ResistedTlsAttack()),
            "resisted the TLS attack (no violation whose code starts with "
            "\"insecure-\")");
  EXPECT_EQ(DescribeOnSession(ResistedTlsAttack(), /*negation=*/true),
            "did not resist the TLS attack (some violation's code starts "
            "with \"insecure-\")");
  EXPECT_EQ(Explain(ResistedTlsAttack(), AttackedSession()),
            "which did not resist: insecure-plaintext-mail at transcript line "
            "4, C: \"MAIL FROM:<a@b>\", sent without TLS under "
            "strip-starttls; insecure-plaintext-auth at transcript line 6, C: "
            "\"AUTH PLAIN ****\", sent without TLS under strip-starttls");
  Session clean = AttackedSession();
  clean.violations.resize(1);
  EXPECT_EQ(Explain(ResistedTlsAttack(), clean),
            "which has no insecure-* violation");
  // A line no longer in the transcript: the detail alone.
  Session cut = AttackedSession();
  cut.transcript.resize(2);
  EXPECT_EQ(Explain(Not(ResistedTlsAttack()), cut),
            "which did not resist: insecure-plaintext-mail (\"MAIL "
            "FROM:<a@b>\": sent without TLS under strip-starttls); "
            "insecure-plaintext-auth (\"AUTH PLAIN ****\": sent without TLS "
            "under strip-starttls)");
}

}  // namespace
}  // namespace smtpfixture
