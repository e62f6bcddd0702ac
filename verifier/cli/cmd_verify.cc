// ccverify verify: parse every log, replay, compare with the quote, verify
// the quote against its collateral, check the REPORTDATA binding, evaluate
// the policy and write the reports asked for (verify_reports.h).
#include "verifier/cli/cmd_verify.h"

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/evidence.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/bundle/report_data.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/verify_options.h"
#include "verifier/cli/verify_reports.h"
#include "verifier/collateral/cache.h"
#include "verifier/crypto/digest.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/pck_chain_source.h"
#include "verifier/replay/ima_state.h"
#include "verifier/report/verify_report.h"
#include "verifier/sign/jose.h"

namespace ccv::cli {

namespace po = boost::program_options;

void AddEvidenceOptions(po::options_description* desc) {
  desc->add_options()("bundle", po::value<std::string>(),
                      "evidence bundle directory (holds evidence.json)")(
      "collateral", po::value<std::string>(), "collateral JSON (QuoteCollateralV3 layout)")(
      "pck-chain", po::value<std::string>(),
      "PEM PCK chain for a quote that carries none (types 1-4)")(
      "at", po::value<std::string>(), "verification time, RFC 3339 (default: now)")(
      "root-ca", po::value<std::string>(), "PEM trust anchor replacing the Intel SGX Root CA")(
      "nonce", po::value<std::string>(),
      "hex nonce: REPORTDATA must be SHA-512(nonce || user data)")(
      "user-data", po::value<std::string>(), "hex user data bound with the nonce")(
      "report-data", po::value<std::string>(), "hex of the exact 64-byte REPORTDATA expected")(
      "quote", po::value<std::string>(), "TDX quote (overrides the bundle's)")(
      "ccel", po::value<std::string>(), "CCEL log area (overrides the bundle's)")(
      "ccel-table", po::value<std::string>(), "ACPI CCEL table (overrides the bundle's)")(
      "ima", po::value<std::string>(), "IMA measurement list, ascii or binary")(
      "ima-register", po::value<std::string>(), "register IMA extends: rtmr2 or pcr10")(
      "tpm-log", po::value<std::string>(), "TPM event log (binary_bios_measurements)")(
      "cel", po::value<std::string>(), "Canonical Event Log, TLV or JSON")(
      "dstack-log", po::value<std::string>(), "dstack event log, JSON (overrides the bundle's)")(
      "tpm-attest", po::value<std::vector<std::string>>(),
      "TPMS_ATTEST of a TPM quote (repeat with --tpm-signature; replaces the bundle's quotes)")(
      "tpm-signature", po::value<std::vector<std::string>>(), "TPMT_SIGNATURE of that quote")(
      "tpm-ak", po::value<std::string>(),
      "TPM AK: TPMT_PUBLIC, PEM/DER public key or X.509 certificate")(
      "tpm-pcrs", po::value<std::string>(), "PCR values JSON the TPM quotes cover")(
      "tpm-root-ca", po::value<std::vector<std::string>>(),
      "trust anchor(s) of the TPM AK certificate, PEM or DER (repeatable)")(
      "tpm-nonce", po::value<std::string>(), "hex extraData every TPM quote must carry");
}

Result<EvidenceRequest> EvidenceFromOptions(const po::variables_map& vm) {
  EvidenceRequest req;
  bundle::Evidence& e = req.evidence;
  if (vm.count("bundle")) {
    std::string dir = vm["bundle"].as<std::string>();
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return Status(ErrorCode::kIo, "not a directory (expected an evidence bundle)").WithFile(dir);
    }
    CCV_ASSIGN_OR_RETURN(bundle::Discovered d, bundle::LoadOrDiscoverEvidenceDir(dir));
    e = std::move(d.evidence);
    // Without a manifest, say what was taken for what.
    if (!d.from_manifest) {
      for (const std::string& line : d.taken)
        std::fprintf(stderr, "ccverify: %s/%s\n", dir.c_str(), line.c_str());
    }
    req.source = dir;
  }
  auto file = [&](const char* opt, std::optional<std::string>* dst) {
    if (vm.count(opt)) *dst = vm[opt].as<std::string>();
  };
  file("quote", &e.quote);
  file("ccel", &e.ccel_data);
  file("ccel-table", &e.ccel_table);
  file("ima", &e.ima);
  file("tpm-log", &e.tpm_eventlog);
  file("cel", &e.cel);
  file("dstack-log", &e.dstack_event_log);
  file("collateral", &e.collateral);
  file("pck-chain", &e.pck_chain);
  if (vm.count("tpm-attest") || vm.count("tpm-signature")) {
    const auto attest = vm.count("tpm-attest") ? vm["tpm-attest"].as<std::vector<std::string>>()
                                               : std::vector<std::string>{};
    const auto sig = vm.count("tpm-signature") ? vm["tpm-signature"].as<std::vector<std::string>>()
                                               : std::vector<std::string>{};
    if (attest.size() != sig.size()) {
      return Status(ErrorCode::kInvalidArgument,
                    "give one --tpm-signature per --tpm-attest (" + std::to_string(attest.size()) +
                        " --tpm-attest, " + std::to_string(sig.size()) + " --tpm-signature)");
    }
    if (attest.size() > bundle::kMaxTpmQuotes) {
      return Status(ErrorCode::kInvalidArgument,
                    "at most " + std::to_string(bundle::kMaxTpmQuotes) + " TPM quotes");
    }
    if (!e.tpm) e.tpm.emplace();
    e.tpm->quotes.clear();
    for (size_t i = 0; i < attest.size(); ++i) e.tpm->quotes.push_back({attest[i], sig[i]});
  }
  if (vm.count("tpm-ak") || vm.count("tpm-pcrs")) {
    if (!e.tpm || e.tpm->quotes.empty()) {
      return Status(ErrorCode::kInvalidArgument,
                    "--tpm-ak and --tpm-pcrs need TPM quotes (--tpm-attest/--tpm-signature or "
                    "the bundle's tpm.quotes)");
    }
    file("tpm-ak", &e.tpm->ak);
    file("tpm-pcrs", &e.tpm->pcrs);
  }
  if (vm.count("tpm-root-ca")) {
    for (const std::string& path : vm["tpm-root-ca"].as<std::vector<std::string>>()) {
      CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, 1 << 20));
      req.options.tpm_root_ca.push_back(std::move(text));
    }
  }
  if (vm.count("tpm-nonce")) {
    auto b = FromHex(vm["tpm-nonce"].as<std::string>());
    if (!b.ok()) {
      return Status(ErrorCode::kInvalidArgument, "--tpm-nonce: " + b.status().message());
    }
    if (b->size() > 64) {
      return Status(ErrorCode::kInvalidArgument,
                    "--tpm-nonce: longer than 64 bytes (TPM2B_DATA of a quote)");
    }
    req.options.tpm_nonce = std::move(*b);
  }
  if (vm.count("ima-register")) {
    CCV_ASSIGN_OR_RETURN(e.ima_register,
                         bundle::ParseImaRegisterOption(vm["ima-register"].as<std::string>()));
  }
  auto hex = [&](const char* opt, size_t max_len) -> Result<std::optional<std::vector<uint8_t>>> {
    if (!vm.count(opt)) return std::optional<std::vector<uint8_t>>();
    auto b = FromHex(vm[opt].as<std::string>());
    if (!b.ok()) {
      return Status(ErrorCode::kInvalidArgument,
                    std::string("--") + opt + ": " + b.status().message());
    }
    if (b->size() > max_len) {
      return Status(ErrorCode::kInvalidArgument, std::string("--") + opt + ": longer than " +
                                                     std::to_string(max_len) + " bytes");
    }
    return std::optional<std::vector<uint8_t>>(std::move(*b));
  };
  if (vm.count("report-data") && (vm.count("nonce") || vm.count("user-data"))) {
    return Status(ErrorCode::kInvalidArgument, "--report-data excludes --nonce and --user-data");
  }
  CCV_ASSIGN_OR_RETURN(auto nonce, hex("nonce", bundle::kMaxNonceLen));
  CCV_ASSIGN_OR_RETURN(auto user_data, hex("user-data", bundle::kMaxNonceLen));
  CCV_ASSIGN_OR_RETURN(auto report_data, hex("report-data", 64));
  if (report_data && report_data->size() != 64) {
    return Status(ErrorCode::kInvalidArgument, "--report-data: expected 64 bytes (128 hex digits)");
  }
  // Flags replace what the bundle says about the binding, except that
  // --nonce alone keeps the bundle's user data (the report says so).
  bundle::ApplyVerifierBinding(&e, std::move(nonce), std::move(user_data), std::move(report_data));
  req.options.at = TimeNow();
  if (vm.count("at")) {
    auto t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return Status(ErrorCode::kInvalidArgument, "--at: " + t.status().message());
    req.options.at = *t;
  }
  req.at_text = FormatRfc3339Time(req.options.at);
  if (vm.count("root-ca")) {
    CCV_ASSIGN_OR_RETURN(std::string pem, ReadFileText(vm["root-ca"].as<std::string>(), 1 << 20));
    req.options.root_ca_pem = std::move(pem);
  }
  if (req.source.empty()) {
    if (!e.quote && !e.ccel_data && !e.ima && !e.tpm_eventlog && !e.cel && !e.dstack_event_log &&
        !e.tpm) {
      return Status(ErrorCode::kInvalidArgument, "no evidence: give BUNDLE_DIR or file flags");
    }
    req.source = e.quote              ? *e.quote
                 : e.ccel_data        ? *e.ccel_data
                 : e.ima              ? *e.ima
                 : e.cel              ? *e.cel
                 : e.tpm_eventlog     ? *e.tpm_eventlog
                 : e.dstack_event_log ? *e.dstack_event_log
                                      : e.tpm->quotes.front().attest;
  }
  return req;
}

