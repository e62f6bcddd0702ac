#include "verifier/cli/verify_reports.h"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <set>
#include <unistd.h>

#include "parsers/core/file_io.h"

namespace ccv::cli {

namespace po = boost::program_options;

void AddReportOptions(po::options_description* desc) {
  desc->add_options()(
      "format", po::value<std::string>()->default_value("text"),
      "format of the report on stdout (or in --output): text, json, junit, sarif, markdown")(
      "output", po::value<std::string>(), "write that report to F instead of stdout")(
      "report", po::value<std::vector<std::string>>()->composing(),
      "FORMAT=PATH: also write a report in FORMAT to PATH (repeatable)")(
      "quiet,q", po::bool_switch(), "write nothing on stdout")(
      "failures-only", po::bool_switch(), "text reports list failed checks and rules only");
}

Result<ReportPlan> ReportPlanFromOptions(const po::variables_map& vm) {
  ReportPlan plan;
  const std::string format_name = vm["format"].as<std::string>();
  auto format = report::ReportFormatFromName(format_name);
  if (!format) {
    return Status(
        ErrorCode::kInvalidArgument,
        "--format: expected text, json, junit, sarif or markdown, not '" + format_name + "'");
  }
  if (vm.count("output")) {
    plan.files.push_back({*format, vm["output"].as<std::string>()});
  } else if (!vm["quiet"].as<bool>()) {
    plan.to_stdout = *format;
  }
  if (vm.count("report")) {
    for (const std::string& spec : vm["report"].as<std::vector<std::string>>()) {
      size_t eq = spec.find('=');
      if (eq == std::string::npos || eq + 1 == spec.size()) {
        return Status(ErrorCode::kInvalidArgument,
                      "--report: expected FORMAT=PATH, not '" + spec + "'");
      }
      auto f = report::ReportFormatFromName(spec.substr(0, eq));
      if (!f) {
        return Status(ErrorCode::kInvalidArgument,
                      "--report: unknown format '" + spec.substr(0, eq) +
                          "' (expected text, json, junit, sarif or markdown)");
      }
      plan.files.push_back({*f, spec.substr(eq + 1)});
    }
  }
  std::set<std::string> paths;
  for (const ReportFile& f : plan.files) {
    if (!paths.insert(f.path).second) {
      return Status(ErrorCode::kInvalidArgument, "two reports name one file: " + f.path);
    }
  }
  plan.failures_only = vm["failures-only"].as<bool>();
  return plan;
}

namespace {

using Render = std::function<std::string(report::ReportFormat, bool color)>;

Status WriteAll(const ReportPlan& plan, const Render& render, bool text_on_stdout) {
  Status first;
  for (const ReportFile& f : plan.files) {
    std::string out = render(f.format, false);
    Status s = WriteFileAtomically(f.path, out);
    if (!s.ok()) {
      std::fprintf(stderr, "ccverify: %s report: %s\n", report::ReportFormatName(f.format),
                   s.ToString().c_str());
      if (first.ok()) first = s;
    }
  }
  if (plan.to_stdout && (text_on_stdout || *plan.to_stdout != report::ReportFormat::kText)) {
    const char* no_color = std::getenv("NO_COLOR");
    bool color = ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
    std::string out = render(*plan.to_stdout, color);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
  }
  return first;
}

}  // namespace

Status WriteVerifyReports(const ReportPlan& plan, const result::Facts& facts,
                          const policy::Evaluation& eval, const report::VerifyReportContext& ctx) {
  return WriteAll(
      plan,
      [&](report::ReportFormat f, bool color) {
        return report::RenderVerifyReport(f, facts, eval, ctx,
                                          report::TextReportOptions{color, plan.failures_only});
      },
      true);
}

Status WriteErrorReports(const ReportPlan& plan, const Status& error,
                         const report::VerifyReportContext& ctx) {
  return WriteAll(
      plan,
      [&](report::ReportFormat f, bool /*color*/) {
        return report::RenderVerifyError(f, error, ctx);
      },
      false);
}

}  // namespace ccv::cli
