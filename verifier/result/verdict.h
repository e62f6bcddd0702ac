// Verdict: the one outcome type of a check or a policy rule, used by every
// verifier (quote, TPM, replay) and the policy engine; Outcome: the outcome
// of a whole verification. Value types.
#ifndef CCV_VERIFIER_RESULT_VERDICT_H_
#define CCV_VERIFIER_RESULT_VERDICT_H_

#include <string_view>

namespace ccv::result {

// Outcome of a verification check or a policy rule. The quote and TPM
// verifiers use kPass, kFail and kSkipped; the boot_aggregate check kPass
// (match), kFail (mismatch) and kSkipped (not checked).
enum class Verdict { kPass, kFail, kWarn, kWaived, kSkipped };
// "pass", "fail", "warn", "waived", "skipped".
const char* VerdictName(Verdict v);
// The names `quote verify` and `tpm verify` print: as VerdictName, but
// "skip" for kSkipped.
std::string_view ShortVerdictName(Verdict v);
// Worst first, for sorting reports: fail 0, warn 1, waived 2, skipped 3,
// pass 4.
int VerdictRank(Verdict v);

// The outcome of a whole verification: TRUSTED (every check and every rule
// of a policy passed), VERIFIED (every check passed but no policy was given,
// so no reference value was compared) or UNTRUSTED.
enum class Outcome { kTrusted, kVerified, kUntrusted };
// "trusted", "verified", "untrusted".
const char* OutcomeName(Outcome o);

}  // namespace ccv::result

#endif  // CCV_VERIFIER_RESULT_VERDICT_H_
