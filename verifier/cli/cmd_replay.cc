// ccverify replay [--ccel F] [--tpm-log F] [--ima F] [--ima-register rtmr2|pcr10]
//                 [--cel F] [--quote Q] [--json]   (docs/cli.md)
//
// Replays each given log from its file (streamed in 1 MiB chunks) and prints
// the registers, the record counts and the event-digest check counts. Exit
// codes: 0 replayed, 2 usage, 3 input error (the message names the file, the
// offset and what was expected). Replay reports; it does not judge: digest
// mismatches are counted, the verdict is `verify`'s.
#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>
#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>

#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "parsers/log_detect.h"
#include "parsers/tcg_event_log.h"
#include "verifier/bundle/evidence.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/cmd_ima.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_json.h"
#include "verifier/report/schema_version.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

// One replayed input. Other log kinds (IMA, CEL) add their own step kinds.
struct LogReplay {
  std::string option;  // "ccel", "tpm_log"
  std::string file;
  replay::TcgReplayResult result;
};

Result<LogReplay> ReplayFile(const std::string& option, const std::string& path,
                             replay::RegisterSpace space) {
  CCV_ASSIGN_OR_RETURN(std::unique_ptr<bundle::FileSource> file, bundle::OpenFileSource(path));
  parsers::ChunkedSource src(file.get());
  CCV_ASSIGN_OR_RETURN(Bytes head, src.Peek(parsers::kDetectPrefixLen));
  if (parsers::DetectTcgFormat(head, file->SizeHint().value_or(head.size())) ==
      parsers::LogFormat::kCcelAcpiTable) {
    return ParseError(ErrorCode::kBadValue, 0, "signature",
                      "this is the 56-byte ACPI CCEL table; expected the log area it "
                      "describes (LAML bytes at LASA)")
        .WithFile(path);
  }
  Result<replay::TcgReplayResult> r = replay::ReplayTcgLog(&src, space);
  if (!r.ok()) {
    Status s = r.status();
    if (s.file().empty()) s = s.WithFile(path);
    return s;
  }
  return LogReplay{option, path, std::move(r).value()};
}

void Merge(const replay::RegisterSet& from, replay::RegisterSet* to) {
  for (const auto& [name, banks] : from.registers()) {
    for (const auto& [alg, d] : banks) to->Set(name, d);
  }
}

std::string EndText(const replay::TcgReplayResult& r) {
  switch (r.end) {
    case parsers::TcgLogEnd::kEndOfData: return "ends at the end of the data";
    case parsers::TcgLogEnd::kPaddingFF:
      return "ends at 0xFF padding at offset " + std::to_string(r.end_offset);
    case parsers::TcgLogEnd::kPaddingZero:
      return "ends at zero padding at offset " + std::to_string(r.end_offset);
    case parsers::TcgLogEnd::kTrailingBytes:
      return "ends with " + std::to_string(r.trailing_len) + " trailing bytes at offset " +
             std::to_string(r.end_offset);
  }
  return "";
}

// Steps after the boot logs: the IMA list, a CEL file, and the quote the
// registers are compared with.
struct LaterSteps {
  std::optional<ImaStep> ima;
  std::optional<CelStep> cel;
  std::optional<replay::RegisterSet> quoted;
};

// Quoted RTMR -> whether the replay gives it (an unextended register is zero).
std::vector<std::pair<std::string, bool>> QuoteMatches(const replay::RegisterSet& regs,
                                                       const replay::RegisterSet& quoted) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [reg, banks] : quoted.registers()) {
    if (reg.kind == RegisterId::Kind::kMrtd) continue;
    for (const auto& [alg, d] : banks) {
      std::optional<Digest> got = regs.Get(reg, alg);
      out.emplace_back(reg.Name(), (got ? *got : Digest::Zero(alg)) == d);
    }
  }
  return out;
}

