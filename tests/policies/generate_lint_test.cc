#include <set>
#include <string>

#include <gtest/gtest.h>

#include "policies/evaluator.h"
#include "policies/generate.h"
#include "policies/lint.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "tests/policies/facts_builder.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
using result::Facts;
using result::Verdict;
namespace {

const UnixTime kNow = 1798761600;  // 2027-01-01T00:00:00Z

// GoodFacts with every event and IMA entry bound to the quote and the data
// of events with text verified: what a generated policy may pin.
Facts GoodFacts() {
  Facts f = testing::GoodFacts();
  for (result::EventFact& e : f.events) {
    e.bound = !e.reg.empty();
    if (!e.text.empty()) e.data = result::DataStatus::kVerified;
  }
  for (result::ImaEntryFact& e : f.ima) e.bound = true;
  f.logs = {{"ccel", "CCEL.data", true, "bound", {"rtmr0", "rtmr1", "rtmr2"}, 7, 7},
            {"ima", "ima.ascii", true, "bound", {"rtmr2"}, 4, 4}};
  return f;
}

Policy Generated(const Facts& f) {
  GenerateOptions o;
  o.now = kNow;
  o.name = "gen \"test\"";
  std::string y = GeneratePolicy(f, o);
  auto p = ParsePolicy(y);
  if (!p.ok()) ADD_FAILURE() << p.status().ToString() << "\n" << y;
  return std::move(p).value();
}

std::set<std::string> Codes(const std::vector<LintFinding>& v) {
  std::set<std::string> out;
  for (const auto& l : v) out.insert(l.code);
  return out;
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
  // One rule per extended event (the EV_NO_ACTION one is not extended),
  // matched by content: verified text where the event has it, else the
  // digest. No rule is positional: none repeats identically.
  ASSERT_EQ(p.events.size(), 6u);
  EXPECT_EQ(p.events[0].id, "ccel-rtmr0-ev-efi-platform-firmware-blob2-111111111111");
  EXPECT_EQ(p.events[1].id, "ccel-rtmr1-ev-efi-action-calling-efi-application-from-boot-option");
  EXPECT_EQ(p.events[2].id, "ccel-rtmr1-ev-efi-boot-services-application-333333333333");
  EXPECT_EQ(p.events[3].id, "ccel-rtmr1-ev-efi-boot-services-application-444444444444");
  EXPECT_EQ(p.events[4].id, "ccel-rtmr2-ev-ipl-kernel-cmdline-vmlinuz-root-dev-sda1");
  EXPECT_EQ(p.events[5].id, "ccel-rtmr2-ev-ipl-grub-cmd-linux-vmlinuz");
  EXPECT_EQ(p.events[4].match_text_eq, f.events[5].text);
  EXPECT_EQ(p.events[2].match_digest->any_of.size(), 1u);
  for (const EventRule& r : p.events) {
    EXPECT_FALSE(r.nth) << r.id;
    EXPECT_FALSE(r.index) << r.id;
    EXPECT_TRUE(r.MatchesContent()) << r.id;
    EXPECT_NE(bool(r.match_digest), bool(r.match_text_eq)) << r.id;
    EXPECT_TRUE(r.reg) << r.id;
    EXPECT_TRUE(r.type) << r.id;
  }
  // IMA extends rtmr2: not pinned by value; replay still binds it.
  EXPECT_FALSE(p.td.rtmr[2]);
  EXPECT_TRUE(p.td.rtmr[1]);
  EXPECT_EQ(p.replay.must_match_quote.size(), 4u);
  // boot_aggregate is excluded, not pinned.
  EXPECT_EQ(p.ima.allow.size(), 3u);
  EXPECT_EQ(p.ima.allow.count("boot_aggregate"), 0u);
  ASSERT_EQ(p.ima.exclude_src, std::vector<std::string>{"^boot_aggregate$"});
  EXPECT_TRUE(p.td.mr_config_id->zero);
  EXPECT_TRUE(p.td.rtmr[3]->zero);
  EXPECT_FALSE(p.td.attribute_bits.at("debug"));
  EXPECT_TRUE(p.td.attribute_bits.at("sept_ve_disable"));
  // A generated policy lints without errors, and without the warnings its
  // own shape could earn.
  for (const LintFinding& l : LintPolicy(p, {}, kNow)) {
    EXPECT_EQ(l.severity, LintSeverity::kWarning) << l.message;
    EXPECT_NE(l.code, "ima-register-pinned") << l.message;
    EXPECT_NE(l.code, "positional-event-rule") << l.message;
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
      {"advisory",
       [](Facts* f) { f->collateral.advisory_ids.push_back("INTEL-SA-01000"); },
       {"platform.advisories"}},
      {"svn",
       [](Facts* f) {
         f->quote.tee_tcb_svn[3] = 0xff;
         f->quote.tee_tcb_svn[2] = 6;
       },
       {"platform.min_tee_tcb_svn"}},
      {"mr_seam", [](Facts* f) { f->quote.mr_seam[3] ^= 4; }, {"platform.mr_seam"}},
      {"attributes", [](Facts* f) { f->quote.td_attributes[6] = 2; }, {"td.attributes"}},
      {"xfam", [](Facts* f) { f->quote.xfam[0] = 0xe3; }, {"td.xfam"}},
      {"mr_td", [](Facts* f) { f->quote.mr_td[20] ^= 1; }, {"td.mr_td"}},
      {"mr_config_id", [](Facts* f) { f->quote.mr_config_id[0] = 1; }, {"td.mr_config_id"}},
      {"mr_owner", [](Facts* f) { f->quote.mr_owner[0] = 1; }, {"td.mr_owner"}},
      {"mr_owner_config",
       [](Facts* f) { f->quote.mr_owner_config[0] = 1; },
       {"td.mr_owner_config"}},
      {"rtmr0",
       [](Facts* f) {
         f->quote.rtmr[0][0] ^= 1;
         f->comparisons[0].matches = false;
       },
       {"td.rtmr0", "replay.must_match_quote.rtmr0"}},
      {"event_digest",
       [](Facts* f) { f->events[4].digests[0].bytes[9] ^= 1; },
       {"events.ccel-rtmr1-ev-efi-boot-services-application-444444444444"}},
      {"event_removed",
       [](Facts* f) { f->events.erase(f->events.begin() + 6); },
       {"events.ccel-rtmr2-ev-ipl-grub-cmd-linux-vmlinuz"}},
      {"cmdline",
       [](Facts* f) { f->events[5].text += " init=/bin/sh"; },
       {"events.ccel-rtmr2-ev-ipl-kernel-cmdline-vmlinuz-root-dev-sda1"}},
      {"cmdline_unverified",
       [](Facts* f) { f->events[5].data = result::DataStatus::kMismatched; },
       {"events.ccel-rtmr2-ev-ipl-kernel-cmdline-vmlinuz-root-dev-sda1"}},
      {"event_unbound",
       [](Facts* f) { f->events[5].bound = false; },
       {"events.ccel-rtmr2-ev-ipl-kernel-cmdline-vmlinuz-root-dev-sda1"}},
      {"event_type",
       [](Facts* f) {
         f->events[2].type = 0x80000009;
         f->events[2].type_name = "EV_EFI_HANDOFF_TABLES";
       },
       {"events.ccel-rtmr1-ev-efi-action-calling-efi-application-from-boot-option"}},
      {"event_register",
       [](Facts* f) { f->events[1].reg = "rtmr1"; },
       {"events.ccel-rtmr0-ev-efi-platform-firmware-blob2-111111111111"}},
      // Rules match by content, not position: an event inserted before the
      // pinned ones, or a change of order, fails no event rule (in a pinned
      // register the changed value fails td.rtmrN, once).
      {"event_order", [](Facts* f) { std::swap(f->events[3], f->events[4]); }, {}},
      {"event_inserted",
       [](Facts* f) {
         result::EventFact e = f->events[6];
         e.text = "grub_cmd: set timeout=5";
         e.digests = {testing::Sha384(std::string(96, '9'))};
         f->events.insert(f->events.begin() + 1, e);
         for (size_t i = 0; i < f->events.size(); ++i) f->events[i].index = i;
       },
       {}},
      {"ima_digest", [](Facts* f) { f->ima[3].file_digest[47] ^= 1; }, {"ima.allow"}},
      {"ima_new_file",
       [](Facts* f) {
         f->ima.push_back(f->ima[1]);
         f->ima.back().path = "/bin/sh";
       },
       {"ima.unknown"}},
  };
  Facts good = GoodFacts();
  Policy p = Generated(good);
  for (const Alteration& a : cases) {
    Facts f = good;
    a.alter(&f);
    EXPECT_EQ(Failing(Evaluate(&p, f, {kNow})), a.failing) << a.name;
  }
}

TEST(GenerateTest, WithoutCollateralGenerateRefusesUnlessAllowWeak) {
  Facts f = GoodFacts();
  f.collateral = {};
  EXPECT_EQ(WeakPlatformReasons(f).size(), 1u);
  GenerateOptions o;
  o.now = kNow;
  auto g = Generate(f, o);
  ASSERT_FALSE(g.ok());
  EXPECT_EQ(g.status().code(), ErrorCode::kBadValue);
  o.allow_weak = true;
  g = Generate(f, o);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->weak.size(), 1u);
  EXPECT_EQ(g->yaml.rfind("# WARNING:", 0), 0u);
  Policy p = Generated(f);
  EXPECT_FALSE(p.platform.tcb_status_set);
  EXPECT_TRUE(p.platform.collateral_optional);
  EXPECT_TRUE(Evaluate(&p, f, {kNow}).Passed());
}

