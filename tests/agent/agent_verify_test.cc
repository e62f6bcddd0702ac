// End to end: ccverify-agent collects from a fake guest tree into a bundle,
// and `ccverify verify` accepts that bundle.
//   * Synthetic evidence: the ccapi-td CCEL log and IMA list with a quote
//     signed by our test PKI whose MRTD and RTMRs are the ccapi-td ones and
//     whose REPORTDATA binds the nonce: verify passes (exit 0).
//   * The real ccapi-td quote: verify evaluates the bundle (exit 1, not an
//     input error) and finds the replayed RTMRs equal to the quote's; the
//     quote itself is not trusted (its chain does not end at Intel's root).
//   * The real gcp-cos113 TD (its own ACPI table, CCEL and Intel-signed quote
//     with collateral): verify passes against the Intel root, and the CC-API
//     over the bundle replays to the quote's RTMRs.
#include <filesystem>
#include <memory>
#include <string>

#include <rapidjson/document.h>

#include "agent/cc_api.h"
#include "gtest/gtest.h"
#include "parsers/core/hex.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"
#include "verifier/ccapi/bundle_cc_api.h"
#include "verifier/quote/collateral.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;
using namespace ::ccv::testing;  // NOLINT: test helpers

// TD quote body offsets (Intel TDX DCAP Quoting Library API, A.3.2).
constexpr size_t kBodyMrTd = 136;
constexpr size_t kBodyRtmr0 = 328;
constexpr size_t kBodyReportData = 520;

class AgentVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!LoadCcapiTd(&ev_, &expected_)) GTEST_SKIP() << "shared corpus not found";
    ASSERT_FALSE(expected_.HasParseError());
    work_ = MakeTempDir("verify");
    root_ = work_ / "guest";
    WriteCcapiTdGuest(ev_, root_);
  }
  void TearDown() override {
    if (!work_.empty()) fs::remove_all(work_);
  }
  std::vector<uint8_t> QuoteField(const char* name) {
    return *FromHex(expected_["quote"][name].GetString());
  }
  // Runs the agent with `outblob` served by a fake configfs-tsm.
  RunResult Collect(std::vector<uint8_t> outblob, std::vector<std::string> extra) {
    FakeTsm tsm(root_ / kFakeTsmReport, std::move(outblob));
    std::vector<std::string> argv = {(BinaryDir() / "ccverify-agent").string(),
                                     "collect",
                                     "--root",
                                     root_.string(),
                                     "--out",
                                     bundle().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }
  RunResult Verify(std::vector<std::string> extra) {
    std::vector<std::string> argv = {(BinaryDir() / "ccverify").string(), "verify",
                                     bundle().string(), "--format", "json"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }
  fs::path bundle() const { return work_ / "bundle"; }
  void ExpectReplayMatchesQuote(const rapidjson::Document& report) {
    ASSERT_TRUE(report.HasMember("replay")) << "no replay section";
    const auto& m = report["replay"]["matches_quote"];
    for (const char* reg : {"rtmr0", "rtmr1", "rtmr2"}) {
      ASSERT_TRUE(m.HasMember(reg)) << reg;
      EXPECT_TRUE(m[reg].GetBool()) << reg;
    }
    const auto& regs = report["replay"]["registers"];
    for (const char* reg : {"rtmr0", "rtmr1", "rtmr2"}) {
      EXPECT_STREQ(regs[reg]["sha384"].GetString(), expected_["quote"][reg].GetString()) << reg;
    }
  }

  fs::path ev_, work_, root_;
  rapidjson::Document expected_;
};

rapidjson::Document ParseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  return d;
}

TEST_F(AgentVerifyTest, SyntheticSignedQuoteBundleIsTrusted) {
  const std::vector<uint8_t> nonce = {0x6e, 0x6f, 0x6e, 0x63, 0x65, 0x2d, 0x31};
  const std::vector<uint8_t> user_data = {0xca, 0xfe, 0xf0, 0x0d};
  Result<TestPki> pki = TestPki::Create();
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  QuoteBuilder b = DefaultTdxQuote(*pki);
  std::vector<uint8_t> body = b.Body();
  std::vector<uint8_t> mrtd = QuoteField("mrtd");
  std::copy(mrtd.begin(), mrtd.end(), body.begin() + kBodyMrTd);
  const char* rtmrs[] = {"rtmr0", "rtmr1", "rtmr2", "rtmr3"};
  for (size_t i = 0; i < 4; ++i) {
    std::vector<uint8_t> r = QuoteField(rtmrs[i]);
    std::copy(r.begin(), r.end(), body.begin() + kBodyRtmr0 + 48 * i);
  }
  std::array<uint8_t, 64> rd = ReportDataFor(nonce, user_data);
  std::copy(rd.begin(), rd.end(), body.begin() + kBodyReportData);
  b.body = body;
  ASSERT_TRUE(SignQuote(*pki, TestAttestationKey(), &b).ok());
  std::string collateral =
      quote::CollateralToJson(MakeCollateral(*pki, DefaultTdxTcbInfo(), DefaultQeIdentity()));
  WriteText(work_ / "collateral.json", collateral);
  WriteText(work_ / "root_ca.pem", pki->RootPem());

  RunResult c = Collect(b.Build(), {"--nonce", ToHex(nonce), "--user-data", ToHex(user_data)});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(c.err.find("warning"), std::string::npos) << c.err;  // REPORTDATA matched

  RunResult v = Verify({"--collateral", (work_ / "collateral.json").string(), "--root-ca",
                        (work_ / "root_ca.pem").string(), "--at", "2026-01-01T00:00:00Z"});
  rapidjson::Document report = ParseJson(v.out);
  ASSERT_FALSE(report.HasParseError()) << v.out << v.err;
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_STREQ(report["verdict"].GetString(), "pass");
  ExpectReplayMatchesQuote(report);
}