void PrintText(const std::vector<LogReplay>& logs, const replay::RegisterSet& regs,
               const replay::ReplayCounts& counts, const replay::DigestCheckCounts& checks,
               const LaterSteps& later) {
  for (const LogReplay& l : logs) {
    std::string banks;
    if (l.result.spec_id) {
      for (const parsers::SpecIdAlgorithm& a : l.result.spec_id->algorithms) {
        if (!banks.empty()) banks.push_back('+');
        banks += report::AlgIdName(a.algorithm_id);
      }
    } else {
      banks = "sha1";
    }
    const char* fmt = l.option == "ccel" ? "ccel"
                      : l.result.format == parsers::TcgLogFormat::kSha1 ? "tcg-sha1-legacy"
                                                                       : "tcg2";
    std::printf("%s %s: %s, %s, %llu records, %s\n", l.option == "ccel" ? "--ccel" : "--tpm-log",
                l.file.c_str(), fmt, banks.c_str(),
                static_cast<unsigned long long>(l.result.counts.records),
                EndText(l.result).c_str());
  }
  if (later.ima) PrintImaStepText(*later.ima);
  if (later.cel) PrintCelStepText(*later.cel);
  std::printf("\nregisters:\n");
  if (regs.empty()) std::printf("  (none extended)\n");
  for (const auto& [reg, b] : regs.registers()) {
    for (const auto& [alg, d] : b) {
      std::printf("  %-6s %-7s %s\n", reg.Name().c_str(), std::string(HashAlgName(alg)).c_str(),
                  ToHex(d.span()).c_str());
    }
  }
  std::printf("\nevents: %llu records, %llu extended, %llu EV_NO_ACTION, %llu not replayed\n",
              static_cast<unsigned long long>(counts.records),
              static_cast<unsigned long long>(counts.extended),
              static_cast<unsigned long long>(counts.no_action),
              static_cast<unsigned long long>(counts.not_replayed));
  if (counts.unhashable_digests != 0) {
    std::printf("        %llu digests of banks this build cannot hash were skipped\n",
                static_cast<unsigned long long>(counts.unhashable_digests));
  }
  std::printf("digest checks: %llu verified, %llu mismatched, %llu not checkable\n",
              static_cast<unsigned long long>(checks.verified),
              static_cast<unsigned long long>(checks.mismatched),
              static_cast<unsigned long long>(checks.not_checkable));
  if (later.quoted) {
    std::printf("quote:");
    for (const auto& [name, ok] : QuoteMatches(regs, *later.quoted)) {
      std::printf(" %s %s", name.c_str(), ok ? "matches" : "DIFFERS");
    }
    std::printf("\n");
  }
}

void PrintJson(const std::vector<LogReplay>& logs, const replay::RegisterSet& regs,
               const replay::ReplayCounts& counts, const replay::DigestCheckCounts& checks,
               const LaterSteps& later) {
  char buf[65536];
  rapidjson::FileWriteStream os(stdout, buf, sizeof(buf));
  rapidjson::PrettyWriter<rapidjson::FileWriteStream> w(os);
  w.SetIndent(' ', 1);
  w.StartObject();
  report::WriteSchemaVersion(w);
  w.Key("registers");
  report::WriteRegistersJson(regs, w);
  w.Key("events");
  report::WriteReplayCountsJson(counts, w);
  w.Key("digest_checks");
  report::WriteDigestCheckCountsJson(checks, w);
  w.Key("logs");
  w.StartArray();
  for (const LogReplay& l : logs) {
    w.StartObject();
    w.Key("option");
    report::WriteStr(l.option, w);
    w.Key("file");
    report::WriteStr(l.file, w);
    w.Key("format");
    report::WriteStr(l.option == "ccel" ? "ccel"
                     : l.result.format == parsers::TcgLogFormat::kSha1 ? "tcg-sha1-legacy"
                                                                      : "tcg2",
                     w);
    w.Key("records");
    w.Uint64(l.result.counts.records);
    w.Key("end");
    report::WriteStr(parsers::TcgLogEndName(l.result.end), w);
    w.Key("end_offset");
    w.Uint64(l.result.end_offset);
    if (l.result.trailing_len != 0) {
      w.Key("trailing_bytes");
      w.Uint64(l.result.trailing_len);
    }
    w.Key("digest_checks");
    report::WriteDigestCheckCountsJson(l.result.digest_checks, w);
    w.EndObject();
  }
  if (later.ima) WriteImaStepJson(*later.ima, w);
  if (later.cel) WriteCelStepJson(*later.cel, w);
  w.EndArray();
  if (later.quoted) {
    w.Key("matches_quote");
    w.StartObject();
    for (const auto& [name, ok] : QuoteMatches(regs, *later.quoted)) {
      report::WriteKey(name, w);
      w.Bool(ok);
    }
    w.EndObject();
  }
  w.EndObject();
  os.Put('\n');
  os.Flush();
}

void Usage(FILE* out, const po::options_description& desc) {
  std::fprintf(out,
               "usage: ccverify replay [--ccel F] [--tpm-log F] [--ima F] "
               "[--ima-register rtmr2|pcr10] [--banks B,...] [--cel F] [--quote Q] [--json]\n");
  std::ostringstream s;
  s << desc;
  std::fputs(s.str().c_str(), out);
}

}  // namespace

