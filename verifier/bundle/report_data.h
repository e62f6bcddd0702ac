// REPORTDATA binding (docs/json.md: report_data, freshness; DESIGN §8): a
// quote answers a request when its REPORTDATA is what the binding mode makes
// of the request's nonce and user data: SHA-512(nonce || user_data) (CC-API's
// get_cc_report, the default), the nonce zero padded to 64 bytes (GCE), or an
// exact 64-byte value.
//
// Only inputs from the verifier (--nonce, --user-data, --report-data) make a
// quote fresh. A bundle's own nonce or exact value shows that the quote and
// the bundle agree, never that the quote is new: a bundle cannot vouch for
// itself. The result says where the nonce came from.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_BUNDLE_REPORT_DATA_H_
#define CCV_VERIFIER_BUNDLE_REPORT_DATA_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "verifier/bundle/evidence.h"
#include "verifier/result/facts.h"

namespace ccv::bundle {

inline constexpr char kReportDataCheckId[] = "report_data.binding";

// SHA-512(nonce || user_data).
std::array<uint8_t, 64> ExpectedReportData(std::span<const uint8_t> nonce,
                                           std::span<const uint8_t> user_data);

// REPORTDATA as `mode` forms it from the nonce and user data; nullopt when
// it cannot (kNonce with a nonce over 64 bytes or with user data; kExact,
// which has no formula).
std::optional<std::array<uint8_t, 64>> ExpectedReportDataFor(ReportDataMode mode,
                                                             std::span<const uint8_t> nonce,
                                                             std::span<const uint8_t> user_data);

// Where the nonce came from (verifier/result/facts.h).
using result::NonceSource;
using result::NonceSourceName;

struct ReportDataBinding {
  result::Check check;  // id kReportDataCheckId
  NonceSource nonce_source = NonceSource::kNone;
  // Where the user data used in the expected REPORTDATA came from (kNone:
  // none used).
  NonceSource user_data_source = NonceSource::kNone;
  ReportDataMode mode = ReportDataMode::kSha512NonceUserData;
  // The check passed on a nonce or report data from the verifier.
  bool fresh = false;
};

// Applies the verifier's binding flags (--nonce, --user-data, --report-data;
// nullopt: not given) to `e`. Any of them replaces every binding input of the
// bundle, except that --nonce alone keeps the bundle's user_data
// (e->user_data_from_bundle), so REPORTDATA is expected to be
// SHA-512(verifier nonce || bundle user data) and the report says so. No flag
// given: `e` is unchanged.
void ApplyVerifierBinding(Evidence* e, std::optional<std::vector<uint8_t>> nonce,
                          std::optional<std::vector<uint8_t>> user_data,
                          std::optional<std::vector<uint8_t>> report_data);

// The check "report_data.binding" for `quoted` (the quote's REPORTDATA):
// - e.report_data (--report-data) set: REPORTDATA must equal it; fresh.
// - e.binding_from_verifier (--nonce/--user-data): REPORTDATA must be what
//   e.report_data_mode makes of them (kExact counts as the default here:
//   the bundle's exact value is no formula for the verifier's nonce); fresh.
//   The user data is the bundle's when --nonce came without --user-data
//   (e.user_data_from_bundle): the detail and user_data_source say so.
// - otherwise the bundle's binding: kExact compares e.claimed_report_data,
//   the other modes e.nonce/e.user_data; a pass proves consistency only.
// - nothing to compare: fail with missing = "nonce", source kNone.
// The detail names the nonce source and whether freshness is established.
ReportDataBinding CheckReportDataBinding(const std::array<uint8_t, 64>& quoted, const Evidence& e);

// Older form: the same check with the default mode; `exact` is the
// verifier's --report-data; `from_verifier` says where the nonce came from.
result::Check CheckReportData(const std::array<uint8_t, 64>& quoted,
                              const std::optional<std::vector<uint8_t>>& nonce,
                              const std::optional<std::vector<uint8_t>>& user_data,
                              const std::optional<std::vector<uint8_t>>& exact,
                              bool from_verifier = true);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_REPORT_DATA_H_
