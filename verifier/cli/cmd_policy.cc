// ccverify policy generate BUNDLE_DIR [--output P.yaml]: pins what a
// known-good bundle shows. ccverify policy lint P.yaml: flags weaknesses.
#include <cstdio>
#include <filesystem>
#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "policies/generate.h"
#include "policies/lint.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "verifier/cli/cmd_verify.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/verify_options.h"
#include "verifier/pipeline/containers.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/predict_report.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

// Above this many IMA paths, `--output P.yaml` writes them to P.ima-allow.
constexpr size_t kInlineImaPaths = 256;

constexpr char kGenerateUsage[] =
    "usage: ccverify policy generate BUNDLE_DIR [--output P.yaml] [--name N] [--version V]\n"
    "                [--expires Nd|YYYY-MM-DD] [--no-events] [--no-ima] [--allow-weak]\n"
    "                [--from-prediction F] [evidence flags as for verify]\n"
    "       ccverify policy generate --from-prediction F [--output P.yaml] [--name N] ...\n";

// The prediction.json of `ccverify predict --out DIR` (F itself, or DIR's).
Result<predict::BootPrediction> ReadPrediction(const std::string& path) {
  std::string file = path;
  if (std::filesystem::is_directory(path))
    file = (std::filesystem::path(path) / "prediction.json").string();
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(file, 64u << 20));
  auto p = report::PredictionFromJson(text);
  if (!p.ok()) return p.status().WithFile(file);
  return p;
}

bool HasEvidence(const po::variables_map& vm) {
  for (const char* flag : {"bundle", "quote", "ccel", "ccel-table", "tpm-log", "ima", "cel"}) {
    if (vm.count(flag)) return true;
  }
  return false;
}
constexpr char kLintUsage[] = "usage: ccverify policy lint P.yaml [--at T] [--strict]\n";

// The generated policy to --output, or to stdout.
int WritePolicy(const po::variables_map& vm, const std::string& yaml) {
  if (vm.count("output")) {
    Status s = WriteFileBytes(vm["output"].as<std::string>(), yaml.data(), yaml.size());
    if (!s.ok()) return ReportError(s);
  } else {
    std::fwrite(yaml.data(), 1, yaml.size(), stdout);
  }
  return kExitTrusted;
}

}  // namespace

