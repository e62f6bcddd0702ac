// ccverify verify: parse every log, replay, compare with the quote, verify
// the quote against its collateral, check the REPORTDATA binding, evaluate
// the policy and write the reports asked for (verify_reports.h).
#include "verifier/cli/cmd_verify.h"

#include <cstdio>
#include <filesystem>
#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/hex.h"
#include "policies/evaluator.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/ima_state_files.h"
#include "verifier/cli/policy_flags.h"
#include "verifier/cli/verify_options.h"
#include "verifier/cli/verify_reports.h"
#include "verifier/pipeline/verify.h"
#include "verifier/replay/ima_state.h"
#include "verifier/report/verify_report.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr char kVerifyUsage[] =
    "usage: ccverify verify BUNDLE_DIR [--policy P.yaml] [--collateral F] [--at T] [--root-ca "
    "PEM]\n"
    "                [--nonce HEX [--user-data HEX] | --report-data HEX]\n"
    "                [--format text|json|junit|sarif|markdown] [--output F]\n"
    "                [--report FORMAT=PATH]... [--quiet] [--failures-only]\n"
    "                [--quote F] [--ccel F] [--ccel-table F] [--ima F] [--ima-register R] "
    "[--tpm-log F]\n"
    "                [--cel F] [--dstack-log F] [--collateral-cache DIR] [--pck-chain F]\n"
    "                [--tpm-attest A --tpm-signature S]... [--tpm-ak F] [--tpm-pcrs F]\n"
    "                [--tpm-root-ca F]... [--tpm-nonce HEX]\n"
    "                [--policy-signature F --policy-key K] [--sign-key KEY.pem [--sign-cert "
    "CERT.pem]]\n"
    "                [--ima-state F --state-key KEYFILE [--ima-state-fallback]]\n"
    "       ccverify verify --batch DIR|LIST|- [--policy P.yaml] [--at T] [--root-ca PEM]\n"
    "                [--collateral F] [--collateral-cache DIR] [--jobs N] [--shard K/N]\n"
    "                [--report jsonl=PATH] [--format text|json] [--output F] [--quiet]\n"
    "                [--policy-signature F --policy-key K]\n"
    "                [--ima-state DIR --state-key KEYFILE [--ima-state-fallback]]\n";

}  // namespace

