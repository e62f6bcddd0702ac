// The verification time to the nanosecond against whole-second collateral
// bounds: exactly at a bound is valid, any fraction of a second past an
// upper bound or before a lower bound is not.
#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/time.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {
namespace {

constexpr uint32_t kHalf = 500000000;

struct Case {
  testing::PkiOptions pki;
  TcbInfo tcb_info = testing::DefaultTdxTcbInfo();
  EnclaveIdentity qe_identity = testing::DefaultQeIdentity(true);
};

// The ids of the failing checks when verifying at `at`.
std::vector<std::string> FailingAt(const Case& c, Time at) {
  auto pki = testing::TestPki::Create(c.pki);
  EXPECT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  EXPECT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  QuoteCollateral coll = testing::MakeCollateral(*pki, c.tcb_info, c.qe_identity);
  auto prepared = PrepareCollateral(coll, pki->root().Clone(), at);
  EXPECT_TRUE(prepared.ok()) << prepared.status().ToString();
  std::vector<uint8_t> raw = b.Build();
  auto v = VerifyQuote(raw, *prepared);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->at, at);
  std::vector<std::string> out;
  for (const Check& ch : v->checks) {
    if (ch.status == CheckStatus::kFail) out.push_back(ch.id);
  }
  std::sort(out.begin(), out.end());
  return out;
}

using Ids = std::vector<std::string>;

TEST(QuoteTimeTest, CrlNextUpdateHoldsExactlyAtItAndFailsHalfASecondLater) {
  Case c;
  c.pki.crl_next_update = testing::kPkiNow;
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow)), Ids{});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow, kHalf)), (Ids{"pck_crl", "root_ca_crl"}));
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow, 1)), (Ids{"pck_crl", "root_ca_crl"}));
}

TEST(QuoteTimeTest, CrlThisUpdateFailsHalfASecondBefore) {
  Case c;
  c.pki.crl_this_update = testing::kPkiNow;
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow)), Ids{});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow - 1, kHalf)), (Ids{"pck_crl", "root_ca_crl"}));
}

TEST(QuoteTimeTest, CertNotAfterHoldsExactlyAtItAndFailsHalfASecondLater) {
  Case c;
  c.pki.pck_leaf.not_after = testing::kPkiNow;
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow)), Ids{});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow, kHalf)), Ids{"pck_chain"});
}

TEST(QuoteTimeTest, CertNotBeforeFailsHalfASecondBefore) {
  Case c;
  c.pki.pck_leaf.not_before = testing::kPkiNow;
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow)), Ids{});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow - 1, kHalf)), Ids{"pck_chain"});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow - 1, 999999999)), Ids{"pck_chain"});
}

TEST(QuoteTimeTest, TcbInfoNextUpdateHoldsExactlyAtItAndFailsHalfASecondLater) {
  Case c;
  c.tcb_info.next_update = testing::kPkiNow;
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow)), Ids{});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow, kHalf)), Ids{"tcb_info_validity"});
}

TEST(QuoteTimeTest, QeIdentityIssueDateFailsHalfASecondBefore) {
  Case c;
  c.qe_identity.issue_date = testing::kPkiNow;
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow)), Ids{});
  EXPECT_EQ(FailingAt(c, Time(testing::kPkiNow - 1, kHalf)), Ids{"qe_identity_validity"});
}

TEST(QuoteTimeTest, LeapSecondIsAfterTheSecondBeforeIt) {
  // 2016-12-31T23:59:60Z: after a notAfter of 23:59:59, before a notBefore
  // of the next midnight.
  auto leap = ParseRfc3339Time("2016-12-31T23:59:60Z");
  ASSERT_TRUE(leap.ok());
  Case c;
  c.pki.pck_leaf.not_before = 1483228799 - 400 * testing::kDay;
  c.pki.pck_leaf.not_after = 1483228799;  // 2016-12-31T23:59:59Z
  c.pki.root.not_before = c.pki.pck_ca.not_before = c.pki.tcb_signer.not_before =
      1483228799 - 400 * testing::kDay;
  c.pki.crl_this_update = 1483228799 - testing::kDay;
  c.tcb_info.issue_date = c.qe_identity.issue_date = 1483228799 - testing::kDay;
  Ids failing = FailingAt(c, *leap);
  EXPECT_NE(std::find(failing.begin(), failing.end(), "pck_chain"), failing.end());
  c.pki.pck_leaf.not_after = 1483228800;  // the next midnight
  failing = FailingAt(c, *leap);
  EXPECT_EQ(std::find(failing.begin(), failing.end(), "pck_chain"), failing.end());
  EXPECT_EQ(std::find(failing.begin(), failing.end(), "tcb_info_validity"), failing.end());
}

}  // namespace
}  // namespace ccv::quote
