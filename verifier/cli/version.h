// Version and build information printed by `ccverify --version`.
#ifndef CCV_VERIFIER_CLI_VERSION_H_
#define CCV_VERIFIER_CLI_VERSION_H_

#include <string>

namespace ccv::cli {

// "ccverify 0.1.0 (OpenSSL 3.0.x ...; batch hash backend: ipsec-mb-avx512
// (libipsec-mb 1.3.0))".
std::string VersionString();

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_VERSION_H_
