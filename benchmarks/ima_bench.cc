// IMA list parsing and replay on generated lists (benchmarks/gen/ima_gen):
// ascii and binary readers alone, and the whole replay (template hashes
// through the batch hasher, then the extend chain). The replay result is
// checked against the generator's registers before timing.
#include <string>

#include <benchmark/benchmark.h>

#include "benchmarks/gen/ima_gen.h"
#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/replay/ima_replay.h"

namespace {

struct Lists {
  std::string ascii, binary;
  ccv::Digest expected;
};

const Lists& Get(bool cc_api) {
  static Lists lists[2];
  static bool made[2] = {false, false};
  Lists& l = lists[cc_api];
  if (!made[cc_api]) {
    ccv::gen::ImaGenOptions o;
    o.mixed_templates = !cc_api;
    o.violation_every = cc_api ? 0 : 1000;
    if (cc_api) {
      o.pcr = 2;
      o.listed_alg = ccv::HashAlg::kSha384;
      o.banks = {ccv::HashAlg::kSha384};
    }
    ccv::gen::ImaGenerator g(o);
    for (int i = 0; i < 100000; ++i) g.Next(&l.ascii, &l.binary);
    l.expected = g.expected().at(cc_api ? ccv::HashAlg::kSha384 : ccv::HashAlg::kSha256);
    made[cc_api] = true;
  }
  return l;
}

void BM_ImaRead(benchmark::State& state, bool cc_api, bool binary) {
  const Lists& l = Get(cc_api);
  const std::string& data = binary ? l.binary : l.ascii;
  ccv::ima::ReadOptions ro;
  ro.format = binary ? ccv::ima::LogFormat::kBinary : ccv::ima::LogFormat::kAscii;
  uint64_t n = 0;
  for (auto _ : state) {
    ccv::ima::LogReader r(ccv::ima::SpanSource(ccv::AsBytes(data)), ro);
    std::vector<ccv::ima::Entry> batch;
    for (;;) {
      if (!r.NextBatch(&batch).ok()) {
        state.SkipWithError("parse failed");
        return;
      }
      if (batch.empty()) break;
      n += batch.size();
    }
  }
  state.SetItemsProcessed(int64_t(n));
  state.SetBytesProcessed(int64_t(state.iterations() * data.size()));
}
BENCHMARK_CAPTURE(BM_ImaRead, ascii, false, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImaRead, binary, false, true)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImaRead, ccapi_sha384_ascii, true, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImaRead, ccapi_sha384_binary, true, true)->Unit(benchmark::kMillisecond);

void BM_ImaReplay(benchmark::State& state, bool cc_api, bool binary) {
  const Lists& l = Get(cc_api);
  const std::string& data = binary ? l.binary : l.ascii;
  ccv::ima::ReadOptions ro;
  ro.format = binary ? ccv::ima::LogFormat::kBinary : ccv::ima::LogFormat::kAscii;
  ccv::replay::ImaReplayOptions opt;
  if (cc_api) opt.register_kind = ccv::RegisterId::Kind::kRtmr;
  const ccv::RegisterId reg = cc_api ? ccv::RegisterId::Rtmr(2) : ccv::RegisterId::Pcr(10);
  auto check = ccv::replay::ReplayImaBytes(ccv::AsBytes(data), ro, opt);
  if (!check.ok() || !(check->registers.Get(reg, l.expected.alg) == l.expected)) {
    state.SkipWithError("replay disagrees with the generator");
    return;
  }
  state.SetLabel(ccv::crypto::BackendDescription());
  for (auto _ : state) {
    auto r = ccv::replay::ReplayImaBytes(ccv::AsBytes(data), ro, opt);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(int64_t(state.iterations() * 100000));
}
BENCHMARK_CAPTURE(BM_ImaReplay, tpm_mixed_sha1_sha256_ascii, false, false)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImaReplay, tpm_mixed_sha1_sha256_binary, false, true)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImaReplay, ccapi_sha384_ascii, true, false)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_ImaReplay, ccapi_sha384_binary, true, true)->Unit(benchmark::kMillisecond);

}  // namespace
BENCHMARK_MAIN();
