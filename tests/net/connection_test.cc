// One connection's lifecycle under hostile or unlucky conditions, over real
// sockets: a client that streams while its replies are held, failures
// injected inside the loop's callbacks, descriptors running out.
#include "fixture/net/connection.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "fixture/net/test_hooks.h"
#include "smtpfixture/gtest.h"
#include "smtpfixture/server.h"
#include "tests/support/raw_client.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;

ServerOptions Plain() {
  ServerOptions options;
  options.tls = TlsPolicy::kNone;
  return options;
}

// A client streams ~30 MiB of NOOPs while the reply to its EHLO is held for
// 2 s. The server must stop reading rather than queue everything it is sent
// (issue 9, 2.1), and then answer every command, in order.
TEST(ConnectionTest, StreamingDuringADelayIsNotQueuedWithoutBound) {
  Server server(Plain());
  server.Faults().At(Stage::kHelo).Delay(std::chrono::seconds(2)).Times(1);
  server.Start();
  detail::test_hooks.max_pending_actions = 0;

  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  ASSERT_EQ(client.ReadCode(), 220);
  // Long commands keep the count (and the test's time) small for the bytes.
  const std::string noop = "NOOP " + std::string(393, 'x') + "\r\n";
  constexpr std::size_t kPerBatch = 1000;
  constexpr std::size_t kBatches = 80;  // 80 * 1000 * 400 bytes: 30.5 MiB
  std::string batch;
  for (std::size_t i = 0; i < kPerBatch; ++i) batch += noop;
  std::thread writer([&] {
    client.Send("EHLO streamer\r\n");
    for (std::size_t i = 0; i < kBatches; ++i) {
      if (!client.Send(batch)) return;
    }
    client.Send("QUIT\r\n");
  });

  const auto timeout = ScaledTimeout(std::chrono::seconds(10));
  EXPECT_THAT(client.ReadReply(timeout),
              ::testing::Optional(StartsWith("250")));
  std::size_t answered = 0;
  for (; answered < kPerBatch * kBatches; ++answered) {
    const std::optional<std::string> line = client.ReadLine(timeout);
    if (line != "250 2.0.0 Ok") {
      ADD_FAILURE() << "reply " << answered << ": "
                    << line.value_or("(none: timeout or EOF)");
      break;
    }
  }
  EXPECT_EQ(answered, kPerBatch * kBatches);
  EXPECT_THAT(client.ReadReply(timeout),
              ::testing::Optional(StartsWith("221")));
  client.Close();
  writer.join();
  // Held: at most what one read brought in (64 KiB, 164 of these commands, a
  // few actions each). Without the pause it is every command streamed during
  // the delay, tens of thousands.
  EXPECT_LT(detail::test_hooks.max_pending_actions.load(), 2000u);
}

TEST(ConnectionTest, ABurstOfPipelinedCommandsLeavesNoLargeVectorBehind) {
  Server server(Plain());
  server.Start();
  detail::test_hooks.max_spare_actions = 0;
  detail::test_hooks.max_pending_actions = 0;
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  ASSERT_EQ(client.ReadCode(), 220);
  // 3,000 commands in one write: reads of thousands of actions each.
  std::string burst = "EHLO burst\r\n";
  for (int i = 0; i < 3000; ++i) burst += "NOOP\r\n";
  ASSERT_TRUE(client.Send(burst));
  const auto timeout = ScaledTimeout(std::chrono::seconds(10));
  ASSERT_THAT(client.ReadReply(timeout),
              ::testing::Optional(StartsWith("250")));
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(client.ReadLine(timeout), "250 2.0.0 Ok") << "reply " << i;
  }
  // The vector kept for the next read stays small; a read did carry many.
  EXPECT_LE(detail::test_hooks.max_spare_actions.load(), 64u);
  EXPECT_GT(detail::test_hooks.max_pending_actions.load(), 64u);
}

