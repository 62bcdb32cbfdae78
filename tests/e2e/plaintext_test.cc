// Plaintext SMTP with real clients: single and repeated messages, parallel
// connections, pipelining, dot-stuffing, SMTPUTF8, SIZE and DSN parameters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "smtpfixture/gtest.h"
#include "tests/e2e/e2e_client.h"

namespace smtpfixture::e2e {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

const char kMessage[] =
    "From: Ann <a@example.com>\r\n"
    "To: Bob <b@example.com>\r\n"
    "Subject: Plain hello\r\n"
    "\r\n"
    "Hello over plaintext\r\n";

// Lines that a naive client or server gets wrong: a leading dot, a line that
// is only a dot, and a line that already starts with two dots.
const char kDottedMessage[] =
    "Subject: dots\r\n"
    "\r\n"
    ".leading dot\r\n"
    ".\r\n"
    "..two dots\r\n"
    "last line\r\n";

const char kUtf8Message[] =
    "From: J\xC3\xB6rg <j\xC3\xB6rg@example.com>\r\n"
    "To: zo\xC3\xAB@example.com\r\n"
    "Subject: Gr\xC3\xBC\xC3\x9F"
    "e aus K\xC3\xB6ln\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Gr\xC3\xB6\xC3\x9F"
    "e: 10 m\xC2\xB2\r\n";
const char kUtf8Sender[] = "j\xC3\xB6rg@example.com";
const char kUtf8Recipient[] = "zo\xC3\xAB@example.com";

::testing::Matcher<const Parameter&> Param(const std::string& name,
                                           const std::string& value) {
  return AllOf(Field("name", &Parameter::name, name),
               Field("value", &Parameter::value, value));
}

// The reply codes in a raw_smtp.py transcript, one per reply (continuation
// lines "250-..." belong to the reply that ends with "250 ...").
std::vector<int> ReplyCodes(const KeyValues& output) {
  std::vector<int> codes;
  for (const std::string& line : output.All("reply")) {
    if (line.size() >= 4 && line[3] == '-') continue;
    codes.push_back(std::stoi(line.substr(0, 3)));
  }
  return codes;
}

class PlaintextTest : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kNone;
    return options;
  }
};

TEST_F(PlaintextTest, PythonSendsOneMessage) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--to", "b@example.com", "--to", "c@example.com"}, kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("sent"), "1");

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(
                  EnvelopeFrom("a@example.com"),
                  EnvelopeTo(ElementsAre("b@example.com", "c@example.com")),
                  HeloName("python.client.example"), TlsModeIs(TlsMode::kNone),
                  HasSubject("Plain hello"),
                  HasTextBody("Hello over plaintext\n"), HasData(kMessage))));
}

TEST_F(PlaintextTest, CurlSendsOneMessage) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl");
  const ProcessResult result = Curl(
      {server().Url(), "--mail-from", "a@example.com", "--mail-rcpt",
       "b@example.com", "--mail-rcpt", "c@example.com", "--upload-file", "-"},
      kMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(
                  EnvelopeFrom("a@example.com"),
                  EnvelopeTo(ElementsAre("b@example.com", "c@example.com")),
                  TlsModeIs(TlsMode::kNone), HasSubject("Plain hello"),
                  HasData(kMessage))));
}

TEST_F(PlaintextTest, LibcurlSendsOneMessage) {
  LibcurlRequest request;
  request.url = server().Url();
  request.message = kMessage;
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  ASSERT_EQ(result.code, CURLE_OK) << result.Describe();
  EXPECT_EQ(result.response_code, 250);

  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  EXPECT_THAT(messages,
              ElementsAre(AllOf(EnvelopeFrom("a@example.com"),
                                EnvelopeTo(ElementsAre("b@example.com")),
                                HasSubject("Plain hello"), HasData(kMessage))));
  // libcurl knows the size of what it uploads and says so (RFC 1870).
  EXPECT_THAT(messages[0].envelope().mail_parameters,
              Contains(Param("SIZE", std::to_string(sizeof kMessage - 1))));
}

