#include "verifier/pipeline/replay.h"

#include <memory>
#include <string>
#include <utility>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/ima_register.h"
#include "parsers/log_detect.h"
#include "parsers/tdx_quote.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/replay/ima_replay_file.h"
#include "verifier/replay/quote_registers.h"
#include "verifier/tpm/ak.h"
#include "verifier/tpm/pcr_values.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::pipeline {
namespace {

Result<LogReplay> ReplayTcgFile(const std::string& option, const std::string& path,
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
  if (!r.ok()) return r.status().WithFileIfUnset(path);
  return LogReplay{option, path, std::move(r).value()};
}

void Merge(const replay::RegisterSet& from, replay::RegisterSet* to) {
  for (const auto& [name, banks] : from.registers()) {
    for (const auto& [alg, d] : banks) to->Set(name, d);
  }
}

void AddLog(const replay::TcgReplayResult& r, ReplayRun* run) {
  Merge(r.registers, &run->registers);
  run->counts.records += r.counts.records;
  run->counts.extended += r.counts.extended;
  run->counts.no_action += r.counts.no_action;
  run->counts.not_replayed += r.counts.not_replayed;
  run->counts.unhashable_digests += r.counts.unhashable_digests;
  run->checks.verified += r.digest_checks.verified;
  run->checks.mismatched += r.digest_checks.mismatched;
  run->checks.not_checkable += r.digest_checks.not_checkable;
  for (size_t i = 0; i < run->checks.by_convention.size(); ++i) {
    run->checks.by_convention[i] += r.digest_checks.by_convention[i];
  }
}

}  // namespace

Result<ima::LogFormat> DetectImaFile(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
  uint8_t head[64];
  CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
  return ima::DetectLogFormat(Bytes(head, n));
}

const char* ImaFormatName(ima::LogFormat f) {
  return f == ima::LogFormat::kAscii ? "ima-ascii" : "ima-binary";
}

Result<replay::RegisterSet> QuoteFileRegisters(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> data, ReadFileBytes(path));
  Result<parsers::Quote> q = parsers::ParseQuote(data);
  if (!q.ok()) return q.status().WithFile(path);
  Result<replay::RegisterSet> rs = replay::QuoteRegisters(*q);
  if (!rs.ok()) return rs.status().WithFile(path);
  return rs;
}

Result<ImaStep> ReplayImaStep(const std::string& path, const ImaStepOptions& options,
                              const replay::RegisterSet& before,
                              const replay::RegisterSet& quoted) {
  ImaStep step;
  step.file = path;
  CCV_ASSIGN_OR_RETURN(ima::LogFormat format, DetectImaFile(path));
  step.format = ImaFormatName(format);
  ima::ReadOptions ro;
  ro.format = format;
  ro.listed_hash_alg = ima::ListedHashAlgOfFileName(path);  // per-bank lists
  if (options.big_endian) ro.endian = ima::Endian::kBig;
  std::optional<ima::ImaListHead> head;
  if (!options.given) {
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, replay::FileChunkSource(path));
    Result<std::optional<ima::ImaListHead>> h = ima::ReadImaListHead(std::move(probe), ro);
    if (!h.ok()) return h.status().WithFileIfUnset(path);
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
  CCV_ASSIGN_OR_RETURN(step.result, replay::ReplayImaFile(path, ro, opt, false));
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

std::vector<std::pair<std::string, bool>> ReplayRun::QuoteMatches() const {
  std::vector<std::pair<std::string, bool>> out;
  if (!quoted) return out;
  for (const auto& [reg, banks] : quoted->registers()) {
    if (reg.kind == RegisterId::Kind::kMrtd) continue;
    for (const auto& [alg, d] : banks) {
      std::optional<Digest> got = registers.Get(reg, alg);
      out.emplace_back(reg.Name(), (got ? *got : Digest::Zero(alg)) == d);
    }
  }
  return out;
}

bool ReplayRun::ImaSignaturesHold() const {
  return !ima || !ima->signatures ||
         (ima->signatures->failed == 0 && ima->signatures->malformed == 0);
}

bool ReplayRun::RuntimeEventsConsistent() const {
  return !dstack || dstack->log.replay.runtime_mismatched == 0;
}

bool ReplayRun::ReproducesQuote() const {
  for (const auto& [name, ok] : QuoteMatches()) {
    if (!ok) return false;
  }
  for (const TpmQuoteCheck& c : tpm_checks) {
    if (c.status == "fail") return false;
  }
  return true;
}

namespace {

constexpr uint64_t kMaxTpmFile = 1 << 20;

Status CheckTpmQuotes(const ReplayRequest& request, ReplayRun* run) {
  if (request.tpm_quotes.empty()) return Status::Ok();
  if (!request.tpm_ak) {
    return Status(ErrorCode::kInvalidArgument, "--tpm-quote needs the AK (--ak)");
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> ak_bytes, ReadFileBytes(*request.tpm_ak, kMaxTpmFile));
  auto ak = tpm::LoadAk(ak_bytes);
  if (!ak.ok()) return ak.status().WithFile(*request.tpm_ak);
  std::vector<std::vector<uint8_t>> files;
  for (const auto& [attest, sig] : request.tpm_quotes) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> a, ReadFileBytes(attest, kMaxTpmFile));
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> s, ReadFileBytes(sig, kMaxTpmFile));
    files.push_back(std::move(a));
    files.push_back(std::move(s));
  }
  std::vector<tpm::QuoteInput> inputs;
  for (size_t i = 0; i < request.tpm_quotes.size(); ++i) {
    inputs.push_back({request.tpm_quotes[i].first, files[2 * i], request.tpm_quotes[i].second,
                      files[2 * i + 1]});
  }
  tpm::PcrValues replayed = tpm::PcrValuesFromRegisters(run->registers);
  tpm::VerifyOptions o;
  o.nonce = request.tpm_nonce;
  o.log_pcrs = &replayed;
  o.at = TimeNow();
  tpm::AkTrust given;
  given.ok = true;
  given.mode = "pinned";
  given.detail = "the AK given (replay judges no trust)";
  o.ak_trust = given;
  CCV_ASSIGN_OR_RETURN(tpm::TpmVerification v, tpm::VerifyTpmQuotes(*ak, inputs, o));
  for (const tpm::Check& c : v.checks) {
    if (!c.id.starts_with("quote")) continue;
    run->tpm_checks.push_back({c.id, std::string(result::ShortVerdictName(c.status)), c.detail});
  }
  return Status::Ok();
}

}  // namespace

