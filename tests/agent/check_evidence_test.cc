// CheckEvidence: what the agent collected must parse with the verifier's
// parsers; errors name the guest file and the parser's offset.
#include <filesystem>
#include <string>
#include <vector>

#include "agent/collector.h"
#include "gtest/gtest.h"
#include "parsers/core/hex.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;
using namespace ::ccv::testing;  // NOLINT: test helpers

// The REPORTDATA of evidence/ccapi-td/quote.bin (its expected.json).
constexpr char kCcapiReportData[] =
    "be588d6fb83c176b1a45f670710d07da4847fe91c131939da3b2cc569c085909"
    "fe0fa483d715a9e5d998773d34f6ba2910f40a551b0f33f6c9f36dbab8b7771b";

class CheckEvidenceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found";
    fs::path ev = *corpus / "evidence" / "ccapi-td";
    e_.ccel_data = ReadAll(ev / "ccel_data.bin");
    e_.ccel_table = MakeCcelTable(e_.ccel_data.size(), 0x7fbf0000);
    e_.quote = ReadAll(ev / "quote.bin");
    e_.ima_ascii = ReadAll(ev / "ascii_runtime_measurements");
    auto rd = FromHex(kCcapiReportData);
    std::copy(rd->begin(), rd->end(), e_.report_data.begin());
    e_.ccel_table_path = "/t/CCEL";
    e_.ccel_data_path = "/t/data/CCEL";
    e_.ima_ascii_path = "/t/ascii";
    e_.tpm_log_path = "/t/tpm";
    e_.report_path = "/t/outblob";
  }
  Status Check() {
    warnings_.clear();
    return CheckEvidence(e_, &warnings_);
  }
  void FixTableChecksum() {
    e_.ccel_table[9] = 0;
    uint8_t sum = 0;
    for (uint8_t b : e_.ccel_table) sum = uint8_t(sum + b);
    e_.ccel_table[9] = uint8_t(0 - sum);
  }
  Evidence e_;
  std::vector<std::string> warnings_;
};

TEST_F(CheckEvidenceTest, CcapiTdEvidencePassesWithoutWarnings) {
  Status s = Check();
  EXPECT_TRUE(s.ok()) << s.ToString();
  EXPECT_TRUE(warnings_.empty());
}

TEST_F(CheckEvidenceTest, TableChecksumIsCheckedAtItsOffset) {
  e_.ccel_table[20] ^= 0x40;
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadChecksum);
  EXPECT_EQ(s.offset(), 9u);
  EXPECT_EQ(s.file(), "/t/CCEL");
}

TEST_F(CheckEvidenceTest, TableSignatureMustBeCcel) {
  e_.ccel_table[0] = 'X';
  FixTableChecksum();
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadMagic);
  EXPECT_EQ(s.offset(), 0u);
}

TEST_F(CheckEvidenceTest, ShortTableIsRejected) {
  e_.ccel_table.resize(40);
  Status s = Check();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.file(), "/t/CCEL");
}

TEST_F(CheckEvidenceTest, NonTdxCcTypeIsBadValue) {
  e_.ccel_table[36] = 3;
  FixTableChecksum();
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
  EXPECT_EQ(s.offset(), 36u);
  EXPECT_EQ(s.field(), "cc_type");
}

TEST_F(CheckEvidenceTest, LamlMustBeTheLogAreaSize) {
  e_.ccel_data.resize(e_.ccel_data.size() - 4096);
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadLength);
  EXPECT_EQ(s.file(), "/t/data/CCEL");
}

TEST_F(CheckEvidenceTest, TruncatedLogAreaNamesTheOffset) {
  e_.ccel_data.resize(200);
  e_.ccel_table = MakeCcelTable(200, 0x7fbf0000);
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kTruncated);
  ASSERT_TRUE(s.offset().has_value());
  EXPECT_LE(*s.offset(), 200u);
  EXPECT_EQ(s.file(), "/t/data/CCEL");
}

TEST_F(CheckEvidenceTest, LogAreaWithoutSpecIdHeaderIsRejected) {
  for (size_t i = 32; i < 48; ++i) e_.ccel_data[i] = 'Z';  // Spec ID signature
  Status s = Check();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.file(), "/t/data/CCEL");
}

TEST_F(CheckEvidenceTest, BadImaLineNamesFileAndLine) {
  std::string text(e_.ima_ascii->begin(), e_.ima_ascii->end());
  text += " 2 nothex ima-ng sha384:00 /x\n";
  e_.ima_ascii = std::vector<uint8_t>(text.begin(), text.end());
  Status s = Check();
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.file(), "/t/ascii");
  EXPECT_EQ(s.line(), 2u);
}

TEST_F(CheckEvidenceTest, GarbageTpmLogIsRejected) {
  e_.tpm_log = std::vector<uint8_t>{1, 2, 3};
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kTruncated);
  EXPECT_EQ(s.file(), "/t/tpm");
}

TEST_F(CheckEvidenceTest, TruncatedQuoteIsRejected) {
  e_.quote->resize(300);
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kTruncated);
  EXPECT_EQ(s.file(), "/t/outblob");
}

TEST_F(CheckEvidenceTest, SgxQuoteIsNotATdxQuote) {
  auto corpus = CorpusDir();
  e_.quote = ReadAll(*corpus / "quotes" / "dcap-qvl-sgx-v3.bin");
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
}

TEST_F(CheckEvidenceTest, ReportDataMismatchIsAnErrorOnALiveGuest) {
  e_.report_data[0] ^= 1;
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadValue);
  EXPECT_EQ(s.file(), "/t/outblob");
}

TEST_F(CheckEvidenceTest, ReportDataMismatchIsAWarningOnAFakeTree) {
  e_.report_data[0] ^= 1;
  e_.fake_tree = true;
  EXPECT_TRUE(Check().ok());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("REPORTDATA"), std::string::npos);
}

TEST_F(CheckEvidenceTest, TdReportIsCheckedLikeAQuote) {
  e_.quote.reset();
  e_.td_report = MakeTdReport(std::vector<uint8_t>(e_.report_data.begin(), e_.report_data.end()));
  EXPECT_TRUE(Check().ok());
  (*e_.td_report)[0] = 0x00;
  Status s = Check();
  EXPECT_EQ(s.code(), ErrorCode::kBadMagic);
  EXPECT_EQ(s.offset(), 0u);
}

TEST_F(CheckEvidenceTest, NoReportIsNotFound) {
  e_.quote.reset();
  EXPECT_EQ(Check().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace ccv::agent
