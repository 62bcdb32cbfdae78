// TLS with real clients: STARTTLS (optional and required), implicit TLS,
// refusing clients that never upgrade, protocol version limits, STARTTLS
// command injection (CVE-2011-0411), broken handshakes and client
// certificates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "smtpfixture/certs.h"
#include "smtpfixture/gtest.h"
#include "tests/e2e/e2e_client.h"
#include "tests/support/raw_client.h"

namespace smtpfixture::e2e {
namespace {

using ::smtpfixture::testing::RawClient;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

const char kMessage[] =
    "From: a@example.com\r\n"
    "To: b@example.com\r\n"
    "Subject: Secret hello\r\n"
    "\r\n"
    "Hello over TLS\r\n";

// What every verifying client negotiates with a default server here.
::testing::Matcher<const ReceivedMessage&> NegotiatedTls(TlsMode mode) {
  return AllOf(TlsModeIs(mode), TlsVersionIs("TLSv1.3"),
               CipherIs(StartsWith("TLS_")), SniIs("localhost"));
}

// The command lines of each client, shared by the STARTTLS and implicit
// fixtures.
std::vector<std::string> CurlArgs(const std::string& url,
                                  const std::string& ca_file) {
  return {url,
          "--cacert",
          ca_file,
          "--mail-from",
          "a@example.com",
          "--mail-rcpt",
          "b@example.com",
          "--upload-file",
          "-"};
}

// An SMTP dialogue for `openssl s_client -crlf`, which turns each "\n" into
// CRLF and sends everything as soon as the handshake is done.
const char kOpenSslDialogue[] =
    "EHLO openssl.example\n"
    "MAIL FROM:<a@example.com>\n"
    "RCPT TO:<b@example.com> NOTIFY=FAILURE\n"
    "DATA\n"
    "From: a@example.com\n"
    "To: b@example.com\n"
    "Subject: Secret hello\n"
    "\n"
    "Hello over TLS\n"
    ".\n"
    "QUIT\n";

// ---------------------------------------------------------------------------
// STARTTLS, offered and required: each client upgrades and verifies the
// server against server().CaFile().

class StartTlsTest : public ClientTest,
                     public ::testing::WithParamInterface<TlsPolicy> {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = GetParam();
    return options;
  }
};

INSTANTIATE_TEST_SUITE_P(
    Policies, StartTlsTest,
    ::testing::Values(TlsPolicy::kStartTlsOptional,
                      TlsPolicy::kStartTlsRequired),
    [](const ::testing::TestParamInfo<TlsPolicy>& param_info) {
      return param_info.param == TlsPolicy::kStartTlsOptional ? "Optional"
                                                              : "Required";
    });

TEST_P(StartTlsTest, Curl) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs(server().Url(), CaFile());
  args.push_back("--ssl-reqd");
  const ProcessResult result = Curl(args, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(NegotiatedTls(TlsMode::kStartTls),
                        HasSubject("Secret hello"), HasData(kMessage))));
}

TEST_P(StartTlsTest, Libcurl) {
  LibcurlRequest request;
  request.url = server().Url();
  request.ca_file = CaFile();
  request.use_ssl = CURLUSESSL_ALL;
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  ASSERT_EQ(result.code, CURLE_OK) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(NegotiatedTls(TlsMode::kStartTls),
                                HasSubject("libcurl"))));
}

TEST_P(StartTlsTest, Python) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--tls", "starttls"}, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("tls_version"), "TLSv1.3");
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(NegotiatedTls(TlsMode::kStartTls),
                        HeloName("python.client.example"), HasData(kMessage))));
  // The session starts over after STARTTLS and the new EHLO reply no longer
  // offers STARTTLS.
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  std::size_t offers = 0;
  for (const TranscriptLine& line : sessions[0].transcript) {
    if (line.direction == Direction::kServer &&
        line.text.find("STARTTLS") != std::string::npos &&
        line.text.rfind("250", 0) == 0) {
      ++offers;
    }
  }
  EXPECT_EQ(offers, 1u);
}

