// The public C++ API (include/ccverify/ccverify.h) gives the verdicts and the
// very JSON documents of `ccverify verify`, `replay` and `quote verify` for
// the same inputs, and the command's exit code as its status.
#include <string>

#include <gtest/gtest.h>

#include "ccverify/ccverify.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"

namespace {

ccverify::VerifyOptions DemoOptions() {
  ccverify::VerifyOptions o;
  o.bundle_dir = ccv::testing::DemoDir().string();
  o.policy = (ccv::testing::DemoDir() / "policy.yaml").string();
  o.root_ca = (ccv::testing::DemoDir() / "root_ca.pem").string();
  o.at = ccv::testing::kDemoAt;
  return o;
}

const ccverify::Finding* Find(const std::vector<ccverify::Finding>& list, const std::string& id) {
  for (const ccverify::Finding& f : list) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

TEST(ApiTest, VerifyDemoIsTrustedWithTheCliJson) {
  ccverify::VerifyResult r = ccverify::Verify(DemoOptions());
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.trusted());
  EXPECT_EQ(r.outcome, "TRUSTED");
  ASSERT_NE(Find(r.checks, "quote.quote_signature"), nullptr);
  EXPECT_EQ(Find(r.checks, "quote.quote_signature")->status, "pass");
  EXPECT_FALSE(r.rules.empty());
  for (const ccverify::Finding& f : r.rules) EXPECT_NE(f.status, "fail") << f.id;

  auto cli = ccv::testing::RunCcverify(
      "verify " + ccv::testing::Quote(ccv::testing::DemoDir()) + " --policy " +
      ccv::testing::Quote(ccv::testing::DemoDir() / "policy.yaml") + " --root-ca " +
      ccv::testing::Quote(ccv::testing::DemoDir() / "root_ca.pem") + " --at " +
      ccv::testing::kDemoAt + " --format json");
  EXPECT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(r.json, cli.out);
}

TEST(ApiTest, VerifyWithoutTheTestRootIsUntrustedNotAnError) {
  ccverify::VerifyOptions o = DemoOptions();
  o.root_ca.reset();
  ccverify::VerifyResult r = ccverify::Verify(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, ccverify::Status::kUntrusted);
  EXPECT_EQ(r.outcome, "UNTRUSTED");
  ASSERT_NE(Find(r.checks, "quote.pck_chain"), nullptr);
  EXPECT_EQ(Find(r.checks, "quote.pck_chain")->status, "fail");
  auto cli = ccv::testing::RunCcverify(
      "verify " + ccv::testing::Quote(ccv::testing::DemoDir()) + " --policy " +
      ccv::testing::Quote(ccv::testing::DemoDir() / "policy.yaml") + " --at " +
      ccv::testing::kDemoAt + " --format json");
  EXPECT_EQ(cli.code, 1);
  EXPECT_EQ(r.json, cli.out);
}

TEST(ApiTest, VerifyWithoutPolicyIsVerifiedAtBest) {
  ccverify::VerifyOptions o = DemoOptions();
  o.policy.reset();
  ccverify::VerifyResult r = ccverify::Verify(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.outcome, "VERIFIED");
  EXPECT_TRUE(r.rules.empty());
}

TEST(ApiTest, VerifyMissingBundleIsAnInputErrorNamingIt) {
  ccverify::VerifyOptions o;
  o.bundle_dir = "/nonexistent/ccv-bundle";
  ccverify::VerifyResult r = ccverify::Verify(o);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status, ccverify::Status::kInput);
  EXPECT_NE(r.error.find("/nonexistent/ccv-bundle"), std::string::npos) << r.error;
  EXPECT_TRUE(r.json.empty());
  EXPECT_TRUE(r.outcome.empty());
}

TEST(ApiTest, VerifyBadNonceIsAUsageError) {
  ccverify::VerifyOptions o = DemoOptions();
  o.nonce_hex = "xyz";
  ccverify::VerifyResult r = ccverify::Verify(o);
  EXPECT_EQ(r.status, ccverify::Status::kUsage);
  EXPECT_NE(r.error.find("--nonce"), std::string::npos) << r.error;
}

TEST(ApiTest, VerifyMalformedPolicyIsAnInputError) {
  ccverify::VerifyOptions o = DemoOptions();
  o.policy = (ccv::testing::DemoDir() / "quote.bin").string();
  ccverify::VerifyResult r = ccverify::Verify(o);
  EXPECT_EQ(r.status, ccverify::Status::kInput) << r.error;
}

