#include "verifier/report/report_format.h"

#include "verifier/report/markdown.h"
#include "verifier/report/sarif.h"
#include "verifier/report/signed_report.h"
#include "verifier/report/verify_error.h"

namespace ccv::report {

namespace {

constexpr struct {
  ReportFormat format;
  const char* name;
} kFormats[] = {
    {ReportFormat::kText, "text"},         {ReportFormat::kJson, "json"},
    {ReportFormat::kJUnit, "junit"},       {ReportFormat::kSarif, "sarif"},
    {ReportFormat::kMarkdown, "markdown"}, {ReportFormat::kJws, "jws"},
    {ReportFormat::kEar, "ear"},
};

}  // namespace

std::optional<ReportFormat> ReportFormatFromName(std::string_view name) {
  for (const auto& f : kFormats) {
    if (name == f.name) return f.format;
  }
  return std::nullopt;
}

const char* ReportFormatName(ReportFormat format) {
  for (const auto& f : kFormats) {
    if (format == f.format) return f.name;
  }
  return "?";
}

std::string RenderVerifyReport(ReportFormat format, const result::Facts& facts,
                               const policy::Evaluation& eval, const VerifyReportContext& ctx,
                               const TextReportOptions& text) {
  switch (format) {
    case ReportFormat::kText:
      return VerifyReportText(facts, eval, ctx, text);
    case ReportFormat::kJson:
      return VerifyReportJson(facts, eval, ctx);
    case ReportFormat::kJUnit:
      return VerifyReportJUnit(facts, eval, ctx);
    case ReportFormat::kSarif:
      return VerifyReportSarif(facts, eval, ctx);
    case ReportFormat::kMarkdown:
      return VerifyReportMarkdown(facts, eval, ctx);
    case ReportFormat::kJws:
      return VerifyReportJson(facts, eval, ctx);
    case ReportFormat::kEar:
      return EarClaims(facts, eval, ctx, SigningContext{});
  }
  return {};
}

std::string RenderVerifyError(ReportFormat format, const Status& error,
                              const VerifyReportContext& ctx) {
  switch (format) {
    case ReportFormat::kText:
      return VerifyErrorText(error, ctx);
    case ReportFormat::kJson:
      return VerifyErrorJson(error, ctx);
    case ReportFormat::kJUnit:
      return VerifyErrorJUnit(error, ctx);
    case ReportFormat::kSarif:
      return VerifyErrorSarif(error, ctx);
    case ReportFormat::kMarkdown:
      return VerifyErrorMarkdown(error, ctx);
    case ReportFormat::kJws:
      return VerifyErrorJson(error, ctx);
    case ReportFormat::kEar:
      return EarErrorClaims(error, ctx, SigningContext{});
  }
  return {};
}

}  // namespace ccv::report
