#include "verifier/collateral/obtain.h"

#include "parsers/core/file_io.h"
#include "verifier/collateral/cache.h"
#include "verifier/collateral/check_fetched.h"
#include "verifier/collateral/fetch.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::collateral {

namespace {

// A usable cache entry, or a note saying why there is none.
std::optional<Obtained> FromCache(const CollateralCache& cache, const ObtainRequest& req,
                                  const crypto::Certificate& anchor, std::string* note) {
  auto entry = cache.Load(req.key);
  if (!entry.ok()) {
    *note = "unreadable entry (" + entry.status().ToString() + ")";
    return std::nullopt;
  }
  if (!entry->has_value()) {
    *note = "no entry";
    return std::nullopt;
  }
  auto next = EarliestNextUpdate(**entry);
  if (!next.ok()) {
    *note = "unreadable entry (" + next.status().ToString() + ")";
    return std::nullopt;
  }
  if (!IsFresh(*next, req.at)) {
    *note = "entry past its nextUpdate " + crypto::FormatRfc3339(*next);
    return std::nullopt;
  }
  Status s = VerifyFetchedCollateral(**entry, req.key, anchor, req.at);
  if (!s.ok()) {
    *note = "entry does not verify (" + s.message() + ")";
    return std::nullopt;
  }
  Obtained o;
  o.collateral = std::move(**entry);
  o.origin = Origin::kCache;
  o.next_update = *next;
  o.cache_path = cache.PathFor(req.key);
  return o;
}

}  // namespace

Result<Obtained> ObtainCollateral(HttpClient& client, const ObtainRequest& req) {
  auto anchor =
      req.root_ca_pem ? quote::LoadTrustAnchor(*req.root_ca_pem) : quote::LoadTrustAnchor();
  if (!anchor.ok()) return anchor.status();
  std::optional<CollateralCache> cache;
  std::string note;
  if (req.cache_dir) {
    cache.emplace(*req.cache_dir);
    if (auto hit = FromCache(*cache, req, *anchor, &note)) return std::move(*hit);
  }
  CCV_ASSIGN_OR_RETURN(FetchedCollateral f, FetchCollateral(client, req.service, req.key, *anchor));
  Status s = VerifyFetchedCollateral(f.collateral, req.key, *anchor, req.at);
  if (!s.ok()) {
    return s.WithContext("collateral fetched for " + DescribeKey(req.key) + " does not verify");
  }
  Obtained o;
  CCV_ASSIGN_OR_RETURN(o.next_update, EarliestNextUpdate(f.collateral));
  o.collateral = std::move(f.collateral);
  o.urls = std::move(f.urls);
  o.origin = Origin::kFetched;
  o.cache_note = std::move(note);
  if (cache) {
    CCV_RETURN_IF_ERROR(cache->Store(req.key, o.collateral));
    o.cache_path = cache->PathFor(req.key);
  }
  return o;
}

Status WriteCollateralFile(const std::string& path, const quote::QuoteCollateral& collateral) {
  return WriteFileAtomically(path, quote::CollateralToJson(collateral));
}

}  // namespace ccv::collateral
