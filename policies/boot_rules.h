// The policy's `boot:` section: rules over the boot facts
// (verifier/result/boot_facts.h) — how the platform booted, as the firmware
// and the boot loader measured it.
//
//   boot:
//     secure_boot: required          # the SecureBoot variable measured as 1
//     db_contains: [SHA-256 of a certificate, ...]   # each one in db
//     dbx_min_entries: 371           # dbx holds at least this many entries
//     cmdline: {require: ["module.sig_enforce=1"], forbid: ["init=/bin/sh"]}
//
// Rule ids: boot.secure_boot, boot.db_contains, boot.dbx_min_entries,
// boot.cmdline. Fail closed: a fact the evidence does not give (no bound,
// verified event measured it) fails its rule, saying why.
//
// Thread safety: a value type; pure functions.
#ifndef CCV_POLICIES_BOOT_RULES_H_
#define CCV_POLICIES_BOOT_RULES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "policies/policy.h"
#include "verifier/result/boot_facts.h"

namespace YAML {
class Node;
}

namespace ccv::policy {

struct ParseOptions;
struct RuleResult;

struct BootPolicy {
  SourcePos pos;
  bool secure_boot_required = false;
  SourcePos secure_boot_pos;
  std::vector<std::string> db_contains;  // lowercase hex SHA-256 fingerprints
  SourcePos db_contains_pos;
  std::optional<uint64_t> dbx_min_entries;
  SourcePos dbx_min_entries_pos;
  std::vector<std::string> cmdline_require, cmdline_forbid;
  SourcePos cmdline_pos;
  bool HasCmdline() const { return !cmdline_require.empty() || !cmdline_forbid.empty(); }
};

// Reads the `boot:` mapping. Errors name the policy file, line and key.
Result<std::shared_ptr<const BootPolicy>> ParseBootPolicy(const YAML::Node& node,
                                                          const ParseOptions& options);

// Appends one RuleResult per rule the section holds.
void EvaluateBootRules(const BootPolicy& policy, const result::BootFacts& facts,
                       std::vector<RuleResult>* out);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_BOOT_RULES_H_