int RunVerify(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("policy", po::value<std::string>(),
                                                 "YAML reference-value policy")(
      "collateral-cache", po::value<std::string>(),
      "take the quote's collateral from this cache (collateral fetch) when none is given")(
      "batch", po::value<std::string>(),
      "verify many bundles: a directory of bundle folders, a file listing bundle paths, or - "
      "(paths on stdin)")("jobs", po::value<int>(), "--batch: threads (default: the core count)")(
      "shard", po::value<std::string>(),
      "--batch: verify only shard K of N (0 <= K < N), chosen by a hash of the bundle path")(
      "policy-signature", po::value<std::string>(),
      "detached JWS or DSSE envelope signing the --policy file")(
      "policy-key", po::value<std::string>(),
      "PEM public key or certificate the policy must be signed with (requires a signature)")(
      "ima-state", po::value<std::string>(),
      "incremental IMA: resume the replay from this state file when it exists (only entries "
      "after it are read), and save the state of the bound list there (needs --state-key)")(
      "state-key", po::value<std::string>(),
      "--ima-state: file whose bytes (at least 16) key the state's HMAC-SHA-256")(
      "ima-state-fallback", po::bool_switch(),
      "--ima-state: replay the whole list when the state does not apply to it (reported) "
      "instead of failing; a state whose MAC does not verify still fails");
  AddReportOptions(&desc);
  AddEvidenceOptions(&desc);
  const auto pos = OnePositional("bundle");
  const OptionsHelp help("verify", kVerifyUsage, desc);
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm, &pos)) return *done;
  // The flags that go together, with and without --batch.
  if (vm.count("ima-state") != vm.count("state-key")) {
    return UsageError(help,
                      "--ima-state and --state-key go together (the state is MAC'd with the key)");
  }
  if (vm["ima-state-fallback"].as<bool>() && !vm.count("ima-state")) {
    return UsageError(help, "--ima-state-fallback needs --ima-state");
  }
  if (Status flags = CheckPolicyFlags(vm); !flags.ok()) return UsageError(help, flags.message());
  if (vm.count("batch")) return RunVerifyBatch(vm, help);
  if (vm.count("jobs") || vm.count("shard")) {
    return UsageError(help, "--jobs and --shard need --batch");
  }
  auto plan = ReportPlanFromOptions(vm);
  if (!plan.ok()) return UsageError(help, plan.status().message());

  // From here every requested report is written, carrying the error that
  // stops the verification if one does: never is an earlier run's left.
  report::VerifyReportContext ctx;
  if (vm.count("bundle")) ctx.bundle = vm["bundle"].as<std::string>();
  auto fail = [&](const Status& s) {
    (void)WriteErrorReports(*plan, s, ctx);
    return ReportError(s);
  };
  {
    Status signing = LoadReportSigning(vm, &*plan);
    if (!signing.ok()) return fail(signing);
  }
  // The policy first: a malformed (or, when a key is given, an unsigned or
  // badly signed) policy is an input error before any work.
  std::optional<policy::Policy> pol;
  if (vm.count("policy")) {
    ctx.policy_path = vm["policy"].as<std::string>();
    auto p = LoadPolicyFromOptions(vm, &ctx);
    if (!p.ok()) return fail(p.status());
    pol = std::move(*p);
  }
  auto req = EvidenceFromOptions(vm);
  if (!req.ok()) {
    if (req.status().code() == ErrorCode::kInvalidArgument) {
      (void)WriteErrorReports(*plan, req.status(), ctx);
      return UsageError(help, req.status().message());
    }
    return fail(req.status());
  }
  ctx.bundle = req->source;
  ctx.at = req->at_text;
  if (req->evidence.binding_from_verifier) {
    if (req->evidence.nonce) {
      plan->nonce = *req->evidence.nonce;
    } else if (req->evidence.report_data) {
      plan->nonce = *req->evidence.report_data;
    }
  }
  if (vm.count("collateral-cache")) {
    Status filled =
        FillCollateralFromCache(vm["collateral-cache"].as<std::string>(), &req->evidence);
    if (!filled.ok()) return fail(filled);
  }
  std::optional<ImaStateFiles> state_files;
  if (vm.count("ima-state")) {
    auto key = ReadImaStateKey(vm["state-key"].as<std::string>());
    if (!key.ok()) return fail(key.status());
    auto sf = LoadImaState(vm["ima-state"].as<std::string>(), std::move(*key));
    if (!sf.ok()) return fail(sf.status());
    state_files = std::move(*sf);
    state_files->Apply(vm["ima-state-fallback"].as<bool>(), &req->options);
  }
  auto v = pipeline::Verify(req->evidence, req->options, pol ? &*pol : nullptr);
  if (!v.ok()) return fail(state_files ? state_files->Name(v.status()) : v.status());
  if (state_files) {
    // Saved before the reports: a report never names a state that is not there.
    Result<bool> saved = state_files->Save(v->facts);
    if (!saved.ok()) return fail(saved.status());
    if (!*saved) {
      std::fprintf(stderr, "ccverify: IMA state not saved to %s: %s\n", state_files->path.c_str(),
                   v->facts.ima_present ? "the IMA list is not bound, or a template hash or "
                                          "boot_aggregate failed"
                                        : "the evidence has no IMA list");
    }
  }

  Status written = WriteVerifyReports(*plan, v->facts, v->evaluation, ctx);
  if (!written.ok()) return kExitInput;
  return v->outcome == result::Outcome::kUntrusted ? kExitUntrusted : kExitTrusted;
}

}  // namespace ccv::cli
