// Parse and replay throughput for crypto-agile TCG logs (in memory, so the
// figures exclude I/O; benchmarks/run_tcg.sh times whole processes).
// Each benchmark first checks the replayed registers against a plain extend
// loop over the same digests and fails if they differ.
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "parsers/chunked_source.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_detail.h"

namespace {

using ccv::HashAlg;

struct Log {
  std::vector<uint8_t> bytes;
  std::map<ccv::RegisterId, std::map<HashAlg, ccv::Digest>> expected;
};

void Put16(std::vector<uint8_t>* b, uint16_t v) {
  b->push_back(uint8_t(v));
  b->push_back(uint8_t(v >> 8));
}
void Put32(std::vector<uint8_t>* b, uint32_t v) {
  for (int i = 0; i < 4; ++i) b->push_back(uint8_t(v >> (8 * i)));
}

// `n` records alternating EV_SEPARATOR (checkable), EV_IPL strings and
// EV_EFI_ACTION over PCRs 0..9, each with a digest per bank.
Log MakeLog(size_t n, const std::vector<HashAlg>& banks) {
  Log log;
  std::vector<uint8_t>& b = log.bytes;
  std::vector<uint8_t> spec;
  const char sig[] = "Spec ID Event03";
  spec.insert(spec.end(), sig, sig + 16);
  Put32(&spec, 0);
  spec.insert(spec.end(), {0, 2, 0, 2});
  Put32(&spec, uint32_t(banks.size()));
  for (HashAlg a : banks) {
    Put16(&spec, ccv::TpmAlgId(a));
    Put16(&spec, uint16_t(ccv::DigestLen(a)));
  }
  spec.push_back(0);
  Put32(&b, 0);
  Put32(&b, 3);
  b.insert(b.end(), 20, 0);
  Put32(&b, uint32_t(spec.size()));
  b.insert(b.end(), spec.begin(), spec.end());
  std::mt19937 rng(7);
  for (size_t i = 0; i < n; ++i) {
    uint32_t pcr = uint32_t(rng() % 10);
    uint32_t type;
    std::vector<uint8_t> data;
    switch (i % 3) {
      case 0:
        type = ccv::parsers::kEvSeparator;
        data = {0, 0, 0, 0};
        break;
      case 1: {
        type = ccv::parsers::kEvIpl;
        std::string s = "grub_cmd: linux /boot/vmlinuz-6.1.0 root=UUID=" + std::to_string(rng());
        data.assign(s.begin(), s.end());
        break;
      }
      default: {
        type = ccv::parsers::kEvEfiAction;
        std::string s = "Calling EFI Application from Boot Option";
        data.assign(s.begin(), s.end());
      }
    }
    Put32(&b, pcr);
    Put32(&b, type);
    Put32(&b, uint32_t(banks.size()));
    for (HashAlg a : banks) {
      ccv::Digest d = ccv::crypto::Hash(a, data);
      Put16(&b, ccv::TpmAlgId(a));
      b.insert(b.end(), d.span().begin(), d.span().end());
      auto& reg = log.expected[ccv::RegisterId::Pcr(pcr)];
      if (!reg.count(a)) reg[a] = ccv::Digest::Zero(a);
      ccv::crypto::Extend(&reg[a], d.span());
    }
    Put32(&b, uint32_t(data.size()));
    b.insert(b.end(), data.begin(), data.end());
  }
  return log;
}

const std::vector<HashAlg> kSha256 = {HashAlg::kSha256};
const std::vector<HashAlg> kThreeBanks = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384};
const std::vector<HashAlg> kSha384 = {HashAlg::kSha384};

bool Matches(const Log& log, const ccv::replay::RegisterSet& got) {
  for (const auto& [name, banks] : log.expected) {
    for (const auto& [alg, d] : banks) {
      auto g = got.Get(name, alg);
      if (!g || !(*g == d)) return false;
    }
  }
  return got.registers().size() == log.expected.size();
}

