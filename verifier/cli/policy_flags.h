// --policy, --policy-signature and --policy-key: shared by `ccverify verify`
// and `ccverify verify --batch` (the policy is loaded and its signature
// verified once, before any bundle). Internal to the CLI.
#ifndef CCV_VERIFIER_CLI_POLICY_FLAGS_H_
#define CCV_VERIFIER_CLI_POLICY_FLAGS_H_

#include <boost/program_options.hpp>

#include "parsers/core/result.h"
#include "policies/policy.h"
#include "verifier/report/verify_report.h"

namespace ccv::cli {

// The flags' combinations: --policy-signature and --policy-key need
// --policy, --policy-signature needs --policy-key. Errors: kInvalidArgument
// (a usage error).
Status CheckPolicyFlags(const boost::program_options::variables_map& vm);

// The --policy file, used only if --policy-signature verifies over its
// exact bytes with --policy-key (when a key is given). Fills the policy
// digest and signer of `ctx`. Errors: the file's, kBadSignature for a
// signature that does not verify or is missing, kBadValue for one that is
// malformed, kUnsupported for a signed policy naming other files.
Result<policy::Policy> LoadPolicyFromOptions(const boost::program_options::variables_map& vm,
                                             report::VerifyReportContext* ctx);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_POLICY_FLAGS_H_
