// Writes a policy that pins what a known-good piece of evidence shows: the
// golden measurements a CI gate checks (`ccverify policy generate`). The
// policy, evaluated on the same facts, passes every rule; changing any
// pinned quote field, replayed register, extended event or IMA file digest
// makes the rule that pins it fail.
//
// Only bound facts are pinned (DESIGN section 8): events and IMA entries a
// quote covers. Event rules match by content, not position, so a rebuild
// that inserts an event fails no event rule. A register an IMA list extends
// is not pinned by value (every measured file changes it): replay binds it
// and the events and IMA allow list judge it. IMA's boot_aggregate is
// excluded, not pinned. Logs nothing binds are left out and named in
// Generated::left_out. A platform whose TCB status is not UpToDate is not
// known-good: Generate() refuses it unless GenerateOptions::allow_weak.
//
// Thread safety: pure function.
#ifndef CCV_POLICIES_GENERATE_H_
#define CCV_POLICIES_GENERATE_H_

#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "policies/policy.h"
#include "verifier/result/facts.h"

namespace ccv::policy {

struct GenerateOptions {
  std::string name = "generated";
  std::string version = "1";
  std::string source;  // bundle named in the header comment
  UnixTime now = 0;    // the time the evidence is judged at (--at)
  // metadata.expires; 0: now + valid_days. Callers compute it from the real
  // clock: a policy for an old bundle must not be born expired.
  UnixTime expires = 0;
  int64_t valid_days = 180;
  // One events rule per bound, extended event, matched by log, register,
  // type and content (verified text, else digest); `nth` only for
  // identical repeats.
  bool pin_events = true;
  bool pin_ima = true;  // ima.allow with every measured file
  // If set, ima.allow names this file (relative to the policy) instead of
  // listing the digests inline; write GenerateImaAllowList() to it. Large
  // lists load far faster from a file than from YAML.
  std::string ima_allow_file;
  // Write a policy even when WeakPlatformReasons() is not empty; the YAML
  // then starts with a warning comment naming the reasons.
  bool allow_weak = false;
  // Event rules from elsewhere (a prediction from build artifacts), as YAML
  // list items indented by two spaces ("  - id: ..."), appended to the
  // events section. The caller vouches that they parse.
  std::string extra_event_rules;
};

struct Generated {
  std::string yaml;
  std::vector<std::string> weak;      // WeakPlatformReasons(), if allowed
  std::vector<std::string> left_out;  // logs not pinned, and why
};

// Why `facts` are not a known-good platform to pin: a TD quote whose TCB
// status is not UpToDate, or is unknown (no collateral, TCB evaluation did
// not complete). Empty if there is no such reason.
std::vector<std::string> WeakPlatformReasons(const result::Facts& facts);

// The logs of `facts` that nothing binds, each as "<log> (<path>): <why>";
// their events are not pinned.
std::vector<std::string> UnboundLogs(const result::Facts& facts);

// The policy for `facts`. Fails with kBadValue when
// WeakPlatformReasons() is not empty and `options.allow_weak` is false.
Result<Generated> Generate(const result::Facts& facts, const GenerateOptions& options);

// The policy as commented YAML (apiVersion ccverify/v1), without the
// platform gate of Generate(): it pins a weak TCB status as it finds it,
// behind the same warning comment. For tests and library callers that
// checked WeakPlatformReasons() themselves.
std::string GeneratePolicy(const result::Facts& facts, const GenerateOptions& options);

// The IMA allow list of `facts` in the file format ParseImaAllowList reads
// ("<alg>:<hex> <path>" per line, sorted by path).
std::string GenerateImaAllowList(const result::Facts& facts);

// True if every measured path can be written to an allow-list file (no line
// breaks, no leading blank or '*').
bool ImaPathsFitAllowList(const result::Facts& facts);

// Number of distinct measured IMA paths.
size_t CountImaPaths(const result::Facts& facts);

// The stable prefix of the ids of generated event rules for `e`'s log,
// register and type, e.g. "ccel-rtmr1-ev-efi-action"; the rule id adds the
// content ("-calling-efi-application-from-boot", or a digest prefix).
std::string GeneratedEventId(const result::EventFact& e);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_GENERATE_H_
