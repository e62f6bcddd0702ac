// Process exit codes of ccverify (docs/cli.md). Scripts and CI gates rely on
// these values: never renumber.
#ifndef CCV_VERIFIER_CLI_EXIT_CODES_H_
#define CCV_VERIFIER_CLI_EXIT_CODES_H_

#include "parsers/core/status.h"

namespace ccv::cli {

enum ExitCode : int {
  kExitTrusted = 0,    // trusted / passed
  kExitUntrusted = 1,  // a check or policy rule failed
  kExitUsage = 2,      // bad command line
  kExitInput = 3,      // missing or malformed input file
  kExitInternal = 4,   // internal error
};

// Maps a "could not evaluate" Status to an exit code: kInternal -> 4,
// kInvalidArgument -> 2, everything else (input problems) -> 3.
inline int ExitCodeFor(const Status& s) {
  if (s.ok()) return kExitTrusted;
  switch (s.code()) {
    case ErrorCode::kInternal:
      return kExitInternal;
    case ErrorCode::kInvalidArgument:
      return kExitUsage;
    default:
      return kExitInput;
  }
}

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_EXIT_CODES_H_
