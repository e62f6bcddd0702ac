// ccverify replay [--ccel F] [--tpm-log F] [--ima F] [--ima-register rtmr2|pcr10]
//                 [--cel F] [--json]   (DESIGN §5)
//
// Replays each given log from its file (streamed in 1 MiB chunks) and prints
// the registers, the record counts and the event-digest check counts. The IMA
// list continues from the firmware logs' registers: RTMR2 after the CCEL
// (cc-api TDX kernels) or PCR10 (TPM hosts, whose PCR0-9 from --tpm-log feed
// the boot_aggregate check). IMA template hashes and CEL IMA_TEMPLATE digests
// count as digest checks. Exit
// codes: 0 replayed, 2 usage, 3 input error (the message names the file, the
// offset and what was expected). Replay reports; it does not judge: digest
// mismatches are counted, the verdict is `verify`'s.
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include <boost/program_options.hpp>
#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>

#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "parsers/log_detect.h"
#include "parsers/tcg_event_log.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/file_source.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_json.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

// One replayed TCG-family input.
struct LogReplay {
  std::string option;  // "ccel", "tpm_log"
  std::string file;
  replay::TcgReplayResult result;
};

// Everything the command prints, summed over the inputs.
struct Totals {
  replay::RegisterSet registers;
  replay::ReplayCounts counts;
  replay::DigestCheckCounts checks;
  std::optional<replay::ImaReplayResult> ima;
  std::string ima_file, ima_register;
  std::optional<replay::CelReplayResult> cel;
  std::string cel_file;
};

