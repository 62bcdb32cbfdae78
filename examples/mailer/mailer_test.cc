// Tests of the example mailer against smtpfixture's in-process server: what
// a user of smtpfixture writes for their own mail-sending code.
//
// Each TEST_F gets a fresh server on an ephemeral port, configured by the
// fixture's Options(); the mailer is pointed at server().Url() and told to
// trust server().CaFile(), exactly as it would be pointed at a real relay.
#include "mailer/mailer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <smtpfixture/gtest.h>

#include <chrono>
#include <cstddef>
#include <future>
#include <ostream>
#include <string>
#include <vector>

namespace {

using ::example::Mail;
using ::example::MailAttachment;
using ::example::Mailer;
using ::example::MailerConfig;
using ::example::PasswordResetMail;
using ::example::SendResult;
using ::example::SendWithRetry;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

using namespace smtpfixture;  // NOLINT: the matchers read better unqualified

constexpr std::chrono::seconds kTimeout{10};

// The server every test starts with: STARTTLS offered, not required.
class MailerTest : public SmtpServerTest {
 protected:
  // How production code would be configured, pointed at the fixture.
  MailerConfig Config() {
    MailerConfig config;
    config.url = server().Url();
    config.ca_file = server().CaFile().string();
    config.timeout_ms = static_cast<long>(ScaledTimeout(kTimeout).count());
    return config;
  }

  static Mail SimpleMail() {
    Mail mail;
    mail.from = "alice@example.com";
    mail.to = {"bob@example.com"};
    mail.subject = "Quarterly report";
    mail.text = "Numbers are up.\nSee you on Monday.";
    return mail;
  }

  // Waits until the mailer's connection(s) are over, so that a test can
  // assert that nothing arrived: without the wait, "no message" could just
  // mean "not yet".
  ::testing::AssertionResult AwaitSessionsClosed(std::size_t count) {
    if (server().WaitForSessionsClosed(count, ScaledTimeout(kTimeout))) {
      return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure()
           << "fewer than " << count << " closed sessions: "
           << ::testing::PrintToString(server().Sessions());
  }
};

TEST_F(MailerTest, SendsPlainMessage) {
  const SendResult result = Mailer(Config()).Send(SimpleMail());
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.smtp_code, 250);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(EnvelopeFrom("alice@example.com"),
                        EnvelopeTo(ElementsAre("bob@example.com")),
                        HasSubject("Quarterly report"),
                        HasTextBody("Numbers are up.\nSee you on Monday."),
                        HasHeader("From", "alice@example.com"),
                        HasHeader("To", "bob@example.com"),
                        HasHeader("Date", HasSubstr("+0000")),
                        HasHeader("Message-ID", EndsWith("@example.com>")))));
}

TEST_F(MailerTest, EncodesNonAsciiSubject) {
  Mail mail = SimpleMail();
  mail.subject = "Grüße aus Köln – Bericht für das dritte Quartal 2024";
  ASSERT_TRUE(Mailer(Config()).Send(mail).ok);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  // HasSubject sees the decoded text; HasHeader the raw, encoded one.
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(HasSubject(mail.subject),
                                HasHeader("Subject", StartsWith("=?UTF-8?B?")),
                                HasNoViolations())));
}

TEST_F(MailerTest, SendsHtmlAlternativeAndAttachment) {
  // Every byte value, so that the base64 round trip is really tested.
  std::string pdf = "%PDF-1.7\n";
  for (int i = 0; i < 3000; ++i) pdf += static_cast<char>(i % 256);

  Mail mail = SimpleMail();
  mail.html = "<p>Numbers are <b>up</b>.</p>";
  mail.attachments = {MailAttachment{"report.pdf", "application/pdf", pdf}};
  ASSERT_TRUE(Mailer(Config()).Send(mail).ok);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(HasTextBody(HasSubstr("Numbers are up.")),
                        HasHtmlBody(HasSubstr("<b>up</b>")),
                        HasAttachment("report.pdf", SizeIs(pdf.size())),
                        HasAttachment("report.pdf", pdf),
                        HasAttachmentWhere(Field(&Attachment::content_type,
                                                 "application/pdf")))));
}

// The password-reset test in one line: follow the link the mail carries,
// whatever quoted-printable did to it on the way (HasLink reads the HTML
// part's hrefs, entities decoded, then the text part's URLs).
TEST_F(MailerTest, PasswordResetMailCarriesTheLink) {
  const std::string url =
      "https://example.com/reset?token=" + std::string(64, 'f') +
      "&user=bob%40example.com";
  ASSERT_TRUE(Mailer(Config())
                  .Send(PasswordResetMail("no-reply@example.com",
                                          "bob@example.com", url))
                  .ok);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  const ReceivedMessage& m = messages[0];
  EXPECT_THAT(m, HasLink(StartsWith("https://example.com/reset?token=")));
  // The same link in both parts, whole.
  EXPECT_THAT(m.Links(), ElementsAre(url, url));
}

