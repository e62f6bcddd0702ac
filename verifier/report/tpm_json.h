// JSON and text renderings of a TPM quote verification (`ccverify tpm verify`,
// docs/json.md): {"schema_version", "verdict", "ak": {...}, "quotes": [...],
// "checks": [{"id", "status", "detail"}], "quoted_pcrs": {...}}.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_TPM_JSON_H_
#define CCV_VERIFIER_REPORT_TPM_JSON_H_

#include <string>

#include "verifier/tpm/hcl.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::report {

// Whole documents, with a trailing newline.
std::string TpmVerificationToJson(const tpm::TpmVerification& v);
std::string TpmVerificationToText(const tpm::TpmVerification& v);

// `dump` of a TPMS_ATTEST: {"schema_version", "format": "tpm-attest",
// "attest": {decoded fields as in tpm verify's quotes[].attest}}.
std::string TpmAttestDumpJson(const parsers::TpmAttest& a);
std::string TpmAttestDumpText(const parsers::TpmAttest& a);

// `dump` of an Azure HCL report (parsed, runtime data decoded; nothing is
// verified: `tpm verify --hcl-report --td-quote` does that):
// {"schema_version", "format": "hcl-report", "header", "td_report",
// "runtime_data"}.
std::string HclReportDumpJson(const tpm::HclVerification& h);
std::string HclReportDumpText(const tpm::HclVerification& h);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_TPM_JSON_H_
