#include "policies/evaluator.h"

#include <functional>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "tests/policies/facts_builder.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
using result::Facts;
using result::ImaEntryFact;
using result::Verdict;
namespace {

const UnixTime kNow = 1798761600;  // 2027-01-01T00:00:00Z

// A hand-written policy for GoodFacts() covering every rule kind.
std::string GoodPolicyYaml() {
  Facts f = testing::GoodFacts();
  std::string y =
      "apiVersion: ccverify/v1\n"
      "metadata: {name: test, version: \"1\", expires: 2027-06-30T00:00:00Z}\n"
      "platform:\n"
      "  tcb_status: {allow: [UpToDate], warn: [SWHardeningNeeded]}\n"
      "  advisories: {deny: [INTEL-SA-00837]}\n"
      "  min_tee_tcb_svn: \"04010600000000000000000000000000\"\n"
      "  mr_seam: {any_of: [\"" +
      ToHex(f.quote.mr_seam) +
      "\"]}\n"
      "td:\n"
      "  attributes: {debug: false, sept_ve_disable: true, mask: \"0100001000000080\", value: "
      "\"0000001000000000\"}\n"
      "  xfam: {any_of: [\"e702060000000000\", \"e700060000000000\"]}\n"
      "  mr_td: {eq: \"" +
      ToHex(f.quote.mr_td) +
      "\"}\n"
      "  mr_config_id: {eq: zero}\n"
      "  mr_owner: {eq: zero}\n"
      "  mr_owner_config: {eq: zero}\n"
      "  rtmr0: {eq: \"" +
      ToHex(f.quote.rtmr[0]) +
      "\"}\n"
      "  rtmr1: {eq: \"" +
      ToHex(f.quote.rtmr[1]) +
      "\"}\n"
      "  rtmr2: {eq: \"" +
      ToHex(f.quote.rtmr[2]) +
      "\"}\n"
      "  rtmr3: {eq: zero}\n"
      "replay: {must_match_quote: [rtmr0, rtmr1, rtmr2, rtmr3]}\n"
      "events:\n"
      "  - id: kernel-cmdline\n"
      "    match: {register: rtmr2, type: EV_IPL, text_prefix: \"kernel_cmdline:\"}\n"
      "    expect: {text: {require: [\"module.sig_enforce=1\"], forbid: [\"init=/bin/sh\"]}}\n"
      "  - id: shim\n"
      "    match: {type: EV_EFI_BOOT_SERVICES_APPLICATION, nth: 0}\n"
      "    expect: {digest: {any_of: [\"" +
      std::string(96, '3') +
      "\"]}}\n"
      "  - id: two-apps\n"
      "    match: {log: ccel, type: 2147483651}\n"
      "    expect: {count: 2, digest: {any_of: [\"" +
      std::string(96, '3') + "\", \"" + std::string(96, '4') +
      "\"]}}\n"
      "  - id: efi-action\n"
      "    match: {index: 2, text_regex: \"^Calling EFI\"}\n"
      "    expect: {text: {eq: \"Calling EFI Application from Boot Option\"}}\n";
  return y;
}

std::string Hex48(uint8_t b) { return ToHex(std::vector<uint8_t>(48, b)); }

std::string FullPolicyYaml() {
  std::string y = GoodPolicyYaml();
  // Adds an IMA section with the digests of GoodFacts.
  y += "ima:\n  allow:\n    digests:\n"
       "      boot_aggregate: [\"sha384:" +
       Hex48(1) +
       "\"]\n"
       "      /usr/bin/bash: [\"sha384:" +
       Hex48(2) + "\", \"sha384:" + Hex48(9) +
       "\"]\n"
       "      /usr/lib/libc.so.6: [\"sha384:" +
       Hex48(4) +
       "\"]\n"
       "  exclude: [\"^/tmp/\"]\n  unknown: fail\n";
  return y;
}

Policy MustParse(const std::string& y) {
  auto p = ParsePolicy(y);
  if (!p.ok()) ADD_FAILURE() << p.status().ToString();
  return std::move(p).value();
}

std::set<std::string> Ids(const Evaluation& ev, Verdict v) {
  std::set<std::string> out;
  for (const RuleResult& r : ev.rules) {
    if (r.status == v) out.insert(r.id);
  }
  return out;
}

const RuleResult& Rule(const Evaluation& ev, const std::string& id) {
  for (const RuleResult& r : ev.rules) {
    if (r.id == id) return r;
  }
  static RuleResult none;
  ADD_FAILURE() << "no rule " << id;
  return none;
}

TEST(EvaluatorTest, GoodFactsPassEveryRule) {
  Policy p = MustParse(FullPolicyYaml());
  Evaluation ev = Evaluate(&p, testing::GoodFacts(), {kNow});
  EXPECT_TRUE(ev.Passed());
  for (const RuleResult& r : ev.rules) {
    EXPECT_EQ(r.status, Verdict::kPass) << r.id << ": " << r.why << " actual " << r.actual;
  }
  // One rule per item of the policy.
  EXPECT_EQ(ev.rules.size(), 1u + 4 + 1 + 8 + 4 + 4 + 2 + 1);
  EXPECT_EQ(ev.name, "test");
  EXPECT_EQ(Rule(ev, "td.rtmr1").evidence, "quote.td.rtmr1");
  EXPECT_EQ(Rule(ev, "events.shim").evidence, "ccel#3");
  EXPECT_EQ(Rule(ev, "events.kernel-cmdline").evidence, "ccel#5");
  EXPECT_EQ(Rule(ev, "td.mr_td").policy_line, 11u);
}

struct Mutation {
  const char* name;
  std::function<void(Facts*)> mutate;
  std::set<std::string> failing;
  std::set<std::string> warning = {};
};

std::vector<Mutation> Mutations() {
  return {
      {"tcb_out_of_date",
       [](Facts* f) { f->collateral.tcb_status = "OutOfDate"; },
       {"platform.tcb_status"}},
      {"tcb_sw_hardening",
       [](Facts* f) { f->collateral.tcb_status = "SWHardeningNeeded"; },
       {},
       {"platform.tcb_status"}},
      {"denied_advisory",
       [](Facts* f) {
         f->collateral.advisory_ids = {"INTEL-SA-00999", "INTEL-SA-00837"};
       },
       {"platform.advisories"}},
      {"svn_low", [](Facts* f) { f->quote.tee_tcb_svn[2] = 5; }, {"platform.min_tee_tcb_svn"}},
      {"svn_high_byte_low_other",
       [](Facts* f) {
         f->quote.tee_tcb_svn[0] = 9;
         f->quote.tee_tcb_svn[1] = 0;
       },
       {"platform.min_tee_tcb_svn"}},
      {"mr_seam", [](Facts* f) { f->quote.mr_seam[47] ^= 1; }, {"platform.mr_seam"}},
      {"debug_td", [](Facts* f) { f->quote.td_attributes[0] |= 1; }, {"td.attributes"}},
      {"sept_ve_off", [](Facts* f) { f->quote.td_attributes[3] = 0; }, {"td.attributes"}},
      {"perfmon_masked", [](Facts* f) { f->quote.td_attributes[7] = 0x80; }, {"td.attributes"}},
      {"unmasked_bit", [](Facts* f) { f->quote.td_attributes[5] = 0x01; }, {}},
      {"xfam", [](Facts* f) { f->quote.xfam[1] = 0x1a; }, {"td.xfam"}},
      {"mr_td", [](Facts* f) { f->quote.mr_td[0] ^= 0x80; }, {"td.mr_td"}},
      {"mr_config_id", [](Facts* f) { f->quote.mr_config_id[5] = 1; }, {"td.mr_config_id"}},
      {"mr_owner", [](Facts* f) { f->quote.mr_owner[0] = 1; }, {"td.mr_owner"}},
      {"mr_owner_config",
       [](Facts* f) { f->quote.mr_owner_config[47] = 1; },
       {"td.mr_owner_config"}},
      {"rtmr3_extended",
       [](Facts* f) {
         f->quote.rtmr[3][0] = 1;
         f->comparisons[3].matches = false;
       },
       {"td.rtmr3", "replay.must_match_quote.rtmr3"}},
      {"replay_mismatch",
       [](Facts* f) { f->comparisons[1].matches = false; },
       {"replay.must_match_quote.rtmr1"}},
      {"replay_missing",
       [](Facts* f) { f->comparisons.erase(f->comparisons.begin() + 2); },
       {"replay.must_match_quote.rtmr2"}},
      {"cmdline_forbidden",
       [](Facts* f) { f->events[5].text += " init=/bin/sh"; },
       {"events.kernel-cmdline"}},
      {"cmdline_lacks",
       [](Facts* f) { f->events[5].text = "kernel_cmdline: /vmlinuz"; },
       {"events.kernel-cmdline"}},
      {"cmdline_gone", [](Facts* f) { f->events[5].text = "other"; }, {"events.kernel-cmdline"}},
      {"shim_digest",
       [](Facts* f) { f->events[3].digests[0].bytes[0] ^= 1; },
       {"events.shim", "events.two-apps"}},
      {"second_app_digest_only",
       [](Facts* f) { f->events[4].digests[0].bytes[0] ^= 1; },
       {"events.two-apps"}},
      {"third_app",
       [](Facts* f) {
         f->events.push_back(f->events[4]);
         f->events.back().index = 7;
       },
       {"events.two-apps"}},
      {"efi_action_text",
       [](Facts* f) { f->events[2].text = "Calling EFI Application from Boot Option!"; },
       {"events.efi-action"}},
      {"ima_digest", [](Facts* f) { f->ima[1].file_digest[0] = 7; }, {"ima.allow"}},
      {"ima_alg",
       [](Facts* f) {
         f->ima[3].file_alg = "sha256";
         f->ima[3].file_digest.resize(32);
       },
       {"ima.allow"}},
      {"ima_unknown",
       [](Facts* f) {
         f->ima.push_back(f->ima[1]);
         f->ima.back().path = "/usr/bin/nc";
         f->ima.back().index = 4;
       },
       {"ima.unknown"}},
      {"ima_excluded", [](Facts* f) { f->ima[2].file_digest[0] = 99; }, {}},
      {"ima_second_allowed_digest", [](Facts* f) { f->ima[1].file_digest.assign(48, 9); }, {}},
      {"no_collateral",
       [](Facts* f) { f->collateral = {}; },
       {"platform.tcb_status", "platform.advisories"}},
      {"no_quote",
       [](Facts* f) {
         f->quote = {};
         f->comparisons.clear();
       },
       {"platform.min_tee_tcb_svn", "platform.mr_seam", "td.attributes", "td.xfam", "td.mr_td",
        "td.mr_config_id", "td.mr_owner", "td.mr_owner_config", "td.rtmr0", "td.rtmr1", "td.rtmr2",
        "td.rtmr3", "replay.must_match_quote.rtmr0", "replay.must_match_quote.rtmr1",
        "replay.must_match_quote.rtmr2", "replay.must_match_quote.rtmr3"}},
      {"no_event_log",
       [](Facts* f) {
         f->event_log_present = false;
         f->events.clear();
       },
       {"events.kernel-cmdline", "events.shim", "events.two-apps", "events.efi-action"}},
      {"no_ima",
       [](Facts* f) {
         f->ima_present = false;
         f->ima.clear();
       },
       {"ima.list"}},
  };
}

class MutationTest : public ::testing::TestWithParam<Mutation> {};

TEST_P(MutationTest, ExactlyTheRulesThatPinTheFactFail) {
  const Mutation& m = GetParam();
  Policy p = MustParse(FullPolicyYaml());
  Facts f = testing::GoodFacts();
  m.mutate(&f);
  Evaluation ev = Evaluate(&p, f, {kNow});
  EXPECT_EQ(Ids(ev, Verdict::kFail), m.failing);
  EXPECT_EQ(Ids(ev, Verdict::kWarn), m.warning);
  EXPECT_EQ(ev.Passed(), m.failing.empty());
  for (const std::string& id : m.failing) {
    const RuleResult& r = Rule(ev, id);
    EXPECT_FALSE(r.why.empty()) << id;
    EXPECT_FALSE(r.expected.empty()) << id;
    EXPECT_FALSE(r.actual.empty()) << id;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MutationTest, ::testing::ValuesIn(Mutations()),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(EvaluatorTest, FailingRuleCarriesExpectedActualAndPointer) {
  Policy p = MustParse(FullPolicyYaml());
  Facts f = testing::GoodFacts();
  f.quote.rtmr[1][0] ^= 0xff;
  f.events[3].digests[0].bytes[0] ^= 1;
  f.ima[1].file_digest[0] = 7;
  Evaluation ev = Evaluate(&p, f, {kNow});
  const RuleResult& r = Rule(ev, "td.rtmr1");
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_EQ(r.expected, ToHex(testing::GoodFacts().quote.rtmr[1]));
  EXPECT_EQ(r.actual, ToHex(f.quote.rtmr[1]));
  EXPECT_EQ(r.evidence, "quote.td.rtmr1");
  EXPECT_EQ(Rule(ev, "events.shim").evidence, "ccel#3");
  EXPECT_EQ(Rule(ev, "ima.allow").evidence, "ima#1");
  EXPECT_NE(Rule(ev, "ima.allow").actual.find("/usr/bin/bash"), std::string::npos);
  // Every failing rule is reported, not only the first: td.rtmr1, shim,
  // two-apps (which pins both applications' digests) and ima.allow.
  EXPECT_EQ(ev.CountRules(Verdict::kFail), 4u);
  EXPECT_EQ(Rule(ev, "events.two-apps").status, Verdict::kFail);
}

TEST(EvaluatorTest, NoPolicyMeansChecksOnly) {
  Facts f = testing::GoodFacts();
  Evaluation ev = Evaluate(nullptr, f, {kNow});
  EXPECT_FALSE(ev.has_policy);
  EXPECT_TRUE(ev.rules.empty());
  EXPECT_TRUE(ev.Passed());
  f.checks[0].status = Verdict::kFail;
  EXPECT_FALSE(Evaluate(nullptr, f, {kNow}).Passed());
}

TEST(EvaluatorTest, FailedCheckFailsTheVerdictEvenWhenRulesPass) {
  Policy p = MustParse(FullPolicyYaml());
  Facts f = testing::GoodFacts();
  f.checks[0].status = Verdict::kFail;
  Evaluation ev = Evaluate(&p, f, {kNow});
  EXPECT_EQ(ev.CountRules(Verdict::kFail), 0u);
  EXPECT_FALSE(ev.Passed());
}

const char kMinimal[] = "apiVersion: ccverify/v1\n";

TEST(EvaluatorTest, MrServiceTdRuleComparesTheQuotedValue) {
  Facts f = testing::GoodFacts();
  f.quote.is_v15 = true;
  f.quote.mr_servicetd.fill(0x5a);
  Policy p = MustParse(std::string(kMinimal) + "td: {mr_servicetd: {eq: \"" + std::string(96, 'a') +
                       "\"}}\n");
  EXPECT_EQ(Rule(Evaluate(&p, f, {kNow}), "td.mr_servicetd").status, Verdict::kFail);
  Policy q = MustParse(std::string(kMinimal) + "td: {mr_servicetd: {eq: \"" + std::string(96, '5') +
                       "\"}}\n");
  EXPECT_EQ(Rule(Evaluate(&q, f, {kNow}), "td.mr_servicetd").status, Verdict::kFail);
  Policy r = MustParse(std::string(kMinimal) + "td: {mr_servicetd: {eq: \"" + [] {
    std::string h;
    for (int i = 0; i < 48; ++i) h += "5a";
    return h;
  }() + "\"}}\n");
  EXPECT_EQ(Rule(Evaluate(&r, f, {kNow}), "td.mr_servicetd").status, Verdict::kPass);
}

// Unbound facts and unverified text are never judged.
TEST(EvaluatorTest, OnlyBoundFactsAndVerifiedTextAreJudged) {
  Policy p = MustParse(
      std::string(kMinimal) +
      "events:\n  - id: cmd\n    match: {register: rtmr2, text_prefix: \"kernel_cmdline:\"}\n"
      "    expect: {text: {require: [\"module.sig_enforce=1\"]}}\n"
      "ima: {allow: {digests: {}}, unknown: fail}\n");
  Facts f = testing::GoodFacts();
  EXPECT_EQ(Rule(Evaluate(&p, f, {kNow}), "events.cmd").status, Verdict::kPass);
  f.events[5].data = result::DataStatus::kUnverified;
  Evaluation unverified_ev = Evaluate(&p, f, {kNow});
  const RuleResult& unverified = Rule(unverified_ev, "events.cmd");
  EXPECT_EQ(unverified.status, Verdict::kFail);
  EXPECT_NE(unverified.why.find("not evidence"), std::string::npos) << unverified.why;
  f = testing::GoodFacts();
  f.events[5].bound = false;
  EXPECT_EQ(Rule(Evaluate(&p, f, {kNow}), "events.cmd").status, Verdict::kFail);
  // IMA: unknown files after the quoted value are not judged; none bound fails.
  f = testing::GoodFacts();
  EXPECT_EQ(Rule(Evaluate(&p, f, {kNow}), "ima.unknown").status, Verdict::kFail);
  for (auto& e : f.ima) e.bound = false;
  Evaluation none = Evaluate(&p, f, {kNow});
  EXPECT_EQ(Rule(none, "ima.list").status, Verdict::kFail);
}

// A count-0 rule on a type means nothing while the register holds events
// whose data is unverified (one could be relabelled).
TEST(EvaluatorTest, CountZeroOnATypeNeedsVerifiedData) {
  Policy p = MustParse(
      std::string(kMinimal) +
      "events:\n  - {id: no-ipl, match: {register: rtmr1, type: EV_IPL}, expect: {count: 0}}\n");
  Facts f = testing::GoodFacts();
  // rtmr1 holds two boot applications whose data (a device path) is unverified.
  EXPECT_EQ(Rule(Evaluate(&p, f, {kNow}), "events.no-ipl").status, Verdict::kFail);
  for (auto& e : f.events) e.data = result::DataStatus::kVerified;
  EXPECT_EQ(Rule(Evaluate(&p, f, {kNow}), "events.no-ipl").status, Verdict::kPass);
}

TEST(EvaluatorTest, MissingCollateralFailsUnlessOptional) {
  Facts f = testing::GoodFacts();
  f.collateral = {};
  f.checks[1] = {"quote.collateral", Verdict::kFail, "no collateral supplied", "", "collateral"};
  Policy strict =
      MustParse(std::string(kMinimal) + "platform: {tcb_status: {allow: [UpToDate]}}\n");
  Evaluation e1 = Evaluate(&strict, f, {kNow});
  EXPECT_FALSE(e1.Passed());
  EXPECT_EQ(Rule(e1, "platform.tcb_status").status, Verdict::kFail);
  EXPECT_EQ(e1.checks[1].status, Verdict::kFail);

  Policy lenient = MustParse(std::string(kMinimal) +
                             "platform: {tcb_status: {allow: [UpToDate]}, collateral: optional}\n");
  Evaluation e2 = Evaluate(&lenient, f, {kNow});
  EXPECT_TRUE(e2.Passed());
  EXPECT_EQ(Rule(e2, "platform.tcb_status").status, Verdict::kSkipped);
  EXPECT_EQ(e2.checks[1].status, Verdict::kSkipped);
  // `optional` does not excuse a TCB evaluation that failed with collateral.
  Facts g = testing::GoodFacts();
  g.collateral.tcb_status.reset();
  EXPECT_EQ(Rule(Evaluate(&lenient, g, {kNow}), "platform.tcb_status").status, Verdict::kFail);
}

TEST(EvaluatorTest, MissingNonceFailsUnlessBindingNonceOptional) {
  Facts f = testing::GoodFacts();
  f.checks.push_back({"report_data.binding", Verdict::kFail, "no nonce given", "", "nonce"});
  Policy strict = MustParse(kMinimal);
  EXPECT_FALSE(Evaluate(&strict, f, {kNow}).Passed());
  Policy lenient = MustParse(std::string(kMinimal) + "binding: {nonce: optional}\n");
  Evaluation ev = Evaluate(&lenient, f, {kNow});
  EXPECT_TRUE(ev.Passed());
  EXPECT_EQ(ev.checks.back().status, Verdict::kSkipped);
  // The option does not excuse a REPORTDATA that does not match a nonce.
  f.checks.back().missing.clear();
  EXPECT_FALSE(Evaluate(&lenient, f, {kNow}).Passed());
  // Nor does collateral: optional excuse a missing nonce.
  Policy other = MustParse(std::string(kMinimal) + "platform: {collateral: optional}\n");
  f.checks.back().missing = "nonce";
  EXPECT_FALSE(Evaluate(&other, f, {kNow}).Passed());
}

TEST(EvaluatorTest, WaiverAppliesUntilItsEndDay) {
  Facts f = testing::GoodFacts();
  f.collateral.tcb_status = "OutOfDate";
  // quote.tcb_status is the one quote check a waiver may cover: it is a
  // platform fact, not authenticity.
  f.checks[0] = {"quote.tcb_status", Verdict::kFail, "OutOfDate", ""};
  Policy p = MustParse(
      std::string(kMinimal) +
      "platform: {tcb_status: {allow: [UpToDate]}}\n"
      "waivers:\n"
      "  - {rule: platform.tcb_status, until: 2027-01-15, reason: \"SEC-1234 rollout\"}\n"
      "  - {rule: quote.tcb_status, until: 2027-01-15T12:00:00Z, reason: \"test chain\"}\n");
  UnixTime jan15_noon = 1799971200 + 43200;
  Evaluation ev = Evaluate(&p, f, {jan15_noon - 1});
  EXPECT_EQ(Rule(ev, "platform.tcb_status").status, Verdict::kWaived);
  EXPECT_EQ(Rule(ev, "platform.tcb_status").waiver, "SEC-1234 rollout");
  EXPECT_EQ(ev.checks[0].status, Verdict::kWaived);
  EXPECT_TRUE(ev.Passed());
  // At noon the check waiver has expired; the rule waiver lasts the whole day.
  ev = Evaluate(&p, f, {jan15_noon});
  EXPECT_EQ(ev.checks[0].status, Verdict::kFail);
  EXPECT_EQ(Rule(ev, "platform.tcb_status").status, Verdict::kWaived);
  ev = Evaluate(&p, f, {1799971200 + 86400});
  EXPECT_EQ(Rule(ev, "platform.tcb_status").status, Verdict::kFail);
  EXPECT_NE(Rule(ev, "platform.tcb_status").why.find("waiver expired"), std::string::npos);
  // Passing rules are never marked waived.
  Evaluation good = Evaluate(&p, testing::GoodFacts(), {jan15_noon - 1});
  EXPECT_EQ(Rule(good, "platform.tcb_status").status, Verdict::kPass);
}

TEST(EvaluatorTest, ExpiredPolicyFails) {
  Policy p = MustParse(std::string(kMinimal) + "metadata: {expires: 2026-12-31T23:59:59Z}\n");
  Evaluation ev = Evaluate(&p, testing::GoodFacts(), {kNow});
  EXPECT_EQ(Rule(ev, "policy.expires").status, Verdict::kFail);
  EXPECT_FALSE(ev.Passed());
  EXPECT_EQ(Rule(Evaluate(&p, testing::GoodFacts(), {kNow - 2}), "policy.expires").status,
            Verdict::kPass);
}

TEST(EvaluatorTest, EventSeverityWarnAndOptional) {
  Policy p = MustParse(
      std::string(kMinimal) +
      "events:\n"
      "  - {id: w, match: {type: EV_IPL, nth: 0}, expect: {digest: {eq: zero}}, severity: warn}\n"
      "  - {id: o, match: {type: EV_S_CRTM_VERSION}, expect: {count: 1, digest: {eq: zero}}, "
      "optional: true}\n"
      "  - {id: absent, match: {type: EV_S_CRTM_VERSION}, expect: {text: {eq: x}}, optional: "
      "true}\n"
      "  - {id: none, match: {register: pcr7}, expect: {count: 0}}\n"
      "  - {id: two-not-one, match: {type: EV_IPL}, expect: {count: 1, digest: {eq: zero}}, "
      "optional: true}\n"
      "  - {id: nth-out-of-range, match: {type: EV_IPL, nth: 2}, expect: {count: 2, digest: {eq: "
      "zero}}}\n");
  Evaluation ev = Evaluate(&p, testing::GoodFacts(), {kNow});
  EXPECT_EQ(Rule(ev, "events.w").status, Verdict::kWarn);
  EXPECT_EQ(Rule(ev, "events.o").status, Verdict::kSkipped);  // absent, optional
  EXPECT_EQ(Rule(ev, "events.absent").status, Verdict::kSkipped);
  EXPECT_EQ(Rule(ev, "events.none").status, Verdict::kPass);
  EXPECT_EQ(Rule(ev, "events.two-not-one").status, Verdict::kFail);  // present, wrong count
  EXPECT_EQ(Rule(ev, "events.nth-out-of-range").status, Verdict::kFail);
  EXPECT_FALSE(ev.Passed());
}

TEST(EvaluatorTest, ImaUnknownModes) {
  Facts f = testing::GoodFacts();
  for (const char* mode : {"fail", "warn", "ignore"}) {
    Policy p = MustParse(std::string(kMinimal) +
                         "ima: {allow: {digests: {boot_aggregate: [\"sha384:" + Hex48(1) +
                         "\"]}}, unknown: " + mode + "}\n");
    Evaluation ev = Evaluate(&p, f, {kNow});
    const RuleResult& r = Rule(ev, "ima.unknown");
    Verdict want = std::string(mode) == "fail"   ? Verdict::kFail
                   : std::string(mode) == "warn" ? Verdict::kWarn
                                                 : Verdict::kPass;
    EXPECT_EQ(r.status, want) << mode;
    EXPECT_EQ(r.evidence, "ima#1") << mode;
    EXPECT_EQ(r.evidence_all, (std::vector<std::string>{"ima#1", "ima#2", "ima#3"})) << mode;
    EXPECT_EQ(Rule(ev, "ima.allow").status, Verdict::kPass);
  }
}

TEST(EvaluatorTest, ManyUnknownFilesAreCappedInActual) {
  Facts f = testing::GoodFacts();
  for (int i = 0; i < 300; ++i) {
    ImaEntryFact e = f.ima[1];
    e.index = 10 + i;
    e.path = "/opt/f" + std::to_string(i);
    f.ima.push_back(e);
  }
  Policy p = MustParse(std::string(kMinimal) + "ima: {unknown: fail}\n");
  Evaluation ev = Evaluate(&p, f, {kNow});
  const RuleResult& r = Rule(ev, "ima.unknown");
  EXPECT_EQ(r.evidence_all.size(), 100u);
  EXPECT_NE(r.actual.find("(304 in all)"), std::string::npos);
}

TEST(EvaluatorTest, RegexOnHugeUntrustedTextDoesNotExhaustTheStack) {
  Facts f = testing::GoodFacts();
  f.events[5].text = "kernel_cmdline: " + std::string(1 << 20, 'a');
  f.ima[2].path = "/" + std::string(1 << 20, 'a');
  Policy p = MustParse(std::string(kMinimal) +
                       "events:\n  - {id: r, match: {text_regex: \"^kernel_cmdline: (a|b)*$\"}, "
                       "expect: {count: 1}}\n"
                       "ima: {exclude: [\"^/(a|b)*c\"], unknown: warn}\n");
  Evaluation ev = Evaluate(&p, f, {kNow});
  // The whole text is searched: "$" matches at its real end, and the
  // exclude (no 'c') does not match, so /aaa... stays unknown.
  EXPECT_EQ(Rule(ev, "events.r").status, Verdict::kPass);
  EXPECT_EQ(Rule(ev, "ima.unknown").status, Verdict::kWarn);
}

TEST(EvaluatorTest, RegexSeesTextBeyondTheFormer2048ByteCut) {
  Facts f = testing::GoodFacts();
  f.events[5].text = "kernel_cmdline: " + std::string(4096, 'a') + " init=/bin/sh";
  f.ima[2].path = "/tmp/" + std::string(4096, 'a');
  Policy p =
      MustParse(std::string(kMinimal) +
                "events:\n  - {id: r, match: {text_regex: \"init=/bin/sh$\"}, expect: {count: 1}}\n"
                "ima: {exclude: [\"^/tmp/a+$\"], unknown: fail}\n");
  Evaluation ev = Evaluate(&p, f, {kNow});
  EXPECT_EQ(Rule(ev, "events.r").status, Verdict::kPass);
  // /tmp/aaa... is excluded; the other files are unknown.
  const RuleResult& u = Rule(ev, "ima.unknown");
  EXPECT_EQ(u.actual.find("/tmp/"), std::string::npos) << u.actual;
  EXPECT_NE(Rule(ev, "ima.allow").actual.find("1 excluded"), std::string::npos);
}

TEST(EvaluatorTest, AreaIsTheFirstComponent) {
  EXPECT_EQ(AreaOf("td.rtmr1"), "td");
  EXPECT_EQ(AreaOf("events.kernel-cmdline"), "events");
  EXPECT_EQ(AreaOf("quote"), "quote");
}

}  // namespace
}  // namespace ccv::policy
