// Every example policy under policies/examples/ parses and lints without
// errors (warnings are expected: some examples are deliberately partial).
#include <filesystem>

#include <gtest/gtest.h>

#include "policies/lint.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "tests/testing/corpus.h"

namespace ccv::policy {
namespace {

TEST(ExamplePoliciesTest, EveryExampleParsesAndHasNoLintErrors) {
  auto dir = ::ccv::testing::SourceDir() / "policies" / "examples";
  size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    ++n;
    std::vector<UnknownKey> unknown;
    auto p = LoadPolicyFile(entry.path().string(), &unknown);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    EXPECT_TRUE(unknown.empty()) << entry.path();
    EXPECT_FALSE(p->name.empty()) << entry.path();
    UnixTime now = *ParseRfc3339("2026-11-28T00:00:00Z");
    for (const LintFinding& l : LintPolicy(*p, unknown, now)) {
      EXPECT_EQ(l.severity, LintSeverity::kWarning) << entry.path() << ": " << l.message;
    }
  }
  EXPECT_GE(n, 4u);
}

TEST(ExamplePoliciesTest, AllowListFileIsLoaded) {
  auto p = LoadPolicyFile(
      (::ccv::testing::SourceDir() / "policies/examples/ima-allowlist.yaml").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->ima.allow.size(), 3u);
  EXPECT_EQ(p->ima.allow.at("/usr/bin/true")[0].substr(0, 7), "sha256:");
}

}  // namespace
}  // namespace ccv::policy
