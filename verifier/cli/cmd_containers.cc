// ccverify containers --ima F [--system-events F] [--json]: the per-pod and
// per-container view of an ima-cgpath list with each unit's CIMA virtual
// IMR 3 (docs/cli.md, docs/json.md).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/tdx_quote.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "verifier/bundle/evidence.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/containers/binding.h"
#include "verifier/containers/container_view.h"
#include "verifier/pipeline/containers.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/containers_report.h"
#include "verifier/report/verify_report.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

constexpr CommandHelp kHelp{
    "containers",
    "usage: ccverify containers --ima F [--system-events F] [--json]\n"
    "           [--container ID] [--report-data HEX | --quote F] [--nonce HEX]"
    " [--user-data HEX]\n"};

// Fills the binding request from --container/--report-data/--quote/--nonce/--user-data.
Status ReadBindingRequest(const po::variables_map& vm, containers::BindingRequest* req) {
  bool has_rd = vm.count("report-data") != 0, has_quote = vm.count("quote") != 0;
  if (!has_rd && !has_quote) {
    if (vm.count("nonce") || vm.count("user-data")) {
      return Status(ErrorCode::kInvalidArgument,
                    "--nonce/--user-data need --report-data or --quote");
    }
    return Status();
  }
  if (has_rd && has_quote) {
    return Status(ErrorCode::kInvalidArgument, "give --report-data or --quote, not both");
  }
  req->requested = true;
  if (vm.count("container")) req->container = vm["container"].as<std::string>();
  if (has_rd) {
    if (!DecodeHexInto(vm["report-data"].as<std::string>(), req->report_data)) {
      return Status(ErrorCode::kInvalidArgument, "--report-data: expected 128 hex digits");
    }
  } else {
    std::string path = vm["quote"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> raw, ReadFileBytes(path));
    Result<parsers::Quote> q = parsers::ParseQuote(raw);
    if (!q.ok()) return q.status().WithFile(path);
    if (!q->td_body.has_value()) {
      return Status(ErrorCode::kBadValue, "not a TDX quote").WithFile(path);
    }
    req->report_data = q->td_body->report_data;
  }
  if (vm.count("nonce")) {
    Result<std::vector<uint8_t>> n = FromHex(vm["nonce"].as<std::string>());
    if (!n.ok()) return Status(ErrorCode::kInvalidArgument, "--nonce: expected hex");
    req->nonce = std::move(n).value();
  }
  if (vm.count("user-data")) {
    Result<std::vector<uint8_t>> u = FromHex(vm["user-data"].as<std::string>());
    if (!u.ok()) return Status(ErrorCode::kInvalidArgument, "--user-data: expected hex");
    req->user_data = std::move(u).value();
  }
  return Status();
}

// Evaluates the container rules of `pol` (with its metadata, expiry and
// waivers; no platform or TD rules) through the verify pipeline, so the
// verdict rests on the same checks as `verify`: without a quote the list is
// bound to nothing and the run fails closed. Prints the grouped report and
// returns the exit code.
int RunContainerPolicy(const policy::Policy& pol, const std::string& policy_path,
                       const po::variables_map& vm, const std::string& format) {
  const policy::Policy only = pipeline::ContainerRulesOnly(pol);
  bundle::Evidence e;
  e.ima = vm["ima"].as<std::string>();
  e.ima_register = RegisterId::Rtmr(2);  // ima-cgpath lists come from the cc-api TDX kernel
  auto file = [&](const char* opt, std::optional<std::string>* dst) {
    if (vm.count(opt)) *dst = vm[opt].as<std::string>();
  };
  file("quote", &e.quote);
  file("ccel", &e.ccel_data);
  file("collateral", &e.collateral);
  auto hex = [&](const char* opt, std::optional<std::vector<uint8_t>>* dst) -> Status {
    if (!vm.count(opt)) return Status();
    Result<std::vector<uint8_t>> b = FromHex(vm[opt].as<std::string>());
    if (!b.ok())
      return Status(ErrorCode::kInvalidArgument, std::string("--") + opt + ": expected hex");
    *dst = std::move(b).value();
    e.binding_from_verifier = true;
    return Status();
  };
  if (Status s = hex("nonce", &e.nonce); !s.ok()) return ReportError(s);
  if (Status s = hex("user-data", &e.user_data); !s.ok()) return ReportError(s);
  pipeline::VerifyOptions options;
  options.at = TimeNow();
  if (vm.count("at")) {
    Result<Time> t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return UsageMessage(kHelp, "--at: " + t.status().ToString());
    options.at = *t;
  }
  if (vm.count("root-ca")) {
    Result<std::string> pem = ReadFileText(vm["root-ca"].as<std::string>(), 1 << 20);
    if (!pem.ok()) return ReportError(pem.status());
    options.root_ca_pem = std::move(pem).value();
  }
  Result<pipeline::Verification> v = pipeline::Verify(e, options, &only);
  if (!v.ok()) return ReportError(v.status());
  report::VerifyReportContext ctx;
  ctx.bundle = *e.ima;
  ctx.at = FormatRfc3339Time(options.at);
  ctx.policy_path = policy_path;
  std::string out;
  if (format == "json")
    out = report::VerifyReportJson(v->facts, v->evaluation, ctx);
  else if (format == "junit")
    out = report::VerifyReportJUnit(v->facts, v->evaluation, ctx);
  else
    out = report::VerifyReportText(v->facts, v->evaluation, ctx, false);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return v->outcome == result::Outcome::kUntrusted ? kExitUntrusted : kExitTrusted;
}

}  // namespace

