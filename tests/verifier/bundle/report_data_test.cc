// REPORTDATA binding modes and where the nonce came from.
#include "verifier/bundle/report_data.h"

#include <gtest/gtest.h>

#include "parsers/core/hex.h"

// GCC 12 at -O3 reports the optional<vector> members of a default-constructed
// Evidence as maybe-uninitialized once they are assigned (a false positive
// of its inliner; clang and the sanitizer builds see nothing).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace ccv::bundle {
namespace {

using result::Verdict;

std::array<uint8_t, 64> Padded(const std::vector<uint8_t>& nonce) {
  std::array<uint8_t, 64> a{};
  std::copy(nonce.begin(), nonce.end(), a.begin());
  return a;
}

const std::vector<uint8_t> kNonce = {0xde, 0xad, 0xbe, 0xef};
const std::vector<uint8_t> kUser = {0x01, 0x02};

TEST(ReportDataModeTest, ExpectedValuePerMode) {
  auto sha = ExpectedReportDataFor(ReportDataMode::kSha512NonceUserData, kNonce, kUser);
  ASSERT_TRUE(sha);
  EXPECT_EQ(*sha, ExpectedReportData(kNonce, kUser));
  auto padded = ExpectedReportDataFor(ReportDataMode::kNonce, kNonce, {});
  ASSERT_TRUE(padded);
  EXPECT_EQ(*padded, Padded(kNonce));
  EXPECT_FALSE(ExpectedReportDataFor(ReportDataMode::kNonce, std::vector<uint8_t>(65, 1), {}));
  EXPECT_FALSE(ExpectedReportDataFor(ReportDataMode::kNonce, kNonce, kUser));
  EXPECT_TRUE(ExpectedReportDataFor(ReportDataMode::kNonce, std::vector<uint8_t>(64, 1), {}));
  EXPECT_FALSE(ExpectedReportDataFor(ReportDataMode::kExact, kNonce, {}));
  EXPECT_EQ(ReportDataModeName(ReportDataMode::kSha512NonceUserData), "sha512(nonce||user_data)");
  EXPECT_EQ(ReportDataModeName(ReportDataMode::kNonce), "nonce");
}

TEST(ReportDataBindingTest, VerifierNonceIsFresh) {
  Evidence e;
  e.nonce = kNonce;
  e.user_data = kUser;
  e.binding_from_verifier = true;
  auto b = CheckReportDataBinding(ExpectedReportData(kNonce, kUser), e);
  EXPECT_EQ(b.check.id, "report_data.binding");
  EXPECT_EQ(b.check.status, Verdict::kPass);
  EXPECT_EQ(b.nonce_source, NonceSource::kVerifier);
  EXPECT_EQ(std::string(NonceSourceName(b.nonce_source)), "verifier");
  EXPECT_TRUE(b.fresh);
  EXPECT_NE(b.check.detail.find("nonce from the verifier (--nonce): fresh"), std::string::npos)
      << b.check.detail;
  // Another REPORTDATA fails and is not fresh.
  auto wrong = CheckReportDataBinding(Padded(kNonce), e);
  EXPECT_EQ(wrong.check.status, Verdict::kFail);
  EXPECT_FALSE(wrong.fresh);
  EXPECT_EQ(wrong.nonce_source, NonceSource::kVerifier);
  EXPECT_TRUE(wrong.check.missing.empty());
}

TEST(ReportDataBindingTest, VerifierNonceInNonceMode) {
  Evidence e;
  e.report_data_mode = ReportDataMode::kNonce;  // the bundle says GCE-style
  e.nonce = kNonce;
  e.binding_from_verifier = true;
  auto b = CheckReportDataBinding(Padded(kNonce), e);
  EXPECT_EQ(b.check.status, Verdict::kPass) << b.check.detail;
  EXPECT_TRUE(b.fresh);
  EXPECT_EQ(b.mode, ReportDataMode::kNonce);
  // The SHA-512 form of the same nonce is not what this mode expects.
  EXPECT_EQ(CheckReportDataBinding(ExpectedReportData(kNonce, {}), e).check.status, Verdict::kFail);
  // A verifier nonce too long for the mode fails (it cannot be in REPORTDATA).
  e.nonce = std::vector<uint8_t>(65, 7);
  auto too_long = CheckReportDataBinding(Padded({}), e);
  EXPECT_EQ(too_long.check.status, Verdict::kFail);
  EXPECT_FALSE(too_long.fresh);
}

TEST(ReportDataBindingTest, VerifierExactReportData) {
  Evidence e;
  e.report_data = std::vector<uint8_t>(64, 0x11);
  e.binding_from_verifier = true;
  e.nonce = kNonce;  // ignored: the exact value wins
  auto b = CheckReportDataBinding(Padded(std::vector<uint8_t>(64, 0x11)), e);
  EXPECT_EQ(b.check.status, Verdict::kPass);
  EXPECT_EQ(b.nonce_source, NonceSource::kVerifier);
  EXPECT_TRUE(b.fresh);
  EXPECT_EQ(CheckReportDataBinding(Padded({}), e).check.status, Verdict::kFail);
}

TEST(ReportDataBindingTest, BundleNonceProvesConsistencyNotFreshness) {
  Evidence e;
  e.nonce = kNonce;
  e.user_data = kUser;
  auto b = CheckReportDataBinding(ExpectedReportData(kNonce, kUser), e);
  EXPECT_EQ(b.check.status, Verdict::kPass);
  EXPECT_EQ(b.nonce_source, NonceSource::kBundle);
  EXPECT_EQ(std::string(NonceSourceName(b.nonce_source)), "bundle");
  EXPECT_FALSE(b.fresh);
  EXPECT_NE(b.check.detail.find("nonce from the bundle: proves consistency, not freshness"),
            std::string::npos)
      << b.check.detail;
  EXPECT_EQ(CheckReportDataBinding(Padded(kNonce), e).check.status, Verdict::kFail);

  e.user_data.reset();
  e.report_data_mode = ReportDataMode::kNonce;
  auto gce = CheckReportDataBinding(Padded(kNonce), e);
  EXPECT_EQ(gce.check.status, Verdict::kPass) << gce.check.detail;
  EXPECT_FALSE(gce.fresh);
  EXPECT_EQ(gce.nonce_source, NonceSource::kBundle);
}

TEST(ReportDataBindingTest, VerifierNonceAloneKeepsTheBundlesUserDataAndSaysSo) {
  Evidence e;
  e.nonce = std::vector<uint8_t>{9, 9};  // the bundle's, replaced
  e.user_data = kUser;
  ApplyVerifierBinding(&e, kNonce, std::nullopt, std::nullopt);
  EXPECT_TRUE(e.binding_from_verifier);
  EXPECT_TRUE(e.user_data_from_bundle);
  ASSERT_TRUE(e.user_data.has_value());
  EXPECT_EQ(*e.user_data, kUser);
  auto b = CheckReportDataBinding(ExpectedReportData(kNonce, kUser), e);
  EXPECT_EQ(b.check.status, Verdict::kPass) << b.check.detail;
  EXPECT_TRUE(b.fresh);
  EXPECT_EQ(b.nonce_source, NonceSource::kVerifier);
  EXPECT_EQ(b.user_data_source, NonceSource::kBundle);
  EXPECT_NE(b.check.detail.find("from the bundle (--user-data not given)"), std::string::npos)
      << b.check.detail;
  // SHA-512 of the nonce alone no longer binds: the bundle's user data is used.
  EXPECT_EQ(CheckReportDataBinding(ExpectedReportData(kNonce, {}), e).check.status, Verdict::kFail);
}

TEST(ReportDataBindingTest, VerifierUserDataReplacesTheBundles) {
  Evidence e;
  e.user_data = kUser;
  ApplyVerifierBinding(&e, kNonce, std::vector<uint8_t>{}, std::nullopt);
  EXPECT_FALSE(e.user_data_from_bundle);
  auto b = CheckReportDataBinding(ExpectedReportData(kNonce, {}), e);
  EXPECT_EQ(b.check.status, Verdict::kPass) << b.check.detail;
  EXPECT_EQ(b.user_data_source, NonceSource::kVerifier);
  // --report-data: no user data is used; a bundle without user data: none.
  Evidence exact;
  exact.user_data = kUser;
  ApplyVerifierBinding(&exact, std::nullopt, std::nullopt, std::vector<uint8_t>(64, 1));
  EXPECT_FALSE(exact.user_data.has_value());
  EXPECT_EQ(CheckReportDataBinding(Padded({}), exact).user_data_source, NonceSource::kNone);
  Evidence plain;
  ApplyVerifierBinding(&plain, kNonce, std::nullopt, std::nullopt);
  EXPECT_FALSE(plain.user_data_from_bundle);
  EXPECT_EQ(CheckReportDataBinding(ExpectedReportData(kNonce, {}), plain).user_data_source,
            NonceSource::kNone);
}

TEST(ReportDataBindingTest, BundleExactValueProvesConsistencyNotFreshness) {
  Evidence e;
  e.report_data_mode = ReportDataMode::kExact;
  e.claimed_report_data = std::vector<uint8_t>(64, 0x22);
  auto b = CheckReportDataBinding(Padded(std::vector<uint8_t>(64, 0x22)), e);
  EXPECT_EQ(b.check.status, Verdict::kPass);
  EXPECT_EQ(b.nonce_source, NonceSource::kBundle);
  EXPECT_FALSE(b.fresh);
  EXPECT_NE(b.check.detail.find("not freshness"), std::string::npos);
  auto wrong = CheckReportDataBinding(Padded({}), e);
  EXPECT_EQ(wrong.check.status, Verdict::kFail);
  // The verifier's nonce replaces the bundle's exact value (default formula).
  e.nonce = kNonce;
  e.binding_from_verifier = true;
  auto v = CheckReportDataBinding(ExpectedReportData(kNonce, {}), e);
  EXPECT_EQ(v.check.status, Verdict::kPass) << v.check.detail;
  EXPECT_TRUE(v.fresh);
}

TEST(ReportDataBindingTest, OlderClaimIsNeverTheExpectedValue) {
  // report_data as a 64-byte hex string: a claim; without a nonce the check
  // fails for want of one, even when the claim matches the quote.
  Evidence e;
  e.claimed_report_data = std::vector<uint8_t>(64, 0x33);
  auto b = CheckReportDataBinding(Padded(std::vector<uint8_t>(64, 0x33)), e);
  EXPECT_EQ(b.check.status, Verdict::kFail);
  EXPECT_EQ(b.check.missing, "nonce");
  EXPECT_EQ(b.nonce_source, NonceSource::kNone);
  EXPECT_EQ(std::string(NonceSourceName(b.nonce_source)), "none");
}

TEST(ReportDataBindingTest, NothingToCompareIsMissingNonce) {
  auto b = CheckReportDataBinding(Padded({}), Evidence{});
  EXPECT_EQ(b.check.status, Verdict::kFail);
  EXPECT_EQ(b.check.missing, "nonce");
  EXPECT_EQ(b.nonce_source, NonceSource::kNone);
  EXPECT_FALSE(b.fresh);
}

}  // namespace
}  // namespace ccv::bundle
