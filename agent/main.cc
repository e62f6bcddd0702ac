// ccverify-agent: collects the evidence of a TDX guest into a bundle
// directory for `ccverify verify` (docs/cli.md, docs/json.md).
#include <cstdio>
#include <exception>
#include <signal.h>
#include <string>
#include <vector>

#include "agent/args.h"
#include "agent/collector.h"

#ifndef CCV_VERSION
#define CCV_VERSION "unknown"
#endif

namespace ccv::agent {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "ccverify-agent: %s\n", s.ToString().c_str());
  return AgentExitCodeFor(s);
}

// Holds SIGINT, SIGTERM, SIGHUP and SIGQUIT while alive: a termination
// request during collection takes effect once the configfs-tsm entry is
// removed and the bundle is complete (or cleaned up), never halfway.
class ScopedTerminationBlock {
 public:
  ScopedTerminationBlock() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
    blocked_ = ::sigprocmask(SIG_BLOCK, &set, &old_) == 0;
  }
  ~ScopedTerminationBlock() {
    std::fflush(stdout);
    if (blocked_) ::sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  ScopedTerminationBlock(const ScopedTerminationBlock&) = delete;
  ScopedTerminationBlock& operator=(const ScopedTerminationBlock&) = delete;

 private:
  sigset_t old_;
  bool blocked_ = false;
};

int RunCollect(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::fputs(kAgentUsage, stdout);
      return kAgentExitOk;
    }
  }
  Result<CollectArgs> parsed = ParseCollectArgs(args);
  if (!parsed.ok()) {
    std::fprintf(stderr, "ccverify-agent: %s\n%s", parsed.status().message().c_str(), kAgentUsage);
    return kAgentExitUsage;
  }
  ScopedTerminationBlock hold;
  Result<Evidence> evidence = CollectEvidence(parsed->options);
  if (!evidence.ok()) return Fail(evidence.status());
  std::vector<std::string> warnings;
  if (Status s = CheckEvidence(*evidence, &warnings); !s.ok()) {
    return Fail(s.WithContext("collected evidence failed its checks"));
  }
  for (const std::string& w : warnings) {
    std::fprintf(stderr, "ccverify-agent: warning: %s\n", w.c_str());
  }
  if (Status s = WriteEvidenceBundle(*evidence, parsed->out_dir); !s.ok()) return Fail(s);
  if (evidence->td_report) {
    std::fprintf(stderr, "ccverify-agent: warning: no quote (%s); bundled the TDREPORT\n",
                 evidence->quote_unavailable.c_str());
  }
  std::printf("%s\n", parsed->out_dir.c_str());
  return kAgentExitOk;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::fputs(kAgentUsage, stderr);
    return kAgentExitUsage;
  }
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kAgentUsage, stdout);
    return kAgentExitOk;
  }
  if (args[0] == "--version" || args[0] == "version") {
    std::printf("ccverify-agent %s\n", CCV_VERSION);
    return kAgentExitOk;
  }
  if (args[0] == "collect") return RunCollect({args.begin() + 1, args.end()});
  std::fprintf(stderr, "ccverify-agent: unknown command '%s'\n%s", args[0].c_str(), kAgentUsage);
  return kAgentExitUsage;
}

}  // namespace
}  // namespace ccv::agent

int main(int argc, char** argv) {
  try {
    return ccv::agent::Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ccverify-agent: internal error: %s\n", e.what());
    return ccv::agent::kAgentExitInternal;
  } catch (...) {
    std::fprintf(stderr, "ccverify-agent: internal error: unknown exception\n");
    return ccv::agent::kAgentExitInternal;
  }
}
