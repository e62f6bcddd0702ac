// Bodies and issuer-chain headers of Intel PCS / PCCS API v4 responses,
// turned into the pieces of a quote::QuoteCollateral. Nothing here verifies
// a signature or a chain (check_fetched.h does). Thread-safe: pure
// functions.
#ifndef CCV_VERIFIER_COLLATERAL_PCS_RESPONSE_H_
#define CCV_VERIFIER_COLLATERAL_PCS_RESPONSE_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/collateral/http_headers.h"

namespace ccv::collateral {

// Issuer-chain headers (PCS API v4). TCB info: "TCB-Info-Issuer-Chain"
// (Intel PCS also sends the v3 name "SGX-TCB-Info-Issuer-Chain").
inline constexpr std::string_view kTcbInfoChainHeader = "TCB-Info-Issuer-Chain";
inline constexpr std::string_view kSgxTcbInfoChainHeader = "SGX-TCB-Info-Issuer-Chain";
inline constexpr std::string_view kEnclaveIdentityChainHeader = "SGX-Enclave-Identity-Issuer-Chain";
inline constexpr std::string_view kPckCrlChainHeader = "SGX-PCK-CRL-Issuer-Chain";

// A signed document of a TCB info or QE identity response.
struct SignedDocument {
  std::string body;                // the exact bytes of the signed member
  std::vector<uint8_t> signature;  // decoded from hex (r || s)
};

// Reads `{"<member>": {...}, "signature": "<hex>"}` (the body of /tcb with
// member "tcbInfo", of /qe/identity with "enclaveIdentity"): the member's
// value byte for byte as it appears in the response, since the signature is
// over those bytes. Errors: kBadValue for a body that is no JSON object,
// lacks either member, holds the member twice, has a member that is not an
// object, or a signature that is not hex.
Result<SignedDocument> ParseSignedDocument(std::string_view response, std::string_view member);

// A CRL body in any encoding Intel PCS or a PCCS uses: DER (PCS and PCCS
// with encoding=der), PEM (PCS without encoding), or the hex text of the DER
// (PCCS pckcrl without encoding=der, and PCCS rootcacrl). Surrounding
// whitespace is ignored. Returns the DER. Errors: kBadValue when the body is
// none of these or does not parse as a CRL.
Result<std::vector<uint8_t>> DecodeCrlBody(std::string_view body);

// The PEM issuer chain in the first of `names` present (compared without
// regard to case), URL-decoded. Errors: kNotFound naming the headers when
// none is present; kBadValue when the value does not decode or holds no
// "-----BEGIN CERTIFICATE-----".
Result<std::string> IssuerChainFromHeaders(const HttpHeaders& headers,
                                           std::initializer_list<std::string_view> names);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_PCS_RESPONSE_H_
