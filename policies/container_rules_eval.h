// Evaluation of container-scoped rules (container_rules.h) against the
// per-container view of an ima-cgpath list, and generation of rules that
// pin one pod's or container's measurements (`policy generate --container`).
//
// Every rule yields RuleResults with `container` naming the pod or
// container ("<pod UID>/<container ID>", "<pod UID>", or a Docker container
// ID) and evidence pointers "ima#N" to the records involved. Rule ids:
// containers.<id>.select, .virtual_imr3, .entrypoint, .measured, .allow,
// .unknown, .forbid, .executables; containers.unlisted.
//
// Violation records (all-zero template hash: IMA could not measure the
// file) carry no file digest; allow/unknown count them without judging.
//
// Fail closed: a rule that selects nothing fails (skipped when `optional`),
// and a policy with container rules fails when the evidence has no
// ima-cgpath list.
//
// Thread safety: pure functions.
#ifndef CCV_POLICIES_CONTAINER_RULES_EVAL_H_
#define CCV_POLICIES_CONTAINER_RULES_EVAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "policies/container_rules.h"
#include "policies/evaluator.h"
#include "policies/lint.h"
#include "verifier/containers/container_view.h"
#include "verifier/result/facts.h"

namespace ccv::policy {

// Appends the results of every container rule to *out. `view` may be null
// (no ima-cgpath list in the evidence).
void EvaluateContainerRules(const ContainerPolicy& policy, const containers::ContainerView* view,
                            std::vector<RuleResult>* out);

// Display name of a container inside a unit, as RuleResult::container uses.
std::string ContainerDisplayName(const containers::ContainerUnit& unit,
                                 const containers::ContainerInfo& c);

struct ContainerGenerateOptions {
  // System events the view was built with (written to system_events).
  std::vector<std::vector<uint8_t>> system_events;
  bool pin_executables = true;
  std::string indent = "";  // prefix for every line (to nest the block)
};

// The `containers:` block (YAML text, starting with "containers:") with one
// rule per container of the unit that `id` names (pod UID, CIMA ID,
// container ID or prefix): its entrypoint and digest, the allow list of its
// measured files, unknown: fail, its executables; the unit's virtual IMR3 when
// `id` names the whole unit. Errors: kNotFound when no unit matches.
Result<std::string> GenerateContainerPolicy(const containers::ContainerView& view,
                                            std::string_view id,
                                            const ContainerGenerateOptions& options);

// Lint findings of the `containers:` block (policy lint): entrypoint or
// required files without a digest (container-no-digest), an allow list with
// unknown: ignore (container-unknown-ignored), catch-all excludes
// (catch-all-exclude), a pinned virtual IMR3 without system events
// (container-imr3-no-system-events) and containers left unchecked
// (container-unlisted-ignored).
void LintContainerPolicy(const ContainerPolicy& policy, std::vector<LintFinding>* out);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_CONTAINER_RULES_EVAL_H_
