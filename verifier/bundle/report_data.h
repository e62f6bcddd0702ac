// REPORTDATA binding (DESIGN §3, as CC-API's get_cc_report): a quote is
// bound to a verifier's nonce when REPORTDATA = SHA-512(nonce || user_data);
// with `--report-data` the quote must carry exactly that 64-byte value.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_BUNDLE_REPORT_DATA_H_
#define CCV_VERIFIER_BUNDLE_REPORT_DATA_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "verifier/result/facts.h"

namespace ccv::bundle {

inline constexpr char kReportDataCheckId[] = "report_data.binding";

// SHA-512(nonce || user_data).
std::array<uint8_t, 64> ExpectedReportData(std::span<const uint8_t> nonce,
                                           std::span<const uint8_t> user_data);

// The verification check "report_data.binding": pass when `quoted` equals
// `exact` (if given) or SHA-512(nonce || user_data) (if either is given);
// otherwise fail with missing = "nonce" (freshness not established).
// `from_verifier`: the nonce came from the verifier, not from the bundle
// (the detail says which).
result::Check CheckReportData(const std::array<uint8_t, 64>& quoted,
                              const std::optional<std::vector<uint8_t>>& nonce,
                              const std::optional<std::vector<uint8_t>>& user_data,
                              const std::optional<std::vector<uint8_t>>& exact,
                              bool from_verifier = true);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_REPORT_DATA_H_
