// ccverify tpm verify --attest A --signature S (--ak F [--ak-root F]... |
//                     --hcl-report H [--td-quote Q] [--root-ca PEM])
//                     [--nonce HEX] [--tpm-log L] [--pcrs F] [--at T] [--json]
// (docs/cli.md). Reads the files, replays the log and renders the result of
// tpm::VerifyTpmQuotes, which decides. --attest and --signature repeat in
// pairs, one quote each (one per bank). Exit codes: 0 pass, 1 a check
// failed, 2 usage, 3 input error naming the file and offset.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/crypto/digest.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/tpm_json.h"
#include "verifier/tpm/hcl.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kTpmVerifyUsage =
    "usage: ccverify tpm verify --attest A --signature S --ak F [--ak-root F]...\n"
    "       ccverify tpm verify --attest A --signature S --hcl-report H [--td-quote Q]\n"
    "                           [--nonce HEX] [--tpm-log L] [--pcrs F] [--at T] [--json]\n"
    "  --attest A      TPMS_ATTEST of a TPM2_Quote (repeat with --signature, one per quote)\n"
    "  --signature S   its TPMT_SIGNATURE\n"
    "  --ak F          the AK: TPMT_PUBLIC, PEM/DER public key or X.509 certificate\n"
    "  --ak-root F     trusted issuer(s) of the AK certificate (PEM or DER; repeatable);\n"
    "                  without it the AK given is pinned\n"
    "  --nonce HEX     the expected extraData (qualifying data)\n"
    "  --tpm-log L     TPM event log replayed against the quoted PCRs\n"
    "  --pcrs F        PCR values JSON {\"sha256\": {\"0\": \"hex\", ...}, ...}\n"
    "  --hcl-report H  Azure HCL report: the AK is its runtime data's HCLAkPub, bound by\n"
    "                  SHA-256(runtime data) = REPORTDATA[0:32] of the TD report (replaces --ak)\n"
    "  --td-quote Q    the TD quote whose body must be the HCL report's TD report; its\n"
    "                  signature and PCK chain are checked (no collateral: not the TCB)\n"
    "  --root-ca PEM   trust anchor replacing the Intel SGX Root CA for --td-quote\n"
    "  --at T          time for certificate validity, RFC 3339 (default: now)\n"
    "  --json          print the result as JSON\n";

constexpr uint64_t kMaxSmallFile = 1 << 20;

constexpr CommandHelp kHelp{"tpm verify", kTpmVerifyUsage};

int Usage(const std::string& message) { return UsageError(kHelp, message); }

Result<std::vector<uint8_t>> ReadSmall(const std::string& path) {
  return ReadFileBytes(path, kMaxSmallFile);
}

Result<tpm::PcrValues> ReplayLogPcrs(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::unique_ptr<bundle::FileSource> file, bundle::OpenFileSource(path));
  parsers::ChunkedSource src(file.get());
  auto r = replay::ReplayTcgLog(&src, replay::RegisterSpace::kTpmPcr);
  if (!r.ok()) {
    const Status& s = r.status();
    return s.WithFileIfUnset(path);
  }
  return tpm::PcrValuesFromRegisters(r->registers);
}

struct HclAkResult {
  tpm::Ak ak;
  std::vector<tpm::Check> checks;
  tpm::HclFacts facts;
  tpm::AkTrust trust;
};