// Holds every free descriptor of the process (under a lowered soft limit, so
// that filling the table stays cheap) until Release().
class DescriptorHog {
 public:
  bool Fill() {
    if (getrlimit(RLIMIT_NOFILE, &saved_) != 0) return false;
    rlimit lowered = saved_;
    lowered.rlim_cur = std::min<rlim_t>(saved_.rlim_cur, 512);
    if (setrlimit(RLIMIT_NOFILE, &lowered) != 0) return false;
    lowered_ = true;
    // Not dup(0): a test runner may start us with stdin closed.
    const int source = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (source < 0) return false;
    held_.push_back(source);
    for (;;) {
      const int fd = dup(source);
      if (fd < 0) return errno == EMFILE;
      held_.push_back(fd);
    }
  }
  void Release() {
    for (int fd : held_) close(fd);
    held_.clear();
    if (lowered_) setrlimit(RLIMIT_NOFILE, &saved_);
    lowered_ = false;
  }
  ~DescriptorHog() { Release(); }

 private:
  rlimit saved_{};
  bool lowered_ = false;
  std::vector<int> held_;
};

// The process runs out of descriptors (the mailer under test shares them):
// the client that could not be accepted is dropped, and the server says so
// in Errors() (issue 9, 2.4); once descriptors are free it serves again.
TEST(ConnectionTest, RunningOutOfDescriptorsIsRecordedAndSurvived) {
  Server server(Plain());
  server.Start();
  // The client's socket is made first: connecting needs no new descriptor.
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(server.Port());
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  DescriptorHog hog;
  ASSERT_TRUE(hog.Fill());
  const int connected =
      connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  const int connect_errno = errno;
  // The server cannot accept: it drops the client, which sees the end.
  pollfd waiting{fd, POLLIN, 0};
  const int ready =
      poll(&waiting, 1,
           static_cast<int>(ScaledTimeout(std::chrono::seconds(5)).count()));
  char byte = 0;
  const ssize_t got = ready == 1 ? recv(fd, &byte, 1, 0) : -2;
  hog.Release();
  close(fd);
  ASSERT_EQ(connected, 0) << strerror(connect_errno);
  EXPECT_EQ(ready, 1);
  EXPECT_LE(got, 0) << "the client was greeted though no descriptor was free";

  EXPECT_THAT(server.Errors(),
              ElementsAre(AllOf(HasSubstr("too many open files"),
                                HasSubstr("a client was dropped"))));
  EXPECT_THAT(server.Sessions(), IsEmpty());
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  EXPECT_EQ(client.ReadCode(), 220);
  const auto started = std::chrono::steady_clock::now();
  server.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started,
            std::chrono::seconds(1));
}

// std::thread failing (EAGAIN: no threads left) inside Start() leaves no
// libuv state behind: Start() throws Error, and a second Start() works
// (issue 9, 2.10).
TEST(ConnectionTest, AFailedThreadStartCanBeRetried) {
  Server server(Plain());
  detail::test_hooks.fail_thread_starts = 1;
  try {
    server.Start();
    ADD_FAILURE() << "Start() returned though its thread did not start";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("cannot start the server's thread"));
  } catch (const std::exception& e) {
    ADD_FAILURE() << "Start() threw something other than Error: " << e.what();
  }
  detail::test_hooks.fail_thread_starts = 0;
  EXPECT_FALSE(server.IsRunning());
  ASSERT_NO_THROW(server.Start());
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  EXPECT_EQ(client.ReadCode(), 220);
  server.Stop();
}

// The transcript is stored before the bytes it records are written (issue
// 16.10): a reply the client has read is in Sessions() at once. The replies
// written early (the 221 of QUIT, STARTTLS's 220) used to skip the batch, and
// about 1% of these dialogues found Sessions() without the 221.
bool HasLineStartingWith(const Session& session, const std::string& prefix) {
  return std::any_of(session.transcript.begin(), session.transcript.end(),
                     [&](const TranscriptLine& line) {
                       return line.direction == Direction::kServer &&
                              line.text.rfind(prefix, 0) == 0;
                     });
}

constexpr int kOrderingRounds = 300;

