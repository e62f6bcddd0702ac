// Attacks on what verify --batch reuses between bundles: the trust anchor,
// the prepared collateral (its verified PCK CRL issuer), the PCK leaves of
// earlier quotes and the QE reports their keys verified. A cache may only
// spare work on bytes it has verified: an intermediate or a QE report
// signature one byte away from the verified one, a revoked leaf or
// intermediate, and a certificate outside its validity at --at must fail
// in a batch, after bundles that warmed every cache, exactly as they fail
// in one `verify` each (same exit code and JSON report).
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "tests/testing/quote_pki.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/report_data.h"
#include "verifier/cli/batch.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/collateral.h"
#include "verifier/report/verify_report.h"

namespace ccv::adversarial {
namespace {

namespace fs = std::filesystem;
using cli::BundleResult;

constexpr char kManifest[] =
    R"({"version": 1, "tee": "tdx", "quote": "quote.bin", "collateral": "collateral.json"})";

testing::TestPki Pki(const testing::PkiOptions& o = {}) {
  auto p = testing::TestPki::Create(o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(*p);
}

std::string CollateralOf(const testing::TestPki& pki) {
  return quote::CollateralToJson(
      testing::MakeCollateral(pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity()));
}

// A quote signed by `pki`'s platform, its certification data holding
// `chain_pem` (default: the PKI's own chain).
std::vector<uint8_t> QuoteOf(const testing::TestPki& pki,
                             const std::optional<std::string>& chain_pem) {
  testing::QuoteBuilder q = testing::DefaultTdxQuote(pki);
  if (chain_pem) q.pck_chain_pem = *chain_pem + std::string(1, '\0');
  EXPECT_TRUE(testing::SignQuote(pki, testing::TestAttestationKey(), &q).ok());
  return q.Build();
}

class Fleet {
 public:
  Fleet() : dir_("batch_cache") {}
  // A bundle of `quote` and `collateral`; returns its path.
  std::string Add(const std::vector<uint8_t>& quote, const std::string& collateral) {
    const fs::path b = dir_.path() / ("b" + std::to_string(100 + dirs_.size()));
    fs::create_directories(b);
    EXPECT_TRUE(WriteFileBytes((b / "quote.bin").string(), quote.data(), quote.size()).ok());
    std::ofstream(b / "collateral.json", std::ios::binary) << collateral;
    std::ofstream(b / "evidence.json", std::ios::binary) << kManifest;
    dirs_.push_back(b.string());
    return b.string();
  }
  const std::vector<std::string>& dirs() const { return dirs_; }

 private:
  testing::TempDir dir_;
  std::vector<std::string> dirs_;
};

// One `ccverify verify DIR --root-ca ROOT --at AT --format json`, no cache.
std::pair<int, std::string> VerifyAlone(const std::string& dir, const std::string& root_pem,
                                        Time at) {
  auto d = bundle::LoadOrDiscoverEvidenceDir(dir);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  bundle::ApplyVerifierBinding(&d->evidence, std::nullopt, std::nullopt, std::nullopt);
  pipeline::VerifyOptions o;
  o.at = at;
  o.root_ca_pem = root_pem;
  auto v = pipeline::Verify(d->evidence, o, nullptr);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  report::VerifyReportContext ctx{dir, FormatRfc3339Time(at), ""};
  return {v->outcome == result::Outcome::kUntrusted ? 1 : 0,
          report::VerifyReportJson(v->facts, v->evaluation, ctx)};
}

// Runs the fleet as one batch on `jobs` threads; every bundle must get its
// single verify's exit code and report. Returns the results in list order.
std::vector<BundleResult> RunAndCompare(const Fleet& fleet, const std::string& root_pem, Time at,
                                        int jobs, size_t want_preparations = 1) {
  cli::BatchOptions o;
  o.verify.at = at;
  o.verify.root_ca_pem = root_pem;
  o.at_text = FormatRfc3339Time(at);
  o.jobs = jobs;
  o.keep_report_json = true;
  std::stringstream list;
  for (const std::string& d : fleet.dirs()) list << d << "\n";
  auto source = cli::BundleSourceFromStream(&list, "list");
  std::vector<BundleResult> results;
  auto stats = cli::RunBatch(source.get(), o, [&](const BundleResult& r) { results.push_back(r); });
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  if (stats.ok()) {
    EXPECT_EQ(stats->collateral_preparations, want_preparations);
  }
  EXPECT_EQ(results.size(), fleet.dirs().size());
  for (size_t i = 0; i < results.size() && i < fleet.dirs().size(); ++i) {
    SCOPED_TRACE(fleet.dirs()[i]);
    auto [code, json] = VerifyAlone(fleet.dirs()[i], root_pem, at);
    EXPECT_EQ(results[i].exit_code, code);
    EXPECT_EQ(results[i].report_json, json);
  }
  return results;
}

bool Fails(const BundleResult& r, const std::string& id) {
  for (const std::string& f : r.line.failing) {
    if (f == id) return true;
  }
  return false;
}

// Good bundles first and between: every cache is warm when an attack comes.
TEST(BatchCacheAttackTest, AnIntermediateOneByteAwayFromTheVerifiedOneFails) {
  testing::TestPki pki = Pki();
  std::string ca_der = pki.pck_ca().Der();
  // The last byte of the CA's signature: the certificate still parses.
  ca_der.back() = char(ca_der.back() ^ 0x01);
  auto other_ca = crypto::Certificate::FromDer(AsBytes(ca_der));
  ASSERT_TRUE(other_ca.ok()) << other_ca.status().ToString();
  ASSERT_NE(other_ca->Der(), pki.pck_ca().Der());
  const std::string bad_chain = pki.pck_leaf().Pem() + other_ca->Pem() + pki.root().Pem();
  const std::string coll = CollateralOf(pki);
  Fleet fleet;
  for (int i = 0; i < 8; ++i) {
    fleet.Add(QuoteOf(pki, i % 3 == 2 ? std::optional<std::string>(bad_chain) : std::nullopt),
              coll);
  }
  for (int jobs : {1, 2}) {
    SCOPED_TRACE(jobs);
    auto results = RunAndCompare(fleet, pki.RootPem(), testing::kPkiNow, jobs);
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(Fails(results[i], "quote.pck_chain"), i % 3 == 2) << results[i].line.ToJson();
      EXPECT_EQ(Fails(results[i], "quote.quote_signature"), false);
    }
  }
}

TEST(BatchCacheAttackTest, AQeReportSignatureOneByteAwayFromAVerifiedOneFails) {
  // Every quote of the platform carries the same QE report; the leaf's
  // cache remembers that its signature verified. The same report with a
  // signature one byte away must be verified, and fail.
  testing::TestPki pki = Pki();
  const std::string coll = CollateralOf(pki);
  // header, TD body, signature data length, quote signature, attestation
  // key, certification data type and size, QE report: its signature.
  constexpr size_t kQeReportSignature = 48 + 584 + 4 + 64 + 64 + 2 + 4 + 384;
  Fleet fleet;
  for (int i = 0; i < 8; ++i) {
    std::vector<uint8_t> q = QuoteOf(pki, std::nullopt);
    if (i % 3 == 2) q[kQeReportSignature + 5 + i] ^= 0x01;
    fleet.Add(q, coll);
  }
  for (int jobs : {1, 2}) {
    SCOPED_TRACE(jobs);
    auto results = RunAndCompare(fleet, pki.RootPem(), testing::kPkiNow, jobs);
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(Fails(results[i], "quote.qe_report_signature"), i % 3 == 2)
          << results[i].line.ToJson();
    }
  }
}

TEST(BatchCacheAttackTest, ARevokedLeafOrIntermediateFailsEveryTimeItIsMet) {
  for (bool leaf : {true, false}) {
    SCOPED_TRACE(leaf ? "PCK leaf revoked" : "PCK intermediate revoked");
    testing::PkiOptions po;
    po.revoke_pck_leaf = leaf;
    po.revoke_pck_ca = !leaf;
    testing::TestPki pki = Pki(po);
    const std::string coll = CollateralOf(pki);
    Fleet fleet;
    for (int i = 0; i < 6; ++i) fleet.Add(QuoteOf(pki, std::nullopt), coll);
    for (int jobs : {1, 2}) {
      SCOPED_TRACE(jobs);
      for (const BundleResult& r : RunAndCompare(fleet, pki.RootPem(), testing::kPkiNow, jobs)) {
        EXPECT_TRUE(Fails(r, "quote.pck_revocation")) << r.line.ToJson();
        EXPECT_EQ(r.exit_code, 1);
      }
    }
  }
}

TEST(BatchCacheAttackTest, ACertificateOutsideItsValidityAtTheTimeGivenFails) {
  // The leaf expired a day before the verification time; then the
  // intermediate. A time inside both windows passes the chain.
  for (bool leaf : {true, false}) {
    SCOPED_TRACE(leaf ? "leaf" : "intermediate");
    testing::PkiOptions po;
    (leaf ? po.pck_leaf : po.pck_ca).not_after = testing::kPkiNow - testing::kDay;
    testing::TestPki pki = Pki(po);
    const std::string coll = CollateralOf(pki);
    Fleet fleet;
    for (int i = 0; i < 5; ++i) fleet.Add(QuoteOf(pki, std::nullopt), coll);
    for (int jobs : {1, 2}) {
      SCOPED_TRACE(jobs);
      for (const BundleResult& r : RunAndCompare(fleet, pki.RootPem(), testing::kPkiNow, jobs)) {
        EXPECT_TRUE(Fails(r, "quote.pck_chain")) << r.line.ToJson();
        EXPECT_EQ(r.exit_code, 1);
      }
      const Time before = testing::kPkiNow - 2 * testing::kDay;
      for (const BundleResult& r : RunAndCompare(fleet, pki.RootPem(), before, jobs)) {
        EXPECT_FALSE(Fails(r, "quote.pck_chain")) << r.line.ToJson();
      }
    }
  }
}

TEST(BatchCacheAttackTest, CollateralOneByteAwayIsPreparedAndJudgedOnItsOwn) {
  // The same document with its TCB info signature's last hex digit changed:
  // prepared apart, and its signature fails only for its own bundles.
  testing::TestPki pki = Pki();
  const std::string coll = CollateralOf(pki);
  const size_t at = coll.find("\"tcb_info_signature\"");
  ASSERT_NE(at, std::string::npos);
  const size_t end = coll.find('"', coll.find('"', at + 21) + 1);
  ASSERT_NE(end, std::string::npos);
  std::string bad = coll;
  bad[end - 1] = bad[end - 1] == '0' ? '1' : '0';
  Fleet fleet;
  for (int i = 0; i < 6; ++i) fleet.Add(QuoteOf(pki, std::nullopt), i % 2 == 1 ? bad : coll);
  for (int jobs : {1, 2}) {
    SCOPED_TRACE(jobs);
    auto results = RunAndCompare(fleet, pki.RootPem(), testing::kPkiNow, jobs, 2);
    for (size_t i = 0; i < results.size(); ++i) {
      EXPECT_EQ(Fails(results[i], "quote.tcb_info_signature"), i % 2 == 1)
          << results[i].line.ToJson();
    }
  }
}

}  // namespace
}  // namespace ccv::adversarial