int RunReplay(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "ccel", po::value<std::string>(), "TDX CCEL log area (MR index 1..4 = RTMR0..3)")(
      "tpm-log", po::value<std::string>(), "TPM event log (binary_bios_measurements)")(
      "ima", po::value<std::string>(),
      "IMA list (ascii or binary_runtime_measurements), replayed after the boot logs")(
      "ima-register", po::value<std::string>(),
      "register IMA extends: pcr10 (TPM) or rtmr2 (cc-api TDX); default from the list")(
      "ima-big-endian", "the IMA list comes from a big-endian kernel (no ima_canonical_fmt)")(
      "banks", po::value<std::string>(),
      "IMA banks to replay, e.g. sha1,sha256,sha384 (default sha1,sha256; rtmr: sha384)")(
      "cel", po::value<std::string>(), "TCG Canonical Event Log (TLV or JSON)")(
      "quote", po::value<std::string>(),
      "TDX quote: compare RTMRs, MRTD for boot_aggregate, IMA entries added after it")(
      "json", "print one JSON document (docs/json.md)");
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "ccverify replay: %s\n", e.what());
    Usage(stderr, desc);
    return kExitUsage;
  }
  if (vm.count("help")) {
    Usage(stdout, desc);
    return kExitTrusted;
  }
  if (!vm.count("ccel") && !vm.count("tpm-log") && !vm.count("ima") && !vm.count("cel")) {
    std::fprintf(stderr,
                 "ccverify replay: give at least one log (--ccel, --tpm-log, --ima or --cel)\n");
    Usage(stderr, desc);
    return kExitUsage;
  }
  std::vector<LogReplay> logs;
  if (vm.count("ccel")) {
    Result<LogReplay> r =
        ReplayFile("ccel", vm["ccel"].as<std::string>(), replay::RegisterSpace::kCcMr);
    if (!r.ok()) return ReportError(r.status());
    logs.push_back(std::move(r).value());
  }
  if (vm.count("tpm-log")) {
    Result<LogReplay> r =
        ReplayFile("tpm_log", vm["tpm-log"].as<std::string>(), replay::RegisterSpace::kTpmPcr);
    if (!r.ok()) return ReportError(r.status());
    logs.push_back(std::move(r).value());
  }
  replay::RegisterSet regs;
  replay::ReplayCounts counts;
  replay::DigestCheckCounts checks;
  for (const LogReplay& l : logs) {
    Merge(l.result.registers, &regs);
    counts.records += l.result.counts.records;
    counts.extended += l.result.counts.extended;
    counts.no_action += l.result.counts.no_action;
    counts.not_replayed += l.result.counts.not_replayed;
    counts.unhashable_digests += l.result.counts.unhashable_digests;
    checks.verified += l.result.digest_checks.verified;
    checks.mismatched += l.result.digest_checks.mismatched;
    checks.not_checkable += l.result.digest_checks.not_checkable;
    for (size_t i = 0; i < checks.by_convention.size(); ++i) {
      checks.by_convention[i] += l.result.digest_checks.by_convention[i];
    }
  }
  LaterSteps later;
  ImaStepOptions ima_opt;
  if (vm.count("ima-register")) {
    Result<RegisterId> reg = bundle::ParseImaRegisterOption(vm["ima-register"].as<std::string>());
    if (!reg.ok()) {
      std::fprintf(stderr, "ccverify replay: %s\n", reg.status().message().c_str());
      return kExitUsage;
    }
    ima_opt.given = *reg;
  }
  ima_opt.tdx = vm.count("ccel") != 0 || vm.count("quote") != 0;
  if (vm.count("banks")) {
    Result<std::vector<HashAlg>> b = ParseBanks(vm["banks"].as<std::string>());
    if (!b.ok()) {
      std::fprintf(stderr, "ccverify replay: %s\n", b.status().message().c_str());
      return kExitUsage;
    }
    ima_opt.banks = *b;
  }
  ima_opt.big_endian = vm.count("ima-big-endian") != 0;
  if (vm.count("quote")) {
    Result<replay::RegisterSet> q = QuoteRegisters(vm["quote"].as<std::string>());
    if (!q.ok()) return ReportError(q.status());
    later.quoted = std::move(q).value();
  }
  if (vm.count("ima")) {
    Result<ImaStep> s = ReplayImaStep(vm["ima"].as<std::string>(), ima_opt, regs,
                                      later.quoted.value_or(replay::RegisterSet()));
    if (!s.ok()) return ReportError(s.status());
    const replay::ImaReplayResult& r = s->result;
    Merge(r.registers, &regs);
    counts.records += r.entries;
    counts.extended += r.entries;
    checks.verified += r.hashes_verified;
    checks.mismatched += r.hashes_mismatched;
    later.ima = std::move(s).value();
  }
  if (vm.count("cel")) {
    Result<CelStep> s = ReplayCelStep(vm["cel"].as<std::string>());
    if (!s.ok()) return ReportError(s.status());
    Merge(s->result.registers, &regs);
    counts.records += s->result.records;
    counts.extended += s->result.records - s->result.not_extended;
    checks.verified += s->result.template_hashes_verified;
    checks.mismatched += s->result.template_hashes_mismatched;
    later.cel = std::move(s).value();
  }
  if (vm.count("json")) {
    PrintJson(logs, regs, counts, checks, later);
  } else {
    PrintText(logs, regs, counts, checks, later);
  }
  if (later.quoted) {
    // A replay that does not reproduce the quote is a finding: exit 1.
    for (const auto& [name, ok] : QuoteMatches(regs, *later.quoted)) {
      if (!ok) return kExitUntrusted;
    }
  }
  return kExitTrusted;
}

}  // namespace ccv::cli