Status FillCollateralFromCache(const std::string& cache_dir, bundle::Evidence* e) {
  // The cache only fills in what neither --collateral nor the bundle names.
  if (e->collateral || !e->quote) return Status::Ok();
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> quote,
                       bundle::ReadEvidenceFile(*e, *e->quote, 1 << 20));
  std::optional<quote::SuppliedPckChain> chain;
  if (e->pck_chain) {
    CCV_ASSIGN_OR_RETURN(std::string pem, bundle::ReadEvidenceText(*e, *e->pck_chain, 1 << 20));
    auto parsed = quote::ParseSuppliedPckChain(pem, *e->pck_chain);
    if (!parsed.ok()) return parsed.status().WithFile(*e->pck_chain);
    chain = std::move(*parsed);
  }
  CCV_ASSIGN_OR_RETURN(
      e->collateral, collateral::CachedCollateralPath(cache_dir, quote, chain ? &*chain : nullptr));
  return Status::Ok();
}

namespace {

// The --policy file, used only if --policy-signature verifies over its
// exact bytes with --policy-key (when a key is given). Fills the policy
// digest and signer of `ctx`. Errors: the file's, kBadSignature for a
// signature that does not verify or is missing, kBadValue for one that is
// malformed, kUnsupported for a signed policy naming other files.
Result<policy::Policy> LoadPolicy(const po::variables_map& vm, report::VerifyReportContext* ctx) {
  const std::string path = vm["policy"].as<std::string>();
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, uint64_t{64} << 20));
  ctx->policy_sha256 = ToHex(crypto::Hash(HashAlg::kSha256, AsBytes(text)).span());
  const bool signed_policy = vm.count("policy-key") > 0;
  if (signed_policy) {
    const std::string key_path = vm["policy-key"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::string key_pem, ReadFileText(key_path, 1 << 20));
    auto key = sign::ReadVerificationKey(key_pem);
    if (!key.ok()) return key.status().WithFile(key_path);
    if (!vm.count("policy-signature")) {
      return Status(ErrorCode::kBadSignature,
                    "the policy is not signed: --policy-key requires a signature "
                    "(--policy-signature, a detached JWS or a DSSE envelope)")
          .WithFile(path);
    }
    const std::string sig_path = vm["policy-signature"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::string sig, ReadFileText(sig_path, sign::kMaxTokenLen));
    const std::string_view form = sign::DetectSignatureForm(sig);
    if (form == "DSSE") {
      auto d = sign::VerifyDsse(sig, key->key);
      if (!d.ok()) return d.status().WithFile(sig_path);
      if (AsChars(d->payload) != text) {
        return Status(ErrorCode::kBadSignature,
                      "the DSSE envelope signs another document than the policy " + path)
            .WithFile(sig_path);
      }
      ctx->policy_signature = "dsse";
    } else if (form == "JWS") {
      auto j = sign::VerifyDetachedJws(sig, AsBytes(text), key->key);
      if (!j.ok()) return j.status().WithFile(sig_path);
      ctx->policy_signature = "jws";
    } else {
      return Status(ErrorCode::kBadValue,
                    "expected a detached JWS (header..signature) or a DSSE envelope (JSON)")
          .WithFile(sig_path);
    }
    ctx->policy_signer = key->signer;
  }
  return policy::ParsePolicyFileText(path, text, signed_policy);
}

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
    "                [--report jsonl=PATH] [--format text|json] [--output F] [--quiet]\n";

