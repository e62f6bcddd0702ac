#include "policies/time_util.h"

namespace ccv::policy {

Result<UnixTime> ParseRfc3339(std::string_view s, bool date_is_end_of_day) {
  CCV_ASSIGN_OR_RETURN(Time t, ParseRfc3339Time(s, date_is_end_of_day));
  return t.seconds;
}

std::string FormatRfc3339(UnixTime t) { return FormatRfc3339Time(Time(t)); }

UnixTime NowUtc() { return TimeNow().seconds; }

Result<UnixTime> ParseExpiry(std::string_view text, UnixTime now) {
  constexpr int64_t kMaxDays = 3650;
  if (!text.empty() && text.back() == 'd') {
    std::string_view num = text.substr(0, text.size() - 1);
    int64_t days = 0;
    bool ok = !num.empty() && num.size() <= 4;
    for (char c : num) {
      ok = ok && c >= '0' && c <= '9';
      days = days * 10 + (c - '0');
    }
    if (!ok || days < 1 || days > kMaxDays) {
      return Status(ErrorCode::kBadValue,
                    "expected <N>d with N in 1..3650, got '" + std::string(text) + "'");
    }
    return now + days * 86400;
  }
  auto t = ParseRfc3339(text, /*date_is_end_of_day=*/true);
  if (!t.ok()) {
    return Status(ErrorCode::kBadValue,
                  "expected <N>d (days from now) or a date YYYY-MM-DD, got '" + std::string(text) +
                      "': " + t.status().message());
  }
  if (*t <= now) {
    return Status(
        ErrorCode::kBadValue,
        "'" + std::string(text) + "' is not in the future (now is " + FormatRfc3339(now) + ")");
  }
  return *t;
}

}  // namespace ccv::policy
