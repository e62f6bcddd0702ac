// SARIF 2.1.0 (OASIS Static Analysis Results Interchange Format) reports of
// `ccverify verify`, for code-scanning dashboards.
//
// One run of the tool "ccverify": one result per failed check or policy rule
// (level "error") and per warning (level "warning"); passed, waived and
// skipped items give no result. ruleId is the check or rule id, and each id
// that has a result is in tool.driver.rules. A policy rule's location is
// the policy file (with its line when known); a check's is the evidence.
// run.properties carries the verdict and outcome of the JSON report. A
// verification that could not run is a failed invocation with one
// notification and one result of the rule "input_error" (or
// "internal_error") at the file and byte offset or line of the error.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_SARIF_H_
#define CCV_VERIFIER_REPORT_SARIF_H_

#include <string>

#include "parsers/core/status.h"
#include "policies/evaluator.h"
#include "verifier/report/verify_report.h"
#include "verifier/result/facts.h"

namespace ccv::report {

std::string VerifyReportSarif(const result::Facts& facts, const policy::Evaluation& eval,
                              const VerifyReportContext& ctx);

// REQUIRES: !error.ok().
std::string VerifyErrorSarif(const Status& error, const VerifyReportContext& ctx);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_SARIF_H_