// --hcl-report [--td-quote]: the AK of the Azure vTPM and how far it is
// trusted: through the HCL report's binding to a TD quote whose signature
// and PCK chain verify.
Result<HclAkResult> HclAk(const po::variables_map& vm, Time at) {
  const std::string hcl_path = vm["hcl-report"].as<std::string>();
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> hcl, ReadSmall(hcl_path));
  std::optional<parsers::TdReportBody> body;
  tpm::Check sig{"hcl.td_quote_signature", tpm::CheckStatus::kSkipped,
                 "no --td-quote: the HCL report is not bound to an authentic TD"};
  if (vm.count("td-quote")) {
    const std::string q_path = vm["td-quote"].as<std::string>();
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> q, ReadSmall(q_path));
    std::optional<std::string> pem;
    if (vm.count("root-ca")) {
      CCV_ASSIGN_OR_RETURN(std::string text,
                           ReadFileText(vm["root-ca"].as<std::string>(), kMaxSmallFile));
      pem = std::move(text);
    }
    auto anchor = pem ? quote::LoadTrustAnchor(*pem) : quote::LoadTrustAnchor();
    if (!anchor.ok()) return anchor.status().WithContext("trust anchor");
    auto qv = quote::VerifyQuoteWithoutCollateral(q, *anchor, at);
    if (!qv.ok()) return qv.status().WithFile(q_path);
    if (!qv->quote.td_body) {
      return Status(ErrorCode::kBadValue, "not a TDX quote (no TD report body)").WithFile(q_path);
    }
    body = *qv->quote.td_body;
    std::string failed;
    for (const quote::Check& c : qv->checks) {
      if (c.status == quote::CheckStatus::kFail) failed += (failed.empty() ? "" : ", ") + c.id;
    }
    sig.status = failed.empty() ? tpm::CheckStatus::kPass : tpm::CheckStatus::kFail;
    sig.detail = failed.empty() ? "the TD quote's signature, QE report and PCK chain verify "
                                  "(no collateral: TCB status and revocation not checked; "
                                  "use quote verify)"
                                : "the TD quote does not verify: " + failed;
  }
  auto v = tpm::VerifyHclReport(hcl, body ? &*body : nullptr);
  if (!v.ok()) {
    const Status& s = v.status();
    return s.WithFileIfUnset(hcl_path);
  }
  if (!v->runtime.ak) {
    return Status(ErrorCode::kBadValue, "the runtime data holds no HCLAkPub JWK")
        .WithFile(hcl_path)
        .WithField("keys");
  }
  HclAkResult out;
  out.ak = std::move(*v->runtime.ak);
  out.checks = v->checks;
  out.checks.insert(out.checks.begin() + 1, sig);
  const tpm::HclRuntime& rt = v->runtime;
  out.facts.secure_boot = rt.secure_boot;
  out.facts.tpm_enabled = rt.tpm_enabled;
  out.facts.tpm_persisted = rt.tpm_persisted;
  out.facts.console_enabled = rt.console_enabled;
  out.facts.vm_unique_id = rt.vm_unique_id;
  out.facts.runtime_data_sha256 =
      ToHex(crypto::Hash(HashAlg::kSha256, v->report.runtime_data).span());
  bool chain_ok = true;
  for (const tpm::Check& c : out.checks) chain_ok &= c.status == tpm::CheckStatus::kPass;
  out.trust.mode = "hcl";
  out.trust.ok = chain_ok;
  out.trust.detail = chain_ok ? "AK HCLAkPub of the HCL report bound to the verified TD quote"
                              : "AK HCLAkPub not trusted: the HCL report is not bound to a "
                                "verified TD quote (see the hcl.* checks)";
  return out;
}

}  // namespace

