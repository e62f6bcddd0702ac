// The Azure TDX vTPM chain: the HCL report's runtime data (JSON with the
// vTPM's attestation key as the JWK "HCLAkPub" and the VM configuration) is
// bound to the TD by REPORTDATA[0:32] = SHA-256(runtime data), in the
// TDREPORT the HCL report carries and in the TD quote DCAP verifies; the TD
// report inside the HCL report must be the TD quote's body. The AK then
// verifies the vTPM's quotes (quote_verify.h).
//
// Checks (a failed one is a finding): hcl.runtime_data (its hash in the HCL
// report's own REPORTDATA), hcl.td_quote (the TD quote's body equals the HCL
// report's TD report, REPORTDATA included; skipped without a TD quote), and
// hcl.ak (the runtime data holds an RSA or EC JWK "HCLAkPub").
// Errors (Status): an HCL report that does not parse, runtime data that is
// not the JSON described. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_TPM_HCL_H_
#define CCV_VERIFIER_TPM_HCL_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/hcl_report.h"
#include "parsers/td_report.h"
#include "verifier/tpm/ak.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::tpm {

// The runtime data, decoded. Evidence only once hcl.runtime_data and
// hcl.td_quote passed and the TD quote verified.
struct HclRuntime {
  std::optional<Ak> ak;  // "HCLAkPub"
  std::optional<bool> secure_boot, tpm_enabled, tpm_persisted, console_enabled;
  std::string vm_unique_id;
  std::vector<uint8_t> user_data;  // "user-data", hex
};

// Parses the runtime JSON. Errors: kBadValue naming the byte offset
// (malformed JSON) or the member (a key that is not a base64url RSA JWK, a
// configuration value of the wrong type).
Result<HclRuntime> ParseHclRuntime(std::string_view json);

struct HclVerification {
  parsers::HclReport report;
  HclRuntime runtime;
  std::vector<Check> checks;
  bool pass = false;
};

// `quote_body`: the TD quote's body (null: no TD quote given, hcl.td_quote
// skipped and the chain unanchored).
Result<HclVerification> VerifyHclReport(Bytes hcl, const parsers::TdReportBody* quote_body);

}  // namespace ccv::tpm

#endif  // CCV_VERIFIER_TPM_HCL_H_
