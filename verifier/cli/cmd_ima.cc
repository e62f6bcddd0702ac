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

}  // namespace

bool ValidCelTarget(std::string_view to) { return to == "cel-json" || to == "cel-tlv"; }

int ConvertImaFile(const std::string& path, bool ascii, std::string_view to) {
  ima::ReadOptions ro;
  ro.format = ascii ? ima::LogFormat::kAscii : ima::LogFormat::kBinary;
  ro.listed_hash_alg = ima::ListedHashAlgOfFileName(path);
  Result<ima::ChunkSource> src = replay::FileChunkSource(path);
  if (!src.ok()) return ReportError(src.status());
  ima::LogReader reader(std::move(src).value(), ro);
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

int ConvertCelFile(const std::string& path, std::string_view to) {
  Result<std::vector<cel::Record>> recs = replay::ReadCelFile(path);
  if (!recs.ok()) return ReportError(recs.status());
  return WriteCel(*recs, to);
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