int RunContainers(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "ima", po::value<std::string>(), "IMA list with ima-cgpath records (ascii or binary)")(
      "system-events", po::value<std::string>(),
      "JSON array of {\"data_hex\"}: the system-process command lines CIMA measured")(
      "json", "print one JSON document (docs/json.md)")(
      "container", po::value<std::string>(), "pod UID or container ID whose binding to check")(
      "report-data", po::value<std::string>(), "REPORTDATA (128 hex digits) of the quote")(
      "quote", po::value<std::string>(), "TDX quote whose REPORTDATA to check")(
      "nonce", po::value<std::string>(), "nonce (hex) given to GetCcReport")(
      "user-data", po::value<std::string>(), "user data (hex) given to GetCcReport")(
      "policy", po::value<std::string>(), "evaluate the policy's container rules (containers:)")(
      "format", po::value<std::string>()->default_value("text"),
      "report format with --policy: text, json or junit")(
      "at", po::value<std::string>(), "evaluation time (RFC 3339) for expiry and waivers")(
      "ccel", po::value<std::string>(), "with --policy: the CCEL the IMA list continues")(
      "collateral", po::value<std::string>(), "with --policy: collateral of --quote")(
      "root-ca", po::value<std::string>(), "with --policy: PEM trust anchor replacing Intel's");
  const OptionsHelp help(kHelp.name, kHelp.usage, desc);
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm)) return *done;
  if (!vm.count("ima")) return UsageError(help, "--ima is required");
  if (vm.count("policy")) {
    std::string fmt = vm["format"].as<std::string>();
    if (fmt != "text" && fmt != "json" && fmt != "junit") {
      return UsageMessage(help, "--format: expected text, json or junit");
    }
    if (vm.count("report-data") || vm.count("container") || vm.count("system-events")) {
      return UsageMessage(help,
                          "with --policy, the binding and system events come from the policy "
                          "(containers.binding, containers.system_events)");
    }
    Result<policy::Policy> p = policy::LoadPolicyFile(vm["policy"].as<std::string>());
    if (!p.ok()) return ReportError(p.status());
    if (!p->containers) return UsageMessage(help, "the policy has no containers: rules");
    return RunContainerPolicy(*p, vm["policy"].as<std::string>(), vm, fmt);
  }
  if (vm.count("ccel") || vm.count("collateral") || vm.count("root-ca") || vm.count("at")) {
    return UsageMessage(help, "--ccel, --collateral, --root-ca and --at go with --policy");
  }
  containers::BindingRequest binding;
  if (Status s = ReadBindingRequest(vm, &binding); !s.ok()) return ReportError(s);
  containers::ContainerViewOptions options;
  // Records are kept only for policy evaluation (bounded memory otherwise).
  options.keep_records = false;
  if (vm.count("system-events")) {
    Result<std::vector<std::vector<uint8_t>>> events =
        pipeline::ReadSystemEventsFile(vm["system-events"].as<std::string>());
    if (!events.ok()) return ReportError(events.status());
    options.system_events = std::move(events).value();
  }
  Result<containers::ContainerView> view =
      containers::BuildContainerViewFile(vm["ima"].as<std::string>(), ima::ReadOptions{}, options);
  if (!view.ok()) return ReportError(view.status());
  containers::BindingOutcome outcome = containers::EvaluateBinding(*view, binding);
  const std::string out = vm.count("json") ? report::ContainersReportJson(*view, outcome)
                                           : report::ContainersReportText(*view, outcome);
  std::fwrite(out.data(), 1, out.size(), stdout);
  bool clean = view->hashes_mismatched == 0 && view->unattributed_records == 0 &&
               (!outcome.requested || outcome.ok);
  return clean ? kExitTrusted : kExitUntrusted;
}

}  // namespace ccv::cli
