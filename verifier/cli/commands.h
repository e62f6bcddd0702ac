// Subcommands of the ccverify CLI. Each takes the arguments after its name
// (e.g. for "ccverify dump F --json": {"F", "--json"}) and returns an exit
// code of exit_codes.h. Each prints its own usage on a usage error.
#ifndef CCV_VERIFIER_CLI_COMMANDS_H_
#define CCV_VERIFIER_CLI_COMMANDS_H_

#include <optional>
#include <string>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::policy {
struct Policy;
}  // namespace ccv::policy
namespace ccv::result {
struct Facts;
}  // namespace ccv::result
namespace ccv::bundle {
struct Evidence;
}  // namespace ccv::bundle

namespace ccv::cli {

using Args = std::vector<std::string>;

// Prints "ccverify: <message>" to stderr and returns the exit code of `s`.
int ReportError(const class ::ccv::Status& s);

// ccverify dump FILE [--json]  (cmd_dump.cc)
int RunDump(const Args& args);
// ccverify replay [--ccel F] [--tpm-log F] ... [--json]  (cmd_replay.cc)
int RunReplay(const Args& args);
// ccverify containers --ima F [--system-events F] [--json]  (cmd_containers.cc)
int RunContainers(const Args& args);
// ccverify tpm verify --attest A --signature S --ak F ...  (cmd_tpm.cc)
int RunTpmVerify(const Args& args);
// For policy generate --container ID: the `containers:` block pinning that
// pod or container of the IMA list (system events from a JSON file or none).
Result<std::string> GenerateContainerBlock(const std::optional<std::string>& ima_path,
                                           const std::string& id,
                                           const std::optional<std::string>& system_events_path);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_COMMANDS_H_