// Is my mailer RFC-clean? One line per message: no protocol violation (bare
// LF, 8-bit data without 8BITMIME, ...) and no message-level one (missing
// Message-ID, bad Date, malformed address header, ...). Every shape the
// mailer builds with libcurl's MIME API is checked.
TEST_F(MailerTest, WritesRfcCleanMessages) {
  Mail plain = SimpleMail();
  Mail rich = SimpleMail();
  rich.subject = "Grüße aus Köln – Bericht für das dritte Quartal 2024";
  rich.to = {"bob@example.com", "carol@example.com"};
  rich.cc = {"dave@example.com"};
  rich.bcc = {"erin@example.com"};
  rich.text = "Zahlen sind gestiegen. ✓\n" + std::string(200, 'x');
  rich.html = "<p>Zahlen sind <b>gestiegen</b>. ✓</p>";
  rich.attachments = {MailAttachment{"bericht.pdf", "application/pdf",
                                     std::string(5000, '\xFF')},
                      MailAttachment{"notes.txt", "", "plain notes"}};
  const Mail reset =
      PasswordResetMail("no-reply@example.com", "bob@example.com",
                        "https://example.com/reset?token=abc");
  for (const Mail& mail : {plain, rich, reset}) {
    const SendResult result = Mailer(Config()).Send(mail);
    ASSERT_TRUE(result.ok) << result.error;
  }

  ASSERT_TRUE(AwaitMessages(server(), 3));
  for (const ReceivedMessage& m : server().Messages()) {
    EXPECT_THAT(m, HasNoViolations());
  }
  EXPECT_THAT(server().Sessions(), Each(HasNoViolations()));
}

TEST_F(MailerTest, BccIsOnlyInTheEnvelope) {
  Mail mail = SimpleMail();
  mail.cc = {"carol@example.com"};
  mail.bcc = {"dave@example.com"};
  ASSERT_TRUE(Mailer(Config()).Send(mail).ok);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(
          EnvelopeTo(UnorderedElementsAre(
              "bob@example.com", "carol@example.com", "dave@example.com")),
          HasEnvelopeRecipient("dave@example.com"),
          HasAddress("Cc", "carol@example.com"), Not(HasHeader("Bcc")),
          // Nowhere in the message: not in a header, not the body.
          Not(HasData(HasSubstr("dave@example.com"))))));
}

TEST_F(MailerTest, ReportsRefusedRecipient) {
  server()
      .Faults()
      .At(Stage::kRcptTo)
      .WhenArgumentContains("bounce@")
      .Reply(550, "5.1.1 No such user");
  Mail mail = SimpleMail();
  mail.to = {"bob@example.com", "bounce@example.com"};

  const SendResult result = Mailer(Config()).Send(mail);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.smtp_code, 550);
  EXPECT_THAT(result.error, Not(IsEmpty()));

  ASSERT_TRUE(AwaitSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(MailerTest, RetriesAfterTransientFailure) {
  // The first message is refused after its data; the second goes through.
  server()
      .Faults()
      .At(Stage::kEndOfData)
      .Reply(451, "4.3.0 Try again later")
      .Times(1);

  const SendResult result = SendWithRetry(Mailer(Config()), SimpleMail(), 3);
  ASSERT_TRUE(result.ok) << result.error;

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(), ElementsAre(HasSubject("Quarterly report")));
  // Two connections: the refused attempt and the one that succeeded.
  EXPECT_THAT(server().Sessions(),
              ElementsAre(TranscriptContains("451 4.3.0 Try again later"),
                          Not(TranscriptContains(StartsWith("451")))));
}