int RunTpmVerify(const Args& args) {
  po::options_description opts;
  opts.add_options()("help,h", "")("attest", po::value<std::vector<std::string>>(), "")(
      "signature", po::value<std::vector<std::string>>(), "")("ak", po::value<std::string>(), "")(
      "ak-root", po::value<std::vector<std::string>>(), "")("nonce", po::value<std::string>(), "")(
      "tpm-log", po::value<std::string>(), "")("pcrs", po::value<std::string>(), "")(
      "at", po::value<std::string>(), "")("json", po::bool_switch(), "")(
      "hcl-report", po::value<std::string>(), "")("td-quote", po::value<std::string>(), "")(
      "root-ca", po::value<std::string>(), "");
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, kHelp, opts, &vm)) return *done;
  if (!vm.count("attest")) return Usage("missing --attest");
  if (!vm.count("signature")) return Usage("missing --signature");
  const bool hcl = vm.count("hcl-report") != 0;
  if (!vm.count("ak") && !hcl) return Usage("missing --ak (or --hcl-report)");
  if (vm.count("ak") && hcl) return Usage("--ak and --hcl-report exclude each other");
  if (hcl && vm.count("ak-root")) return Usage("--ak-root applies to --ak, not --hcl-report");
  if (!hcl && (vm.count("td-quote") || vm.count("root-ca"))) {
    return Usage("--td-quote and --root-ca need --hcl-report");
  }
  const auto attest_paths = vm["attest"].as<std::vector<std::string>>();
  const auto sig_paths = vm["signature"].as<std::vector<std::string>>();
  if (attest_paths.size() != sig_paths.size()) {
    return Usage("give one --signature per --attest (" + std::to_string(attest_paths.size()) +
                 " --attest, " + std::to_string(sig_paths.size()) + " --signature)");
  }
  tpm::VerifyOptions options;
  options.at = TimeNow();
  if (vm.count("at")) {
    auto t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return Usage("--at: " + t.status().message());
    options.at = *t;
  }
  if (vm.count("nonce")) {
    auto n = FromHex(vm["nonce"].as<std::string>());
    if (!n.ok()) return Usage("--nonce: " + n.status().message());
    options.nonce = std::move(*n);
  }

  Result<tpm::Ak> ak = Status(ErrorCode::kInternal, "unset");
  std::vector<tpm::Check> hcl_checks;
  std::optional<tpm::HclFacts> hcl_facts;
  if (hcl) {
    auto r = HclAk(vm, options.at);
    if (!r.ok()) return ReportError(r.status());
    ak = std::move(r->ak);
    hcl_checks = std::move(r->checks);
    hcl_facts = std::move(r->facts);
    options.ak_trust = r->trust;
  } else {
    const std::string ak_path = vm["ak"].as<std::string>();
    auto ak_bytes = ReadSmall(ak_path);
    if (!ak_bytes.ok()) return ReportError(ak_bytes.status());
    ak = tpm::LoadAk(*ak_bytes);
    if (!ak.ok()) return ReportError(ak.status().WithFile(ak_path));
  }

  std::vector<crypto::Certificate> roots;
  if (vm.count("ak-root")) {
    for (const std::string& path : vm["ak-root"].as<std::vector<std::string>>()) {
      auto bytes = ReadSmall(path);
      if (!bytes.ok()) return ReportError(bytes.status());
      auto certs = tpm::LoadCertificates(*bytes);
      if (!certs.ok()) return ReportError(certs.status().WithFile(path));
      for (auto& c : *certs) roots.push_back(std::move(c));
    }
  }
  options.ak_roots = roots;

  tpm::PcrValues pcrs;
  if (vm.count("pcrs")) {
    const std::string path = vm["pcrs"].as<std::string>();
    auto text = ReadFileText(path, kMaxSmallFile);
    if (!text.ok()) return ReportError(text.status());
    auto parsed = tpm::ParsePcrValuesJson(*text);
    if (!parsed.ok()) return ReportError(parsed.status().WithFile(path));
    pcrs = std::move(*parsed);
    options.pcrs = &pcrs;
  }
  tpm::PcrValues log_pcrs;
  if (vm.count("tpm-log")) {
    auto replayed = ReplayLogPcrs(vm["tpm-log"].as<std::string>());
    if (!replayed.ok()) return ReportError(replayed.status());
    log_pcrs = std::move(*replayed);
    options.log_pcrs = &log_pcrs;
  }

  std::vector<std::vector<uint8_t>> files;
  files.reserve(2 * attest_paths.size());
  std::vector<tpm::QuoteInput> quotes;
  for (size_t i = 0; i < attest_paths.size(); ++i) {
    for (const std::string* path : {&attest_paths[i], &sig_paths[i]}) {
      auto bytes = ReadSmall(*path);
      if (!bytes.ok()) return ReportError(bytes.status());
      files.push_back(std::move(*bytes));
    }
    quotes.push_back({attest_paths[i], files[2 * i], sig_paths[i], files[2 * i + 1]});
  }

  auto v = tpm::VerifyTpmQuotes(*ak, quotes, options);
  if (!v.ok()) return ReportError(v.status());
  if (hcl) {
    v->checks.insert(v->checks.begin(), hcl_checks.begin(), hcl_checks.end());
    v->hcl = hcl_facts;
    for (const tpm::Check& c : hcl_checks) v->pass &= c.status != tpm::CheckStatus::kFail;
  }
  std::string out =
      vm["json"].as<bool>() ? report::TpmVerificationToJson(*v) : report::TpmVerificationToText(*v);
  std::fwrite(out.data(), 1, out.size(), stdout);
  return v->pass ? kExitTrusted : kExitUntrusted;
}

}  // namespace ccv::cli
