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

#include "policies/facts.h"
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
};

// Returns the policy as commented YAML (apiVersion ccverify/v1).
std::string GeneratePolicy(const Facts& facts, const GenerateOptions& options);

// Stable rule id of a generated event rule, e.g. "ccel-rtmr1-ev-efi-action-0".
std::string GeneratedEventId(const EventFact& e, uint64_t nth);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_GENERATE_H_