TEST(GenerateTest, WeakTcbStatusIsRefusedAndAllowWeakMarksIt) {
  for (const char* st :
       {"Revoked", "OutOfDate", "NotSupported", "SWHardeningNeeded", "UnrecognizedStatus"}) {
    Facts f = GoodFacts();
    f.collateral.tcb_status = st;
    GenerateOptions o;
    o.now = kNow;
    auto g = Generate(f, o);
    ASSERT_FALSE(g.ok()) << st;
    EXPECT_EQ(g.status().code(), ErrorCode::kBadValue) << st;
    o.allow_weak = true;
    g = Generate(f, o);
    ASSERT_TRUE(g.ok()) << st;
    EXPECT_EQ(g->yaml.rfind("# WARNING:", 0), 0u) << st;
    EXPECT_NE(g->yaml.find(st), std::string::npos) << st;
    auto p = ParsePolicy(g->yaml);
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    bool weak_error = false;
    for (const LintFinding& l : LintPolicy(*p, {}, kNow)) {
      weak_error |= l.code == "weak-tcb-status" && l.severity == LintSeverity::kError;
    }
    std::string s = st;
    EXPECT_EQ(weak_error, s == "Revoked" || s == "NotSupported" || s == "UnrecognizedStatus") << st;
  }
  Facts up = GoodFacts();
  EXPECT_TRUE(WeakPlatformReasons(up).empty());
  GenerateOptions o;
  o.now = kNow;
  auto g = Generate(up, o);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->yaml.find("WARNING"), std::string::npos);
}

