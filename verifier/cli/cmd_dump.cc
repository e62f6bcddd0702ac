// ccverify dump FILE [--json | --brief] [--register R] [--type T] [--index N[-M]]
//                    [--format F] [--to cel-json|cel-tlv]   (docs/cli.md)
//
// Detects the format of FILE (parsers/log_detect.h), or takes --format, and
// prints the records the filters keep through verifier/report/log_dump.h.
// A TPMS_ATTEST (TPM2_Quote) or an Azure HCL report is recognised by its
// magic and printed whole (decoded, not verified).
// Exit codes: 0 printed, 2 usage, 3 input error (file, offset and what was
// expected are named; the records before the error are printed).
#include <cstdio>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/dstack_log.h"
#include "parsers/hcl_report.h"
#include "parsers/log_detect.h"
#include "parsers/tcg_event_log.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/cmd_ima.h"
#include "verifier/cli/cmd_quote.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/report/dstack_dump.h"
#include "verifier/report/log_dump.h"
#include "verifier/report/tpm_json.h"
#include "verifier/tpm/hcl.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;
using parsers::LogFormat;

// The synopsis names every flag (tests/verifier/cli/help_test.cc).
constexpr char kDumpUsage[] =
    "usage: ccverify dump FILE [--json | --brief] [--register R] [--type T] [--index N[-M]]\n"
    "                          [--format F]\n"
    "       ccverify dump FILE --to cel-json|cel-tlv [--format F]\n";

// A recognised input that is no log (a quote, a TD report, a CCEL table).
bool IsOther(LogFormat f) {
  return f == LogFormat::kTdxQuote || f == LogFormat::kTdReport || f == LogFormat::kCcelAcpiTable;
}

bool IsLog(LogFormat f) {
  return f == LogFormat::kTcg2 || f == LogFormat::kTcgSha1Legacy || f == LogFormat::kCcel ||
         f == LogFormat::kImaAscii || f == LogFormat::kImaBinary || f == LogFormat::kCelTlv ||
         f == LogFormat::kCelJson;
}

int Exit(const Status& s) { return s.ok() ? kExitTrusted : ReportError(s); }

// Writes the log as CEL (--to).
int Convert(const std::string& path, LogFormat format, const std::string& to) {
  switch (format) {
    case LogFormat::kTcg2:
    case LogFormat::kTcgSha1Legacy:
    case LogFormat::kCcel:
      return DumpTcgAsCel(path, format == LogFormat::kCcel, to);
    case LogFormat::kImaAscii:
    case LogFormat::kImaBinary:
      return ConvertImaFile(path, format == LogFormat::kImaAscii, to);
    default:
      return ConvertCelFile(path, to);
  }
}

int Dump(const std::string& path, LogFormat format, parsers::ChunkedSource* src,
         const report::DumpOptions& options) {
  switch (format) {
    case LogFormat::kTdxQuote:
    case LogFormat::kTdReport:
      return DumpQuoteFile(path, options.json);
    case LogFormat::kTcg2:
    case LogFormat::kTcgSha1Legacy:
    case LogFormat::kCcel:
      return Exit(report::DumpTcgLog(path, format, src, options, stdout));
    case LogFormat::kCcelAcpiTable:
      return Exit(report::DumpCcelTable(path, src, options.json, stdout));
    case LogFormat::kImaAscii:
    case LogFormat::kImaBinary:
      return Exit(report::DumpImaLog(path, format, options, stdout));
    case LogFormat::kCelTlv:
    case LogFormat::kCelJson:
      return Exit(report::DumpCelLog(path, format, options, stdout));
    default:
      break;
  }
  if (format == LogFormat::kUnknown) {
    // Say why the TCG reading fails, at its offset, when the data is not
    // recognisably anything else.
    parsers::TcgEventReader reader(src);
    Status s = reader.Start();
    if (s.ok()) {
      s = ParseError(ErrorCode::kBadMagic, 0, "format",
                     "expected a TCG or CCEL log, a CCEL ACPI table, an IMA list, a CEL log, "
                     "a quote or a TD report");
    } else {
      s = s.WithContext("not a recognised log, quote or TD report; read as a TCG log");
    }
    return ReportError(s.WithFile(path));
  }
  return ReportError(
      Status(ErrorCode::kUnsupported, "format " + std::string(parsers::LogFormatName(format)) +
                                          " is recognised but this build cannot dump it")
          .WithFile(path));
}

// TPMS_ATTEST: TPM_GENERATED_VALUE ("\xffTCG") then TPM_ST_ATTEST_QUOTE.
bool LooksLikeTpmAttest(Bytes head) {
  return head.size() >= 6 && head[0] == 0xff && head[1] == 'T' && head[2] == 'C' &&
         head[3] == 'G' && head[4] == 0x80 && head[5] == 0x18;
}

