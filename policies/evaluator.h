// Evaluates a Policy against the Facts of one piece of evidence. Every rule
// of the policy yields a RuleResult (pass / fail / warn / waived / skipped)
// with expected and actual values, a pointer into the evidence ("ccel#40",
// "ima#1234", "quote.td.rtmr1") and the reason; all rules are evaluated, so
// every failing rule is reported. Verification checks from the facts are
// carried over, with waivers and `platform.collateral: optional` applied.
//
// Fail closed: a rule whose facts are missing (no quote, no collateral, no
// event log, no IMA list) fails with a reason, unless the policy explicitly
// makes it optional.
//
// Rule ids: platform.tcb_status, platform.advisories, platform.min_tee_tcb_svn,
// platform.mr_seam, platform.tcb_grace_period, collateral.max_age,
// collateral.warn_expiring_within, collateral.min_tcb_evaluation_data_number, td.attributes,
// td.xfam, td.mr_td, td.mr_config_id, td.mr_owner, td.mr_owner_config, td.rtmr0..3,
// replay.must_match_quote.<reg>, events.<id>, ima.list, ima.allow, ima.unknown, ima.signatures,
// policy.expires, boot.secure_boot, boot.db_contains, boot.dbx_min_entries, boot.cmdline
// (boot_rules.h), kernel.dm_verity, kernel.selinux.enforcing, kernel.selinux.policy_hash,
// kernel.kexec (kernel_rules.h).
//
// Thread safety: pure function of its inputs.
#ifndef CCV_POLICIES_EVALUATOR_H_
#define CCV_POLICIES_EVALUATOR_H_

#include <string>
#include <vector>

#include "policies/policy.h"
#include "verifier/result/facts.h"

namespace ccv::policy {

struct RuleResult {
  std::string id;
  std::string area;  // "platform", "td", "replay", "events", "ima", "policy"
  result::Verdict status = result::Verdict::kFail;
  std::string expected;
  std::string actual;
  std::string evidence;                   // first pointer
  std::vector<std::string> evidence_all;  // every pointer involved (capped)
  std::string why;
  std::string waiver;        // waiver reason if waived
  std::string container;     // pod/container a container rule judged
  uint64_t policy_line = 0;  // where the rule is written
};

struct Evaluation {
  bool has_policy = false;
  std::string name, version;
  std::vector<result::Check> checks;
  std::vector<RuleResult> rules;

  // True when no check and no rule has status kFail.
  bool Passed() const;
  // The verdict: kUntrusted unless Passed(); then kTrusted with a policy,
  // kVerified without one (no reference value was compared).
  result::Outcome Outcome() const;
  size_t CountRules(result::Verdict v) const;
  size_t CountChecks(result::Verdict v) const;
};

struct EvalOptions {
  UnixTime now = 0;  // time for expiry and waivers (the CLI's --at or now)
};

// `policy` may be null: then only the verification checks decide.
Evaluation Evaluate(const Policy* policy, const result::Facts& facts, const EvalOptions& options);

// The area of a rule or check id: its first dotted component.
std::string AreaOf(const std::string& id);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_EVALUATOR_H_
