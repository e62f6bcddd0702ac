// Evidence bundles (DESIGN §3): a directory holding `evidence.json` and the
// files it names. Every member but `version` is optional:
//   {"version": 1, "tee": "tdx", "quote": "quote.bin",
//    "ccel": {"table": "CCEL", "data": "CCEL.data"} | "CCEL.data",
//    "ima": {"path": "ascii_runtime_measurements", "register": "rtmr2"} | "path",
//    "tpm_eventlog": "binary_bios_measurements", "cel": "log.cel",
//    "collateral": "collateral.json", "nonce": "<hex>", "user_data": "<hex>",
//    "report_data": "<hex of 64 bytes>", "collected_at": "<RFC 3339>"}
// The bundle's own "report_data" is what the collector claims; it is kept as
// `claimed_report_data` and never used as the expected value (a bundle could
// otherwise vouch for itself). An exact REPORTDATA comes only from the
// verifier (`--report-data`). The bundle's nonce binds the quote to that
// nonce; freshness needs the verifier to know the nonce is the one it issued.
// File names are relative to the bundle directory and may not leave it
// (no absolute paths, no ".." component). Unknown members are ignored
// (newer agents may add some).
//
// Thread safety: pure functions (Load reads the file system).
#ifndef CCV_VERIFIER_BUNDLE_EVIDENCE_H_
#define CCV_VERIFIER_BUNDLE_EVIDENCE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::bundle {

inline constexpr char kEvidenceFileName[] = "evidence.json";
inline constexpr size_t kMaxNonceLen = 4096;  // nonce and user_data, bytes

struct Evidence {
  std::string dir;  // bundle directory ("" when built from flags only)
  int version = 1;
  std::string tee;  // "tdx" or ""
  // Paths as usable by the caller (already joined with `dir`).
  std::optional<std::string> quote, ccel_data, ccel_table, ima, tpm_eventlog, cel, collateral;
  std::string ima_register;  // "rtmr2", "pcr10" (any rtmrN / pcrN) or "" (decide)
  std::optional<std::vector<uint8_t>> nonce, user_data;
  std::optional<std::vector<uint8_t>> report_data;          // verifier's exact value
  std::optional<std::vector<uint8_t>> claimed_report_data;  // the bundle's, informational
  bool binding_from_verifier = false;  // nonce/user data/report data given as flags
  std::string collected_at;
};

// Parses evidence.json text. `dir` is joined to every file name; `source`
// names the file in errors. Errors: kBadValue (syntax, with the byte
// offset; or a member of the wrong type or bad hex, naming the member as
// the field), kUnsupportedVersion, kBadLength (nonce too long, report_data
// not 64 bytes).
Result<Evidence> ParseEvidenceJson(std::string_view json, const std::string& dir,
                                   const std::string& source = kEvidenceFileName);

// True for "rtmr0".."rtmr3" and "pcr0".."pcr23".
bool IsImaRegister(const std::string& name);

// Reads DIR/evidence.json. Errors: kIo naming the file, else as above.
Result<Evidence> LoadEvidenceDir(const std::string& dir);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_EVIDENCE_H_
