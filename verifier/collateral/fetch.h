// Fetching the collateral of one CollateralKey from Intel PCS or a PCCS (API
// v4, pcs_url.h) into a quote::QuoteCollateral: TCB info and QE identity
// with their signatures and issuer chains, the PCK CRL with its issuer
// chain, and the root CA CRL (PCCS: its rootcacrl path; PCS: the trust
// anchor's CRL distribution point). Nothing fetched is verified here
// (check_fetched.h). Thread safety: as the HttpClient passed in.
#ifndef CCV_VERIFIER_COLLATERAL_FETCH_H_
#define CCV_VERIFIER_COLLATERAL_FETCH_H_

#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/collateral/collateral_key.h"
#include "verifier/collateral/http_client.h"
#include "verifier/collateral/pcs_url.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/collateral.h"

namespace ccv::collateral {

struct FetchedCollateral {
  quote::QuoteCollateral collateral;
  std::vector<std::string> urls;  // every URL fetched, in order
};

// Errors name the URL: kIo "GET <url>: HTTP <status>" (with the service's
// Error-Code / Error-Message headers when it sends them) or the client's
// transport error; kNotFound for a response without its issuer-chain header,
// or, from Intel PCS, a trust anchor without an http(s) CRL distribution
// point; kBadValue for a body or header that does not decode. `anchor` is
// read only for its CRL distribution point (Intel PCS).
Result<FetchedCollateral> FetchCollateral(HttpClient& client, const Service& service,
                                          const CollateralKey& key,
                                          const crypto::Certificate& anchor);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_FETCH_H_