TEST(GenerateTest, UnboundFactsAreNotPinned) {
  Facts f = GoodFacts();
  // A TPM log nothing binds, beside the CCEL.
  for (uint64_t i = 0; i < 3; ++i) {
    result::EventFact e = f.events[1];
    e.log = "tpm";
    e.index = i;
    e.reg = "pcr" + std::to_string(i);
    e.bound = false;
    f.events.push_back(e);
  }
  f.logs.push_back(
      {"tpm", "tpm.bin", false, "only a TPM quote binds PCRs", {"pcr0", "pcr1", "pcr2"}, 3, 0});
  // IMA entries after the quoted value.
  f.ima.push_back(f.ima[1]);
  f.ima.back().path = "/after/quote";
  f.ima.back().bound = false;
  GenerateOptions o;
  o.now = kNow;
  auto g = Generate(f, o);
  ASSERT_TRUE(g.ok());
  ASSERT_EQ(g->left_out.size(), 1u);
  EXPECT_EQ(g->left_out[0].rfind("tpm (tpm.bin): ", 0), 0u) << g->left_out[0];
  auto p = ParsePolicy(g->yaml);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  for (const EventRule& r : p->events) {
    EXPECT_EQ(r.log, "ccel") << r.id;
    EXPECT_EQ(r.reg->rfind("rtmr", 0), 0u) << r.id;
  }
  EXPECT_EQ(p->events.size(), 6u);
  EXPECT_EQ(p->ima.allow.count("/after/quote"), 0u);
  EXPECT_EQ(CountImaPaths(f), 3u);             // boot_aggregate is not a path to allow
  EXPECT_TRUE(p->logs.informational.empty());  // the operator decides
}

