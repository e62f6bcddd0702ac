#include "verifier/replay/tcg_replay.h"

#include <atomic>
#include <cstring>
#include <memory>
#include <vector>

#include "parsers/event_types.h"
#include "parsers/tcg_event_log_format.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/extend_chain.h"
#include "verifier/crypto/ordered_worker.h"

namespace ccv::replay {

namespace tf = parsers::tcg_format;

std::optional<RegisterId> IndexedRegister(RegisterSpace space, uint32_t index) {
  if (space == RegisterSpace::kCcMr) return RegisterId::FromCcMrIndex(index);
  if (index <= tf::kMaxPcrIndex) return RegisterId::Pcr(index);
  return std::nullopt;
}

TcgReplay::TcgReplay(RegisterSpace space, ReplayOptions options)
    : space_(space), options_(options) {
  for (HashAlg alg : kAllHashAlgs) available_[size_t(alg)] = crypto::HashAlgAvailable(alg);
}

int TcgReplay::Slot(uint32_t index) const {
  // A slot per PCR, or per RTMR (MRTD is never extended).
  std::optional<RegisterId> reg = IndexedRegister(space_, index);
  if (!reg || reg->kind == RegisterId::Kind::kMrtd) return -1;
  return int(reg->index);
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
  if (!touched_[slot][b]) {
    regs_[slot][b] = Initial(slot, alg);
    touched_[slot][b] = true;
  }
  return regs_[slot][b];
}

Result<int> TcgReplay::Classify(const parsers::TcgEvent& e) {
  ++counts_.records;
  // A CCEL record replays into RTMR0..3 (MR index 1..4), is an EV_NO_ACTION
  // record (the Spec ID header sits at MR index 0 in early td-shim logs) or
  // sits on the virtual index 0xFFFFFFFF (parsed, never replayed: DESIGN §2;
  // bound to nothing, so never judged). Any other index is an input error.
  if (space_ == RegisterSpace::kCcMr && e.untrusted_pcr_index != tf::kVirtualPcrIndex) {
    std::optional<RegisterId> reg = IndexedRegister(space_, e.untrusted_pcr_index);
    if (!reg ||
        (reg->kind == RegisterId::Kind::kMrtd && e.untrusted_type != parsers::kEvNoAction)) {
      return ParseError(
          ErrorCode::kBadValue, e.offset, "mr_index",
          "CCEL record at MR index " + std::to_string(e.untrusted_pcr_index) +
              ": expected 1..4 (RTMR0..3); MR index 0 (MRTD) holds only EV_NO_ACTION records");
    }
  }
  if (e.untrusted_type == parsers::kEvNoAction) {
    ++counts_.no_action;
    // StartupLocality (PFP 10.4.5.3) sets PCR0's initial value.
    if (space_ == RegisterSpace::kTpmPcr && e.untrusted_pcr_index == 0 &&
        e.data.size() == tf::kStartupLocalityLen &&
        std::memcmp(e.data.data(), tf::kStartupLocalitySignature.data(), 16) == 0) {
      uint8_t locality = e.data[16];
      bool pcr0_extended = false;
      for (bool t : touched_[0]) pcr0_extended |= t;
      if (pcr0_extended) {
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
    return -1;
  }
  int slot = Slot(e.untrusted_pcr_index);
  if (slot < 0) {
    ++counts_.not_replayed;
    return -1;
  }
  ++counts_.extended;
  return slot;
}

Result<DigestCheck> TcgReplay::Feed(const parsers::TcgEvent& e) {
  CCV_ASSIGN_OR_RETURN(EventDataCheck c, FeedImpl(e, /*want_text=*/false));
  return c.status;
}

Result<EventDataCheck> TcgReplay::FeedAndCheck(const parsers::TcgEvent& e) {
  return FeedImpl(e, /*want_text=*/true);
}

Result<EventDataCheck> TcgReplay::FeedImpl(const parsers::TcgEvent& e, bool want_text) {
  CCV_ASSIGN_OR_RETURN(int slot, Classify(e));
  if (slot < 0) {
    checks_.Add(DigestCheck::kNotCheckable);
    return EventDataCheck{};
  }
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e.digests[i].algorithm_id);
    if (!alg || !available_[size_t(*alg)]) {
      ++counts_.unhashable_digests;
      continue;
    }
    crypto::ByteSpan d = e.digests[i].digest;
    crypto::ExtendChain(&Reg(size_t(slot), *alg), std::span<const crypto::ByteSpan>(&d, 1));
  }
  EventDataCheck c;
  if (options_.check_digests) c = CheckEventData(hashers_, e, want_text);
  checks_.Add(c.status, c.convention);
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
  crypto::ByteSpan d = digest;
  crypto::ExtendChain(&Reg(size_t(slot), alg), std::span<const crypto::ByteSpan>(&d, 1));
  return Status::Ok();
}

std::optional<Digest> TcgReplay::Value(uint32_t index, HashAlg alg) const {
  int slot = Slot(index);
  if (slot < 0) return std::nullopt;
  if (touched_[size_t(slot)][size_t(alg)]) return regs_[size_t(slot)][size_t(alg)];
  return Initial(size_t(slot), alg);
}

RegisterSet TcgReplay::Registers() const {
  RegisterSet set;
  size_t n = space_ == RegisterSpace::kTpmPcr ? kNumPcrs : kNumRtmrs;
  for (size_t slot = 0; slot < n; ++slot) {
    bool any = false;
    for (bool t : touched_[slot]) any |= t;
    if (!any) continue;
    RegisterId name = space_ == RegisterSpace::kTpmPcr ? RegisterId::Pcr(uint32_t(slot))
                                                       : RegisterId::Rtmr(uint32_t(slot));
    for (HashAlg alg : kAllHashAlgs) {
      if (touched_[slot][size_t(alg)]) set.Set(name, regs_[slot][size_t(alg)]);
    }
  }
  return set;
}

// Batched replay of a whole log: this thread parses, copies each batch of
// records, and checks event digests with the batch hasher (multi-buffer where
// available); an OrderedWorker extends the registers batch by batch, in
// record order, on a second thread (or inline with one thread). The
// classification (counts, StartupLocality, initial values) happens here, in
// record order, before a batch is handed over, so the worker only extends.
class TcgBatchReplay {
 public:
  static constexpr size_t kMaxBatchRecords = 8192;
  static constexpr size_t kMaxBatchBytes = size_t{4} << 20;