TEST_F(MailerTest, DoesNotRetryPermanentFailure) {
  server().Faults().At(Stage::kEndOfData).Reply(554, "5.7.1 Rejected");

  const SendResult result = SendWithRetry(Mailer(Config()), SimpleMail(), 3);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.smtp_code, 554);

  ASSERT_TRUE(AwaitSessionsClosed(1));
  EXPECT_THAT(server().Sessions(), SizeIs(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(MailerTest, ReportsDroppedConnection) {
  server().Faults().At(Stage::kMailFrom).Disconnect();

  const SendResult result = Mailer(Config()).Send(SimpleMail());
  EXPECT_FALSE(result.ok);
  EXPECT_THAT(result.error, Not(IsEmpty()));

  ASSERT_TRUE(AwaitSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(MailerTest, RefusesInvalidMailWithoutConnecting) {
  Mail mail = SimpleMail();
  mail.subject = "Hi\r\nBcc: everyone@example.com";  // header injection

  const SendResult result = Mailer(Config()).Send(mail);
  EXPECT_FALSE(result.ok);
  EXPECT_THAT(result.error, HasSubstr("line break"));
  EXPECT_THAT(server().Sessions(), IsEmpty());
}

// A mailer that sends in the background (a job queue, a worker thread): the
// test does not know when, or in which order, the mail goes out, so it waits
// for the message it cares about instead of counting messages.
TEST_F(MailerTest, ReceiptArrivesAmongMailSentAsynchronously) {
  const Mailer mailer(Config());
  auto sending = std::async(std::launch::async, [&mailer] {
    std::vector<SendResult> results;
    for (const char* subject :
         {"Welcome aboard", "Your receipt", "Tips for your first week"}) {
      Mail mail = SimpleMail();
      mail.subject = subject;
      results.push_back(mailer.Send(mail));
    }
    return results;
  });

  // Returns as soon as the receipt is in, whatever else is still on its way;
  // on failure it lists every message with why it is not the receipt.
  EXPECT_TRUE(AwaitMessage(server(),
                           AllOf(HasSubject("Your receipt"),
                                 EnvelopeTo(ElementsAre("bob@example.com")))));
  EXPECT_THAT(sending.get(), Each(Field(&SendResult::ok, true)));
}

// ---------------------------------------------------------------------------
// TLS: each fixture configures the server differently.

// Names parameterized tests after their case's `name` field, so that a
// failure reads "Problems/BadCertificateTest.MailerRefusesToSend/Expired".
template <typename Case>
std::string CaseName(const ::testing::TestParamInfo<Case>& param_info) {
  return param_info.param.name;
}

class RequiredStartTlsTest : public MailerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kStartTlsRequired;
    return options;
  }
};

TEST_F(RequiredStartTlsTest, SendsOverStartTls) {
  ASSERT_TRUE(Mailer(Config()).Send(SimpleMail()).ok);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(TlsModeIs(TlsMode::kStartTls),
                                TlsVersionIs(AnyOf("TLSv1.2", "TLSv1.3")),
                                SniIs("localhost"))));
}

class ImplicitTlsTest : public MailerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kImplicit;
    return options;
  }
};

TEST_F(ImplicitTlsTest, SendsOverImplicitTls) {
  MailerConfig config = Config();
  ASSERT_THAT(config.url, StartsWith("smtps://"));
  ASSERT_TRUE(Mailer(config).Send(SimpleMail()).ok);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(TlsModeIs(TlsMode::kImplicit), SniIs("localhost"))));
}

class NoTlsTest : public MailerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kNone;
    return options;
  }
};

// A server (or a man in the middle) that offers no STARTTLS must not get the
// message in plaintext.
TEST_F(NoTlsTest, RefusesServerWithoutStartTls) {
  const SendResult result = Mailer(Config()).Send(SimpleMail());
  EXPECT_FALSE(result.ok);
  EXPECT_THAT(result.error, Not(IsEmpty()));

  ASSERT_TRUE(AwaitSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
  EXPECT_THAT(server().Sessions(),
              ElementsAre(Not(TranscriptContains(StartsWith("MAIL FROM")))));
}

// A server whose certificate a verifying client must refuse, and the alert
// that client is expected to send. The mailer refuses; the server records the
// failed handshake with the client's reason.
struct BadCertificateCase {
  const char* name;
  CertificateProblem problem;
  const char* alert;  // in OpenSSL's reason text on the server's side
};
// Without it, GoogleTest would print the parameter as raw bytes.
void PrintTo(const BadCertificateCase& c, std::ostream* os) { *os << c.name; }

class BadCertificateTest
    : public MailerTest,
      public ::testing::WithParamInterface<BadCertificateCase> {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kStartTlsRequired;
    options.certificate_problem = GetParam().problem;
    return options;
  }
};

