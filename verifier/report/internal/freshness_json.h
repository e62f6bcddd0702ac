// The collateral freshness facts (result/freshness.h) as a JSON object and
// as one line of text, shared by the verify and quote verify reports
// (docs/json.md, `collateral.freshness`).
//
// Thread safety: free functions over the caller's writer.
#ifndef CCV_VERIFIER_REPORT_INTERNAL_FRESHNESS_JSON_H_
#define CCV_VERIFIER_REPORT_INTERNAL_FRESHNESS_JSON_H_

#include <string>

#include "parsers/core/time.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/result/freshness.h"

namespace ccv::report::internal {

// {"tcb_info_issue_date", "age_seconds", "age_days", "earliest_next_update",
//  "earliest_next_update_part", "expires_in_seconds",
//  "tcb_evaluation_data_number", "qe_identity_tcb_evaluation_data_number",
//  "tcb_date", "tcb_date_level", "days_since_tcb_date"}
template <typename W>
void WriteFreshnessJson(W& w, const result::CollateralFreshness& f) {
  w.StartObject();
  KeyString(w, "tcb_info_issue_date", FormatRfc3339Time(Time(f.tcb_info_issue_date)));
  w.Key("age_seconds");
  w.Int64(f.age_seconds);
  w.Key("age_days");
  w.Int64(f.age_seconds / result::kSecondsPerDay);
  KeyString(w, "earliest_next_update", FormatRfc3339Time(Time(f.earliest_next_update)));
  KeyString(w, "earliest_next_update_part", f.earliest_next_update_part);
  w.Key("expires_in_seconds");
  w.Int64(f.expires_in_seconds);
  w.Key("tcb_evaluation_data_number");
  w.Int(f.tcb_evaluation_data_number);
  w.Key("qe_identity_tcb_evaluation_data_number");
  w.Int(f.qe_identity_tcb_evaluation_data_number);
  KeyStringOrNull(w, "tcb_date", f.tcb_date);
  KeyStringOrNull(w, "tcb_date_level", f.tcb_date_level);
  w.Key("days_since_tcb_date");
  if (f.days_since_tcb_date) {
    w.Int64(*f.days_since_tcb_date);
  } else {
    w.Null();
  }
  w.EndObject();
}

// "issued 2025-10-27T13:07:17Z (2 days ago), next update 2025-11-26T13:07:17Z
// (tcb_info, in 28 days), TCB evaluation data number 17, tcbDate
// 2024-03-13T00:00:00Z (595 days ago)"
inline std::string FreshnessText(const result::CollateralFreshness& f) {
  std::string out =
      "issued " + FormatRfc3339Time(Time(f.tcb_info_issue_date)) + " (" +
      std::to_string(f.age_seconds / result::kSecondsPerDay) + " days ago), next update " +
      FormatRfc3339Time(Time(f.earliest_next_update)) + " (" + f.earliest_next_update_part + ", " +
      (f.expires_in_seconds < 0
           ? "passed"
           : "in " + std::to_string(f.expires_in_seconds / result::kSecondsPerDay) + " days") +
      "), TCB evaluation data number " + std::to_string(f.tcb_evaluation_data_number);
  if (!f.tcb_date.empty()) {
    out += ", tcbDate " + f.tcb_date + " (" + f.tcb_date_level + " level)";
    if (f.days_since_tcb_date) out += ", " + std::to_string(*f.days_since_tcb_date) + " days ago";
  }
  return out;
}

}  // namespace ccv::report::internal

#endif  // CCV_VERIFIER_REPORT_INTERNAL_FRESHNESS_JSON_H_
