// TPM 2.0 quote verification (TPM2_Quote: a TPMS_ATTEST of type
// TPM_ST_ATTEST_QUOTE and its TPMT_SIGNATURE) against an AK, an expected
// nonce, PCR values a caller supplies and a replayed TPM event log.
//
// Each quote is checked on its own: the signature over the attestation bytes
// (with the scheme and hash the signature names, which must agree with the
// key's type and any scheme the TPMT_PUBLIC fixes); extraData equal to the
// nonce; pcrDigest equal to H(the selected PCR values, in selection order:
// bank by bank, PCRs ascending), H being the signature's hash. The PCR values
// come from the supplied file when given (then each PCR the log extends must
// equal the value the quote authenticated, a mismatch naming the PCR), else
// from the log (PCRs it does not extend at their initial values). Finally
// every PCR and bank the log extends must be selected by a quote whose
// signature and digest verified: an unquoted log record is unbound.
//
// A failed check is a finding (Check), not an error. Errors (Status) mean the
// input could not be evaluated: a TPMS_ATTEST or TPMT_SIGNATURE that does not
// parse. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_TPM_QUOTE_VERIFY_H_
#define CCV_VERIFIER_TPM_QUOTE_VERIFY_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "parsers/tpm2.h"
#include "verifier/crypto/x509.h"
#include "verifier/result/verdict.h"
#include "verifier/tpm/ak.h"
#include "verifier/tpm/pcr_values.h"

namespace ccv::tpm {

// kPass, kFail or kSkipped; printed with result::ShortVerdictName.
using CheckStatus = result::Verdict;

struct Check {
  std::string id;  // "ak.trust", "quote0.signature", "log.coverage", ...
  CheckStatus status = CheckStatus::kSkipped;
  std::string detail;
};

// One quote as given: its two files' bytes and names (for messages).
struct QuoteInput {
  std::string attest_name;
  Bytes attest;
  std::string signature_name;
  Bytes signature;
};

struct VerifyOptions {
  std::optional<std::vector<uint8_t>> nonce;      // nullopt: freshness not checked
  const PcrValues* pcrs = nullptr;                // --pcrs: values the quotes must cover
  const PcrValues* log_pcrs = nullptr;            // PCRs a replayed log extends
  std::span<const crypto::Certificate> ak_roots;  // empty: the AK is pinned
  // Certificates that may link the AK certificate to `ak_roots`; never
  // anchors themselves.
  std::span<const crypto::Certificate> ak_intermediates = {};
  // Set: the caller decided how the AK is trusted (a policy pin, or no
  // anchor at all) and `ak_roots` is not consulted.
  std::optional<AkTrust> ak_trust = {};
  Time at;
};

struct QuoteResult {
  parsers::TpmAttest attest;
  parsers::TpmSignature signature;
  bool signature_ok = false;
  bool pcr_digest_ok = false;
  bool nonce_failed = false;  // extraData differs from the nonce given
};

// The Azure HCL report's runtime data (hcl.h), as `tpm verify --hcl-report`
// reports it.
struct HclFacts {
  std::optional<bool> secure_boot, tpm_enabled, tpm_persisted, console_enabled;
  std::string vm_unique_id;
  std::string runtime_data_sha256;  // hex
};

struct TpmVerification {
  bool pass = false;
  AkTrust ak_trust;
  std::string ak_form;           // AkFormName
  std::string ak_key;            // "rsa-2048", ...
  std::vector<uint8_t> ak_name;  // TPMT_PUBLIC only
  std::vector<QuoteResult> quotes;
  std::vector<Check> checks;  // every check, in order; pass = none failed
  // PCR values a verified quote authenticates (from --pcrs, or the log's
  // where the log's digest matched): the quote's signature verifies with a
  // trusted AK whose attributes did not fail, its digest matches and its
  // extraData is not another nonce than the one given.
  PcrValues quoted_pcrs;
  std::optional<HclFacts> hcl = {};  // set by the caller with --hcl-report
};

// Errors: a parse error of attestation i or signature i, with its file name.
Result<TpmVerification> VerifyTpmQuotes(const Ak& ak, std::span<const QuoteInput> quotes,
                                        const VerifyOptions& options);

}  // namespace ccv::tpm

#endif  // CCV_VERIFIER_TPM_QUOTE_VERIFY_H_
