#include "policies/time_util.h"

namespace ccv::policy {

Result<UnixTime> ParseRfc3339(std::string_view s, bool date_is_end_of_day) {
  CCV_ASSIGN_OR_RETURN(Time t, ParseRfc3339Time(s, date_is_end_of_day));
  return t.seconds;
}

std::string FormatRfc3339(UnixTime t) { return FormatRfc3339Time(Time(t)); }

UnixTime NowUtc() { return TimeNow().seconds; }

}  // namespace ccv::policy
