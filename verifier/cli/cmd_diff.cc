// ccverify diff A B: what changed between two evidence bundles, or between
// a bundle and a policy (verifier/diff/diff.h). Exit 0 when they are equal,
// 1 when they differ, 2 on a usage error, 3 on an input error.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "policies/policy_parser.h"
#include "verifier/bundle/discover.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/diff/diff.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/diff_report.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

constexpr char kDiffUsage[] =
    "usage: ccverify diff A B [--json | --format text|json] [--at T]\n"
    "                [--root-ca PEM | --root-ca-a PEM --root-ca-b PEM]\n"
    "A and B: evidence bundle directories, or one bundle and a policy (YAML).\n"
    "Exit 0: no differences; 1: they differ; 2: usage error; 3: input error.\n";

// A directory, or its evidence.json, is a bundle; any other file a policy.
bool IsBundle(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return true;
  return std::filesystem::path(path).filename() == bundle::kEvidenceFileName;
}

std::string BundleDir(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return path;
  std::string dir = std::filesystem::path(path).parent_path().string();
  return dir.empty() ? "." : dir;
}

// The side of a bundle; `policy` (the other side's, or null) selects what
// is collected and applies its options to the checks.
Result<diff::Side> BundleSide(const std::string& path, const pipeline::VerifyOptions& options,
                              const policy::Policy* policy) {
  CCV_ASSIGN_OR_RETURN(bundle::Discovered d, bundle::LoadOrDiscoverEvidenceDir(BundleDir(path)));
  if (!d.from_manifest) {
    for (const std::string& line : d.taken)
      std::fprintf(stderr, "ccverify: %s/%s\n", path.c_str(), line.c_str());
  }
  if (policy == nullptr) {
    CCV_ASSIGN_OR_RETURN(result::Facts f, pipeline::CollectFacts(d.evidence, options, nullptr));
    return diff::SideFromFacts(f, path);
  }
  CCV_ASSIGN_OR_RETURN(pipeline::Verification v, pipeline::Verify(d.evidence, options, policy));
  return diff::SideFromFacts(v.facts, path, &v.evaluation.checks);
}

}  // namespace

int RunDiff(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("json", "JSON output (same as --format json)")(
      "format", po::value<std::string>(), "text (default) or json")(
      "at", po::value<std::string>(), "verification time, RFC 3339 (default: now)")(
      "root-ca", po::value<std::string>(),
      "PEM trust anchor for both bundles (replaces the Intel SGX Root CA)")(
      "root-ca-a", po::value<std::string>(), "PEM trust anchor for A")(
      "root-ca-b", po::value<std::string>(), "PEM trust anchor for B")(
      "a", po::value<std::string>(), "first bundle or policy")("b", po::value<std::string>(),
                                                               "second bundle or policy");
  po::positional_options_description pos;
  pos.add("a", 1).add("b", 1);
  const OptionsHelp help("diff", kDiffUsage, desc);
  const auto usage = [&help](const std::string& why) { return UsageError(help, why); };
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm, &pos)) return *done;
  if (!vm.count("a") || !vm.count("b")) return usage("expected two inputs, A and B");
  std::string format = vm.count("format") ? vm["format"].as<std::string>() : "text";
  if (format != "text" && format != "json")
    return usage("--format: expected text or json, got '" + format + "'");
  if (vm.count("json")) {
    if (vm.count("format") && format != "json")
      return usage("--json conflicts with --format " + format);
    format = "json";
  }
  if (vm.count("root-ca") && (vm.count("root-ca-a") || vm.count("root-ca-b"))) {
    return usage("--root-ca excludes --root-ca-a and --root-ca-b");
  }
  const std::string paths[2] = {vm["a"].as<std::string>(), vm["b"].as<std::string>()};
  for (const std::string& p : paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) {
      return ReportError(
          Status(ErrorCode::kIo, "no such file or directory (expected a bundle or a policy)")
              .WithFile(p));
    }
  }
  const bool bundle[2] = {IsBundle(paths[0]), IsBundle(paths[1])};
  if (!bundle[0] && !bundle[1]) return usage("at least one of A and B must be an evidence bundle");

  pipeline::VerifyOptions options[2];
  Time at = TimeNow();
  if (vm.count("at")) {
    auto t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return usage("--at: " + t.status().message());
    at = *t;
  }
  const char* ca_flag[2] = {"root-ca-a", "root-ca-b"};
  for (int i = 0; i < 2; ++i) {
    options[i].at = at;
    const char* flag = vm.count("root-ca") ? "root-ca" : ca_flag[i];
    if (!vm.count(flag)) continue;
    auto pem = ReadFileText(vm[flag].as<std::string>(), 1 << 20);
    if (!pem.ok()) return ReportError(pem.status());
    options[i].root_ca_pem = std::move(*pem);
  }

  // The policy first: a malformed policy is an input error before any work.
  std::optional<policy::Policy> pol;
  for (int i = 0; i < 2; ++i) {
    if (bundle[i]) continue;
    auto p = policy::LoadPolicyFile(paths[i]);
    if (!p.ok()) return ReportError(p.status());
    pol = std::move(*p);
  }
  diff::Side sides[2];
  for (int i = 0; i < 2; ++i) {
    if (!bundle[i]) {
      sides[i] = diff::SideFromPolicy(*pol, paths[i]);
      continue;
    }
    auto s = BundleSide(paths[i], options[i], pol ? &*pol : nullptr);
    if (!s.ok()) return ReportError(s.status());
    sides[i] = std::move(*s);
  }
  diff::Diff d = diff::Compare(sides[0], sides[1]);
  std::string out = format == "json" ? report::DiffJson(d) : report::DiffText(d);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return d.Equal() ? kExitTrusted : kExitUntrusted;
}

}  // namespace ccv::cli
