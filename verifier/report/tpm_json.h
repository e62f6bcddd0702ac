// JSON and text renderings of a TPM quote verification (`ccverify tpm verify`,
// docs/json.md): {"schema_version", "verdict", "ak": {...}, "quotes": [...],
// "checks": [{"id", "status", "detail"}], "quoted_pcrs": {...}}.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_TPM_JSON_H_
#define CCV_VERIFIER_REPORT_TPM_JSON_H_

#include <string>

#include "verifier/tpm/quote_verify.h"

namespace ccv::report {

// Whole documents, with a trailing newline.
std::string TpmVerificationToJson(const tpm::TpmVerification& v);
std::string TpmVerificationToText(const tpm::TpmVerification& v);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_TPM_JSON_H_
