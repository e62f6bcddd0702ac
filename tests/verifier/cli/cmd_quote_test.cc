// Whole-process tests of `ccverify quote verify`: exit codes (docs/cli.md),
// the JSON contract, --at, --root-ca and --accept-tcb, on corpus quotes and
// on a synthetic set from the test PKI.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

using RunResult = testing::CliRun;

RunResult RunCcverify(const std::string& args) {
  return testing::RunCcverify(args, testing::Stderr::kDiscard);
}

class QuoteCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("ccv_quote_cli_" + std::to_string(getpid())));
    ASSERT_TRUE(testing::WriteSyntheticQuoteSet(dir_->string()).ok());
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }
  static std::string Synthetic(const std::string& extra) {
    return "quote verify " + (*dir_ / "quote.bin").string() + " --collateral " +
           (*dir_ / "collateral.json").string() + " " + extra;
  }
  static fs::path* dir_;
};
fs::path* QuoteCliTest::dir_ = nullptr;

TEST_F(QuoteCliTest, SyntheticSetPassesWithItsRoot) {
  RunResult r = RunCcverify(Synthetic("--root-ca " + (*dir_ / "root_ca.pem").string() +
                                      " --at 2026-01-01T00:00:00Z --json"));
  EXPECT_EQ(r.code, 0) << r.out;
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  EXPECT_STREQ(d["verdict"].GetString(), "pass");
  EXPECT_STREQ(d["tcb_status"].GetString(), "UpToDate");
  EXPECT_TRUE(d["advisory_ids"].IsArray());
  ASSERT_TRUE(d["checks"].IsArray());
  for (const auto& c : d["checks"].GetArray()) {
    EXPECT_TRUE(c.HasMember("id") && c.HasMember("status") && c.HasMember("detail"));
    EXPECT_STRNE(c["status"].GetString(), "fail") << c["id"].GetString();
  }
  EXPECT_EQ(d["quote"]["version"].GetInt(), 4);
  EXPECT_STREQ(d["quote"]["tee_type"].GetString(), "TDX");
  EXPECT_TRUE(d["quote"].HasMember("mrtd"));
}

TEST_F(QuoteCliTest, SyntheticSetFailsWithEmbeddedIntelRoot) {
  RunResult r = RunCcverify(Synthetic("--at 2026-01-01T00:00:00Z --json"));
  EXPECT_EQ(r.code, 1);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["verdict"].GetString(), "fail");
}

TEST_F(QuoteCliTest, ExpiredCollateralFailsAtLaterTime) {
  RunResult r = RunCcverify(
      Synthetic("--root-ca " + (*dir_ / "root_ca.pem").string() + " --at 2026-03-01T00:00:00Z"));
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("[fail] tcb_info_validity"), std::string::npos) << r.out;
}

TEST_F(QuoteCliTest, UsageErrorsExitTwo) {
  EXPECT_EQ(RunCcverify("quote verify").code, 2);
  EXPECT_EQ(RunCcverify(Synthetic("--at yesterday")).code, 2);
  EXPECT_EQ(RunCcverify(Synthetic("--accept-tcb Fine")).code, 2);
  EXPECT_EQ(RunCcverify(Synthetic("--bogus")).code, 2);
  EXPECT_EQ(RunCcverify("quote verify " + (*dir_ / "quote.bin").string()).code, 2);
}

TEST_F(QuoteCliTest, InputErrorsExitThree) {
  EXPECT_EQ(RunCcverify("quote verify /nonexistent --collateral /nonexistent").code, 3);
  // The collateral given as the quote: not a quote.
  EXPECT_EQ(RunCcverify("quote verify " + (*dir_ / "collateral.json").string() + " --collateral " +
                        (*dir_ / "collateral.json").string())
                .code,
            3);
  // The quote given as collateral: not JSON.
  EXPECT_EQ(RunCcverify("quote verify " + (*dir_ / "quote.bin").string() + " --collateral " +
                        (*dir_ / "quote.bin").string())
                .code,
            3);
  EXPECT_EQ(RunCcverify(Synthetic("--root-ca " + (*dir_ / "quote.bin").string())).code, 3);
}