TEST_F(PlaintextTest, SwaksSendsOneMessage) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks");
  const ProcessResult result =
      Swaks({"--from", "a@example.com", "--to", "b@example.com", "--ehlo",
             "swaks.example", "--h-Subject", "Hello from swaks", "--body",
             "swaks body"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(EnvelopeFrom("a@example.com"),
                                EnvelopeTo(ElementsAre("b@example.com")),
                                HeloName("swaks.example"),
                                HasSubject("Hello from swaks"),
                                HasTextBody(HasSubstr("swaks body")))));
}

TEST_F(PlaintextTest, PythonSendsFiftyMessagesOverOneConnection) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({"--count", "50"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("sent"), "50");

  ASSERT_TRUE(AwaitMessages(server(), 50));
  const std::vector<ReceivedMessage> messages = server().Messages();
  ASSERT_THAT(messages, SizeIs(50));
  for (std::size_t i = 0; i < messages.size(); ++i) {
    EXPECT_EQ(messages[i].Subject(), "message " + std::to_string(i));
    EXPECT_EQ(messages[i].session_id(), messages[0].session_id());
  }
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  EXPECT_EQ(sessions[0].messages, 50u);
}

TEST_F(PlaintextTest, PythonOnEightConnectionsInParallel) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--connections", "8", "--count", "3"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("sent"), "24");

  ASSERT_TRUE(AwaitMessages(server(), 24));
  ASSERT_TRUE(server().WaitForSessionsClosed(8));
  std::set<std::uint64_t> session_ids;
  for (const ReceivedMessage& message : server().Messages()) {
    session_ids.insert(message.session_id());
  }
  EXPECT_THAT(session_ids, SizeIs(8));
  EXPECT_THAT(server().Sessions(),
              Each(Field("messages", &Session::messages, 3u)));
}

TEST_F(PlaintextTest, LibcurlOnEightConnectionsInParallel) {
  std::vector<LibcurlRequest> requests(8);
  for (std::size_t i = 0; i < requests.size(); ++i) {
    requests[i].url = server().Url();
    requests[i].from = "sender" + std::to_string(i) + "@example.com";
  }
  const std::vector<LibcurlResult> results =
      SendWithLibcurl(requests, server().Port());
  for (const LibcurlResult& result : results) {
    EXPECT_EQ(result.code, CURLE_OK) << result.Describe();
  }

  ASSERT_TRUE(AwaitMessages(server(), 8));
  std::set<std::string> senders;
  std::set<std::uint64_t> session_ids;
  for (const ReceivedMessage& message : server().Messages()) {
    senders.insert(message.envelope().mail_from);
    session_ids.insert(message.session_id());
  }
  EXPECT_THAT(senders, SizeIs(8));
  EXPECT_THAT(session_ids, SizeIs(8));
}

TEST_F(PlaintextTest, PythonPipelinesAWholeDialogueInOneWrite) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const std::string dialogue =
      "EHLO pipeliner.example\r\n"
      "MAIL FROM:<p@example.com> RET=HDRS ENVID=pipe-1\r\n"
      "RCPT TO:<q@example.com> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;q@example.com"
      "\r\n"
      "RCPT TO:<r@example.com>\r\n"
      "DATA\r\n"
      "Subject: first\r\n\r\n..dot line\r\n.\r\n"
      "MAIL FROM:<p@example.com>\r\n"
      "RCPT TO:<q@example.com>\r\n"
      "DATA\r\n"
      "Subject: second\r\n\r\nbody\r\n.\r\n"
      "QUIT\r\n";
  const ProcessResult result = PythonRaw("pipeline", {}, dialogue);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  const KeyValues output(result.out);
  EXPECT_THAT(ReplyCodes(output), ElementsAre(220, 250, 250, 250, 250, 354, 250,
                                              250, 250, 354, 250, 221))
      << result.out;
  EXPECT_THAT(output.All("reply"), Contains("250-PIPELINING"));

  ASSERT_TRUE(AwaitMessages(server(), 2));
  const std::vector<ReceivedMessage> messages = server().Messages();
  EXPECT_THAT(
      messages,
      ElementsAre(
          AllOf(HasSubject("first"),
                HasData("Subject: first\r\n\r\n.dot line\r\n"),
                EnvelopeTo(ElementsAre("q@example.com", "r@example.com"))),
          AllOf(HasSubject("second"),
                EnvelopeTo(ElementsAre("q@example.com")))));
  // DSN parameters (RFC 3461) are recorded as sent.
  const Envelope& envelope = messages[0].envelope();
  EXPECT_THAT(envelope.mail_parameters,
              ElementsAre(Param("RET", "HDRS"), Param("ENVID", "pipe-1")));
  ASSERT_THAT(envelope.rcpt_parameters, SizeIs(2));
  EXPECT_THAT(envelope.rcpt_parameters[0],
              ElementsAre(Param("NOTIFY", "SUCCESS,DELAY"),
                          Param("ORCPT", "rfc822;q@example.com")));
  EXPECT_THAT(envelope.rcpt_parameters[1], IsEmpty());
}

