// The policy's `kernel:` section: rules over the kernel facts
// (verifier/result/kernel_facts.h) — what the running kernel measured about
// itself into the IMA list as critical data.
//
//   kernel:
//     dm_verity:                       # each device's last bound table load
//       - {device: vroot, root_digest: 29cb87e6...}   # is dm-verity with this root
//     selinux:
//       enforcing: required            # the last bound selinux-state: enforcing=1
//       policy_hash: [sha256 hex, ...] # the last bound selinux-policy-hash is one
//     kexec: forbid                    # no bound kexec-cmdline record, or
//     kexec: {allow: ["console=ttyS0 root=/dev/vda"]}   # each one is listed
//
// Rule ids: kernel.dm_verity, kernel.selinux.enforcing,
// kernel.selinux.policy_hash, kernel.kexec. Fail closed: without a bound,
// digest-verified record giving the fact, a rule fails and says why; `kexec`
// needs a bound IMA list (an absent record proves nothing otherwise) and
// judges only records the quoted value covers.
//
// Thread safety: a value type; pure functions.
#ifndef CCV_POLICIES_KERNEL_RULES_H_
#define CCV_POLICIES_KERNEL_RULES_H_

#include <memory>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "policies/policy.h"
#include "verifier/result/facts.h"

namespace YAML {
class Node;
}

namespace ccv::policy {

struct ParseOptions;
struct RuleResult;

struct DmVerityRequirement {
  std::string device;
  std::string root_digest;  // lowercase hex
  SourcePos pos;
};

struct KernelPolicy {
  SourcePos pos;
  std::vector<DmVerityRequirement> dm_verity;
  SourcePos dm_verity_pos;
  bool selinux_enforcing = false;
  SourcePos selinux_enforcing_pos;
  std::vector<std::string> selinux_policy_hash;  // lowercase hex
  SourcePos selinux_policy_hash_pos;
  bool kexec_set = false;
  bool kexec_forbid = false;               // `kexec: forbid`
  std::vector<std::string> kexec_allowed;  // `kexec: {allow: [...]}`
  SourcePos kexec_pos;
};

// Reads the `kernel:` mapping. Errors name the policy file, line and key.
Result<std::shared_ptr<const KernelPolicy>> ParseKernelPolicy(const YAML::Node& node,
                                                              const ParseOptions& options);

// Appends one RuleResult per rule the section holds.
void EvaluateKernelRules(const KernelPolicy& policy, const result::Facts& facts,
                         std::vector<RuleResult>* out);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_KERNEL_RULES_H_
