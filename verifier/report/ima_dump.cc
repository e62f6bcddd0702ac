// IMA lists and CEL files for `ccverify dump` (log_dump.h).
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/filewritestream.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/cel.h"
#include "parsers/cel_format.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/ima_log.h"
#include "parsers/ima_register.h"
#include "parsers/ima_template.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"
#include "verifier/report/event_json.h"
#include "verifier/report/ima_json.h"
#include "verifier/report/internal/dump_json.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/log_dump.h"
#include "verifier/report/log_dump_text.h"

namespace ccv::report {

using internal::KeyUint;

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::FileWriteStream>;

// "verified", "mismatched" or "violation".
const char* HashCheck(crypto::Hasher& h, const ima::Entry& e) {
  if (e.violation()) return "violation";
  return h.Hash(e.listed_hash.alg, e.template_data) == e.listed_hash ? "verified" : "mismatched";
}

std::optional<RegisterId> Valid(RegisterId r) {
  if (r.kind == RegisterId::Kind::kPcr && r.index >= kNumPcrs) return std::nullopt;
  if (r.kind == RegisterId::Kind::kRtmr && r.index >= kNumRtmrs) return std::nullopt;
  return r;
}

std::string FieldName(const ima::DecodedField& f, size_t i) {
  return f.id == ima::FieldId::kUnknown ? "field" + std::to_string(i)
                                        : std::string(ima::GetFieldInfo(f.id).name);
}

// The file path of an entry (n-ng, n), else its first field.
std::string ImaSummary(const std::vector<ima::DecodedField>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string name = FieldName(fields[i], i);
    if (name == "n-ng" || name == "n") return ImaFieldText(fields[i]);
  }
  return fields.empty() ? std::string() : ImaFieldText(fields[0]);
}

Bytes Strongest(const std::vector<Digest>& digests) {
  Bytes best;
  for (const Digest& d : digests) {
    if (d.span().size() > best.size()) best = d.span();
  }
  return best;
}

}  // namespace

Status DumpImaLog(const std::string& path, parsers::LogFormat format, const DumpOptions& options,
                  std::FILE* out) {
  ima::ReadOptions ro;
  ro.format =
      format == parsers::LogFormat::kImaAscii ? ima::LogFormat::kAscii : ima::LogFormat::kBinary;
  ro.listed_hash_alg = ima::ListedHashAlgOfFileName(path);
  // The register kind follows the list (the cc-api TDX form names RTMRs).
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
  Result<std::optional<ima::ImaListHead>> head = ima::ReadImaListHead(std::move(probe), ro);
  const RegisterId::Kind kind =
      ima::ImaRegisterOf(std::nullopt, /*tdx=*/false, head.ok() ? *head : std::nullopt).kind;
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource src, replay::FileChunkSource(path));
  ima::LogReader reader(std::move(src), ro);
  crypto::Hasher hasher;
  std::vector<ima::Entry> batch;
  std::vector<ima::DecodedField> fields;
  Status error;
  uint64_t records = 0;
  char jbuf[65536];
  rapidjson::FileWriteStream os(out, jbuf, sizeof(jbuf));
  JsonWriter w(os);
  const std::string format_name(parsers::LogFormatName(format));
  std::string text;
  if (options.json) {
    internal::BeginDumpJson(w, path, format_name);
    w.Key("events");
    w.StartArray();
  } else if (!options.brief) {
    std::fprintf(out, "%s: %s\n", path.c_str(), format_name.c_str());
  }
  for (;;) {
    error = reader.NextBatch(&batch);
    if (!error.ok() || batch.empty()) break;
    for (const ima::Entry& e : batch) {
      ++records;
      std::optional<RegisterId> reg = Valid(RegisterId{kind, e.pcr});
      if (!options.filter.Keeps(reg, std::nullopt, e.template_name, e.index)) continue;
      Status ds = ima::DecodeTemplateDataInto(e.desc, e.template_data, e.template_data_offset,
                                              ro.endian, &fields);
      if (!ds.ok()) fields.clear();
      const char* check = HashCheck(hasher, e);
      if (options.json) {
        w.StartObject();
        KeyUint(w, "index", e.index);
        if (e.line != 0) {
          KeyUint(w, "line", e.line);
        }
        KeyUint(w, "offset", e.offset);
        KeyUint(w, "pcr", e.pcr);
        internal::KeyString(w, "template_hash", ToHex(e.listed_hash.span()));
        w.Key("template_hash_check");
        w.String(check);
        internal::KeyString(w, "template", e.template_name);
        w.Key("fields");
        WriteImaFieldsJson(fields, w);
        w.EndObject();
        continue;
      }
      if (options.brief) {
        std::string name = reg ? reg->Name() : "idx" + std::to_string(e.pcr);
        text = BriefLine(e.index, name, e.template_name, e.listed_hash.span(), ImaSummary(fields));
        std::fwrite(text.data(), 1, text.size(), out);
        continue;
      }
      char line[96];
      std::snprintf(line, sizeof(line), "\n#%llu  %s %llu  index %u  ",
                    static_cast<unsigned long long>(e.index), e.line ? "line" : "offset",
                    static_cast<unsigned long long>(e.line ? e.line : e.offset), e.pcr);
      text = line;
      text += std::string(e.template_name) + "  " + std::string(HashAlgName(e.listed_hash.alg)) +
              ":" + ToHex(e.listed_hash.span()) + "  (" + check + ")\n";
      for (size_t i = 0; i < fields.size(); ++i) {
        const ima::DecodedField& f = fields[i];
        text += "  " + FieldName(f, i) + ": " +
                (f.id == ima::FieldId::kUnknown ? ToHex(f.raw) : ImaFieldText(f)) + "\n";
      }
      std::fwrite(text.data(), 1, text.size(), out);
    }
  }
  if (options.json) {
    w.EndArray();
    KeyUint(w, "records", records);
    if (!error.ok()) WriteDumpErrorJson(error, path, w);
    w.EndObject();
    os.Put('\n');
    os.Flush();
  } else if (error.ok() && !options.brief) {
    std::fprintf(out, "\n%llu entries\n", static_cast<unsigned long long>(records));
  }
  std::fflush(out);
  if (error.ok()) return error;
  return error.WithFileIfUnset(path);
}

