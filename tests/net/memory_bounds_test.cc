// The bounds docs/reliability.md's "Memory bounds" states, each proven
// through a real socket: what a client can make the server buffer is limited
// whatever it sends, or however little it reads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "fixture/net/test_hooks.h"
#include "smtpfixture/gtest.h"
#include "tests/support/raw_client.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::testing::Optional;
using ::testing::SizeIs;
using ::testing::StartsWith;

class MemoryBoundsTest : public SmtpServerTest {
 protected:
  ServerOptions Options() const override {
    ServerOptions options;
    options.tls = TlsPolicy::kNone;
    options.auth.credentials = {{"alice", "secret"}};
    options.auth.allow_plaintext = true;
    return options;
  }

  // Connected, greeted and past EHLO.
  void Start(RawClient& client) {
    ASSERT_TRUE(client.Connect(server().Port()));
    ASSERT_EQ(client.ReadCode(), 220);
    ASSERT_THAT(client.Command("EHLO bounds"), Optional(StartsWith("250")));
  }
};

// RFC 4954 4: an AUTH command with its initial response may reach 12288
// octets with the CRLF; a longer one is read to its end, never buffered past
// the limit, and refused.
TEST_F(MemoryBoundsTest, AnAuthLineOver12288OctetsIsRefusedAndServiceGoesOn) {
  RawClient client;
  Start(client);
  if (HasFatalFailure()) return;
  // 12288 octets with the CRLF: within the limit, so a SASL answer (501:
  // not base64), not "line too long".
  const std::string at_limit = "AUTH PLAIN " + std::string(12288 - 13, '!');
  EXPECT_THAT(client.Command(at_limit), Optional(StartsWith("501")));
  EXPECT_THAT(client.Command(at_limit + "!"),
              Optional(StartsWith("500 5.5.2 Error: line too long")));
  EXPECT_THAT(client.Command("NOOP"), Optional(StartsWith("250")));
}

// A SASL response line (after 334) has the same 12288-octet bound.
TEST_F(MemoryBoundsTest, ASaslLineOver12288OctetsEndsTheExchange) {
  RawClient client;
  Start(client);
  if (HasFatalFailure()) return;
  ASSERT_THAT(client.Command("AUTH LOGIN"), Optional(StartsWith("334")));
  EXPECT_THAT(client.Command(std::string(64 * 1024, 'A')),
              Optional(StartsWith("500 5.5.6")));
  EXPECT_THAT(client.Command("NOOP"), Optional(StartsWith("250")));
}

// A client that pipelines commands and never reads a reply: once 1 MiB of
// replies is queued the server stops reading it, so what the client can get
// accepted is bounded by that and the kernel's socket buffers. Without the
// bound the server would read (and queue replies to) all 64 MiB.
TEST_F(MemoryBoundsTest, AClientThatNeverReadsIsNotReadPastTheOutputBound) {
  RawClient client;
  ASSERT_TRUE(client.Connect(server().Port()));
  std::string noops;
  for (int i = 0; i < 10000; ++i) noops += "NOOP\r\n";  // 60 KB a round
  constexpr std::size_t kOffered = 64 * 1024 * 1024;
  std::size_t accepted = 0;
  while (accepted < kOffered) {
    // Blocked for a whole second: the server has stopped reading.
    pollfd writable{client.fd(), POLLOUT, 0};
    if (poll(&writable, 1, 1000) != 1) break;
    const ssize_t n = send(client.fd(), noops.data(), noops.size(),
                           MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) continue;
    accepted += static_cast<std::size_t>(n);
  }
  // 1 MiB of 14-octet replies answers about 450 KB of 6-octet NOOPs; the
  // rest is what loopback socket buffers hold (a few MiB each way).
  EXPECT_LT(accepted, 32u * 1024 * 1024) << accepted << " octets accepted";
  RecordProperty("accepted_octets", static_cast<int>(accepted));
}

// A client retrying AUTH forever: 1000 attempts are recorded, no more. Each
// failure is followed by a NOOP so that no error count ends the session
// first.
TEST_F(MemoryBoundsTest, AuthAttemptsRecordedPerSessionAreBounded) {
  RawClient client;
  Start(client);
  if (HasFatalFailure()) return;
  for (int i = 0; i < 1001; ++i) {
    // "\0alice\0wrong"
    ASSERT_THAT(client.Command("AUTH PLAIN AGFsaWNlAHdyb25n"),
                Optional(StartsWith("535")));
    ASSERT_THAT(client.Command("NOOP"), Optional(StartsWith("250")));
  }
  client.Command("QUIT");
  ASSERT_TRUE(server().WaitForSessionsClosed(1));
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  EXPECT_THAT(sessions[0].auth_attempts, SizeIs(1000));
}

// One 64 KB read of pipelined EHLOs (8,192 of them, about 90,000 transcript
// lines and 1 MB of replies): what the connection keeps for the next batch
// afterwards is capped. Without the cap the transcript vector kept room for
// 131,072 lines, and the idle connection held 7 MB of heap (1.7 MB with it,
// all of it the session's 20,000 stored lines).
TEST_F(MemoryBoundsTest, ABurstOfPipelinedEhlosLeavesNoLargeBufferBehind) {
  RawClient client;
  Start(client);
  if (HasFatalFailure()) return;
  detail::test_hooks.max_kept_transcript_lines = 0;
  detail::test_hooks.max_kept_reply_buffer = 0;
  std::string burst;
  while (burst.size() + 8 <= 64 * 1024) burst += "EHLO x\r\n";
  ASSERT_TRUE(client.Send(burst));
  const auto timeout = ScaledTimeout(std::chrono::seconds(10));
  for (std::size_t i = 0; i < burst.size() / 8; ++i) {
    ASSERT_THAT(client.ReadReply(timeout), Optional(StartsWith("250")))
        << "reply " << i;
  }
  EXPECT_THAT(client.Command("NOOP"), Optional(StartsWith("250")));
  EXPECT_LE(detail::test_hooks.max_kept_transcript_lines.load(), 64u);
  EXPECT_LE(detail::test_hooks.max_kept_reply_buffer.load(), 4096u);
  // The stored transcript has its own bound (kMaxTranscriptLines).
  const std::vector<Session> sessions = server().Sessions();
  ASSERT_THAT(sessions, SizeIs(1));
  EXPECT_THAT(sessions[0].transcript, SizeIs(20000));
}

}  // namespace
}  // namespace smtpfixture
