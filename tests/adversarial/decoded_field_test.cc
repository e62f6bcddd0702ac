// Rules on decoded fields of event data (the UEFI variable name, an image's
// device path) judge only data the event's digest binds (DESIGN §8): a
// field decoded from data no digest covers is whatever the log's writer
// chose, so a rule reading it fails closed and says why.
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "tests/policies/facts_builder.h"

namespace ccv::policy {
namespace {

using result::DataStatus;
using result::EventFact;
using result::Facts;
using result::Verdict;

const UnixTime kNow = 1798761600;  // 2027-01-01T00:00:00Z

// The builder's facts plus a db variable event (rtmr0, data verified) and
// an image load whose device path names shim (rtmr1, data not verified: its
// digest is the image's Authenticode hash).
Facts WithDecodedFields() {
  Facts f = testing::GoodFacts();
  EventFact db = f.events[1];
  db.index = 7;
  db.type = 0x80000001;
  db.type_name = "EV_EFI_VARIABLE_DRIVER_CONFIG";
  db.variable_name = "db";
  db.data = DataStatus::kVerified;
  db.digests = {testing::Sha384(std::string(96, 'd'))};
  f.events.push_back(db);
  f.events[3].device_path = "PciRoot(0x0)/Pci(0x1,0x0)/HD(1,GPT)/\\EFI\\BOOT\\shimx64.efi";
  f.events[3].data = DataStatus::kUnverified;
  return f;
}

const RuleResult& Rule(const Evaluation& ev, const std::string& id) {
  for (const RuleResult& r : ev.rules) {
    if (r.id == id) return r;
  }
  ADD_FAILURE() << "no rule " << id;
  static RuleResult none;
  return none;
}

Evaluation Eval(const std::string& events, const Facts& f) {
  auto p = ParsePolicy("apiVersion: ccverify/v1\nevents:\n" + events);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return Evaluate(&*p, f, {kNow});
}

TEST(DecodedFieldTest, VariableNameOfVerifiedDataMatches) {
  Facts f = WithDecodedFields();
  Evaluation ev = Eval("  - {id: db, match: {register: rtmr0, variable: db}}\n", f);
  EXPECT_EQ(Rule(ev, "events.db").status, Verdict::kPass) << Rule(ev, "events.db").why;
  ev = Eval("  - {id: kek, match: {register: rtmr0, variable: KEK}}\n", f);
  EXPECT_EQ(Rule(ev, "events.kek").status, Verdict::kFail);
  // The reason shows what the register holds, with positions.
  EXPECT_NE(Rule(ev, "events.kek")
                .why.find("ccel#7 (rtmr0, EV_EFI_VARIABLE_DRIVER_CONFIG, variable \"db\")"),
            std::string::npos)
      << Rule(ev, "events.kek").why;
}

TEST(DecodedFieldTest, VariableNameOfDataNoDigestCoversFailsClosed) {
  Facts f = WithDecodedFields();
  f.events.back().data = DataStatus::kMismatched;  // a forged variable event
  Evaluation ev = Eval("  - {id: db, match: {register: rtmr0, variable: db}}\n", f);
  const RuleResult& r = Rule(ev, "events.db");
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("not verified"), std::string::npos) << r.why;
  EXPECT_EQ(r.evidence, "ccel#7");
  // Optional and warn-only do not turn it into a pass or skip.
  ev = Eval("  - {id: db, match: {register: rtmr0, variable: db}, optional: true}\n", f);
  EXPECT_EQ(Rule(ev, "events.db").status, Verdict::kFail);
}

TEST(DecodedFieldTest, DevicePathOfAnImageLoadFailsClosed) {
  Facts f = WithDecodedFields();
  // The device path says shim, but nothing binds it: even a verified
  // sibling that matches does not make the unbound one acceptable.
  Evaluation ev =
      Eval("  - {id: shim, match: {register: rtmr1, device_path_contains: shimx64}}\n", f);
  const RuleResult& r = Rule(ev, "events.shim");
  EXPECT_EQ(r.status, Verdict::kFail);
  EXPECT_NE(r.why.find("decoded field"), std::string::npos) << r.why;
  EXPECT_NE(
      r.why.find(
          "ccel#3 (rtmr1, EV_EFI_BOOT_SERVICES_APPLICATION, data not verified by its digest)"),
      std::string::npos)
      << r.why;
  // A count-0 rule (forbid a boot path) cannot be satisfied by unbound data either.
  ev = Eval(
      "  - {id: no_grub, match: {register: rtmr1, type: EV_EFI_BOOT_SERVICES_APPLICATION, "
      "device_path_contains: grub}, expect: {count: 0}}\n",
      f);
  EXPECT_EQ(Rule(ev, "events.no_grub").status, Verdict::kFail) << Rule(ev, "events.no_grub").why;
  // Were the data bound, the same rule would pass: the failure is the trust
  // model's, not the matcher's.
  f.events[3].data = DataStatus::kVerified;
  ev = Eval("  - {id: shim, match: {register: rtmr1, device_path_contains: shimx64}}\n", f);
  EXPECT_EQ(Rule(ev, "events.shim").status, Verdict::kPass) << Rule(ev, "events.shim").why;
}

TEST(DecodedFieldTest, ContentMatchesDoNotNeedExpectButTypeAloneStillDoes) {
  EXPECT_TRUE(ParsePolicy("apiVersion: ccverify/v1\nevents:\n"
                          "  - {id: a, match: {type: EV_IPL, text_eq: \"grub_cmd: x\"}}\n")
                  .ok());
  auto bad =
      ParsePolicy("apiVersion: ccverify/v1\nevents:\n  - {id: a, match: {type: EV_IPL, nth: 1}}\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("expect"), std::string::npos) << bad.status().ToString();
}

}  // namespace
}  // namespace ccv::policy
