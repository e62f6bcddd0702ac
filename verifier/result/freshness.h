// How fresh the DCAP collateral of a verification is at the verification
// time: the facts a policy on collateral age and TCB recovery judges
// (policies/README.md, `collateral:` and `platform.tcb_grace_period`).
// Filled by the quote verifier from the collateral it verified; the policy
// engine and the reports only read it.
//
// Thread safety: a value type.
#ifndef CCV_VERIFIER_RESULT_FRESHNESS_H_
#define CCV_VERIFIER_RESULT_FRESHNESS_H_

#include <cstdint>
#include <optional>
#include <string>

namespace ccv::result {

inline constexpr int64_t kSecondsPerDay = 86400;

struct CollateralFreshness {
  int64_t at = 0;  // the verification time, whole seconds
  // The TCB info's issueDate: the part a TCB recovery changes. Age is
  // measured from it (at - issueDate; negative when issued after `at`).
  int64_t tcb_info_issue_date = 0;
  int64_t age_seconds = 0;
  // The earliest nextUpdate of the TCB info, the QE identity, the PCK CRL
  // and the root CA CRL, the part it belongs to ("tcb_info",
  // "qe_identity", "pck_crl", "root_ca_crl"), and how long until then
  // (negative: already past).
  int64_t earliest_next_update = 0;
  std::string earliest_next_update_part;
  int64_t expires_in_seconds = 0;
  int tcb_evaluation_data_number = 0;  // the TCB info's
  int qe_identity_tcb_evaluation_data_number = 0;
  // The earliest tcbDate of the matched TCB levels (platform, TDX module,
  // QE) as written ("" when no platform level matched), which level it is
  // ("platform", "tdx_module", "qe"), as seconds (absent when it does not
  // read as a time), and whole days from it to `at` (floor).
  std::string tcb_date;
  std::string tcb_date_level;
  std::optional<int64_t> tcb_date_seconds;
  std::optional<int64_t> days_since_tcb_date;
};

}  // namespace ccv::result

#endif  // CCV_VERIFIER_RESULT_FRESHNESS_H_
