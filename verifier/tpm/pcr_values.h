// PCR values per bank, as a caller supplies them (`--pcrs F`: JSON
// {"sha256": {"0": "hex", ...}, ...}, the layout of the lab's pcrs.json) or
// as a replayed TPM event log gives them. Thread-safe: a value type.
#ifndef CCV_VERIFIER_TPM_PCR_VALUES_H_
#define CCV_VERIFIER_TPM_PCR_VALUES_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "verifier/replay/register_set.h"

namespace ccv::tpm {

class PcrValues {
 public:
  void Set(uint32_t index, const Digest& value) { banks_[value.alg][index] = value; }
  std::optional<Digest> Get(HashAlg bank, uint32_t index) const;
  const std::map<HashAlg, std::map<uint32_t, Digest>>& banks() const { return banks_; }
  bool empty() const { return banks_.empty(); }

 private:
  std::map<HashAlg, std::map<uint32_t, Digest>> banks_;
};

// Parses the --pcrs JSON. Bank names as DESIGN §2; PCR indices "0".."23"
// (an optional "pcr" prefix is accepted); values hex of the bank's digest
// size. Errors: kBadValue naming the byte offset (malformed JSON) or the
// member (unknown bank, bad index, wrong digest size, a PCR given twice),
// kLimitExceeded.
Result<PcrValues> ParsePcrValuesJson(std::string_view text);

// The PCRs of a replayed log (registers pcr0..pcr23 only).
PcrValues PcrValuesFromRegisters(const replay::RegisterSet& regs);

// A PCR's value before any extend: zero, except PCR17-22 (all 0xFF) and PCR0
// after a StartupLocality record (DESIGN §2; `startup_locality` 0 if none).
Digest InitialPcrValue(HashAlg bank, uint32_t index, uint8_t startup_locality = 0);

}  // namespace ccv::tpm

#endif  // CCV_VERIFIER_TPM_PCR_VALUES_H_
