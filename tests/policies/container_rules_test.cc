// The `containers:` policy schema: strict parsing with the error code, the
// dotted field and the YAML line/column of the offending node.
#include "policies/container_rules.h"

#include <map>
#include <string>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "policies/lint.h"
#include "policies/policy_parser.h"
#include "tests/testing/corpus.h"

namespace ccv::policy {
namespace {

constexpr char kHead[] = "apiVersion: ccverify/v1\ncontainers:\n";

Result<Policy> Parse(const std::string& containers_body) {
  return ParsePolicy(std::string(kHead) + containers_body);
}

TEST(ContainerRulesTest, ExamplePolicyParses) {
  auto p =
      LoadPolicyFile((::ccv::testing::SourceDir() / "policies/examples/containers.yaml").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_NE(p->containers, nullptr);
  const ContainerPolicy& c = *p->containers;
  ASSERT_EQ(c.system_events.size(), 1u);
  EXPECT_EQ(ToHex(c.system_events[0]), "2f7573722f62696e2f636f6e7461696e65726400");
  EXPECT_TRUE(c.unlisted_set);
  EXPECT_EQ(c.unlisted, UnknownFiles::kFail);
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_EQ(c.rules[0].id, "sandbox");
  EXPECT_EQ(c.rules[0].select.pod, "f52130f4-c5be-423e-8070-daaca055a5ad");
  EXPECT_EQ(c.rules[0].select.entrypoint, "/pause");
  ASSERT_TRUE(c.rules[0].virtual_imr3.has_value());
  EXPECT_EQ(c.rules[0].virtual_imr3->any_of[0].size(), 48u);
  ASSERT_TRUE(c.rules[1].select.cgroup.has_value());
  ASSERT_TRUE(c.rules[1].entrypoint.has_value());
  EXPECT_EQ(c.rules[1].entrypoint->path, "/bin/busybox");
  ASSERT_EQ(c.rules[1].entrypoint->digests.size(), 1u);
  EXPECT_TRUE(c.rules[1].entrypoint->digests[0].starts_with("sha384:db283a64"));
  EXPECT_EQ(c.rules[1].measured.size(), 1u);
  EXPECT_EQ(c.rules[1].forbid.size(), 2u);
  ASSERT_TRUE(c.rules[1].executables.has_value());
  EXPECT_EQ(c.rules[1].executables->size(), 4u);
  EXPECT_EQ(c.rules[1].pos.line, 23u);  // "- id: app"
}

TEST(ContainerRulesTest, PodUidInCgroupFormAndUppercaseContainerAreNormalised) {
  auto p = Parse(
      "  rules:\n"
      "    - id: a\n"
      "      select: {pod: F52130F4_C5BE_423E_8070_DAACA055A5AD, container: 956A39CD3B6A}\n"
      "      unknown: warn\n"
      "      allow: {digests: {/bin/x: [\"SHA256:" +
      std::string(64, 'A') + "\"]}}\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  const ContainerRule& r = p->containers->rules[0];
  EXPECT_EQ(r.select.pod, "f52130f4-c5be-423e-8070-daaca055a5ad");
  EXPECT_EQ(r.select.container, "956a39cd3b6a");
  EXPECT_EQ(r.unknown, UnknownFiles::kWarn);
  EXPECT_EQ(r.allow.at("/bin/x")[0], "sha256:" + std::string(64, 'a'));
}

TEST(ContainerRulesTest, BindingNamesAContainer) {
  auto p = Parse("  binding: {container: f52130f4_c5be_423e_8070_daaca055a5ad}\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->containers->binding, "f52130f4_c5be_423e_8070_daaca055a5ad");
  EXPECT_EQ(p->containers->binding_pos.line, 3u);
}

TEST(ContainerRulesTest, NoContainersKeyLeavesItNull) {
  auto p = ParsePolicy("apiVersion: ccverify/v1\n");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->containers, nullptr);
}

TEST(ContainerRulesTest, UnknownKeysAreCollectedForLint) {
  std::vector<UnknownKey> unknown;
  ParseOptions o;
  o.out_unknown_keys = &unknown;
  auto p = ParsePolicy(std::string(kHead) +
                           "  rulez: []\n"
                           "  rules:\n"
                           "    - {id: a, select: {pod: f52130f4-c5be-423e-8070-daaca055a5ad}, "
                           "unknown: fail, colour: red}\n",
                       o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[0].path, "containers.rulez");
  EXPECT_EQ(unknown[0].pos.line, 3u);
  EXPECT_EQ(unknown[1].path, "containers.rules[0].colour");
}

struct BadCase {
  const char* name;
  std::string body;  // under "containers:" (line 3 onward)
  ErrorCode code;
  uint64_t line;
  uint64_t column;
  const char* field;
};

class ContainerRulesBadTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(ContainerRulesBadTest, RejectedWithFieldLineAndColumn) {
  const BadCase& c = GetParam();
  auto p = Parse(c.body);
  ASSERT_FALSE(p.ok()) << c.name;
  EXPECT_EQ(p.status().code(), c.code) << c.name << ": " << p.status().ToString();
  EXPECT_EQ(p.status().line(), std::optional<uint64_t>(c.line))
      << c.name << ": " << p.status().ToString();
  EXPECT_EQ(p.status().column(), std::optional<uint64_t>(c.column))
      << c.name << ": " << p.status().ToString();
  EXPECT_EQ(p.status().field(), c.field) << c.name;
}

#define POD "{pod: f52130f4-c5be-423e-8070-daaca055a5ad}"
// `rules:` with one rule "a" that selects a pod and has the further keys
// `keys`, on line 4 from column 68.
std::string PodRule(const std::string& keys) {
  return "  rules:\n    - {id: a, select: " POD ", " + keys + "}\n";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ContainerRulesBadTest,
    ::testing::Values(
        BadCase{"NotAMap", "  - a\n", ErrorCode::kBadValue, 3, 3, "containers"},
        BadCase{"UnknownTopKey", "  rulez: []\n", ErrorCode::kUnsupported, 3, 3,
                "containers.rulez"},
        BadCase{"RulesNotList", "  rules: {}\n", ErrorCode::kBadValue, 3, 10, "containers.rules"},
        BadCase{"UnknownRuleKey", PodRule("colour: red"), ErrorCode::kUnsupported, 4, 68,
                "containers.rules[0].colour"},
        BadCase{"MissingId", "  rules:\n    - {select: " POD ", unknown: fail}\n",
                ErrorCode::kNotFound, 4, 7, "containers.rules[0].id"},
        BadCase{"MissingSelect", "  rules:\n    - {id: a, unknown: fail}\n", ErrorCode::kNotFound,
                4, 7, "containers.rules[0].select"},
        BadCase{"BadId", "  rules:\n    - {id: 'a b', select: " POD ", unknown: fail}\n",
                ErrorCode::kBadValue, 4, 12, "containers.rules[0].id"},
        BadCase{"EmptySelect", "  rules:\n    - {id: a, select: {}, unknown: fail}\n",
                ErrorCode::kNotFound, 4, 23, "containers.rules[0].select"},
        BadCase{"BadPodUid", "  rules:\n    - {id: a, select: {pod: xyz}, unknown: fail}\n",
                ErrorCode::kBadValue, 4, 29, "containers.rules[0].select.pod"},
        BadCase{"ShortContainerPrefix",
                "  rules:\n    - {id: a, select: {container: 956a39cd3b6}, unknown: fail}\n",
                ErrorCode::kBadValue, 4, 35, "containers.rules[0].select.container"},
        BadCase{"NonHexContainer",
                "  rules:\n    - {id: a, select: {container: 956a39cd3b6x}, unknown: fail}\n",
                ErrorCode::kBadValue, 4, 35, "containers.rules[0].select.container"},
        BadCase{"BadCgroupRegex", "  rules:\n    - {id: a, select: {cgroup: '('}, unknown: fail}\n",
                ErrorCode::kBadValue, 4, 32, "containers.rules[0].select.cgroup"},
        BadCase{"Imr3WrongLength", PodRule("virtual_imr3: {eq: abcd}"), ErrorCode::kBadLength, 4,
                87, "containers.rules[0].virtual_imr3.eq"},
        // `eq: zero` is for registers a TD may leave unused, not an IMR value.
        BadCase{"Imr3EqZero", PodRule("virtual_imr3: {eq: zero}"), ErrorCode::kBadValue, 4, 87,
                "containers.rules[0].virtual_imr3.eq"},
        BadCase{"Imr3BothEqAndAnyOf", PodRule("virtual_imr3: {eq: ab, any_of: [ab]}"),
                ErrorCode::kBadValue, 4, 82, "containers.rules[0].virtual_imr3"},
        BadCase{"EntrypointBadAlgorithm", PodRule("entrypoint: {path: /x, digest: 'md5:00'}"),
                ErrorCode::kBadValue, 4, 99, "containers.rules[0].entrypoint.digest"},
        BadCase{"EntrypointWrongDigestSize", PodRule("entrypoint: {path: /x, digest: 'sha384:00'}"),
                ErrorCode::kBadValue, 4, 99, "containers.rules[0].entrypoint.digest"},
        BadCase{"EntrypointWithoutPath", PodRule("entrypoint: {digests: []}"), ErrorCode::kNotFound,
                4, 80, "containers.rules[0].entrypoint.path"},
        BadCase{"MeasuredNotList", PodRule("measured: /x"), ErrorCode::kBadValue, 4, 78,
                "containers.rules[0].measured"},
        BadCase{"UnknownMode", PodRule("unknown: maybe"), ErrorCode::kBadValue, 4, 77,
                "containers.rules[0].unknown"},
        BadCase{"SeverityBad", PodRule("unknown: fail, severity: low"), ErrorCode::kBadValue, 4, 93,
                "containers.rules[0].severity"},
        BadCase{"OptionalNotBool", PodRule("unknown: fail, optional: yes"), ErrorCode::kBadValue, 4,
                93, "containers.rules[0].optional"},
        BadCase{"NoChecks", "  rules:\n    - {id: a, select: " POD "}\n", ErrorCode::kNotFound, 4,
                7, "containers.rules[0]"},
        BadCase{"DuplicateRuleId",
                PodRule("unknown: fail") + "    - {id: a, select: " POD ", unknown: fail}\n",
                ErrorCode::kBadValue, 5, 12, "containers.rules[1].id"},
        BadCase{"DuplicateKey", "  rules:\n    - {id: a, id: b, select: " POD ", unknown: fail}\n",
                ErrorCode::kBadValue, 4, 15, "containers.rules[0].id"},
        BadCase{"AllowNotMap", PodRule("allow: {digests: [x]}"), ErrorCode::kBadValue, 4, 85,
                "containers.rules[0].allow.digests"},
        BadCase{"ForbidBadRegex", PodRule("forbid: ['[']"), ErrorCode::kBadValue, 4, 77,
                "containers.rules[0].forbid[0]"},
        BadCase{"ExecutablesNotList", PodRule("executables: runc"), ErrorCode::kBadValue, 4, 81,
                "containers.rules[0].executables"},
        BadCase{"UnlistedBad", "  unlisted: sometimes\n", ErrorCode::kBadValue, 3, 13,
                "containers.unlisted"},
        BadCase{"SystemEventOddHex", "  system_events: [{data_hex: abc}]\n", ErrorCode::kBadLength,
                3, 30, "containers.system_events[0].data_hex"},
        BadCase{"BindingWithoutContainer", "  binding: {}\n", ErrorCode::kNotFound, 3, 12,
                "containers.binding.container"},
        BadCase{"BindingUnknownKey", "  binding: {pod: x}\n", ErrorCode::kUnsupported, 3, 13,
                "containers.binding.pod"},
        BadCase{"SystemEventMissingData", "  system_events: [{}]\n", ErrorCode::kNotFound, 3, 19,
                "containers.system_events[0].data_hex"}));
#undef POD

TEST(ContainerRulesTest, AllowFileIsReadRelativeToThePolicy) {
  auto p = Parse(
      "  rules:\n    - {id: a, select: {container: 956a39cd3b6a}, allow: {file: "
      "/nonexistent/x}}\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kIo);
  EXPECT_EQ(p.status().line(), std::optional<uint64_t>(4));
}

TEST(ContainerRulesTest, NormaliseFileDigest) {
  EXPECT_EQ(NormaliseFileDigest("SHA1:" + std::string(40, 'F')), "sha1:" + std::string(40, 'f'));
  EXPECT_FALSE(NormaliseFileDigest("sha1" + std::string(40, 'f')).has_value());
  EXPECT_FALSE(NormaliseFileDigest("sha1:" + std::string(38, 'f')).has_value());
  EXPECT_FALSE(NormaliseFileDigest("sha1:" + std::string(39, 'f') + "g").has_value());
  EXPECT_FALSE(NormaliseFileDigest("whirlpool:00").has_value());
}

TEST(ContainerRulesTest, LintFlagsWeakContainerRules) {
  auto p = Parse(
      "  rules:\n"
      "    - id: a\n"
      "      select: {container: 956a39cd3b6a}\n"
      "      virtual_imr3: {eq: \"" +
      std::string(96, '0') +
      "\"}\n"
      "      entrypoint: /bin/busybox\n"
      "      measured: [/usr/bin/python3]\n"
      "      allow: {digests: {}}\n"
      "      unknown: ignore\n"
      "      exclude: [\".*\"]\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  std::vector<LintFinding> f = LintPolicy(*p, {}, 0);
  std::map<std::string, int> codes;
  for (const LintFinding& x : f) ++codes[x.code];
  EXPECT_EQ(codes["container-unlisted-ignored"], 1);
  EXPECT_EQ(codes["container-no-digest"], 2);
  EXPECT_EQ(codes["container-unknown-ignored"], 1);
  EXPECT_EQ(codes["catch-all-exclude"], 1);
  EXPECT_EQ(codes["container-imr3-no-system-events"], 1);
  for (const LintFinding& x : f) {
    if (x.code == "container-no-digest") {
      EXPECT_GE(x.pos.line, 7u);
    }
  }
}

TEST(ContainerRulesTest, LintIsQuietOnTheExample) {
  auto p =
      LoadPolicyFile((::ccv::testing::SourceDir() / "policies/examples/containers.yaml").string());
  ASSERT_TRUE(p.ok());
  for (const LintFinding& x : LintPolicy(*p, {}, 0)) {
    EXPECT_FALSE(x.code.starts_with("container")) << x.code << ": " << x.message;
  }
}

}  // namespace
}  // namespace ccv::policy