TEST(ConnectionTest, TheQuitReplyIsInSessionsOnceTheClientHasReadIt) {
  Server server(Plain());
  server.Start();
  for (int round = 0; round < kOrderingRounds; ++round) {
    RawClient client;
    ASSERT_TRUE(client.Connect(server.Port()));
    ASSERT_EQ(client.ReadCode(), 220);
    ASSERT_TRUE(client.Send("QUIT\r\n"));
    ASSERT_EQ(client.ReadCode(), 221);
    const std::vector<Session> sessions = server.Sessions();
    ASSERT_EQ(sessions.size(), static_cast<std::size_t>(round + 1));
    ASSERT_TRUE(HasLineStartingWith(sessions.back(), "221 "))
        << "round " << round << ": the client has its 221, Sessions() not";
  }
}

TEST(ConnectionTest, TheStartTlsReplyIsInSessionsOnceTheClientHasReadIt) {
  ServerOptions options;
  options.tls = TlsPolicy::kStartTlsOptional;
  Server server(options);
  server.Start();
  for (int round = 0; round < kOrderingRounds; ++round) {
    RawClient client;
    ASSERT_TRUE(client.Connect(server.Port()));
    ASSERT_EQ(client.ReadCode(), 220);
    ASSERT_THAT(client.Command("EHLO ordering"),
                ::testing::Optional(StartsWith("250")));
    ASSERT_TRUE(client.Send("STARTTLS\r\n"));
    ASSERT_EQ(client.ReadCode(), 220);
    const std::vector<Session> sessions = server.Sessions();
    ASSERT_EQ(sessions.size(), static_cast<std::size_t>(round + 1));
    ASSERT_TRUE(HasLineStartingWith(sessions.back(), "220 2.0.0"))
        << "round " << round << ": the client has its 220, Sessions() not";
  }
}

// Replies written before a delay (the NOOP's 250, ahead of a delayed RSET)
// are in Sessions() once the client has them.
TEST(ConnectionTest, AReplyBeforeADelayIsInSessionsOnceTheClientHasReadIt) {
  Server server(Plain());
  server.Faults().At(Stage::kRset).Delay(std::chrono::milliseconds(2));
  server.Start();
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  ASSERT_EQ(client.ReadCode(), 220);
  ASSERT_THAT(client.Command("EHLO ordering"),
              ::testing::Optional(StartsWith("250")));
  for (int round = 0; round < kOrderingRounds; ++round) {
    ASSERT_TRUE(client.Send("NOOP\r\nRSET\r\n"));
    ASSERT_EQ(client.ReadCode(), 250);  // the NOOP's, written before the delay
    const std::vector<Session> sessions = server.Sessions();
    ASSERT_EQ(sessions.size(), 1u);
    const auto ok = std::count_if(
        sessions[0].transcript.begin(), sessions[0].transcript.end(),
        [](const TranscriptLine& line) {
          return line.direction == Direction::kServer &&
                 line.text == "250 2.0.0 Ok";
        });
    ASSERT_GE(ok, 2 * round + 1)
        << "round " << round << ": the client has its 250, Sessions() not";
    ASSERT_EQ(client.ReadCode(), 250);  // the RSET's
  }
}

// A message that became visible comes with its session's "250 ... queued as
// N" (issue 16.10: missing in 2-5% of messages).
TEST(ConnectionTest, AVisibleMessageHasItsQueuedLineInTheTranscript) {
  Server server(Plain());
  server.Start();
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  ASSERT_EQ(client.ReadCode(), 220);
  ASSERT_THAT(client.Command("EHLO ordering"),
              ::testing::Optional(StartsWith("250")));
  const auto timeout = ScaledTimeout(std::chrono::seconds(10));
  for (int round = 0; round < kOrderingRounds; ++round) {
    // Pipelined: the test waits on the store, not on the client's 250.
    ASSERT_TRUE(
        client.Send("MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n"
                    "DATA\r\n"));
    ASSERT_EQ(client.ReadCode(), 250);
    ASSERT_EQ(client.ReadCode(), 250);
    ASSERT_EQ(client.ReadCode(), 354);
    ASSERT_TRUE(client.Send("Subject: x\r\n\r\nbody\r\n.\r\n"));
    ASSERT_TRUE(
        server.WaitForMessages(static_cast<std::size_t>(round + 1), timeout));
    const std::vector<ReceivedMessage> messages = server.Messages();
    const std::vector<Session> sessions = server.Sessions();
    ASSERT_EQ(messages.size(), static_cast<std::size_t>(round + 1));
    ASSERT_EQ(sessions.size(), 1u);
    const std::string queued =
        "Ok: queued as " + std::to_string(messages.back().id());
    ASSERT_TRUE(std::any_of(
        sessions[0].transcript.begin(), sessions[0].transcript.end(),
        [&](const TranscriptLine& line) {
          return line.text.find(queued) != std::string::npos;
        }))
        << "round " << round << ": message visible without \"" << queued
        << "\" in its session's transcript";
    ASSERT_EQ(client.ReadCode(), 250);
  }
}

