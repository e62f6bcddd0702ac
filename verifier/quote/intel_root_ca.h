// The trust anchor of DCAP verification: the Intel SGX Root CA
// (CN=Intel SGX Root CA, O=Intel Corporation, valid 2018-05-21 to
// 2049-12-31; SHA-256 fingerprint
// 44A0196B2B99F889B8E149E95B807A350E7424964399E885A7CBB8CCFAB674D3).
#ifndef CCV_VERIFIER_QUOTE_INTEL_ROOT_CA_H_
#define CCV_VERIFIER_QUOTE_INTEL_ROOT_CA_H_

#include <string_view>

namespace ccv::quote {

// PEM of the Intel SGX Root CA certificate.
extern const std::string_view kIntelSgxRootCaPem;
// Its SHA-256 fingerprint, uppercase hex.
inline constexpr std::string_view kIntelSgxRootCaSha256 =
    "44A0196B2B99F889B8E149E95B807A350E7424964399E885A7CBB8CCFAB674D3";

}  // namespace ccv::quote

#endif  // CCV_VERIFIER_QUOTE_INTEL_ROOT_CA_H_
