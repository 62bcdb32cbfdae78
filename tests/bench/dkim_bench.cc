// What one DKIM verification costs: a 2 KB message with one RSA-2048
// signature, and with one Ed25519 signature (tests/data/dkim/bench_*.eml,
// signed by dkimpy). Links smtpfixture_message_obj and benchmark::benchmark.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "fixture/mime/dkim.h"
#include "tests/support/dkim_vectors.h"

namespace smtpfixture::detail {
namespace {

void Verify(benchmark::State& state, const char* file) {
  const std::string message = testing::ReadDkimData(file);
  const DkimKeys keys = testing::ReadDkimKeys();
  const std::vector<DkimResult> check = VerifyDkim(message, keys, 0);
  if (check.size() != 1 || check[0].status != DkimStatus::kPass) {
    state.SkipWithError("the vector does not verify");
    return;
  }
  for (auto _ : state) {
    std::vector<DkimResult> results = VerifyDkim(message, keys, 0);
    benchmark::DoNotOptimize(results.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(message.size()));
}

void BM_VerifyRsa2048(benchmark::State& state) {
  Verify(state, "bench_rsa2048.eml");
}
void BM_VerifyEd25519(benchmark::State& state) {
  Verify(state, "bench_ed25519.eml");
}
BENCHMARK(BM_VerifyRsa2048)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_VerifyEd25519)->Unit(benchmark::kMicrosecond);

// A DKIM-Signature of state.range(0) unknown tags "t1=x; t2=x; ..." (issue
// 16 item 6: 40,000 tags, 429 KB, took 3.6 s when the duplicate check
// compared every tag with every earlier one).
void BM_VerifyManyTags(benchmark::State& state) {
  std::string message = "DKIM-Signature: v=1";
  for (std::int64_t i = 0; i < state.range(0); ++i) {
    message += "; t" + std::to_string(i) + "=x";
  }
  message += "\r\nFrom: a@example.com\r\n\r\nHi\r\n";
  const DkimKeys keys = testing::ReadDkimKeys();
  for (auto _ : state) {
    std::vector<DkimResult> results = VerifyDkim(message, keys, 0);
    benchmark::DoNotOptimize(results.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(message.size()));
}
BENCHMARK(BM_VerifyManyTags)
    ->Arg(10000)
    ->Arg(40000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace smtpfixture::detail

BENCHMARK_MAIN();
