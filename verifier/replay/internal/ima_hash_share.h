// Module-private part of the IMA replay's two-thread pipeline
// (ima_replay.h): the per-entry work of one batch that does not depend on
// list order, done in chunks by whichever thread takes the next one.
#ifndef CCV_VERIFIER_REPLAY_INTERNAL_IMA_HASH_SHARE_H_
#define CCV_VERIFIER_REPLAY_INTERNAL_IMA_HASH_SHARE_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/ima_log.h"
#include "verifier/replay/template_hasher.h"

namespace ccv::replay::internal {

// Entries hashed per grab of the shared cursor: enough for the multi-buffer
// lanes, small enough for the two threads to finish a batch together.
inline constexpr size_t kHashChunk = 256;

// Template hashes, their comparison with the listed hash, the values to
// extend, the boot_aggregate filter. A thread touches the batch (its job)
// only for a chunk it took, and the extend thread waits for every chunk
// taken before it finishes the job and hands it back for reuse, so the job
// outlives every use even if the caller, late, finds nothing left.
struct HashShare {
  // Per-entry outcome bits.
  static constexpr uint8_t kViolation = 1, kMismatch = 2, kBootAggregate = 4;

  std::span<const ima::Entry> entries;
  std::span<const Bytes> datas;
  std::vector<HashAlg> algs;            // banks, then the listed alg if not a bank
  std::vector<std::span<Digest>> outs;  // per algorithm
  size_t listed_slot = 0;
  size_t nbanks = 0;
  std::span<uint32_t> pcr;
  std::span<uint8_t> flags;
  size_t chunk = kHashChunk;
  size_t chunks = 0;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::mutex mu;
  std::condition_variable cv;

  // Takes and does chunks until none is left.
  void Run(TemplateHasher* hasher);
  // Every chunk has been taken (perhaps not finished).
  bool Taken() const { return next.load(std::memory_order_relaxed) >= chunks; }
  // Waits until every chunk is finished.
  void WaitAll();
};

}  // namespace ccv::replay::internal

#endif  // CCV_VERIFIER_REPLAY_INTERNAL_IMA_HASH_SHARE_H_
