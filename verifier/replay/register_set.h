// RegisterSet: measurement registers with one value per bank, as replay
// produces them and reports print them ("rtmr0" -> {"sha384": ...}), in
// register order (RegisterId: "mrtd", then pcr0..pcr23, then rtmr0..rtmr3).
// Thread safety: a value type.
#ifndef CCV_VERIFIER_REPLAY_REGISTER_SET_H_
#define CCV_VERIFIER_REPLAY_REGISTER_SET_H_

#include <map>
#include <optional>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"

namespace ccv::replay {

class RegisterSet {
 public:
  using Banks = std::map<HashAlg, Digest>;
  using Map = std::map<RegisterId, Banks>;

  void Set(RegisterId reg, const Digest& value) { regs_[reg][value.alg] = value; }
  std::optional<Digest> Get(RegisterId reg, HashAlg alg) const {
    auto it = regs_.find(reg);
    if (it == regs_.end()) return std::nullopt;
    auto jt = it->second.find(alg);
    if (jt == it->second.end()) return std::nullopt;
    return jt->second;
  }
  bool Has(RegisterId reg) const { return regs_.count(reg) != 0; }
  const Map& registers() const { return regs_; }
  bool empty() const { return regs_.empty(); }

 private:
  Map regs_;
};

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_REGISTER_SET_H_