TEST_F(PlaintextTest, SwaksPipelines) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("swaks");
  const ProcessResult result =
      Swaks({"--pipeline", "--from", "a@example.com", "--to",
             "b@example.com,c@example.com", "--h-Subject", "pipelined",
             "--body", "pipelined body"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  // swaks prints what it sends (" -> ") and receives ("<- "): with
  // PIPELINING it sends MAIL, both RCPTs and DATA before reading a reply.
  const std::size_t mail = result.out.find(" -> MAIL FROM:");
  ASSERT_NE(mail, std::string::npos) << result.out;
  const std::size_t data = result.out.find(" -> DATA", mail);
  ASSERT_NE(data, std::string::npos) << result.out;
  EXPECT_THAT(result.out.substr(mail, data - mail), Not(HasSubstr("<- ")))
      << result.out;

  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(
                  EnvelopeTo(ElementsAre("b@example.com", "c@example.com")),
                  HasSubject("pipelined"))));
}

TEST_F(PlaintextTest, PythonDotStuffingRoundTrips) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({}, kDottedMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(
                  HasData(kDottedMessage),
                  HasTextBody(".leading dot\n.\n..two dots\nlast line\n"))));
}

TEST_F(PlaintextTest, CurlDotStuffingRoundTrips) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl");
  const ProcessResult result =
      Curl({server().Url(), "--mail-from", "a@example.com", "--mail-rcpt",
            "b@example.com", "--upload-file", "-"},
           kDottedMessage);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();
  ASSERT_TRUE(AwaitMessages(server(), 1));
  EXPECT_THAT(server().Messages(),
              ElementsAre(AllOf(
                  HasData(kDottedMessage),
                  HasTextBody(".leading dot\n.\n..two dots\nlast line\n"))));
}

TEST_F(PlaintextTest, PythonSendsUtf8AddressesWithSmtpUtf8And8BitMime) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend(
      {"--from", kUtf8Sender, "--to", kUtf8Recipient, "--mail-option",
       "SMTPUTF8", "--mail-option", "BODY=8BITMIME"},
      kUtf8Message);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();

  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  EXPECT_THAT(messages,
              ElementsAre(AllOf(EnvelopeFrom(kUtf8Sender),
                                EnvelopeTo(ElementsAre(kUtf8Recipient)),
                                HasData(kUtf8Message),
                                HasSubject("Gr\xC3\xBC\xC3\x9F"
                                           "e aus K\xC3\xB6ln"),
                                HasTextBody("Gr\xC3\xB6\xC3\x9F"
                                            "e: 10 m\xC2\xB2\n"))));
  EXPECT_THAT(messages[0].envelope().mail_parameters,
              AllOf(Contains(Param("SMTPUTF8", "")),
                    Contains(Param("BODY", "8BITMIME"))));
  EXPECT_THAT(messages[0].violations(), IsEmpty());
}

