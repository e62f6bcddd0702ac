#include "verifier/pipeline/containers.h"

#include "parsers/core/file_io.h"
#include "policies/container_rules_eval.h"
#include "verifier/containers/container_view.h"

namespace ccv::pipeline {

Result<std::vector<std::vector<uint8_t>>> ReadSystemEventsFile(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
  Result<std::vector<std::vector<uint8_t>>> events = containers::ParseSystemEventsJson(text);
  if (!events.ok()) return events.status().WithFile(path);
  return events;
}

Result<std::string> GenerateContainerBlock(const std::optional<std::string>& ima_path,
                                           const std::string& id,
                                           const std::optional<std::string>& system_events_path) {
  if (!ima_path) {
    return Status(ErrorCode::kInvalidArgument, "--container needs evidence with an IMA list");
  }
  containers::ContainerViewOptions options;
  if (system_events_path) {
    CCV_ASSIGN_OR_RETURN(options.system_events, ReadSystemEventsFile(*system_events_path));
  }
  CCV_ASSIGN_OR_RETURN(containers::ContainerView view,
                       containers::BuildContainerViewFile(*ima_path, ima::ReadOptions{}, options));
  policy::ContainerGenerateOptions g;
  g.system_events = options.system_events;
  Result<std::string> block = policy::GenerateContainerPolicy(view, id, g);
  if (!block.ok()) return block.status().WithFile(*ima_path);
  return block;
}

policy::Policy ContainerRulesOnly(const policy::Policy& pol) {
  policy::Policy only;
  only.api_version = pol.api_version;
  only.name = pol.name;
  only.version = pol.version;
  only.expires = pol.expires;
  only.expires_text = pol.expires_text;
  only.waivers = pol.waivers;
  only.containers = pol.containers;
  only.logs = pol.logs;
  only.binding = pol.binding;
  only.platform.collateral_optional = pol.platform.collateral_optional;
  only.source = pol.source;
  return only;
}

}  // namespace ccv::pipeline
