// Command line of ccverify-agent (docs/cli.md), parsed by hand: the agent links
// no option library.
//
//   ccverify-agent collect --out DIR [--root PATH] [--nonce HEX] [--user-data HEX]
//                          [--require tdx] [--tpm-device PATH|none] [--tpm-nonce HEX]
//                          [--tpm-ak ecc|rsa]
//   ccverify-agent --help | --version
//
// Options take "--name value" or "--name=value". Thread safety: stateless.
#ifndef CCV_AGENT_ARGS_H_
#define CCV_AGENT_ARGS_H_

#include <string>
#include <vector>

#include "agent/collector.h"
#include "parsers/core/result.h"

namespace ccv::agent {

// Exit codes, the same classes as ccverify's (docs/cli.md).
enum AgentExit : int {
  kAgentExitOk = 0,
  kAgentExitUsage = 2,     // bad command line
  kAgentExitInput = 3,     // missing, unreadable or malformed evidence; cannot write
  kAgentExitInternal = 4,  // a bug
};

struct CollectArgs {
  std::string out_dir;
  CollectOptions options;
};

// Parses the arguments after "collect". Errors: kInvalidArgument naming the
// option (unknown option, missing value, repeated option, bad hex, no --out).
Result<CollectArgs> ParseCollectArgs(const std::vector<std::string>& args);

// Exit code for a failed Status.
int AgentExitCodeFor(const Status& s);

extern const char kAgentUsage[];

}  // namespace ccv::agent

#endif  // CCV_AGENT_ARGS_H_
