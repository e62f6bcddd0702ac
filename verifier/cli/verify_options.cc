// The evidence flags of `ccverify verify` and `ccverify policy generate`
// (verify_options.h): the bundle, the files that override it, the binding
// and the verification time.
#include "verifier/cli/verify_options.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "policies/time_util.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/bundle/report_data.h"
#include "verifier/collateral/cache.h"
#include "verifier/quote/pck_chain_source.h"

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

}  // namespace ccv::cli
