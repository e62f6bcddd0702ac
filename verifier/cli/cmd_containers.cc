// ccverify containers --ima F [--system-events F] [--json]: the per-pod and
// per-container view of an ima-cgpath list with each unit's CIMA virtual
// IMR 3 (docs/cli.md, docs/json.md).
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "parsers/tdx_quote.h"
#include "policies/container_rules.h"
#include "policies/container_rules_eval.h"
#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "verifier/report/verify_report.h"
#include "verifier/bundle/evidence.h"
#include "verifier/containers/binding.h"
#include "verifier/containers/container_view.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/schema_version.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;
using containers::ContainerInfo;
using containers::ContainerUnit;
using containers::ContainerView;
using JsonWriter = rapidjson::PrettyWriter<rapidjson::FileWriteStream>;

void WriteDigest(const Digest& d, JsonWriter& w) {
  w.StartObject();
  std::string name(HashAlgName(d.alg));
  w.Key(name.c_str());
  w.String(ToHex(d.span()).c_str());
  w.EndObject();
}

void WriteStrings(const std::vector<std::string>& v, JsonWriter& w) {
  w.StartArray();
  for (const std::string& s : v) w.String(s.c_str());
  w.EndArray();
}

void WriteContainer(const ContainerInfo& c, JsonWriter& w) {
  w.StartObject();
  w.Key("id");
  w.String(c.id.c_str());
  w.Key("kind");
  w.String("container");
  w.Key("runtime");
  w.String(c.runtime.c_str());
  w.Key("cgroup_paths");
  WriteStrings(c.cgroup_paths, w);
  w.Key("records");
  w.Uint64(c.records);
  w.Key("first_record");
  w.Uint64(c.first_record);
  w.Key("last_record");
  w.Uint64(c.last_record);
  w.Key("entrypoint");
  w.String(c.entrypoint.c_str());
  w.EndObject();
}

// The quote binding asked for on the command line.
struct BindingRequest {
  bool requested = false;
  std::string container;  // "" = find the bound unit(s)
  containers::ReportData report_data{};
  std::optional<std::vector<uint8_t>> nonce;
  std::vector<uint8_t> user_data;
};

struct BindingOutcome {
  bool requested = false;
  std::string unit_id;  // the unit checked, or "" if none was found
  containers::BindingCheck check;
  std::vector<std::string> bound_units;  // units that REPORTDATA binds
  bool ok = false;
};

BindingOutcome EvaluateBinding(const ContainerView& v, const BindingRequest& req) {
  BindingOutcome out;
  out.requested = req.requested;
  if (!req.requested) return out;
  static const std::vector<uint8_t> kNoBytes;
  const std::vector<uint8_t>& nonce = req.nonce ? *req.nonce : kNoBytes;
  for (const ContainerUnit* u :
       containers::FindBoundUnits(v, req.report_data, nonce, req.user_data)) {
    out.bound_units.push_back(u->id);
  }
  const ContainerUnit* unit = nullptr;
  if (!req.container.empty()) {
    unit = v.Find(req.container);
    if (unit == nullptr) {
      out.check.actual = ToHex(req.report_data);
      out.check.detail = "no container or pod '" + req.container + "' in the list";
      return out;
    }
  } else if (out.bound_units.size() == 1) {
    unit = v.Find(out.bound_units[0]);
  } else {
    out.check.actual = ToHex(req.report_data);
    out.check.detail = out.bound_units.empty()
                           ? "REPORTDATA binds no container of the list"
                           : "REPORTDATA binds more than one container";
    return out;
  }
  out.unit_id = unit->id;
  out.check = containers::CheckContainerBinding(req.report_data, unit->virtual_imr3, req.nonce,
                                                req.user_data);
  out.ok = out.check.ok();
  return out;
}

