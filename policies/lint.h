// `ccverify policy lint`: weaknesses of a policy that parses. Flags unknown
// keys, unpinned registers (MRTD and each RTMR neither pinned in `td` nor
// required to match replay), catch-all IMA excludes, expired or missing
// policy expiry, expired waivers, waivers that match nothing, a debuggable TD,
// `ima.unknown: ignore` and `platform.collateral: optional`.
//
// Thread safety: pure function.
#ifndef CCV_POLICIES_LINT_H_
#define CCV_POLICIES_LINT_H_

#include <regex>
#include <string>
#include <vector>

#include "policies/policy.h"
#include "policies/policy_parser.h"

namespace ccv::policy {

enum class LintSeverity { kError, kWarning };

struct LintFinding {
  LintSeverity severity = LintSeverity::kWarning;
  std::string code;  // "unknown-key", "unpinned-register", "catch-all-exclude", ...
  SourcePos pos;     // 0 = the policy as a whole
  std::string message;
};

std::vector<LintFinding> LintPolicy(const Policy& policy,
                                    const std::vector<UnknownKey>& unknown_keys, UnixTime now);

// True if `re` matches every one of a set of unrelated sample paths
// (catch_all_regex.cc).
bool IsCatchAllRegex(const Regex& re);
// The same test for a std::regex, which policies no longer hold.
bool IsCatchAllRegex(const std::regex& re);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_LINT_H_
