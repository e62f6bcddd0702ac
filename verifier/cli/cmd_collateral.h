// `ccverify collateral fetch`: a quote's collateral from Intel PCS or a
// PCCS, verified, written to a file or stdout and optionally cached.
#ifndef CCV_VERIFIER_CLI_CMD_COLLATERAL_H_
#define CCV_VERIFIER_CLI_CMD_COLLATERAL_H_

#include "verifier/cli/commands.h"

namespace ccv::cli {

// ccverify collateral fetch --quote Q [--pccs-url URL | --pcs-url URL]
//     [--out F] [--cache DIR] [--root-ca PEM] [--at T]
//     [--connect-timeout S] [--timeout S]
// Exit codes: 0 written, 2 usage, 3 any fetch, verification or write
// failure (nothing written), 4 internal error.
int RunCollateralFetch(const Args& args);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_CMD_COLLATERAL_H_
