#include "parsers/ccel.h"

#include "parsers/ccel_format.h"
#include "parsers/core/hex.h"

namespace ccv::parsers {

namespace fmt = ccel_format;

Result<CcelAcpiTable> ParseCcelAcpiTable(Bytes data) {
  ByteReader r(data);
  CcelAcpiTable t;
  CCV_ASSIGN_OR_RETURN(t.signature, r.ReadArray<4>("signature"));
  if (AsChars(t.signature) != fmt::kSignature) {
    return ParseError(ErrorCode::kBadMagic, 0, "signature", "expected ACPI table \"CCEL\"");
  }
  CCV_ASSIGN_OR_RETURN(t.length, r.ReadU32Le("length"));
  if (t.length < fmt::kTableLen) {
    return ParseError(ErrorCode::kBadLength, 4, "length",
                      "table length " + std::to_string(t.length) + " is below the " +
                          std::to_string(fmt::kTableLen) + " bytes of a CCEL table");
  }
  if (t.length > data.size()) {
    return ParseError(ErrorCode::kTruncated, 4, "length",
                      "table length " + std::to_string(t.length) + " exceeds the " +
                          std::to_string(data.size()) + " bytes present");
  }
  if (t.length != data.size()) {
    return ParseError(ErrorCode::kBadLength, 4, "length",
                      "table length " + std::to_string(t.length) + " but " +
                          std::to_string(data.size()) + " bytes present");
  }
  CCV_ASSIGN_OR_RETURN(t.revision, r.ReadU8("revision"));
  CCV_ASSIGN_OR_RETURN(t.checksum, r.ReadU8("checksum"));
  CCV_ASSIGN_OR_RETURN(t.oem_id, r.ReadArray<6>("oem_id"));
  CCV_ASSIGN_OR_RETURN(t.oem_table_id, r.ReadArray<8>("oem_table_id"));
  CCV_ASSIGN_OR_RETURN(t.oem_revision, r.ReadU32Le("oem_revision"));
  CCV_ASSIGN_OR_RETURN(t.creator_id, r.ReadArray<4>("creator_id"));
  CCV_ASSIGN_OR_RETURN(t.creator_revision, r.ReadU32Le("creator_revision"));
  CCV_ASSIGN_OR_RETURN(t.cc_type, r.ReadU8("cc_type"));
  CCV_ASSIGN_OR_RETURN(t.cc_subtype, r.ReadU8("cc_subtype"));
  CCV_RETURN_IF_ERROR(r.Skip(fmt::kReservedLen, "reserved"));
  CCV_ASSIGN_OR_RETURN(t.laml, r.ReadU64Le("laml"));
  CCV_ASSIGN_OR_RETURN(t.lasa, r.ReadU64Le("lasa"));
  if (t.revision == 0) {
    return ParseError(ErrorCode::kUnsupportedVersion, 8, "revision", "revision 0");
  }
  uint8_t sum = 0;
  for (uint8_t b : data.first(t.length)) sum = uint8_t(sum + b);
  if (sum != 0) {
    return ParseError(ErrorCode::kBadChecksum, 9, "checksum",
                      "table bytes sum to " + std::to_string(sum) + " mod 256, expected 0");
  }
  return t;
}

std::string_view CcTypeName(uint8_t cc_type) {
  switch (cc_type) {
    case fmt::kCcTypeReserved:
      return "reserved";
    case fmt::kCcTypeSevSnp:
      return "SEV-SNP";
    case fmt::kCcTypeTdx:
      return "TDX";
    default:
      return "unknown";
  }
}

std::string AcpiIdText(std::span<const uint8_t> id) {
  std::string s;
  for (uint8_t c : id) s.push_back(c >= 0x20 && c < 0x7f ? char(c) : '\0');
  while (!s.empty() && (s.back() == '\0' || s.back() == ' ')) s.pop_back();
  for (char& c : s) {
    if (c == '\0') c = '.';
  }
  return s;
}

}  // namespace ccv::parsers
