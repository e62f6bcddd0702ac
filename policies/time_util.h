// RFC 3339 timestamps for policy expiry and waivers, in whole seconds
// (UnixTime). The verification time itself (`--at`) keeps its fraction: see
// ParseRfc3339Time in parsers/core/time.h, whose grammar these share.
// Thread-safe: pure functions.
#ifndef CCV_POLICIES_TIME_UTIL_H_
#define CCV_POLICIES_TIME_UTIL_H_

#include <string>
#include <string_view>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "policies/policy.h"

namespace ccv::policy {

// Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)" (also 't'/'z' and a space
// for 'T') or a date "YYYY-MM-DD" (ParseRfc3339Time) and drops the fraction
// (the floor: "...:00.9Z" is "...:00Z"). A date alone means the end of that
// day when `date_is_end_of_day` (a waiver `until: 2027-01-15` lasts through
// the 15th), else its start. A leap second 23:59:60 reads as 23:59:59.
// Errors: kBadValue naming the column (0-based).
Result<UnixTime> ParseRfc3339(std::string_view text, bool date_is_end_of_day = false);

// "2026-11-28T00:00:00Z".
std::string FormatRfc3339(UnixTime t);

// The current time.
UnixTime NowUtc();

// A policy's expiry as `policy generate --expires` takes it: "<N>d" (N days
// after `now`, 1..3650) or an RFC 3339 date or time ("2027-06-30": the end
// of that day), which must lie after `now`. Errors: kBadValue saying which
// form was expected.
Result<UnixTime> ParseExpiry(std::string_view text, UnixTime now);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_TIME_UTIL_H_