  TcgBatchReplay(TcgReplay* replay, bool threaded)
      : replay_(replay),
        worker_(threaded, /*max_pending=*/3),
        batcher_(&crypto::DefaultBatchHasher()) {
    NewBatch();
  }

  Status Add(const parsers::TcgEvent& e) {
    CCV_ASSIGN_OR_RETURN(int slot, replay_->Classify(e));
    if (slot < 0) {
      replay_->checks_.Add(DigestCheck::kNotCheckable);
      return Status::Ok();
    }
    Batch& b = *batch_;
    // The first digest convention's message, if this type has one.
    std::optional<PrimaryDigestMessage> msg;
    if (replay_->options_.check_digests) msg = PrimaryMessage(e.untrusted_type, e.data);
    uint32_t check_index = kNoCheck;
    if (msg) {
      check_index = uint32_t(b.outcomes.size());
      b.outcomes.push_back(0);
      Checked c;
      c.type = e.untrusted_type;
      c.convention = msg->convention;
      c.required = msg->required;
      c.alternatives = msg->alternatives;
      size_t msg_in_data = size_t(msg->message.data() - e.data.data());
      if (msg->alternatives) {
        // The whole event data, so that Flush() can try the other conventions.
        c.data = {b.arena.size(), e.data.size()};
        b.msg_offsets.push_back({b.arena.size() + msg_in_data, msg->message.size()});
        b.arena.insert(b.arena.end(), e.data.begin(), e.data.end());
      } else {
        b.msg_offsets.push_back({b.arena.size(), msg->message.size()});
        b.arena.insert(b.arena.end(), msg->message.begin(), msg->message.end());
      }
      b.checked.push_back(c);
    } else {
      replay_->checks_.Add(DigestCheck::kNotCheckable);
    }
    for (uint32_t i = 0; i < e.num_digests; ++i) {
      std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e.digests[i].algorithm_id);
      if (!alg || !replay_->available_[size_t(*alg)]) {
        ++replay_->counts_.unhashable_digests;
        continue;
      }
      // Set the initial value before the worker can see this register.
      replay_->Reg(size_t(slot), *alg);
      Bytes d = e.digests[i].digest;
      b.extends.push_back({uint16_t(slot * TcgReplay::kNumBanks + size_t(*alg)), b.arena.size()});
      b.arena.insert(b.arena.end(), d.begin(), d.end());
      if (check_index != kNoCheck) {
        b.checks[size_t(*alg)].push_back({check_index, b.extends.back().offset});
        Checked& c = b.checked.back();
        if (d.size() == DigestLen(*alg) && c.num_banks < c.banks.size()) {
          c.banks[c.num_banks++] = {*alg, b.extends.back().offset};
        }
      }
    }
    if (++b.records >= kMaxBatchRecords || b.arena.size() >= kMaxBatchBytes) Flush();
    return Status::Ok();
  }

