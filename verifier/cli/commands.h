// Subcommands of the ccverify CLI. Each takes the arguments after its name
// (e.g. for "ccverify dump F --json": {"F", "--json"}) and returns an exit
// code of exit_codes.h. Each prints its own usage on a usage error.
#ifndef CCV_VERIFIER_CLI_COMMANDS_H_
#define CCV_VERIFIER_CLI_COMMANDS_H_

#include <string>
#include <vector>

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

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_COMMANDS_H_
