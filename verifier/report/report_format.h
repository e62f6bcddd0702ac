// The report formats of `ccverify verify` (--format, --report FORMAT=PATH)
// and the one entry point that renders a verification, or the error that
// stopped one, in any of them. Each format's writer is in verify_report.h,
// sarif.h, markdown.h and verify_error.h.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_REPORT_FORMAT_H_
#define CCV_VERIFIER_REPORT_REPORT_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/status.h"
#include "policies/evaluator.h"
#include "verifier/report/verify_report.h"
#include "verifier/result/facts.h"

namespace ccv::report {

// kJws and kEar are signed (signed_report.h): the CLI renders them with a
// signing key; RenderVerifyReport gives their unsigned payload.
enum class ReportFormat { kText, kJson, kJUnit, kSarif, kMarkdown, kJws, kEar };

// "text", "json", "junit", "sarif", "markdown", "jws", "ear"; nullopt for
// anything else.
std::optional<ReportFormat> ReportFormatFromName(std::string_view name);
const char* ReportFormatName(ReportFormat format);

// The report of a verification that ran (exit 0 or 1). `text` applies to
// kText only. kJws: the JSON report, kEar: the EAR claims with no iat,
// verifier build or nonce (both unsigned).
std::string RenderVerifyReport(ReportFormat format, const result::Facts& facts,
                               const policy::Evaluation& eval, const VerifyReportContext& ctx,
                               const TextReportOptions& text);

// The report of a verification that could not run: `error` (not OK) names
// the file, offset or line, field and what was expected. Every format says
// so in its own terms: JSON verdict "error", a JUnit <error>, a SARIF
// result and a failed invocation, an ERROR headline in text and markdown.
std::string RenderVerifyError(ReportFormat format, const Status& error,
                              const VerifyReportContext& ctx);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_REPORT_FORMAT_H_
