// Shared helpers of the TPM quote tests: reading corpus files and turning
// the corpus's "N: hex" PCR listings into PcrValues.
#ifndef CCV_TESTS_VERIFIER_TPM_TPM_TEST_UTIL_H_
#define CCV_TESTS_VERIFIER_TPM_TPM_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "parsers/core/hex.h"
#include "tests/testing/files.h"
#include "verifier/tpm/pcr_values.h"

namespace ccv::tpm::testing {

// Adds the "N: hex" lines of `path` as bank `alg`.
inline void AddPcrListing(const std::filesystem::path& path, HashAlg alg, PcrValues* out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    Digest d = Digest::Zero(alg);
    std::string hex = line.substr(colon + 1);
    hex.erase(0, hex.find_first_not_of(' '));
    if (!DecodeHexInto(hex, d.mutable_span())) continue;
    out->Set(uint32_t(std::stoul(line.substr(0, colon))), d);
  }
}

// {"sha1": {"0": "..."}, ...} for --pcrs.
inline std::string PcrValuesJson(const PcrValues& v) {
  std::string out = "{";
  bool first_bank = true;
  for (const auto& [bank, pcrs] : v.banks()) {
    out += std::string(first_bank ? "" : ",") + "\"" + std::string(HashAlgName(bank)) + "\":{";
    first_bank = false;
    bool first = true;
    for (const auto& [i, d] : pcrs) {
      out += std::string(first ? "" : ",") + "\"" + std::to_string(i) + "\":\"" + ToHex(d.span()) +
             "\"";
      first = false;
    }
    out += "}";
  }
  return out + "}";
}

}  // namespace ccv::tpm::testing

#endif  // CCV_TESTS_VERIFIER_TPM_TPM_TEST_UTIL_H_
