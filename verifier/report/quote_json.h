// JSON and text renderings of decoded quotes, TD reports and quote
// verification results (docs/json.md: `quote verify --json` prints
// {"verdict", "tcb_status", "advisory_ids", "checks", "quote", ...}).
// Field names are the spec names in snake_case, as in the corpus's
// quotes/fields/*.json. Reused by `ccverify verify` and `ccverify dump`.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_QUOTE_JSON_H_
#define CCV_VERIFIER_REPORT_QUOTE_JSON_H_

#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::report {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

// {"version": 4, "tee_type": "TDX", ..., "mrtd": "...", "rtmr0": ..., "qe_report": {...}}
void WriteQuoteJson(const parsers::Quote& q, JsonWriter* w);
// The 1024-byte TDREPORT's fields.
void WriteTdReportJson(const parsers::TdReport& t, JsonWriter* w);
// {"schema_version", "verdict", "tcb_status", "advisory_ids", "tcb_date",
//  "authentic", "at", "fmspc", "pce_id", "tcb": {...}, "pck": {...},
//  "checks": [...], "quote": {...}}: a whole document.
struct WhatIf;
// With `what_if`: a "what_if" member (QuoteVerificationToJson).
void WriteQuoteVerificationJson(const quote::QuoteVerification& v, JsonWriter* w,
                                const WhatIf* what_if = nullptr);
// Only the verification members, without "quote" (for embedding).
void WriteQuoteVerificationMembers(const quote::QuoteVerification& v, JsonWriter* w);

// Convenience: whole documents as strings (with a trailing newline).
std::string QuoteToJson(const parsers::Quote& q);
std::string TdReportToJson(const parsers::TdReport& t);
// The same quote verified against another collateral set (quote verify
// --what-if-collateral).
struct WhatIf {
  std::string collateral;                  // its file, as given
  const quote::QuoteVerification* result;  // REQUIRES: not null
};
// With `what_if`: a "what_if" member {"collateral", "verdict", "tcb_status",
// "advisory_ids", "tcb_date", "authentic", "at", "freshness",
// "failed_checks"}.
std::string QuoteVerificationToJson(const quote::QuoteVerification& v,
                                    const WhatIf* what_if = nullptr);

// `ccverify dump` of a TD report: {"schema_version", "format": "td-report",
// "td_report": {...}}, or "format: td-report" and its text lines.
std::string TdReportDumpJson(const parsers::TdReport& t);
std::string TdReportDumpText(const parsers::TdReport& t);
// `ccverify dump` of a TDX quote verified without collateral:
// {"schema_version", "format": "tdx-quote", "quote": {...}, "checks": [...]},
// or "format: tdx-quote", the quote's lines and the checks.
std::string QuoteDumpJson(const quote::QuoteVerification& v);
std::string QuoteDumpText(const quote::QuoteVerification& v);

// Human-readable renderings, one "name: value" line per field.
std::string QuoteToText(const parsers::Quote& q);
std::string TdReportToText(const parsers::TdReport& t);
// With `what_if`: "what_if.*" lines after the result's own.
std::string QuoteVerificationToText(const quote::QuoteVerification& v,
                                    const WhatIf* what_if = nullptr);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_QUOTE_JSON_H_
