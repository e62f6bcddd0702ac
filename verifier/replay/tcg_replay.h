// Replay of TCG PC Client logs and the TDX CCEL (DESIGN §2): every register
// starts at zero in every bank, except PCR0 after an EV_NO_ACTION
// StartupLocality record (last byte = locality) and PCR17-22 (all 0xFF);
// EV_NO_ACTION records are never extended; records on the virtual PCR
// 0xFFFFFFFF, on a PCR above 23, or (CCEL) on MR index 0 (MRTD) or above 4
// are parsed but not replayed. Extend: R = H(R || digest) per bank.
//
// TcgReplay is fed records one at a time and can report its registers at any
// point, so a caller can continue from them (e.g. IMA into RTMR2 after the
// CCEL). Digests of banks we cannot hash (an unknown algorithm the Spec ID
// header declares) are counted and skipped. Not thread-safe.
#ifndef CCV_VERIFIER_REPLAY_TCG_REPLAY_H_
#define CCV_VERIFIER_REPLAY_TCG_REPLAY_H_

#include <array>
#include <cstdint>
#include <optional>

#include "parsers/chunked_source.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"
#include "parsers/tcg_event_log.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/register_set.h"

namespace ccv::replay {

// How a record's PCR-index field names a register.
enum class RegisterSpace {
  kTpmPcr,  // PCR 0..23 -> "pcr0".."pcr23"
  kCcMr,    // CC MR index 1..4 -> "rtmr0".."rtmr3" (0 = MRTD, not replayed)
};

// The register a record's PCR-index field names in `space`: PCR0..23, or
// the register of a CC MR index (RegisterId::FromCcMrIndex: MRTD, RTMR0..3).
// nullopt for any other index (the virtual PCR 0xFFFFFFFF, out of range).
std::optional<RegisterId> IndexedRegister(RegisterSpace space, uint32_t index);

struct ReplayCounts {
  uint64_t records = 0;             // every record fed, the Spec ID header included
  uint64_t extended = 0;            // records extended into a register
  uint64_t no_action = 0;           // EV_NO_ACTION records (never extended)
  uint64_t not_replayed = 0;        // virtual PCR, PCR > 23, MRTD or MR index > 4
  uint64_t unhashable_digests = 0;  // digests of banks we cannot hash
};

struct ReplayOptions {
  bool check_digests = true;  // run the event-digest checks
  // ReplayTcgLog only: threads to use (0 = crypto::DefaultThreadCount()).
  // With 2, extend chains run on a background thread while this one parses
  // and batch-hashes the digest checks; results are identical for any value.
  int threads = 0;
};

class TcgReplay {
 public:
  explicit TcgReplay(RegisterSpace space, ReplayOptions options = {});
  TcgReplay(const TcgReplay&) = delete;
  TcgReplay& operator=(const TcgReplay&) = delete;

  // Replays one record. Returns its digest-check outcome. Errors: kBadValue
  // for a StartupLocality record after PCR0 was extended or one with a
  // locality above 4.
  Result<DigestCheck> Feed(const parsers::TcgEvent& event);
  // Feed() that also returns the convention that verified the digest and the
  // text it authenticates (CheckEventData()).
  Result<EventDataCheck> FeedAndCheck(const parsers::TcgEvent& event);

  // Extends register `index` (in this replay's space: PCR number or CC MR
  // index) in bank `alg` with `digest`. Errors: kInvalidArgument for an index
  // outside the space or a digest of the wrong size.
  Status Extend(uint32_t index, HashAlg alg, Bytes digest);

  // Registers touched by at least one extend, named as DESIGN §2.
  RegisterSet Registers() const;
  // Current value of one register (its initial value if never extended).
  std::optional<Digest> Value(uint32_t index, HashAlg alg) const;

  const ReplayCounts& counts() const { return counts_; }
  const DigestCheckCounts& digest_checks() const { return checks_; }
  RegisterSpace space() const { return space_; }

 private:
  static constexpr size_t kNumRegs = kNumPcrs;
  static constexpr size_t kNumBanks = 5;
  friend class TcgBatchReplay;
  // Maps a record's index to a slot, or -1 if it is not replayed.
  int Slot(uint32_t index) const;
  Digest Initial(size_t slot, HashAlg alg) const;
  Digest& Reg(size_t slot, HashAlg alg);
  // The non-extending part of Feed(): counts, StartupLocality. Returns the
  // slot to extend, -1 if none. Errors as Feed().
  Result<int> Classify(const parsers::TcgEvent& event);
  Result<EventDataCheck> FeedImpl(const parsers::TcgEvent& event, bool want_text);

  RegisterSpace space_;
  ReplayOptions options_;
  BankHashers hashers_;
  std::array<std::array<Digest, kNumBanks>, kNumRegs> regs_{};
  // Separate bytes per (register, bank): the batch path's worker thread
  // extends while the parsing thread marks new registers.
  std::array<std::array<bool, kNumBanks>, kNumRegs> touched_{};
  uint8_t startup_locality_ = 0;
  bool has_startup_locality_ = false;
  std::array<bool, kNumBanks> available_{};
  ReplayCounts counts_;
  DigestCheckCounts checks_;
};

// The outcome of replaying a whole log.
struct TcgReplayResult {
  parsers::TcgLogFormat format = parsers::TcgLogFormat::kSha1;
  std::optional<parsers::SpecIdEvent> spec_id;
  RegisterSet registers;
  ReplayCounts counts;
  DigestCheckCounts digest_checks;
  parsers::TcgLogEnd end = parsers::TcgLogEnd::kEndOfData;
  uint64_t end_offset = 0;
  uint64_t trailing_len = 0;
};

// Streams a log from `source` through a TcgReplay, holding no per-event state
// beyond one batch: this thread parses and batch-hashes the digest checks
// (crypto::BatchHasher), a crypto::OrderedWorker runs the extend chains
// (options.threads). `space` kCcMr reads the input as a CCEL log area.
// Errors: the parser's, and Feed()'s.
Result<TcgReplayResult> ReplayTcgLog(parsers::ChunkedSource* source, RegisterSpace space,
                                     ReplayOptions options = {});

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_TCG_REPLAY_H_
