// RFC 3339 timestamps for policy expiry, waivers and `--at`. Thread-safe:
// pure functions.
#ifndef CCV_POLICIES_TIME_UTIL_H_
#define CCV_POLICIES_TIME_UTIL_H_

#include <string>
#include <string_view>

#include "parsers/core/result.h"
#include "policies/policy.h"

namespace ccv::policy {

// Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (also 't'/'z' and a space
// for 'T') or a date "YYYY-MM-DD". A date alone means the end of that day
// when `date_is_end_of_day` (a waiver `until: 2027-01-15` lasts through the
// 15th), else its start. Errors: kBadValue naming the column (0-based).
Result<UnixTime> ParseRfc3339(std::string_view text, bool date_is_end_of_day = false);

// "2026-11-28T00:00:00Z".
std::string FormatRfc3339(UnixTime t);

// The current time.
UnixTime NowUtc();

}  // namespace ccv::policy

#endif  // CCV_POLICIES_TIME_UTIL_H_
