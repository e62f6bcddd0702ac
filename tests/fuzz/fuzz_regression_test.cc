// Regression tests for what the fuzz harnesses and the ASan+UBSan suite
// found, one test per finding, named after it. They assert the outcome the
// fixed code gives; the sanitizer build (.ci/run, `asan` preset) is what
// turns the original bug into a failure.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policies/policy_parser.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv {
namespace {

// policy_yaml_fuzzer, first seed: Walker::ExpectMap bound `const YAML::Node&`
// to `it->first`, a member of the temporary proxy yaml-cpp's map iterator
// returns, and read it after the proxy died (ASan stack-use-after-scope on
// every mapping of every policy).
TEST(FuzzRegressionTest, PolicyMapKeyOutlivesYamlIteratorProxy) {
  const std::string yaml =
      "apiVersion: ccverify/v1\n"
      "metadata: {name: n, version: \"1\"}\n"
      "td: {mr_config_id: {eq: zero}, rtmr3: {eq: zero}}\n";
  auto p = policy::ParsePolicy(yaml);
  ASSERT_TRUE(p.ok()) << p.status().ToString();

  // The same keys reach the unknown-key path of lint mode.
  std::vector<policy::UnknownKey> unknown;
  policy::ParseOptions lint;
  lint.out_unknown_keys = &unknown;
  auto q = policy::ParsePolicy(yaml + "extra_key: 1\n", lint);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(unknown.size(), 1u);

  // And the duplicate-key error, which names the key.
  auto d = policy::ParsePolicy(yaml + "td: {}\n");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), ErrorCode::kBadValue);
}

// collateral_fuzzer: a root CA CRL whose nextUpdate is not a valid time
// reads as INT64_MIN, and the freshness facts subtracted the verification
// time from it (UBSan signed-overflow). The difference now saturates; the
// CRL itself fails its validity check, so the quote does not pass.
TEST(FuzzRegressionTest, UnreadableCrlNextUpdateDoesNotOverflowFreshness) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok()) << pki.status().ToString();
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  quote::QuoteCollateral c =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  // The CRL's second UTCTime (tag 0x17, 13 bytes) is its nextUpdate: make
  // its month "13".
  std::vector<uint8_t>& crl = c.root_ca_crl;
  int seen = 0;
  for (size_t i = 0; i + 15 <= crl.size(); ++i) {
    if (crl[i] == 0x17 && crl[i + 1] == 0x0d && ++seen == 2) {
      crl[i + 4] = '1';
      crl[i + 5] = '3';
      break;
    }
  }
  ASSERT_EQ(seen, 2) << "no nextUpdate UTCTime in the test CRL";
  auto anchor = quote::LoadTrustAnchor(pki->RootPem());
  ASSERT_TRUE(anchor.ok()) << anchor.status().ToString();
  auto prepared = quote::PrepareCollateral(c, std::move(*anchor), testing::kPkiNow);
  ASSERT_TRUE(prepared.ok()) << prepared.status().ToString();
  auto v = quote::VerifyQuote(b.Build(), *prepared);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_FALSE(v->pass);
  ASSERT_TRUE(v->freshness.has_value());
  EXPECT_EQ(v->freshness->earliest_next_update_part, "root_ca_crl");
  EXPECT_EQ(v->freshness->expires_in_seconds, INT64_MIN);
}

TEST(FuzzRegressionTest, SecondsBetweenSaturates) {
  EXPECT_EQ(SecondsBetween(10, 25), 15);
  EXPECT_EQ(SecondsBetween(25, 10), -15);
  EXPECT_EQ(SecondsBetween(1767225600, INT64_MIN), INT64_MIN);
  EXPECT_EQ(SecondsBetween(-5, INT64_MAX), INT64_MAX);
  EXPECT_EQ(SecondsBetween(INT64_MIN, INT64_MAX), INT64_MAX);
}

}  // namespace
}  // namespace ccv
