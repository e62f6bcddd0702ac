// ccverify replay [--ccel F] [--tpm-log F] [--json]   (DESIGN §5)
//
// Replays each given log from its file (streamed in 1 MiB chunks) and prints
// the registers, the record counts and the event-digest check counts. Exit
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
#include "parsers/tcg_event_log.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/file_source.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_json.h"

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
  FileSource storage;
  CCV_ASSIGN_OR_RETURN(FileSource * file, FileSource::Open(path, &storage));
  parsers::ChunkedSource src(file);
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

void PrintText(const std::vector<LogReplay>& logs, const replay::RegisterSet& regs,
               const replay::ReplayCounts& counts, const replay::DigestCheckCounts& checks) {
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

void PrintJson(const std::vector<LogReplay>& logs, const replay::RegisterSet& regs,
               const replay::ReplayCounts& counts, const replay::DigestCheckCounts& checks) {
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
  w.EndArray();
  w.EndObject();
  os.Put('\n');
  os.Flush();
}

void Usage(FILE* out, const po::options_description& desc) {
  std::fprintf(out, "usage: ccverify replay [--ccel F] [--tpm-log F] [--json]\n");
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
  if (!vm.count("ccel") && !vm.count("tpm-log")) {
    std::fprintf(stderr, "ccverify replay: give at least one log (--ccel or --tpm-log)\n");
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
  }
  if (vm.count("json")) {
    PrintJson(logs, regs, counts, checks);
  } else {
    PrintText(logs, regs, counts, checks);
  }
  return kExitTrusted;
}

}  // namespace ccv::cli
