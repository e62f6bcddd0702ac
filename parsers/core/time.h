// A point in time with nanosecond precision, and RFC 3339 text for it: the
// verification time (`--at`) and every time the verifier compares with it.
// Collateral validity bounds (notBefore, nextUpdate ...) are whole seconds;
// the verification time keeps its fraction, so a time half a second after an
// upper bound is after it. Thread safety: value type and pure functions.
#ifndef CCV_PARSERS_CORE_TIME_H_
#define CCV_PARSERS_CORE_TIME_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/core/result.h"

namespace ccv {

// POSIX time (every day has 86400 seconds; leap seconds are not counted)
// as whole seconds since 1970-01-01T00:00:00Z plus nanoseconds. `seconds`
// is the floor: 1969-12-31T23:59:59.5Z is {-1, 500000000}. Ordered by
// (seconds, nanos).
struct Time {
  int64_t seconds = 0;
  uint32_t nanos = 0;  // 0..999999999

  constexpr Time() = default;
  // Whole seconds: implicit, as it loses nothing. There is no conversion
  // back; read `seconds` to drop the fraction on purpose.
  constexpr Time(int64_t s) : seconds(s) {}  // NOLINT(google-explicit-constructor)
  constexpr Time(int64_t s, uint32_t n) : seconds(s), nanos(n) {}

  friend constexpr auto operator<=>(const Time&, const Time&) = default;
  friend constexpr bool operator==(const Time&, const Time&) = default;
};

// True if `t` lies in the closed window [not_before, not_after] of whole
// seconds: exactly at either bound is inside, any fraction of a second
// before `not_before` or after `not_after` is outside.
constexpr bool WithinWindow(Time t, int64_t not_before, int64_t not_after) {
  return Time(not_before) <= t && t <= Time(not_after);
}

// `later - earlier` in seconds, clamped to the int64_t range: collateral
// times come from input (an unreadable ASN.1 time reads as INT64_MIN, an
// absent nextUpdate as INT64_MAX), so a difference of two of them must not
// overflow.
constexpr int64_t SecondsBetween(int64_t earlier, int64_t later) {
  int64_t d = 0;
  if (__builtin_sub_overflow(later, earlier, &d)) {
    return later < earlier ? INT64_MIN : INT64_MAX;
  }
  return d;
}

// Parses "YYYY-MM-DDTHH:MM:SS[.F](Z|±HH:MM)" ('t', 'z' and a space for 'T'
// accepted) or a date "YYYY-MM-DD" alone, which means the start of that day,
// or its end (the next midnight) when `date_is_end_of_day`.
// - F is 1 to 9 digits (down to the nanosecond); more digits are refused,
//   not rounded.
// - SS may be 60 only at a leap second: 23:59:60 UTC (after applying the
//   offset) at the end of one of the 27 days that had one, 1972-06-30 to
//   2016-12-31. POSIX time has no number for it: it reads as
//   23:59:59.999999999 (whatever its fraction), after every other instant of
//   that day and before the next midnight, so bounds compare with it in the
//   right order.
// Errors: kBadValue saying what was expected and where (the message counts
// characters from 1; the status also carries line 1 and the 0-based column).
Result<Time> ParseRfc3339Time(std::string_view text, bool date_is_end_of_day = false);

// "2026-11-28T00:00:00Z", or with the fraction when there is one, trailing
// zeros dropped: "2026-11-28T00:00:00.5Z", "...00:00:00.000000001Z".
std::string FormatRfc3339Time(Time t);

// The system clock now (the default verification time).
Time TimeNow();

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_TIME_H_
