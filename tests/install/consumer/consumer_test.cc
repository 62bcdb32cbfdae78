// The smallest real use: a raw SMTP client sends one message to the fixture
// and the test asserts on it with the matchers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <smtpfixture/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

using ::testing::AllOf;
using ::testing::ElementsAre;

namespace {

class ConsumerTest : public smtpfixture::SmtpServerTest {
 protected:
  smtpfixture::ServerOptions Options() const override {
    smtpfixture::ServerOptions options;
    options.tls = smtpfixture::TlsPolicy::kNone;
    return options;
  }
};

TEST_F(ConsumerTest, ReceivesAMessage) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server().Port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address),
            0);
  const std::string dialogue =
      "EHLO consumer\r\nMAIL FROM:<a@example.com>\r\n"
      "RCPT TO:<b@example.com>\r\nDATA\r\n"
      "Subject: installed\r\n\r\nhello\r\n.\r\nQUIT\r\n";
  ASSERT_EQ(write(fd, dialogue.data(), dialogue.size()),
            static_cast<ssize_t>(dialogue.size()));
  char buffer[4096];
  while (read(fd, buffer, sizeof buffer) > 0) {
  }
  close(fd);

  ASSERT_TRUE(smtpfixture::AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(smtpfixture::EnvelopeFrom("a@example.com"),
                                smtpfixture::HasSubject("installed"))));
}

}  // namespace
