#include "verifier/report/verify_error.h"

#include <vector>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "verifier/report/internal/json_writer.h"
#include "verifier/report/internal/text_escape.h"
#include "verifier/report/junit.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;
using internal::KeyOptUint;
using internal::KeyStringOrNull;

}  // namespace

const char* ErrorOutcomeName(const Status& error) {
  switch (error.code()) {
    case ErrorCode::kInternal:
      return "internal_error";
    case ErrorCode::kInvalidArgument:
      return "usage_error";
    default:
      return "input_error";
  }
}

const char* ErrorHeadline(const Status& error) {
  switch (error.code()) {
    case ErrorCode::kInternal:
      return "internal error";
    case ErrorCode::kInvalidArgument:
      return "usage error: the command line is not valid";
    default:
      return "input error: the evidence could not be evaluated";
  }
}

std::string VerifyErrorJson(const Status& error, const VerifyReportContext& ctx) {
  return PrettySchemaJson(2, [&](Writer& w) {
    w.Key("verdict");
    w.String("error");
    w.Key("outcome");
    w.String(ErrorOutcomeName(error));
    KeyStringOrNull(w, "bundle", ctx.bundle);
    KeyStringOrNull(w, "at", ctx.at);
    w.Key("error");
    w.StartObject();
    w.Key("code");
    std::string code(ErrorCodeName(error.code()));
    w.String(code.c_str());
    KeyStringOrNull(w, "message", error.message());
    KeyStringOrNull(w, "file", error.file());
    KeyOptUint(w, "offset", error.offset());
    KeyOptUint(w, "line", error.line());
    KeyOptUint(w, "column", error.column());
    KeyStringOrNull(w, "field", error.field());
    KeyStringOrNull(w, "text", error.ToString());
    w.EndObject();
  });
}

std::string VerifyErrorJUnit(const Status& error, const VerifyReportContext& ctx) {
  JUnitCase c;
  c.classname = "ccverify.verification.input";
  c.name = ErrorOutcomeName(error);
  c.outcome = JUnitCase::Outcome::kError;
  c.message = error.ToString();
  c.body = VerifyErrorText(error, ctx);
  JUnitSuite suite{"ccverify.verification", ctx.at, {std::move(c)}};
  return WriteJUnit("ccverify", {suite});
}

std::string VerifyErrorText(const Status& error, const VerifyReportContext& ctx) {
  using internal::OneLine;
  std::string out = std::string("ccverify verify: ERROR (") + ErrorHeadline(error) + ")\n";
  if (!ctx.bundle.empty()) out += "  evidence: " + OneLine(ctx.bundle) + "\n";
  if (!ctx.at.empty()) out += "  time:     " + ctx.at + "\n";
  if (!error.file().empty()) out += "  file:     " + OneLine(error.file()) + "\n";
  if (error.offset()) out += "  offset:   " + std::to_string(*error.offset()) + "\n";
  if (error.line()) {
    out += "  line:     " + std::to_string(*error.line());
    if (error.column()) out += ", column " + std::to_string(*error.column());
    out += "\n";
  }
  if (!error.field().empty()) out += "  field:    " + OneLine(error.field()) + "\n";
  out += "  error:    " + std::string(ErrorCodeName(error.code())) + ": " +
         OneLine(error.message()) + "\n";
  return out;
}

}  // namespace ccv::report