TEST_P(BadCertificateTest, MailerRefusesToSend) {
  const SendResult result = Mailer(Config()).Send(SimpleMail());
  EXPECT_FALSE(result.ok);
  EXPECT_THAT(result.error, HasSubstr("certificate"));

  ASSERT_TRUE(AwaitSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
  EXPECT_THAT(server().Sessions(),
              ElementsAre(HandshakeFailed(HasSubstr(GetParam().alert))));
}

INSTANTIATE_TEST_SUITE_P(
    Problems, BadCertificateTest,
    ::testing::Values(BadCertificateCase{"Expired",
                                         CertificateProblem::kExpired,
                                         "certificate expired"},
                      BadCertificateCase{"UnknownAuthority",
                                         CertificateProblem::kUnknownAuthority,
                                         "unknown ca"}),
    CaseName<BadCertificateCase>);

// One test, every TLS policy: what the mailer ends up negotiating.
struct TlsPolicyCase {
  const char* name;
  TlsPolicy policy;
  bool require_tls;  // the mailer's setting
  TlsMode expected;  // what the message must have arrived over
};
void PrintTo(const TlsPolicyCase& c, std::ostream* os) { *os << c.name; }

class TlsPolicyTest : public MailerTest,
                      public ::testing::WithParamInterface<TlsPolicyCase> {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = GetParam().policy;
    return options;
  }
};

TEST_P(TlsPolicyTest, NegotiatesTheStrongestOffered) {
  MailerConfig config = Config();
  config.require_tls = GetParam().require_tls;
  const SendResult result = Mailer(config).Send(SimpleMail());
  ASSERT_TRUE(result.ok) << result.error;

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(TlsModeIs(GetParam().expected),
                                HasSubject("Quarterly report"))));
}

INSTANTIATE_TEST_SUITE_P(
    Policies, TlsPolicyTest,
    ::testing::Values(
        // Without TLS on offer, only a mailer that does not insist sends.
        TlsPolicyCase{"None", TlsPolicy::kNone, false, TlsMode::kNone},
        // Opportunistic or not, the mailer upgrades when STARTTLS is offered.
        TlsPolicyCase{"StartTlsOptional", TlsPolicy::kStartTlsOptional, true,
                      TlsMode::kStartTls},
        TlsPolicyCase{"StartTlsOptionalTlsIfOffered",
                      TlsPolicy::kStartTlsOptional, false, TlsMode::kStartTls},
        TlsPolicyCase{"StartTlsRequired", TlsPolicy::kStartTlsRequired, true,
                      TlsMode::kStartTls},
        // smtps:// from server().Url(): TLS from the first byte.
        TlsPolicyCase{"Implicit", TlsPolicy::kImplicit, true,
                      TlsMode::kImplicit}),
    CaseName<TlsPolicyCase>);

// The same idea with the ready-made helper: one TEST_P, every TLS policy,
// one line to instantiate. An opportunistic mailer (require_tls = false) must
// deliver whatever the server offers, and use TLS whenever it can.
class EveryPolicyTest : public SmtpServerPolicyTest {};

TEST_P(EveryPolicyTest, OpportunisticMailerDeliversUnderEveryPolicy) {
  MailerConfig config;
  config.url = server().Url();
  config.ca_file = server().CaFile().string();
  config.require_tls = false;
  config.timeout_ms = static_cast<long>(ScaledTimeout(kTimeout).count());
  Mail mail;
  mail.from = "alice@example.com";
  mail.to = {"bob@example.com"};
  mail.subject = "Every policy";
  mail.text = "Hello";
  const SendResult result = Mailer(config).Send(mail);
  ASSERT_TRUE(result.ok) << result.error;

  const TlsMode expected = GetParam() == TlsPolicy::kNone ? TlsMode::kNone
                           : GetParam() == TlsPolicy::kImplicit
                               ? TlsMode::kImplicit
                               : TlsMode::kStartTls;
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(TlsModeIs(expected), HasSubject("Every policy"))));
}

SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_POLICIES(EveryPolicyTest);

// ---------------------------------------------------------------------------
// AUTH: credentials checked by the server, over STARTTLS.

class AuthTest : public MailerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kStartTlsRequired;
    options.auth.credentials = {{"alice", "correct horse"}};
    options.auth.required = true;
    return options;
  }

  MailerConfig ConfigWithPassword(const std::string& password) {
    MailerConfig config = Config();
    config.username = "alice";
    config.password = password;
    config.login_options = "AUTH=PLAIN";
    return config;
  }
};

TEST_F(AuthTest, AuthenticatesWithPlain) {
  const SendResult result =
      Mailer(ConfigWithPassword("correct horse")).Send(SimpleMail());
  ASSERT_TRUE(result.ok) << result.error;

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(AuthenticatedAs("alice"), AuthMechanismIs("PLAIN"),
                        TlsModeIs(TlsMode::kStartTls))));
}