// Reads every record of `log` and calls `each` on it; false (after
// SkipWithError) when the log does not parse.
template <typename F>
bool ForEachEvent(const Log& log, benchmark::State& state, F&& each) {
  ccv::parsers::ChunkedSource src(log.bytes);
  ccv::parsers::TcgEventReader reader(&src);
  while (true) {
    auto e = reader.Next();
    if (!e.ok()) {
      state.SkipWithError("parse failed");
      return false;
    }
    if (*e == nullptr) return true;
    each(**e);
  }
}

void BM_ParseTcg2(benchmark::State& state, const std::vector<HashAlg>& banks) {
  Log log = MakeLog(size_t(state.range(0)), banks);
  for (auto _ : state) {
    uint64_t n = 0;
    const bool ok = ForEachEvent(log, state, [&](const ccv::parsers::TcgEvent& e) {
      benchmark::DoNotOptimize(e.data.data());
      ++n;
    });
    if (!ok) return;
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(log.bytes.size()));
}

void BM_DescribeEventData(benchmark::State& state, const std::vector<HashAlg>& banks) {
  Log log = MakeLog(size_t(state.range(0)), banks);
  for (auto _ : state) {
    const bool ok = ForEachEvent(log, state, [](const ccv::parsers::TcgEvent& e) {
      auto d = ccv::report::DescribeEventData(e.untrusted_type, e.data, e.data_offset);
      benchmark::DoNotOptimize(d.fields.data());
    });
    if (!ok) return;
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
}

// Arg 1: threads (1: everything on this thread; 2: extends on a worker, so
// the CPU column shows this thread's share only).
void BM_ReplayTcg2(benchmark::State& state, const std::vector<HashAlg>& banks, bool check_digests) {
  Log log = MakeLog(size_t(state.range(0)), banks);
  {
    ccv::parsers::ChunkedSource src(log.bytes);
    auto r = ccv::replay::ReplayTcgLog(&src, ccv::replay::RegisterSpace::kTpmPcr,
                                       ccv::replay::ReplayOptions{.threads = int(state.range(1))});
    if (!r.ok() || !Matches(log, r->registers)) {
      state.SkipWithError("replay disagrees with the reference extend loop");
      return;
    }
  }
  for (auto _ : state) {
    ccv::parsers::ChunkedSource src(log.bytes);
    auto r = ccv::replay::ReplayTcgLog(
        &src, ccv::replay::RegisterSpace::kTpmPcr,
        ccv::replay::ReplayOptions{.check_digests = check_digests, .threads = int(state.range(1))});
    benchmark::DoNotOptimize(r.ok());
  }
  state.SetItemsProcessed(int64_t(state.iterations()) * state.range(0));
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(log.bytes.size()));
}

BENCHMARK_CAPTURE(BM_ParseTcg2, sha256, kSha256)->Arg(100000)->ArgName("events");
BENCHMARK_CAPTURE(BM_ParseTcg2, sha1_sha256_sha384, kThreeBanks)->Arg(100000)->ArgName("events");
BENCHMARK_CAPTURE(BM_DescribeEventData, sha1_sha256_sha384, kThreeBanks)
    ->Arg(100000)
    ->ArgName("events");
// Every replay run: 100000 events on 1 and 2 threads, timed by the wall clock.
void ReplayArgs(benchmark::internal::Benchmark* b) {
  b->ArgsProduct({{100000}, {1, 2}})->ArgNames({"events", "threads"})->UseRealTime();
}
BENCHMARK_CAPTURE(BM_ReplayTcg2, sha256_checked, kSha256, true)->Apply(ReplayArgs);
BENCHMARK_CAPTURE(BM_ReplayTcg2, sha384_checked, kSha384, true)->Apply(ReplayArgs);
BENCHMARK_CAPTURE(BM_ReplayTcg2, three_banks_unchecked, kThreeBanks, false)->Apply(ReplayArgs);
BENCHMARK_CAPTURE(BM_ReplayTcg2, three_banks_checked, kThreeBanks, true)->Apply(ReplayArgs);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::AddCustomContext("batch_hash_backend", ccv::crypto::BackendDescription());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
