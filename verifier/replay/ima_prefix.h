// The search for the prefix of an IMA list that a quoted register covers
// (the log-after-quote race, DESIGN §2): while a replay extends, it watches
// each quoted register/bank and notes the first entry count at which the
// replayed value equals the quoted one. Not thread-safe: one search per
// replay, fed in list order.
#ifndef CCV_VERIFIER_REPLAY_IMA_PREFIX_H_
#define CCV_VERIFIER_REPLAY_IMA_PREFIX_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "verifier/replay/register_set.h"

namespace ccv::replay {

struct PrefixMatch {
  RegisterId reg;  // e.g. RTMR2
  HashAlg alg = HashAlg::kSha384;
  bool found = false;
  uint64_t matched_entries = 0;  // the first N entries give the quoted value
  uint64_t added_after = 0;      // entries beyond N
  // "first N entries match, M entries were added after the quote" or why not.
  std::string Describe() const;
};

class PrefixSearch {
 public:
  // One target per quoted register of `kind` and bank among `banks` (the
  // replay's bank order); a target already equal to its `initial` value (zero
  // when absent) matches with 0 entries.
  PrefixSearch(const RegisterSet& quoted, const RegisterSet& initial, RegisterId::Kind kind,
               std::span<const HashAlg> banks);

  bool empty() const { return targets_.empty(); }

  // After the `extended`-th entry extended register `index`, whose banks
  // (in the replay's bank order) now hold `reg`.
  void Observe(uint32_t index, std::span<const Digest> reg, uint64_t extended);

  // One match per target whose register the list extended
  // (`was_extended(index)`), in target order; `entries` counts the whole
  // list, for added_after.
  std::vector<PrefixMatch> Results(const std::function<bool(uint32_t)>& was_extended,
                                   uint64_t entries) const;

 private:
  struct Target {
    uint32_t index;
    size_t slot;  // bank slot
    Digest value;
  };
  std::vector<Target> targets_;
  std::vector<PrefixMatch> state_;  // per target
};

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_IMA_PREFIX_H_