TEST_F(AuthTest, ReportsWrongPassword) {
  const SendResult result =
      Mailer(ConfigWithPassword("battery staple")).Send(SimpleMail());
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.smtp_code, 535);

  ASSERT_TRUE(AwaitSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
  // The refused password went over TLS only.
  EXPECT_THAT(server().Sessions(),
              ElementsAre(AllOf(TlsModeIs(TlsMode::kStartTls),
                                TranscriptContains(StartsWith("535")))));
}

class OAuthTest : public MailerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kStartTlsRequired;
    options.auth.mechanisms = {"XOAUTH2"};
    options.auth.credentials = {{"alice", "ya29.access-token"}};
    return options;
  }
};

TEST_F(OAuthTest, AuthenticatesWithBearerToken) {
  MailerConfig config = Config();
  config.username = "alice";
  config.oauth_bearer = "ya29.access-token";
  const SendResult result = Mailer(config).Send(SimpleMail());
  ASSERT_TRUE(result.ok) << result.error;

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(AuthenticatedAs("alice"), AuthMechanismIs("XOAUTH2"))));
}

// ---------------------------------------------------------------------------
// Does the mailer insist on TLS? The server plays a network attacker on the
// STARTTLS upgrade (docs/attacks.md), one attack per test: the mailer told to
// require TLS must send nothing without it, and every session must show that
// it resisted.

class MailerUnderAttack : public SmtpTlsAttackTest {
 protected:
  ServerOptions BaseOptions() const override {
    ServerOptions options;
    options.auth.accept_any = true;       // the mailer logs in...
    options.auth.allow_plaintext = true;  // ... and AUTH is offered as a lure
    return options;
  }
  SendResult SendAs(bool require_tls) {
    MailerConfig config;
    config.url = server().Url();
    config.ca_file = server().CaFile().string();
    config.timeout_ms = static_cast<long>(ScaledTimeout(kTimeout).count());
    config.username = "alice";
    config.password = "secret";
    config.require_tls = require_tls;
    Mail mail;
    mail.from = "alice@example.com";
    mail.to = {"bob@example.com"};
    mail.subject = "Quarterly report";
    mail.text = "Numbers are up.";
    const SendResult result = Mailer(config).Send(mail);
    EXPECT_TRUE(server().WaitForSessionsClosed(server().Sessions().size(),
                                               ScaledTimeout(kTimeout)));
    return result;
  }
};

TEST_P(MailerUnderAttack, SendsNothingWithoutTls) {
  const SendResult result = SendAs(/*require_tls=*/true);
  EXPECT_FALSE(result.ok);  // libcurl >= 7.79 also refuses injected replies
  EXPECT_THAT(server().Messages(), Each(Not(TlsModeIs(TlsMode::kNone))));
  EXPECT_THAT(server().Sessions(), Each(ResistedTlsAttack()));
}

SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_ATTACKS(MailerUnderAttack);

// What a finding looks like: the same mailer, opportunistic
// (CURLUSESSL_TRY). Every attack that refuses or hides STARTTLS gets the
// password and the message in plaintext; the injection attacks and the
// implicit-port attack find nothing (libcurl refuses replies pipelined
// behind the 220, and smtps:// is TLS from the first byte).
class OpportunisticMailerUnderAttack : public MailerUnderAttack {};

TEST_P(OpportunisticMailerUnderAttack, IsCaughtByEveryFallbackAttack) {
  const SendResult result = SendAs(/*require_tls=*/false);
  const std::vector<Session> sessions = server().Sessions();
  switch (GetParam()) {
    case TlsAttack::kStripStartTls:
    case TlsAttack::kRefuseStartTls:
    case TlsAttack::kRejectStartTls:
    case TlsAttack::kStartTlsWrongReply:
    case TlsAttack::kRefuseEhlo:
      EXPECT_TRUE(result.ok) << result.error;
      EXPECT_THAT(sessions, Contains(HasViolation("insecure-plaintext-mail")));
      if (GetParam() != TlsAttack::kRefuseEhlo) {  // after HELO: no AUTH
        EXPECT_THAT(sessions,
                    Contains(HasViolation("insecure-plaintext-auth")));
      }
      EXPECT_THAT(sessions, Contains(Not(ResistedTlsAttack())));
      EXPECT_THAT(server().Messages(), Contains(TlsModeIs(TlsMode::kNone)));
      break;
    default:
      EXPECT_THAT(sessions, Each(ResistedTlsAttack()));
      break;
  }
}

SMTPFIXTURE_INSTANTIATE_FOR_ALL_TLS_ATTACKS(OpportunisticMailerUnderAttack);

}  // namespace