TEST(GenerateTest, MrServiceTdIsPinnedForTdReport15) {
  Facts f = GoodFacts();
  EXPECT_FALSE(Generated(f).td.mr_servicetd);
  f.quote.is_v15 = true;
  f.quote.mr_servicetd[5] = 0x42;
  Policy p = Generated(f);
  ASSERT_TRUE(p.td.mr_servicetd);
  EXPECT_TRUE(p.td.mr_servicetd->Matches(f.quote.mr_servicetd.data(), 48));
  EXPECT_TRUE(Evaluate(&p, f, {kNow}).Passed());
  Facts g = f;
  g.quote.mr_servicetd[5] = 0x43;
  EXPECT_EQ(Failing(Evaluate(&p, g, {kNow})), std::set<std::string>{"td.mr_servicetd"});
}

TEST(GenerateTest, EventRulesPinTheStrongestBankAndNumberIdenticalRepeats) {
  Facts f = GoodFacts();
  // A second bank (SHA-1) on one event, and two identical separators.
  Digest sha1 = Digest::Zero(HashAlg::kSha1);
  sha1.bytes[0] = 7;
  f.events[1].digests.insert(f.events[1].digests.begin(), sha1);
  for (uint64_t i = 7; i < 9; ++i) {
    result::EventFact e = f.events[1];
    e.index = i;
    e.reg = "rtmr1";
    e.type = 4;
    e.type_name = "EV_SEPARATOR";
    e.digests = {testing::Sha384(std::string(96, 'c'))};
    f.events.push_back(e);
  }
  Policy p = Generated(f);
  ASSERT_EQ(p.events.size(), 8u);
  EXPECT_EQ(p.events[0].match_digest->any_of.size(), 1u);
  EXPECT_EQ(p.events[0].match_digest->any_of[0].size(), 48u);
  // Only identical repeats carry nth.
  EXPECT_EQ(p.events[6].id, "ccel-rtmr1-ev-separator-cccccccccccc");
  EXPECT_EQ(p.events[6].nth, 0u);
  EXPECT_EQ(p.events[7].id, "ccel-rtmr1-ev-separator-cccccccccccc-2");
  EXPECT_EQ(p.events[7].nth, 1u);
  for (size_t i = 0; i < 6; ++i) EXPECT_FALSE(p.events[i].nth) << p.events[i].id;
  EXPECT_TRUE(Evaluate(&p, f, {kNow}).Passed());
  EXPECT_TRUE(Codes(LintPolicy(p, {}, kNow)).count("positional-event-rule") == 0);
  f.events.pop_back();
  EXPECT_EQ(Failing(Evaluate(&p, f, {kNow})),
            std::set<std::string>{"events.ccel-rtmr1-ev-separator-cccccccccccc-2"});
}

