// ccverify dump FILE [--json] [--to cel-json|cel-tlv]   (docs/cli.md)
//
// Detects the format of FILE (parsers/log_detect.h) and prints every record:
// index, offset, register, event type, digests, decoded data and a hex dump
// of the raw data (text), or one JSON document. Logs stream through a 1 MiB
// window. Exit codes: 0 printed, 2 usage, 3 input error (file, offset and
// what was expected are named; the records before the error are printed).
//
// Formats plug in through kDumpers: one entry per LogFormat.
#include <cstdio>
#include <sstream>
#include <string>

#include <boost/program_options.hpp>
#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/writer.h>

#include "parsers/ccel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/log_detect.h"
#include "parsers/tcg_event_log.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/cmd_quote.h"
#include "verifier/cli/cmd_ima.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_detail.h"
#include "verifier/report/event_json.h"
#include "verifier/report/schema_version.h"

namespace ccv::cli {
namespace {

namespace po = boost::program_options;

struct DumpInput {
  std::string path;
  parsers::LogFormat format;
  parsers::ChunkedSource* source;  // positioned at offset 0
  bool json;
  std::string to;  // "", "cel-json" or "cel-tlv": convert instead of printing
};


// Buffered stdout for the text form.
class Out {
 public:
  Out() { std::setvbuf(stdout, nullptr, _IOFBF, size_t{1} << 20); }
  void Str(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }
};

void HexDump(Bytes data, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  char line[96];
  for (size_t i = 0; i < data.size(); i += 16) {
    int n = std::snprintf(line, sizeof(line), "    %08zx  ", i);
    std::string s(line, size_t(n));
    for (size_t j = 0; j < 16; ++j) {
      if (i + j < data.size()) {
        s.push_back(kHex[data[i + j] >> 4]);
        s.push_back(kHex[data[i + j] & 15]);
        s.push_back(' ');
      } else {
        s += "   ";
      }
      if (j == 7) s.push_back(' ');
    }
    s += " |";
    for (size_t j = 0; j < 16 && i + j < data.size(); ++j) {
      uint8_t c = data[i + j];
      s.push_back(c >= 0x20 && c < 0x7f ? char(c) : '.');
    }
    s += "|\n";
    *out += s;
  }
}

void DetailText(const report::EventDetail& d, std::string* out) {
  for (const report::EventField& f : d.fields) {
    *out += "  " + f.key + ": ";
    if (const auto* s = std::get_if<std::string>(&f.value)) {
      *out += *s + "\n";
    } else if (const auto* n = std::get_if<uint64_t>(&f.value)) {
      *out += std::to_string(*n) + "\n";
    } else {
      const auto& list = std::get<std::vector<std::string>>(f.value);
      *out += std::to_string(list.size()) + " entries\n";
      for (const std::string& item : list) *out += "    - " + item + "\n";
    }
  }
  if (!d.error.empty()) *out += "  decode error: " + d.error + "\n";
}

int DumpTcg(const DumpInput& in) {
  bool ccel = in.format == parsers::LogFormat::kCcel;
  if (!in.to.empty()) return DumpTcgAsCel(in.path, ccel, in.to);
  replay::RegisterSpace space = ccel ? replay::RegisterSpace::kCcMr : replay::RegisterSpace::kTpmPcr;
  parsers::TcgEventReader reader(in.source, parsers::TcgReadOptions{.ccel = ccel});
  replay::BankHashers hasher;
  Status error;
  uint64_t records = 0;

  report::JsonFileStream os(stdout);
  report::FastJsonWriter w(os);
  Out out;
  std::string text;
  if (in.json) {
    w.StartObject();
    report::WriteSchemaVersion(w);
    w.Key("file");
    report::WriteStr(in.path, w);
    w.Key("format");
    report::WriteStr(parsers::LogFormatName(in.format), w);
    w.Key("events");
    w.StartArray();
  } else {
    out.Str(in.path + ": " + std::string(parsers::LogFormatName(in.format)) + "\n");
  }
  while (true) {
    Result<const parsers::TcgEvent*> next = reader.Next();
    if (!next.ok()) {
      error = next.status();
      break;
    }
    const parsers::TcgEvent* e = *next;
    if (e == nullptr) break;
    ++records;
    report::EventDetail detail = report::DescribeEventData(e->untrusted_type, e->data, e->data_offset);
    std::optional<replay::EventDataCheck> check;
    if (e->untrusted_type != parsers::kEvNoAction) check = replay::CheckEventData(hasher, *e);
    if (in.json) {
      report::WriteTcgEventJson(*e, space, check ? &*check : nullptr, detail, w);
      continue;
    }
    char label[32];
    std::string reg = report::EventRegisterName(space, e->untrusted_pcr_index);
    char head[160];
    std::snprintf(head, sizeof(head), "\n#%llu  offset %llu (0x%llx)  %s %u%s%s%s  ",
                  static_cast<unsigned long long>(e->record),
                  static_cast<unsigned long long>(e->offset),
                  static_cast<unsigned long long>(e->offset), ccel ? "MR" : "PCR",
                  e->untrusted_pcr_index, reg.empty() ? "" : " (", reg.c_str(),
                  reg.empty() ? "" : ")");
    text.clear();
    text += head;
    text += parsers::EventTypeLabel(e->untrusted_type, label);
    text += "  " + std::to_string(e->data.size()) + " bytes\n";
    for (uint32_t i = 0; i < e->num_digests; ++i) {
      char d[16];
      std::snprintf(d, sizeof(d), "  %-8s", report::AlgIdName(e->digests[i].algorithm_id).c_str());
      text += d;
      AppendHex(e->digests[i].digest, &text);
      text += "\n";
    }
    if (check && check->status != replay::DigestCheck::kNotCheckable) {
      text += "  digest check: " + std::string(replay::DigestCheckName(check->status));
      if (check->status == replay::DigestCheck::kVerified) {
        text += " (" + std::string(replay::DigestConventionName(check->convention)) + ")";
      }
      text += "\n";
      if (!check->verified_text.empty()) text += "  verified text: " + check->verified_text + "\n";
    }
    DetailText(detail, &text);
    if (!e->data.empty()) {
      text += "  data:\n";
      HexDump(e->data, &text);
    }
    out.Str(text);
  }
  if (in.json) {
    w.EndArray();
    w.Key("records");
    w.Uint64(records);
    if (error.ok()) {
      w.Key("end");
      report::WriteStr(parsers::TcgLogEndName(reader.end()), w);
      w.Key("end_offset");
      w.Uint64(reader.end_offset());
      if (reader.trailing_len() != 0) {
        w.Key("trailing_bytes");
        w.Uint64(reader.trailing_len());
      }
    } else {
      w.Key("error");
      w.StartObject();
      w.Key("code");
      report::WriteStr(ErrorCodeName(error.code()), w);
      if (error.offset()) {
        w.Key("offset");
        w.Uint64(*error.offset());
      }
      w.Key("message");
      report::WriteStr(error.WithFile(in.path).ToString(), w);
      w.EndObject();
    }
    w.EndObject();
    os.Put('\n');
    os.Flush();
  } else if (error.ok()) {
    std::string tail = "\n" + std::to_string(records) + " records; log " +
                       std::string(parsers::TcgLogEndName(reader.end())) + " at offset " +
                       std::to_string(reader.end_offset());
    if (reader.trailing_len() != 0) {
      tail += " (" + std::to_string(reader.trailing_len()) + " trailing bytes ignored)";
    }
    out.Str(tail + "\n");
  }
  std::fflush(stdout);
  if (!error.ok()) return ReportError(error.file().empty() ? error.WithFile(in.path) : error);
  return kExitTrusted;
}

int DumpCcelTable(const DumpInput& in) {
  Result<Bytes> all = in.source->Peek(4096);
  if (!all.ok()) return ReportError(all.status());
  Result<parsers::CcelAcpiTable> t = parsers::ParseCcelAcpiTable(*all);
  if (!t.ok()) return ReportError(t.status().WithFile(in.path));
  char lasa[32];
  std::snprintf(lasa, sizeof(lasa), "0x%llx", static_cast<unsigned long long>(t->lasa));
  if (in.json) {
    char buf[4096];
    rapidjson::FileWriteStream os(stdout, buf, sizeof(buf));
    rapidjson::PrettyWriter<rapidjson::FileWriteStream> w(os);
    w.SetIndent(' ', 1);
    w.StartObject();
    report::WriteSchemaVersion(w);
    w.Key("file");
    report::WriteStr(in.path, w);
    w.Key("format");
    w.String("ccel-acpi-table");
    w.Key("signature");
    report::WriteStr(AsChars(t->signature), w);
    w.Key("length");
    w.Uint(t->length);
    w.Key("revision");
    w.Uint(t->revision);
    w.Key("checksum_ok");
    w.Bool(true);
    w.Key("oem_id");
    report::WriteStr(parsers::AcpiIdText(t->oem_id), w);
    w.Key("oem_table_id");
    report::WriteStr(parsers::AcpiIdText(t->oem_table_id), w);
    w.Key("oem_revision");
    w.Uint(t->oem_revision);
    w.Key("creator_id");
    report::WriteStr(parsers::AcpiIdText(t->creator_id), w);
    w.Key("creator_revision");
    w.Uint(t->creator_revision);
    w.Key("cc_type");
    w.Uint(t->cc_type);
    w.Key("cc_type_name");
    report::WriteStr(parsers::CcTypeName(t->cc_type), w);
    w.Key("cc_subtype");
    w.Uint(t->cc_subtype);
    w.Key("laml");
    w.Uint64(t->laml);
    w.Key("lasa");
    w.String(lasa);
    w.EndObject();
    os.Put('\n');
    os.Flush();
  } else {
    std::printf(
        "%s: ccel-acpi-table\n  signature: CCEL\n  length: %u\n  revision: %u\n"
        "  checksum: 0x%02x (ok)\n  oem_id: %s\n  oem_table_id: %s\n  oem_revision: %u\n"
        "  creator_id: %s\n  creator_revision: 0x%x\n  cc_type: %u (%s)\n  cc_subtype: %u\n"
        "  laml: %llu (log area minimum length)\n  lasa: %s (log area start address)\n",
        in.path.c_str(), t->length, t->revision, t->checksum,
        parsers::AcpiIdText(t->oem_id).c_str(), parsers::AcpiIdText(t->oem_table_id).c_str(),
        t->oem_revision, parsers::AcpiIdText(t->creator_id).c_str(), t->creator_revision,
        t->cc_type, std::string(parsers::CcTypeName(t->cc_type)).c_str(), t->cc_subtype,
        static_cast<unsigned long long>(t->laml), lasa);
  }
  return kExitTrusted;
}

int DumpIma(const DumpInput& in) { return DumpImaFile(in.path, in.json, in.to); }
int DumpCel(const DumpInput& in) { return DumpCelFile(in.path, in.json, in.to); }

struct Dumper {
  parsers::LogFormat format;
  int (*dump)(const DumpInput&);
};

// One entry per supported format; other formats add theirs.
int DumpQuoteOrTdReport(const DumpInput& in) {
  return DumpQuoteFile(in.path, in.json);
}

constexpr Dumper kDumpers[] = {
    {parsers::LogFormat::kTdxQuote, DumpQuoteOrTdReport},
    {parsers::LogFormat::kTdReport, DumpQuoteOrTdReport},
    {parsers::LogFormat::kTcg2, DumpTcg},
    {parsers::LogFormat::kTcgSha1Legacy, DumpTcg},
    {parsers::LogFormat::kCcel, DumpTcg},
    {parsers::LogFormat::kCcelAcpiTable, DumpCcelTable},
    {parsers::LogFormat::kImaAscii, DumpIma},
    {parsers::LogFormat::kImaBinary, DumpIma},
    {parsers::LogFormat::kCelTlv, DumpCel},
    {parsers::LogFormat::kCelJson, DumpCel},
};

void Usage(FILE* out, const po::options_description& desc) {
  std::fprintf(out, "usage: ccverify dump FILE [--json] [--to cel-json|cel-tlv]\n");
  std::ostringstream s;
  s << desc;
  std::fputs(s.str().c_str(), out);
}

}  // namespace

int RunDump(const Args& args) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("json", "print one JSON document")(
      "format", po::value<std::string>(),
      "skip detection: tcg2, tcg-sha1-legacy, ccel, ccel-acpi-table, ima-ascii, ima-binary, "
      "cel-tlv, cel-json, tdx-quote, td-report")(
      "to", po::value<std::string>(), "write the log as CEL to stdout: cel-json or cel-tlv");
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>());
  po::options_description all;
  all.add(desc).add(hidden);
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::fprintf(stderr, "ccverify dump: %s\n", e.what());
    Usage(stderr, desc);
    return kExitUsage;
  }
  if (vm.count("help")) {
    Usage(stdout, desc);
    return kExitTrusted;
  }
  if (!vm.count("file")) {
    Usage(stderr, desc);
    return kExitUsage;
  }
  std::string path = vm["file"].as<std::string>();
  // A regular file only: a FIFO or device would block or never end.
  Result<std::unique_ptr<bundle::FileSource>> file = bundle::OpenFileSource(path);
  if (!file.ok()) return ReportError(file.status());
  parsers::ChunkedSource src(file->get());
  Result<Bytes> head = src.Peek(parsers::kDetectPrefixLen);
  if (!head.ok()) return ReportError(head.status());
  Bytes h = head->first(std::min(head->size(), parsers::kDetectPrefixLen));
  parsers::LogFormat format = parsers::DetectFormat(h, (*file)->SizeHint().value_or(h.size()));
  if (vm.count("format")) {
    std::optional<parsers::LogFormat> f = parsers::LogFormatFromName(vm["format"].as<std::string>());
    if (!f) {
      std::fprintf(stderr, "ccverify dump: unknown format '%s'\n",
                   vm["format"].as<std::string>().c_str());
      return kExitUsage;
    }
    format = *f;
  }
  std::string to = vm.count("to") ? vm["to"].as<std::string>() : std::string();
  if (!to.empty() && !ValidCelTarget(to)) {
    std::fprintf(stderr, "ccverify dump: --to must be cel-json or cel-tlv\n");
    return kExitUsage;
  }
  if (!to.empty() && format == parsers::LogFormat::kCcelAcpiTable) {
    std::fprintf(stderr, "ccverify dump: --to converts logs, not a CCEL ACPI table\n");
    return kExitUsage;
  }
  for (const Dumper& d : kDumpers) {
    if (d.format == format) {
      return d.dump(DumpInput{path, format, &src, vm.count("json") != 0, to});
    }
  }
  if (format == parsers::LogFormat::kUnknown) {
    // Say why the TCG reading fails, at its offset, when the data is not
    // recognisably anything else.
    parsers::TcgEventReader reader(&src);
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
  return ReportError(Status(ErrorCode::kUnsupported,
                            "format " + std::string(parsers::LogFormatName(format)) +
                                " is recognised but this build cannot dump it")
                         .WithFile(path));
}

}  // namespace ccv::cli