Status DumpCelLog(const std::string& path, parsers::LogFormat format, const DumpOptions& options,
                  std::FILE* out) {
  CCV_ASSIGN_OR_RETURN(InputFile f, InputFile::Open(path));
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> data, f.ReadAll(uint64_t{1} << 30));
  const bool tlv = format == parsers::LogFormat::kCelTlv;
  Result<std::vector<cel::Record>> parsed =
      tlv ? cel::ParseTlv(data)
          : cel::ParseJson(AsChars(Bytes(data)), cel::JsonOptions{parsers::EventTypeFromName});
  if (!parsed.ok()) {
    Status s = parsed.status();
    if (!s.offset() && !s.line()) s = s.WithOffset(0);
    return s.WithContext(tlv ? "read as cel-tlv" : "read as cel-json").WithFile(path);
  }
  std::vector<cel::Record> kept;
  std::string text;
  for (cel::Record& r : *parsed) {
    std::optional<RegisterId> reg;
    if (r.index_type == cel::IndexType::kPcr) reg = Valid(RegisterId::Pcr(r.index));
    if (r.index_type == cel::IndexType::kCcmr) reg = RegisterId::FromCcMrIndex(r.index);
    const bool tcg = r.content_type == cel::kContentPcClientStd;
    if (!options.filter.Keeps(reg, tcg ? std::optional<uint32_t>(r.event_type) : std::nullopt,
                              r.template_name, r.recnum)) {
      continue;
    }
    if (options.brief) {
      char label[32];
      std::string type =
          tcg ? std::string(parsers::EventTypeLabel(r.event_type, label)) : r.template_name;
      if (type.empty()) type = cel::ContentTypeName(r.content_type);
      std::string summary;
      if (tcg) {
        summary = EventSummary(DescribeEventData(r.event_type, r.event_data, 0));
      } else if (r.content_type == cel::kContentImaTemplate) {
        std::vector<ima::DecodedField> fields;
        if (ima::DecodeTemplateDataInto(r.template_name, r.template_data, 0, ima::Endian::kLittle,
                                        &fields)
                .ok()) {
          summary = ImaSummary(fields);
        }
      }
      std::string name = reg ? reg->Name()
                         : r.index_type == cel::IndexType::kNvIndex
                             ? "nv" + std::to_string(r.index)
                             : "idx" + std::to_string(r.index);
      text = BriefLine(r.recnum, name, type.empty() ? "-" : type, Strongest(r.digests), summary);
      std::fwrite(text.data(), 1, text.size(), out);
      continue;
    }
    kept.push_back(std::move(r));
  }
  if (options.brief) return Status();
  if (options.json) {
    // {"schema_version", "file", "format", "events": [CEL-JSON records], "records"}.
    rapidjson::StringBuffer sb;
    rapidjson::Writer<rapidjson::StringBuffer> w(sb);
    internal::JsonString(w, path);
    std::string j = cel::WriteJson(kept);
    std::fprintf(out,
                 "{\"schema_version\":\"%s\",\"file\":%s,\"format\":\"%s\",\"events\":%s,"
                 "\"records\":%zu}\n",
                 kJsonSchemaVersion, sb.GetString(), tlv ? "cel-tlv" : "cel-json",
                 j.substr(0, j.size() - 1).c_str(), parsed->size());
    std::fflush(out);
    return Status();
  }
  std::fprintf(out, "%s: CEL, %zu records\n", path.c_str(), parsed->size());
  for (const cel::Record& r : kept) {
    const char* kind = r.index_type == cel::IndexType::kPcr       ? "pcr"
                       : r.index_type == cel::IndexType::kNvIndex ? "nv_index"
                                                                  : "ccmr";
    std::fprintf(out, "\n#%llu  %s %u", static_cast<unsigned long long>(r.recnum), kind, r.index);
    if (r.content_type != 0) {
      std::string_view n = cel::ContentTypeName(r.content_type);
      if (n.empty()) {
        std::fprintf(out, "  content type %u (%zu bytes)", r.content_type, r.content.size());
      } else {
        std::fprintf(out, "  %.*s", int(n.size()), n.data());
      }
    }
    std::fprintf(out, "\n");
    for (const Digest& d : r.digests) {
      std::fprintf(out, "  %-8s %s\n", std::string(HashAlgName(d.alg)).c_str(),
                   ToHex(d.span()).c_str());
    }
    if (r.content_type == cel::kContentPcClientStd) {
      std::fprintf(out, "  event_type: 0x%08x, event_data: %zu bytes\n", r.event_type,
                   r.event_data.size());
    } else if (r.content_type == cel::kContentImaTemplate) {
      std::fprintf(out, "  template: %s, template_data: %zu bytes\n", r.template_name.c_str(),
                   r.template_data.size());
    }
  }
  std::fflush(out);
  return Status();
}

}  // namespace ccv::report