void PrintJson(const ContainerView& v, const BindingOutcome& b) {
  char buf[65536];
  rapidjson::FileWriteStream os(stdout, buf, sizeof(buf));
  JsonWriter w(os);
  w.SetIndent(' ', 1);
  w.StartObject();
  report::WriteSchemaVersion(w);
  w.Key("containers");
  w.StartArray();
  for (const ContainerUnit& u : v.units) {
    w.StartObject();
    w.Key("id");
    w.String(u.id.c_str());
    w.Key("kind");
    w.String(u.kind.c_str());
    if (!u.pod_uid.empty()) {
      w.Key("pod_uid");
      w.String(u.pod_uid.c_str());
    }
    w.Key("cgroup_paths");
    WriteStrings(u.cgroup_paths, w);
    w.Key("records");
    w.Uint64(u.records);
    w.Key("first_record");
    w.Uint64(u.first_record);
    w.Key("last_record");
    w.Uint64(u.last_record);
    w.Key("violations");
    w.Uint64(u.violations);
    w.Key("template_hashes_mismatched");
    w.Uint64(u.hashes_mismatched);
    w.Key("virtual_imr3");
    WriteDigest(u.virtual_imr3, w);
    w.Key("containers");
    w.StartArray();
    for (const ContainerInfo& c : u.containers) WriteContainer(c, w);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("initial_imr3");
  WriteDigest(v.initial, w);
  w.Key("entries");
  w.Uint64(v.entries);
  w.Key("host_records");
  w.Uint64(v.host_records);
  w.Key("unattributed_records");
  w.Uint64(v.unattributed_records);
  w.Key("template_hashes");
  w.StartObject();
  w.Key("verified");
  w.Uint64(v.hashes_verified);
  w.Key("mismatched");
  w.Uint64(v.hashes_mismatched);
  w.Key("violations");
  w.Uint64(v.violations);
  w.EndObject();
  w.Key("findings");
  w.StartArray();
  for (const containers::ContainerFinding& f : v.findings) {
    w.StartObject();
    w.Key("evidence");
    w.String(("ima#" + std::to_string(f.index)).c_str());
    if (f.line != 0) {
      w.Key("line");
      w.Uint64(f.line);
    }
    w.Key("kind");
    w.String(f.kind.c_str());
    w.Key("detail");
    w.String(f.detail.c_str());
    w.EndObject();
  }
  w.EndArray();
  if (b.requested) {
    w.Key("binding");
    w.StartObject();
    w.Key("container");
    w.String(b.unit_id.c_str());
    w.Key("status");
    w.String(b.unit_id.empty() ? "mismatch" : containers::BindingStatusName(b.check.status));
    w.Key("expected");
    w.String(b.check.expected.c_str());
    w.Key("actual");
    w.String(b.check.actual.c_str());
    w.Key("detail");
    w.String(b.check.detail.c_str());
    w.Key("bound_units");
    WriteStrings(b.bound_units, w);
    w.EndObject();
  }
  w.EndObject();
  os.Put('\n');
  os.Flush();
}

void PrintText(const ContainerView& v, const BindingOutcome& b) {
  std::string alg(HashAlgName(v.alg));
  for (const ContainerUnit& u : v.units) {
    std::printf("%s %s", u.kind.c_str(), u.kind == "pod" ? u.pod_uid.c_str() : u.id.c_str());
    if (u.kind == "pod") std::printf("  (CIMA id %s)", u.id.c_str());
    std::printf("\n  records %llu: ima#%llu .. ima#%llu\n",
                static_cast<unsigned long long>(u.records),
                static_cast<unsigned long long>(u.first_record),
                static_cast<unsigned long long>(u.last_record));
    std::printf("  virtual imr3 %s: %s\n", alg.c_str(), ToHex(u.virtual_imr3.span()).c_str());
    if (u.violations != 0 || u.hashes_mismatched != 0) {
      std::printf("  violations %llu, template hash mismatches %llu\n",
                  static_cast<unsigned long long>(u.violations),
                  static_cast<unsigned long long>(u.hashes_mismatched));
    }
    for (const ContainerInfo& c : u.containers) {
      std::printf("  container %s%s%s%s\n", c.id.c_str(), c.runtime.empty() ? "" : " (",
                  c.runtime.c_str(), c.runtime.empty() ? "" : ")");
      std::printf("    records %llu: ima#%llu .. ima#%llu, entrypoint %s\n",
                  static_cast<unsigned long long>(c.records),
                  static_cast<unsigned long long>(c.first_record),
                  static_cast<unsigned long long>(c.last_record), c.entrypoint.c_str());
      for (const std::string& p : c.cgroup_paths) std::printf("    cgroup %s\n", p.c_str());
    }
  }
  std::printf("\n%zu units; %llu entries, %llu host records, %llu unattributed\n", v.units.size(),
              static_cast<unsigned long long>(v.entries),
              static_cast<unsigned long long>(v.host_records),
              static_cast<unsigned long long>(v.unattributed_records));
  std::printf("initial imr3 %s: %s\n", alg.c_str(), ToHex(v.initial.span()).c_str());
  std::printf("template hashes: %llu verified, %llu mismatched, %llu violations\n",
              static_cast<unsigned long long>(v.hashes_verified),
              static_cast<unsigned long long>(v.hashes_mismatched),
              static_cast<unsigned long long>(v.violations));
  for (const containers::ContainerFinding& f : v.findings) {
    std::printf("  ima#%llu: %s: %s\n", static_cast<unsigned long long>(f.index), f.kind.c_str(),
                f.detail.c_str());
  }
  if (b.requested) {
    std::printf("binding: %s%s%s: %s\n",
                b.unit_id.empty() ? "mismatch" : containers::BindingStatusName(b.check.status),
                b.unit_id.empty() ? "" : " for ", b.unit_id.c_str(), b.check.detail.c_str());
    if (!b.check.expected.empty()) std::printf("  expected %s\n", b.check.expected.c_str());
    std::printf("  actual   %s\n", b.check.actual.c_str());
  }
}

// Fills the binding request from --container/--report-data/--quote/--nonce/--user-data.
Status ReadBindingRequest(const po::variables_map& vm, BindingRequest* req) {
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
  policy::Policy only;
  only.api_version = pol.api_version;
  only.name = pol.name;
  only.version = pol.version;
  only.expires = pol.expires;
  only.expires_text = pol.expires_text;
  only.waivers = pol.waivers;
  only.containers = pol.containers;
  only.logs = pol.logs;
  only.binding = pol.binding;
  only.platform.collateral_optional = pol.platform.collateral_optional;
  only.source = pol.source;
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
    if (!b.ok()) return Status(ErrorCode::kInvalidArgument, std::string("--") + opt + ": expected hex");
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
    if (!t.ok()) {
      std::fprintf(stderr, "ccverify containers: --at: %s\n", t.status().ToString().c_str());
      return kExitUsage;
    }
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
  if (format == "json") out = report::VerifyReportJson(v->facts, v->evaluation, ctx);
  else if (format == "junit") out = report::VerifyReportJUnit(v->facts, v->evaluation, ctx);
  else out = report::VerifyReportText(v->facts, v->evaluation, ctx, false);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return v->outcome == result::Outcome::kUntrusted ? kExitUntrusted : kExitTrusted;
}

void Usage(FILE* out, const po::options_description& desc) {
  std::fprintf(out,
               "usage: ccverify containers --ima F [--system-events F] [--json]\n"
               "           [--container ID] [--report-data HEX | --quote F] [--nonce HEX]"
               " [--user-data HEX]\n");
  std::ostringstream s;
  s << desc;
  std::fputs(s.str().c_str(), out);
}

Result<std::vector<std::vector<uint8_t>>> ReadSystemEvents(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Result<std::vector<std::vector<uint8_t>>> events = containers::ParseSystemEventsJson(text);
  if (!events.ok()) return events.status().WithFile(path);
  return events;
}

}  // namespace

