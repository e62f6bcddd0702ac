// Evidence flags shared by `ccverify verify` and `ccverify policy generate`
// (verify_options.cc). Internal to the CLI.
#ifndef CCV_VERIFIER_CLI_VERIFY_OPTIONS_H_
#define CCV_VERIFIER_CLI_VERIFY_OPTIONS_H_

#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/result.h"
#include "verifier/bundle/evidence.h"
#include "verifier/cli/command_line.h"
#include "verifier/pipeline/verify.h"

namespace ccv::cli {

struct EvidenceRequest {
  bundle::Evidence evidence;
  pipeline::VerifyOptions options;
  std::string source;   // bundle dir or the first file, for reports
  std::string at_text;  // RFC 3339 of options.at, with its fraction if any
};

// Adds --bundle (positional), --collateral, --at, --root-ca, --nonce,
// --user-data, --report-data and the per-file flags.
void AddEvidenceOptions(boost::program_options::options_description* desc);

// Loads the bundle (if given) and applies the flags over it. Errors:
// kInvalidArgument for bad flag values (usage), else input errors.
Result<EvidenceRequest> EvidenceFromOptions(const boost::program_options::variables_map& vm);

// Names the collateral `collateral fetch` cached in `cache_dir` for e's
// quote when neither --collateral nor the bundle names one (and there is a
// quote). Errors: the quote or PCK chain unreadable, no cached collateral.
Status FillCollateralFromCache(const std::string& cache_dir, bundle::Evidence* e);

// `ccverify verify --batch` (cmd_batch.cc) once verify's flags are parsed
// and the combinations it shares with verify (the IMA state and policy
// flags) checked; `help` is verify's usage for usage errors.
int RunVerifyBatch(const boost::program_options::variables_map& vm, const CommandHelp& help);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_VERIFY_OPTIONS_H_
