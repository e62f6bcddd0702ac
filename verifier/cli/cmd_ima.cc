#include "verifier/cli/cmd_ima.h"
#include "verifier/replay/digest_check.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include <rapidjson/filewritestream.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/cel.h"
#include "parsers/cel_format.h"
#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/ima_log.h"
#include "parsers/ima_register.h"
#include "parsers/ima_template.h"
#include "parsers/tcg_event_log.h"
#include "parsers/tcg_event_log_format.h"
#include "parsers/tdx_quote.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/crypto/digest.h"
#include "verifier/report/schema_version.h"

namespace ccv::cli {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::FileWriteStream>;

Result<ima::LogFormat> DetectImaFile(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
  uint8_t head[64];
  CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
  return ima::DetectLogFormat(Bytes(head, n));
}

const char* ImaFormatName(ima::LogFormat f) {
  return f == ima::LogFormat::kAscii ? "ima-ascii" : "ima-binary";
}

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
  std::vector<cel::Record> out;
  // A conversion never upgrades trust: a record whose digest should hash its
  // data but matches no known convention is refused, not laundered into a
  // file that looks clean.
  replay::BankHashers hashers;
  std::string mismatched;
  size_t num_mismatched = 0;
  for (;;) {
    Result<const parsers::TcgEvent*> next = reader.Next();
    if (!next.ok()) return ReportError(next.status().WithFile(path));
    const parsers::TcgEvent* e = *next;
    if (e == nullptr) break;
    if (replay::CheckEventDigest(hashers, *e) == replay::DigestCheck::kMismatched &&
        ++num_mismatched <= 10) {
      mismatched += (mismatched.empty() ? "#" : ", #") + std::to_string(e->record);
    }
    if (e->untrusted_type == parsers::kEvNoAction) continue;
    if (!ccel && e->untrusted_pcr_index > parsers::tcg_format::kMaxPcrIndex) continue;
    cel::Record r;
    r.recnum = out.size();
    r.index_type = ccel ? cel::IndexType::kCcmr : cel::IndexType::kPcr;
    r.index = e->untrusted_pcr_index;
    for (uint32_t i = 0; i < e->num_digests; ++i) {
      std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e->digests[i].algorithm_id);
      if (!alg || e->digests[i].digest.size() != DigestLen(*alg)) continue;
      Digest d = Digest::Zero(*alg);
      std::copy(e->digests[i].digest.begin(), e->digests[i].digest.end(), d.bytes.begin());
      r.digests.push_back(d);
    }
    if (r.digests.empty()) continue;
    r.content_type = cel::kContentPcClientStd;
    r.event_type = e->untrusted_type;
    r.event_data.assign(e->data.begin(), e->data.end());
    out.push_back(std::move(r));
  }
  if (num_mismatched != 0) {
    std::fprintf(stderr,
                 "ccverify dump: %s: %zu record(s) whose digest is not the hash of their data "
                 "(%s): not converted, a CEL must not hide them\n",
                 path.c_str(), num_mismatched, mismatched.c_str());
    return kExitUntrusted;
  }
  return WriteCel(out, to);
}

Result<replay::RegisterSet> QuoteRegisters(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> data, ReadFileBytes(path));
  Result<parsers::Quote> q = parsers::ParseQuote(data);
  if (!q.ok()) return q.status().WithFile(path);
  if (!q->IsTdx()) return Status(ErrorCode::kBadValue, "not a TDX quote").WithFile(path);
  replay::RegisterSet rs;
  auto set = [&](RegisterId reg, const parsers::Measurement& m) {
    Digest d = Digest::Zero(HashAlg::kSha384);
    std::copy(m.begin(), m.end(), d.bytes.begin());
    rs.Set(reg, d);
  };
  set(RegisterId::Mrtd(), q->td_body->mr_td);
  for (uint32_t i = 0; i < kNumRtmrs; ++i) set(RegisterId::Rtmr(i), q->td_body->rtmr[i]);
  return rs;
}

