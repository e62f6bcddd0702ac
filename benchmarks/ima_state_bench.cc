// Incremental IMA (verify --ima-state), in-process: a whole verification
// (quote and collateral, CCEL, IMA list, binding) of the demo bundle with a
// list of IMA_STATE_ENTRIES (default 1,000,000) entries plus 100 new ones,
// resumed from the state of the first list, against a full replay of the
// same bundle. Both bundles are written once to IMA_STATE_DIR (default
// /tmp/ccv-ima-state-bench) by demo_maker; every run is checked to give the
// full replay's registers and a bound list before timing. CPU time is the
// process's (the full replay's extend thread included).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include <benchmark/benchmark.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "tests/testing/demo_maker.h"
#include "verifier/bundle/evidence.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/shared_collateral.h"
#include "verifier/replay/ima_state.h"

namespace {

namespace fs = std::filesystem;
using ccv::pipeline::Verification;
using ccv::pipeline::VerifyOptions;

uint64_t Entries() {
  const char* e = std::getenv("IMA_STATE_ENTRIES");
  return e != nullptr ? std::strtoull(e, nullptr, 10) : 1000000;
}

struct Setup {
  ccv::bundle::Evidence before, after;  // N entries, N + 100
  VerifyOptions options;
  std::shared_ptr<const ccv::replay::ImaState> state;  // of `before`
  std::string expected;                                // RTMR2 of `after`
  std::string error;
};

std::string Rtmr2(const Verification& v) {
  auto d = v.facts.replayed.Get(ccv::RegisterId::Rtmr(2), ccv::HashAlg::kSha384);
  return d ? ccv::ToHex(d->span()) : "";
}

const Setup& Get() {
  static Setup* s = [] {
    auto* s = new Setup;
    const char* env = std::getenv("IMA_STATE_DIR");
    const fs::path dir = env != nullptr ? env : "/tmp/ccv-ima-state-bench";
    const uint64_t n = Entries();
    auto pki = ccv::testing::DemoPki();
    if (!pki.ok()) {
      s->error = pki.status().ToString();
      return s;
    }
    for (auto [name, extra] : {std::pair{"before", n - 6}, std::pair{"after", n - 6 + 100}}) {
      const fs::path d = dir / (std::string(name) + "-" + std::to_string(n));
      if (!fs::exists(d / "evidence.json")) {
        fs::create_directories(d);
        ccv::testing::DemoOptions o;
        o.extra_ima = extra;
        o.pki = &*pki;
        if (ccv::Status st = ccv::testing::MakeDemoBundle(d.string(), o); !st.ok()) {
          s->error = st.ToString();
          return s;
        }
      }
      auto e = ccv::bundle::LoadEvidenceDir(d.string());
      if (!e.ok()) {
        s->error = e.status().ToString();
        return s;
      }
      (std::string(name) == "before" ? s->before : s->after) = std::move(*e);
    }
    s->options.at = *ccv::ParseRfc3339Time("2026-01-02T00:00:00Z");
    auto root = ccv::ReadFileText((dir / ("before-" + std::to_string(n)) / "root_ca.pem").string());
    s->options.root_ca_pem = root.ok() ? *root : "";
    VerifyOptions first = s->options;
    first.ima_state = true;
    auto v = ccv::pipeline::Verify(s->before, first, nullptr);
    if (!v.ok() || !v->facts.ima_state_out) {
      s->error = v.ok() ? "no state saved" : v.status().ToString();
      return s;
    }
    s->state = v->facts.ima_state_out;
    auto full = ccv::pipeline::Verify(s->after, s->options, nullptr);
    if (!full.ok()) {
      s->error = full.status().ToString();
      return s;
    }
    s->expected = Rtmr2(*full);
    return s;
  }();
  return *s;
}

// `shared`: collateral prepared once and shared, as `verify --batch` does:
// what is left is the evidence itself.
void BM_VerifyImaIncremental(benchmark::State& state, bool shared) {
  const Setup& s = Get();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  VerifyOptions o = s.options;
  ccv::quote::SharedCollateral collateral;
  if (shared) o.shared_collateral = &collateral;
  o.ima_state = true;
  o.ima_resume = s.state;
  for (auto _ : state) {
    auto v = ccv::pipeline::Verify(s.after, o, nullptr);
    if (!v.ok() || Rtmr2(*v) != s.expected || !v->facts.ima_resume ||
        !v->facts.ima_resume->incremental || !v->facts.ima_state_out) {
      return state.SkipWithError("the resumed verification differs from the full one");
    }
  }
  state.counters["new_entries"] = 100;
}

void BM_VerifyImaFull(benchmark::State& state) {
  const Setup& s = Get();
  if (!s.error.empty()) return state.SkipWithError(s.error.c_str());
  for (auto _ : state) {
    auto v = ccv::pipeline::Verify(s.after, s.options, nullptr);
    if (!v.ok() || Rtmr2(*v) != s.expected) return state.SkipWithError("verification failed");
  }
  state.counters["entries"] = double(Entries() + 100);
}

BENCHMARK_CAPTURE(BM_VerifyImaIncremental, own_collateral, false)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_VerifyImaIncremental, shared_collateral, true)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime();
BENCHMARK(BM_VerifyImaFull)
    ->Unit(benchmark::kMillisecond)
    ->MeasureProcessCPUTime()
    ->UseRealTime()
    ->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
