// ccv_tamper --corpus DIR --suite quote|collateral|tcg|ccel|ima|lab [--stride N]
//            [--shard K/N] [-v]
//
// Runs one tamper suite (tests/tamper/tamper.h) over the real evidence of
// the shared corpus (and, for quotes and collateral, a synthetic quote signed
// by our test PKI); suite `lab` over the boot lab's output instead (DIR is
// tests/lab/run.sh's OUT: each variant's TPM event log and IMA lists, ascii
// and binary). Prints one summary line:
//   SUITE tried=N detected=N undetected=N rejected=N uncovered_tried=N
//         uncovered_detected=N files=N skipped=N
// Exit status 0 if every covered mutation was detected, 1 otherwise, 2 on a
// usage or input error. --shard K/N tries the K-th (from 0) of every N
// mutations: the summary lines of shards 0..N-1 add up to the whole suite's.
// tests/tamper/tamper_run.sh runs every suite in its own processes (shards)
// and counts crashes.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/tamper/tamper.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/collateral.h"

namespace fs = std::filesystem;
using ccv::tamper::Counts;

namespace {

bool verbose = false;

void Report(const std::string& file, const ccv::Result<Counts>& r, Counts* total, int* files,
            int* skipped) {
  if (!r.ok()) {
    ++*skipped;
    std::fprintf(stderr, "  skip %s: %s\n", file.c_str(), r.status().ToString().c_str());
    return;
  }
  ++*files;
  total->Add(*r);
  if (verbose || r->undetected()) {
    std::fprintf(stderr, "  %s: tried=%llu detected=%llu uncovered=%llu/%llu\n", file.c_str(),
                 (unsigned long long)r->tried, (unsigned long long)r->detected,
                 (unsigned long long)r->uncovered_detected, (unsigned long long)r->uncovered_tried);
  }
  for (const auto& m : r->missed) std::fprintf(stderr, "    MISSED %s\n", m.c_str());
}

std::vector<fs::path> Files(const fs::path& dir, const std::string& ext) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ext) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct QuoteCase {
  std::string name;
  std::vector<uint8_t> quote;
  ccv::quote::QuoteCollateral collateral;
  std::string root_pem;  // empty: Intel SGX Root CA
  int64_t at = 0;
};

