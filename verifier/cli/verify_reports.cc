#include "verifier/cli/verify_reports.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>
#include <unistd.h>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "verifier/cli/version.h"
#include "verifier/crypto/signature.h"
#include "verifier/crypto/x509.h"
#include "verifier/report/verify_report.h"

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
      "failures-only", po::bool_switch(), "text reports list failed checks and rules only")(
      "sign-key", po::value<std::string>(),
      "PEM private key (EC P-256, P-384 or Ed25519) signing jws and ear reports")(
      "sign-cert", po::value<std::string>(),
      "PEM certificate(s) of the signing key, put in the signed reports' x5c header");
}

bool ReportPlan::Signs() const {
  auto is_signed = [](report::ReportFormat f) {
    return f == report::ReportFormat::kJws || f == report::ReportFormat::kEar;
  };
  if (to_stdout && is_signed(*to_stdout)) return true;
  for (const ReportFile& f : files) {
    if (is_signed(f.format)) return true;
  }
  return false;
}

Result<ReportPlan> ReportPlanFromOptions(const po::variables_map& vm) {
  ReportPlan plan;
  const std::string format_name = vm["format"].as<std::string>();
  auto format = report::ReportFormatFromName(format_name);
  if (!format) {
    return Status(ErrorCode::kInvalidArgument,
                  "--format: expected text, json, junit, sarif, markdown, jws or ear, not '" +
                      format_name + "'");
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
                          "' (expected text, json, junit, sarif, markdown, jws or ear)");
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
  if (plan.Signs() && !vm.count("sign-key")) {
    return Status(ErrorCode::kInvalidArgument, "a jws or ear report needs --sign-key");
  }
  if (!plan.Signs() && (vm.count("sign-key") || vm.count("sign-cert"))) {
    return Status(ErrorCode::kInvalidArgument,
                  "--sign-key and --sign-cert sign jws and ear reports: ask for one with "
                  "--report jws=PATH or --report ear=PATH");
  }
  if (vm.count("sign-cert") && !vm.count("sign-key")) {
    return Status(ErrorCode::kInvalidArgument, "--sign-cert needs --sign-key");
  }
  return plan;
}

Status LoadReportSigning(const po::variables_map& vm, ReportPlan* plan) {
  if (!plan->Signs()) return Status::Ok();
  auto signing = std::make_shared<ReportSigning>();
  const std::string key_path = vm["sign-key"].as<std::string>();
  CCV_ASSIGN_OR_RETURN(std::string pem, ReadFileText(key_path, 1 << 20));
  auto key = crypto::JwsSigningKey::FromPem(pem);
  if (!key.ok()) return key.status().WithFile(key_path);
  signing->key = std::move(*key);
  if (vm.count("sign-cert")) {
    const std::string cert_path = vm["sign-cert"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::string cert_pem, ReadFileText(cert_path, 1 << 20));
    auto chain = crypto::Certificate::ParsePemChain(cert_pem);
    if (!chain.ok()) return chain.status().WithFile(cert_path);
    auto cert_key = chain->front().GetPublicKey();
    auto own_key = signing->key.Public();
    if (!cert_key.ok() || !own_key.ok() || !crypto::SamePublicKey(*cert_key, *own_key)) {
      return Status(ErrorCode::kBadValue,
                    "the first certificate's public key is not the key of --sign-key " + key_path)
          .WithFile(cert_path);
    }
    for (const crypto::Certificate& c : *chain) signing->x5c_der.push_back(c.Der());
  }
  plan->signing = std::move(signing);
  return Status::Ok();
}

namespace {

using Render = std::function<Result<std::string>(report::ReportFormat, bool color)>;

Status WriteAll(const ReportPlan& plan, const Render& render, bool text_on_stdout) {
  Status first;
  for (const ReportFile& f : plan.files) {
    Result<std::string> out = render(f.format, false);
    Status s = out.ok() ? WriteFileAtomically(f.path, *out) : out.status();
    if (!s.ok()) {
      std::fprintf(stderr, "ccverify: %s report: %s\n", report::ReportFormatName(f.format),
                   s.ToString().c_str());
      // A report that cannot be made must not leave an earlier run's.
      if (!out.ok()) {
        std::error_code ec;
        std::filesystem::remove(f.path, ec);
      }
      if (first.ok()) first = s;
    }
  }
  if (plan.to_stdout && (text_on_stdout || *plan.to_stdout != report::ReportFormat::kText)) {
    const char* no_color = std::getenv("NO_COLOR");
    bool color = ::isatty(STDOUT_FILENO) && (no_color == nullptr || *no_color == '\0');
    Result<std::string> out = render(*plan.to_stdout, color);
    if (!out.ok()) {
      std::fprintf(stderr, "ccverify: %s report: %s\n", report::ReportFormatName(*plan.to_stdout),
                   out.status().ToString().c_str());
      if (first.ok()) first = out.status();
    } else {
      std::fwrite(out->data(), 1, out->size(), stdout);
      std::fflush(stdout);
    }
  }
  return first;
}

report::SigningContext SigningFor(const ReportPlan& plan) {
  report::SigningContext s;
  s.key = plan.signing ? &plan.signing->key : nullptr;
  if (plan.signing) s.x5c_der = plan.signing->x5c_der;
  s.build = "ccverify " CCV_VERSION;
  s.nonce = plan.nonce;
  s.issued_at = TimeNow().seconds;
  return s;
}

// A jws or ear report of `unsigned_text` (render's kJws/kEar output), or
// that text itself for another format.
Result<std::string> SignIfAsked(const ReportPlan& plan, report::ReportFormat f,
                                std::string unsigned_text) {
  if (f != report::ReportFormat::kJws && f != report::ReportFormat::kEar) return unsigned_text;
  if (!plan.signing) {
    return Status(ErrorCode::kInvalidArgument, "no signing key (--sign-key) for this report");
  }
  const report::SigningContext s = SigningFor(plan);
  CCV_ASSIGN_OR_RETURN(std::string token, f == report::ReportFormat::kJws
                                              ? report::SignJsonReport(unsigned_text, s)
                                              : report::SignEar(unsigned_text, s));
  return token + "\n";
}

}  // namespace

Status WriteVerifyReports(const ReportPlan& plan, const result::Facts& facts,
                          const policy::Evaluation& eval, const report::VerifyReportContext& ctx) {
  return WriteAll(
      plan,
      [&](report::ReportFormat f, bool color) -> Result<std::string> {
        if (f == report::ReportFormat::kEar) {
          return SignIfAsked(plan, f, report::EarClaims(facts, eval, ctx, SigningFor(plan)));
        }
        return SignIfAsked(
            plan, f,
            report::RenderVerifyReport(f, facts, eval, ctx,
                                       report::TextReportOptions{color, plan.failures_only}));
      },
      true);
}

Status WriteErrorReports(const ReportPlan& plan, const Status& error,
                         const report::VerifyReportContext& ctx) {
  return WriteAll(
      plan,
      [&](report::ReportFormat f, bool /*color*/) -> Result<std::string> {
        if (f == report::ReportFormat::kEar) {
          return SignIfAsked(plan, f, report::EarErrorClaims(error, ctx, SigningFor(plan)));
        }
        return SignIfAsked(plan, f, report::RenderVerifyError(f, error, ctx));
      },
      false);
}

}  // namespace ccv::cli
