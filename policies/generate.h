// Writes a policy that pins what a known-good piece of evidence shows: the
// golden measurements a CI gate checks (`ccverify policy generate`). The
// policy, evaluated on the same facts, passes every rule; changing any
// pinned quote field, replayed register, extended event or IMA file digest
// makes the rule that pins it fail.
//
// Thread safety: pure function.
#ifndef CCV_POLICIES_GENERATE_H_
#define CCV_POLICIES_GENERATE_H_

#include <string>

#include "verifier/result/facts.h"
#include "policies/policy.h"

namespace ccv::policy {

struct GenerateOptions {
  std::string name = "generated";
  std::string version = "1";
  std::string source;          // bundle named in the header comment
  UnixTime now = 0;            // generation time
  int64_t valid_days = 180;    // metadata.expires = now + valid_days
  bool pin_events = true;      // one events rule per extended log event
  bool pin_ima = true;         // ima.allow with every measured file
  // If set, ima.allow names this file (relative to the policy) instead of
  // listing the digests inline; write GenerateImaAllowList() to it. Large
  // lists load far faster from a file than from YAML.
  std::string ima_allow_file;
};

// Returns the policy as commented YAML (apiVersion ccverify/v1).
std::string GeneratePolicy(const result::Facts& facts, const GenerateOptions& options);

// The IMA allow list of `facts` in the file format ParseImaAllowList reads
// ("<alg>:<hex> <path>" per line, sorted by path).
std::string GenerateImaAllowList(const result::Facts& facts);

// True if every measured path can be written to an allow-list file (no line
// breaks, no leading blank or '*').
bool ImaPathsFitAllowList(const result::Facts& facts);

// Number of distinct measured IMA paths.
size_t CountImaPaths(const result::Facts& facts);

// Stable rule id of a generated event rule, e.g. "ccel-rtmr1-ev-efi-action-0".
std::string GeneratedEventId(const result::EventFact& e, uint64_t nth);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_GENERATE_H_
