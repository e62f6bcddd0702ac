// TDX CC Event Log (CCEL): the ACPI CCEL table that locates the log area
// (LAML bytes at LASA) and the log area itself, which is a crypto-agile TCG
// log (tcg_event_log.h with TcgReadOptions::ccel) whose PCR-index field is the
// CC measurement-register index. The log area ends at 0xFF or 0x00 padding or
// at the end of the data. Thread-safe: pure functions.
#ifndef CCV_PARSERS_CCEL_H_
#define CCV_PARSERS_CCEL_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/tcg_event_log.h"

namespace ccv::parsers {

struct CcelAcpiTable {
  std::array<uint8_t, 4> signature{};
  uint32_t length = 0;
  uint8_t revision = 0;
  uint8_t checksum = 0;
  std::array<uint8_t, 6> oem_id{};
  std::array<uint8_t, 8> oem_table_id{};
  uint32_t oem_revision = 0;
  std::array<uint8_t, 4> creator_id{};
  uint32_t creator_revision = 0;
  uint8_t cc_type = 0;
  uint8_t cc_subtype = 0;
  uint64_t laml = 0;  // log area minimum length
  uint64_t lasa = 0;  // log area start address
};

// Parses a 56-byte ACPI CCEL table. Errors: kTruncated (shorter than its
// header or its Length), kBadMagic (signature not "CCEL"), kBadLength (Length
// below 56 or not the input size), kBadChecksum (bytes do not sum to 0 mod
// 256; offset 9, the checksum field), kUnsupportedVersion (revision 0).
Result<CcelAcpiTable> ParseCcelAcpiTable(Bytes data);

// "TDX", "SEV-SNP", "reserved" or "unknown".
std::string_view CcTypeName(uint8_t cc_type);

// Trimmed printable text of a fixed ACPI id field (trailing NUL/space cut).
std::string AcpiIdText(std::span<const uint8_t> id);

// Parses a CCEL log area held in memory (convenience over TcgEventReader).
inline Result<TcgLog> ParseCcelLog(Bytes data) {
  return ParseTcgLog(data, TcgReadOptions{.ccel = true});
}

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_CCEL_H_
