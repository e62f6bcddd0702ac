#include "parsers/core/time.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>

namespace ccv {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr uint32_t kNanosPerSecond = 1000000000;
constexpr size_t kMaxFractionDigits = 9;

// Unix seconds of the UTC midnight that followed each positive leap second
// (IERS Bulletin C; the tz database's leap-seconds.list). The list is
// complete up to at least 2026: IERS has announced no leap second since
// 2016-12-31.
constexpr std::array<int64_t, 27> kAfterLeapSecond = {
    78796800,    // 1972-06-30
    94694400,    // 1972-12-31
    126230400,   // 1973-12-31
    157766400,   // 1974-12-31
    189302400,   // 1975-12-31
    220924800,   // 1976-12-31
    252460800,   // 1977-12-31
    283996800,   // 1978-12-31
    315532800,   // 1979-12-31
    362793600,   // 1981-06-30
    394329600,   // 1982-06-30
    425865600,   // 1983-06-30
    489024000,   // 1985-06-30
    567993600,   // 1987-12-31
    631152000,   // 1989-12-31
    662688000,   // 1990-12-31
    709948800,   // 1992-06-30
    741484800,   // 1993-06-30
    773020800,   // 1994-06-30
    820454400,   // 1995-12-31
    867715200,   // 1997-06-30
    915148800,   // 1998-12-31
    1136073600,  // 2005-12-31
    1230768000,  // 2008-12-31
    1341100800,  // 2012-06-30
    1435708800,  // 2015-06-30
    1483228800,  // 2016-12-31
};

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

Status BadTime(size_t col, const std::string& what) {
  return Status(ErrorCode::kBadValue,
                "bad RFC 3339 time: " + what + " at character " + std::to_string(col + 1))
      .WithLine(1, col);
}

// Reads exactly `n` digits at `*pos`.
bool Digits(std::string_view s, size_t* pos, size_t n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Time> ParseRfc3339Time(std::string_view s, bool date_is_end_of_day) {
  size_t p = 0;
  int year = 0, month = 0, day = 0;
  if (!Digits(s, &p, 4, &year)) return BadTime(p, "expected a 4-digit year");
  if (p >= s.size() || s[p] != '-') return BadTime(p, "expected '-'");
  ++p;
  if (!Digits(s, &p, 2, &month) || month < 1 || month > 12) {
    return BadTime(p, "expected a month 01-12");
  }
  if (p >= s.size() || s[p] != '-') return BadTime(p, "expected '-'");
  ++p;
  if (!Digits(s, &p, 2, &day) || day < 1 || unsigned(day) > DaysInMonth(year, unsigned(month))) {
    return BadTime(p, "expected a day of the month");
  }
  const int64_t days = DaysFromCivil(year, unsigned(month), unsigned(day));
  if (p == s.size()) return Time((days + (date_is_end_of_day ? 1 : 0)) * kSecondsPerDay);
  if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return BadTime(p, "expected 'T'");
  ++p;
  int hh = 0, mm = 0, ss = 0;
  if (!Digits(s, &p, 2, &hh) || hh > 23) return BadTime(p, "expected an hour 00-23");
  if (p >= s.size() || s[p] != ':') return BadTime(p, "expected ':'");
  ++p;
  if (!Digits(s, &p, 2, &mm) || mm > 59) return BadTime(p, "expected minutes 00-59");
  if (p >= s.size() || s[p] != ':') return BadTime(p, "expected ':'");
  ++p;
  const size_t seconds_col = p;
  if (!Digits(s, &p, 2, &ss) || ss > 60) return BadTime(p, "expected seconds 00-60");
  uint32_t nanos = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    const size_t start = p;
    while (p < s.size() && IsDigit(s[p])) {
      if (p - start == kMaxFractionDigits) {
        return BadTime(p, "more than 9 fraction digits (the precision is 1 ns)");
      }
      nanos = nanos * 10 + uint32_t(s[p] - '0');
      ++p;
    }
    if (p == start) return BadTime(p, "expected fraction digits after '.'");
    for (size_t k = p - start; k < kMaxFractionDigits; ++k) nanos *= 10;
  }
  int64_t offset = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    const int sign = s[p] == '-' ? -1 : 1;
    ++p;
    int oh = 0, om = 0;
    if (!Digits(s, &p, 2, &oh) || oh > 23) return BadTime(p, "expected offset hours");
    if (p >= s.size() || s[p] != ':') return BadTime(p, "expected ':' in offset");
    ++p;
    if (!Digits(s, &p, 2, &om) || om > 59) return BadTime(p, "expected offset minutes");
    offset = sign * (oh * 3600 + om * 60);
  } else {
    return BadTime(p, "expected 'Z' or a UTC offset");
  }
  if (p != s.size()) return BadTime(p, "trailing characters");
  if (ss < 60) {
    return Time(days * kSecondsPerDay + hh * 3600 + mm * 60 + ss - offset, nanos);
  }
  // A leap second: the UTC second before it must be 23:59:59 of a day that
  // had one.
  const int64_t before = days * kSecondsPerDay + hh * 3600 + mm * 60 + 59 - offset;
  if (!std::binary_search(kAfterLeapSecond.begin(), kAfterLeapSecond.end(), before + 1)) {
    return BadTime(seconds_col,
                   "second 60 is only allowed at a leap second (23:59:60 UTC on a day that "
                   "had one, 1972-06-30 to 2016-12-31)");
  }
  return Time(before, kNanosPerSecond - 1);
}

std::string FormatRfc3339Time(Time t) {
  // Floor division: seconds before 1970 belong to the previous day.
  // Written without days * kSecondsPerDay, which overflows for the extreme
  // times a certificate or collateral may carry.
  int64_t days = t.seconds / kSecondsPerDay;
  int64_t secs = t.seconds % kSecondsPerDay;
  if (secs < 0) {
    --days;
    secs += kSecondsPerDay;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[96];
  int n = std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  std::string out(buf, n > 0 ? size_t(n) : 0);
  if (t.nanos != 0) {
    char frac[16];
    std::snprintf(frac, sizeof(frac), "%09u", unsigned(t.nanos % kNanosPerSecond));
    std::string f(frac);
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  out += "Z";
  return out;
}

Time TimeNow() {
  const int64_t ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  int64_t s = ns / kNanosPerSecond;
  int64_t n = ns % kNanosPerSecond;
  if (n < 0) {
    --s;
    n += kNanosPerSecond;
  }
  return Time(s, uint32_t(n));
}

}  // namespace ccv
