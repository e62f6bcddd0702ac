#include "verifier/replay/internal/ima_hash_share.h"

#include <algorithm>

#include "verifier/replay/ima_boot_aggregate.h"

namespace ccv::replay::internal {

void HashShare::Reset(size_t n, size_t chunk) {
  chunk_ = std::max<size_t>(chunk, 1);
  chunks_ = (n + chunk_ - 1) / chunk_;
  if (chunks_ > chunk_cap_) {
    chunk_cap_ = chunks_;
    chunk_done_ = std::make_unique<std::atomic<uint8_t>[]>(chunk_cap_);
  }
  for (size_t c = 0; c < chunks_; ++c) chunk_done_[c].store(0, std::memory_order_relaxed);
  done_.store(0, std::memory_order_relaxed);
  next_.store(0, std::memory_order_release);
}

size_t HashShare::Take() {
  if (next_.load(std::memory_order_relaxed) >= chunks_) return chunks_;
  return std::min(next_.fetch_add(1, std::memory_order_acq_rel), chunks_);
}

void HashShare::Do(TemplateHasher* hasher, size_t c) {
  Hash(hasher, c);
  chunk_done_[c].store(1, std::memory_order_seq_cst);
  done_.fetch_add(1, std::memory_order_seq_cst);
  // A waiter announces itself before it checks under the lock: either it
  // sees this chunk done, or this sees it waiting and wakes it.
  if (waiters_.load(std::memory_order_seq_cst) > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  }
}

void HashShare::Hash(TemplateHasher* hasher, size_t c) {
  const size_t begin = c * chunk_;
  const size_t len = std::min(chunk_, datas.size() - begin);
  for (size_t s = 0; s < algs.size(); ++s) {
    hasher->HashBatch(algs[s], datas.subspan(begin, len), outs[s].subspan(begin, len));
  }
  const std::span<Digest> computed = outs[listed_slot];
  for (size_t i = begin; i < begin + len; ++i) {
    const ima::Entry& e = entries[i];
    uint8_t f = 0;
    if (e.violation()) {
      f |= kViolation;  // every bank extends all-ones
      for (size_t b = 0; b < nbanks; ++b) {
        if (b != listed_slot) outs[b][i] = Digest::Filled(algs[b], 0xFF);
      }
    } else if (!(computed[i] == e.listed_hash)) {
      f |= kMismatch;
    }
    if (MayBeBootAggregate(e.desc, e.template_data, endian)) f |= kBootAggregate;
    flags[i] = f;
  }
}

void HashShare::WaitChunk(size_t c) {
  if (ChunkDone(c)) return;
  std::unique_lock<std::mutex> lock(mu_);
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  cv_.wait(lock, [&] { return chunk_done_[c].load(std::memory_order_seq_cst) != 0; });
  waiters_.fetch_sub(1, std::memory_order_relaxed);
}

void HashShare::WaitAll() {
  if (done_.load(std::memory_order_acquire) == chunks_) return;
  std::unique_lock<std::mutex> lock(mu_);
  waiters_.fetch_add(1, std::memory_order_seq_cst);
  cv_.wait(lock, [&] { return done_.load(std::memory_order_seq_cst) == chunks_; });
  waiters_.fetch_sub(1, std::memory_order_relaxed);
}

}  // namespace ccv::replay::internal
