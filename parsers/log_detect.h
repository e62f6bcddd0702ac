// Format auto-detection for `ccverify dump` and friends: looks at the first
// bytes of an input (and its total size) and names the evidence format.
// Detection only routes the input to a parser; the parser still checks
// everything. Thread-safe: pure functions.
#ifndef CCV_PARSERS_LOG_DETECT_H_
#define CCV_PARSERS_LOG_DETECT_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "parsers/core/byte_reader.h"

namespace ccv::parsers {

enum class LogFormat {
  kUnknown,
  kTcg2,           // TCG PC Client crypto-agile log
  kTcgSha1Legacy,  // TCG_PCR_EVENT records only (no Spec ID Event03 header)
  kCcel,           // TDX CCEL log area (crypto-agile, CC MR indices)
  kCcelAcpiTable,  // 56-byte ACPI CCEL table
  kImaAscii,       // IMA ascii_runtime_measurements
  kImaBinary,      // IMA binary_runtime_measurements
  kCelTlv,         // TCG Canonical Event Log, TLV encoding
  kCelJson,        // CEL-JSON (incl. systemd-pcrlock)
  kTdxQuote,       // DCAP quote (v4 / v5)
  kTdReport,       // TDREPORT_STRUCT (1024 bytes)
};

// Names as in corpus/expected "format": "tcg2", "tcg-sha1-legacy", "ccel",
// "ccel-acpi-table", "ima-ascii", "ima-binary", "cel-tlv", "cel-json",
// "tdx-quote", "td-report", "unknown".
std::string_view LogFormatName(LogFormat format);
std::optional<LogFormat> LogFormatFromName(std::string_view name);

// How many leading bytes DetectLogFormat() wants to see (it copes with less).
inline constexpr size_t kDetectPrefixLen = 4096;

// Detects the TCG-family formats (tcg2, tcg-sha1-legacy, ccel,
// ccel-acpi-table) from `head` (the first bytes) and the total input size.
// A crypto-agile log is CCEL when its Spec ID header sits at MR index 1, or
// when SHA-384 is its only bank (a TPM log always lists SHA-1 or SHA-256).
// Returns kUnknown for everything else: detectors for other formats are
// tried by DetectFormat() (other formats add theirs there).
LogFormat DetectTcgFormat(Bytes head, uint64_t total_len);

// All detectors in turn; kUnknown if none matches.
LogFormat DetectFormat(Bytes head, uint64_t total_len);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_LOG_DETECT_H_
