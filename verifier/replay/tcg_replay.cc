#include "verifier/replay/tcg_replay.h"

#include <cstring>

#include "parsers/ccel_format.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log_format.h"

namespace ccv::replay {

namespace tf = parsers::tcg_format;
namespace cf = parsers::ccel_format;

TcgReplay::TcgReplay(RegisterSpace space, ReplayOptions options)
    : space_(space), options_(options) {
  for (HashAlg alg : kAllHashAlgs) available_[size_t(alg)] = crypto::HashAlgAvailable(alg);
}

int TcgReplay::Slot(uint32_t index) const {
  if (space_ == RegisterSpace::kTpmPcr) {
    return index <= tf::kMaxPcrIndex ? int(index) : -1;
  }
  if (index >= cf::kMrIndexFirstRtmr && index < cf::kMrIndexFirstRtmr + cf::kNumRtmrs) {
    return int(index - cf::kMrIndexFirstRtmr);
  }
  return -1;
}

Digest TcgReplay::Initial(size_t slot, HashAlg alg) const {
  if (space_ == RegisterSpace::kTpmPcr) {
    if (slot >= 17 && slot <= 22) return Digest::Filled(alg, 0xFF);
    if (slot == 0 && has_startup_locality_) {
      Digest d = Digest::Zero(alg);
      d.bytes[d.len - 1] = startup_locality_;
      return d;
    }
  }
  return Digest::Zero(alg);
}

Digest& TcgReplay::Reg(size_t slot, HashAlg alg) {
  size_t b = size_t(alg);
  if (!(touched_[slot] & (1u << b))) {
    regs_[slot][b] = Initial(slot, alg);
    touched_[slot] |= uint8_t(1u << b);
  }
  return regs_[slot][b];
}

Result<DigestCheck> TcgReplay::Feed(const parsers::TcgEvent& e) {
  ++counts_.records;
  if (e.untrusted_type == parsers::kEvNoAction) {
    ++counts_.no_action;
    checks_.Add(DigestCheck::kNotCheckable);
    // StartupLocality (PFP 10.4.5.3) sets PCR0's initial value.
    if (space_ == RegisterSpace::kTpmPcr && e.untrusted_pcr_index == 0 &&
        e.data.size() == tf::kStartupLocalityLen &&
        std::memcmp(e.data.data(), tf::kStartupLocalitySignature.data(), 16) == 0) {
      uint8_t locality = e.data[16];
      if (touched_[0] != 0) {
        return ParseError(ErrorCode::kBadValue, e.offset, "startup_locality",
                          "StartupLocality record after PCR0 was extended");
      }
      if (locality > 4) {
        return ParseError(ErrorCode::kBadValue, e.data_offset + 16, "startup_locality",
                          "locality " + std::to_string(locality) + " (expected 0..4)");
      }
      startup_locality_ = locality;
      has_startup_locality_ = true;
    }
    return DigestCheck::kNotCheckable;
  }
  int slot = Slot(e.untrusted_pcr_index);
  if (slot < 0) {
    ++counts_.not_replayed;
    checks_.Add(DigestCheck::kNotCheckable);
    return DigestCheck::kNotCheckable;
  }
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e.digests[i].algorithm_id);
    if (!alg || !available_[size_t(*alg)]) {
      ++counts_.unhashable_digests;
      continue;
    }
    hasher_.Extend(&Reg(size_t(slot), *alg), e.digests[i].digest);
  }
  ++counts_.extended;
  DigestCheck c = options_.check_digests ? CheckEventDigest(hasher_, e)
                                         : DigestCheck::kNotCheckable;
  checks_.Add(c);
  return c;
}

Status TcgReplay::Extend(uint32_t index, HashAlg alg, Bytes digest) {
  int slot = Slot(index);
  if (slot < 0) {
    return Status(ErrorCode::kInvalidArgument,
                  "register index " + std::to_string(index) + " is not replayed");
  }
  if (digest.size() != DigestLen(alg)) {
    return Status(ErrorCode::kInvalidArgument, "digest of " + std::to_string(digest.size()) +
                                                   " bytes for " + std::string(HashAlgName(alg)));
  }
  hasher_.Extend(&Reg(size_t(slot), alg), digest);
  return Status::Ok();
}

std::optional<Digest> TcgReplay::Value(uint32_t index, HashAlg alg) const {
  int slot = Slot(index);
  if (slot < 0) return std::nullopt;
  if (touched_[size_t(slot)] & (1u << size_t(alg))) return regs_[size_t(slot)][size_t(alg)];
  return Initial(size_t(slot), alg);
}

RegisterSet TcgReplay::Registers() const {
  RegisterSet set;
  size_t n = space_ == RegisterSpace::kTpmPcr ? kNumRegs : cf::kNumRtmrs;
  for (size_t slot = 0; slot < n; ++slot) {
    if (touched_[slot] == 0) continue;
    std::string name = space_ == RegisterSpace::kTpmPcr ? PcrName(uint32_t(slot))
                                                        : RtmrName(uint32_t(slot));
    for (HashAlg alg : kAllHashAlgs) {
      if (touched_[slot] & (1u << size_t(alg))) set.Set(name, regs_[slot][size_t(alg)]);
    }
  }
  return set;
}

Result<TcgReplayResult> ReplayTcgLog(parsers::ChunkedSource* source, RegisterSpace space,
                                     ReplayOptions options) {
  parsers::TcgEventReader reader(source,
                                 parsers::TcgReadOptions{.ccel = space == RegisterSpace::kCcMr});
  CCV_RETURN_IF_ERROR(reader.Start());
  TcgReplay replay(space, options);
  while (true) {
    CCV_ASSIGN_OR_RETURN(const parsers::TcgEvent* e, reader.Next());
    if (e == nullptr) break;
    CCV_RETURN_IF_ERROR(replay.Feed(*e).status());
  }
  TcgReplayResult r;
  r.format = reader.format();
  r.spec_id = reader.spec_id();
  r.registers = replay.Registers();
  r.counts = replay.counts();
  r.digest_checks = replay.digest_checks();
  r.end = reader.end();
  r.end_offset = reader.end_offset();
  r.trailing_len = reader.trailing_len();
  return r;
}

}  // namespace ccv::replay
