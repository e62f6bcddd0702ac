// Reports of `ccverify verify`: JSON (docs/json.md, schemas/verify.schema.json),
// text for people (grouped by area, failures first, ANSI colour only when
// asked for, i.e. on a terminal) and JUnit XML (one testcase per check and
// per policy rule) for CI systems.
//
// JSON shape: {"schema_version", "verdict": "pass"|"fail", "outcome",
// "bundle", "at", "freshness", "logs", "quote": {...}|null,
// "collateral": {...}, "replay": {"registers", "matches_quote", "comparisons"},
// "checks": [{"id", "status", "detail"}], "policy": {"name", "version",
// "rules": [{"id", "status", "expected", "actual", "evidence", "why"}]}|null,
// "summary": {...}}. Fields are snake_case; fields may be added, never renamed.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_VERIFY_REPORT_H_
#define CCV_VERIFIER_REPORT_VERIFY_REPORT_H_

#include <string>

#include "policies/evaluator.h"
#include "verifier/result/facts.h"

namespace ccv::report {

struct VerifyReportContext {
  std::string bundle;       // evidence location as given
  std::string at;           // verification time, RFC 3339
  std::string policy_path;  // "" without a policy
  // SHA-256 of the policy file's bytes (lowercase hex), "" without a policy.
  std::string policy_sha256 = {};
  // With --policy-signature: the form ("jws", "dsse") and the key that
  // verified it (SHA-256 of its SubjectPublicKeyInfo, or the certificate's
  // subject); "" when the policy was not signed.
  std::string policy_signature = {};
  std::string policy_signer = {};
};

std::string VerifyReportJson(const result::Facts& facts, const policy::Evaluation& eval,
                             const VerifyReportContext& ctx);

struct TextReportOptions {
  bool color = false;          // wrap statuses in ANSI colour codes (callers pass isatty())
  bool failures_only = false;  // list failed checks and rules only; the headline and counts stay
};

std::string VerifyReportText(const result::Facts& facts, const policy::Evaluation& eval,
                             const VerifyReportContext& ctx, const TextReportOptions& options);
inline std::string VerifyReportText(const result::Facts& facts, const policy::Evaluation& eval,
                                    const VerifyReportContext& ctx, bool color) {
  return VerifyReportText(facts, eval, ctx, TextReportOptions{color, false});
}

std::string VerifyReportJUnit(const result::Facts& facts, const policy::Evaluation& eval,
                              const VerifyReportContext& ctx);

// "pass" or "fail".
inline const char* VerdictWord(const policy::Evaluation& eval) {
  return eval.Passed() ? "pass" : "fail";
}

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_VERIFY_REPORT_H_
