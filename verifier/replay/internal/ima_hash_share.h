// Module-private part of the IMA replay's two-thread pipeline
// (ima_replay.h): the per-entry work of one batch that does not depend on
// list order, done in chunks by whichever thread takes the next one.
#ifndef CCV_VERIFIER_REPLAY_INTERNAL_IMA_HASH_SHARE_H_
#define CCV_VERIFIER_REPLAY_INTERNAL_IMA_HASH_SHARE_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
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

// Template hashes, their comparison with the listed hash, the values a
// computed bank extends, the boot_aggregate filter. The caller hashes its
// batch right after handing it to the extend thread; the extend thread
// takes chunks nobody has started when it needs their hashes for a chain or
// has nothing else to do. A thread touches the batch only for a chunk it
// took; the batch is recycled only once both threads are done with it.
struct HashShare {
  // Per-entry outcome bits.
  static constexpr uint8_t kViolation = 1, kMismatch = 2, kBootAggregate = 4;

  std::span<const ima::Entry> entries;
  std::span<const Bytes> datas;
  std::vector<HashAlg> algs;  // banks, then the listed alg if not a bank
  // Per algorithm. The listed algorithm's slot gets the computed template
  // hashes (compared with the listed ones); every other bank's slot gets the
  // value it extends (its hash, all-ones for a violation).
  std::vector<std::span<Digest>> outs;
  size_t listed_slot = 0;
  size_t nbanks = 0;
  ima::Endian endian = ima::Endian::kLittle;  // of the template data
  std::span<uint8_t> flags;

  // Starts a batch of n entries in chunks of `chunk`.
  void Reset(size_t n, size_t chunk);
  // Takes the next chunk nobody has started: its index, or chunks() when
  // none is left. The taker must then Do() it.
  size_t Take();
  // Hashes chunk c and marks it finished.
  void Do(TemplateHasher* hasher, size_t c);
  // Takes and does one chunk; false when none was left to take.
  bool RunOne(TemplateHasher* hasher) {
    const size_t c = Take();
    if (c >= chunks_) return false;
    Do(hasher, c);
    return true;
  }
  // Takes and does chunks until none is left.
  void Run(TemplateHasher* hasher) {
    while (RunOne(hasher)) {
    }
  }
  size_t chunk() const { return chunk_; }
  size_t chunks() const { return chunks_; }
  bool ChunkDone(size_t c) const { return chunk_done_[c].load(std::memory_order_acquire) != 0; }
  // Waits until chunk c is finished (by whichever thread took it).
  void WaitChunk(size_t c);
  // Waits until every chunk is finished.
  void WaitAll();

 private:
  void Hash(TemplateHasher* hasher, size_t c);

  size_t chunk_ = kHashChunk;
  size_t chunks_ = 0;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> done_{0};
  std::unique_ptr<std::atomic<uint8_t>[]> chunk_done_;
  size_t chunk_cap_ = 0;
  std::atomic<int> waiters_{0};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace ccv::replay::internal

#endif  // CCV_VERIFIER_REPLAY_INTERNAL_IMA_HASH_SHARE_H_
