// What storing messages costs: adding N messages (per-message cost should
// not grow with N), taking a Messages() snapshot of N messages, and the peak
// memory of accepting one 25 MB message.
//
//   build/dev/tests/bench/store_bench
//
// BM_LargeMessagePeakRss reports counters, not times, as multiples of the
// message's size: the growth of VmHWM (reset before each message) over the
// resident size before it, for the first message of the process and the
// largest of three, and the largest VmHWM itself (the target is at most 3).
// The first is the decoder's own cost (its buffer grows by doubling); later
// ones also hold what the allocator kept of the previous message's buffers
// (glibc raises its mmap threshold after the first big free, so the next
// buffers come from the loop thread's arena and stay resident).
#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "fixture/message/message_store.h"
#include "smtpfixture/server.h"

namespace smtpfixture::detail {
namespace {

constexpr std::size_t kMessageBytes = 2048;

std::shared_ptr<MessageRecord> Record(std::uint64_t id) {
  auto record = std::make_shared<MessageRecord>();
  record->id = id;
  record->session_id = 1;
  record->envelope.mail_from = "a@example.com";
  record->envelope.rcpt_to = {"b@example.com"};
  record->data.assign(kMessageBytes, 'x');
  return record;
}

// Adds N messages to an empty store: items_per_second is messages added
// per second, which stays flat from 1,000 to 100,000 if adding is O(1).
void BM_AddMessages(benchmark::State& state) {
  const auto count = static_cast<std::uint64_t>(state.range(0));
  for (auto _ : state) {
    auto store = std::make_unique<MessageStore>();
    store->OpenSession("peer");
    for (std::uint64_t i = 1; i <= count; ++i) store->AddMessage(Record(i));
    state.PauseTiming();
    store.reset();  // freeing N records is not what is measured
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(count));
}
BENCHMARK(BM_AddMessages)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

void BM_MessagesSnapshot(benchmark::State& state) {
  const auto count = static_cast<std::uint64_t>(state.range(0));
  MessageStore store;
  store.OpenSession("peer");
  for (std::uint64_t i = 1; i <= count; ++i) store.AddMessage(Record(i));
  for (auto _ : state) {
    std::vector<ReceivedMessage> messages = store.Messages();
    benchmark::DoNotOptimize(messages.data());
  }
  state.SetItemsProcessed(state.iterations() *
                          static_cast<std::int64_t>(count));
}
BENCHMARK(BM_MessagesSnapshot)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMicrosecond);

// From /proc/self/status, in kB.
long StatusKb(const char* field) {
  std::ifstream status("/proc/self/status");
  std::string line;
  const std::size_t length = std::strlen(field);
  while (std::getline(status, line)) {
    if (line.compare(0, length, field) == 0) {
      return std::atol(line.c_str() + length + 1);
    }
  }
  return -1;
}

// The child's side: a client that sends one message of `size` octets of
// 76-character lines, from a static buffer (no allocation after fork).
[[noreturn]] void SendLargeMessage(std::uint16_t port, std::size_t size) {
  static char lines[78 * 840];
  for (std::size_t at = 0; at < sizeof lines; at += 78) {
    std::memset(lines + at, 'a', 76);
    lines[at + 76] = '\r';
    lines[at + 77] = '\n';
  }
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    _exit(2);
  auto send_all = [fd](const char* data, std::size_t n) {
    while (n > 0) {
      const ssize_t sent = send(fd, data, n, MSG_NOSIGNAL);
      if (sent <= 0) _exit(3);
      data += sent;
      n -= static_cast<std::size_t>(sent);
    }
  };
  const char envelope[] =
      "EHLO bench\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\n"
      "DATA\r\n";
  send_all(envelope, sizeof envelope - 1);
  // Whole lines only, or the end line would not start a line.
  for (std::size_t left = size / 78 * 78; left > 0;) {
    const std::size_t n = left < sizeof lines ? left : sizeof lines;
    send_all(lines, n);
    left -= n;
  }
  send_all(".\r\nQUIT\r\n", 9);
  char reply[4096];
  while (recv(fd, reply, sizeof reply, 0) > 0) {
  }
  _exit(0);
}

void BM_LargeMessagePeakRss(benchmark::State& state) {
  const std::size_t size = static_cast<std::size_t>(state.range(0)) << 20;
  ServerOptions options;
  options.tls = TlsPolicy::kNone;
  options.limits.max_message_bytes = 2 * size;
  Server server(options);
  server.Start();
  double first_growth_mb = -1;
  double max_growth_mb = 0;
  double max_peak_mb = 0;
  for (auto _ : state) {
    server.Clear();
    // Writing 5 resets VmHWM to the current resident size (Linux 4.0+).
    std::ofstream("/proc/self/clear_refs") << "5";
    const long before_kb = StatusKb("VmRSS:");
    const pid_t child = fork();
    if (child == 0) SendLargeMessage(server.Port(), size);
    const bool arrived = server.WaitForMessages(1, std::chrono::seconds(120));
    int status = 0;
    waitpid(child, &status, 0);
    if (!arrived || status != 0) {
      state.SkipWithError("the message did not arrive");
      break;
    }
    const long peak_kb = StatusKb("VmHWM:");
    const double growth_mb = static_cast<double>(peak_kb - before_kb) / 1024;
    if (first_growth_mb < 0) first_growth_mb = growth_mb;
    max_growth_mb = std::max(max_growth_mb, growth_mb);
    max_peak_mb = std::max(max_peak_mb, static_cast<double>(peak_kb) / 1024);
  }
  const auto mb = static_cast<double>(state.range(0));
  state.counters["first_growth_per_size"] = first_growth_mb / mb;
  state.counters["max_growth_per_size"] = max_growth_mb / mb;
  state.counters["max_peak_rss_per_size"] = max_peak_mb / mb;
}
BENCHMARK(BM_LargeMessagePeakRss)
    ->Arg(25)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace smtpfixture::detail

BENCHMARK_MAIN();