TEST(QuoteCliCorpusTest, AcceptTcbWidensTheVerdict) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string base = "quote verify " + (corpus / "quotes/dcap-qvl-sgx-v3.bin").string() +
                     " --collateral " +
                     (corpus / "quotes/collateral/00A067110000-2025-07-sgx.json").string() +
                     " --at 2025-07-19T10:01:17Z --json";
  RunResult r = RunCcverify(base);
  EXPECT_EQ(r.code, 1);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["tcb_status"].GetString(), "ConfigurationAndSWHardeningNeeded");
  ASSERT_EQ(d["advisory_ids"].Size(), 2u);
  EXPECT_STREQ(d["advisory_ids"][0].GetString(), "INTEL-SA-00289");
  EXPECT_STREQ(d["advisory_ids"][1].GetString(), "INTEL-SA-00615");
  r = RunCcverify(base + " --accept-tcb UpToDate,ConfigurationAndSWHardeningNeeded");
  EXPECT_EQ(r.code, 0) << r.out;
}

TEST(QuoteCliCorpusTest, TcbNotSupportedIsReportedAsNotSupported) {
  CCV_REQUIRE_CORPUS(corpus);
  RunResult r = RunCcverify(
      "quote verify " + (corpus / "quotes/go-tdx-guest-spr-e4-v4.bin").string() + " --collateral " +
      (corpus / "quotes/collateral/50806F000000-2023-07.json").string() +
      " --at 2023-07-01T01:00:00Z --json");
  EXPECT_EQ(r.code, 1);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["tcb_status"].GetString(), "NotSupported");
  // The reason names the component that matched no level of the real TCB info.
  ASSERT_TRUE(d["tcb"].HasMember("reason")) << r.out;
  EXPECT_NE(std::string(d["tcb"]["reason"].GetString()).find("SGX component 1 is 3"),
            std::string::npos)
      << r.out;
}

}  // namespace
}  // namespace ccv::cli

namespace ccv::cli {
namespace {

TEST(QuoteDumpTest, DumpDetectsQuotesAndPrintsEveryFieldAsJson) {
  CCV_REQUIRE_CORPUS(corpus);
  RunResult r =
      RunCcverify("dump --json " + (corpus / "quotes/dcap-qvl-tdx-v5-outdated.bin").string());
  EXPECT_EQ(r.code, 0);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  EXPECT_STREQ(d["format"].GetString(), "tdx-quote");
  const auto& q = d["quote"];
  EXPECT_EQ(q["version"].GetInt(), 5);
  EXPECT_STREQ(q["body_type"].GetString(), "TD report 1.5");
  EXPECT_STREQ(q["tee_tcb_svn2"].GetString(), "0d010300000000000000000000000000");
  EXPECT_STREQ(
      q["mrtd"].GetString(),
      "273828c46252fcbdd8ad2dd907130222b03466d52a2911d70c1a5950895d6bd1ae451d382d5a9b1b4c0e"
      "d0e5ae9a3dbd");
  EXPECT_EQ(q["qe_report"]["isv_svn"].GetInt(), 7);
}

TEST(QuoteDumpTest, DumpOfSgxQuoteAndTrailingBytes) {
  CCV_REQUIRE_CORPUS(corpus);
  RunResult r = RunCcverify("dump " + (corpus / "evidence/gcp-cos113/quote.bin").string());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("trailing_bytes_after_auth: 3065"), std::string::npos) << r.out;
  r = RunCcverify("dump " + (corpus / "quotes/dcap-qvl-sgx-v3.bin").string());
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(
      r.out.find("mr_enclave: 33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb"),
      std::string::npos);
}

TEST(QuoteDumpTest, DumpDetectsTdReport) {
  fs::path p = fs::temp_directory_path() / ("ccv_tdreport_" + std::to_string(getpid()));
  std::vector<uint8_t> b(1024, 0);
  b[0] = 0x81;
  b[512 + 16] = 0xab;  // mr_td[0]
  ASSERT_TRUE(WriteFileBytes(p.string(), b.data(), b.size()).ok());
  RunResult r = RunCcverify("dump --json " + p.string());
  fs::remove(p);
  EXPECT_EQ(r.code, 0);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  EXPECT_STREQ(d["format"].GetString(), "td-report");
  EXPECT_EQ(std::string(d["td_report"]["mrtd"].GetString()).substr(0, 2), "ab");
}

TEST(QuoteDumpTest, TruncatedQuoteIsAnInputError) {
  CCV_REQUIRE_CORPUS(corpus);
  auto q = ReadFileBytes((corpus / "quotes/dcap-qvl-tdx-v4.bin").string());
  fs::path p = fs::temp_directory_path() / ("ccv_cut_quote_" + std::to_string(getpid()));
  ASSERT_TRUE(WriteFileBytes(p.string(), q->data(), 700).ok());
  RunResult r = RunCcverify("dump " + p.string());
  fs::remove(p);
  EXPECT_EQ(r.code, 3);
}

}  // namespace
}  // namespace ccv::cli
