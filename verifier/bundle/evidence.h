// Evidence bundles (DESIGN §3): a directory holding `evidence.json` and the
// files it names. Every member but `version` is optional:
//   {"version": 1, "tee": "tdx", "quote": "quote.bin",
//    "ccel": {"table": "CCEL", "data": "CCEL.data"} | "CCEL.data",
//    "ima": {"path": "ascii_runtime_measurements", "register": "rtmr2"} | "path",
//    "tpm_eventlog": "binary_bios_measurements", "cel": "log.cel",
//    "collateral": "collateral.json", "nonce": "<hex>", "user_data": "<hex>",
//    "report_data": "<hex of 64 bytes>", "collected_at": "<RFC 3339>"}
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
  std::string ima_register;  // "rtmr2", "pcr10" or "" (decide from the log)
  std::optional<std::vector<uint8_t>> nonce, user_data, report_data;
  std::string collected_at;
};

// Parses evidence.json text. `dir` is joined to every file name; `source`
// names the file in errors. Errors: kBadValue (syntax, with the byte
// offset; or a member of the wrong type or bad hex, naming the member as
// the field), kUnsupportedVersion, kBadLength (nonce too long, report_data
// not 64 bytes).
Result<Evidence> ParseEvidenceJson(std::string_view json, const std::string& dir,
                                   const std::string& source = kEvidenceFileName);

// Reads DIR/evidence.json. Errors: kIo naming the file, else as above.
Result<Evidence> LoadEvidenceDir(const std::string& dir);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_EVIDENCE_H_