Result<std::string> GenerateContainerBlock(const std::optional<std::string>& ima_path,
                                           const std::string& id,
                                           const std::optional<std::string>& system_events_path) {
  if (!ima_path) {
    return Status(ErrorCode::kInvalidArgument, "--container needs evidence with an IMA list");
  }
  containers::ContainerViewOptions options;
  if (system_events_path) {
    CCV_ASSIGN_OR_RETURN(options.system_events, ReadSystemEvents(*system_events_path));
  }
  CCV_ASSIGN_OR_RETURN(ContainerView view,
                       containers::BuildContainerViewFile(*ima_path, ima::ReadOptions{}, options));
  policy::ContainerGenerateOptions g;
  g.system_events = options.system_events;
  Result<std::string> block = policy::GenerateContainerPolicy(view, id, g);
  if (!block.ok()) return block.status().WithFile(*ima_path);
  return block;
}

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
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "ccverify containers: %s\n", e.what());
    Usage(stderr, desc);
    return kExitUsage;
  }
  if (vm.count("help")) {
    Usage(stdout, desc);
    return kExitTrusted;
  }
  if (!vm.count("ima")) {
    std::fprintf(stderr, "ccverify containers: --ima is required\n");
    Usage(stderr, desc);
    return kExitUsage;
  }
  if (vm.count("policy")) {
    std::string fmt = vm["format"].as<std::string>();
    if (fmt != "text" && fmt != "json" && fmt != "junit") {
      std::fprintf(stderr, "ccverify containers: --format: expected text, json or junit\n");
      return kExitUsage;
    }
    if (vm.count("report-data") || vm.count("container") || vm.count("system-events")) {
      std::fprintf(stderr, "ccverify containers: with --policy, the binding and system events come "
                           "from the policy (containers.binding, containers.system_events)\n");
      return kExitUsage;
    }
    Result<policy::Policy> p = policy::LoadPolicyFile(vm["policy"].as<std::string>());
    if (!p.ok()) return ReportError(p.status());
    if (!p->containers) {
      std::fprintf(stderr, "ccverify containers: the policy has no containers: rules\n");
      return kExitUsage;
    }
    return RunContainerPolicy(*p, vm["policy"].as<std::string>(), vm, fmt);
  }
  if (vm.count("ccel") || vm.count("collateral") || vm.count("root-ca") || vm.count("at")) {
    std::fprintf(stderr, "ccverify containers: --ccel, --collateral, --root-ca and --at go with --policy\n");
    return kExitUsage;
  }
  BindingRequest binding;
  if (Status s = ReadBindingRequest(vm, &binding); !s.ok()) return ReportError(s);
  containers::ContainerViewOptions options;
  // Records are kept only for policy evaluation (bounded memory otherwise).
  options.keep_records = false;
  if (vm.count("system-events")) {
    Result<std::vector<std::vector<uint8_t>>> events =
        ReadSystemEvents(vm["system-events"].as<std::string>());
    if (!events.ok()) return ReportError(events.status());
    options.system_events = std::move(events).value();
  }
  Result<ContainerView> view =
      containers::BuildContainerViewFile(vm["ima"].as<std::string>(), ima::ReadOptions{}, options);
  if (!view.ok()) return ReportError(view.status());
  BindingOutcome outcome = EvaluateBinding(*view, binding);
  if (vm.count("json")) {
    PrintJson(*view, outcome);
  } else {
    PrintText(*view, outcome);
  }
  bool clean = view->hashes_mismatched == 0 && view->unattributed_records == 0 &&
               (!outcome.requested || outcome.ok);
  return clean ? kExitTrusted : kExitUntrusted;
}

}  // namespace ccv::cli
