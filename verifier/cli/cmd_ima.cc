// `ccverify dump` of IMA lists and CEL files, and conversion of any log to
// CEL (`dump FILE --to cel-json|cel-tlv`).
#include "verifier/cli/cmd_ima.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <rapidjson/filewritestream.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/cel.h"
#include "parsers/cel_format.h"
#include "parsers/chunked_source.h"
#include "parsers/core/hex.h"
#include "parsers/ima_log.h"
#include "parsers/ima_register.h"
#include "parsers/ima_template.h"
#include "parsers/tcg_event_log.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/crypto/digest.h"
#include "verifier/pipeline/replay.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/tcg_to_cel.h"
#include "verifier/report/ima_json.h"
#include "verifier/report/schema_version.h"

namespace ccv::cli {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::FileWriteStream>;

using pipeline::DetectImaFile;
using pipeline::ImaFormatName;

// Writes CEL records to stdout in the `to` encoding.
int WriteCel(const std::vector<cel::Record>& records, std::string_view to) {
  if (to == "cel-tlv") {
    std::vector<uint8_t> b = cel::WriteTlv(records);
    std::fwrite(b.data(), 1, b.size(), stdout);
  } else {
    std::string j = cel::WriteJson(records);
    std::fwrite(j.data(), 1, j.size(), stdout);
  }
  return std::fflush(stdout) == 0 ? kExitTrusted
                                   : ReportError(Status(ErrorCode::kIo, "cannot write stdout"));
}

void WriteError(const Status& s, const std::string& path, JsonWriter& w) {
  w.Key("error");
  w.StartObject();
  w.Key("code");
  std::string_view code = ErrorCodeName(s.code());
  w.String(code.data(), rapidjson::SizeType(code.size()));
  if (s.offset()) {
    w.Key("offset");
    w.Uint64(*s.offset());
  }
  if (s.line()) {
    w.Key("line");
    w.Uint64(*s.line());
  }
  w.Key("message");
  std::string m = (s.file().empty() ? s.WithFile(path) : s).ToString();
  w.String(m.c_str(), rapidjson::SizeType(m.size()));
  w.EndObject();
}

// "verified", "mismatched" or "violation".
const char* HashCheck(crypto::Hasher& h, const ima::Entry& e) {
  if (e.violation()) return "violation";
  return h.Hash(e.listed_hash.alg, e.template_data) == e.listed_hash ? "verified" : "mismatched";
}

}  // namespace

bool ValidCelTarget(std::string_view to) { return to == "cel-json" || to == "cel-tlv"; }

int DumpImaFile(const std::string& path, bool json, std::string_view to) {
  Result<ima::LogFormat> format = DetectImaFile(path);
  if (!format.ok()) return ReportError(format.status());
  Result<ima::ChunkSource> src = replay::FileChunkSource(path);
  if (!src.ok()) return ReportError(src.status());
  ima::ReadOptions ro;
  ro.format = *format;
  ro.listed_hash_alg = ima::ListedHashAlgOfFileName(path);
  ima::LogReader reader(std::move(src).value(), ro);
  if (!to.empty()) {
    // The register kind follows the list (the cc-api TDX form becomes CCMR
    // records); a first entry that does not parse fails the conversion below.
    Result<std::optional<ima::ImaListHead>> head =
        ima::ReadImaListHead(replay::FileChunkSource(path).value(), ro);
    const RegisterId::Kind kind =
        ima::ImaRegisterOf(std::nullopt, /*tdx=*/false, head.ok() ? *head : std::nullopt).kind;
    Result<std::vector<cel::Record>> recs = replay::ImaToCel(&reader, kind);
    if (!recs.ok()) return ReportError(recs.status().WithFile(path));
    return WriteCel(*recs, to);
  }
  crypto::Hasher hasher;
  std::vector<ima::Entry> batch;
  std::vector<ima::DecodedField> fields;
  Status error;
  uint64_t records = 0;
  char jbuf[65536];
  rapidjson::FileWriteStream os(stdout, jbuf, sizeof(jbuf));
  JsonWriter w(os);
  std::string text;
  if (json) {
    w.StartObject();
    report::WriteSchemaVersion(w);
    w.Key("file");
    w.String(path.c_str(), rapidjson::SizeType(path.size()));
    w.Key("format");
    w.String(ImaFormatName(*format));
    w.Key("entries");
    w.StartArray();
  } else {
    std::printf("%s: %s\n", path.c_str(), ImaFormatName(*format));
  }
  for (;;) {
    error = reader.NextBatch(&batch);
    if (!error.ok() || batch.empty()) break;
    for (const ima::Entry& e : batch) {
      ++records;
      Status ds = ima::DecodeTemplateDataInto(e.template_name, e.template_data,
                                              e.template_data_offset, ro.endian, &fields);
      if (!ds.ok()) fields.clear();
      const char* check = HashCheck(hasher, e);
      if (json) {
        w.StartObject();
        w.Key("index");
        w.Uint64(e.index);
        if (e.line != 0) {
          w.Key("line");
          w.Uint64(e.line);
        }
        w.Key("offset");
        w.Uint64(e.offset);
        w.Key("pcr");
        w.Uint(e.pcr);
        w.Key("template_hash");
        std::string th = ToHex(e.listed_hash.span());
        w.String(th.c_str(), rapidjson::SizeType(th.size()));
        w.Key("template_hash_check");
        w.String(check);
        w.Key("template");
        w.String(e.template_name.data(), rapidjson::SizeType(e.template_name.size()));
        w.Key("fields");
        report::WriteImaFieldsJson(fields, w);
        w.EndObject();
        continue;
      }
      char head[96];
      std::snprintf(head, sizeof(head), "\n#%llu  %s %llu  index %u  ",
                    static_cast<unsigned long long>(e.index), e.line ? "line" : "offset",
                    static_cast<unsigned long long>(e.line ? e.line : e.offset), e.pcr);
      text = head;
      text += std::string(e.template_name) + "  " +
              std::string(HashAlgName(e.listed_hash.alg)) + ":" + ToHex(e.listed_hash.span()) +
              "  (" + check + ")\n";
      for (size_t i = 0; i < fields.size(); ++i) {
        const ima::DecodedField& f = fields[i];
        std::string name = f.id == ima::FieldId::kUnknown
                               ? "field" + std::to_string(i)
                               : std::string(ima::GetFieldInfo(f.id).name);
        text += "  " + name + ": " +
                (f.id == ima::FieldId::kUnknown ? ToHex(f.raw) : report::ImaFieldText(f)) + "\n";
      }
      std::fwrite(text.data(), 1, text.size(), stdout);
    }
  }
  if (json) {
    w.EndArray();
    w.Key("records");
    w.Uint64(records);
    if (!error.ok()) WriteError(error, path, w);
    w.EndObject();
    os.Put('\n');
    os.Flush();
  } else if (error.ok()) {
    std::printf("\n%llu entries\n", static_cast<unsigned long long>(records));
  }
  std::fflush(stdout);
  if (!error.ok()) return ReportError(error.file().empty() ? error.WithFile(path) : error);
  return kExitTrusted;
}

