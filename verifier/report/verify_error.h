// Reports of a `ccverify verify` that could not run (exit 3, input error;
// exit 4, internal error; exit 2, a flag value unusable once the report
// flags were read), so that a CI job that asked for reports finds them, each
// naming the file, offset or line, field and what was expected, and never
// finds the report of an earlier run in their place.
//
// JSON (docs/json.md, schemas/verify.schema.json): {"schema_version",
// "verdict": "error", "outcome": "input_error"|"internal_error"|"usage_error",
// "bundle": string|null, "at": string|null, "error": {"code", "message",
// "file", "offset", "line", "column", "field", "text"}} with null for what
// the error does not say. JUnit: one suite ccverify.verification with one
// errored test case. Text: an ERROR headline and the error's parts.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_VERIFY_ERROR_H_
#define CCV_VERIFIER_REPORT_VERIFY_ERROR_H_

#include <string>

#include "parsers/core/status.h"
#include "verifier/report/verify_report.h"

namespace ccv::report {

// "internal_error" for kInternal (exit 4), "usage_error" for
// kInvalidArgument (exit 2), else "input_error" (exit 3). REQUIRES: !error.ok().
const char* ErrorOutcomeName(const Status& error);
// The same in words for a headline, e.g. "input error: the evidence could
// not be evaluated".
const char* ErrorHeadline(const Status& error);

// REQUIRES: !error.ok() for each.
std::string VerifyErrorJson(const Status& error, const VerifyReportContext& ctx);
std::string VerifyErrorJUnit(const Status& error, const VerifyReportContext& ctx);
std::string VerifyErrorText(const Status& error, const VerifyReportContext& ctx);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_VERIFY_ERROR_H_
