// Markdown reports of `ccverify verify`: a CI job summary (GitHub's
// $GITHUB_STEP_SUMMARY, GitLab and Jenkins markdown panes).
//
// A verdict headline, a table of the evidence, time, policy and counts, then
// one table of every check and policy rule (failures first) with its status
// and reason. All text that comes from evidence or policy is escaped and
// kept on one line, so no evidence can add a line, a row or a headline.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_MARKDOWN_H_
#define CCV_VERIFIER_REPORT_MARKDOWN_H_

#include <string>
#include <string_view>

#include "parsers/core/status.h"
#include "policies/evaluator.h"
#include "verifier/report/verify_report.h"
#include "verifier/result/facts.h"

namespace ccv::report {

std::string VerifyReportMarkdown(const result::Facts& facts, const policy::Evaluation& eval,
                                 const VerifyReportContext& ctx);

// REQUIRES: !error.ok().
std::string VerifyErrorMarkdown(const Status& error, const VerifyReportContext& ctx);

// `s` as the text of a markdown table cell: control bytes become spaces,
// markdown punctuation is backslash-escaped, at most `max_len` bytes of the
// input are kept ("..." marks a cut).
std::string MarkdownCell(std::string_view s, size_t max_len = 400);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_MARKDOWN_H_
