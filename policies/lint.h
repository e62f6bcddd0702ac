// `ccverify policy lint`: weaknesses of a policy that parses. Errors: unknown
// keys, an expired policy or waiver, catch-all IMA excludes, a tcb_status
// that accepts Revoked, NotSupported or UnrecognizedStatus. Warnings:
// unpinned registers (MRTD and each RTMR neither pinned in `td` nor required
// to match replay), no expiry, waivers that match nothing, waivers of
// measurement rules (`events.*`, `ima.*`) or by wildcard, a debuggable TD,
// optional or warn-only event rules, text_regex that matches any text,
// regexes with nested quantifiers, logs.informational,
// logs.unexplained_digests: warn, `ima.unknown: ignore`,
// `platform.collateral: optional`, td.rtmr2 pinned in a policy with an ima
// section (ima-register-pinned) and event rules that select by `nth` or
// `index` without a digest, text or decoded field (positional-event-rule).
//
// Thread safety: pure function.
#ifndef CCV_POLICIES_LINT_H_
#define CCV_POLICIES_LINT_H_

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

// True if `re` matches every one of a set of absolute sample paths (every
// file IMA measures has one).
bool IsCatchAllRegex(const Regex& re);

// True if the IMA exclude `pattern` matches every absolute path: by its
// text (an empty alternative, `^`, `.*`, `^/`, `(?s).`, ...) or, when it
// compiles and has no nested quantifier, by the sample paths.
bool IsCatchAllPattern(const std::string& pattern);

// True if a text_regex `pattern` matches any text ("", ".*", "^", ...).
bool IsCatchAllTextPattern(const std::string& pattern);

// True if `pattern` repeats a group that itself holds a repetition
// (`(a+)+`, `(.*)*`, `(x|y+)*`): a backtracking engine takes exponential
// time on it. A syntactic check.
bool HasNestedQuantifier(const std::string& pattern);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_LINT_H_
