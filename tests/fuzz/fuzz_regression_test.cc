// Regression tests for what the fuzz harnesses and the ASan+UBSan suite
// found, one test per finding, named after it. They assert the outcome the
// fixed code gives; the sanitizer build (.ci/run, `asan` preset) is what
// turns the original bug into a failure.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policies/policy_parser.h"

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

}  // namespace
}  // namespace ccv
