// `ccverify verify`, `ccverify policy generate` and `ccverify policy lint`
// (docs/cli.md). Exit codes: 0 trusted / passed, 1 untrusted (a check or
// policy rule failed; lint: an error finding), 2 usage, 3 input error,
// 4 internal error.
#ifndef CCV_VERIFIER_CLI_CMD_VERIFY_H_
#define CCV_VERIFIER_CLI_CMD_VERIFY_H_

#include "verifier/cli/commands.h"

namespace ccv::cli {

// ccverify verify BUNDLE_DIR [--policy P.yaml] [--collateral F] [--at T]
//     [--root-ca PEM] [--nonce HEX [--user-data HEX] | --report-data HEX]
//     [--format text|json|junit] [--output F] [--quote F] [--ccel F]
//     [--ccel-table F] [--ima F] [--ima-register R] [--tpm-log F]
//     [--collateral-cache DIR]
int RunVerify(const Args& args);

// ccverify policy generate BUNDLE_DIR [--output P.yaml] [--name N]
//     [--version V] [evidence flags as for verify]
int RunPolicyGenerate(const Args& args);

// ccverify policy lint P.yaml [--at T] [--strict]
int RunPolicyLint(const Args& args);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_CMD_VERIFY_H_