Result<ReplayRun> ReplayLogs(const ReplayRequest& request) {
  ReplayRun run;
  if (request.dstack_log && (request.ccel || request.tpm_log || request.cel)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--dstack-log replays RTMR0-3 from its own boot events: give it without "
                  "--ccel, --tpm-log or --cel");
  }
  if (request.ccel) {
    CCV_ASSIGN_OR_RETURN(LogReplay l,
                         ReplayTcgFile("ccel", *request.ccel, replay::RegisterSpace::kCcMr));
    run.logs.push_back(std::move(l));
  }
  if (request.tpm_log) {
    CCV_ASSIGN_OR_RETURN(
        LogReplay l, ReplayTcgFile("tpm_log", *request.tpm_log, replay::RegisterSpace::kTpmPcr));
    run.logs.push_back(std::move(l));
  }
  for (const LogReplay& l : run.logs) AddLog(l.result, &run);
  if (request.dstack_log) {
    DstackStep step;
    step.file = *request.dstack_log;
    CCV_ASSIGN_OR_RETURN(step.log, replay::ReplayDstackFile(step.file));
    const replay::DstackReplayResult& r = step.log.replay;
    Merge(r.registers, &run.registers);
    run.counts.records += r.events.size();
    for (const replay::DstackEventOutcome& o : r.events) {
      if (o.extended) {
        ++run.counts.extended;
      } else {
        ++run.counts.no_action;
      }
    }
    run.checks.verified += r.boot_checks.verified + r.runtime_verified;
    run.checks.mismatched += r.boot_checks.mismatched + r.runtime_mismatched;
    run.checks.not_checkable += r.boot_checks.not_checkable;
    for (size_t i = 0; i < run.checks.by_convention.size(); ++i) {
      run.checks.by_convention[i] += r.boot_checks.by_convention[i];
    }
    run.dstack = std::move(step);
  }
  if (request.quote) {
    CCV_ASSIGN_OR_RETURN(run.quoted, QuoteFileRegisters(*request.quote));
  }
  if (request.ima) {
    ImaStepOptions options = request.ima_options;
    options.tdx = request.ccel.has_value() || request.quote.has_value();
    CCV_ASSIGN_OR_RETURN(ImaStep s, ReplayImaStep(*request.ima, options, run.registers,
                                                  run.quoted.value_or(replay::RegisterSet())));
    const replay::ImaReplayResult& r = s.result;
    Merge(r.registers, &run.registers);
    run.counts.records += r.entries;
    run.counts.extended += r.entries;
    run.checks.verified += r.hashes_verified;
    run.checks.mismatched += r.hashes_mismatched;
    if (request.ima_keys) {
      CCV_ASSIGN_OR_RETURN(s.keys, crypto::LoadImaKeysFromPath(*request.ima_keys));
      CCV_ASSIGN_OR_RETURN(ima::LogFormat format, DetectImaFile(*request.ima));
      ima::ReadOptions ro;
      ro.format = format;
      ro.listed_hash_alg = ima::ListedHashAlgOfFileName(*request.ima);
      if (options.big_endian) ro.endian = ima::Endian::kBig;
      CCV_ASSIGN_OR_RETURN(s.signatures, replay::CheckImaSignatures(*request.ima, ro, s.keys));
    }
    run.ima = std::move(s);
  }
  if (request.cel) {
    CCV_ASSIGN_OR_RETURN(CelStep s, ReplayCelStep(*request.cel));
    Merge(s.result.registers, &run.registers);
    run.counts.records += s.result.records;
    run.counts.extended += s.result.records - s.result.not_extended;
    run.checks.verified += s.result.template_hashes_verified;
    run.checks.mismatched += s.result.template_hashes_mismatched;
    run.cel = std::move(s);
  }
  CCV_RETURN_IF_ERROR(CheckTpmQuotes(request, &run));
  return run;
}

}  // namespace ccv::pipeline
