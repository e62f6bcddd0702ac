// Collateral prepared once and shared by many verifications (batch verify):
// a fleet's quotes come from a few platforms, so a few collateral documents
// (one per FMSPC and CA) serve thousands of quotes. Prepare() parses and
// verifies a collateral text at most once per (text, trust anchor, time)
// and hands every caller the same immutable PreparedCollateral, or the same
// error; VerifyQuote may use it from several threads (quote_verifier.h).
//
// The key is the SHA-256 of the collateral's exact text, the anchor's
// SHA-256 fingerprint and the verification time, so two documents that
// differ in one byte never share a preparation. At most kMaxEntries
// distinct keys are kept; past that each further key is prepared per call
// (correct, only slower).
//
// The trust anchor is parsed once too (Anchor): per text, exactly as
// LoadTrustAnchor parses it.
//
// Thread safety: Prepare() and Anchor() may be called from any number of
// threads; a key being prepared by one thread makes the others wait for its
// result.
#ifndef CCV_VERIFIER_QUOTE_SHARED_COLLATERAL_H_
#define CCV_VERIFIER_QUOTE_SHARED_COLLATERAL_H_

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {

class SharedCollateral {
 public:
  static constexpr size_t kMaxEntries = 4096;

  // ParseCollateralJson(text) then PrepareCollateral(..., anchor, at), or
  // the result an earlier call with the same key got. Errors: those two's.
  Result<std::shared_ptr<const PreparedCollateral>> Prepare(std::string_view text,
                                                            const crypto::Certificate& anchor,
                                                            Time at);

  // LoadTrustAnchor(pem), or the result an earlier call with the same text
  // (nullopt: the embedded Intel SGX Root CA) got. Errors: LoadTrustAnchor's.
  Result<std::shared_ptr<const crypto::Certificate>> Anchor(std::optional<std::string_view> pem);

  // How many preparations ran (not served from the cache), for tests and
  // the batch summary.
  size_t preparations() const;

 private:
  struct Entry;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // guarded by mu_
  size_t preparations_ = 0;                                // guarded by mu_
  // The anchors parsed so far, by "P" + PEM text ("E": the embedded one).
  std::map<std::string, std::shared_ptr<Entry>> anchors_;  // guarded by mu_
};

}  // namespace ccv::quote

#endif  // CCV_VERIFIER_QUOTE_SHARED_COLLATERAL_H_
