#include "policies/time_util.h"

#include <cctype>
#include <chrono>
#include <cstdio>

namespace ccv::policy {
namespace {

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

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

Status BadTime(size_t col, const std::string& what) {
  return Status(ErrorCode::kBadValue, "bad RFC 3339 time: " + what)
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

}  // namespace

Result<UnixTime> ParseRfc3339(std::string_view s, bool date_is_end_of_day) {
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
  if (!Digits(s, &p, 2, &day) || day < 1 ||
      unsigned(day) > DaysInMonth(year, unsigned(month))) {
    return BadTime(p, "expected a day of the month");
  }
  int64_t days = DaysFromCivil(year, unsigned(month), unsigned(day));
  if (p == s.size()) return (days + (date_is_end_of_day ? 1 : 0)) * 86400;
  if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return BadTime(p, "expected 'T'");
  ++p;
  int hh = 0, mm = 0, ss = 0;
  if (!Digits(s, &p, 2, &hh) || hh > 23) return BadTime(p, "expected an hour 00-23");
  if (p >= s.size() || s[p] != ':') return BadTime(p, "expected ':'");
  ++p;
  if (!Digits(s, &p, 2, &mm) || mm > 59) return BadTime(p, "expected minutes 00-59");
  if (p >= s.size() || s[p] != ':') return BadTime(p, "expected ':'");
  ++p;
  // 60 is accepted for a leap second and counted as 59.
  if (!Digits(s, &p, 2, &ss) || ss > 60) return BadTime(p, "expected seconds 00-60");
  if (ss == 60) ss = 59;
  if (p < s.size() && s[p] == '.') {
    ++p;
    size_t start = p;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) ++p;
    if (p == start) return BadTime(p, "expected fraction digits");
  }
  int64_t offset = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
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
  return days * 86400 + hh * 3600 + mm * 60 + ss - offset;
}

std::string FormatRfc3339(UnixTime t) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t secs = t - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ",
                static_cast<long long>(y), m, d, static_cast<long long>(secs / 3600),
                static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  return buf;
}

UnixTime NowUtc() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace ccv::policy