Result<std::vector<HashAlg>> ParseBanks(std::string_view list) {
  std::vector<HashAlg> out;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    std::string_view name =
        list.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    std::optional<HashAlg> alg = HashAlgFromName(name);
    if (!alg) {
      return Status(ErrorCode::kInvalidArgument,
                    "--banks: unknown bank '" + std::string(name) +
                        "' (sha1, sha256, sha384, sha512, sm3_256)");
    }
    if (std::find(out.begin(), out.end(), *alg) == out.end()) out.push_back(*alg);
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

Result<ImaStep> ReplayImaStep(const std::string& path, const ImaStepOptions& options,
                              const replay::RegisterSet& before,
                              const replay::RegisterSet& quoted) {
  const bool big_endian = options.big_endian;
  ImaStep step;
  step.file = path;
  CCV_ASSIGN_OR_RETURN(ima::LogFormat format, DetectImaFile(path));
  step.format = ImaFormatName(format);
  ima::ReadOptions ro;
  ro.format = format;
  ro.listed_hash_alg = ima::ListedHashAlgOfFileName(path);  // per-bank lists
  if (big_endian) ro.endian = ima::Endian::kBig;
  std::optional<ima::ImaListHead> head;
  if (!options.given) {
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
    Result<std::optional<ima::ImaListHead>> h = ima::ReadImaListHead(std::move(probe), ro);
    if (!h.ok()) return h.status().file().empty() ? h.status().WithFile(path) : h.status();
    head = *h;
  }
  const RegisterId reg = ima::ImaRegisterOf(options.given, options.tdx, head);
  step.kind = reg.kind;
  replay::ImaReplayOptions opt;
  opt.register_kind = reg.kind;
  if (options.given) opt.register_index = reg.index;
  opt.endian = ro.endian;
  opt.banks = options.banks;
  opt.initial = before;
  replay::RegisterSet boot = before;
  if (auto mrtd = quoted.registers().find(RegisterId::Mrtd()); mrtd != quoted.registers().end()) {
    for (const auto& [alg, d] : mrtd->second) boot.Set(RegisterId::Mrtd(), d);
  }
  if (!boot.empty()) opt.boot_registers = boot;
  opt.quoted = quoted;
  Result<replay::ImaReplayResult> r = replay::ReplayImaFile(path, ro, opt, false);
  if (!r.ok()) return r.status();
  step.result = std::move(r).value();
  return step;
}

Result<CelStep> ReplayCelStep(const std::string& path) {
  CelStep step;
  step.file = path;
  uint8_t head[64];
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
  CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
  std::optional<cel::Encoding> enc = cel::DetectEncoding(Bytes(head, n));
  step.format = enc == cel::Encoding::kJson ? "cel-json" : "cel-tlv";
  CCV_ASSIGN_OR_RETURN(std::vector<cel::Record> recs, replay::ReadCelFile(path));
  CCV_ASSIGN_OR_RETURN(step.result, replay::ReplayCel(recs));
  return step;
}

void PrintImaStepText(const ImaStep& s) {
  const replay::ImaReplayResult& r = s.result;
  std::string templates;
  for (const auto& [name, n] : r.templates) {
    templates += (templates.empty() ? "" : ", ") + name + " " + std::to_string(n);
  }
  std::printf("--ima %s: %s, %llu entries (%s), template hashes %s, register kind %s\n",
              s.file.c_str(), s.format.c_str(), static_cast<unsigned long long>(r.entries),
              templates.c_str(),
              r.listed_alg ? std::string(HashAlgName(*r.listed_alg)).c_str() : "-",
              s.kind == RegisterId::Kind::kRtmr ? "rtmr" : "pcr");
  std::printf("  template hashes: %llu verified, %llu mismatched; %llu violations\n",
              static_cast<unsigned long long>(r.hashes_verified),
              static_cast<unsigned long long>(r.hashes_mismatched),
              static_cast<unsigned long long>(r.violations));
  const replay::BootAggregateCheck& b = r.boot_aggregate;
  if (b.present) {
    std::printf("  boot_aggregate (entry %llu, %s): %s%s%s\n",
                static_cast<unsigned long long>(b.index), b.algo.c_str(),
                std::string(replay::CheckStatusName(b.status)).c_str(),
                b.form.empty() ? "" : (" (" + b.form + ")").c_str(),
                b.why.empty() ? "" : (": " + b.why).c_str());
    if (b.status == replay::CheckStatus::kMismatch) {
      std::printf("    listed   %s\n    expected %s\n", b.listed.c_str(), b.expected.c_str());
    }
  }
  for (const replay::PrefixMatch& p : r.prefix) {
    std::printf("  quote %s\n", p.Describe().c_str());
  }
  for (const replay::ImaFinding& f : r.findings) {
    std::printf("  entry %llu (%s %llu): %s: %s\n", static_cast<unsigned long long>(f.index),
                f.line ? "line" : "offset",
                static_cast<unsigned long long>(f.line ? f.line : f.offset), f.kind.c_str(),
                f.detail.c_str());
  }
}

void PrintCelStepText(const CelStep& s) {
  std::printf("--cel %s: %s, %llu records (%llu not extended)", s.file.c_str(), s.format.c_str(),
              static_cast<unsigned long long>(s.result.records),
              static_cast<unsigned long long>(s.result.not_extended));
  if (s.result.template_hashes_verified + s.result.template_hashes_mismatched != 0) {
    std::printf(", IMA template hashes %llu verified, %llu mismatched",
                static_cast<unsigned long long>(s.result.template_hashes_verified),
                static_cast<unsigned long long>(s.result.template_hashes_mismatched));
  }
  std::printf("\n");
}

}  // namespace ccv::cli
