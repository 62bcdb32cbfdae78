// libFuzzer target for the DKIM verifier: any bytes as a key record and as a
// message ("record\0message"; without a NUL, the input is both). The record
// is published under the names the seed vectors use and under
// s._domainkey.d, so mutations reach key parsing and the signature check.
// The verifier must never crash, hang or throw, and every result must be
// consistent: a pass has no reason and a supported algorithm, anything else
// has a reason.
//
//   mkdir -p corpus
//   ./tests/dkim_fuzz -max_total_time=60 corpus ../tests/data/dkim/fuzz_seeds
// (libFuzzer writes what it finds into the first directory, not the seeds).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fixture/mime/dkim.h"

namespace {

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data,
                                      std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = input.find('\0');
  const std::string record(
      nul == std::string_view::npos ? input : input.substr(0, nul));
  const std::string_view message =
      nul == std::string_view::npos ? input : input.substr(nul + 1);
  smtpfixture::DkimKeys keys;
  for (const char* name : {"s._domainkey.d", "rsa2048._domainkey.example.com",
                           "ed25519._domainkey.example.com",
                           "brisbane._domainkey.football.example.com",
                           "test._domainkey.football.example.com"}) {
    keys[name] = record;
  }
  const std::vector<smtpfixture::DkimResult> results =
      smtpfixture::detail::VerifyDkim(message, keys, 1796076453);
  for (const smtpfixture::DkimResult& result : results) {
    if (result.status == smtpfixture::DkimStatus::kPass) {
      if (!result.reason.empty()) Fail("a pass with a reason");
      if (result.algorithm != "rsa-sha256" &&
          result.algorithm != "ed25519-sha256") {
        Fail("a pass with an unsupported algorithm");
      }
    } else if (result.reason.empty()) {
      Fail("a failure without a reason");
    }
  }
  return 0;
}