TEST_F(PlaintextTest, CurlSendsUtf8AddressesWithSmtpUtf8) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl");
  const ProcessResult result =
      Curl({server().Url(), "--mail-from", kUtf8Sender, "--mail-rcpt",
            kUtf8Recipient, "--upload-file", "-"},
           kUtf8Message);
  ASSERT_EQ(result.exit_code, 0) << result.Describe();

  ASSERT_TRUE(AwaitMessages(server(), 1));
  const std::vector<ReceivedMessage> messages = server().Messages();
  EXPECT_THAT(messages,
              ElementsAre(AllOf(EnvelopeFrom(kUtf8Sender),
                                EnvelopeTo(ElementsAre(kUtf8Recipient)),
                                HasData(kUtf8Message),
                                HasSubject("Gr\xC3\xBC\xC3\x9F"
                                           "e aus K\xC3\xB6ln"))));
  // curl adds SMTPUTF8 by itself when an address needs it (RFC 6531 3.4).
  EXPECT_THAT(messages[0].envelope().mail_parameters,
              Contains(Param("SMTPUTF8", "")));
}

TEST_F(PlaintextTest, PythonSendsDsnParameters) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result =
      PythonSend({"--mail-option", "RET=FULL", "--mail-option",
                  "ENVID=QQ314159", "--rcpt-option", "NOTIFY=SUCCESS,FAILURE",
                  "--rcpt-option", "ORCPT=rfc822;b@example.com", "--to",
                  "b@example.com", "--to", "c@example.com"});
  ASSERT_EQ(result.exit_code, 0) << result.Describe();

  ASSERT_TRUE(AwaitMessages(server(), 1));
  const Envelope envelope = server().Messages()[0].envelope();
  EXPECT_THAT(envelope.mail_parameters,
              AllOf(Contains(Param("RET", "FULL")),
                    Contains(Param("ENVID", "QQ314159"))));
  // smtplib sends the same RCPT options with every recipient.
  EXPECT_THAT(envelope.rcpt_parameters,
              ElementsAre(ElementsAre(Param("NOTIFY", "SUCCESS,FAILURE"),
                                      Param("ORCPT", "rfc822;b@example.com")),
                          ElementsAre(Param("NOTIFY", "SUCCESS,FAILURE"),
                                      Param("ORCPT", "rfc822;b@example.com"))));
}

// A message of about 5 kB against a 1000-byte limit.
std::string BigMessage() {
  std::string message = "Subject: too big\r\n\r\n";
  while (message.size() < 5000) {
    message += "0123456789012345678901234567890123456789012345678\r\n";
  }
  return message;
}

class SizeLimitTest : public ClientTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kNone;
    options.limits.max_message_bytes = 1000;
    return options;
  }
};

TEST_F(SizeLimitTest, PythonDeclaresTheSizeAndGets552) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("python3");
  const ProcessResult result = PythonSend({}, BigMessage());
  EXPECT_EQ(result.exit_code, 1) << result.Describe();
  EXPECT_EQ(KeyValues(result.out).Get("code"), "552") << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
  EXPECT_THAT(server().Sessions(),
              ElementsAre(TranscriptContains(HasSubstr("250-SIZE 1000"))));
}

TEST_F(SizeLimitTest, CurlStreamingFromStdinGets552AfterTheData) {
  SMTPFIXTURE_REQUIRE_CAPABILITY("curl");
  // From stdin curl cannot know the size, so it sends no SIZE parameter and
  // the server refuses the message at its end.
  const ProcessResult result =
      Curl({server().Url(), "--mail-from", "a@example.com", "--mail-rcpt",
            "b@example.com", "--upload-file", "-"},
           BigMessage());
  EXPECT_NE(result.exit_code, 0) << result.Describe();
  EXPECT_THAT(result.err, HasSubstr("< 552")) << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

TEST_F(SizeLimitTest, LibcurlDeclaresTheSizeAndGets552) {
  LibcurlRequest request;
  request.url = server().Url();
  request.message = BigMessage();
  const LibcurlResult result = SendWithLibcurl(request, server().Port());
  EXPECT_NE(result.code, CURLE_OK) << result.Describe();
  EXPECT_EQ(result.response_code, 552) << result.Describe();
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  EXPECT_THAT(server().Messages(), IsEmpty());
}

}  // namespace
}  // namespace smtpfixture::e2e