  // Hands the last batch over and waits for every extend.
  void Finish() {
    Flush();
    worker_.Wait();
  }

 private:
  static constexpr uint32_t kNoCheck = 0xFFFFFFFF;
  struct Extend {
    uint16_t key;   // slot * kNumBanks + bank
    size_t offset;  // digest bytes in the arena
  };
  struct Check {
    uint32_t outcome;  // index into outcomes
    size_t digest;     // logged digest offset in the arena
  };
  // A record with a digest check: what a re-check with every convention needs.
  struct Checked {
    uint32_t type = 0;
    DigestConvention convention = DigestConvention::kNone;  // of the batched message
    bool required = false;
    bool alternatives = false;
    std::pair<size_t, size_t> data{0, 0};  // whole event data in the arena (alternatives)
    std::array<std::pair<HashAlg, size_t>, TcgReplay::kNumBanks> banks{};  // logged digests
    uint8_t num_banks = 0;
  };
  struct Batch {
    std::vector<uint8_t> arena;
    std::vector<Checked> checked;  // per checked record
    std::vector<Extend> extends;
    std::vector<std::pair<size_t, size_t>> msg_offsets;  // per checked record
    std::vector<uint8_t> outcomes;  // per checked record: bit 0 checked, bit 1 mismatch
    std::array<std::vector<Check>, TcgReplay::kNumBanks> checks;
    size_t records = 0;
  };

  // Reuses a batch the worker has finished with (its buffers keep their
  // capacity: no fresh pages, no page faults per batch), else makes one.
  void NewBatch() {
    for (std::shared_ptr<Batch>& b : pool_) {
      if (b.use_count() == 1) {
        std::atomic_thread_fence(std::memory_order_acquire);
        b->arena.clear();
        b->extends.clear();
        b->msg_offsets.clear();
        b->outcomes.clear();
        b->checked.clear();
        for (auto& c : b->checks) c.clear();
        b->records = 0;
        batch_ = b;
        return;
      }
    }
    pool_.push_back(std::make_shared<Batch>());
    pool_.back()->arena.reserve(kMaxBatchBytes / 4);
    batch_ = pool_.back();
  }