int DumpCelFile(const std::string& path, bool json, std::string_view to) {
  Result<std::vector<cel::Record>> recs = replay::ReadCelFile(path);
  if (!recs.ok()) return ReportError(recs.status());
  if (!to.empty()) return WriteCel(*recs, to);
  if (json) {
    // {"schema_version", "file", "format", "records": [CEL-JSON records]}.
    uint8_t head[64];
    size_t n = 0;
    if (Result<ima::ChunkSource> probe = replay::FileChunkSource(path); probe.ok()) {
      Result<size_t> got = (*probe)(head);
      if (got.ok()) n = *got;
    }
    bool tlv = cel::DetectEncoding(Bytes(head, n)) == cel::Encoding::kTlv;
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    w.String(path.c_str(), rapidjson::SizeType(path.size()));
    std::string j = cel::WriteJson(*recs);
    std::printf("{\"schema_version\":\"%s\",\"file\":%s,\"format\":\"%s\",\"records\":%s}\n",
                report::kJsonSchemaVersion, sb.GetString(), tlv ? "cel-tlv" : "cel-json",
                j.substr(0, j.size() - 1).c_str());
    std::fflush(stdout);
    return kExitTrusted;
  }
  std::printf("%s: CEL, %zu records\n", path.c_str(), recs->size());
  for (const cel::Record& r : *recs) {
    const char* kind = r.index_type == cel::IndexType::kPcr       ? "pcr"
                       : r.index_type == cel::IndexType::kNvIndex ? "nv_index"
                                                                  : "ccmr";
    std::printf("\n#%llu  %s %u", static_cast<unsigned long long>(r.recnum), kind, r.index);
    if (r.content_type != 0) {
      std::string_view n = cel::ContentTypeName(r.content_type);
      if (n.empty()) {
        std::printf("  content type %u (%zu bytes)", r.content_type, r.content.size());
      } else {
        std::printf("  %.*s", int(n.size()), n.data());
      }
    }
    std::printf("\n");
    for (const Digest& d : r.digests) {
      std::printf("  %-8s %s\n", std::string(HashAlgName(d.alg)).c_str(), ToHex(d.span()).c_str());
    }
    if (r.content_type == cel::kContentPcClientStd) {
      std::printf("  event_type: 0x%08x, event_data: %zu bytes\n", r.event_type, r.event_data.size());
    } else if (r.content_type == cel::kContentImaTemplate) {
      std::printf("  template: %s, template_data: %zu bytes\n", r.template_name.c_str(),
                  r.template_data.size());
    }
  }
  return kExitTrusted;
}

int DumpTcgAsCel(const std::string& path, bool ccel, std::string_view to) {
  Result<std::unique_ptr<bundle::FileSource>> file = bundle::OpenFileSource(path);
  if (!file.ok()) return ReportError(file.status());
  parsers::ChunkedSource src(file->get());
  parsers::TcgEventReader reader(&src, parsers::TcgReadOptions{.ccel = ccel});
  Result<replay::TcgCelConversion> cel = replay::ConvertTcgToCel(&reader, ccel);
  if (!cel.ok()) return ReportError(cel.status().WithFile(path));
  if (cel->num_mismatched != 0) {
    std::fprintf(stderr,
                 "ccverify dump: %s: %zu record(s) whose digest is not the hash of their data "
                 "(%s): not converted, a CEL must not hide them\n",
                 path.c_str(), cel->num_mismatched, cel->mismatched.c_str());
    return kExitUntrusted;
  }
  return WriteCel(cel->records, to);
}

}  // namespace ccv::cli
