// The public C++ API (include/ccverify/ccverify.h) gives the verdicts and the
// very JSON documents of `ccverify verify`, `replay` and `quote verify` for
// the same inputs, and the command's exit code as its status.
#include <string>

#include <gtest/gtest.h>

#include "ccverify/ccverify.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"

namespace {

using ccv::testing::DemoDir;
using ccv::testing::kDemoAt;
using ccv::testing::Quote;
using ccv::testing::RunCcverify;

ccverify::VerifyOptions DemoOptions() {
  ccverify::VerifyOptions o;
  o.bundle_dir = DemoDir().string();
  o.policy = (DemoDir() / "policy.yaml").string();
  o.root_ca = (DemoDir() / "root_ca.pem").string();
  o.at = kDemoAt;
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

  auto cli = RunCcverify("verify " + Quote(DemoDir()) + " --policy " +
                         Quote(DemoDir() / "policy.yaml") + " --root-ca " +
                         Quote(DemoDir() / "root_ca.pem") + " --at " + kDemoAt + " --format json");
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
  auto cli = RunCcverify("verify " + Quote(DemoDir()) + " --policy " +
                         Quote(DemoDir() / "policy.yaml") + " --at " + kDemoAt + " --format json");
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
  o.policy = (DemoDir() / "quote.bin").string();
  ccverify::VerifyResult r = ccverify::Verify(o);
  EXPECT_EQ(r.status, ccverify::Status::kInput) << r.error;
}

TEST(ApiTest, ReplayGivesTheCliJsonAndRegisters) {
  ccverify::ReplayOptions o;
  o.ccel = (DemoDir() / "CCEL.data").string();
  o.ima = (DemoDir() / "ascii_runtime_measurements").string();
  o.quote = (DemoDir() / "quote.bin").string();
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
  auto cli = RunCcverify("replay --ccel " + Quote(*o.ccel) + " --ima " + Quote(*o.ima) +
                         " --quote " + Quote(*o.quote) + " --json");
  EXPECT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(r.json, cli.out);
}

TEST(ApiTest, ReplayWithoutLogsIsAUsageError) {
  ccverify::ReplayResult r = ccverify::Replay({});
  EXPECT_EQ(r.status, ccverify::Status::kUsage);
}

TEST(ApiTest, ReplayOfAQuoteItDoesNotReproduceIsUntrusted) {
  ccverify::ReplayOptions o;
  o.ccel = (DemoDir() / "CCEL.data").string();  // RTMR2 needs the IMA list too
  o.quote = (DemoDir() / "quote.bin").string();
  ccverify::ReplayResult r = ccverify::Replay(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, ccverify::Status::kUntrusted);
}

TEST(ApiTest, QuoteVerifyGivesTheCliJson) {
  ccverify::QuoteOptions o;
  o.quote = (DemoDir() / "quote.bin").string();
  o.collateral = (DemoDir() / "collateral.json").string();
  o.root_ca = (DemoDir() / "root_ca.pem").string();
  o.at = kDemoAt;
  ccverify::QuoteResult r = ccverify::VerifyQuote(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_TRUE(r.trusted());
  EXPECT_EQ(r.tcb_status, "UpToDate");
  ASSERT_NE(Find(r.checks, "quote_signature"), nullptr);
  auto cli = RunCcverify("quote verify " + Quote(o.quote) + " --collateral " + Quote(o.collateral) +
                         " --root-ca " + Quote(*o.root_ca) + " --at " + kDemoAt + " --json");
  EXPECT_EQ(cli.code, 0) << cli.err;
  EXPECT_EQ(r.json, cli.out);
}

TEST(ApiTest, QuoteVerifyAgainstIntelsRootFails) {
  ccverify::QuoteOptions o;
  o.quote = (DemoDir() / "quote.bin").string();
  o.collateral = (DemoDir() / "collateral.json").string();
  o.at = kDemoAt;
  ccverify::QuoteResult r = ccverify::VerifyQuote(o);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status, ccverify::Status::kUntrusted);
}

TEST(ApiTest, QuoteVerifyUnknownTcbStatusIsAUsageError) {
  ccverify::QuoteOptions o;
  o.quote = (DemoDir() / "quote.bin").string();
  o.collateral = (DemoDir() / "collateral.json").string();
  o.accept_tcb = {"Fine"};
  EXPECT_EQ(ccverify::VerifyQuote(o).status, ccverify::Status::kUsage);
}

TEST(ApiTest, QuoteVerifyMissingCollateralIsAnInputError) {
  ccverify::QuoteOptions o;
  o.quote = (DemoDir() / "quote.bin").string();
  o.collateral = "/nonexistent/collateral.json";
  ccverify::QuoteResult r = ccverify::VerifyQuote(o);
  EXPECT_EQ(r.status, ccverify::Status::kInput);
  EXPECT_NE(r.error.find("/nonexistent/collateral.json"), std::string::npos) << r.error;
}

TEST(ApiTest, VersionIsTheProjectVersion) {
  EXPECT_EQ(std::string(ccverify::Version()), CCV_VERSION);
}

}  // namespace
