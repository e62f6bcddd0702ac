// DCAP quote verification costs: a quote against collateral verified
// earlier (batch use), collateral preparation alone, and a cold full
// verification (collateral JSON parse + chains + CRLs + quote). Inputs are
// the corpus's real quotes (CCV_CORPUS or the configured corpus directory);
// each run first checks that the quote verifies with the expected status.
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "parsers/core/file_io.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {
namespace {

namespace fs = std::filesystem;

struct Input {
  std::vector<uint8_t> quote;
  std::string collateral_json;
  int64_t at = 0;
  const char* want;
};

fs::path Corpus() {
  const char* env = std::getenv("CCV_CORPUS");
  return env != nullptr && *env != '\0' ? fs::path(env) : fs::path(CCV_CORPUS_DIR);
}

bool Load(const char* quote, const char* coll, const char* at, const char* want, Input* in) {
  auto q = ReadFileBytes((Corpus() / quote).string());
  auto c = ReadFileText((Corpus() / coll).string());
  if (!q.ok() || !c.ok()) return false;
  in->quote = std::move(*q);
  in->collateral_json = std::move(*c);
  in->at = *crypto::ParseRfc3339(at);
  in->want = want;
  return true;
}

Result<PreparedCollateral> Prepare(const Input& in) {
  CCV_ASSIGN_OR_RETURN(QuoteCollateral c, ParseCollateralJson(in.collateral_json));
  CCV_ASSIGN_OR_RETURN(crypto::Certificate anchor, LoadTrustAnchor());
  return PrepareCollateral(c, std::move(anchor), in.at);
}

bool LoadCase(int which, Input* in) {
  switch (which) {
    case 0:
      return Load("quotes/dcap-qvl-tdx-v4.bin", "quotes/collateral/B0C06F000000-2025-07.json",
                  "2025-07-19T10:00:34Z", "UpToDate", in);
    case 1:
      return Load("quotes/go-tdx-guest-v5.bin", "quotes/collateral/90C06F000000-2026-02.json",
                  "2026-02-19T00:00:00Z", "UpToDate", in);
    default:
      return Load("quotes/dcap-qvl-sgx-v3.bin", "quotes/collateral/00A067110000-2025-07-sgx.json",
                  "2025-07-19T10:01:17Z", "ConfigurationAndSWHardeningNeeded", in);
  }
}

const char* kNames[] = {"tdx_v4", "tdx_v5", "sgx_v3"};

// Loads case range(0) and labels the run with its name; false, the run
// skipped, where the corpus is absent.
bool LoadLabelledCase(benchmark::State& state, Input* in) {
  if (!LoadCase(int(state.range(0)), in)) {
    state.SkipWithError("corpus not found");
    return false;
  }
  state.SetLabel(kNames[state.range(0)]);
  return true;
}

void BM_VerifyQuotePrepared(benchmark::State& state) {
  Input in;
  if (!LoadCase(int(state.range(0)), &in)) return state.SkipWithError("corpus not found");
  auto p = Prepare(in);
  if (!p.ok()) return state.SkipWithError(p.status().ToString().c_str());
  auto check = VerifyQuote(in.quote, *p);
  if (!check.ok() || !check->authentic || !check->tcb_status ||
      TcbStatusName(*check->tcb_status) != in.want) {
    return state.SkipWithError("reference verification disagrees with cases.json");
  }
  VerifyOptions opts;
  opts.use_leaf_cache = state.range(1) != 0;
  state.SetLabel(std::string(kNames[state.range(0)]) +
                 (opts.use_leaf_cache ? " leaf-cache" : " no-leaf-cache"));
  for (auto _ : state) {
    auto v = VerifyQuote(in.quote, *p, opts);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
// Arg 1: 1 = a platform seen before (PCK leaf cached), 0 = first quote of a
// platform (PCK leaf parsed and verified).
BENCHMARK(BM_VerifyQuotePrepared)
    ->ArgsProduct({{0, 1, 2}, {1, 0}})
    ->ArgNames({"case", "leaf_cache"})
    ->Unit(benchmark::kMicrosecond);

void BM_PrepareCollateral(benchmark::State& state) {
  Input in;
  if (!LoadLabelledCase(state, &in)) return;
  for (auto _ : state) {
    auto p = Prepare(in);
    if (!p.ok()) return state.SkipWithError(p.status().ToString().c_str());
    benchmark::DoNotOptimize(p);
  }
}
BENCHMARK(BM_PrepareCollateral)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

void BM_VerifyQuoteCold(benchmark::State& state) {
  Input in;
  if (!LoadLabelledCase(state, &in)) return;
  for (auto _ : state) {
    auto p = Prepare(in);
    if (!p.ok()) return state.SkipWithError(p.status().ToString().c_str());
    auto v = VerifyQuote(in.quote, *p);
    if (!v.ok() || !v->authentic) return state.SkipWithError("verification failed");
    benchmark::DoNotOptimize(v);
  }
}
BENCHMARK(BM_VerifyQuoteCold)->DenseRange(0, 2)->Unit(benchmark::kMicrosecond);

void BM_ParseQuote(benchmark::State& state) {
  Input in;
  if (!LoadCase(0, &in)) return state.SkipWithError("corpus not found");
  for (auto _ : state) {
    auto q = parsers::ParseQuote(in.quote);
    benchmark::DoNotOptimize(q);
  }
  state.SetBytesProcessed(int64_t(state.iterations() * in.quote.size()));
}
BENCHMARK(BM_ParseQuote);

}  // namespace
}  // namespace ccv::quote

int main(int argc, char** argv) {
  std::printf("OpenSSL: %s\n", ccv::crypto::OpenSslVersion());
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
