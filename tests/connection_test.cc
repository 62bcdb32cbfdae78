// One connection's lifecycle under hostile or unlucky conditions, over real
// sockets: a client that streams while its replies are held, failures
// injected inside the loop's callbacks, descriptors running out.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <thread>

#include "fixture/net/test_hooks.h"
#include "smtpfixture/gtest.h"
#include "smtpfixture/server.h"
#include "tests/support/raw_client.h"

namespace smtpfixture {
namespace {

using ::smtpfixture::testing::RawClient;
using ::testing::HasSubstr;
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

}  // namespace
}  // namespace smtpfixture