  void Flush() {
    Batch& b = *batch_;
    if (b.records == 0) return;
    // Digest checks: one HashMany per bank over this batch's messages.
    std::vector<crypto::ByteSpan>& msgs = msgs_;
    std::vector<Digest>& out = out_;
    for (HashAlg alg : kAllHashAlgs) {
      const std::vector<Check>& cs = b.checks[size_t(alg)];
      if (cs.empty()) continue;
      msgs.clear();
      for (const Check& c : cs) {
        auto [off, len] = b.msg_offsets[c.outcome];
        msgs.push_back(crypto::ByteSpan(b.arena.data() + off, len));
      }
      out.resize(cs.size());
      batcher_->HashMany(alg, msgs, out.data());
      size_t dlen = DigestLen(alg);
      for (size_t i = 0; i < cs.size(); ++i) {
        bool same = std::memcmp(out[i].bytes.data(), b.arena.data() + cs[i].digest, dlen) == 0;
        b.outcomes[cs[i].outcome] |= uint8_t(same ? 1 : 3);
      }
    }
    for (size_t i = 0; i < b.outcomes.size(); ++i) {
      uint8_t o = b.outcomes[i];
      const Checked& c = b.checked[i];
      if (o & 2) {
        if (c.alternatives) {
          // The first convention failed: try them all on this record.
          std::array<Digest, TcgReplay::kNumBanks> ds;
          for (size_t k = 0; k < c.num_banks; ++k) {
            auto [alg, off] = c.banks[k];
            ds[k] = Digest::Zero(alg);
            std::memcpy(ds[k].bytes.data(), b.arena.data() + off, ds[k].len);
          }
          EventDataCheck r = CheckEventData(
              replay_->hashers_, c.type, Bytes(b.arena.data() + c.data.first, c.data.second),
              std::span<const Digest>(ds.data(), c.num_banks), /*want_text=*/false);
          replay_->checks_.Add(r.status, r.convention);
        } else {
          replay_->checks_.Add(c.required ? DigestCheck::kMismatched : DigestCheck::kNotCheckable);
        }
      } else if (o & 1) {
        replay_->checks_.Add(DigestCheck::kVerified, c.convention);
      } else {
        replay_->checks_.Add(DigestCheck::kNotCheckable);
      }
    }
    // Extends, in record order, on the worker.
    std::shared_ptr<Batch> batch = std::move(batch_);
    batch_.reset();
    TcgReplay* replay = replay_;
    worker_.Submit([batch, replay] {
      // Chains of different registers and banks are independent: group the
      // batch's extends by chain (a stable counting sort keeps each chain's
      // order) and run each chain in one call, which lays out its blocks once.
      constexpr size_t kKeys = TcgReplay::kNumRegs * TcgReplay::kNumBanks;
      thread_local std::vector<crypto::ByteSpan> sorted;
      std::array<size_t, kKeys + 1> start{};
      for (const Extend& x : batch->extends) ++start[x.key + 1];
      for (size_t k = 0; k < kKeys; ++k) start[k + 1] += start[k];
      std::array<size_t, kKeys> at;
      std::copy(start.begin(), start.end() - 1, at.begin());
      sorted.resize(batch->extends.size());
      for (const Extend& x : batch->extends) {
        size_t bank = x.key % TcgReplay::kNumBanks;
        sorted[at[x.key]++] =
            crypto::ByteSpan(batch->arena.data() + x.offset, DigestLen(HashAlg(bank)));
      }
      for (size_t k = 0; k < kKeys; ++k) {
        if (start[k] == start[k + 1]) continue;
        Digest* reg = &replay->regs_[k / TcgReplay::kNumBanks][k % TcgReplay::kNumBanks];
        crypto::ExtendChain(reg, std::span<const crypto::ByteSpan>(sorted).subspan(
                                     start[k], start[k + 1] - start[k]));
      }
    });
    NewBatch();
  }

  TcgReplay* replay_;
  crypto::OrderedWorker worker_;
  crypto::BatchHasher* batcher_;
  std::shared_ptr<Batch> batch_;
  std::vector<std::shared_ptr<Batch>> pool_;
  std::vector<crypto::ByteSpan> msgs_;
  std::vector<Digest> out_;
};

Result<TcgReplayResult> ReplayTcgLog(parsers::ChunkedSource* source, RegisterSpace space,
                                     ReplayOptions options) {
  parsers::TcgEventReader reader(source,
                                 parsers::TcgReadOptions{.ccel = space == RegisterSpace::kCcMr});
  CCV_RETURN_IF_ERROR(reader.Start());
  TcgReplay replay(space, options);
  int threads = options.threads > 0 ? options.threads : crypto::DefaultThreadCount();
  Status error;
  {
    TcgBatchReplay batch(&replay, threads > 1);
    while (true) {
      Result<const parsers::TcgEvent*> e = reader.Next();
      if (!e.ok()) {
        error = e.status();
        break;
      }
      if (*e == nullptr) break;
      error = batch.Add(**e);
      if (!error.ok()) break;
    }
    batch.Finish();
  }
  CCV_RETURN_IF_ERROR(error);
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