TEST_F(AgentVerifyTest, SyntheticQuoteWithAnotherNonceFailsTheBinding) {
  Result<TestPki> pki = TestPki::Create();
  ASSERT_TRUE(pki.ok());
  QuoteBuilder b = DefaultTdxQuote(*pki);
  ASSERT_TRUE(SignQuote(*pki, TestAttestationKey(), &b).ok());
  WriteText(work_ / "collateral.json", quote::CollateralToJson(MakeCollateral(
                                           *pki, DefaultTdxTcbInfo(), DefaultQeIdentity())));
  WriteText(work_ / "root_ca.pem", pki->RootPem());
  // On a fake tree the agent warns and still writes the bundle; verify must
  // then reject it: neither the binding nor the RTMRs hold.
  RunResult c = Collect(b.Build(), {"--nonce", "01"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.err.find("REPORTDATA"), std::string::npos) << c.err;
  RunResult v = Verify({"--collateral", (work_ / "collateral.json").string(), "--root-ca",
                        (work_ / "root_ca.pem").string(), "--at", "2026-01-01T00:00:00Z"});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;
  rapidjson::Document report = ParseJson(v.out);
  ASSERT_FALSE(report.HasParseError());
  EXPECT_STREQ(report["verdict"].GetString(), "fail");
}

TEST_F(AgentVerifyTest, CcapiTdBundleIsEvaluatedAndItsReplayMatchesTheQuote) {
  RunResult c = Collect(ReadAll(ev_ / "quote.bin"), {});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  RunResult v = Verify({});
  EXPECT_EQ(v.exit_code, 1) << v.out << v.err;  // evaluated, untrusted
  rapidjson::Document report = ParseJson(v.out);
  ASSERT_FALSE(report.HasParseError()) << v.out << v.err;
  EXPECT_STREQ(report["verdict"].GetString(), "fail");
  ExpectReplayMatchesQuote(report);
}

TEST_F(AgentVerifyTest, GcpCos113GuestGivesATrustedBundle) {
  fs::path gcp = ev_.parent_path() / "gcp-cos113";
  fs::path root = work_ / "gcp-guest";
  WriteAll(root / kFakeCcelTable, ReadAll(gcp / "ccel.table.bin"));
  WriteAll(root / kFakeCcelData, ReadAll(gcp / "ccel.bin"));
  fs::create_directories(root / kFakeTsmReport);
  RunResult c;
  {
    FakeTsm tsm(root / kFakeTsmReport, ReadAll(gcp / "quote.bin"));
    c = RunCommand({(BinaryDir() / "ccverify-agent").string(), "collect", "--root", root.string(),
                    "--out", bundle().string()});
  }
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(ReadAll(bundle() / "CCEL"), ReadAll(gcp / "ccel.table.bin"));

  // This platform puts the 64-byte nonce itself into REPORTDATA (nonce.bin).
  std::vector<uint8_t> nonce = ReadAll(gcp / "nonce.bin");
  ASSERT_EQ(nonce.size(), 64u);
  RunResult v = Verify({"--collateral", (gcp / "collateral.json").string(), "--at",
                        "2025-10-20T00:00:00Z", "--report-data", ToHex(nonce)});
  rapidjson::Document report = ParseJson(v.out);
  ASSERT_FALSE(report.HasParseError()) << v.out << v.err;
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_STREQ(report["verdict"].GetString(), "pass");
  for (const char* reg : {"rtmr0", "rtmr1", "rtmr2"}) {
    EXPECT_TRUE(report["replay"]["matches_quote"][reg].GetBool()) << reg;
  }

  // The CC-API over the same bundle.
  auto api = verifier::BundleCcApi::Open(bundle().string());
  ASSERT_TRUE(api.ok()) << api.status().ToString();
  auto events = (*api)->GetCcEventlog();
  ASSERT_TRUE(events.ok());
  auto replay = (*api)->ReplayCcEventlog(*events);
  ASSERT_TRUE(replay.ok());
  auto bytes = ReadAll(gcp / "expected.json");
  rapidjson::Document want;
  want.Parse(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  for (uint32_t i = 0; i < 3; ++i) {
    std::string reg = "rtmr" + std::to_string(i);
    EXPECT_EQ(ToHex(replay->at(i).at(HashAlg::kSha384).span()),
              want["quote"][reg.c_str()].GetString())
        << reg;
    EXPECT_EQ(ToHex((*api)->GetCcMeasurement(i, HashAlg::kSha384)->span()),
              want["quote"][reg.c_str()].GetString())
        << reg;
  }
}

}  // namespace
}  // namespace ccv::agent
