#include "policies/policy_parser.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "tests/policies/bad_policies.h"

namespace ccv::policy {
namespace {

const char kHead[] = "apiVersion: ccverify/v1\n";
const std::string kH48(96, 'a');

TEST(PolicyParserTest, ParsesTheDesignExample) {
  std::string y =
      std::string(kHead) +
      "metadata: {name: cos-113-prod, version: \"2026.11.1\", expires: 2027-06-30T00:00:00Z}\n"
      "platform:\n"
      "  tcb_status: {allow: [UpToDate], warn: [SWHardeningNeeded]}\n"
      "  advisories: {deny: [INTEL-SA-00837]}\n"
      "  min_tee_tcb_svn: \"04010700000000000000000000000000\"\n"
      "  mr_seam: {any_of: [\"" +
      kH48 +
      "\"]}\n"
      "td:\n"
      "  attributes: {debug: false, sept_ve_disable: true}\n"
      "  xfam: {any_of: [\"e702060000000000\"]}\n"
      "  mr_td: {any_of: [\"" +
      kH48 +
      "\"]}\n"
      "  mr_config_id: {eq: zero}\n"
      "  rtmr3: {eq: zero}\n"
      "replay: {must_match_quote: [rtmr0, rtmr1, rtmr2]}\n"
      "events:\n"
      "  - id: kernel-cmdline\n"
      "    match: {register: rtmr2, type: EV_IPL, text_prefix: \"kernel_cmdline:\"}\n"
      "    expect: {text: {require: [\"module.sig_enforce=1\"], forbid: [\"init=/bin/sh\"]}}\n"
      "  - id: shim\n"
      "    match: {type: EV_EFI_BOOT_SERVICES_APPLICATION, nth: 0}\n"
      "    expect: {digest: {any_of: [\"" +
      kH48 +
      "\"]}}\n"
      "    severity: warn\n"
      "ima:\n"
      "  allow: {digests: {\"/usr/bin/bash\": [\"sha384:" +
      kH48 +
      "\"]}}\n"
      "  exclude: [\"^/tmp/\", \"^/var/lib/containerd/\"]\n"
      "  unknown: fail\n"
      "waivers:\n"
      "  - {rule: platform.tcb_status, until: 2027-01-15, reason: \"SEC-1234 rollout\"}\n";
  auto p = ParsePolicy(y);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "cos-113-prod");
  EXPECT_EQ(p->version, "2026.11.1");
  ASSERT_TRUE(p->expires);
  EXPECT_EQ(*p->expires, 1814313600);  // 2027-06-30T00:00:00Z
  EXPECT_EQ(p->platform.tcb_allow, std::vector<std::string>{"UpToDate"});
  EXPECT_EQ(p->platform.tcb_warn, std::vector<std::string>{"SWHardeningNeeded"});
  EXPECT_EQ(p->platform.advisories_deny, std::vector<std::string>{"INTEL-SA-00837"});
  ASSERT_TRUE(p->platform.min_tee_tcb_svn);
  EXPECT_EQ((*p->platform.min_tee_tcb_svn)[2], 7);
  EXPECT_EQ(p->td.attribute_bits.at("debug"), false);
  EXPECT_EQ(p->td.attribute_bits.at("sept_ve_disable"), true);
  ASSERT_TRUE(p->td.mr_config_id);
  EXPECT_TRUE(p->td.mr_config_id->zero);
  EXPECT_TRUE(p->td.rtmr[3]->zero);
  EXPECT_FALSE(p->td.rtmr[0]);
  EXPECT_EQ(p->replay.must_match_quote.size(), 3u);
  ASSERT_EQ(p->events.size(), 2u);
  EXPECT_EQ(p->events[0].id, "kernel-cmdline");
  EXPECT_EQ(*p->events[0].reg, "rtmr2");
  EXPECT_EQ(*p->events[0].type_name, "EV_IPL");
  EXPECT_EQ(p->events[0].text_require, std::vector<std::string>{"module.sig_enforce=1"});
  EXPECT_EQ(p->events[0].pos.line, 16u);
  EXPECT_TRUE(p->events[1].warn_only);
  EXPECT_EQ(*p->events[1].nth, 0u);
  EXPECT_EQ(p->ima.allow.at("/usr/bin/bash")[0], "sha384:" + kH48);
  EXPECT_EQ(p->ima.exclude.size(), 2u);
  EXPECT_EQ(p->ima.unknown, UnknownFiles::kFail);
  ASSERT_EQ(p->waivers.size(), 1u);
  // A date alone lasts through that day.
  EXPECT_EQ(p->waivers[0].until, 1799971200 + 86400);
  EXPECT_EQ(p->waivers[0].reason, "SEC-1234 rollout");
}

TEST(PolicyParserTest, LogsAndMrServiceTdKeys) {
  auto p = ParsePolicy(std::string(kHead) +
                       "td: {mr_servicetd: {eq: zero}}\n"
                       "logs: {informational: [tpm, cel], unexplained_digests: warn}\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_TRUE(p->td.mr_servicetd);
  EXPECT_TRUE(p->td.mr_servicetd->zero);
  EXPECT_TRUE(p->logs.IsInformational("tpm"));
  EXPECT_TRUE(p->logs.IsInformational("cel"));
  EXPECT_FALSE(p->logs.IsInformational("ccel"));
  EXPECT_TRUE(p->logs.unexplained_digests_warn);
  for (const char* bad :
       {"logs: {informational: [bios]}\n", "logs: {unexplained_digests: ignore}\n",
        "logs: {other: 1}\n", "td: {mr_servicetd: {eq: \"00\"}}\n"}) {
    auto q = ParsePolicy(std::string(kHead) + bad);
    ASSERT_FALSE(q.ok()) << bad;
    EXPECT_EQ(q.status().line(), std::optional<uint64_t>(2)) << bad;
  }
}

TEST(PolicyParserTest, WaiversCannotCoverAuthenticity) {
  for (const char* rule :
       {"quote.*", "quote.quote_signature", "quote.pck_chain", "quote.collateral", "replay.*",
        "replay.rtmr0", "report_data.binding", "containers.binding", "ima.*", "ima.template_hashes",
        "ima.boot_aggregate", "ccel.*", "ccel.bound", "tpm.event_digests", "cel.template_hashes"}) {
    auto p = ParsePolicy(std::string(kHead) + "waivers:\n  - {rule: " + rule +
                         ", until: 2099-01-01, reason: r}\n");
    ASSERT_FALSE(p.ok()) << rule;
    EXPECT_EQ(p.status().field(), "waivers[0].rule") << rule;
  }
  for (const char* rule : {"quote.tcb_status", "platform.*", "td.mr_td", "events.shim", "ima.allow",
                           "containers.app.forbid", "td.*"}) {
    auto p = ParsePolicy(std::string(kHead) + "waivers:\n  - {rule: " + rule +
                         ", until: 2099-01-01, reason: r}\n");
    EXPECT_TRUE(p.ok()) << rule << ": " << p.status().ToString();
  }
}

TEST(PolicyParserTest, MinimalPolicyHasNoRules) {
  auto p = ParsePolicy(kHead);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_TRUE(p->events.empty());
  EXPECT_FALSE(p->ima.present);
  EXPECT_FALSE(p->platform.tcb_status_set);
}

TEST(PolicyParserTest, HexIsCaseInsensitiveAndNormalised) {
  auto p = ParsePolicy(std::string(kHead) + "td: {xfam: {eq: \"E702060000000000\"}}\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(ToHex(p->td.xfam->any_of[0]), "e702060000000000");
}

TEST(PolicyParserTest, NumericEventTypeAndImaBareDigest) {
  auto p = ParsePolicy(std::string(kHead) +
                       "events:\n  - id: a\n    match: {type: 13, index: 4}\n    expect: {count: "
                       "1, digest: {eq: zero}}\n"
                       "ima:\n  allow: {digests: {\"/a\": [\"" +
                       std::string(64, 'B') +
                       "\"]}}\n"
                       "  unknown: warn\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p->events[0].type, 13u);
  EXPECT_EQ(*p->events[0].index, 4u);
  EXPECT_EQ(p->ima.allow.at("/a")[0], "sha256:" + std::string(64, 'b'));
  EXPECT_EQ(p->ima.unknown, UnknownFiles::kWarn);
}

TEST(PolicyParserTest, LoadsImaAllowListFileRelativeToThePolicy) {
  auto dir = std::filesystem::temp_directory_path() / "ccv_policy_allow_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "allow.sha384") << "# comment\n\n"
                                        << kH48 << "  /usr/bin/bash\n"
                                        << "sha256:" << std::string(64, 'c') << " /usr/lib/x y\n";
    std::ofstream(dir / "p.yaml") << kHead << "ima: {allow: {file: allow.sha384}}\n";
  }
  auto p = LoadPolicyFile((dir / "p.yaml").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->ima.allow.at("/usr/bin/bash")[0], "sha384:" + kH48);
  EXPECT_EQ(p->ima.allow.at("/usr/lib/x y")[0], "sha256:" + std::string(64, 'c'));
  std::filesystem::remove_all(dir);
}

TEST(PolicyParserTest, MissingAllowListFileIsAnIoErrorAtItsKey) {
  auto p = ParsePolicy(std::string(kHead) + "ima:\n  allow: {file: /nonexistent/allow}\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kIo);
  EXPECT_EQ(*p.status().line(), 3u);
  EXPECT_EQ(*p.status().column(), 17u);
}

TEST(PolicyParserTest, MissingPolicyFileIsIoError) {
  auto p = LoadPolicyFile("/nonexistent/policy.yaml");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), ErrorCode::kIo);
}

TEST(ImaAllowListTest, BadLinesNameLineAndColumn) {
  struct Case {
    const char* text;
    uint64_t line, column;
  } cases[] = {
      {"nodigest\n", 1, 1},
      {"# c\n  zz /a\n", 2, 3},
      {"abcd /a\n", 1, 1},  // 2 bytes: no algorithm has that size
      {"sha256:abcd /a\n", 1, 1},
      {"md5:"
       "00112233445566778899aabbccddeeff /a\n",
       1, 1},
  };
  for (const Case& c : cases) {
    std::map<std::string, std::vector<std::string>> out;
    Status s = ParseImaAllowList(c.text, "f", &out);
    ASSERT_FALSE(s.ok()) << c.text;
    EXPECT_EQ(s.code(), ErrorCode::kBadValue) << c.text;
    EXPECT_EQ(*s.line(), c.line) << c.text;
    EXPECT_EQ(*s.column(), c.column) << c.text;
  }
  std::map<std::string, std::vector<std::string>> out;
  Status s = ParseImaAllowList(std::string(40, '0') + " \n", "f", &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(*s.column(), 41u);  // missing path after the digest
}

class BadPolicyTest : public ::testing::TestWithParam<testing::BadCase> {};

TEST_P(BadPolicyTest, FailsWithCodeLineAndColumn) {
  const testing::BadCase& c = GetParam();
  ParseOptions o;
  o.source = "p.yaml";
  auto p = ParsePolicy(c.yaml, o);
  ASSERT_FALSE(p.ok()) << c.yaml;
  EXPECT_EQ(p.status().code(), c.code) << p.status().ToString();
  ASSERT_TRUE(p.status().line().has_value()) << p.status().ToString();
  EXPECT_EQ(*p.status().line(), c.line) << p.status().ToString();
  ASSERT_TRUE(p.status().column().has_value()) << p.status().ToString();
  EXPECT_EQ(*p.status().column(), c.column) << p.status().ToString();
  EXPECT_EQ(p.status().file(), "p.yaml");
}

INSTANTIATE_TEST_SUITE_P(Table, BadPolicyTest, ::testing::ValuesIn(testing::BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PolicyParserTest, DeepNestingAndRandomDamageNeverCrash) {
  auto deep = ParsePolicy(std::string(kHead) + "td: " + std::string(100000, '[') + "\n");
  ASSERT_FALSE(deep.ok());
  EXPECT_TRUE(deep.status().line().has_value());
  auto deep_maps = ParsePolicy(std::string(kHead) + "td: " + std::string(100000, '{') + "\n");
  ASSERT_FALSE(deep_maps.ok());
  std::string good =
      std::string(kHead) +
      "metadata: {name: x, version: \"1\", expires: 2027-06-30T00:00:00Z}\n"
      "platform: {tcb_status: {allow: [UpToDate]}, min_tee_tcb_svn: "
      "\"04010700000000000000000000000000\"}\n"
      "td:\n  attributes: {debug: false}\n  mr_config_id: {eq: zero}\n"
      "replay: {must_match_quote: [rtmr0]}\n"
      "events:\n  - {id: a, match: {type: EV_IPL, text_regex: \"^k\"}, expect: {count: 1}}\n"
      "ima: {exclude: [\"^/tmp/\"], unknown: warn}\n"
      "waivers:\n  - {rule: td.mr_td, until: 2027-01-01, reason: r}\n";
  ASSERT_TRUE(ParsePolicy(good).ok());
  uint32_t x = 777;
  auto rnd = [&] { return x = x * 1103515245u + 12345u, (x >> 8); };
  size_t failures = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string m = good;
    int edits = 1 + rnd() % 3;
    for (int k = 0; k < edits; ++k) {
      size_t at = rnd() % m.size();
      switch (rnd() % 3) {
        case 0:
          m[at] = "{}[]:,-\"' \n\tazZ09*&!|>#"[rnd() % 24];
          break;
        case 1:
          m.erase(at, 1 + rnd() % 6);
          break;
        default:
          m.insert(at, 1, "{}[]:,-\"' \n"[rnd() % 12]);
      }
      if (m.empty()) m = "x";
    }
    auto r = ParsePolicy(m);
    if (!r.ok()) {
      ++failures;
      // Every error is located.
      EXPECT_TRUE(r.status().line().has_value()) << r.status().ToString() << "\n" << m;
      EXPECT_NE(r.status().code(), ErrorCode::kInternal);
    }
  }
  EXPECT_GT(failures, 1000u);
}

TEST(PolicyParserTest, UnknownKeysAreCollectedInLintMode) {
  std::vector<UnknownKey> unknown;
  ParseOptions o;
  o.out_unknown_keys = &unknown;
  auto p =
      ParsePolicy(std::string(kHead) + "td:\n  atributes: {}\n  xfam: {eq: zero}\nfoo: 1\n", o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[0].path, "foo");  // the root is checked first
  EXPECT_EQ(unknown[0].pos.line, 5u);
  EXPECT_EQ(unknown[1].path, "td.atributes");
  EXPECT_EQ(unknown[1].pos.line, 3u);
  EXPECT_EQ(unknown[1].pos.column, 3u);
  EXPECT_TRUE(p->td.xfam);
}

TEST(PolicyParserTest, ErrorFieldNamesThePath) {
  auto p = ParsePolicy(std::string(kHead) + "td:\n  mr_td: {any_of: [\"" + kH48 + "\", \"zz\"]}\n");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().field(), "td.mr_td.any_of[1]");
}

}  // namespace
}  // namespace ccv::policy
