// TLS edge cases of the whole server that no well-behaved client produces:
// a client that vanishes without close_notify after its 250, a client that
// stalls mid-handshake, and one that aborts the handshake. Each must be
// recorded, and none may lose an acknowledged message or hang the server.
// Also what STARTTLS makes the server forget (RFC 3207 4.2).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <string>

#include "fixture/net/test_hooks.h"
#include "fixture/tls/tls_context.h"
#include "smtpfixture/gtest.h"
#include "tests/support/raw_client.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// A verifying TLS client over a RawClient's socket, blocking.
class TlsClient {
 public:
  explicit TlsClient(const std::filesystem::path& ca_file)
      : context_(SSL_CTX_new(TLS_client_method())) {
    SSL_CTX_load_verify_locations(context_, ca_file.c_str(), nullptr);
    SSL_CTX_set_verify(context_, SSL_VERIFY_PEER, nullptr);
  }
  ~TlsClient() {
    if (ssl_) SSL_free(ssl_);
    SSL_CTX_free(context_);
  }
  bool Handshake(int fd) {
    ssl_ = SSL_new(context_);
    SSL_set_fd(ssl_, fd);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    SSL_set1_host(ssl_, "localhost");
    return SSL_connect(ssl_) == 1;
  }
  void Send(const std::string& text) {
    SSL_write(ssl_, text.data(), static_cast<int>(text.size()));
  }
  // Encrypts `text` into memory instead of the socket, then sends those
  // records and `garbage` to `fd` in one write. The client cannot write
  // again afterwards; it can still read.
  bool SendFollowedBy(const std::string& text, const std::string& garbage,
                      int fd) {
    BIO* memory = BIO_new(BIO_s_mem());
    SSL_set0_wbio(ssl_, memory);  // the socket BIO stays the read side
    if (SSL_write(ssl_, text.data(), static_cast<int>(text.size())) <= 0) {
      return false;
    }
    char* data = nullptr;
    const long size = BIO_get_mem_data(memory, &data);
    std::string bytes(data, static_cast<std::size_t>(size));
    bytes += garbage;
    return send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }
  // The next reply's first line, or "" at EOF.
  std::string Reply() {
    for (;;) {
      const std::size_t end = buffer_.find("\r\n");
      if (end != std::string::npos) {
        std::string line = buffer_.substr(0, end);
        buffer_.erase(0, end + 2);
        if (line.size() >= 4 && line[3] == '-') continue;
        return line;
      }
      char chunk[4096];
      const int n = SSL_read(ssl_, chunk, sizeof chunk);
      if (n <= 0) return "";
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  SSL_CTX* context_;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

class ImplicitTlsTest : public SmtpServerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kImplicit;
    // Short, so that the stall test is quick; scaled, so that a slow
    // (sanitizer) build still completes handshakes in time.
    options.limits.idle_timeout = ScaledTimeout(std::chrono::milliseconds(500));
    return options;
  }
};

TEST_F(ImplicitTlsTest, VanishingWithoutCloseNotifyLosesNothing) {
  RawClient socket;
  ASSERT_TRUE(socket.Connect(server().Port()));
  TlsClient tls(server().CaFile());
  ASSERT_TRUE(tls.Handshake(socket.fd()));
  EXPECT_THAT(tls.Reply(), StartsWith("220 "));
  tls.Send("EHLO vanisher\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("354"));
  tls.Send("Subject: kept\r\n\r\nbody\r\n.\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("250 2.0.0 Ok: queued as"));
  socket.Close();  // no QUIT, no close_notify

  ASSERT_TRUE(server().WaitForSessionsClosed(
      1, ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(
      server().Messages(),
      ElementsAre(AllOf(HasSubject("kept"), TlsModeIs(TlsMode::kImplicit))));
  const Session session = server().Sessions()[0];
  EXPECT_TRUE(session.closed);
  EXPECT_EQ(session.tls_error, "");  // not an error after a handshake
}

TEST_F(ImplicitTlsTest, StallingMidHandshakeIsBoundedByTheIdleTimeout) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server().Port()));
  // The first bytes of a TLS record header, then nothing.
  ASSERT_TRUE(client.Send(std::string("\x16\x03\x01", 3)));
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(5)));
  ASSERT_TRUE(server().WaitForSessionsClosed(
      1, ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(server().Sessions(),
              ElementsAre(HandshakeFailed(HasSubstr("timed out"))));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(ImplicitTlsTest, ClosingMidHandshakeIsRecorded) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server().Port()));
  ASSERT_TRUE(client.Send(std::string("\x16\x03\x01\x00", 4)));
  client.Close();
  ASSERT_TRUE(server().WaitForSessionsClosed(
      1, ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(server().Sessions(), ElementsAre(HandshakeFailed(HasSubstr(
                                       "closed during the TLS handshake"))));
}

// A port probe (connect, close, not a byte sent) began no handshake: API.md
// says tls_error stays empty then (issue 9, 2.11). A partial ClientHello did
// begin one.
TEST_F(ImplicitTlsTest, APortProbeIsNotAHandshakeFailure) {
  RawClient probe;
  ASSERT_TRUE(probe.Connect(server().Port()));
  probe.Close();
  RawClient partial;
  ASSERT_TRUE(partial.Connect(server().Port()));
  ASSERT_TRUE(partial.Send(std::string("\x16\x03\x01\x00", 4)));
  partial.Close();
  ASSERT_TRUE(server().WaitForSessionsClosed(
      2, ScaledTimeout(std::chrono::seconds(5))));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(2));
  EXPECT_EQ(sessions[0].tls_error, "");
  EXPECT_THAT(sessions[1].tls_error,
              HasSubstr("closed during the TLS handshake"));
}

TEST_F(ImplicitTlsTest, PlaintextClientGetsNoSmtpReply) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server().Port()));
  ASSERT_TRUE(client.Send("EHLO plaintext\r\n"));
  std::string rest;
  EXPECT_TRUE(client.WaitForClose(std::chrono::seconds(5), &rest));
  EXPECT_THAT(rest, Not(HasSubstr("220")));
  ASSERT_TRUE(server().WaitForSessionsClosed(
      1, ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(
      server().Sessions(),
      ElementsAre(AllOf(HandshakeFailed(HasSubstr("wrong version number")),
                        Not(TranscriptContains(HasSubstr("EHLO"))))));
}

// The record that ends a message and a broken record arrive in one read:
// the message is stored and its 250 is sent before the connection fails
// (issue 9, 2.8).
TEST_F(ImplicitTlsTest, AMessageBeforeABrokenRecordIsAcknowledged) {
  RawClient socket;
  ASSERT_TRUE(socket.Connect(server().Port()));
  TlsClient tls(server().CaFile());
  ASSERT_TRUE(tls.Handshake(socket.fd()));
  EXPECT_THAT(tls.Reply(), StartsWith("220 "));
  tls.Send("EHLO breaker\r\nMAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("354"));
  // An application-data record header with 32 bytes that decrypt to
  // nothing: the record's authentication fails.
  const std::string broken =
      std::string("\x17\x03\x03\x00\x20", 5) + std::string(32, '\x5a');
  ASSERT_TRUE(tls.SendFollowedBy(
      "Subject: before the break\r\n\r\nbody\r\n.\r\n", broken, socket.fd()));
  EXPECT_THAT(tls.Reply(), StartsWith("250 2.0.0 Ok: queued as"));
  ASSERT_TRUE(server().WaitForSessionsClosed(
      1, ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(server().Messages(), ElementsAre(HasSubject("before the break")));
  EXPECT_THAT(
      server().Sessions(),
      ElementsAre(::testing::Field(
          &Session::transcript,
          ::testing::Contains(::testing::Field(
              &TranscriptLine::text, StartsWith("250 2.0.0 Ok: queued as"))))));
}

// Servers with equal options share one SSL_CTX (building one costs
// milliseconds), which lives while some server uses it: once the last stops,
// its private key is freed, not pinned for the process (issue 9, 2.9).
TEST(SharedTlsContextTest, LivesWhileAServerUsesIt) {
  ServerOptions options;
  options.tls = TlsPolicy::kStartTlsOptional;
  options.hostname = "shared-context.test";  // a key no other test uses
  const std::size_t before = detail::LiveSharedTlsContexts();
  Server first(options);
  Server second(options);
  first.Start();
  second.Start();
  EXPECT_EQ(detail::LiveSharedTlsContexts(), before + 1);
  first.Stop();
  EXPECT_EQ(detail::LiveSharedTlsContexts(), before + 1);
  second.Stop();
  EXPECT_EQ(detail::LiveSharedTlsContexts(), before);
  EXPECT_EQ(before, 0u) << "a stopped server's context is still alive";
}

// An exception inside a libuv callback (here: OpenSSL cannot allocate a TLS
// channel, thrown from the accept callback on an implicit-TLS port and from
// the read callback after STARTTLS) closes that connection, is recorded on
// its session, and the server goes on serving (issue 9, 2.3).
TEST(TlsInternalErrorTest, AChannelThatCannotBeMadeClosesOnlyItsConnection) {
  ServerOptions options;
  options.tls = TlsPolicy::kImplicit;
  Server server(options);
  server.Start();
  detail::test_hooks.fail_tls_channels = 1;
  RawClient failed;
  ASSERT_TRUE(failed.Connect(server.Port()));
  EXPECT_TRUE(failed.WaitForClose(ScaledTimeout(std::chrono::seconds(5))));

  RawClient served;
  ASSERT_TRUE(served.Connect(server.Port()));
  TlsClient tls(server.CaFile());
  ASSERT_TRUE(tls.Handshake(served.fd()));
  EXPECT_THAT(tls.Reply(), StartsWith("220 "));
  served.Close();
  ASSERT_TRUE(
      server.WaitForSessionsClosed(2, ScaledTimeout(std::chrono::seconds(5))));
  const std::vector<Session> sessions = server.Sessions();
  ASSERT_THAT(sessions, SizeIs(2));
  EXPECT_THAT(sessions[0].errors,
              ElementsAre(AllOf(HasSubstr("internal error accepting a client"),
                                HasSubstr("TLS channel: out of memory"))));
  EXPECT_THAT(sessions[1].errors, IsEmpty());
  EXPECT_THAT(server.Errors(), IsEmpty());
}

TEST(TlsInternalErrorTest, AChannelThatCannotBeMadeAfterStartTls) {
  ServerOptions options;
  options.tls = TlsPolicy::kStartTlsOptional;
  Server server(options);
  server.Start();
  detail::test_hooks.fail_tls_channels = 1;
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  ASSERT_EQ(client.ReadCode(), 220);
  ASSERT_THAT(client.Command("EHLO a"), ::testing::Optional(StartsWith("250")));
  EXPECT_THAT(client.Command("STARTTLS"),
              ::testing::Optional(StartsWith("220")));
  EXPECT_TRUE(client.WaitForClose(ScaledTimeout(std::chrono::seconds(5))));
  ASSERT_TRUE(
      server.WaitForSessionsClosed(1, ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(server.Sessions(),
              ElementsAre(::testing::Field(
                  &Session::errors,
                  ElementsAre(AllOf(HasSubstr("internal error reading"),
                                    HasSubstr("TLS channel"))))));
}

class PlaintextAuthThenStartTlsTest : public SmtpServerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kStartTlsOptional;
    options.auth.credentials = {{"alice", "secret"}, {"bob", "hunter2"}};
    options.auth.allow_plaintext = true;
    return options;
  }
};

// RFC 3207 4.2: after STARTTLS the server forgets a plaintext AUTH, and so
// does the Session record; a message sent over TLS without a new AUTH has no
// identity, and a new AUTH is recorded as itself.
TEST_F(PlaintextAuthThenStartTlsTest, StartTlsForgetsTheIdentityOnTheSession) {
  RawClient socket;
  ASSERT_TRUE(socket.Connect(server().Port()));
  ASSERT_EQ(socket.ReadCode(), 220);
  ASSERT_EQ(socket.Command("EHLO plain").value_or("").substr(0, 3), "250");
  // "\0alice\0secret"
  EXPECT_THAT(socket.Command("AUTH PLAIN AGFsaWNlAHNlY3JldA==").value_or(""),
              StartsWith("235 "));
  ASSERT_THAT(server().Sessions(), SizeIs(1));
  ASSERT_TRUE(server().Sessions()[0].auth.has_value());
  EXPECT_EQ(server().Sessions()[0].auth->username, "alice");

  EXPECT_THAT(socket.Command("STARTTLS").value_or(""), StartsWith("220 "));
  TlsClient tls(server().CaFile());
  ASSERT_TRUE(tls.Handshake(socket.fd()));
  // The server has processed the handshake once it answers over TLS.
  tls.Send("EHLO secure\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("250 "));
  ASSERT_THAT(server().Sessions(), SizeIs(1));
  EXPECT_FALSE(server().Sessions()[0].auth.has_value());

  tls.Send("MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("250"));
  EXPECT_THAT(tls.Reply(), StartsWith("354"));
  tls.Send("Subject: anonymous\r\n\r\nbody\r\n.\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("250 2.0.0 Ok"));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(1));
  EXPECT_FALSE(messages[0].auth().has_value());

  // "\0bob\0hunter2"
  tls.Send("AUTH PLAIN AGJvYgBodW50ZXIy\r\n");
  EXPECT_THAT(tls.Reply(), StartsWith("235 "));
  ASSERT_THAT(server().Sessions(), SizeIs(1));
  ASSERT_TRUE(server().Sessions()[0].auth.has_value());
  EXPECT_EQ(server().Sessions()[0].auth->username, "bob");
}

}  // namespace
}  // namespace smtpfixture
