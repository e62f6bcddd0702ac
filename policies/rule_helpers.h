// How a rule section (boot_rules.cc, kernel_rules.cc) records its rules: one
// RuleResult per rule, named "<area>.<rule>", with the policy line it is
// written on, its verdict and the evidence the verdict rests on. Internal to
// policies/.
//
// Thread safety: free functions over the caller's values.
#ifndef CCV_POLICIES_RULE_HELPERS_H_
#define CCV_POLICIES_RULE_HELPERS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policies/evaluator.h"
#include "policies/policy.h"
#include "verifier/result/verdict.h"

namespace ccv::policy::internal {

// Appends the rule "<area>.<name>" written at `pos` to `out` and returns it
// (status kFail until SetVerdict).
inline RuleResult& AddRule(std::vector<RuleResult>* out, std::string_view area,
                           std::string_view name, SourcePos pos) {
  RuleResult r;
  r.id = std::string(area) + "." + std::string(name);
  r.area = std::string(area);
  r.policy_line = pos.line;
  out->push_back(std::move(r));
  return out->back();
}

// Records a rule's verdict, why, and the evidence pointer it rests on (also
// listed in evidence_all unless empty).
inline void SetVerdict(RuleResult& r, result::Verdict v, const std::string& evidence,
                       const std::string& why) {
  r.status = v;
  r.evidence = evidence;
  if (!evidence.empty()) r.evidence_all.push_back(evidence);
  r.why = why;
}

}  // namespace ccv::policy::internal

#endif  // CCV_POLICIES_RULE_HELPERS_H_
