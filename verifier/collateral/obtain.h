// `collateral fetch` as a library call: the verified collateral of one key,
// from a fresh cache entry when there is one, else from Intel PCS or a PCCS;
// and the atomic writing of the result. Whatever is returned, cached or
// written passed VerifyFetchedCollateral at the requested time.
// Thread safety: as the HttpClient passed in; concurrent calls on one cache
// directory may fetch twice but never leave a partial entry.
#ifndef CCV_VERIFIER_COLLATERAL_OBTAIN_H_
#define CCV_VERIFIER_COLLATERAL_OBTAIN_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "verifier/collateral/collateral_key.h"
#include "verifier/collateral/http_client.h"
#include "verifier/collateral/pcs_url.h"
#include "verifier/quote/collateral.h"

namespace ccv::collateral {

struct ObtainRequest {
  Service service;
  CollateralKey key;
  std::optional<std::string> root_ca_pem;  // trust anchor; default Intel SGX Root CA
  Time at;                                 // verification time and cache clock
  std::optional<std::string> cache_dir;
};

enum class Origin { kFetched, kCache };

struct Obtained {
  quote::QuoteCollateral collateral;
  Origin origin = Origin::kFetched;
  std::vector<std::string> urls;  // fetched, in order (empty for a cache hit)
  int64_t next_update = 0;        // EarliestNextUpdate of `collateral`
  std::string cache_path;         // the entry read or written ("" without a cache)
  // Why a cache entry was not used ("" when none was consulted or it was).
  std::string cache_note;
};

// With a cache directory: an entry that is fresh at `at` (IsFresh) and
// verifies is returned without touching the network. Otherwise the
// collateral is fetched, verified and, with a cache, stored there. Errors:
// LoadTrustAnchor's (kBadValue), FetchCollateral's (kIo with the URL and the
// HTTP status or transport error, ...), VerifyFetchedCollateral's, and
// kIo from storing the cache entry.
Result<Obtained> ObtainCollateral(HttpClient& client, const ObtainRequest& request);

// Writes `collateral` as JSON (quote::CollateralToJson) to `path` through a
// temporary file and a rename: `path` holds the whole collateral or is left
// as it was. Errors: kIo naming the file.
Status WriteCollateralFile(const std::string& path, const quote::QuoteCollateral& collateral);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_OBTAIN_H_