// `dump` of a TPMS_ATTEST or an Azure HCL report (at most 1 MiB).
int DumpTpmStructure(const std::string& path, bool json) {
  auto bytes = ReadFileBytes(path, 1 << 20);
  if (!bytes.ok()) return ReportError(bytes.status());
  std::string out;
  if (parsers::LooksLikeHclReport(*bytes)) {
    auto h = tpm::VerifyHclReport(*bytes, nullptr);
    if (!h.ok()) {
      const Status& s = h.status();
      return ReportError(s.WithFileIfUnset(path));
    }
    out = json ? report::HclReportDumpJson(*h) : report::HclReportDumpText(*h);
  } else {
    auto a = parsers::ParseTpmAttest(*bytes);
    if (!a.ok()) return ReportError(a.status().WithFile(path));
    out = json ? report::TpmAttestDumpJson(*a) : report::TpmAttestDumpText(*a);
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return kExitTrusted;
}

std::optional<std::string> Opt(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<std::string>();
}

}  // namespace

int RunDump(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("json", "print one JSON document")(
      "brief", "one line per record: index, register, type, digest prefix, summary")(
      "register", po::value<std::string>(),
      "only records on this register: pcr0..23, mrtd, rtmr0..3")(
      "type", po::value<std::string>(),
      "only records of this event type (EV_IPL, 0xd) or IMA template (ima-ng)")(
      "index", po::value<std::string>(), "only record N, or records N to M (N-M)")(
      "format", po::value<std::string>(),
      "skip detection: tcg2, tcg-sha1-legacy, ccel, ccel-acpi-table, ima-ascii, ima-binary, "
      "cel-tlv, cel-json, tdx-quote, td-report, dstack-json")(
      "to", po::value<std::string>(), "write the log as CEL to stdout: cel-json or cel-tlv");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>());
  po::options_description all;
  all.add(desc).add(hidden);
  const auto pos = OnePositional("file");
  const OptionsHelp help("dump", kDumpUsage, desc);
  const auto usage = [&help](const std::string& why) { return UsageError(help, why); };
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, all, &vm, &pos)) return *done;
  if (!vm.count("file")) return usage("FILE is missing");
  report::DumpOptions options;
  options.json = vm.count("json") != 0;
  options.brief = vm.count("brief") != 0;
  if (options.json && options.brief) {
    return usage("--brief is a text form: not with --json");
  }
  Result<report::DumpFilter> filter =
      report::ParseDumpFilter(Opt(vm, "register"), Opt(vm, "type"), Opt(vm, "index"));
  if (!filter.ok()) return usage(filter.status().message());
  options.filter = *filter;
  std::optional<LogFormat> forced;
  bool dstack = false;  // a dstack event log: not one of the LogFormat family
  if (std::optional<std::string> name = Opt(vm, "format"); name == report::kDstackFormatName) {
    dstack = true;
  } else if (name) {
    forced = parsers::LogFormatFromName(*name);
    if (!forced || *forced == LogFormat::kUnknown) {
      return usage("unknown format '" + *name + "'");
    }
  }
  std::string to = Opt(vm, "to").value_or("");
  if (!to.empty() && !ValidCelTarget(to)) {
    return usage("--to must be cel-json or cel-tlv");
  }
  if (!to.empty() && (options.json || options.brief || !options.filter.empty())) {
    return usage("--to converts the whole log: not with --json, --brief or filters");
  }
  std::string path = vm["file"].as<std::string>();
  // A regular file only: a FIFO or device would block or never end.
  Result<std::unique_ptr<bundle::FileSource>> file = bundle::OpenFileSource(path);
  if (!file.ok()) return ReportError(file.status());
  parsers::ChunkedSource src(file->get());
  Result<Bytes> head = src.Peek(parsers::kDetectPrefixLen);
  if (!head.ok()) return ReportError(head.status());
  Bytes h = head->first(std::min(head->size(), parsers::kDetectPrefixLen));
  if (dstack || (!forced && dstack::LooksLikeLog(h))) {
    if (!to.empty()) return usage("--to converts TCG, IMA and CEL logs, not a dstack log");
    return Exit(report::DumpDstackLog(path, options, stdout));
  }
  LogFormat format =
      forced.value_or(parsers::DetectFormat(h, (*file)->SizeHint().value_or(h.size())));
  if (!to.empty() && IsOther(format)) {
    return usage("--to converts logs; " + path + " is " +
                 std::string(parsers::LogFormatName(format)) + ", not a log");
  }
  if ((!options.filter.empty() || options.brief) && IsOther(format)) {
    return usage("--brief and filters apply to logs; " + path + " is " +
                 std::string(parsers::LogFormatName(format)));
  }
  if (!to.empty() && IsLog(format)) return Convert(path, format, to);
  if (!forced && format == LogFormat::kUnknown && to.empty()) {
    // The TPM attestation structures: not logs, read whole.
    if (LooksLikeTpmAttest(h) || parsers::LooksLikeHclReport(h)) {
      if (options.brief || !options.filter.empty()) {
        return usage("--brief and filters apply to logs; " + path + " is not a log");
      }
      return DumpTpmStructure(path, options.json);
    }
  }
  return Dump(path, format, &src, options);
}

}  // namespace ccv::cli
