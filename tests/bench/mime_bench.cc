// How fast the MIME reader parses big messages: 1, 10 and 50 MB, each a
// text body plus five base64 attachments (the shape of a test that mails
// files). Links smtpfixture_message_obj and benchmark::benchmark.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>

#include "fixture/base/base64.h"
#include "fixture/mime/mime.h"

namespace smtpfixture::detail {
namespace {

std::string MakeMessage(std::size_t total_bytes) {
  // Five attachments share the size; base64 grows bytes by 4/3 plus CRLFs.
  const std::size_t per_attachment = total_bytes / 5 * 3 / 4 * 76 / 78;
  std::mt19937 random(42);
  std::string message =
      "From: a@example.com\r\nTo: b@example.com\r\nSubject: big\r\n"
      "Date: Mon, 4 Mar 2024 10:15:00 +0000\r\nMIME-Version: 1.0\r\n"
      "Content-Type: multipart/mixed; boundary=\"----=_Part_0_123\"\r\n\r\n"
      "------=_Part_0_123\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
      "Five files attached.\r\n";
  for (int i = 0; i < 5; ++i) {
    std::string bytes(per_attachment, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    const std::string encoded = Base64Encode(bytes);
    message +=
        "------=_Part_0_123\r\nContent-Type: application/octet-stream\r\n"
        "Content-Disposition: attachment; filename=\"file" +
        std::to_string(i) +
        ".bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n";
    for (std::size_t at = 0; at < encoded.size(); at += 76) {
      message.append(encoded, at, 76);
      message += "\r\n";
    }
  }
  message += "------=_Part_0_123--\r\n";
  return message;
}

void BM_ParseMessage(benchmark::State& state) {
  const std::string message =
      MakeMessage(static_cast<std::size_t>(state.range(0)) << 20);
  for (auto _ : state) {
    ParsedMessage parsed = ParseMessage(message);
    benchmark::DoNotOptimize(parsed.attachments.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(message.size()));
}
BENCHMARK(BM_ParseMessage)
    ->Arg(1)
    ->Arg(10)
    ->Arg(50)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace smtpfixture::detail

BENCHMARK_MAIN();
