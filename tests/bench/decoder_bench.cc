// How fast DATA and BDAT content is decoded (framing, dot-unstuffing and the
// line checks): MB/s of wire octets for 76-character lines (base64 bodies),
// 998-character lines (the longest lawful line) and binary BDAT chunks.
// Input is fed in 64 KiB pieces, as the connection reads it, into a new
// decoder per 1 MiB message.
//
//   build/dev/tests/bench/decoder_bench
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>

#include "fixture/smtp/data_decoder.h"

namespace smtpfixture::detail {
namespace {

constexpr std::size_t kMessageBytes = 1 << 20;
constexpr std::size_t kReadBytes = 64 * 1024;

// Dot-stuffed DATA content of lines of `line_length` octets (one in 64 starts
// with a stuffed dot), and the end line.
std::string MakeDotStuffed(std::size_t line_length) {
  std::mt19937 random(7);
  const char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string wire;
  for (std::size_t n = 0; wire.size() < kMessageBytes; ++n) {
    std::size_t length = line_length;
    if (n % 64 == 0) {
      wire += "..";  // a stuffed dot: the stored line has line_length octets
      --length;
    }
    for (std::size_t i = 0; i < length; ++i) {
      wire.push_back(alphabet[random() % 64]);
    }
    wire += "\r\n";
  }
  return wire + ".\r\n";
}

void RunDotStuffed(benchmark::State& state, std::size_t line_length) {
  const std::string wire = MakeDotStuffed(line_length);
  for (auto _ : state) {
    DataDecoder decoder({});
    std::string_view rest = wire;
    while (!rest.empty() && !decoder.finished()) {
      const std::string_view piece = rest.substr(0, kReadBytes);
      rest.remove_prefix(decoder.FeedDotStuffed(piece));
    }
    if (!decoder.finished() || !decoder.violations().empty()) {
      state.SkipWithError("the decoder did not accept the message");
      break;
    }
    benchmark::DoNotOptimize(decoder.TakeData());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(wire.size()));
}

void BM_Data76CharLines(benchmark::State& state) { RunDotStuffed(state, 76); }
void BM_Data998CharLines(benchmark::State& state) { RunDotStuffed(state, 998); }
BENCHMARK(BM_Data76CharLines);
BENCHMARK(BM_Data998CharLines);

// BDAT with BODY=BINARYMIME: random octets, no lines, no checks but the
// size.
void BM_BdatBinary(benchmark::State& state) {
  std::mt19937 random(9);
  std::string bytes(kMessageBytes, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  DataDecoderOptions options;
  options.eight_bit_declared = true;
  options.check_line_length = false;
  for (auto _ : state) {
    DataDecoder decoder(options);
    for (std::size_t at = 0; at < bytes.size(); at += kReadBytes) {
      decoder.FeedBinary(std::string_view(bytes).substr(at, kReadBytes));
    }
    benchmark::DoNotOptimize(decoder.TakeData());
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<std::int64_t>(bytes.size()));
}
BENCHMARK(BM_BdatBinary);

}  // namespace
}  // namespace smtpfixture::detail

BENCHMARK_MAIN();
