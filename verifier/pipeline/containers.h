// The container parts of the pipeline the CLI calls: system events from a
// file, the `containers:` policy block for one unit of an IMA list, and the
// policy that evaluates container rules alone (ccverify containers --policy).
// Thread safety: pure functions over the files they read.
#ifndef CCV_VERIFIER_PIPELINE_CONTAINERS_H_
#define CCV_VERIFIER_PIPELINE_CONTAINERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "policies/policy.h"

namespace ccv::pipeline {

// A --system-events file: JSON array of {"data_hex"}. Errors name the file.
Result<std::vector<std::vector<uint8_t>>> ReadSystemEventsFile(const std::string& path);

// For policy generate --container ID: the `containers:` block pinning that
// pod or container of the IMA list (system events from a JSON file or none).
Result<std::string> GenerateContainerBlock(const std::optional<std::string>& ima_path,
                                           const std::string& id,
                                           const std::optional<std::string>& system_events_path);

// `policy` with its metadata, expiry, waivers, log and binding settings and
// container rules, and no platform or TD rules: Verify over it judges the
// containers on the same checks as `verify`.
policy::Policy ContainerRulesOnly(const policy::Policy& policy);

}  // namespace ccv::pipeline

#endif  // CCV_VERIFIER_PIPELINE_CONTAINERS_H_
