// libFuzzer target for the data decoder (DATA and BDAT framing).
//
// Input: one option byte, then the content. Bit 0 chooses BDAT (binary)
// instead of DATA (dot-stuffed); bit 1 declares 8-bit; bit 2 switches the
// line-length check off; bit 3 sets a 64-octet limit; bits 4-7 seed the
// random split. The content is decoded whole, one byte at a time and in
// random pieces: the three must agree on what was consumed, the data, the
// violations and every flag. Stored data never exceeds the limit.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/smtp/data_decoder.h"

namespace {

using smtpfixture::Violation;
using smtpfixture::detail::DataDecoder;
using smtpfixture::detail::DataDecoderOptions;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

struct Result {
  std::size_t consumed = 0;
  bool finished = false;
  bool over_limit = false;
  bool bare = false;
  std::uint64_t octets = 0;
  std::string data;
  std::string violations;
  bool operator==(const Result& o) const {
    return consumed == o.consumed && finished == o.finished &&
           over_limit == o.over_limit && bare == o.bare && octets == o.octets &&
           data == o.data && violations == o.violations;
  }
};

// split: 0 whole, 1 byte by byte, else a seed for pieces of 1 to 32 octets.
Result Decode(const DataDecoderOptions& options, bool binary,
              std::string_view input, std::uint32_t split) {
  DataDecoder decoder(options);
  Result r;
  std::uint32_t state = split;
  while (!input.empty() && !decoder.finished()) {
    std::size_t n = input.size();
    if (split == 1) {
      n = 1;
    } else if (split > 1) {
      state = state * 1103515245u + 12345u;
      n = std::min<std::size_t>(n, 1 + (state >> 16) % 32);
    }
    const std::string_view piece = input.substr(0, n);
    std::size_t used = n;
    if (binary) {
      decoder.FeedBinary(piece);
    } else {
      used = decoder.FeedDotStuffed(piece);
      if (used > n) Fail("consumed more than given");
      if (used < n && !decoder.finished()) Fail("stopped before the end");
    }
    r.consumed += used;
    input.remove_prefix(used);
  }
  r.finished = decoder.finished();
  r.over_limit = decoder.over_limit();
  r.bare = decoder.saw_bare_line_ending();
  r.octets = decoder.octets();
  for (const Violation& v : decoder.violations()) {
    if (v.code.empty()) Fail("violation without a code");
    r.violations += v.code + "@" + v.detail + ";";
  }
  r.data = decoder.TakeData();
  if (options.max_message_bytes != 0 &&
      r.data.size() > options.max_message_bytes) {
    Fail("stored data over the limit");
  }
  if (r.over_limit && !r.data.empty()) Fail("data kept over the limit");
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t bits = data[0];
  DataDecoderOptions options;
  const bool binary = (bits & 1) != 0;
  options.eight_bit_declared = (bits & 2) != 0;
  options.check_line_length = (bits & 4) == 0;
  options.max_message_bytes = (bits & 8) ? 64 : 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1,
                               size - 1);
  const Result whole = Decode(options, binary, input, 0);
  if (!(Decode(options, binary, input, 1) == whole)) {
    Fail("byte by byte differs from whole");
  }
  if (!(Decode(options, binary, input, 2u + (bits >> 4)) == whole)) {
    Fail("random split differs from whole");
  }
  if (binary && whole.octets != input.size()) Fail("BDAT lost octets");
  return 0;
}
