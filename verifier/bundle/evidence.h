// Evidence bundles (docs/json.md, evidence.json): a directory holding `evidence.json` and
// the files it names. Every member but `version` is optional:
//   {"version": 1, "tee": "tdx", "quote": "quote.bin",
//    "quote_provider": "...", "td_report": "td_report.bin", "quote_unavailable": "...",
//    "ccel": {"table": "CCEL", "data": "CCEL.data"} | "CCEL.data",
//    "ima": {"path": "ascii_runtime_measurements", "binary": "binary_runtime_measurements",
//            "register": "rtmr2" | "pcr10"} | "path",
//    "tpm_eventlog": "binary_bios_measurements", "cel": "log.cel",
//    "dstack_event_log": "eventlog.json",
//    "tpm": {"quotes": [{"attest": "quote.attest", "signature": "quote.sig"}, ...],
//            "ak": "ak.pub", "ak_chain": ["intermediate.pem"], "pcrs": "pcrs.json",
//            "nonce": "<hex>", "hcl_report": "hcl_report.bin"},
//    "collateral": "collateral.json", "pck_chain": "pck_chain.pem",
//    "nonce": "<hex>", "user_data": "<hex>",
//    "report_data": "sha512(nonce||user_data)" | "nonce" | {"exact": "<hex of 64 bytes>"},
//    "not_found": ["ccel", "quote", "ima", "tpm_eventlog", "tpm_quote"],
//    "collected_at": "<RFC 3339>"}
// The manifest is strict: an unknown member or a member given twice (at any
// level) is an input error; JSON tools disagree on which of two equal keys
// counts, so none does.
//
// `report_data` says how the platform formed REPORTDATA: SHA-512(nonce ||
// user_data) (CC-API, the default), the nonce itself zero padded to 64 bytes
// (GCE), or an exact value. The older form, a string of 64 hex bytes, is
// still read as the collector's claim (`claimed_report_data`). Whatever the
// bundle says proves only that the quote and the bundle agree: freshness
// needs the nonce or report data to come from the verifier
// (`binding_from_verifier`, set by --nonce / --report-data).
// File names are relative to the bundle directory and may not leave it
// (no absolute paths, no ".." component); evidence_file.h opens them so that
// no link leads out either.
//
// Thread safety: pure functions (LoadEvidenceDir reads the file system).
#ifndef CCV_VERIFIER_BUNDLE_EVIDENCE_H_
#define CCV_VERIFIER_BUNDLE_EVIDENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/register_id.h"
#include "parsers/core/result.h"

namespace ccv::bundle {

inline constexpr char kEvidenceFileName[] = "evidence.json";
inline constexpr size_t kMaxNonceLen = 4096;  // nonce and user_data, bytes
inline constexpr uint64_t kMaxManifestLen = uint64_t{1} << 20;

// How REPORTDATA is formed from the binding inputs (`report_data` in docs/json.md).
enum class ReportDataMode {
  kSha512NonceUserData,  // "sha512(nonce||user_data)": SHA-512(nonce || user_data)
  kNonce,                // "nonce": the nonce, zero padded to 64 bytes
  kExact,                // {"exact": HEX}: the given 64 bytes
};
// The manifest spelling of `mode`: "sha512(nonce||user_data)", "nonce", "exact".
std::string_view ReportDataModeName(ReportDataMode mode);

// The TPM quotes of a bundle (`tpm` in docs/json.md): one quote per bank at
// most, the AK (TPMT_PUBLIC, PEM/DER public key or X.509 certificate),
// certificates that may link the AK certificate to a trust anchor the
// verifier names (never anchors themselves: a bundle cannot vouch for its
// own AK), the quoted PCR values (optional), the collector's nonce (a
// claim: freshness needs the verifier's) and, for an Azure TDX vTPM, the HCL
// report whose runtime data names the AK and binds it to the TD quote.
struct TpmQuoteFiles {
  std::string attest, signature;  // TPMS_ATTEST, TPMT_SIGNATURE
};
inline constexpr size_t kMaxTpmQuotes = 8;
inline constexpr size_t kMaxTpmAkChain = 8;
struct TpmEvidence {
  std::vector<TpmQuoteFiles> quotes;
  std::optional<std::string> ak, pcrs, hcl_report;
  std::vector<std::string> ak_chain;
  std::optional<std::vector<uint8_t>> nonce;
};

struct Evidence {
  std::string dir;  // bundle directory ("" when built from flags only)
  int version = 1;
  std::string tee;  // "tdx" or ""
  // Paths as usable by the caller (already joined with `dir`).
  std::optional<std::string> quote, ccel_data, ccel_table, ima, tpm_eventlog, cel, collateral;
  // dstack event log (JSON: boot events and the RTMR3 runtime events).
  std::optional<std::string> dstack_event_log;
  // PEM PCK chain for a quote whose certification data holds none
  // (verifier/quote/pck_chain_source.h).
  std::optional<std::string> pck_chain;
  std::optional<std::string> td_report;   // the agent's TDREPORT when it got no quote
  std::optional<std::string> ima_binary;  // the binary list beside an ascii `ima`
  std::optional<TpmEvidence> tpm = {};    // TPM quotes (`tpm`, --tpm-attest ...)
  std::string quote_provider;             // informational, as the agent wrote it
  std::string quote_unavailable;          // informational: why the agent has no quote
  // The register the IMA list extends, as the manifest or --ima-register
  // gives it (ima::ParseImaRegister: RTMR2 or PCR10); unset: decided from
  // the evidence (ima::ImaRegisterOf).
  std::optional<RegisterId> ima_register;
  std::optional<std::vector<uint8_t>> nonce, user_data;
  ReportDataMode report_data_mode = ReportDataMode::kSha512NonceUserData;
  std::optional<std::vector<uint8_t>> report_data;  // verifier's exact value
  // The bundle's REPORTDATA ({"exact"} or the older 64-byte hex string): a
  // claim, checked for consistency only in kExact mode, never for freshness.
  std::optional<std::vector<uint8_t>> claimed_report_data;
  bool binding_from_verifier = false;  // nonce/user data/report data given as flags
  // With binding_from_verifier: --nonce without --user-data kept the
  // bundle's user_data, which REPORTDATA is then computed with.
  bool user_data_from_bundle = false;
  std::string collected_at;
  // Informational: what the collector looked for and did not find ("ccel",
  // "quote", "ima", "tpm_eventlog", "tpm_quote"). Never a reason to accept missing
  // evidence.
  std::vector<std::string> not_found;
};

// Parses evidence.json text. `dir` is joined to every file name; `source`
// names the file in errors. Errors: kBadValue (syntax, with the byte offset;
// a member given twice, unknown, of the wrong type or with bad hex, naming
// the member as the field), kNotFound (no version), kUnsupportedVersion,
// kUnsupported (tee), kBadLength (nonce too long, report data not 64 bytes).
Result<Evidence> ParseEvidenceJson(std::string_view json, const std::string& dir,
                                   const std::string& source = kEvidenceFileName);

// --ima-register's value as ima::ParseImaRegister takes it (as the
// manifest's ima.register). Errors: kInvalidArgument "--ima-register: ..."
// saying what is supported (for the CLI: a usage error).
Result<RegisterId> ParseImaRegisterOption(std::string_view value);

// Reads DIR/evidence.json (a regular file inside DIR, at most
// kMaxManifestLen bytes). Errors: kIo / kBadValue naming the file, else as
// ParseEvidenceJson.
Result<Evidence> LoadEvidenceDir(const std::string& dir);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_EVIDENCE_H_
