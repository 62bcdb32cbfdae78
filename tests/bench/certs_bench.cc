// What the per-run PKI costs: a CA and a leaf made from scratch (once per
// test process), and a leaf for a hostname not yet in the cache (once per
// new hostname or problem).
#include <benchmark/benchmark.h>

#include <string>

#include "certs/pki.h"
#include "smtpfixture/certs.h"

namespace smtpfixture::detail {
namespace {

void BM_CaAndLeafFromScratch(benchmark::State& state) {
  for (auto _ : state) {
    const Credential ca = MakeCertificateAuthority("smtpfixture bench CA");
    PemIdentity leaf =
        MakeLeafIdentity("localhost", CertificateProblem::kNone, ca, ca);
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK(BM_CaAndLeafFromScratch)->Unit(benchmark::kMillisecond);

void BM_LeafForANewHostname(benchmark::State& state) {
  const Certificates& certificates = Certificates::ForThisRun();
  // Static: repetitions of this benchmark must not reuse earlier names.
  static int serial = 0;
  for (auto _ : state) {
    // A fresh name each time defeats the cache, as a new test's would.
    PemIdentity leaf =
        certificates.Leaf("host-" + std::to_string(serial++) + ".bench.test");
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK(BM_LeafForANewHostname)->Unit(benchmark::kMillisecond);

void BM_CachedLeaf(benchmark::State& state) {
  const Certificates& certificates = Certificates::ForThisRun();
  certificates.Leaf("localhost");
  for (auto _ : state) {
    PemIdentity leaf = certificates.Leaf("localhost");
    benchmark::DoNotOptimize(leaf);
  }
}
BENCHMARK(BM_CachedLeaf);

}  // namespace
}  // namespace smtpfixture::detail
