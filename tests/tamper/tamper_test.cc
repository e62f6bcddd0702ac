// A bounded sample of the tamper suites (tests/tamper/tamper.h) on the real
// corpus: every N-th byte or value, each covered mutation must be detected.
// tests/tamper/tamper_run.sh runs the complete suites and prints the counts.
#include "tests/tamper/tamper.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/collateral.h"

namespace ccv::tamper {
namespace {

std::string Missed(const Counts& c) {
  std::string s;
  for (const auto& m : c.missed) s += m + "; ";
  return s;
}

TEST(TamperTest, EveryFlipOfTheSyntheticQuoteSignedRegionsIsDetected) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  std::vector<uint8_t> q = b.Build();
  auto collateral =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  auto anchor = quote::LoadTrustAnchor(pki->RootPem());
  ASSERT_TRUE(anchor.ok());
  auto prepared = quote::PrepareCollateral(collateral, std::move(*anchor), testing::kPkiNow);
  ASSERT_TRUE(prepared.ok());
  auto c = TamperQuote(q, *prepared, /*stride=*/7);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  // Header+body (632) + signature and key (128) + QE report and signature
  // (448) + auth data (32), every 7th byte of each region.
  EXPECT_GT(c->tried, 1240u / 7 - 4);
  EXPECT_EQ(c->detected, c->tried) << Missed(*c);
}

TEST(TamperTest, EveryEditOfTheSyntheticSignedCollateralIsDetected) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  auto collateral =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  auto c = TamperCollateral(b.Build(), collateral, pki->RootPem(), testing::kPkiNow,
                            /*stride=*/3);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GT(c->tried, 20u);
  EXPECT_EQ(c->detected, c->tried) << Missed(*c);
}

TEST(TamperTest, RealQuoteSignedRegionFlipsAreDetected) {
  CCV_REQUIRE_CORPUS(corpus);
  auto q = ReadFileBytes((corpus / "quotes/dcap-qvl-tdx-v4.bin").string());
  auto j = ReadFileText((corpus / "quotes/collateral/B0C06F000000-2025-07.json").string());
  ASSERT_TRUE(q.ok() && j.ok());
  auto col = quote::ParseCollateralJson(*j);
  ASSERT_TRUE(col.ok());
  auto anchor = quote::LoadTrustAnchor();
  ASSERT_TRUE(anchor.ok());
  // cases.json: dcap-qvl-tdx-v4 is evaluated at its "now_unix".
  auto prepared = quote::PrepareCollateral(*col, std::move(*anchor), 1752919234);
  ASSERT_TRUE(prepared.ok());
  auto c = TamperQuote(*q, *prepared, /*stride=*/31);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GT(c->tried, 30u);
  EXPECT_EQ(c->detected, c->tried) << Missed(*c);
}

TEST(TamperTest, TcgLogDigestAndCoveredDataFlipsAreDetected) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const char* f : {"tcg/gce-ubuntu-2104-no-secure-boot.bin", "tcg/linux-tpm12.bin"}) {
    auto log = ReadFileBytes((corpus / f).string());
    ASSERT_TRUE(log.ok()) << f;
    auto c = TamperTcgLog(*log, replay::RegisterSpace::kTpmPcr, /*stride=*/13);
    ASSERT_TRUE(c.ok()) << f << ": " << c.status().ToString();
    EXPECT_GT(c->tried, 50u) << f;
    EXPECT_EQ(c->detected, c->tried) << f << ": " << Missed(*c);
  }
}

TEST(TamperTest, CcelDigestAndCoveredDataFlipsAreDetected) {
  CCV_REQUIRE_CORPUS(corpus);
  auto log = ReadFileBytes((corpus / "ccel/intel-tdvf-sample.bin").string());
  ASSERT_TRUE(log.ok());
  auto c = TamperTcgLog(*log, replay::RegisterSpace::kCcMr, /*stride=*/11);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_GT(c->tried, 50u);
  EXPECT_EQ(c->detected, c->tried) << Missed(*c);
}

TEST(TamperTest, ImaTemplateHashAndDataFlipsAreDetected) {
  CCV_REQUIRE_CORPUS(corpus);
  auto ascii = ReadFileBytes((corpus / "ima/ima-evm-utils-test.ascii").string());
  ASSERT_TRUE(ascii.ok());
  auto a = TamperImaLog(*ascii, ima::LogFormat::kAscii, /*stride=*/1);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_GT(a->tried, 100u);
  EXPECT_EQ(a->detected, a->tried) << Missed(*a);
}

