// Offsets, sizes and magic numbers of PE/COFF images (Microsoft PE Format
// specification: MS-DOS stub, "PE\0\0", COFF file header, optional header,
// data directories, section table, attribute certificate table) that the
// Authenticode hash (Windows Authenticode Portable Executable Signature
// Format, "Calculating the PE Image Hash") and UEFI firmware read.
#ifndef CCV_PARSERS_PE_PE_FORMAT_H_
#define CCV_PARSERS_PE_PE_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ccv::parsers::pe_format {

// MS-DOS header: "MZ" at 0, e_lfanew (offset of the PE signature) at 0x3c.
constexpr uint16_t kDosMagic = 0x5a4d;  // "MZ" read little-endian
constexpr size_t kDosLfanewOffset = 0x3c;
// "PE\0\0" read little-endian.
constexpr uint32_t kPeSignature = 0x00004550;

// COFF file header (PE Format 3.3): Machine (2), NumberOfSections (2),
// TimeDateStamp (4), PointerToSymbolTable (4), NumberOfSymbols (4),
// SizeOfOptionalHeader (2), Characteristics (2).
constexpr size_t kCoffHeaderLen = 20;
static_assert(2 + 2 + 4 + 4 + 4 + 2 + 2 == kCoffHeaderLen);

// Optional header magic (PE Format 3.4.1).
constexpr uint16_t kPe32Magic = 0x10b;
constexpr uint16_t kPe32PlusMagic = 0x20b;

// Offsets inside the optional header (PE Format 3.4.1, 3.4.2): the fields
// the hash and the loader read. CheckSum and SizeOfHeaders sit at the same
// offsets in PE32 and PE32+; the data directories start later in PE32+
// because ImageBase and the four stack/heap sizes are 8 bytes wide.
constexpr size_t kOptSizeOfImage = 56;
constexpr size_t kOptSizeOfHeaders = 60;
constexpr size_t kOptCheckSum = 64;
constexpr size_t kOptSubsystem = 68;
constexpr size_t kOptNumberOfRvaAndSizesPe32 = 92;
constexpr size_t kOptNumberOfRvaAndSizesPe32Plus = 108;
constexpr size_t kOptDataDirectoriesPe32 = 96;
constexpr size_t kOptDataDirectoriesPe32Plus = 112;
static_assert(kOptNumberOfRvaAndSizesPe32 + 4 == kOptDataDirectoriesPe32);
static_assert(kOptNumberOfRvaAndSizesPe32Plus + 4 == kOptDataDirectoriesPe32Plus);

// Data directory: VirtualAddress (4), Size (4). At most 16 (PE Format 3.4.3).
constexpr size_t kDataDirectoryLen = 8;
constexpr uint32_t kMaxDataDirectories = 16;
// Index 4: the Certificate Table, whose VirtualAddress is a file offset.
constexpr uint32_t kCertificateTableIndex = 4;

// Section header (PE Format 4): Name (8), VirtualSize (4), VirtualAddress (4),
// SizeOfRawData (4), PointerToRawData (4), PointerToRelocations (4),
// PointerToLinenumbers (4), NumberOfRelocations (2), NumberOfLinenumbers (2),
// Characteristics (4).
constexpr size_t kSectionHeaderLen = 40;
static_assert(8 + 4 + 4 + 4 + 4 + 4 + 4 + 2 + 2 + 4 == kSectionHeaderLen);
// "the Windows loader limits the number of sections to 96" (PE Format 3.3).
constexpr uint16_t kMaxSections = 96;

// WIN_CERTIFICATE (PE Format 5.1): dwLength (4), wRevision (2),
// wCertificateType (2), bCertificate; entries are 8-byte aligned.
constexpr size_t kWinCertificateHeaderLen = 8;
static_assert(4 + 2 + 2 == kWinCertificateHeaderLen);
constexpr uint16_t kWinCertRevision2 = 0x0200;
constexpr uint16_t kWinCertTypePkcsSignedData = 0x0002;
// A certificate table larger than this is not a signature we read.
constexpr uint32_t kMaxCertificateTableLen = 16u << 20;

}  // namespace ccv::parsers::pe_format

#endif  // CCV_PARSERS_PE_PE_FORMAT_H_
