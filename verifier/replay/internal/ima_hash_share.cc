#include "verifier/replay/internal/ima_hash_share.h"

#include <algorithm>

#include "verifier/replay/ima_boot_aggregate.h"

namespace ccv::replay::internal {

void HashShare::Run(TemplateHasher* hasher) {
  for (;;) {
    size_t c = next.fetch_add(1, std::memory_order_relaxed);
    if (c >= chunks) return;
    size_t begin = c * chunk;
    size_t len = std::min(chunk, datas.size() - begin);
    for (size_t s = 0; s < algs.size(); ++s) {
      hasher->HashBatch(algs[s], datas.subspan(begin, len), outs[s].subspan(begin, len));
    }
    for (size_t i = begin; i < begin + len; ++i) {
      const ima::Entry& e = entries[i];
      pcr[i] = e.pcr;
      uint8_t f = 0;
      if (e.violation()) {
        f |= kViolation;  // every bank extends all-ones
        for (size_t b = 0; b < nbanks; ++b) outs[b][i] = Digest::Filled(algs[b], 0xFF);
      } else if (!(outs[listed_slot][i] == e.listed_hash)) {
        f |= kMismatch;
        // The listed bank extends the hash as listed (when it matches, the
        // computed one already is).
        if (listed_slot < nbanks) outs[listed_slot][i] = e.listed_hash;
      }
      if (MayBeBootAggregate(e.template_data)) f |= kBootAggregate;
      flags[i] = f;
    }
    if (done.fetch_add(1, std::memory_order_acq_rel) + 1 == chunks) {
      std::lock_guard<std::mutex> lock(mu);
      cv.notify_all();
    }
  }
}

void HashShare::WaitAll() {
  if (done.load(std::memory_order_acquire) == chunks) return;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done.load(std::memory_order_acquire) == chunks; });
}

}  // namespace ccv::replay::internal