TEST(GenerateTest, ExpiresIsWhatTheCallerComputed) {
  Facts f = GoodFacts();
  GenerateOptions o;
  o.now = 1000;  // an old bundle judged at its own time
  o.expires = kNow + 90 * 86400;
  auto p = ParsePolicy(GeneratePolicy(f, o));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(*p->expires, kNow + 90 * 86400);
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
  EXPECT_EQ(CountImaPaths(f), 3u);
  std::map<std::string, std::vector<std::string>> allow;
  ASSERT_TRUE(ParseImaAllowList(GenerateImaAllowList(f), "allow", &allow).ok());
  EXPECT_EQ(allow.size(), 3u);
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

TEST(LintTest, FlagsEveryWeakness) {
  std::vector<UnknownKey> unknown;
  ParseOptions o;
  o.out_unknown_keys = &unknown;
  auto p = ParsePolicy(
      "apiVersion: ccverify/v1\n"
      "metadata: {expires: 2026-06-01T00:00:00Z}\n"
      "platform: {collateral: optional}\n"
      "td: {mr_td: {eq: zero}, rtmr0: {eq: zero}, attribute: {}}\n"
      "replay: {must_match_quote: [rtmr1]}\n"
      "ima:\n  exclude: [\"^/tmp/\", \".*\"]\n  unknown: ignore\n"
      "waivers:\n  - {rule: td.mr_td, until: 2026-12-31, reason: r}\n"
      "  - {rule: td.rtmr0, until: 2027-12-31, reason: r}\n"
      "  - {rule: events.nosuch, until: 2027-12-31, reason: r}\n",
      o);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto findings = LintPolicy(*p, unknown, kNow);
  EXPECT_EQ(Codes(findings),
            (std::set<std::string>{"unknown-key", "policy-expired", "unpinned-register",
                                   "debug-allowed", "no-tcb-status", "collateral-optional",
                                   "catch-all-exclude", "ima-unknown-ignored", "ima-empty-allow",
                                   "expired-waiver", "unused-waiver", "measurement-waiver"}));
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
  for (const char* p :
       {".*",       "",       "^",           ".",      "^/",       "/",     "^/.*", "^/.*$",
        "(?s).",    "(?i)^/", "^(?:/tmp/)|", "|/tmp/", "/tmp/||x", "(.*)*", "\\/",  "^.+$",
        "[\\s\\S]", "(/)",    "^(?:/.*)?$",  "[/]",    "\\A/",     "^/+",   "/|x"}) {
    EXPECT_TRUE(IsCatchAllPattern(p)) << p;
  }
  for (const char* p :
       {"^/tmp/", "^/var/lib/containerd/", "^/tmp/.*", "\\.log$", "^/(tmp|var)/", "(?s)^/tmp/",
        "x|y", "^/usr/", "^/[a-s]", "^$", "(?=/tmp)", "^/tmp|^/var"}) {
    EXPECT_FALSE(IsCatchAllPattern(p)) << p;
  }
  EXPECT_TRUE(IsCatchAllRegex(Regex::Compile(".*").value()));
  EXPECT_TRUE(IsCatchAllRegex(Regex::Compile("^/").value()));
  EXPECT_FALSE(IsCatchAllRegex(Regex::Compile("^/tmp/").value()));
}

TEST(LintTest, CatchAllTextDetection) {
  for (const char* p : {".*", "", "^", "(?:.*)", "x*", "^.*$", "(?s).*", "a|"}) {
    EXPECT_TRUE(IsCatchAllTextPattern(p)) << p;
  }
  for (const char* p : {"^kernel_cmdline:", "sig_enforce=1", "^grub_cmd: linux ", ".+", "/"}) {
    EXPECT_FALSE(IsCatchAllTextPattern(p)) << p;
  }
}

TEST(LintTest, NestedQuantifierDetection) {
  for (const char* p : {"(a+)+", "(.*)*", "(x|y+)*", "((ab)*c)+", "(a{1,})*", "(?:\\w+\\s?)+$",
                        "^(/[a-z]+)*x", "((a)+)+", "(a*){2,}"}) {
    EXPECT_TRUE(HasNestedQuantifier(p)) << p;
  }
  for (const char* p : {"a+b*", "(ab)+", "[(a+)]+", "\\(a+\\)+", "(a+)?", "(a+){2}", "^/tmp/",
                        "(a|b)*", "[a+]*", ".*"}) {
    EXPECT_FALSE(HasNestedQuantifier(p)) << p;
  }
}

// An `events:` section of one rule "e" matching `match` and expecting a zero
// digest, with the rule's further keys `extra` (", key: value").
std::string EventRule(const std::string& match, const std::string& extra = "") {
  return "events:\n  - {id: e, match: {" + match + "}, expect: {digest: {eq: zero}}" + extra +
         "}\n";
}

// A `waivers:` section of one waiver of `rule`.
std::string Waiver(const std::string& rule) {
  return "waivers:\n  - {rule: " + rule + ", until: 2027-06-01, reason: r}\n";
}

// One weak construct per case, on top of a policy with an expiry.
TEST(LintTest, EachWeakConstructHasItsCodeAndSeverity) {
  struct Case {
    std::string yaml;
    const char* code;
    LintSeverity severity;
  } cases[] = {
      {"platform: {tcb_status: {allow: [UpToDate, Revoked]}}\n", "weak-tcb-status",
       LintSeverity::kError},
      {"platform: {tcb_status: {allow: [NotSupported]}}\n", "weak-tcb-status",
       LintSeverity::kError},
      {"platform: {tcb_status: {allow: [UpToDate], warn: [UnrecognizedStatus]}}\n",
       "weak-tcb-status", LintSeverity::kError},
      {"platform: {tcb_status: {allow: [UpToDate], warn: [Revoked]}}\n", "weak-tcb-status",
       LintSeverity::kError},
      {"platform: {tcb_status: {allow: [UpToDate, OutOfDate]}}\n", "outdated-tcb-status",
       LintSeverity::kWarning},
      {"ima: {exclude: [\"^/\"]}\n", "catch-all-exclude", LintSeverity::kError},
      {"ima: {exclude: [\"(?s).\"]}\n", "catch-all-exclude", LintSeverity::kError},
      {"ima: {exclude: [\"^/tmp/|\"]}\n", "catch-all-exclude", LintSeverity::kError},
      {"ima: {exclude: [\"^/.*\"]}\n", "catch-all-exclude", LintSeverity::kError},
      {"ima: {exclude: [\"^/(a+)+$\"]}\n", "nested-quantifier", LintSeverity::kWarning},
      {EventRule("register: rtmr1", ", optional: true"), "optional-event-rule",
       LintSeverity::kWarning},
      {EventRule("register: rtmr1", ", severity: warn"), "warn-only-event-rule",
       LintSeverity::kWarning},
      {EventRule("register: rtmr1, text_regex: \".*\""), "catch-all-text-regex",
       LintSeverity::kWarning},
      {EventRule("register: rtmr1, text_regex: \"^\""), "catch-all-text-regex",
       LintSeverity::kWarning},
      {EventRule("register: rtmr1, text_regex: \"(x|y+)*z\""), "nested-quantifier",
       LintSeverity::kWarning},
      {Waiver("events.*"), "wildcard-waiver", LintSeverity::kWarning},
      {Waiver("events.*"), "measurement-waiver", LintSeverity::kWarning},
      {EventRule("register: rtmr1") + Waiver("events.e"), "measurement-waiver",
       LintSeverity::kWarning},
      {Waiver("ima.allow"), "measurement-waiver", LintSeverity::kWarning},
      {Waiver("td.*"), "wildcard-waiver", LintSeverity::kWarning},
      {"logs: {informational: [tpm]}\n", "informational-log", LintSeverity::kWarning},
      {"logs: {unexplained_digests: warn}\n", "unexplained-digests-warn", LintSeverity::kWarning},
      {"td: {rtmr2: {eq: zero}}\nima: {exclude: [\"^/tmp/\"]}\n", "ima-register-pinned",
       LintSeverity::kWarning},
      {EventRule("register: rtmr1, type: EV_IPL, nth: 2"), "positional-event-rule",
       LintSeverity::kWarning},
      {EventRule("log: ccel, index: 7"), "positional-event-rule", LintSeverity::kWarning},
  };
  for (const Case& c : cases) {
    auto p = ParsePolicy(
        std::string("apiVersion: ccverify/v1\nmetadata: {expires: 2027-06-01T00:00:00Z}\n") +
        c.yaml);
    ASSERT_TRUE(p.ok()) << c.yaml << p.status().ToString();
    bool found = false;
    for (const LintFinding& l : LintPolicy(*p, {}, kNow)) {
      if (l.code != c.code) continue;
      found = true;
      EXPECT_EQ(l.severity, c.severity) << c.yaml;
      EXPECT_NE(l.pos.line, 0u) << c.yaml;
    }
    EXPECT_TRUE(found) << c.code << " not reported for\n" << c.yaml;
  }
}

// The new warnings stay quiet where there is nothing to warn of.
TEST(LintTest, ContentRulesAndUnpinnedImaRegisterAreNotFlagged) {
  auto p = ParsePolicy(
      "apiVersion: ccverify/v1\nmetadata: {expires: 2027-06-01T00:00:00Z}\n"
      "td: {rtmr1: {eq: zero}}\nreplay: {must_match_quote: [rtmr2]}\n"
      "events:\n"
      "  - {id: a, match: {register: rtmr1, type: EV_SEPARATOR, digest: {eq: zero}, nth: 1}}\n"
      "  - {id: b, match: {register: rtmr2, type: EV_IPL, text_eq: \"grub_cmd: x\"}}\n"
      "ima: {exclude: [\"^/tmp/\"]}\n");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  auto codes = Codes(LintPolicy(*p, {}, kNow));
  EXPECT_EQ(codes.count("positional-event-rule"), 0u);
  EXPECT_EQ(codes.count("ima-register-pinned"), 0u);
  // Without an ima section, pinning rtmr2 is not this warning's business.
  auto q = ParsePolicy("apiVersion: ccverify/v1\ntd: {rtmr2: {eq: zero}}\n");
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(Codes(LintPolicy(*q, {}, kNow)).count("ima-register-pinned"), 0u);
}

TEST(TimeTest, ExpiryIsDaysFromNowOrAFutureDate) {
  const UnixTime now = 1795824000;  // 2026-11-28T00:00:00Z
  EXPECT_EQ(*ParseExpiry("90d", now), now + 90 * 86400);
  EXPECT_EQ(*ParseExpiry("1d", now), now + 86400);
  EXPECT_EQ(*ParseExpiry("3650d", now), now + 3650 * 86400);
  EXPECT_EQ(*ParseExpiry("2027-01-15", now), *ParseRfc3339("2027-01-16T00:00:00Z"));  // end of day
  EXPECT_EQ(*ParseExpiry("2027-01-15T12:00:00Z", now), *ParseRfc3339("2027-01-15T12:00:00Z"));
  for (const char* bad : {"0d", "3651d", "d", "-5d", "12345d", "9x", "90", "2026-11-27",
                          "2026-11-28T00:00:00Z", "2027-13-01", ""}) {
    auto r = ParseExpiry(bad, now);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue) << bad;
  }
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
  } cases[] = {{"", 0},
               {"2026", 4},
               {"2026-1-01", 5},
               {"2023-02-29", 10},
               {"2026-11-28X", 10},
               {"2026-11-28T24:00:00Z", 13},
               {"2026-11-28T00:00:00", 19},
               {"2026-11-28T00:00:00Zjunk", 20},
               {"2026-11-28T00:00:00.Z", 20},
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
