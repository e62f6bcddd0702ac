// Signed reports of `ccverify verify` (docs/json.md, "Signed results"):
//  - jws: the JSON report (verify_report.h) as the payload of a compact JWS;
//  - ear: an EAT Attestation Result (draft-ietf-rats-ear-04) as a signed
//    JWT: eat_profile, iat, ear_verifier_id, eat_nonce (the verifier's
//    nonce) and one submodule "td" with ear_status, an AR4SI
//    trustworthiness vector from the checks and rules (below),
//    ear_appraisal_policy_ids and ear_verifier_claims.
// The schema of the EAR claims is docs/schemas/ear.schema.json.
//
// ear_status: "affirming" when the outcome is TRUSTED and nothing warned,
// "warning" when TRUSTED with a warning or VERIFIED (no policy: nothing was
// compared with reference values), "contraindicated" when UNTRUSTED or the
// evidence could not be evaluated.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_SIGNED_REPORT_H_
#define CCV_VERIFIER_REPORT_SIGNED_REPORT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "policies/evaluator.h"
#include "verifier/crypto/jws.h"
#include "verifier/report/verify_report.h"
#include "verifier/result/facts.h"

namespace ccv::report {

inline constexpr std::string_view kEarProfile = "tag:ietf.org,2026:rats/ear#04";

struct SigningContext {
  const crypto::JwsSigningKey* key = nullptr;  // REQUIRES: not null when signing
  std::vector<std::string> x5c_der;            // --sign-cert chain, leaf first
  std::string build;                           // "ccverify 0.1.0"
  std::vector<uint8_t> nonce;                  // the verifier's nonce; empty: none
  int64_t issued_at = 0;                       // iat, seconds
};

// The compact JWS (typ "JOSE") of `json_report`.
Result<std::string> SignJsonReport(std::string_view json_report, const SigningContext& s);

// The EAR claims set as JSON (unsigned), for a verification that ran and
// for one that could not run (`error`, not OK).
std::string EarClaims(const result::Facts& facts, const policy::Evaluation& eval,
                      const VerifyReportContext& ctx, const SigningContext& s);
std::string EarErrorClaims(const Status& error, const VerifyReportContext& ctx,
                           const SigningContext& s);

// The EAR as a signed JWT (typ "JWT") of `claims`.
Result<std::string> SignEar(std::string_view claims, const SigningContext& s);

// The AR4SI category a check or rule id feeds ("hardware",
// "instance-identity", "configuration", "executables", "file-system",
// "runtime-opaque"), or "" for none.
std::string_view TrustworthinessCategory(std::string_view id);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_SIGNED_REPORT_H_