int RunPolicyGenerate(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("output", po::value<std::string>(),
                                                 "write the policy to F instead of stdout")(
      "name", po::value<std::string>(), "metadata.name (default: the bundle directory name)")(
      "version", po::value<std::string>()->default_value("1"), "metadata.version")(
      "expires", po::value<std::string>(),
      "metadata.expires: Nd (N days from now, the real clock, not --at) or a date; default 180d")(
      "valid-days", po::value<int>(), "same as --expires Dd (older spelling)")(
      "no-events", po::bool_switch(), "do not pin individual log events")(
      "no-ima", po::bool_switch(), "do not pin IMA file digests")(
      "allow-weak", po::bool_switch(),
      "write a policy even for a platform whose TCB status is not UpToDate (it then accepts that "
      "platform)")("container", po::value<std::string>(),
                   "also pin this pod or container of the IMA list")(
      "system-events", po::value<std::string>(), "with --container: CIMA system events JSON")(
      "from-prediction", po::value<std::string>(),
      "add the event rules of a prediction (ccverify predict --out DIR: DIR or its "
      "prediction.json); alone, write a policy of them");
  AddEvidenceOptions(&desc);
  const auto pos = OnePositional("bundle");
  const OptionsHelp help("policy generate", kGenerateUsage, desc);
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm, &pos)) return *done;
  if (vm.count("expires") && vm.count("valid-days")) {
    return UsageError(help, "--expires and --valid-days are the same setting: give one");
  }
  std::string expires_arg = vm.count("expires") ? vm["expires"].as<std::string>()
                            : vm.count("valid-days")
                                ? std::to_string(vm["valid-days"].as<int>()) + "d"
                                : std::string("180d");
  // Relative to the real clock: a policy generated for an old bundle
  // (--at in the past) must not be expired the moment it is written.
  auto expires = policy::ParseExpiry(expires_arg, policy::NowUtc());
  if (!expires.ok()) {
    return UsageError(help, "--expires: " + expires.status().message());
  }
  std::string predicted_rules;
  if (vm.count("from-prediction")) {
    auto pred = ReadPrediction(vm["from-prediction"].as<std::string>());
    if (!pred.ok()) return ReportError(pred.status());
    predicted_rules = report::PredictionEventRules(*pred);
    if (!HasEvidence(vm)) {
      // A policy of the prediction alone: what a CI gate checks before any
      // boot. It is parsed back before it is written.
      const std::string name =
          vm.count("name") ? vm["name"].as<std::string>() : "predicted-" + pred->boot + "-boot";
      std::string yaml = "# Generated by `ccverify policy generate --from-prediction " +
                         vm["from-prediction"].as<std::string>() + "`.\n" +
                         "apiVersion: ccverify/v1\nmetadata: {name: \"" + name + "\", version: \"" +
                         vm["version"].as<std::string>() +
                         "\", expires: " + policy::FormatRfc3339(*expires) + "}\n";
      yaml += predicted_rules.empty() ? "" : "events:\n" + predicted_rules;
      auto parsed = policy::ParsePolicy(yaml);
      if (!parsed.ok()) return ReportError(parsed.status().WithContext("generated policy"));
      return WritePolicy(vm, yaml);
    }
  }
  auto req = EvidenceFromOptions(vm);
  if (!req.ok()) {
    if (req.status().code() == ErrorCode::kInvalidArgument) {
      return UsageError(help, req.status().message());
    }
    return ReportError(req.status());
  }
  // Generation pins what the evidence shows, whatever the TCB status.
  policy::Policy judge_tcb_later;
  judge_tcb_later.platform.tcb_status_set = true;
  auto facts = pipeline::CollectFacts(req->evidence, req->options, &judge_tcb_later);
  if (!facts.ok()) return ReportError(facts.status());
  for (const result::Check& c : facts->checks) {
    if (c.status == result::Verdict::kFail) {
      std::fprintf(stderr, "ccverify policy generate: warning: check %s fails: %s\n", c.id.c_str(),
                   c.detail.c_str());
    }
  }
  policy::GenerateOptions o;
  o.name = vm.count("name")     ? vm["name"].as<std::string>()
           : vm.count("bundle") ? std::filesystem::path(req->source).filename().string()
                                : std::string();
  if (o.name.empty() && vm.count("bundle")) {
    // "dir/" has an empty file name: use the directory's own name.
    o.name = std::filesystem::path(req->source).parent_path().filename().string();
  }
  if (o.name.empty()) o.name = "generated";
  o.version = vm["version"].as<std::string>();
  o.source = req->source;
  o.now = req->options.at.seconds;
  o.expires = *expires;
  o.pin_events = !vm["no-events"].as<bool>();
  o.pin_ima = !vm["no-ima"].as<bool>();
  o.allow_weak = vm["allow-weak"].as<bool>();
  o.extra_event_rules = predicted_rules;
  // Large IMA allow lists go to a file next to the policy (YAML is slow to
  // read at that size).
  std::string allow_path;
  if (vm.count("output") && o.pin_ima && facts->ima_present &&
      policy::CountImaPaths(*facts) > kInlineImaPaths && policy::ImaPathsFitAllowList(*facts)) {
    std::filesystem::path out(vm["output"].as<std::string>());
    std::filesystem::path allow = out;
    allow.replace_extension(".ima-allow");
    o.ima_allow_file = allow.filename().string();
    allow_path = allow.string();
  }
  auto generated = policy::Generate(*facts, o);
  if (!generated.ok()) {
    std::fprintf(stderr, "ccverify policy generate: %s\n", generated.status().message().c_str());
    return kExitUntrusted;
  }
  for (const std::string& w : generated->weak) {
    std::fprintf(
        stderr,
        "ccverify policy generate: WARNING: --allow-weak: %s; the policy written accepts this "
        "platform and `policy lint` may flag it\n",
        w.c_str());
  }
  for (const std::string& l : generated->left_out) {
    std::fprintf(
        stderr,
        "ccverify policy generate: not pinned: log %s; verify fails while this log is in the "
        "evidence unless the policy names it in logs.informational\n",
        l.c_str());
  }
  std::string yaml = std::move(generated->yaml);
  if (!allow_path.empty()) {
    std::string list = policy::GenerateImaAllowList(*facts);
    Status s = WriteFileBytes(allow_path, list.data(), list.size());
    if (!s.ok()) return ReportError(s);
  }
  if (vm.count("container")) {
    std::optional<std::string> events;
    if (vm.count("system-events")) events = vm["system-events"].as<std::string>();
    auto block = pipeline::GenerateContainerBlock(req->evidence.ima,
                                                  vm["container"].as<std::string>(), events);
    if (!block.ok()) return ReportError(block.status());
    yaml += *block;
  }
  return WritePolicy(vm, yaml);
}

int RunPolicyLint(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("policy", po::value<std::string>(), "policy file")(
      "at", po::value<std::string>(), "time for expiry checks, RFC 3339 (default: now)")(
      "strict", po::bool_switch(), "warnings fail too (exit 1)");
  const auto pos = OnePositional("policy");
  const OptionsHelp help("policy lint", kLintUsage, desc);
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm, &pos)) return *done;
  if (!vm.count("policy")) return UsageError(help, "missing P.yaml");
  policy::UnixTime now = policy::NowUtc();
  if (vm.count("at")) {
    auto t = policy::ParseRfc3339(vm["at"].as<std::string>());
    if (!t.ok()) return UsageError(help, "--at: " + t.status().message());
    now = *t;
  }
  const std::string path = vm["policy"].as<std::string>();
  std::vector<policy::UnknownKey> unknown;
  auto p = policy::LoadPolicyFile(path, &unknown);
  if (!p.ok()) return ReportError(p.status());
  auto findings = policy::LintPolicy(*p, unknown, now);
  size_t errors = 0, warnings = 0;
  for (const auto& f : findings) {
    bool err = f.severity == policy::LintSeverity::kError;
    (err ? errors : warnings)++;
    std::string where = path;
    if (f.pos.line) where += ":" + std::to_string(f.pos.line) + ":" + std::to_string(f.pos.column);
    std::printf("%s: %s: %s: %s\n", where.c_str(), err ? "error" : "warning", f.code.c_str(),
                f.message.c_str());
  }
  std::printf("%s: %zu error(s), %zu warning(s)\n", path.c_str(), errors, warnings);
  bool fail = errors > 0 || (vm["strict"].as<bool>() && warnings > 0);
  return fail ? kExitUntrusted : kExitTrusted;
}

}  // namespace ccv::cli
