#include "verifier/report/log_dump.h"

#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <rapidjson/filewritestream.h>
#include <rapidjson/prettywriter.h>

#include "parsers/ccel.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_json.h"
#include "verifier/report/internal/dump_json.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/log_dump_text.h"

namespace ccv::report {

using internal::KeyUint;

namespace {

const std::string* StringField(const EventDetail& d, std::string_view key) {
  for (const EventField& f : d.fields) {
    if (f.key == key) return std::get_if<std::string>(&f.value);
  }
  return nullptr;
}

const EventField* FindField(const EventDetail& d, std::string_view key) {
  for (const EventField& f : d.fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}

// The strongest digest of a record (the longest), for --brief.
Bytes BriefDigest(const parsers::TcgEvent& e) {
  Bytes best;
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    if (e.digests[i].digest.size() > best.size()) best = e.digests[i].digest;
  }
  return best;
}

// Rejects a log that is not in the forced format.
Status CheckForcedFormat(parsers::LogFormat format, const parsers::TcgEventReader& reader) {
  bool agile = reader.format() == parsers::TcgLogFormat::kCryptoAgile;
  if (format == parsers::LogFormat::kTcg2 && !agile) {
    return ParseError(ErrorCode::kBadValue, 0, "format",
                      "expected a crypto-agile (tcg2) log: record 0 is no Spec ID Event03");
  }
  if (format == parsers::LogFormat::kTcgSha1Legacy && agile) {
    return ParseError(ErrorCode::kBadValue, 0, "format",
                      "expected a SHA1-legacy log: record 0 is a Spec ID Event03 header");
  }
  return Status();
}

}  // namespace

std::string EventSummary(const EventDetail& d) {
  auto str = [&](std::string_view key) {
    const std::string* s = StringField(d, key);
    return s ? *s : std::string();
  };
  if (d.kind == "uefi_variable") {
    std::string s = str("unicode_name");
    if (const std::string* t = StringField(d, "text")) return s + " = " + *t;
    if (const std::string* e = StringField(d, "enabled")) return s + " = " + *e;
    if (const std::string* desc = StringField(d, "load_option.description")) {
      return s + " = " + *desc + " " + str("load_option.device_path");
    }
    if (const EventField* order = FindField(d, "boot_order")) {
      std::string list;
      for (const std::string& b : std::get<std::vector<std::string>>(order->value)) {
        list += (list.empty() ? "" : ",") + b;
      }
      return s + " = " + list;
    }
    if (const EventField* sigs = FindField(d, "signatures")) {
      const auto& entries = std::get<std::vector<FieldRecord>>(sigs->value);
      size_t certs = 0;
      std::string first_subject;
      for (const FieldRecord& rec : entries) {
        for (const auto& [k, v] : rec) {
          if (k != "subject") continue;
          if (certs++ == 0) first_subject = v;
        }
      }
      s += ": " + std::to_string(certs) + " x509, " + std::to_string(entries.size() - certs) +
           " other";
      if (!first_subject.empty()) s += " (" + first_subject + (certs > 1 ? ", ..." : "") + ")";
      return s;
    }
    return s;
  }
  if (d.kind == "image_load") return str("device_path");
  if (d.kind == "spec_id" || d.kind == "sp800_155_event") return str("signature");
  for (const EventField& f : d.fields) {
    if (const auto* s = std::get_if<std::string>(&f.value)) return *s;
  }
  return d.error.empty() ? d.kind : "decode error: " + d.error;
}

Status DumpTcgLog(const std::string& path, parsers::LogFormat format,
                  parsers::ChunkedSource* source, const DumpOptions& options, std::FILE* out) {
  const bool ccel = format == parsers::LogFormat::kCcel;
  const bool json = options.json;
  const replay::RegisterSpace space =
      ccel ? replay::RegisterSpace::kCcMr : replay::RegisterSpace::kTpmPcr;
  parsers::TcgEventReader reader(source, parsers::TcgReadOptions{.ccel = ccel});
  replay::BankHashers hasher;
  Status error = reader.Start();
  if (error.ok() && !ccel) error = CheckForcedFormat(format, reader);
  uint64_t records = 0;

  JsonFileStream os(out);
  FastJsonWriter w(os);
  std::string text;
  if (json) {
    internal::BeginDumpJson(w, path, parsers::LogFormatName(format));
    w.Key("events");
    w.StartArray();
  } else if (!options.brief) {
    text = path + ": " + std::string(parsers::LogFormatName(format)) + "\n";
    std::fwrite(text.data(), 1, text.size(), out);
  }
  while (error.ok()) {
    Result<const parsers::TcgEvent*> next = reader.Next();
    if (!next.ok()) {
      error = next.status();
      break;
    }
    const parsers::TcgEvent* e = *next;
    if (e == nullptr) break;
    ++records;
    std::optional<RegisterId> reg = replay::IndexedRegister(space, e->untrusted_pcr_index);
    if (!options.filter.Keeps(reg, e->untrusted_type, "", e->record)) continue;
    EventDetail detail = DescribeEventData(e->untrusted_type, e->data, e->data_offset);
    std::optional<replay::EventDataCheck> check;
    if (e->untrusted_type != parsers::kEvNoAction) check = replay::CheckEventData(hasher, *e);
    if (json) {
      WriteTcgEventJson(*e, space, check ? &*check : nullptr, detail, w);
      continue;
    }
    char label[32];
    std::string_view type = parsers::EventTypeLabel(e->untrusted_type, label);
    if (options.brief) {
      std::string name = reg ? reg->Name() : "idx" + std::to_string(e->untrusted_pcr_index);
      // Decoded data no digest covers must not read like evidence.
      std::string summary = EventSummary(detail);
      if (check && check->status == replay::DigestCheck::kMismatched) {
        summary = "[digest mismatch] " + summary;
      }
      text = BriefLine(e->record, name, type, BriefDigest(*e), summary);
    } else {
      text =
          TcgEventText(*e, ccel, reg ? reg->Name() : "", type, check ? &*check : nullptr, detail);
    }
    std::fwrite(text.data(), 1, text.size(), out);
  }
  if (json) {
    w.EndArray();
    KeyUint(w, "records", records);
    if (error.ok()) {
      internal::KeyString(w, "end", parsers::TcgLogEndName(reader.end()));
      KeyUint(w, "end_offset", reader.end_offset());
      if (reader.trailing_len() != 0) {
        KeyUint(w, "trailing_bytes", reader.trailing_len());
      }
    } else {
      WriteDumpErrorJson(error, path, w);
    }
    w.EndObject();
    os.Put('\n');
    os.Flush();
  } else if (error.ok() && !options.brief) {
    text = "\n" + std::to_string(records) + " records; log " +
           std::string(parsers::TcgLogEndName(reader.end())) + " at offset " +
           std::to_string(reader.end_offset());
    if (reader.trailing_len() != 0) {
      text += " (" + std::to_string(reader.trailing_len()) + " trailing bytes ignored)";
    }
    text += "\n";
    std::fwrite(text.data(), 1, text.size(), out);
  }
  std::fflush(out);
  if (error.ok()) return error;
  return error.WithFileIfUnset(path);
}

Status DumpCcelTable(const std::string& path, parsers::ChunkedSource* source, bool json,
                     std::FILE* out) {
  CCV_ASSIGN_OR_RETURN(Bytes all, source->Peek(4096));
  Result<parsers::CcelAcpiTable> t = parsers::ParseCcelAcpiTable(all);
  if (!t.ok()) return t.status().WithFile(path);
  char lasa[32];
  std::snprintf(lasa, sizeof(lasa), "0x%llx", static_cast<unsigned long long>(t->lasa));
  if (!json) {
    std::fprintf(
        out,
        "%s: ccel-acpi-table\n  signature: CCEL\n  length: %u\n  revision: %u\n"
        "  checksum: 0x%02x (ok)\n  oem_id: %s\n  oem_table_id: %s\n  oem_revision: %u\n"
        "  creator_id: %s\n  creator_revision: 0x%x\n  cc_type: %u (%s)\n  cc_subtype: %u\n"
        "  laml: %llu (log area minimum length)\n  lasa: %s (log area start address)\n",
        path.c_str(), t->length, t->revision, t->checksum, parsers::AcpiIdText(t->oem_id).c_str(),
        parsers::AcpiIdText(t->oem_table_id).c_str(), t->oem_revision,
        parsers::AcpiIdText(t->creator_id).c_str(), t->creator_revision, t->cc_type,
        std::string(parsers::CcTypeName(t->cc_type)).c_str(), t->cc_subtype,
        static_cast<unsigned long long>(t->laml), lasa);
    std::fflush(out);
    return Status();
  }
  char buf[4096];
  rapidjson::FileWriteStream os(out, buf, sizeof(buf));
  rapidjson::PrettyWriter<rapidjson::FileWriteStream> w(os);
  w.SetIndent(' ', 1);
  internal::BeginDumpJson(w, path, "ccel-acpi-table");
  internal::KeyString(w, "signature", AsChars(t->signature));
  KeyUint(w, "length", t->length);
  KeyUint(w, "revision", t->revision);
  w.Key("checksum_ok");
  w.Bool(true);
  internal::KeyString(w, "oem_id", parsers::AcpiIdText(t->oem_id));
  internal::KeyString(w, "oem_table_id", parsers::AcpiIdText(t->oem_table_id));
  KeyUint(w, "oem_revision", t->oem_revision);
  internal::KeyString(w, "creator_id", parsers::AcpiIdText(t->creator_id));
  KeyUint(w, "creator_revision", t->creator_revision);
  KeyUint(w, "cc_type", t->cc_type);
  internal::KeyString(w, "cc_type_name", parsers::CcTypeName(t->cc_type));
  KeyUint(w, "cc_subtype", t->cc_subtype);
  KeyUint(w, "laml", t->laml);
  w.Key("lasa");
  w.String(lasa);
  w.EndObject();
  os.Put('\n');
  os.Flush();
  return Status();
}

}  // namespace ccv::report