// Shards k of n together try each mutation once: their counts add up to
// the unsharded run's, and no shard is empty.
TEST(TamperTest, ShardsPartitionTheMutations) {
  CCV_REQUIRE_CORPUS(corpus);
  auto ascii = ReadFileBytes((corpus / "ima/ima-evm-utils-test.ascii").string());
  ASSERT_TRUE(ascii.ok());
  auto whole = TamperImaLog(*ascii, ima::LogFormat::kAscii, /*stride=*/1);
  ASSERT_TRUE(whole.ok()) << whole.status().ToString();
  Counts sum;
  for (size_t k = 0; k < 3; ++k) {
    auto part = TamperImaLog(*ascii, ima::LogFormat::kAscii, 1, Shard{k, 3});
    ASSERT_TRUE(part.ok()) << part.status().ToString();
    EXPECT_GT(part->tried, 0u);
    EXPECT_LT(part->tried, whole->tried);
    sum.Add(*part);
  }
  EXPECT_EQ(sum.tried, whole->tried);
  EXPECT_EQ(sum.detected, whole->detected);
  EXPECT_EQ(sum.rejected, whole->rejected);
  EXPECT_EQ(sum.uncovered_tried, whole->uncovered_tried);
  EXPECT_EQ(sum.uncovered_detected, whole->uncovered_detected);

  auto tcg = ReadFileBytes((corpus / "ccel/intel-tdvf-sample.bin").string());
  ASSERT_TRUE(tcg.ok());
  auto w = TamperTcgLog(*tcg, replay::RegisterSpace::kCcMr, /*stride=*/11);
  ASSERT_TRUE(w.ok());
  auto p0 = TamperTcgLog(*tcg, replay::RegisterSpace::kCcMr, 11, Shard{0, 2});
  auto p1 = TamperTcgLog(*tcg, replay::RegisterSpace::kCcMr, 11, Shard{1, 2});
  ASSERT_TRUE(p0.ok() && p1.ok());
  EXPECT_GT(p0->tried, 0u);
  EXPECT_GT(p1->tried, 0u);
  EXPECT_EQ(p0->tried + p1->tried, w->tried);
  EXPECT_EQ(p0->uncovered_tried + p1->uncovered_tried, w->uncovered_tried);
  EXPECT_EQ(p0->detected + p1->detected, w->detected);
}

// The boot lab's evidence (tests/lab/run.sh; $CCV_LAB_OUT, else the build's lab/):
// real TPM logs of OVMF, shim, GRUB and systemd-stub and real IMA lists. Every flip of
// a digest or of digested data is detected.
TEST(TamperTest, LabEvidenceFlipsAreDetected) {
  const char* env = std::getenv("CCV_LAB_OUT");
  const char* bin = std::getenv("CCV_BINARY_DIR");
  const std::filesystem::path lab = env != nullptr
                                        ? std::filesystem::path(env)
                                        : std::filesystem::path(bin != nullptr ? bin : ".") / "lab";
  std::vector<std::filesystem::path> variants;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(lab, ec)) {
    if (std::filesystem::exists(e.path() / "pcrs.json")) variants.push_back(e.path());
  }
  if (variants.empty()) {
    GTEST_SKIP() << "no boot lab output in " << lab << " (tests/lab/run.sh " << lab << ")";
  }
  for (const auto& v : variants) {
    SCOPED_TRACE(v.string());
    auto log = ReadFileBytes((v / "binary_bios_measurements").string());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    auto t = TamperTcgLog(*log, replay::RegisterSpace::kTpmPcr, /*stride=*/1);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_GT(t->tried, 100u);
    EXPECT_EQ(t->detected, t->tried) << Missed(*t);
    const std::pair<const char*, ima::LogFormat> lists[] = {
        {"ascii_runtime_measurements", ima::LogFormat::kAscii},
        {"binary_runtime_measurements", ima::LogFormat::kBinary}};
    for (const auto& [file, format] : lists) {
      auto data = ReadFileBytes((v / file).string());
      ASSERT_TRUE(data.ok()) << file << ": " << data.status().ToString();
      auto c = TamperImaLog(*data, format, /*stride=*/1);
      ASSERT_TRUE(c.ok()) << file << ": " << c.status().ToString();
      EXPECT_GT(c->tried, 50u) << file;
      EXPECT_EQ(c->detected, c->tried) << file << ": " << Missed(*c);
    }
  }
}

TEST(TamperTest, UnreplayableLogIsAnErrorNotACount) {
  std::vector<uint8_t> junk(16, 0xAB);
  auto c = TamperTcgLog(junk, replay::RegisterSpace::kTpmPcr, 1);
  EXPECT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccv::tamper
