// PE/COFF images (UEFI applications: shim, GRUB, systemd-boot, the Linux EFI
// stub, unified kernel images): the headers and section table, the byte
// ranges the Authenticode hash covers and the attribute certificate table.
//
// Parsing is strict, since the same bytes decide a predicted measurement:
// every offset and size is checked against the file, sections whose file data
// overlap, lie in the headers or run past the end are errors, and so is a
// certificate table that is not the last thing in the file. Nothing here is
// trusted: a signature inside the certificate table is only bytes.
//
// A PeImage owns copies of its fields; WinCertificate::certificate and
// SectionData() alias the file bytes, which must outlive them. Thread-safe:
// pure functions.
#ifndef CCV_PARSERS_PE_PE_IMAGE_H_
#define CCV_PARSERS_PE_PE_IMAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"

namespace ccv::parsers {

struct PeSection {
  std::string name;  // the 8-byte Name field up to its first NUL
  // For a Name "/N": the string at offset N of the COFF string table (after
  // the symbol table), as GNU ld writes names longer than 8 bytes; empty when
  // there is none or it does not lie within the file. The loader ignores it.
  std::string long_name;
  uint32_t virtual_size = 0;
  uint32_t virtual_address = 0;
  uint32_t size_of_raw_data = 0;
  uint32_t pointer_to_raw_data = 0;
  uint32_t characteristics = 0;
  uint64_t header_offset = 0;  // file offset of this section header
};

// A range of file bytes [offset, offset + len).
struct FileRange {
  uint64_t offset = 0;
  uint64_t len = 0;
};

struct PeImage {
  uint16_t machine = 0;
  bool pe32_plus = false;
  uint16_t subsystem = 0;
  uint32_t size_of_headers = 0;
  uint32_t size_of_image = 0;
  uint64_t checksum_offset = 0;
  // File offset of the Certificate Table data directory entry; absent when
  // NumberOfRvaAndSizes is 4 or less.
  std::optional<uint64_t> cert_dir_entry_offset;
  // The certificate table (file offset and size); len 0 for an unsigned image.
  FileRange cert_table;
  std::vector<PeSection> sections;  // in section-table order
  // What the Authenticode hash covers, in hash order (Authenticode PE
  // "Calculating the PE Image Hash", as UEFI firmware computes it): the
  // headers up to SizeOfHeaders without CheckSum and the Certificate Table
  // entry, each section with file data in PointerToRawData order, then the
  // bytes from SUM_OF_BYTES_HASHED to the certificate table or the end.
  std::vector<FileRange> authenticode_ranges;
};

// Parses the image in `file`. Errors (offset and field name the place):
// kBadMagic (no "MZ", no "PE\0\0", unknown optional header magic),
// kTruncated (a header or section past the end of the file), kLimitExceeded
// (more than 96 sections, more than 16 data directories), kBadValue (sections
// overlapping each other or the headers, a header field pointing outside
// the file, a certificate table that is not at the end of the file or
// overlaps the hashed bytes), kBadLength (inconsistent header sizes).
Result<PeImage> ParsePeImage(Bytes file);

// One WIN_CERTIFICATE of the certificate table.
struct WinCertificate {
  uint64_t offset = 0;  // file offset of its header
  uint16_t revision = 0;
  uint16_t certificate_type = 0;
  Bytes certificate;  // bCertificate (aliases the file)
};

// The entries of the certificate table (PE Format 5.1), each padded to 8
// bytes. Empty for an unsigned image. Errors: kBadLength (dwLength shorter
// than its header or past the table), kLimitExceeded (more than 16 entries).
// REQUIRES: `image` was parsed from `file`.
Result<std::vector<WinCertificate>> ParseCertificateTable(Bytes file, const PeImage& image);

// The file data of `section` (SizeOfRawData bytes at PointerToRawData).
// REQUIRES: `section` belongs to an image parsed from `file`.
Bytes SectionData(Bytes file, const PeSection& section);

// The first section named `name`, or nullptr.
const PeSection* FindSection(const PeImage& image, std::string_view name);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_PE_PE_IMAGE_H_