// A libuv call that fails while Start() sets the listener up: Start() throws
// naming it, and leaves nothing behind (a second Start() serves). Before,
// a failed uv_poll_start left a running server that never accepted.
class StartFailureTest : public ::testing::TestWithParam<const char*> {};

TEST_P(StartFailureTest, StartThrowsNamingTheCall) {
  Server server(Plain());
  detail::test_hooks.fail_uv_call = GetParam();
  try {
    server.Start();
    ADD_FAILURE() << "Start() returned though " << GetParam() << " failed";
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), AllOf(HasSubstr("cannot start the server"),
                                HasSubstr(GetParam())));
  }
  detail::test_hooks.fail_uv_call = nullptr;
  EXPECT_FALSE(server.IsRunning());
  ASSERT_NO_THROW(server.Start());
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  EXPECT_EQ(client.ReadCode(), 220);
}

INSTANTIATE_TEST_SUITE_P(ConnectionTest, StartFailureTest,
                         ::testing::Values("uv_poll_init_socket",
                                           "uv_poll_start", "uv_timer_init"));

// In the loop, a failing libuv call is recorded on the session and the
// connection closed; the server goes on serving.
TEST(ConnectionTest, AFailedReadStartIsRecordedAndTheConnectionClosed) {
  Server server(Plain());
  server.Start();
  detail::test_hooks.fail_uv_call = "uv_read_start";
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  EXPECT_TRUE(client.WaitForClose(ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_EQ(detail::test_hooks.fail_uv_call.load(), nullptr);
  ASSERT_TRUE(server.WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server.Sessions();
  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_THAT(sessions[0].errors,
              ElementsAre(AllOf(HasSubstr("uv_read_start"),
                                HasSubstr("the connection was closed"))));
  RawClient next;
  ASSERT_TRUE(next.Connect(server.Port()));
  EXPECT_EQ(next.ReadCode(), 220);
}

// Before the session exists (setting the accepted socket up), the failure
// goes to Errors() and the client is dropped.
TEST(ConnectionTest, AFailedSocketSetUpIsInErrorsAndTheClientDropped) {
  Server server(Plain());
  server.Start();
  detail::test_hooks.fail_uv_call = "uv_tcp_nodelay";
  RawClient client;
  ASSERT_TRUE(client.Connect(server.Port()));
  EXPECT_TRUE(client.WaitForClose(ScaledTimeout(std::chrono::seconds(5))));
  EXPECT_THAT(server.Errors(),
              ElementsAre(AllOf(HasSubstr("uv_tcp_nodelay"),
                                HasSubstr("the client was dropped"))));
  EXPECT_THAT(server.Sessions(), IsEmpty());
  RawClient next;
  ASSERT_TRUE(next.Connect(server.Port()));
  EXPECT_EQ(next.ReadCode(), 220);
}

// libuv reads into one buffer at a time, so the loop lends one to whichever
// connection reads; a connection embedding its own 64 KiB kept it resident
// after a burst, for as long as it stayed idle (issue 11).
TEST(ConnectionTest, HoldsNoReadBufferOfItsOwn) {
  EXPECT_LT(sizeof(detail::Connection), 8u * 1024);
}

}  // namespace
}  // namespace smtpfixture
