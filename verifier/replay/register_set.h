// RegisterSet: named measurement registers with one value per bank, as replay
// produces them and reports print them ("rtmr0" -> {"sha384": ...}).
// Register names follow DESIGN §2: "mrtd", "rtmr0".."rtmr3", "pcr0".."pcr23".
// Thread safety: a value type.
#ifndef CCV_VERIFIER_REPLAY_REGISTER_SET_H_
#define CCV_VERIFIER_REPLAY_REGISTER_SET_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "parsers/core/hash_alg.h"

namespace ccv::replay {

inline std::string PcrName(uint32_t index) { return "pcr" + std::to_string(index); }
inline std::string RtmrName(uint32_t index) { return "rtmr" + std::to_string(index); }

// Sorts "pcr2" before "pcr10" and "mrtd" before "rtmr0".
struct RegisterNameLess {
  bool operator()(const std::string& a, const std::string& b) const {
    size_t ia = a.find_first_of("0123456789"), ib = b.find_first_of("0123456789");
    std::string pa = a.substr(0, ia), pb = b.substr(0, ib);
    if (pa != pb) return pa < pb;
    if (ia == std::string::npos || ib == std::string::npos) return a < b;
    unsigned long na = std::stoul(a.substr(ia)), nb = std::stoul(b.substr(ib));
    return na != nb ? na < nb : a < b;
  }
};

class RegisterSet {
 public:
  using Banks = std::map<HashAlg, Digest>;
  using Map = std::map<std::string, Banks, RegisterNameLess>;

  void Set(const std::string& reg, const Digest& value) { regs_[reg][value.alg] = value; }
  std::optional<Digest> Get(const std::string& reg, HashAlg alg) const {
    auto it = regs_.find(reg);
    if (it == regs_.end()) return std::nullopt;
    auto jt = it->second.find(alg);
    if (jt == it->second.end()) return std::nullopt;
    return jt->second;
  }
  bool Has(const std::string& reg) const { return regs_.count(reg) != 0; }
  const Map& registers() const { return regs_; }
  bool empty() const { return regs_.empty(); }

 private:
  Map regs_;
};

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_REGISTER_SET_H_
