// Where the reports of `ccverify verify` go: --format/--output (one report,
// on stdout or in a file), --report FORMAT=PATH (repeatable), --quiet and
// --failures-only. Internal to the CLI (cmd_verify.cc).
#ifndef CCV_VERIFIER_CLI_VERIFY_REPORTS_H_
#define CCV_VERIFIER_CLI_VERIFY_REPORTS_H_

#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/result.h"
#include "policies/evaluator.h"
#include "verifier/report/report_format.h"
#include "verifier/result/facts.h"

namespace ccv::cli {

struct ReportFile {
  report::ReportFormat format;
  std::string path;
};

struct ReportPlan {
  std::optional<report::ReportFormat> to_stdout;  // nullopt: nothing on stdout
  std::vector<ReportFile> files;                  // --output first, then each --report
  bool failures_only = false;
};

// Adds --format, --output, --report, --quiet and --failures-only.
void AddReportOptions(boost::program_options::options_description* desc);

// Errors: kInvalidArgument (a usage error) for an unknown format, a
// --report without FORMAT=PATH, or two reports naming one path.
Result<ReportPlan> ReportPlanFromOptions(const boost::program_options::variables_map& vm);

// Writes every report of `plan` (files atomically, then stdout; colour only
// on a terminal without NO_COLOR). A file that cannot be written is named
// on stderr and the others are still written. Returns the first such error.
Status WriteVerifyReports(const ReportPlan& plan, const result::Facts& facts,
                          const policy::Evaluation& eval, const report::VerifyReportContext& ctx);

// The same for a verification that could not run. A text report on stdout
// is left out: the error is on stderr already.
Status WriteErrorReports(const ReportPlan& plan, const Status& error,
                         const report::VerifyReportContext& ctx);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_VERIFY_REPORTS_H_