TEST_P(StartTlsTest, Swaks) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  const ProcessResult result =
      Swaks({"--tls", "--tls-verify", "--tls-ca-path", CaFile(), "--tls-sni",
             "localhost", "--from", "a@example.com", "--to", "b@example.com",
             "--h-Subject", "Secret hello", "--body", "Hello over TLS"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(NegotiatedTls(TlsMode::kStartTls),
                                HasSubject("Secret hello"))));
}

TEST_P(StartTlsTest, OpenSslClient) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("openssl");
  const ProcessResult result =
      OpenSslClient({"-starttls", "smtp", "-CAfile", CaFile(), "-servername",
                     "localhost", "-verify_return_error", "-crlf", "-quiet"},
                    kOpenSslDialogue);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.out, HasSubstr("221 ")) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  EXPECT_THAT(messages, ElementsAre(AllOf(NegotiatedTls(TlsMode::kStartTls),
                                          HeloName("openssl.example"),
                                          HasData(kMessage))));
  EXPECT_THAT(messages[0].envelope().rcpt_parameters,
              ElementsAre(ElementsAre(
                  AllOf(::testing::Field(&Parameter::name, "NOTIFY"),
                        ::testing::Field(&Parameter::value, "FAILURE")))));
}

// CVE-2011-0411: a command sent in the same segment as STARTTLS must be
// discarded, never answered (neither in plaintext nor after the handshake).
TEST_P(StartTlsTest, CommandsPipelinedAfterStartTlsAreDiscarded) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonRaw("starttls-injection");
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  const KeyValues output(result.out);
  EXPECT_THAT(output.Get("starttls"), StartsWith("220 ")) << result.out;
  // The first reply over TLS answers the EHLO sent over TLS, not the RSET.
  const std::vector<std::string> after_tls = output.All("after_tls");
  ASSERT_THAT(after_tls, Not(IsEmpty())) << result.out;
  EXPECT_THAT(after_tls.front(), StartsWith("250-localhost")) << result.out;
  EXPECT_THAT(after_tls, Not(Contains(HasSubstr("STARTTLS")))) << result.out;
  EXPECT_THAT(output.Get("quit"), StartsWith("221")) << result.out;

  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  EXPECT_THAT(sessions[0], TlsModeIs(TlsMode::kStartTls));
  // Whatever the session notes about the smuggled RSET, the server's next
  // line after its 220 answers the EHLO sent over TLS.
  const std::vector<TranscriptLine>& transcript = sessions[0].transcript;
  auto ready = std::find_if(transcript.begin(), transcript.end(),
                            [](const TranscriptLine& line) {
                              return line.direction == Direction::kServer &&
                                     line.text.rfind("220 2.0.0", 0) == 0;
                            });
  ASSERT_NE(ready, transcript.end());
  auto next =
      std::find_if(ready + 1, transcript.end(), [](const TranscriptLine& line) {
        return line.direction == Direction::kServer;
      });
  ASSERT_NE(next, transcript.end());
  EXPECT_THAT(next->text, StartsWith("250-localhost"));
  EXPECT_THAT(
      sessions[0].violations,
      Contains(::testing::Field(&Violation::code, "pipelined-after-starttls")));
}

// A client that closes after its ClientHello leaves a failed handshake.
TEST_P(StartTlsTest, ClientClosingMidHandshakeIsRecorded) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonRaw("abort-handshake", {"--starttls"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  EXPECT_THAT(server().Sessions(),
              ElementsAre(AllOf(
                  TlsModeIs(TlsMode::kStartTls),
                  HandshakeFailed(HasSubstr("closed during the TLS handshake")),
                  TranscriptContains(StartsWith("220 2.0.0")))));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

// ---------------------------------------------------------------------------
// Implicit TLS ("port 465"): the handshake comes first.

class ImplicitTlsTest : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kImplicit;
    return options;
  }
};

TEST_F(ImplicitTlsTest, Curl) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  ASSERT_THAT(server().Url(), StartsWith("smtps://"));
  const ProcessResult result =
      Curl(CurlArgs(server().Url(), CaFile()), kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(NegotiatedTls(TlsMode::kImplicit), HasData(kMessage))));
}

TEST_F(ImplicitTlsTest, Libcurl) {
  LibcurlRequest request;
  request.url = server().Url();
  request.ca_file = CaFile();
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  ASSERT_EQ(result.code, CURLE_OK) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(NegotiatedTls(TlsMode::kImplicit)));
}

