// Evidence flags shared by `ccverify verify` and `ccverify policy generate`
// (cmd_verify.cc). Internal to the CLI.
#ifndef CCV_VERIFIER_CLI_VERIFY_OPTIONS_H_
#define CCV_VERIFIER_CLI_VERIFY_OPTIONS_H_

#include <string>

#include <boost/program_options.hpp>

#include "parsers/core/result.h"
#include "verifier/bundle/evidence.h"
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

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_VERIFY_OPTIONS_H_
