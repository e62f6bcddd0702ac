// ccverify replay [--ccel F] [--tpm-log F] [--ima F] [--ima-register rtmr2|pcr10]
//                 [--cel F] [--dstack-log F] [--quote Q] [--tpm-quote ATTEST:SIG]...
//                 [--ak F] [--tpm-nonce HEX] [--json]   (docs/cli.md)
//
// Parses the flags, replays through pipeline::ReplayLogs and prints
// report::ReplayReportText/Json. Exit codes: 0 replayed, 1 a quote was given
// and the replay does not reproduce it (a TPM quote: its signature, nonce or
// PCR digest check fails), or a dstack runtime event's digest is
// not the one its data gives, 2 usage, 3 input error (the message
// names the file, the offset and what was expected).
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/hex.h"
#include "verifier/bundle/evidence.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/pipeline/replay.h"
#include "verifier/report/replay_report.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

// "sha1,sha256" -> banks. Errors: kInvalidArgument naming the bad name.
Result<std::vector<HashAlg>> ParseBanks(std::string_view list) {
  std::vector<HashAlg> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string_view name =
        list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::optional<HashAlg> alg = HashAlgFromName(name);
    if (!alg) {
      return Status(ErrorCode::kInvalidArgument, "--banks: unknown bank '" + std::string(name) +
                                                     "' (sha1, sha256, sha384, sha512, sm3_256)");
    }
    if (std::find(out.begin(), out.end(), *alg) == out.end()) out.push_back(*alg);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

constexpr char kReplayUsage[] =
    "usage: ccverify replay [--ccel F] [--tpm-log F] [--ima F] "
    "[--ima-register rtmr2|pcr10] [--ima-keys K] [--banks B,...] [--cel F]\n"
    "                       [--dstack-log F] [--quote Q] [--tpm-quote ATTEST:SIG]... "
    "[--ak F] [--tpm-nonce HEX] [--json]\n";

std::optional<std::string> Opt(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

}  // namespace

int RunReplay(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("ccel", po::value<std::string>(),
                                                 "TDX CCEL log area (MR index 1..4 = RTMR0..3)")(
      "tpm-log", po::value<std::string>(), "TPM event log (binary_bios_measurements)")(
      "ima", po::value<std::string>(),
      "IMA list (ascii or binary_runtime_measurements), replayed after the boot logs")(
      "ima-register", po::value<std::string>(),
      "register IMA extends: pcr10 (TPM) or rtmr2 (cc-api TDX); default from the list")(
      "ima-big-endian", "the IMA list comes from a big-endian kernel (no ima_canonical_fmt)")(
      "ima-keys", po::value<std::string>(),
      "keys (file or directory: PEM/DER certificates or public keys) to check IMA signatures")(
      "banks", po::value<std::string>(),
      "IMA banks to replay, e.g. sha1,sha256,sha384 (default sha1,sha256; rtmr: sha384)")(
      "cel", po::value<std::string>(), "TCG Canonical Event Log (TLV or JSON)")(
      "dstack-log", po::value<std::string>(),
      "dstack event log (JSON): boot events and RTMR3 runtime events, replays RTMR0-3")(
      "quote", po::value<std::string>(),
      "TDX quote: compare RTMRs, MRTD for boot_aggregate, IMA entries added after it")(
      "tpm-quote", po::value<std::vector<std::string>>(),
      "TPM quote ATTEST:SIG (TPMS_ATTEST and TPMT_SIGNATURE files; repeatable): its PCR digest "
      "against the replayed PCRs")("ak", po::value<std::string>(),
                                   "the AK of --tpm-quote (TPMT_PUBLIC, public key, cert)")(
      "tpm-nonce", po::value<std::string>(), "hex extraData every --tpm-quote must carry")(
      "json", "print one JSON document (docs/json.md)");
  const OptionsHelp help("replay", kReplayUsage, desc);
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm)) return *done;
  pipeline::ReplayRequest req;
  req.ccel = Opt(vm, "ccel");
  req.tpm_log = Opt(vm, "tpm-log");
  req.ima = Opt(vm, "ima");
  req.cel = Opt(vm, "cel");
  req.dstack_log = Opt(vm, "dstack-log");
  req.quote = Opt(vm, "quote");
  req.ima_keys = Opt(vm, "ima-keys");
  if (req.ima_keys && !req.ima) return UsageMessage(help, "--ima-keys needs --ima");
  if (vm.count("tpm-quote")) {
    for (const std::string& q : vm["tpm-quote"].as<std::vector<std::string>>()) {
      size_t colon = q.rfind(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == q.size()) {
        return UsageMessage(help, "--tpm-quote '" + q + "': expected ATTEST:SIG");
      }
      req.tpm_quotes.emplace_back(q.substr(0, colon), q.substr(colon + 1));
    }
    if (!vm.count("ak")) return UsageMessage(help, "--tpm-quote needs --ak");
  }
  req.tpm_ak = Opt(vm, "ak");
  if (vm.count("tpm-nonce")) {
    auto n = FromHex(vm["tpm-nonce"].as<std::string>());
    if (!n.ok()) return UsageMessage(help, "--tpm-nonce: " + n.status().message());
    req.tpm_nonce = std::move(*n);
  }
  if (!req.ccel && !req.tpm_log && !req.ima && !req.cel && !req.dstack_log) {
    return UsageError(help,
                      "give at least one log (--ccel, --tpm-log, --ima, --cel or --dstack-log)");
  }
  if (req.dstack_log && (req.ccel || req.tpm_log || req.cel)) {
    return UsageMessage(help,
                        "--dstack-log replays RTMR0-3 from its own boot events: give it without "
                        "--ccel, --tpm-log or --cel");
  }
  if (vm.count("ima-register")) {
    Result<RegisterId> reg = bundle::ParseImaRegisterOption(vm["ima-register"].as<std::string>());
    if (!reg.ok()) return UsageMessage(help, reg.status().message());
    req.ima_options.given = *reg;
  }
  if (vm.count("banks")) {
    Result<std::vector<HashAlg>> b = ParseBanks(vm["banks"].as<std::string>());
    if (!b.ok()) return UsageMessage(help, b.status().message());
    req.ima_options.banks = *b;
  }
  req.ima_options.big_endian = vm.count("ima-big-endian") != 0;
  Result<pipeline::ReplayRun> run = pipeline::ReplayLogs(req);
  if (!run.ok()) return ReportError(run.status());
  const std::string out =
      vm.count("json") ? report::ReplayReportJson(*run) : report::ReplayReportText(*run);
  std::fwrite(out.data(), 1, out.size(), stdout);
  // A replay that does not reproduce the quote is a finding: exit 1; so is a
  // runtime event whose digest its own data contradicts.
  // An IMA signature that fails or does not decode is a finding too.
  return run->ReproducesQuote() && run->RuntimeEventsConsistent() && run->ImaSignaturesHold()
             ? kExitTrusted
             : kExitUntrusted;
}

}  // namespace ccv::cli