TEST_F(ImplicitTlsTest, Python) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--tls", "implicit"}, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(NegotiatedTls(TlsMode::kImplicit), HasData(kMessage))));
}

TEST_F(ImplicitTlsTest, Swaks) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks-tls");
  const ProcessResult result =
      Swaks({"--tlsc", "--tls-verify", "--tls-ca-path", CaFile(), "--tls-sni",
             "localhost", "--from", "a@example.com", "--to", "b@example.com",
             "--h-Subject", "Secret hello"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(NegotiatedTls(TlsMode::kImplicit),
                                HasSubject("Secret hello"))));
}

TEST_F(ImplicitTlsTest, OpenSslClient) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("openssl");
  const ProcessResult result =
      OpenSslClient({"-CAfile", CaFile(), "-servername", "localhost",
                     "-verify_return_error", "-crlf", "-quiet"},
                    kOpenSslDialogue);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.out, HasSubstr("220 localhost")) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(NegotiatedTls(TlsMode::kImplicit), HasData(kMessage))));
}

// A plaintext client on an implicit-TLS port gets no SMTP reply at all.
TEST_F(ImplicitTlsTest, PlaintextClientGetsNoSmtpReply) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server().Port()));
  ASSERT_TRUE(client.Send("EHLO plaintext.example\r\n"));
  std::string rest;
  ASSERT_TRUE(client.WaitForClose(std::chrono::seconds(5), &rest));
  EXPECT_THAT(rest, Not(HasSubstr("220"))) << rest;
  EXPECT_THAT(rest, Not(HasSubstr("250"))) << rest;

  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  EXPECT_THAT(sessions[0], HandshakeFailed(Not(IsEmpty())));
  EXPECT_THAT(sessions[0].transcript, IsEmpty());
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(ImplicitTlsTest, ClientClosingMidHandshakeIsRecorded) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonRaw("abort-handshake");
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_NE(KeyValues(result.out).Get("client_hello_bytes"), "0");
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  EXPECT_THAT(
      server().Sessions(),
      ElementsAre(AllOf(
          TlsModeIs(TlsMode::kImplicit),
          HandshakeFailed(HasSubstr("closed during the TLS handshake")))));
}

// ---------------------------------------------------------------------------
// Required STARTTLS: a client that never upgrades is refused with 530, and a
// client that upgrades when it can succeeds.

class RequireStartTlsTest : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kStartTlsRequired;
    return options;
  }

  void ExpectRefusedWith530() {
    ASSERT_TRUE(server().WaitForSessionsClosed(1));
    EXPECT_THAT(server().Messages(), IsEmpty());
    EXPECT_THAT(server().Sessions(),
                ElementsAre(AllOf(
                    TlsModeIs(TlsMode::kNone),
                    TranscriptContains(
                        "530 5.7.0 Must issue a STARTTLS command first"))));
  }
};

TEST_F(RequireStartTlsTest, PythonWithoutStartTlsGets530) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({}, kMessage);
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  const KeyValues output(result.out);
  EXPECT_EQ(output.Get("error"), "SMTPSenderRefused") << result.out;
  EXPECT_EQ(output.Get("code"), "530") << result.out;
  ExpectRefusedWith530();
}

TEST_F(RequireStartTlsTest, CurlWithoutSslGets530) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl");
  // Without --ssl or --ssl-reqd curl never sends STARTTLS.
  const ProcessResult result =
      Curl(CurlArgs(server().Url(), CaFile()), kMessage);
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.err, HasSubstr("< 530")) << result.Describe();
  ExpectRefusedWith530();
}

TEST_F(RequireStartTlsTest, SwaksWithoutTlsGets530) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks");
  const ProcessResult result =
      Swaks({"--from", "a@example.com", "--to", "b@example.com"});
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.out, HasSubstr("530 5.7.0")) << result.Describe();
  ExpectRefusedWith530();
}

TEST_F(RequireStartTlsTest, CurlWithOpportunisticSslUpgrades) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs(server().Url(), CaFile());
  args.push_back("--ssl");  // STARTTLS if offered, plaintext otherwise
  const ProcessResult result = Curl(args, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(NegotiatedTls(TlsMode::kStartTls)));
}

// ---------------------------------------------------------------------------
// Protocol version limits.

