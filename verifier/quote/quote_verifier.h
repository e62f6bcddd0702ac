// Offline DCAP verification of SGX and TDX quotes against collateral, with
// Intel's TCB evaluation (tcb_eval.h). Every step is a named check in the
// result; a failed check is a finding, not an error. A non-OK Status means
// the inputs could not be read at all (malformed quote, collateral JSON or
// trust anchor).
//
// Checks (ids): quote_signature, qe_report_signature, qe_report_data,
// pck_chain, pck_crl, root_ca_crl, pck_revocation, tcb_info_chain,
// tcb_info_signature, tcb_info_validity, tcb_info_version, qe_identity_chain,
// qe_identity_signature, qe_identity_validity, qe_identity_version,
// fmspc_match, pceid_match, qe_identity, tdx_module, tcb_status.
//
// Batch use: PrepareCollateral once (it verifies the collateral's chains,
// CRLs and signatures), then VerifyQuote for each quote. A PreparedCollateral
// is immutable; VerifyQuote may be called on it from several threads.
#ifndef CCV_VERIFIER_QUOTE_QUOTE_VERIFIER_H_
#define CCV_VERIFIER_QUOTE_QUOTE_VERIFIER_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "parsers/tdx_quote.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/pck_chain_source.h"
#include "verifier/quote/tcb_eval.h"
#include "verifier/result/freshness.h"
#include "verifier/result/verdict.h"

namespace ccv::quote {

// kPass, kFail or kSkipped; printed with result::ShortVerdictName.
using CheckStatus = result::Verdict;

struct Check {
  std::string id;
  CheckStatus status = CheckStatus::kSkipped;
  std::string detail;
};

// The trust anchor: the embedded Intel SGX Root CA, or a PEM given by the
// user (--root-ca). Errors: kBadValue if the PEM does not parse.
Result<crypto::Certificate> LoadTrustAnchor(std::optional<std::string_view> pem = std::nullopt);

struct PckLeafCache;  // quote_verifier.cc

struct PreparedCollateral {
  crypto::Certificate anchor;
  Time at;
  QuoteCollateral raw;
  crypto::Crl root_ca_crl;
  crypto::Crl pck_crl;
  std::vector<crypto::Certificate> pck_crl_chain;
  std::vector<crypto::Certificate> tcb_info_chain;
  std::vector<crypto::Certificate> qe_identity_chain;
  // DER of the anchor and of CA certificates whose chain to the anchor was
  // verified here (the PCK CRL issuer): quotes whose PCK chain holds them
  // byte for byte reuse them instead of parsing and verifying them again.
  std::string anchor_der;
  std::vector<std::string> verified_ca_der;
  std::vector<crypto::Certificate> verified_ca;
  // PCK leaf certificates of earlier quotes (parsed, signature verified by
  // one of verified_ca, SGX extensions read) and the QE reports (bytes and
  // signature) their key verified, so a platform's later quotes skip that
  // work; validity and revocation are still checked per quote.
  // Bounded; internally locked.
  std::shared_ptr<PckLeafCache> leaf_cache;
  TcbInfo tcb_info;
  EnclaveIdentity qe_identity;
  std::vector<Check> checks;  // collateral-only checks, in order
};

// Parses and verifies the collateral at time `at` against `anchor`: every
// certificate, CRL, TCB info and QE identity must be valid then, to the
// nanosecond (a time any fraction of a second after a whole-second
// nextUpdate or notAfter is after it). Errors (kBadValue ...) only for unreadable collateral.
Result<PreparedCollateral> PrepareCollateral(const QuoteCollateral& collateral,
                                             crypto::Certificate anchor, Time at);

// The freshness facts of `collateral` at its verification time, with the
// tcbDate of `tcb`'s matched platform level (none: tcb_date empty).
result::CollateralFreshness CollateralFreshnessAt(const PreparedCollateral& collateral,
                                                  const TcbEvalResult& tcb);

struct PckInfo {
  std::vector<std::string> chain_subjects;
  std::string pck_issuer;
  int64_t not_before = 0;
  int64_t not_after = 0;
  std::string root_sha256;   // uppercase hex
  std::string chain_origin;  // ResolvedPckChain::origin
  bool chain_supplied = false;
  bool root_is_intel_sgx_root_ca = false;
  bool has_sgx_extensions = false;
  std::array<uint8_t, 6> fmspc{};
  std::array<uint8_t, 2> pce_id{};
  std::array<uint8_t, 16> cpu_svn_components{};
  uint16_t pce_svn = 0;
  int sgx_type = -1;
};

struct VerifyOptions {
  std::vector<TcbStatus> accept_tcb = {TcbStatus::kUpToDate};
  // Reuse (and fill) PreparedCollateral::leaf_cache.
  bool use_leaf_cache = true;
  // A PCK chain given beside the quote (pck_chain_source.h).
  std::optional<SuppliedPckChain> pck_chain;
};

struct QuoteVerification {
  parsers::Quote quote;
  std::vector<Check> checks;
  std::optional<PckInfo> pck;
  std::optional<TcbStatus> tcb_status;  // absent if it could not be evaluated
  TcbEvalResult tcb;
  Time at;
  // With collateral: how fresh it is at `at` (CollateralFreshnessAt).
  std::optional<result::CollateralFreshness> freshness;
  bool authentic = false;  // every check but tcb_status passed
  bool pass = false;       // authentic and tcb_status accepted

  const Check* FindCheck(std::string_view id) const;
};

// Verifies `quote_bytes` (parsed here). Errors: the parser's, for a quote
// that does not parse; ResolvePckChain's (a type 4 leaf that differs from
// the supplied chain's).
Result<QuoteVerification> VerifyQuote(Bytes quote_bytes, const PreparedCollateral& collateral,
                                      const VerifyOptions& options = {});

// Verification of the quote alone (signature, QE report, chain parse) with no
// collateral, for dump: collateral checks are skipped and no TCB status.
Result<QuoteVerification> VerifyQuoteWithoutCollateral(
    Bytes quote_bytes, const crypto::Certificate& anchor, Time at,
    const std::optional<SuppliedPckChain>& pck_chain = std::nullopt);

}  // namespace ccv::quote

#endif  // CCV_VERIFIER_QUOTE_QUOTE_VERIFIER_H_
