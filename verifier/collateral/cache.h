// A directory of collateral, one file per CollateralKey, each in the JSON
// layout quote::ParseCollateralJson reads (so a cache file also serves as
// --collateral): DIR/<tee>-<FMSPC>-<ca>.json, e.g.
// DIR/tdx-B0C06F000000-platform.json. The cache decides nothing about
// trust: whoever takes an entry verifies it as any other collateral.
// Thread safety: Store replaces a file atomically, so concurrent readers see
// an old or a new entry, never a partial one.
#ifndef CCV_VERIFIER_COLLATERAL_CACHE_H_
#define CCV_VERIFIER_COLLATERAL_CACHE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "verifier/collateral/collateral_key.h"
#include "verifier/quote/collateral.h"

namespace ccv::collateral {

class CollateralCache {
 public:
  explicit CollateralCache(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  std::string PathFor(const CollateralKey& key) const;

  // The entry for `key`; nullopt when there is none. Errors: kIo (a file
  // that cannot be read) and the collateral parser's errors, naming the file.
  Result<std::optional<quote::QuoteCollateral>> Load(const CollateralKey& key) const;
  // Writes the entry for `key` atomically, creating the directory if needed.
  // Errors: kIo naming the file or directory.
  Status Store(const CollateralKey& key, const quote::QuoteCollateral& collateral) const;

 private:
  std::string dir_;
};

// True while `at` is not after `next_update` (EarliestNextUpdate): the
// entry need not be fetched again.
bool IsFresh(int64_t next_update, Time at);

// Read-only lookup for verification (never the network): the cache file of
// `quote`'s key in `dir` (`pck_chain` as for CollateralKeyFromQuote).
// Errors: CollateralKeyFromQuote's; kNotFound naming the key and the file
// when the cache holds no entry for it.
Result<std::string> CachedCollateralPath(const std::string& dir, Bytes quote,
                                         const quote::SuppliedPckChain* pck_chain = nullptr);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_CACHE_H_
