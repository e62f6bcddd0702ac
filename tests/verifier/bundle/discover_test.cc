// Evidence folders without a manifest: each file recognised by its content,
// two files for one role refused, hostile files refused, and the corpus
// folders taken as they are.
#include "verifier/bundle/discover.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/corpus.h"
#include "tests/testing/demo_bundle.h"

namespace ccv::bundle {
namespace {

namespace fs = std::filesystem;

bool Has(const std::vector<std::string>& lines, const std::string& text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

TEST(DiscoverTest, DemoFilesAreTakenByContent) {
  testing::BundleCopy b;
  fs::remove(b / "evidence.json");
  auto d = LoadOrDiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->from_manifest);
  const Evidence& e = d->evidence;
  EXPECT_EQ(e.quote, (b / "quote.bin").string());
  EXPECT_EQ(e.ccel_table, (b / "CCEL").string());
  EXPECT_EQ(e.ccel_data, (b / "CCEL.data").string());
  EXPECT_EQ(e.ima, (b / "ascii_runtime_measurements").string());
  EXPECT_EQ(e.collateral, (b / "collateral.json").string());
  EXPECT_FALSE(e.tpm_eventlog || e.cel || e.td_report || e.nonce);
  EXPECT_EQ(e.tee, "tdx");
  // The PEM root and the policy are no evidence: passed over, and said so.
  EXPECT_TRUE(Has(d->taken, "root_ca.pem: passed over")) << ::testing::PrintToString(d->taken);
  EXPECT_TRUE(Has(d->taken, "policy.yaml: passed over"));
  EXPECT_TRUE(Has(d->taken, "quote.bin: tdx-quote (quote)"));
}

TEST(DiscoverTest, AManifestIsReadWhenPresent) {
  testing::BundleCopy b;
  auto d = LoadOrDiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(d->from_manifest);
  EXPECT_TRUE(d->evidence.nonce.has_value());  // only the manifest knows it
}

TEST(DiscoverTest, TwoFilesForOneRoleAreAnErrorNamingBoth) {
  testing::BundleCopy b;
  fs::remove(b / "evidence.json");
  fs::copy_file(b / "quote.bin", b / "quote2.bin");
  auto d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kBadValue);
  EXPECT_NE(d.status().message().find("'quote.bin' and 'quote2.bin'"), std::string::npos)
      << d.status().ToString();
}

TEST(DiscoverTest, NonceFilesAndTheirBinding) {
  testing::BundleCopy b;
  fs::remove(b / "evidence.json");
  b.Write("nonce.hex", "00112233\n");
  auto d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->evidence.nonce, (std::vector<uint8_t>{0x00, 0x11, 0x22, 0x33}));
  EXPECT_EQ(d->evidence.report_data_mode, ReportDataMode::kSha512NonceUserData);
  // 64 bytes: REPORTDATA itself (GCE). Zero bytes are not taken for a log.
  fs::remove(b / "nonce.hex");
  b.Write("nonce.bin", std::string(64, '\0'));
  d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->evidence.report_data_mode, ReportDataMode::kNonce);
  EXPECT_FALSE(d->evidence.tpm_eventlog);
  // Two nonce files are two candidates.
  b.Write("nonce", "x");
  EXPECT_FALSE(DiscoverEvidenceDir(b.dir().string()).ok());
}

TEST(DiscoverTest, APckNamedPemIsThePckChainAndOtherPemsArePassedOver) {
  testing::BundleCopy b;
  fs::remove(b / "evidence.json");
  // The demo's root_ca.pem stays passed over: a trust anchor is a flag, never
  // something a folder of evidence supplies.
  fs::copy_file(b / "root_ca.pem", b / "PCK_chain.pem");
  auto d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->evidence.pck_chain, (b / "PCK_chain.pem").string());
  EXPECT_TRUE(Has(d->taken, "PCK_chain.pem: PEM certificates (pck_chain)"))
      << ::testing::PrintToString(d->taken);
  EXPECT_TRUE(Has(d->taken, "root_ca.pem: passed over"));
  // A pck-named file that is not PEM is no chain; two chains are two candidates.
  b.Write("pck_notes.txt", "PCK chain requested from the PCCS\n");
  b.Write("pck2.pem", "\n-----BEGIN CERTIFICATE-----\n");
  d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("'PCK_chain.pem' and 'pck2.pem'"), std::string::npos)
      << d.status().ToString();
  fs::remove(b / "pck2.pem");
  d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(Has(d->taken, "pck_notes.txt: passed over"));
}

TEST(DiscoverTest, ZeroBytesAndOtherJsonArePassedOver) {
  testing::BundleCopy b;
  fs::remove(b / "evidence.json");
  b.Write("blob", std::string(64, '\0'));
  b.Write("report.json", "{\"verdict\": {\"records\": []}, \"tcb_info\": 1}");
  auto d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_FALSE(d->evidence.tpm_eventlog);
  EXPECT_FALSE(d->evidence.cel);
  EXPECT_EQ(d->evidence.collateral, (b / "collateral.json").string());
  EXPECT_TRUE(Has(d->taken, "blob: passed over"));
  EXPECT_TRUE(Has(d->taken, "report.json: passed over"));
}

TEST(DiscoverTest, HostileFilesAreRefused) {
  {
    testing::BundleCopy b;
    fs::remove(b / "evidence.json");
    fs::create_symlink("/etc/passwd", b / "passwd");
    auto d = DiscoverEvidenceDir(b.dir().string());
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().ToString().find("root:"), std::string::npos);
  }
  {
    testing::BundleCopy b;
    fs::remove(b / "evidence.json");
    ASSERT_EQ(::mkfifo((b / "fifo").c_str(), 0600), 0);
    EXPECT_FALSE(DiscoverEvidenceDir(b.dir().string()).ok());  // and does not hang
  }
}

TEST(DiscoverTest, AFolderWithoutEvidenceIsNotFound) {
  testing::BundleCopy b(testing::SourceDir() / "policies/examples");
  auto d = DiscoverEvidenceDir(b.dir().string());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kNotFound);
}

TEST(DiscoverCorpusTest, CorpusFoldersAreTakenAsTheyAre) {
  CCV_REQUIRE_CORPUS(corpus);
  auto gcp = LoadOrDiscoverEvidenceDir((corpus / "evidence/gcp-cos113").string());
  ASSERT_TRUE(gcp.ok()) << gcp.status().ToString();
  EXPECT_TRUE(gcp->evidence.quote && gcp->evidence.ccel_table && gcp->evidence.ccel_data &&
              gcp->evidence.collateral);
  ASSERT_TRUE(gcp->evidence.nonce);
  EXPECT_EQ(gcp->evidence.nonce->size(), 64u);
  EXPECT_EQ(gcp->evidence.report_data_mode, ReportDataMode::kNonce);
  EXPECT_TRUE(Has(gcp->taken, "expected.json: passed over"));
  auto ccapi = LoadOrDiscoverEvidenceDir((corpus / "evidence/ccapi-td").string());
  ASSERT_TRUE(ccapi.ok()) << ccapi.status().ToString();
  EXPECT_TRUE(ccapi->evidence.quote && ccapi->evidence.ccel_data && ccapi->evidence.ima);
  EXPECT_FALSE(ccapi->evidence.ccel_table || ccapi->evidence.collateral || ccapi->evidence.nonce);
}

}  // namespace
}  // namespace ccv::bundle