// --ima-state F and its --state-key: the key, and the state when F exists
// (its MAC verified; a state that does not verify is an error, never
// ignored).
struct ImaStateFiles {
  std::string path;
  std::vector<uint8_t> key;
  std::shared_ptr<const replay::ImaState> state;  // null: no state yet
};

Result<ImaStateFiles> LoadImaState(const std::string& path, const std::string& key_path) {
  ImaStateFiles sf;
  sf.path = path;
  CCV_ASSIGN_OR_RETURN(sf.key, ReadFileBytes(key_path, 1 << 20));
  if (sf.key.size() < replay::kMinImaStateKeyLen) {
    return Status(ErrorCode::kBadValue, "an IMA state key needs at least " +
                                            std::to_string(replay::kMinImaStateKeyLen) +
                                            " bytes, the file has " + std::to_string(sf.key.size()))
        .WithFile(key_path);
  }
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return sf;  // the first run writes it
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path, replay::kMaxImaStateLen));
  auto state = replay::ParseImaState(text, sf.key);
  if (!state.ok()) return state.status().WithFile(path);
  sf.state = std::make_shared<const replay::ImaState>(std::move(*state));
  return sf;
}

int Usage(const std::string& why, const po::options_description& desc) {
  std::ostringstream os;
  os << desc;
  std::fprintf(stderr, "ccverify verify: %s\n%s%s", why.c_str(), kVerifyUsage, os.str().c_str());
  return kExitUsage;
}

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
  po::positional_options_description pos;
  pos.add("bundle", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Usage(e.what(), desc);
  }
  if (vm.count("help")) {
    std::ostringstream os;
    os << desc;
    std::fputs((std::string(kVerifyUsage) + os.str()).c_str(), stdout);
    return kExitTrusted;
  }
  if (vm.count("batch")) {
    std::ostringstream os;
    os << desc;
    const std::string usage = std::string(kVerifyUsage) + os.str();
    return RunVerifyBatch(vm, CommandHelp{"verify", usage});
  }
  if (vm.count("jobs") || vm.count("shard")) return Usage("--jobs and --shard need --batch", desc);
  if (vm.count("ima-state") != vm.count("state-key")) {
    return Usage("--ima-state and --state-key go together (the state is MAC'd with the key)", desc);
  }
  if (vm["ima-state-fallback"].as<bool>() && !vm.count("ima-state")) {
    return Usage("--ima-state-fallback needs --ima-state", desc);
  }
  auto plan = ReportPlanFromOptions(vm);
  if (!plan.ok()) return Usage(plan.status().message(), desc);
  if ((vm.count("policy-signature") || vm.count("policy-key")) && !vm.count("policy")) {
    return Usage("--policy-signature and --policy-key need --policy", desc);
  }
  if (vm.count("policy-signature") && !vm.count("policy-key")) {
    return Usage("--policy-signature needs --policy-key (the key it must verify with)", desc);
  }

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
    auto p = LoadPolicy(vm, &ctx);
    if (!p.ok()) return fail(p.status());
    pol = std::move(*p);
  }
  auto req = EvidenceFromOptions(vm);
  if (!req.ok()) {
    if (req.status().code() == ErrorCode::kInvalidArgument) {
      (void)WriteErrorReports(*plan, req.status(), ctx);
      return Usage(req.status().message(), desc);
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
    auto sf = LoadImaState(vm["ima-state"].as<std::string>(), vm["state-key"].as<std::string>());
    if (!sf.ok()) return fail(sf.status());
    state_files = std::move(*sf);
    req->options.ima_state = true;
    req->options.ima_resume = state_files->state;
    req->options.ima_resume_fallback = vm["ima-state-fallback"].as<bool>();
  }
  auto v = pipeline::Verify(req->evidence, req->options, pol ? &*pol : nullptr);
  if (!v.ok()) {
    if (state_files && v.status().field() == "ima_state") {
      return fail(v.status().WithFile(state_files->path));
    }
    return fail(v.status());
  }
  if (state_files && v->facts.ima_state_out) {
    // Saved before the reports: a report never names a state that is not there.
    Status saved = WriteFileAtomically(
        state_files->path, replay::SerializeImaState(*v->facts.ima_state_out, state_files->key));
    if (!saved.ok()) return fail(saved);
  } else if (state_files) {
    std::fprintf(stderr, "ccverify: IMA state not saved to %s: %s\n", state_files->path.c_str(),
                 v->facts.ima_present ? "the IMA list is not bound, or a template hash or "
                                        "boot_aggregate failed"
                                      : "the evidence has no IMA list");
  }

  Status written = WriteVerifyReports(*plan, v->facts, v->evaluation, ctx);
  if (!written.ok()) return kExitInput;
  return v->outcome == result::Outcome::kUntrusted ? kExitUntrusted : kExitTrusted;
}

}  // namespace ccv::cli
