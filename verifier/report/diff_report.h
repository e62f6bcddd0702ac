// `ccverify diff` output: the Diff of verifier/diff/diff.h as concise text
// for people and as JSON (docs/json.md, docs/schemas/diff.schema.json).
// Evidence text (event text, IMA paths) is written on one line with control
// bytes replaced, so evidence cannot forge a line of the report.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_DIFF_REPORT_H_
#define CCV_VERIFIER_REPORT_DIFF_REPORT_H_

#include <string>

#include "verifier/diff/diff.h"

namespace ccv::report {

std::string DiffText(const diff::Diff& d);
std::string DiffJson(const diff::Diff& d);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_DIFF_REPORT_H_