std::vector<QuoteCase> LoadQuoteCases(const fs::path& corpus) {
  std::vector<QuoteCase> out;
  auto text = ccv::ReadFileText((corpus / "quotes/cases.json").string(), 1 << 24);
  if (text.ok()) {
    rapidjson::Document d;
    d.Parse(text->data(), text->size());
    if (!d.HasParseError() && d.IsArray()) {
      for (const auto& c : d.GetArray()) {
        if (!c.HasMember("quote") || !c.HasMember("collateral") || !c.HasMember("now_unix")) {
          continue;
        }
        auto q = ccv::ReadFileBytes((corpus / c["quote"].GetString()).string(), 1 << 24);
        auto j = ccv::ReadFileText((corpus / c["collateral"].GetString()).string(), 1 << 24);
        if (!q.ok() || !j.ok()) continue;
        auto col = ccv::quote::ParseCollateralJson(*j);
        if (!col.ok()) continue;
        out.push_back(
            {c["name"].GetString(), std::move(*q), std::move(*col), "", c["now_unix"].GetInt64()});
      }
    }
  }
  // The synthetic quote of our test PKI.
  auto pki = ccv::testing::TestPki::Create();
  if (pki.ok()) {
    ccv::testing::QuoteBuilder b = ccv::testing::DefaultTdxQuote(*pki);
    if (ccv::testing::SignQuote(*pki, ccv::testing::TestAttestationKey(), &b).ok()) {
      out.push_back({"synthetic-test-pki", b.Build(),
                     ccv::testing::MakeCollateral(*pki, ccv::testing::DefaultTdxTcbInfo(),
                                                  ccv::testing::DefaultQeIdentity()),
                     pki->RootPem(), ccv::testing::kPkiNow});
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string corpus_dir, suite;
  size_t stride = 1;
  ccv::tamper::Shard shard;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--corpus" && i + 1 < argc)
      corpus_dir = argv[++i];
    else if (a == "--suite" && i + 1 < argc)
      suite = argv[++i];
    else if (a == "--stride" && i + 1 < argc)
      stride = std::strtoull(argv[++i], nullptr, 10);
    else if (a == "--shard" && i + 1 < argc) {
      char* end = nullptr;
      shard.index = std::strtoull(argv[++i], &end, 10);
      shard.count = *end == '/' ? std::strtoull(end + 1, nullptr, 10) : 0;
      if (shard.count == 0 || shard.index >= shard.count) {
        std::fprintf(stderr, "--shard K/N with 0 <= K < N\n");
        return 2;
      }
    } else if (a == "-v")
      verbose = true;
    else {
      std::fprintf(stderr,
                   "usage: ccv_tamper --corpus DIR --suite "
                   "quote|collateral|tcg|ccel|ima|lab [--stride N] [--shard K/N] [-v]\n");
      return 2;
    }
  }
  if (suite.empty()) return 2;
  fs::path corpus(corpus_dir);
  Counts total;
  int files = 0, skipped = 0;

  if (suite == "quote" || suite == "collateral") {
    for (const QuoteCase& qc : LoadQuoteCases(corpus)) {
      if (suite == "quote") {
        auto anchor = ccv::quote::LoadTrustAnchor(
            qc.root_pem.empty() ? std::nullopt : std::optional<std::string_view>(qc.root_pem));
        if (!anchor.ok()) return 2;
        auto prepared = ccv::quote::PrepareCollateral(qc.collateral, std::move(*anchor), qc.at);
        if (!prepared.ok()) {
          Report(qc.name, prepared.status(), &total, &files, &skipped);
          continue;
        }
        Report(qc.name, ccv::tamper::TamperQuote(qc.quote, *prepared, stride, shard), &total,
               &files, &skipped);
      } else {
        std::string pem = qc.root_pem;
        if (pem.empty()) {
          auto p = ccv::ReadFileText((corpus / "quotes/intel-sgx-root-ca.pem").string(), 1 << 20);
          if (!p.ok()) return 2;
          pem = *p;
        }
        Report(qc.name,
               ccv::tamper::TamperCollateral(qc.quote, qc.collateral, pem, qc.at, stride, shard),
               &total, &files, &skipped);
      }
    }
  } else if (suite == "tcg" || suite == "ccel") {
    std::vector<fs::path> logs;
    if (suite == "tcg") {
      logs = Files(corpus / "tcg", ".bin");
    } else {
      for (const auto& p : Files(corpus / "ccel", ".bin")) {
        if (p.filename().string().find(".table.") == std::string::npos) logs.push_back(p);
      }
      for (const char* e : {"evidence/gcp-cos113/ccel.bin", "evidence/ccapi-td/ccel_data.bin"}) {
        if (fs::exists(corpus / e)) logs.push_back(corpus / e);
      }
    }
    auto space =
        suite == "tcg" ? ccv::replay::RegisterSpace::kTpmPcr : ccv::replay::RegisterSpace::kCcMr;
    for (const auto& p : logs) {
      auto data = ccv::ReadFileBytes(p.string(), 1 << 26);
      if (!data.ok()) return 2;
      Report(p.filename().string(), ccv::tamper::TamperTcgLog(*data, space, stride, shard), &total,
             &files, &skipped);
    }
  } else if (suite == "ima") {
    std::vector<std::pair<fs::path, ccv::ima::LogFormat>> lists;
    for (const auto& p : Files(corpus / "ima", ".ascii"))
      lists.push_back({p, ccv::ima::LogFormat::kAscii});
    for (const auto& p : Files(corpus / "ima", ".bin"))
      lists.push_back({p, ccv::ima::LogFormat::kBinary});
    fs::path ev = corpus / "evidence/ccapi-td/ascii_runtime_measurements";
    if (fs::exists(ev)) lists.push_back({ev, ccv::ima::LogFormat::kAscii});
    for (const auto& [p, format] : lists) {
      auto data = ccv::ReadFileBytes(p.string(), 1 << 26);
      if (!data.ok()) return 2;
      Report(p.filename().string(), ccv::tamper::TamperImaLog(*data, format, stride, shard), &total,
             &files, &skipped);
    }
  } else if (suite == "lab") {
    // tests/lab/run.sh OUT: one bundle per variant, from a real measured boot.
    std::vector<fs::path> variants;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(corpus, ec)) {
      if (fs::exists(e.path() / "pcrs.json")) variants.push_back(e.path());
    }
    std::sort(variants.begin(), variants.end());
    for (const auto& v : variants) {
      const std::string name = v.filename().string();
      auto log = ccv::ReadFileBytes((v / "binary_bios_measurements").string(), 1 << 26);
      if (!log.ok()) return 2;
      Report(name + "/binary_bios_measurements",
             ccv::tamper::TamperTcgLog(*log, ccv::replay::RegisterSpace::kTpmPcr, stride, shard),
             &total, &files, &skipped);
      const std::pair<const char*, ccv::ima::LogFormat> lists[] = {
          {"ascii_runtime_measurements", ccv::ima::LogFormat::kAscii},
          {"binary_runtime_measurements", ccv::ima::LogFormat::kBinary}};
      for (const auto& [file, format] : lists) {
        if (!fs::exists(v / file)) continue;
        auto data = ccv::ReadFileBytes((v / file).string(), 1 << 26);
        if (!data.ok()) return 2;
        Report(name + "/" + file, ccv::tamper::TamperImaLog(*data, format, stride, shard), &total,
               &files, &skipped);
      }
    }
  } else {
    std::fprintf(stderr, "unknown suite %s\n", suite.c_str());
    return 2;
  }

  std::printf(
      "%s tried=%llu detected=%llu undetected=%llu rejected=%llu uncovered_tried=%llu "
      "uncovered_detected=%llu files=%d skipped=%d\n",
      suite.c_str(), (unsigned long long)total.tried, (unsigned long long)total.detected,
      (unsigned long long)total.undetected(), (unsigned long long)total.rejected,
      (unsigned long long)total.uncovered_tried, (unsigned long long)total.uncovered_detected,
      files, skipped);
  return total.undetected() == 0 && files > 0 ? 0 : 1;
}
