// Generator of synthetic IMA measurement lists for tests and benchmarks: both
// forms of the same list (ascii and binary), mixed templates, violations, and
// the expected registers, computed by a plain extend loop over the template
// data the generator itself lays out (independent of parsers/ and replay).
// Deterministic for a given seed. Not thread-safe.
#ifndef CCV_BENCHMARKS_GEN_IMA_GEN_H_
#define CCV_BENCHMARKS_GEN_IMA_GEN_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"

namespace ccv::gen {

struct ImaGenOptions {
  uint64_t seed = 1;
  uint32_t pcr = 10;                    // 2 for the cc-api TDX form
  HashAlg listed_alg = HashAlg::kSha1;  // sha384 for the cc-api TDX form
  std::vector<HashAlg> banks = {HashAlg::kSha1, HashAlg::kSha256};
  uint64_t violation_every = 0;  // every Nth entry (from 1) is a violation; 0: none
  bool mixed_templates = true;   // else ima-ng only
  bool boot_aggregate = true;    // entry 0 is an ima-ng boot_aggregate
  bool legacy_ima = true;        // mix in legacy "ima" entries (evmctl refuses mixes)
};

class ImaGenerator {
 public:
  explicit ImaGenerator(ImaGenOptions options);

  // Appends entry number entries() to both forms and extends the expected
  // registers.
  void Next(std::string* ascii, std::string* binary);

  uint64_t entries() const { return n_; }
  uint64_t violations() const { return violations_; }
  const std::map<std::string, uint64_t>& templates() const { return templates_; }
  // Expected value of register `pcr` per bank.
  const std::map<HashAlg, Digest>& expected() const { return reg_; }
  // {"entries", "violations", "templates", "register", "registers": {name: {bank: hex}}}.
  std::string ExpectedJson() const;

 private:
  uint64_t Rand();
  std::string RandBytes(size_t n);

  ImaGenOptions opt_;
  uint64_t state_;
  uint64_t n_ = 0;
  uint64_t violations_ = 0;
  std::map<std::string, uint64_t> templates_;
  std::map<HashAlg, Digest> reg_;
};

}  // namespace ccv::gen

#endif  // CCV_BENCHMARKS_GEN_IMA_GEN_H_