class Tls12OnlyServerTest : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.max_tls_version = "TLSv1.2";
    return options;
  }
};

TEST_F(Tls12OnlyServerTest, CurlNegotiatesTls12) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs(server().Url(), CaFile());
  args.push_back("--ssl-reqd");
  const ProcessResult result = Curl(args, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(
                  TlsModeIs(TlsMode::kStartTls), TlsVersionIs("TLSv1.2"),
                  // TLS 1.2 suites have OpenSSL names.
                  CipherIs(AllOf(Not(IsEmpty()), Not(StartsWith("TLS_")))),
                  SniIs("localhost"))));
}

TEST_F(Tls12OnlyServerTest, PythonNegotiatesTls12) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--tls", "starttls"}, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("tls_version"), "TLSv1.2");
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(TlsModeIs(TlsMode::kStartTls),
                                TlsVersionIs("TLSv1.2"))));
}

class Tls13OnlyServerTest : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.min_tls_version = "TLSv1.3";
    return options;
  }

  void ExpectVersionRefused() {
    ASSERT_TRUE(server().WaitForSessionsClosed(1));
    EXPECT_THAT(server().Messages(), IsEmpty());
    EXPECT_THAT(
        server().Sessions(),
        ElementsAre(HandshakeFailed(HasSubstr("unsupported protocol"))));
  }
};

TEST_F(Tls13OnlyServerTest, CurlLimitedToTls12IsRefused) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs(server().Url(), CaFile());
  args.insert(args.end(), {"--ssl-reqd", "--tls-max", "1.2"});
  const ProcessResult result = Curl(args, kMessage);
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  ExpectVersionRefused();
}

TEST_F(Tls13OnlyServerTest, LibcurlLimitedToTls12IsRefused) {
  LibcurlRequest request;
  request.url = server().Url();
  request.ca_file = CaFile();
  request.use_ssl = CURLUSESSL_ALL;
  request.ssl_version = CURL_SSLVERSION_TLSv1_2 | CURL_SSLVERSION_MAX_TLSv1_2;
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  EXPECT_EQ(result.code, CURLE_SSL_CONNECT_ERROR) << result.Describe();
  ExpectVersionRefused();
}

TEST_F(Tls13OnlyServerTest, PythonLimitedToTls12IsRefused) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--tls", "starttls", "--tls-max", "TLSv1_2"}, kMessage);
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("error"), "SSLError") << result.out;
  ExpectVersionRefused();
}

// ---------------------------------------------------------------------------
// Client certificates: requested by the server, presented by the client,
// recorded by subject.

class ClientCertificateTest : public ClientTest {
 protected:
  ClientCertificateTest()
      : identity_(Certificates::ForThisRun().Leaf("client.example")),
        certificate_("client-cert.pem", identity_.certificate_chain_pem),
        key_("client-key.pem", identity_.private_key_pem) {}

  ServerOptions Options() const override {
    ServerOptions options;
    options.request_client_certificate = true;
    return options;
  }

  PemIdentity identity_;
  TempFile certificate_;
  TempFile key_;
};

TEST_F(ClientCertificateTest, PythonPresentsOne) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--tls", "starttls", "--cert", certificate_.path(), "--key",
                  key_.path()},
                 kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0].tls().client_certificate_subject,
              HasSubstr("client.example"));
}

TEST_F(ClientCertificateTest, CurlPresentsOne) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl-tls");
  std::vector<std::string> args = CurlArgs(server().Url(), CaFile());
  args.insert(args.end(), {"--ssl-reqd", "--cert", certificate_.path(), "--key",
                           key_.path()});
  const ProcessResult result = Curl(args, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  EXPECT_THAT(sessions[0].tls.client_certificate_subject,
              HasSubstr("client.example"));
  EXPECT_EQ(server().Messages()[0].tls().client_certificate_subject,
            sessions[0].tls.client_certificate_subject);
}

TEST_F(ClientCertificateTest, ClientWithoutOneIsStillServed) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--tls", "starttls"}, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_THAT(messages[0], TlsModeIs(TlsMode::kStartTls));
  EXPECT_THAT(messages[0].tls().client_certificate_subject, IsEmpty());
}

}  // namespace
}  // namespace smtpfixture::e2e
