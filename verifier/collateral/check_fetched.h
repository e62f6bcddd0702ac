// Verification of collateral before it is written or cached: the collateral
// checks of quote::PrepareCollateral (both CRLs, the three issuer chains to
// the trust anchor, the TCB info and QE identity signatures and validity
// windows) must all pass at the given time, and the documents must be those
// of the key asked for. A cache or an output file never holds collateral
// that failed here. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_COLLATERAL_CHECK_FETCHED_H_
#define CCV_VERIFIER_COLLATERAL_CHECK_FETCHED_H_

#include <cstdint>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "verifier/collateral/collateral_key.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/collateral.h"

namespace ccv::collateral {

// Errors (the message names the check and says why): kChainInvalid for an
// issuer chain or CRL that does not verify to `anchor`; kBadSignature for a
// TCB info or QE identity signature that does not verify; kBadValue for a
// document or CRL not valid at `at`, a TCB info of another TEE or FMSPC, a
// QE identity other than the TEE's (QE / TD_QE), or a PCK CRL of the other
// CA; the parsers' errors for collateral that does not parse.
Status VerifyFetchedCollateral(const quote::QuoteCollateral& collateral, const CollateralKey& key,
                               const crypto::Certificate& anchor, Time at);

// The earliest nextUpdate (Unix seconds) of the TCB info, the QE identity,
// the PCK CRL and the root CA CRL: the time after which the collateral is
// stale. Errors: the parsers' errors.
Result<int64_t> EarliestNextUpdate(const quote::QuoteCollateral& collateral);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_CHECK_FETCHED_H_
