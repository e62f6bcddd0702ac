#include "verifier/replay/ima_prefix.h"

#include <optional>

namespace ccv::replay {

std::string PrefixMatch::Describe() const {
  std::string r = reg.Name() + "." + std::string(HashAlgName(alg)) + ": ";
  if (!found) {
    return r + "no prefix of the list replays to the quoted value";
  }
  if (added_after == 0) {
    return r + "all " + std::to_string(matched_entries) + " entries match the quoted value";
  }
  return r + "first " + std::to_string(matched_entries) + " entries match, " +
         std::to_string(added_after) + " entries were added after the quote";
}

PrefixSearch::PrefixSearch(const RegisterSet& quoted, const RegisterSet& initial,
                           RegisterId::Kind kind, std::span<const HashAlg> banks) {
  for (const auto& [name, values] : quoted.registers()) {
    if (name.kind != kind) continue;
    for (const auto& [alg, value] : values) {
      size_t slot = banks.size();
      for (size_t i = 0; i < banks.size(); ++i) {
        if (banks[i] == alg) slot = i;
      }
      if (slot == banks.size()) continue;
      PrefixMatch pm;
      pm.reg = name;
      pm.alg = alg;
      std::optional<Digest> init = initial.Get(name, alg);
      if ((init ? *init : Digest::Zero(alg)) == value) pm.found = true;
      targets_.push_back({name.index, slot, value});
      state_.push_back(pm);
    }
  }
}

void PrefixSearch::Observe(uint32_t index, std::span<const Digest> reg, uint64_t extended) {
  for (size_t t = 0; t < targets_.size(); ++t) {
    PrefixMatch& pm = state_[t];
    if (!pm.found && targets_[t].index == index && reg[targets_[t].slot] == targets_[t].value) {
      pm.found = true;
      pm.matched_entries = extended;
    }
  }
}

std::vector<PrefixMatch> PrefixSearch::Results(const std::function<bool(uint32_t)>& was_extended,
                                               uint64_t entries) const {
  std::vector<PrefixMatch> out;
  for (size_t t = 0; t < targets_.size(); ++t) {
    if (!was_extended(targets_[t].index)) continue;
    PrefixMatch pm = state_[t];
    if (pm.found) pm.added_after = entries - pm.matched_entries;
    out.push_back(pm);
  }
  return out;
}

}  // namespace ccv::replay
