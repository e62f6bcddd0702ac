// Replay of an IMA runtime measurement list (DESIGN §2): template-hash
// verification of every entry, register replay from given initial values,
// violations, the boot_aggregate check (ima_boot_aggregate.h) and the search
// for the prefix of the list that a quoted register covers (ima_prefix.h).
// Template hashes: template_hasher.h; lists read from files:
// ima_replay_file.h.
//
// Work is split as DESIGN §7 asks: AddBatch counts a batch and hands it
// (copied, or taken by swap with AddBatchTaking) to an extend stage, which
// runs the serial extend chains; the template hashes are computed with a
// TemplateHasher (batched, multi-buffer by default) in chunks, and the
// checks that need them are made in list order on the calling thread. With
// num_threads > 1 the extend stage has its own thread. The chain of the bank
// of the listed algorithm extends the listed hashes, so it starts as soon as
// a batch is parsed; the extend thread hashes the chunks its other banks
// need and, whenever it has no chain to run, any chunk nobody has started,
// while the caller parses the next batch; the caller then hashes what is
// left of the batch before and checks it. Two threads thus share the work
// whatever its mix: parsing-heavy ascii lists, hashing-heavy binary ones and
// chain-bound RTMR lists alike. Results are the same bit for bit with any
// thread count.
//
// Thread safety: an ImaReplayer is not thread-safe. The TemplateHasher is
// used from two threads at once only if it says it is thread_safe().
#ifndef CCV_VERIFIER_REPLAY_IMA_REPLAY_H_
#define CCV_VERIFIER_REPLAY_IMA_REPLAY_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"
#include "parsers/ima_log.h"
#include "verifier/replay/ima_boot_aggregate.h"
#include "verifier/replay/ima_prefix.h"
#include "verifier/replay/register_set.h"
#include "verifier/replay/template_hasher.h"

namespace ccv::replay {

// The banks an IMA list is replayed into by default: sha384 for an RTMR
// (cc-api TDX kernel), sha1 + sha256 for a PCR (TPM hosts).
std::vector<HashAlg> DefaultImaBanks(RegisterId::Kind kind);

struct ImaReplayOptions {
  // The kind of register an entry's PCR field names: kPcr (TPM hosts,
  // "pcr<N>") or kRtmr (cc-api TDX kernel, "rtmr<N>"). REQUIRES: not kMrtd.
  RegisterId::Kind register_kind = RegisterId::Kind::kPcr;
  // The register index every entry must name in its PCR field (2 for the
  // RTMR2 of a cc-api TDX kernel, 10 for a TPM host's PCR10); an entry that
  // names another is an input error. Unset: any index, replayed as written.
  std::optional<uint32_t> register_index;
  // Banks to replay; empty: DefaultImaBanks(register_kind).
  std::vector<HashAlg> banks;
  // Register values before the first entry (absent: zero), e.g. RTMR2 at the
  // end of the CCEL replay.
  RegisterSet initial;
  // Quoted register values: for each, the replay finds the first N entries
  // whose replay equals it (entries added after the quote are the rest).
  RegisterSet quoted;
  // Boot-time registers for the boot_aggregate check: MRTD, RTMR0..2
  // (kRtmr; RTMR2 before any IMA extend) or PCR0..9 (kPcr; absent PCRs count
  // as zero). Unset: the check is not made.
  std::optional<RegisterSet> boot_registers;
  // Byte order of the template data (ReadOptions::endian of the list).
  ima::Endian endian = ima::Endian::kLittle;
  // Most per-entry findings kept (counts are always complete).
  size_t max_findings = 100;
  // Threads: 1 does everything on the calling thread; 2 or more add the
  // extend thread (which also hashes). 0: the process default
  // (crypto::DefaultThreadCount()). Results do not depend on it.
  int num_threads = 0;
};

struct ImaFinding {
  uint64_t index = 0;
  uint64_t line = 0;  // ascii lists
  uint64_t offset = 0;
  std::string kind;  // "template_hash_mismatch", "boot_aggregate_mismatch"
  std::string detail;
};

struct ImaReplayResult {
  RegisterSet registers;
  uint64_t entries = 0;
  uint64_t violations = 0;
  uint64_t hashes_verified = 0;
  uint64_t hashes_mismatched = 0;
  std::optional<HashAlg> listed_alg;
  std::map<std::string, uint64_t> templates;  // entries per template name
  std::vector<ImaFinding> findings;           // first max_findings
  BootAggregateCheck boot_aggregate;
  std::vector<PrefixMatch> prefix;  // one per quoted register/bank the list extends
};

class ImaReplayer {
 public:
  // `hasher` null: MakeBatchTemplateHasher().
  explicit ImaReplayer(ImaReplayOptions options, std::unique_ptr<TemplateHasher> hasher = nullptr);
  ~ImaReplayer();
  ImaReplayer(const ImaReplayer&) = delete;
  ImaReplayer& operator=(const ImaReplayer&) = delete;

  // Verifies and extends one batch of entries in list order.
  // Errors: kUnsupported for a bank this build cannot hash.
  Status AddBatch(std::span<const ima::Entry> entries);
  // As AddBatch, but takes the entries and the storage of their template
  // data instead of copying them: *entries and *storage are swapped with
  // recycled vectors (their contents on return are unspecified). `storage`
  // must hold every entry's template data (LogReader::TakeTemplateStorage);
  // template names are read only during the call.
  Status AddBatchTaking(std::vector<ima::Entry>* entries, std::vector<uint8_t>* storage);
  // The result so far (registers, counts, checks, prefix matches).
  ImaReplayResult Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads every batch from `reader` and replays it. `on_batch`, if given, sees
// each batch (in list order, on the calling thread) before it is replayed,
// so a caller can take what it needs from the entries in the same pass.
Result<ImaReplayResult> ReplayIma(
    ima::LogReader* reader, const ImaReplayOptions& options,
    const std::function<void(std::span<const ima::Entry>)>& on_batch = nullptr);
// Same over bytes in memory.
Result<ImaReplayResult> ReplayImaBytes(Bytes data, const ima::ReadOptions& read,
                                       const ImaReplayOptions& options);
}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_IMA_REPLAY_H_
