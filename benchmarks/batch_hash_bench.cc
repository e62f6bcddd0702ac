// Batched hashing per backend, algorithm and message size: ns per message
// and bytes/s over batches of 1024 independent messages. Each backend's
// digests are checked against the OpenSSL EVP reference before timing; a
// mismatch fails that benchmark. The default (dispatched) backend is printed
// in the context block and as the "default" rows.
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/extend_chain.h"
#include "verifier/crypto/internal/sha_ni_chain.h"

namespace {

using ccv::Digest;
using ccv::HashAlg;
using ccv::crypto::BatchHasher;
using ccv::crypto::ByteSpan;
using ccv::crypto::HashBackend;

constexpr size_t kBatch = 1024;

struct Batch {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<ByteSpan> spans;
};

Batch MakeBatch(size_t len) {
  std::mt19937_64 rng(len);
  Batch b;
  for (size_t i = 0; i < kBatch; ++i) {
    std::vector<uint8_t> m(len);
    for (uint8_t& x : m) x = uint8_t(rng());
    b.storage.push_back(std::move(m));
  }
  b.spans.assign(b.storage.begin(), b.storage.end());
  return b;
}

bool MatchesReference(BatchHasher& h, HashAlg alg, const Batch& b) {
  std::vector<Digest> got(b.spans.size());
  h.HashMany(alg, b.spans, got.data());
  ccv::crypto::Hasher ref;
  for (size_t i = 0; i < b.spans.size(); ++i) {
    if (!(got[i] == ref.Hash(alg, b.spans[i]))) return false;
  }
  return true;
}

// backend == nullopt: DefaultBatchHasher().
void BM_HashMany(benchmark::State& state, std::optional<HashBackend> backend, HashAlg alg) {
  std::unique_ptr<BatchHasher> owned;
  BatchHasher* h = &ccv::crypto::DefaultBatchHasher();
  if (backend) {
    auto r = ccv::crypto::CreateBatchHasher(*backend);
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    owned = std::move(r).value();
    h = owned.get();
  }
  const size_t len = size_t(state.range(0));
  Batch b = MakeBatch(len);
  if (!MatchesReference(*h, alg, b)) {
    state.SkipWithError("digests differ from the OpenSSL reference");
    return;
  }
  std::vector<Digest> out(b.spans.size());
  for (auto _ : state) {
    h->HashMany(alg, b.spans, out.data());
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * int64_t(kBatch));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(kBatch * len));
  // Seconds per message (printed with an SI prefix, e.g. "140n").
  state.counters["per_msg"] = benchmark::Counter(
      double(kBatch), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// A serial extend chain of kBatch steps: ExtendChain (SHA-NI for SHA-1 and
// SHA-256 where the CPU has it, else OpenSSL's low-level functions), its
// OpenSSL path alone, and Hasher::Extend (EVP, reused context). All must end
// at the same value.
enum class ChainPath { kDefault, kOpenSsl, kEvp };

void BM_ExtendChain(benchmark::State& state, HashAlg alg, ChainPath path) {
  std::vector<Digest> digests(kBatch, Digest::Zero(alg));
  for (size_t i = 0; i < kBatch; ++i) digests[i].bytes[i % digests[i].len] = uint8_t(i);
  ccv::crypto::Hasher hasher;
  auto run = [&](Digest* reg) {
    switch (path) {
      case ChainPath::kDefault:
        ccv::crypto::ExtendChain(reg, digests);
        break;
      case ChainPath::kOpenSsl:
        ccv::crypto::internal::OpenSslExtendChain(reg, digests);
        break;
      case ChainPath::kEvp:
        for (const Digest& d : digests) hasher.Extend(reg, d.span());
        break;
    }
  };
  Digest a = Digest::Zero(alg), b = Digest::Zero(alg);
  run(&a);
  for (const Digest& d : digests) hasher.Extend(&b, d.span());
  if (!(a == b)) {
    state.SkipWithError("the chain differs from Hasher::Extend");
    return;
  }
  Digest reg = Digest::Zero(alg);
  for (auto _ : state) {
    run(&reg);
    benchmark::DoNotOptimize(reg);
  }
  state.counters["per_extend"] = benchmark::Counter(
      double(kBatch), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// PCR banks sha1 and sha256 over the same entries: the two chains stepped
// side by side (SHA-NI) against one after the other. per_extend counts one
// step of both.
void BM_ExtendChainsSha1Sha256(benchmark::State& state, bool side_by_side) {
  if (!ccv::crypto::internal::ShaNiAvailable()) {
    state.SkipWithError("this CPU has no SHA-NI");
    return;
  }
  std::vector<Digest> d1(kBatch, Digest::Zero(HashAlg::kSha1));
  std::vector<Digest> d256(kBatch, Digest::Zero(HashAlg::kSha256));
  for (size_t i = 0; i < kBatch; ++i) {
    d1[i].bytes[i % 20] = uint8_t(i);
    d256[i].bytes[i % 32] = uint8_t(i);
  }
  Digest r1 = Digest::Zero(HashAlg::kSha1), r256 = Digest::Zero(HashAlg::kSha256);
  for (auto _ : state) {
    if (side_by_side) {
      ccv::crypto::internal::ShaNiExtendChainsSha1Sha256(r1.bytes.data(), d1, r256.bytes.data(),
                                                         d256);
    } else {
      ccv::crypto::ExtendChain(&r1, d1);
      ccv::crypto::ExtendChain(&r256, d256);
    }
    benchmark::DoNotOptimize(r1);
    benchmark::DoNotOptimize(r256);
  }
  state.counters["per_extend"] = benchmark::Counter(
      double(kBatch), benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void RegisterAll() {
  for (HashAlg alg : {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512}) {
    for (auto [path, name] :
         {std::pair{ChainPath::kDefault, "default"},
          std::pair{ChainPath::kOpenSsl, "openssl-lowlevel"}, std::pair{ChainPath::kEvp, "evp"}}) {
      std::string bm =
          std::string("BM_ExtendChain/") + name + "/" + std::string(ccv::HashAlgName(alg));
      benchmark::RegisterBenchmark(bm.c_str(), BM_ExtendChain, alg, path);
    }
  }
  benchmark::RegisterBenchmark("BM_ExtendChainsSha1Sha256/one-after-the-other",
                               BM_ExtendChainsSha1Sha256, false);
  benchmark::RegisterBenchmark("BM_ExtendChainsSha1Sha256/side-by-side", BM_ExtendChainsSha1Sha256,
                               true);
  const HashAlg algs[] = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512};
  std::vector<std::pair<std::string, std::optional<HashBackend>>> backends = {
      {"default", std::nullopt}};
  for (HashBackend b : ccv::crypto::kAllHashBackends) {
    backends.emplace_back(std::string(ccv::crypto::HashBackendName(b)), b);
  }
  for (const auto& [name, backend] : backends) {
    for (HashAlg alg : algs) {
      std::string bm = "BM_HashMany/" + name + "/" + std::string(ccv::HashAlgName(alg));
      benchmark::RegisterBenchmark(bm.c_str(), BM_HashMany, backend, alg)
          ->ArgName("len")
          ->Arg(48)
          ->Arg(96)
          ->Arg(128)
          ->Arg(256)
          ->Arg(512);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::AddCustomContext("batch_hash_backend", ccv::crypto::BackendDescription());
  benchmark::AddCustomContext("openssl", ccv::crypto::OpenSslVersion());
  RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
