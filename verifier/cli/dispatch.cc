// The ccverify command table: finds the subcommand named by the first one or
// two arguments and runs it. Subcommands and exit codes: docs/cli.md.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/status.h"
#include "verifier/cli/cmd_collateral.h"
#include "verifier/cli/cmd_quote.h"
#include "verifier/cli/cmd_verify.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/version.h"
#include "verifier/crypto/batch_hash.h"
#include "verifier/crypto/ordered_worker.h"

namespace ccv::cli {

int ReportError(const Status& s) {
  std::fprintf(stderr, "ccverify: %s\n", s.ToString().c_str());
  return ExitCodeFor(s);
}

namespace {

struct Command {
  std::string_view name;  // one or two words
  int (*run)(const Args&);
  std::string_view summary;
};

// Registered subcommands, in the order `ccverify --help` lists them.
constexpr Command kCommands[] = {
    {"", nullptr, ""},  // placeholder so the table is never empty
    {"verify", RunVerify, "verify an evidence bundle (quote, logs, replay) against a policy"},
    {"batch merge", RunBatchMerge,
     "merge the JSON lines of verify --batch runs (shards) into one fleet summary"},
    {"replay", RunReplay, "replay event logs into registers (--ccel, --tpm-log, --ima, --cel)"},
    {"dump", RunDump, "print every record of a log, quote or TD report"},
    {"quote verify", RunQuoteVerify, "verify a DCAP quote against collateral (TCB status)"},
    {"tpm verify", RunTpmVerify, "verify TPM 2.0 quotes against an AK, a nonce, PCRs and a log"},
    {"result verify", RunResultVerify,
     "check a signed result (verify --report jws=F or ear=F) with a key or certificate"},
    {"collateral fetch", RunCollateralFetch,
     "fetch and verify a quote's collateral from Intel PCS or a PCCS (cached)"},
    {"policy generate", RunPolicyGenerate, "write a policy pinning what a known-good bundle shows"},
    {"policy lint", RunPolicyLint, "flag weaknesses of a policy"},
    {"containers", RunContainers, "per-pod and per-container view of an ima-cgpath list"},
    {"diff", RunDiff, "what changed between two bundles, or a bundle and a policy"},
    {"measure authenticode", RunMeasureAuthenticode,
     "the Authenticode digest firmware logs for a PE/COFF image, and its signatures"},
    {"predict", RunPredict,
     "predict the measured events of a boot from its artifacts (CEL-JSON, policy fragment)"},
};

// Every CCV_* variable ccverify reads, checked before any work: a value that
// would otherwise be ignored is a usage error (docs/cli.md, Environment).
int CheckEnvironment() {
  for (const Status& s : {crypto::CheckThreadsEnv(std::getenv("CCV_THREADS")),
                          crypto::CheckHashBackendEnv(std::getenv("CCV_HASH_BACKEND"))}) {
    if (!s.ok()) {
      std::fprintf(stderr, "ccverify: %s\n", s.message().c_str());
      return kExitUsage;
    }
  }
  return kExitTrusted;
}

// One line per command, the same in `ccverify --help` and a group's --help:
// the name padded to the longest one ("measure authenticode").
void PrintCommandLine(FILE* out, const Command& c) {
  std::fprintf(out, "  %-21.*s %.*s\n", int(c.name.size()), c.name.data(), int(c.summary.size()),
               c.summary.data());
}

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "usage: ccverify COMMAND [ARGS...]\n"
               "       ccverify --version\n\ncommands:\n");
  for (const Command& c : kCommands) {
    if (c.run == nullptr) continue;
    PrintCommandLine(out, c);
  }
}

// A command group is the first word of two-word commands ("policy", "quote").
// `ccverify GROUP --help` lists the group's commands and exits 0; a missing or
// unknown second word is a usage error that lists them.
bool IsGroup(std::string_view word) {
  for (const Command& c : kCommands) {
    if (c.run != nullptr && c.name.size() > word.size() && c.name.substr(0, word.size()) == word &&
        c.name[word.size()] == ' ') {
      return true;
    }
  }
  return false;
}

int GroupUsage(const Args& args) {
  const std::string& group = args[0];
  const bool help = args.size() >= 2 && (args[1] == "--help" || args[1] == "-h");
  FILE* out = help ? stdout : stderr;
  if (!help) {
    if (args.size() < 2) {
      std::fprintf(stderr, "ccverify: '%s' needs a command\n", group.c_str());
    } else {
      std::fprintf(stderr, "ccverify: unknown command '%s %s'\n", group.c_str(), args[1].c_str());
    }
  }
  std::fprintf(out, "usage: ccverify %s COMMAND [ARGS...]\n\ncommands:\n", group.c_str());
  for (const Command& c : kCommands) {
    if (c.run == nullptr || c.name.substr(0, group.size() + 1) != group + " ") continue;
    PrintCommandLine(out, c);
  }
  std::fprintf(out, "\n`ccverify %s COMMAND --help` shows a command's options.\n", group.c_str());
  return help ? kExitTrusted : kExitUsage;
}

int Dispatch(const Args& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    PrintUsage(args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitTrusted;
  }
  if (int rc = CheckEnvironment(); rc != kExitTrusted) return rc;
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("%s\n", VersionString().c_str());
    return kExitTrusted;
  }
  // Two-word commands first ("quote verify"), then one-word ones.
  for (const Command& c : kCommands) {
    if (c.run == nullptr) continue;
    if (args.size() >= 2 && c.name == args[0] + " " + args[1]) {
      return c.run(Args(args.begin() + 2, args.end()));
    }
  }
  for (const Command& c : kCommands) {
    if (c.run == nullptr) continue;
    if (c.name == args[0]) return c.run(Args(args.begin() + 1, args.end()));
  }
  if (IsGroup(args[0])) return GroupUsage(args);
  std::fprintf(stderr, "ccverify: unknown command '%s'\n", args[0].c_str());
  PrintUsage(stderr);
  return kExitUsage;
}

}  // namespace

int Main(const Args& args) {
  try {
    return Dispatch(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccverify: internal error: %s\n", e.what());
    return kExitInternal;
  } catch (...) {
    std::fprintf(stderr, "ccverify: internal error: unknown exception\n");
    return kExitInternal;
  }
}

}  // namespace ccv::cli
