#include <set>
#include <string>

#include <gtest/gtest.h>

#include "policies/evaluator.h"
#include "verifier/result/facts.h"
#include "policies/generate.h"
#include "policies/lint.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "tests/policies/facts_builder.h"

namespace ccv::policy {
using result::Facts;
using result::Verdict;
namespace {

using testing::GoodFacts;

const UnixTime kNow = 1798761600;  // 2027-01-01T00:00:00Z

Policy Generated(const Facts& f) {
  GenerateOptions o;
  o.now = kNow;
  o.name = "gen \"test\"";
  std::string y = GeneratePolicy(f, o);
  auto p = ParsePolicy(y);
  if (!p.ok()) ADD_FAILURE() << p.status().ToString() << "\n" << y;
  return std::move(p).value();
}

std::set<std::string> Failing(const Evaluation& ev) {
  std::set<std::string> out;
  for (const RuleResult& r : ev.rules) {
    if (r.status == Verdict::kFail) out.insert(r.id);
  }
  return out;
}

TEST(GenerateTest, GeneratedPolicyPassesOnItsOwnFacts) {
  Facts f = GoodFacts();
  Policy p = Generated(f);
  EXPECT_EQ(p.name, "gen \"test\"");
  ASSERT_TRUE(p.expires);
  EXPECT_EQ(*p.expires, kNow + 180 * 86400);
  Evaluation ev = Evaluate(&p, f, {kNow});
  EXPECT_TRUE(ev.Passed());
  for (const RuleResult& r : ev.rules) EXPECT_EQ(r.status, Verdict::kPass) << r.id << " " << r.why;
  // Every extended event is pinned (6 of 7; the EV_NO_ACTION one is not).
  EXPECT_EQ(p.events.size(), 6u);
  EXPECT_EQ(p.events[0].id, "ccel-rtmr0-ev-efi-platform-firmware-blob2-0");
  EXPECT_EQ(p.events[3].id, "ccel-rtmr1-ev-efi-boot-services-application-1");
  EXPECT_EQ(p.replay.must_match_quote.size(), 4u);
  EXPECT_EQ(p.ima.allow.size(), 4u);
  EXPECT_TRUE(p.td.mr_config_id->zero);
  EXPECT_TRUE(p.td.rtmr[3]->zero);
  EXPECT_FALSE(p.td.attribute_bits.at("debug"));
  EXPECT_TRUE(p.td.attribute_bits.at("sept_ve_disable"));
  // A generated policy lints without errors.
  for (const LintFinding& l : LintPolicy(p, {}, kNow)) {
    EXPECT_EQ(l.severity, LintSeverity::kWarning) << l.message;
  }
}

struct Alteration {
  const char* name;
  void (*alter)(Facts*);
  std::set<std::string> failing;
};

TEST(GenerateTest, AlteringAnyPinnedFactFailsTheRuleThatPinsIt) {
  Alteration cases[] = {
      {"tcb", [](Facts* f) { f->collateral.tcb_status = "OutOfDate"; }, {"platform.tcb_status"}},
      {"advisory", [](Facts* f) { f->collateral.advisory_ids.push_back("INTEL-SA-01000"); }, {"platform.advisories"}},
      {"svn", [](Facts* f) { f->quote.tee_tcb_svn[3] = 0xff; f->quote.tee_tcb_svn[2] = 6; }, {"platform.min_tee_tcb_svn"}},
      {"mr_seam", [](Facts* f) { f->quote.mr_seam[3] ^= 4; }, {"platform.mr_seam"}},
      {"attributes", [](Facts* f) { f->quote.td_attributes[6] = 2; }, {"td.attributes"}},
      {"xfam", [](Facts* f) { f->quote.xfam[0] = 0xe3; }, {"td.xfam"}},
      {"mr_td", [](Facts* f) { f->quote.mr_td[20] ^= 1; }, {"td.mr_td"}},
      {"mr_config_id", [](Facts* f) { f->quote.mr_config_id[0] = 1; }, {"td.mr_config_id"}},
      {"mr_owner", [](Facts* f) { f->quote.mr_owner[0] = 1; }, {"td.mr_owner"}},
      {"mr_owner_config", [](Facts* f) { f->quote.mr_owner_config[0] = 1; }, {"td.mr_owner_config"}},
      {"rtmr0", [](Facts* f) { f->quote.rtmr[0][0] ^= 1; f->comparisons[0].matches = false; },
       {"td.rtmr0", "replay.must_match_quote.rtmr0"}},
      {"event_digest", [](Facts* f) { f->events[4].digests[0].bytes[9] ^= 1; },
       {"events.ccel-rtmr1-ev-efi-boot-services-application-1"}},
      {"event_removed", [](Facts* f) { f->events.erase(f->events.begin() + 6); }, {"events.ccel-rtmr2-ev-ipl-1"}},
      {"event_type", [](Facts* f) { f->events[2].type = 0x80000009; f->events[2].type_name = "EV_EFI_HANDOFF_TABLES"; }, {"events.ccel-rtmr1-ev-efi-action-0"}},
      {"ima_digest", [](Facts* f) { f->ima[3].file_digest[47] ^= 1; }, {"ima.allow"}},
      {"ima_new_file", [](Facts* f) { f->ima.push_back(f->ima[1]); f->ima.back().path = "/bin/sh"; }, {"ima.unknown"}},
  };
  Facts good = GoodFacts();
  Policy p = Generated(good);
  for (const Alteration& a : cases) {
    Facts f = good;
    a.alter(&f);
    EXPECT_EQ(Failing(Evaluate(&p, f, {kNow})), a.failing) << a.name;
  }
}

TEST(GenerateTest, WithoutCollateralTheTcbIsNotPinnedButCollateralOptional) {
  Facts f = GoodFacts();
  f.collateral = {};
  Policy p = Generated(f);
  EXPECT_FALSE(p.platform.tcb_status_set);
  EXPECT_TRUE(p.platform.collateral_optional);
  EXPECT_TRUE(Evaluate(&p, f, {kNow}).Passed());
}

TEST(GenerateTest, WithoutQuoteNoTdFieldsArePinned) {
  Facts f = GoodFacts();
  f.quote = {};
  f.comparisons.clear();
  Policy p = Generated(f);
  EXPECT_FALSE(p.td.mr_td);
  EXPECT_TRUE(p.replay.must_match_quote.empty());
  EXPECT_TRUE(Evaluate(&p, f, {kNow}).Passed());
}

TEST(GenerateTest, OddTextsAndPathsRoundTrip) {
  Facts f = GoodFacts();
  f.ima[1].path = "/weird \"path\"\\with\ttab:and: colons\x01";
  f.events[5].text = std::string("multi\nline\x7f\x80 text");
  Policy p = Generated(f);
  EXPECT_EQ(p.ima.allow.count(f.ima[1].path), 1u);
  EXPECT_TRUE(Evaluate(&p, f, {kNow}).Passed());
}

TEST(GenerateTest, ImaAllowListFileRoundTrips) {
  Facts f = GoodFacts();
  f.ima.push_back(f.ima[1]);
  f.ima.back().file_digest[0] ^= 1;  // a second digest for /usr/bin/bash
  f.ima[2].path = "/path with spaces/x";
  EXPECT_TRUE(ImaPathsFitAllowList(f));
  EXPECT_EQ(CountImaPaths(f), 4u);
  std::map<std::string, std::vector<std::string>> allow;
  ASSERT_TRUE(ParseImaAllowList(GenerateImaAllowList(f), "allow", &allow).ok());
  EXPECT_EQ(allow.size(), 4u);
  EXPECT_EQ(allow.at("/usr/bin/bash").size(), 2u);
  EXPECT_EQ(allow.count("/path with spaces/x"), 1u);
  GenerateOptions o;
  o.now = kNow;
  o.ima_allow_file = "p.ima-allow";
  std::string y = GeneratePolicy(f, o);
  EXPECT_NE(y.find("file: \"p.ima-allow\""), std::string::npos);
  EXPECT_EQ(y.find("digests:"), std::string::npos);
  f.ima[2].path = "bad\npath";
  EXPECT_FALSE(ImaPathsFitAllowList(f));
  f.ima[2].path = "*star";
  EXPECT_FALSE(ImaPathsFitAllowList(f));
}

std::set<std::string> Codes(const std::vector<LintFinding>& v) {
  std::set<std::string> out;
  for (const auto& l : v) out.insert(l.code);
  return out;
}

TEST(LintTest, FlagsEveryWeakness) {
  std::vector<UnknownKey> unknown;
  ParseOptions o;
  o.out_unknown_keys = &unknown;
  auto p = ParsePolicy("apiVersion: ccverify/v1\n"
                       "metadata: {expires: 2026-06-01T00:00:00Z}\n"
                       "platform: {collateral: optional}\n"
                       "td: {mr_td: {eq: zero}, rtmr0: {eq: zero}, attribute: {}}\n"
                       "replay: {must_match_quote: [rtmr1]}\n"
                       "ima:\n  exclude: [\"^/tmp/\", \".*\"]\n  unknown: ignore\n"
                       "waivers:\n  - {rule: td.mr_td, until: 2026-12-31, reason: r}\n"
                       "  - {rule: td.rtmr0, until: 2027-12-31, reason: r}\n"
                       "  - {rule: events.nosuch, until: 2027-12-31, reason: r}\n"
                       "  - {rule: quote.pck_chain, until: 2027-12-31, reason: r}\n"
                       "  - {rule: quote.*, until: 2027-12-31, reason: r}\n",
                       o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto findings = LintPolicy(*p, unknown, kNow);
  EXPECT_EQ(Codes(findings),
            (std::set<std::string>{"unknown-key", "policy-expired", "unpinned-register", "debug-allowed",
                                   "no-tcb-status", "collateral-optional", "catch-all-exclude",
                                   "ima-unknown-ignored", "ima-empty-allow", "expired-waiver",
                                   "unused-waiver"}));
  size_t unpinned = 0, expired_waivers = 0;
  for (const auto& l : findings) {
    if (l.code == "unpinned-register") ++unpinned;
    if (l.code == "unused-waiver") {
      EXPECT_EQ(l.pos.line, 12u);  // events.nosuch only
    }
    if (l.code == "expired-waiver") {
      ++expired_waivers;
      EXPECT_EQ(l.pos.line, 10u);
      EXPECT_EQ(l.severity, LintSeverity::kError);
    }
    if (l.code == "catch-all-exclude") {
      EXPECT_EQ(l.pos.line, 7u);
      EXPECT_EQ(l.pos.column, 23u);
    }
    if (l.code == "unknown-key") {
      EXPECT_EQ(l.pos.line, 4u);
    }
  }
  EXPECT_EQ(unpinned, 2u);  // rtmr2 and rtmr3
  EXPECT_EQ(expired_waivers, 1u);
}

TEST(LintTest, CatchAllDetection) {
  auto re = [](const char* pattern) { return Regex::Compile(pattern).value(); };
  EXPECT_TRUE(IsCatchAllRegex(re(".*")));
  EXPECT_TRUE(IsCatchAllRegex(re("")));
  EXPECT_TRUE(IsCatchAllRegex(re("^")));
  EXPECT_TRUE(IsCatchAllRegex(re(".")));
  EXPECT_TRUE(IsCatchAllRegex(re("(?s).")));
  EXPECT_FALSE(IsCatchAllRegex(re("^/")));
  EXPECT_FALSE(IsCatchAllRegex(re("^/tmp/")));
  EXPECT_FALSE(IsCatchAllRegex(re("^/var/lib/containerd/")));
}

TEST(LintTest, NoExpiryIsAWarning) {
  auto p = ParsePolicy("apiVersion: ccverify/v1\n");
  ASSERT_TRUE(p.ok());
  auto codes = Codes(LintPolicy(*p, {}, kNow));
  EXPECT_TRUE(codes.count("no-expiry"));
  EXPECT_TRUE(codes.count("unpinned-register"));
}

TEST(TimeTest, ParsesAndFormatsRfc3339) {
  EXPECT_EQ(*ParseRfc3339("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339("2026-11-28T00:00:00Z"), 1795824000);
  EXPECT_EQ(*ParseRfc3339("2026-11-28T01:00:00+01:00"), 1795824000);
  EXPECT_EQ(*ParseRfc3339("2026-11-27T23:00:00.123-01:00"), 1795824000);
  EXPECT_EQ(*ParseRfc3339("2024-02-29"), 1709164800);
  EXPECT_EQ(*ParseRfc3339("2024-02-29", true), 1709164800 + 86400);
  EXPECT_EQ(FormatRfc3339(1795824000), "2026-11-28T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(1709164800 + 3661), "2024-02-29T01:01:01Z");
  EXPECT_EQ(FormatRfc3339(-1), "1969-12-31T23:59:59Z");
}

TEST(TimeTest, RejectsMalformedTimesWithColumn) {
  struct Case {
    const char* text;
    uint64_t column;
  } cases[] = {{"", 0},           {"2026", 4},    {"2026-1-01", 5},   {"2023-02-29", 10},
               {"2026-11-28X", 10}, {"2026-11-28T24:00:00Z", 13}, {"2026-11-28T00:00:00", 19},
               {"2026-11-28T00:00:00Zjunk", 20}, {"2026-11-28T00:00:00.Z", 20},
               {"2026-11-28T00:00:00+1:00", 20}};
  for (const Case& c : cases) {
    auto r = ParseRfc3339(c.text);
    ASSERT_FALSE(r.ok()) << c.text;
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue) << c.text;
    EXPECT_EQ(*r.status().column(), c.column) << c.text;
  }
}

}  // namespace
}  // namespace ccv::policy
