// Fixed layout of the ACPI CCEL table (ACPI 6.5 section 5.2.34, "CC Event
// Log ACPI Table"; Intel TDX GHCI 1.5 section 4.4) and of the CC measurement
// register numbering used in a CCEL log (UEFI 2.10 section 38.4.1).
#ifndef CCV_PARSERS_CCEL_FORMAT_H_
#define CCV_PARSERS_CCEL_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ccv::parsers::ccel_format {

// ACPI System Description Table header (ACPI 6.5 Table 5.4).
inline constexpr size_t kSignatureLen = 4;
inline constexpr size_t kLengthLen = 4;
inline constexpr size_t kRevisionLen = 1;
inline constexpr size_t kChecksumLen = 1;
inline constexpr size_t kOemIdLen = 6;
inline constexpr size_t kOemTableIdLen = 8;
inline constexpr size_t kOemRevisionLen = 4;
inline constexpr size_t kCreatorIdLen = 4;
inline constexpr size_t kCreatorRevisionLen = 4;
inline constexpr size_t kAcpiHeaderLen = kSignatureLen + kLengthLen + kRevisionLen + kChecksumLen +
                                         kOemIdLen + kOemTableIdLen + kOemRevisionLen +
                                         kCreatorIdLen + kCreatorRevisionLen;
static_assert(kAcpiHeaderLen == 36, "ACPI table header is 36 bytes");

// CCEL body: CC type u8, CC subtype u8, reserved u16, LAML u64, LASA u64.
inline constexpr size_t kCcTypeLen = 1;
inline constexpr size_t kCcSubtypeLen = 1;
inline constexpr size_t kReservedLen = 2;
inline constexpr size_t kLamlLen = 8;
inline constexpr size_t kLasaLen = 8;
inline constexpr size_t kTableLen =
    kAcpiHeaderLen + kCcTypeLen + kCcSubtypeLen + kReservedLen + kLamlLen + kLasaLen;
static_assert(kTableLen == 56, "ACPI CCEL table is 56 bytes");

inline constexpr std::string_view kSignature = "CCEL";

// CC types (ACPI 6.5 Table 5.166).
inline constexpr uint8_t kCcTypeReserved = 0;
inline constexpr uint8_t kCcTypeSevSnp = 1;
inline constexpr uint8_t kCcTypeTdx = 2;

// The PCR-index field of a CCEL record is a CC measurement register index:
// RegisterId::FromCcMrIndex maps it to MRTD or RTMR0..3.

}  // namespace ccv::parsers::ccel_format

#endif  // CCV_PARSERS_CCEL_FORMAT_H_
