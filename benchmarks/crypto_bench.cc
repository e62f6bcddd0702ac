// Digest costs per bank and message size (OpenSSL reference path).
#include <vector>

#include <benchmark/benchmark.h>

#include "verifier/crypto/digest.h"

namespace {

void BM_Hash(benchmark::State& state, ccv::HashAlg alg) {
  std::vector<uint8_t> msg(static_cast<size_t>(state.range(0)), 0x5a);
  ccv::crypto::Hasher hasher;
  for (auto _ : state) {
    benchmark::DoNotOptimize(hasher.Hash(alg, msg));
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * state.range(0));
}

BENCHMARK_CAPTURE(BM_Hash, sha1, ccv::HashAlg::kSha1)->Arg(48)->Arg(96)->Arg(256);
BENCHMARK_CAPTURE(BM_Hash, sha256, ccv::HashAlg::kSha256)->Arg(48)->Arg(96)->Arg(256);
BENCHMARK_CAPTURE(BM_Hash, sha384, ccv::HashAlg::kSha384)->Arg(48)->Arg(96)->Arg(256);

}  // namespace

BENCHMARK_MAIN();
