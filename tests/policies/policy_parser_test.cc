#include "policies/policy_parser.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"

namespace ccv::policy {
namespace {

const char kHead[] = "apiVersion: ccverify/v1\n";
const std::string kH48(96, 'a');

TEST(PolicyParserTest, ParsesTheDesignExample) {
  std::string y = std::string(kHead) +
                  "metadata: {name: cos-113-prod, version: \"2026.11.1\", expires: 2027-06-30T00:00:00Z}\n"
                  "platform:\n"
                  "  tcb_status: {allow: [UpToDate], warn: [SWHardeningNeeded]}\n"
                  "  advisories: {deny: [INTEL-SA-00837]}\n"
                  "  min_tee_tcb_svn: \"04010700000000000000000000000000\"\n"
                  "  mr_seam: {any_of: [\"" + kH48 + "\"]}\n"
                  "td:\n"
                  "  attributes: {debug: false, sept_ve_disable: true}\n"
                  "  xfam: {any_of: [\"e702060000000000\"]}\n"
                  "  mr_td: {any_of: [\"" + kH48 + "\"]}\n"
                  "  mr_config_id: {eq: zero}\n"
                  "  rtmr3: {eq: zero}\n"
                  "replay: {must_match_quote: [rtmr0, rtmr1, rtmr2]}\n"
                  "events:\n"
                  "  - id: kernel-cmdline\n"
                  "    match: {register: rtmr2, type: EV_IPL, text_prefix: \"kernel_cmdline:\"}\n"
                  "    expect: {text: {require: [\"module.sig_enforce=1\"], forbid: [\"init=/bin/sh\"]}}\n"
                  "  - id: shim\n"
                  "    match: {type: EV_EFI_BOOT_SERVICES_APPLICATION, nth: 0}\n"
                  "    expect: {digest: {any_of: [\"" + kH48 + "\"]}}\n"
                  "    severity: warn\n"
                  "ima:\n"
                  "  allow: {digests: {\"/usr/bin/bash\": [\"sha384:" + kH48 + "\"]}}\n"
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
                       "events:\n  - id: a\n    match: {type: 13, index: 4}\n    expect: {count: 1}\n"
                       "ima:\n  allow: {digests: {\"/a\": [\"" + std::string(64, 'B') + "\"]}}\n"
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
    std::ofstream(dir / "allow.sha384") << "# comment\n\n" << kH48 << "  /usr/bin/bash\n"
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
      {"md5:" "00112233445566778899aabbccddeeff /a\n", 1, 1},
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

// Every malformed policy fails with the error code, line and column of the
// offending node.
struct BadCase {
  const char* name;
  std::string yaml;
  ErrorCode code;
  uint64_t line, column;
};

std::vector<BadCase> BadCases() {
  const std::string h = kHead;
  return {
      {"yaml_syntax_unclosed_flow", h + "td: {xfam: [\n", ErrorCode::kBadValue, 3, 1},
      {"yaml_syntax_bad_indent", h + "td:\n  xfam: {eq: zero}\n x: 1\n", ErrorCode::kBadValue, 4, 2},
      {"root_not_a_map", "- a\n- b\n", ErrorCode::kBadValue, 1, 1},
      {"empty_document", "", ErrorCode::kNotFound, 1, 1},
      {"missing_api_version", "metadata: {name: x}\n", ErrorCode::kNotFound, 1, 1},
      {"wrong_api_version", "apiVersion: ccverify/v2\n", ErrorCode::kUnsupported, 1, 13},
      {"unknown_top_key", h + "plattform: {}\n", ErrorCode::kUnsupported, 2, 1},
      {"unknown_td_key", h + "td:\n  mr_td: {eq: zero}\n  atributes: {debug: false}\n",
       ErrorCode::kUnsupported, 4, 3},
      {"unknown_attribute_bit", h + "td:\n  attributes: {debug: false, degub: true}\n",
       ErrorCode::kUnsupported, 3, 30},
      {"unknown_matcher_key", h + "td:\n  rtmr0: {one_of: [\"00\"]}\n", ErrorCode::kUnsupported, 3, 11},
      {"unknown_metadata_key", h + "metadata:\n  name: x\n  owner: y\n", ErrorCode::kUnsupported, 4, 3},
      {"unknown_event_key", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {count: 1}\n    sevrity: warn\n",
       ErrorCode::kUnsupported, 6, 5},
      {"unknown_match_key", h + "events:\n  - id: a\n    match: {typ: EV_IPL}\n    expect: {count: 1}\n",
       ErrorCode::kUnsupported, 4, 13},
      {"unknown_waiver_key", h + "waivers:\n  - {rule: td.mr_td, until: 2027-01-01, reason: r, by: me}\n",
       ErrorCode::kUnsupported, 3, 52},
      {"duplicate_key", h + "td:\n  xfam: {eq: zero}\n  xfam: {eq: zero}\n", ErrorCode::kBadValue, 4, 3},
      {"td_not_a_map", h + "td: [1, 2]\n", ErrorCode::kBadValue, 2, 5},
      {"metadata_name_is_a_list", h + "metadata: {name: [a]}\n", ErrorCode::kBadValue, 2, 18},
      {"attribute_not_bool", h + "td:\n  attributes: {debug: no}\n", ErrorCode::kBadValue, 3, 23},
      {"attribute_bool_is_a_map", h + "td:\n  attributes:\n    debug: {x: 1}\n", ErrorCode::kBadValue, 4, 12},
      {"mask_without_value", h + "td:\n  attributes: {mask: \"0100000000000000\"}\n", ErrorCode::kNotFound, 3, 15},
      {"value_outside_mask", h + "td:\n  attributes: {mask: \"0100000000000000\", value: \"0200000000000000\"}\n",
       ErrorCode::kBadValue, 3, 49},
      {"bad_hex_digit", h + "td:\n  mr_td: {any_of: [\"" + std::string(95, 'a') + "g\"]}\n", ErrorCode::kBadValue, 3, 20},
      {"hex_wrong_length", h + "td:\n  mr_td: {eq: \"aabb\"}\n", ErrorCode::kBadLength, 3, 15},
      {"hex_odd_length", h + "td:\n  xfam: {eq: \"e70206000000000\"}\n", ErrorCode::kBadLength, 3, 14},
      {"min_svn_wrong_length", h + "platform:\n  min_tee_tcb_svn: \"0401\"\n", ErrorCode::kBadLength, 3, 20},
      {"min_svn_bad_hex", h + "platform:\n  min_tee_tcb_svn: 0x040107000000000000000000000000\n", ErrorCode::kBadValue, 3, 20},
      {"matcher_any_of_not_list", h + "td:\n  xfam: {any_of: \"e702060000000000\"}\n", ErrorCode::kBadValue, 3, 18},
      {"matcher_any_of_empty", h + "td:\n  xfam: {any_of: []}\n", ErrorCode::kBadValue, 3, 18},
      {"matcher_both_keys", h + "td:\n  xfam: {eq: zero, any_of: [\"00\"]}\n", ErrorCode::kBadValue, 3, 9},
      {"matcher_no_keys", h + "td:\n  xfam: {}\n", ErrorCode::kNotFound, 3, 9},
      {"matcher_is_scalar", h + "td:\n  xfam: e702060000000000\n", ErrorCode::kBadValue, 3, 9},
      {"unknown_tcb_status", h + "platform:\n  tcb_status: {allow: [UpToDate, Fine]}\n", ErrorCode::kBadValue, 3, 34},
      {"tcb_status_without_allow", h + "platform:\n  tcb_status: {warn: [OutOfDate]}\n", ErrorCode::kNotFound, 3, 15},
      {"tcb_status_allow_scalar", h + "platform:\n  tcb_status: {allow: UpToDate}\n", ErrorCode::kBadValue, 3, 23},
      {"advisories_deny_map", h + "platform:\n  advisories: {deny: {a: b}}\n", ErrorCode::kBadValue, 3, 22},
      {"collateral_bad_value", h + "platform:\n  collateral: maybe\n", ErrorCode::kBadValue, 3, 15},
      {"replay_bad_register", h + "replay: {must_match_quote: [rtmr0, rtmr4]}\n", ErrorCode::kBadValue, 2, 36},
      {"replay_pcr_not_quoted", h + "replay: {must_match_quote: [pcr0]}\n", ErrorCode::kBadValue, 2, 29},
      {"replay_duplicate_register", h + "replay: {must_match_quote: [rtmr1, rtmr1]}\n", ErrorCode::kBadValue, 2, 36},
      {"events_not_list", h + "events: {id: a}\n", ErrorCode::kBadValue, 2, 9},
      {"event_missing_id", h + "events:\n  - match: {type: EV_IPL}\n    expect: {count: 1}\n", ErrorCode::kNotFound, 3, 5},
      {"event_bad_id", h + "events:\n  - id: \"a b\"\n    match: {type: EV_IPL}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 3, 9},
      {"event_duplicate_id", h + "events:\n  - {id: a, match: {type: 1}, expect: {count: 1}}\n  - {id: a, match: {type: 2}, expect: {count: 1}}\n",
       ErrorCode::kBadValue, 4, 10},
      {"event_missing_match", h + "events:\n  - id: a\n    expect: {count: 1}\n", ErrorCode::kNotFound, 3, 5},
      {"event_empty_match", h + "events:\n  - id: a\n    match: {}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 12},
      {"event_missing_expect", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n", ErrorCode::kNotFound, 3, 5},
      {"event_bad_register", h + "events:\n  - id: a\n    match: {register: rtmr9}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 23},
      {"event_bad_pcr", h + "events:\n  - id: a\n    match: {register: pcr24}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 23},
      {"event_bad_type", h + "events:\n  - id: a\n    match: {type: ipl}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 19},
      {"event_type_too_big", h + "events:\n  - id: a\n    match: {type: 4294967296}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 19},
      {"event_negative_nth", h + "events:\n  - id: a\n    match: {type: EV_IPL, nth: -1}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 32},
      {"event_bad_log", h + "events:\n  - id: a\n    match: {log: uefi}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 18},
      {"event_bad_regex", h + "events:\n  - id: a\n    match: {text_regex: \"([a-z\"}\n    expect: {count: 1}\n", ErrorCode::kBadValue, 4, 25},
      {"event_digest_bad_hex", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {digest: {eq: \"xyz1\"}}\n", ErrorCode::kBadValue, 5, 27},
      {"event_digest_too_long", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {digest: {eq: \"" + std::string(130, 'a') + "\"}}\n", ErrorCode::kBadLength, 5, 27},
      {"event_text_require_scalar", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {text: {require: x}}\n", ErrorCode::kBadValue, 5, 30},
      {"event_text_unknown", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {text: {has: x}}\n", ErrorCode::kUnsupported, 5, 21},
      {"event_bad_severity", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {count: 1}\n    severity: info\n", ErrorCode::kBadValue, 6, 15},
      {"event_optional_not_bool", h + "events:\n  - id: a\n    match: {type: EV_IPL}\n    expect: {count: 1}\n    optional: 1\n", ErrorCode::kBadValue, 6, 15},
      {"ima_bad_exclude_regex", h + "ima:\n  exclude: [\"^/tmp/\", \"*\"]\n", ErrorCode::kBadValue, 3, 23},
      {"ima_exclude_not_list", h + "ima:\n  exclude: \"^/tmp/\"\n", ErrorCode::kBadValue, 3, 12},
      {"ima_bad_unknown", h + "ima:\n  unknown: allow\n", ErrorCode::kBadValue, 3, 12},
      {"ima_bad_digest", h + "ima:\n  allow:\n    digests:\n      /usr/bin/bash: [\"sha384:abcd\"]\n", ErrorCode::kBadValue, 5, 23},
      {"ima_bad_digest_alg", h + "ima:\n  allow:\n    digests:\n      /a: [\"md5:00112233445566778899aabbccddeeff\"]\n", ErrorCode::kBadValue, 5, 12},
      {"ima_digests_not_list", h + "ima:\n  allow:\n    digests:\n      /a: \"sha256:00\"\n", ErrorCode::kBadValue, 5, 11},
      {"ima_unknown_allow_key", h + "ima:\n  allow: {paths: []}\n", ErrorCode::kUnsupported, 3, 11},
      {"waivers_not_list", h + "waivers: {rule: a}\n", ErrorCode::kBadValue, 2, 10},
      {"waiver_missing_until", h + "waivers:\n  - {rule: td.mr_td, reason: r}\n", ErrorCode::kNotFound, 3, 5},
      {"waiver_bad_until", h + "waivers:\n  - {rule: td.mr_td, until: 2027-13-01, reason: r}\n", ErrorCode::kBadValue, 3, 29},
      {"waiver_feb_30", h + "waivers:\n  - {rule: td.mr_td, until: 2027-02-30, reason: r}\n", ErrorCode::kBadValue, 3, 29},
      {"waiver_empty_reason", h + "waivers:\n  - {rule: td.mr_td, until: 2027-01-01, reason: \"\"}\n", ErrorCode::kBadValue, 3, 49},
      {"waiver_bad_rule", h + "waivers:\n  - {rule: \"td mr\", until: 2027-01-01, reason: r}\n", ErrorCode::kBadValue, 3, 12},
      {"expires_bad_time", h + "metadata:\n  expires: 2027-06-30T25:00:00Z\n", ErrorCode::kBadValue, 3, 12},
      {"expires_no_zone", h + "metadata:\n  expires: 2027-06-30T10:00:00\n", ErrorCode::kBadValue, 3, 12},
      {"binding_bad_value", h + "binding: {nonce: maybe}\n", ErrorCode::kBadValue, 2, 18},
      {"binding_unknown_key", h + "binding: {user_data: required}\n", ErrorCode::kUnsupported, 2, 11},
      {"version_empty", h + "metadata:\n  version: \"\"\n", ErrorCode::kBadValue, 3, 12},
  };
}

class BadPolicyTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPolicyTest, FailsWithCodeLineAndColumn) {
  const BadCase& c = GetParam();
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

INSTANTIATE_TEST_SUITE_P(Table, BadPolicyTest, ::testing::ValuesIn(BadCases()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(PolicyParserTest, UnknownKeysAreCollectedInLintMode) {
  std::vector<UnknownKey> unknown;
  ParseOptions o;
  o.out_unknown_keys = &unknown;
  auto p = ParsePolicy(std::string(kHead) + "td:\n  atributes: {}\n  xfam: {eq: zero}\nfoo: 1\n", o);
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
