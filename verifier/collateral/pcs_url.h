// URLs of the Intel PCS / PCCS collateral API, version 4 (Intel SGX and TDX
// Provisioning Certification Service API v4; the PCCS serves the same paths):
//   GET {base}/{sgx|tdx}/certification/v4/tcb?fmspc={FMSPC}
//   GET {base}/{sgx|tdx}/certification/v4/qe/identity
//   GET {base}/sgx/certification/v4/pckcrl?ca={processor|platform}&encoding=der
//   GET {base}/sgx/certification/v4/rootcacrl            (PCCS only)
// Intel PCS has no rootcacrl path: its root CA CRL is published at the
// Intel SGX Root CA's CRL distribution point. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_COLLATERAL_PCS_URL_H_
#define CCV_VERIFIER_COLLATERAL_PCS_URL_H_

#include <string>
#include <string_view>

#include "parsers/core/result.h"
#include "verifier/collateral/collateral_key.h"

namespace ccv::collateral {

inline constexpr std::string_view kIntelPcsUrl = "https://api.trustedservices.intel.com";

enum class ServiceKind { kPcs, kPccs };

struct Service {
  ServiceKind kind = ServiceKind::kPcs;
  std::string base_url;  // scheme://host[:port][/prefix], no trailing '/'
};

// A service at `url`: http or https, no query or fragment, no whitespace or
// control characters. Trailing '/' and a trailing API root
// ("/sgx/certification/v4" or "/tdx/certification/v4", as a QCNL
// configuration spells a PCCS URL) are removed. Errors: kInvalidArgument
// saying what is wrong (another API version included).
Result<Service> MakeService(ServiceKind kind, std::string_view url);

std::string TcbInfoUrl(const Service& service, const CollateralKey& key);
std::string QeIdentityUrl(const Service& service, Tee tee);
// Asks for DER; a PCCS that predates `encoding` answers with hex text.
std::string PckCrlUrl(const Service& service, PckCa ca);
// PCCS only.
std::string RootCaCrlUrl(const Service& service);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_PCS_URL_H_