Result<LogReplay> ReplayFile(const std::string& option, const std::string& path,
                             replay::RegisterSpace space) {
  FileSource storage;
  CCV_ASSIGN_OR_RETURN(FileSource * file, FileSource::Open(path, &storage));
  parsers::ChunkedSource src(file);
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

void PrintText(const std::vector<LogReplay>& logs, const Totals& t) {
  const replay::RegisterSet& regs = t.registers;
  const replay::ReplayCounts& counts = t.counts;
  const replay::DigestCheckCounts& checks = t.checks;
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
  if (t.ima) {
    std::printf("--ima %s: %llu entries into %s, %llu violations, template hashes %llu "
                "verified / %llu mismatched",
                t.ima_file.c_str(), static_cast<unsigned long long>(t.ima->entries),
                t.ima_register.c_str(), static_cast<unsigned long long>(t.ima->violations),
                static_cast<unsigned long long>(t.ima->hashes_verified),
                static_cast<unsigned long long>(t.ima->hashes_mismatched));
    if (t.ima->boot_aggregate.status != replay::CheckStatus::kNotChecked) {
      std::printf(", boot_aggregate %s",
                  std::string(replay::CheckStatusName(t.ima->boot_aggregate.status)).c_str());
    }
    std::printf("\n");
  }
  if (t.cel) {
    std::printf("--cel %s: %llu records, %llu not extended\n", t.cel_file.c_str(),
                static_cast<unsigned long long>(t.cel->records),
                static_cast<unsigned long long>(t.cel->not_extended));
  }
  std::printf("\nregisters:\n");
  if (regs.empty()) std::printf("  (none extended)\n");
  for (const auto& [name, b] : regs.registers()) {
    for (const auto& [alg, d] : b) {
      std::printf("  %-6s %-7s %s\n", name.c_str(), std::string(HashAlgName(alg)).c_str(),
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
}

void PrintJson(const std::vector<LogReplay>& logs, const Totals& t) {
  const replay::RegisterSet& regs = t.registers;
  const replay::ReplayCounts& counts = t.counts;
  const replay::DigestCheckCounts& checks = t.checks;
  char buf[65536];
  rapidjson::FileWriteStream os(stdout, buf, sizeof(buf));
  rapidjson::PrettyWriter<rapidjson::FileWriteStream> w(os);
  w.SetIndent(' ', 1);
  w.StartObject();
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
  if (t.ima) {
    w.StartObject();
    w.Key("option");
    w.String("ima");
    w.Key("file");
    report::WriteStr(t.ima_file, w);
    w.Key("register");
    report::WriteStr(t.ima_register, w);
    w.Key("entries");
    w.Uint64(t.ima->entries);
    w.Key("violations");
    w.Uint64(t.ima->violations);
    w.Key("template_hashes_verified");
    w.Uint64(t.ima->hashes_verified);
    w.Key("template_hashes_mismatched");
    w.Uint64(t.ima->hashes_mismatched);
    w.Key("boot_aggregate");
    report::WriteStr(replay::CheckStatusName(t.ima->boot_aggregate.status), w);
    w.EndObject();
  }
  if (t.cel) {
    w.StartObject();
    w.Key("option");
    w.String("cel");
    w.Key("file");
    report::WriteStr(t.cel_file, w);
    w.Key("records");
    w.Uint64(t.cel->records);
    w.Key("not_extended");
    w.Uint64(t.cel->not_extended);
    w.Key("template_hashes_verified");
    w.Uint64(t.cel->template_hashes_verified);
    w.Key("template_hashes_mismatched");
    w.Uint64(t.cel->template_hashes_mismatched);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  os.Put('\n');
  os.Flush();
}

void Usage(FILE* out, const po::options_description& desc) {
  std::fprintf(out,
               "usage: ccverify replay [--ccel F] [--tpm-log F] [--ima F] "
               "[--ima-register rtmr2|pcr10] [--cel F] [--json]\n");
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
      "ima", po::value<std::string>(), "IMA measurement list (ascii or binary)")(
      "ima-register", po::value<std::string>(),
      "register the IMA list extends: rtmr2 (default with --ccel) or pcr10")(
      "cel", po::value<std::string>(), "Canonical Event Log (TLV or JSON)")(
      "json", "print JSON (DESIGN §5)");
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
  Totals t;
  for (const LogReplay& l : logs) {
    Merge(l.result.registers, &t.registers);
    t.counts.records += l.result.counts.records;
    t.counts.extended += l.result.counts.extended;
    t.counts.no_action += l.result.counts.no_action;
    t.counts.not_replayed += l.result.counts.not_replayed;
    t.counts.unhashable_digests += l.result.counts.unhashable_digests;
    t.checks.verified += l.result.digest_checks.verified;
    t.checks.mismatched += l.result.digest_checks.mismatched;
    t.checks.not_checkable += l.result.digest_checks.not_checkable;
  }
  if (vm.count("ima")) {
    std::string reg = vm.count("ima-register") ? vm["ima-register"].as<std::string>()
                      : vm.count("ccel")       ? "rtmr2"
                                               : "pcr10";
    replay::ImaReplayOptions o;
    if (reg == "rtmr2") {
      o.register_kind = replay::ImaRegisterKind::kRtmr;
    } else if (reg == "pcr10") {
      o.register_kind = replay::ImaRegisterKind::kPcr;
      // TPM hosts: PCR0-9 of the firmware log give boot_aggregate.
      if (vm.count("tpm-log")) o.boot_registers = t.registers;
    } else {
      std::fprintf(stderr, "ccverify replay: --ima-register must be rtmr2 or pcr10\n");
      return kExitUsage;
    }
    // The list continues from the firmware log's value of its register.
    for (const auto& [name, banks] : t.registers.registers()) {
      if (name != reg) continue;
      for (const auto& [alg, d] : banks) o.initial.Set(name, d);
    }
    Result<replay::ImaReplayResult> r =
        replay::ReplayImaFile(vm["ima"].as<std::string>(), ima::ReadOptions{}, o);
    if (!r.ok()) {
      Status st = r.status();
      return ReportError(st.file().empty() ? st.WithFile(vm["ima"].as<std::string>()) : st);
    }
    Merge(r->registers, &t.registers);
    t.counts.records += r->entries;
    t.counts.extended += r->entries;
    t.checks.verified += r->hashes_verified;
    t.checks.mismatched += r->hashes_mismatched;
    t.checks.not_checkable += r->entries - r->hashes_verified - r->hashes_mismatched;
    t.ima = std::move(r).value();
    t.ima_file = vm["ima"].as<std::string>();
    t.ima_register = reg;
  }
  if (vm.count("cel")) {
    const std::string& path = vm["cel"].as<std::string>();
    Result<std::vector<cel::Record>> records = replay::ReadCelFile(path);
    if (!records.ok()) {
      Status st = records.status();
      return ReportError(st.file().empty() ? st.WithFile(path) : st);
    }
    Result<replay::CelReplayResult> r = replay::ReplayCel(*records);
    if (!r.ok()) return ReportError(r.status().WithFile(path));
    Merge(r->registers, &t.registers);
    t.counts.records += r->records;
    t.counts.extended += r->records - r->not_extended;
    t.counts.not_replayed += r->not_extended;
    t.checks.verified += r->template_hashes_verified;
    t.checks.mismatched += r->template_hashes_mismatched;
    t.checks.not_checkable +=
        r->records - r->template_hashes_verified - r->template_hashes_mismatched;
    t.cel = std::move(r).value();
    t.cel_file = path;
  }
  if (vm.count("json")) {
    PrintJson(logs, t);
  } else {
    PrintText(logs, t);
  }
  return kExitTrusted;
}

}  // namespace ccv::cli
