// Subcommands of the ccverify CLI. Each takes the arguments after its name
// (e.g. for "ccverify dump F --json": {"F", "--json"}) and returns an exit
// code of exit_codes.h. Each prints its own usage on a usage error.
#ifndef CCV_VERIFIER_CLI_COMMANDS_H_
#define CCV_VERIFIER_CLI_COMMANDS_H_

#include <string>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::cli {

using Args = std::vector<std::string>;

// `ccverify ARGS...` (the arguments after the program name): runs the
// subcommand they name and returns its exit code. Prints the usage for no or
// an unknown command (exit 2); an exception escaping a subcommand is an
// internal error (exit 4, message on stderr).
int Main(const Args& args);

// Prints "ccverify: <message>" to stderr and returns the exit code of `s`.
int ReportError(const class ::ccv::Status& s);

// ccverify dump FILE [--json | --brief] [--to cel-json|cel-tlv] ...  (cmd_dump.cc)
int RunDump(const Args& args);
// ccverify replay [--ccel F] [--tpm-log F] ... [--json]  (cmd_replay.cc)
int RunReplay(const Args& args);
// ccverify diff A B [--json]  (cmd_diff.cc)
int RunDiff(const Args& args);
// ccverify containers --ima F [--system-events F] [--json]  (cmd_containers.cc)
int RunContainers(const Args& args);
// ccverify batch merge F.jsonl... [--format text|json]  (cmd_batch.cc)
int RunBatchMerge(const Args& args);
// ccverify tpm verify --attest A --signature S --ak F ...  (cmd_tpm.cc)
int RunTpmVerify(const Args& args);

// ccverify result verify FILE (--key K | --cert C)  (cmd_result.cc)
int RunResultVerify(const Args& args);

// ccverify measure authenticode FILE [--alg A] [--json]  (cmd_measure.cc)
int RunMeasureAuthenticode(const Args& args);
// ccverify predict ... --boot direct|grub|uki [--out DIR]  (cmd_predict.cc)
int RunPredict(const Args& args);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_COMMANDS_H_