TEST(ApiTest, ReplayGivesTheCliJsonAndRegisters) {
  ccverify::ReplayOptions o;
  o.ccel = (ccv::testing::DemoDir() / "CCEL.data").string();
  o.ima = (ccv::testing::DemoDir() / "ascii_runtime_measurements").string();
  o.quote = (ccv::testing::DemoDir() / "quote.bin").string();
  ccverify::ReplayResult r = ccverify::Replay(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.trusted());
  bool rtmr2 = false;
  for (const auto& [name, hex] : r.registers) {
    if (name == "rtmr2") {
      rtmr2 = true;
      EXPECT_EQ(hex.size(), 96u);
    }
  }
  EXPECT_TRUE(rtmr2);
  auto cli = ccv::testing::RunCcverify("replay --ccel " + ccv::testing::Quote(*o.ccel) + " --ima " +
                                       ccv::testing::Quote(*o.ima) + " --quote " +
                                       ccv::testing::Quote(*o.quote) + " --json");
  EXPECT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(r.json, cli.out);
}

TEST(ApiTest, ReplayWithoutLogsIsAUsageError) {
  ccverify::ReplayResult r = ccverify::Replay({});
  EXPECT_EQ(r.status, ccverify::Status::kUsage);
}

TEST(ApiTest, ReplayOfAQuoteItDoesNotReproduceIsUntrusted) {
  ccverify::ReplayOptions o;
  o.ccel = (ccv::testing::DemoDir() / "CCEL.data").string();  // RTMR2 needs the IMA list too
  o.quote = (ccv::testing::DemoDir() / "quote.bin").string();
  ccverify::ReplayResult r = ccverify::Replay(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, ccverify::Status::kUntrusted);
}

TEST(ApiTest, QuoteVerifyGivesTheCliJson) {
  ccverify::QuoteOptions o;
  o.quote = (ccv::testing::DemoDir() / "quote.bin").string();
  o.collateral = (ccv::testing::DemoDir() / "collateral.json").string();
  o.root_ca = (ccv::testing::DemoDir() / "root_ca.pem").string();
  o.at = ccv::testing::kDemoAt;
  ccverify::QuoteResult r = ccverify::VerifyQuote(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.trusted());
  EXPECT_EQ(r.tcb_status, "UpToDate");
  ASSERT_NE(Find(r.checks, "quote_signature"), nullptr);
  auto cli = ccv::testing::RunCcverify("quote verify " + ccv::testing::Quote(o.quote) +
                                       " --collateral " + ccv::testing::Quote(o.collateral) +
                                       " --root-ca " + ccv::testing::Quote(*o.root_ca) + " --at " +
                                       ccv::testing::kDemoAt + " --json");
  EXPECT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(r.json, cli.out);
}

TEST(ApiTest, QuoteVerifyAgainstIntelsRootFails) {
  ccverify::QuoteOptions o;
  o.quote = (ccv::testing::DemoDir() / "quote.bin").string();
  o.collateral = (ccv::testing::DemoDir() / "collateral.json").string();
  o.at = ccv::testing::kDemoAt;
  ccverify::QuoteResult r = ccverify::VerifyQuote(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, ccverify::Status::kUntrusted);
}

TEST(ApiTest, QuoteVerifyUnknownTcbStatusIsAUsageError) {
  ccverify::QuoteOptions o;
  o.quote = (ccv::testing::DemoDir() / "quote.bin").string();
  o.collateral = (ccv::testing::DemoDir() / "collateral.json").string();
  o.accept_tcb = {"Fine"};
  EXPECT_EQ(ccverify::VerifyQuote(o).status, ccverify::Status::kUsage);
}

TEST(ApiTest, QuoteVerifyMissingCollateralIsAnInputError) {
  ccverify::QuoteOptions o;
  o.quote = (ccv::testing::DemoDir() / "quote.bin").string();
  o.collateral = "/nonexistent/collateral.json";
  ccverify::QuoteResult r = ccverify::VerifyQuote(o);
  EXPECT_EQ(r.status, ccverify::Status::kInput);
  EXPECT_NE(r.error.find("/nonexistent/collateral.json"), std::string::npos) << r.error;
}

TEST(ApiTest, VersionIsTheProjectVersion) {
  EXPECT_EQ(std::string(ccverify::Version()), CCV_VERSION);
}

}  // namespace
