#include "parsers/uefi_event.h"

#include <string>
#include <utility>

#include "parsers/core/hex.h"
#include "parsers/uefi_event_format.h"

namespace ccv::parsers {
namespace {

namespace uf = uefi_format;

struct KnownGuid {
  const char* text;
  std::string_view name;
};
constexpr KnownGuid kKnownGuids[] = {
    {"8be4df61-93ca-11d2-aa0d-00e098032b8c", "EFI_GLOBAL_VARIABLE"},
    {"d719b2cb-3d3a-4596-a3bc-dad00e67656f", "EFI_IMAGE_SECURITY_DATABASE"},
    {"605dab50-e046-4300-abb6-3dd810dd8b23", "SHIM_LOCK"},
    {"a5c059a1-94e4-4aa7-87b5-ab155c2bf072", "EFI_CERT_X509"},
    {"c1c41626-504c-4092-aca9-41f936934328", "EFI_CERT_SHA256"},
    {"8868e871-e4f1-11d3-bc22-0080c73c8881", "EFI_ACPI_20_TABLE"},
    {"eb9d2d30-2d88-11d3-9a16-0090273fc14d", "ACPI_TABLE"},
    {"eb9d2d31-2d88-11d3-9a16-0090273fc14d", "SMBIOS_TABLE"},
    {"f2fd1544-9794-4a2c-992e-e5bbcf20e394", "SMBIOS3_TABLE"},
    {"4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", "LOADER_INTERFACE (systemd-boot)"},
    {"1428f772-b64a-441e-b8c3-9ebdd7f893c7", "QEMU_KERNEL_LOADER_FS_MEDIA"},
    {"77fa9abd-0359-4d32-bd60-28f4e78f784b", "MICROSOFT_VENDOR"},
    {"3c5766e8-269c-4e34-aa14-ed776e85b3b6", "EFI_CERT_RSA2048"},
    {"826ca512-cf10-4ac9-b187-be01496631bd", "EFI_CERT_SHA1"},
    {"0b6e5233-a65c-44c9-9407-d9ab83bfc8bd", "EFI_CERT_SHA224"},
    {"ff3e5307-9fd0-48c9-85f1-8ad56c701e01", "EFI_CERT_SHA384"},
    {"093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", "EFI_CERT_SHA512"},
    {"3bd2a492-96c0-4079-b420-fcf98ef103ed", "EFI_CERT_X509_SHA256"},
};

// kBadLength at `at` for a declared length of `len` bytes (or elements)
// that the `left` bytes after it cannot hold.
Status LengthBeyondData(uint64_t at, std::string_view field, uint64_t len, std::string_view unit,
                        size_t left) {
  return ParseError(ErrorCode::kBadLength, at, field,
                    std::to_string(len) + " " + std::string(unit) + " exceed the " +
                        std::to_string(left) + " bytes left");
}

}  // namespace

std::string Guid::ToString() const {
  // Data1-3 are little-endian, Data4 is a byte array (UEFI 2.10 Appendix A).
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    uint8_t b = bytes[size_t(kOrder[i])];
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::string_view GuidName(const Guid& guid) {
  std::string s = guid.ToString();
  for (const KnownGuid& k : kKnownGuids) {
    if (s == k.text) return k.name;
  }
  return {};
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(char(cp));
  } else if (cp < 0x800) {
    out->push_back(char(0xC0 | (cp >> 6)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(char(0xE0 | (cp >> 12)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(char(0xF0 | (cp >> 18)));
    out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  }
}

std::string Utf16LeToUtf8(Bytes utf16) {
  std::string out;
  ByteReader r(utf16);
  while (r.Remaining() >= uf::kChar16Len) {
    uint32_t c = *r.ReadU16Le("char16");
    if (c == 0) break;
    if (c >= 0xD800 && c < 0xDC00 && r.Remaining() >= uf::kChar16Len) {
      ByteReader low_reader = r;
      uint32_t low = *low_reader.ReadU16Le("char16");
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00), &out);
        r = low_reader;
        continue;
      }
    }
    AppendUtf8(c >= 0xD800 && c < 0xE000 ? 0xFFFD : c, &out);
  }
  return out;
}

bool IsPrintableAscii(Bytes data) {
  if (data.empty()) return false;
  for (uint8_t c : data) {
    if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

Bytes TrimTrailingNuls(Bytes data) {
  while (!data.empty() && data.back() == 0) data = data.first(data.size() - 1);
  return data;
}

std::string EventText(Bytes data) {
  Bytes t = TrimTrailingNuls(data);
  if (t.empty()) return {};
  if (IsPrintableAscii(t)) return std::string(AsChars(t));
  // UTF-16LE: even length (after restoring a cut NUL high byte), ASCII in the
  // low bytes, zero high bytes.
  Bytes u = data;
  while (u.size() >= 2 && u[u.size() - 1] == 0 && u[u.size() - 2] == 0) u = u.first(u.size() - 2);
  if (u.size() >= 2 && u.size() % 2 == 0) {
    bool utf16 = true;
    for (size_t i = 0; i < u.size(); i += 2) {
      if (u[i + 1] != 0 || u[i] == 0) {
        utf16 = false;
        break;
      }
    }
    if (utf16) {
      std::string s = Utf16LeToUtf8(u);
      if (IsPrintableAscii(AsBytes(s))) return s;
    }
  }
  return {};
}

Result<UefiVariableData> ParseUefiVariableData(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  UefiVariableData v;
  CCV_RETURN_IF_ERROR(r.ReadInto(v.variable_name.bytes, "variable_name"));
  const uint64_t name_len_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(v.unicode_name_length, r.ReadU64Le("unicode_name_length"));
  const uint64_t data_len_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(v.variable_data_length, r.ReadU64Le("variable_data_length"));
  if (v.unicode_name_length > r.Remaining() / uf::kChar16Len) {
    return LengthBeyondData(name_len_at, "unicode_name_length", v.unicode_name_length, "CHAR16",
                            r.Remaining());
  }
  CCV_ASSIGN_OR_RETURN(Bytes name,
                       r.ReadBytes(size_t(v.unicode_name_length) * uf::kChar16Len, "unicode_name"));
  v.unicode_name = Utf16LeToUtf8(name);
  if (v.variable_data_length > r.Remaining()) {
    return LengthBeyondData(data_len_at, "variable_data_length", v.variable_data_length, "bytes",
                            r.Remaining());
  }
  v.variable_data_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(v.variable_data,
                       r.ReadBytes(size_t(v.variable_data_length), "variable_data"));
  v.trailing = r.Rest();
  return v;
}

Result<UefiImageLoadEvent> ParseUefiImageLoadEvent(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  UefiImageLoadEvent e;
  CCV_ASSIGN_OR_RETURN(e.image_location_in_memory, r.ReadU64Le("image_location_in_memory"));
  CCV_ASSIGN_OR_RETURN(e.image_length_in_memory, r.ReadU64Le("image_length_in_memory"));
  CCV_ASSIGN_OR_RETURN(e.image_link_time_address, r.ReadU64Le("image_link_time_address"));
  const uint64_t len_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(e.length_of_device_path, r.ReadU64Le("length_of_device_path"));
  if (e.length_of_device_path > r.Remaining()) {
    return LengthBeyondData(len_at, "length_of_device_path", e.length_of_device_path, "bytes",
                            r.Remaining());
  }
  e.device_path_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(e.device_path, r.ReadBytes(size_t(e.length_of_device_path), "device_path"));
  return e;
}

Result<DevicePathNode> ReadDevicePathNode(ByteReader* r) {
  DevicePathNode node;
  node.offset = r->Offset();
  ByteReader header = *r;
  if (header.Remaining() < uf::kDevicePathNodeHeaderLen) {
    return header.Truncated(uf::kDevicePathNodeHeaderLen, "device_path_node");
  }
  CCV_ASSIGN_OR_RETURN(node.type, header.ReadU8("device_path_node.type"));
  CCV_ASSIGN_OR_RETURN(node.subtype, header.ReadU8("device_path_node.subtype"));
  CCV_ASSIGN_OR_RETURN(uint16_t len, header.ReadU16Le("device_path_node.length"));
  if (len < uf::kDevicePathNodeHeaderLen || len > r->Remaining()) {
    return ParseError(
        ErrorCode::kBadLength, node.offset, "device_path_node.length",
        "node length " + std::to_string(len) + ", expected 4.." + std::to_string(r->Remaining()));
  }
  CCV_ASSIGN_OR_RETURN(ByteReader whole, r->ReadSub(len, "device_path_node"));
  CCV_RETURN_IF_ERROR(whole.Skip(uf::kDevicePathNodeHeaderLen, "device_path_node"));
  node.data = whole.Rest();
  return node;
}

Result<EfiLoadOption> ParseEfiLoadOption(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  EfiLoadOption o;
  CCV_ASSIGN_OR_RETURN(o.attributes, r.ReadU32Le("attributes"));
  CCV_ASSIGN_OR_RETURN(uint16_t file_path_list_len, r.ReadU16Le("file_path_list_length"));
  // Description: CHAR16s up to and including a NUL.
  Bytes description = r.Rest();
  size_t description_len = 0;
  while (true) {
    CCV_ASSIGN_OR_RETURN(uint16_t c, r.ReadU16Le("description"));
    if (c == 0) break;
    description_len += uf::kChar16Len;
  }
  o.description = Utf16LeToUtf8(description.first(description_len));
  o.file_path_list_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(o.file_path_list, r.ReadBytes(file_path_list_len, "file_path_list"));
  o.optional_data = r.Rest();
  return o;
}

Result<std::vector<uint16_t>> ParseBootOrder(Bytes data, uint64_t offset) {
  if (data.size() % 2 != 0) {
    return ParseError(ErrorCode::kBadLength, offset, "boot_order",
                      std::to_string(data.size()) + " bytes, expected a multiple of 2");
  }
  ByteReader r(data, offset);
  std::vector<uint16_t> order;
  order.reserve(data.size() / 2);
  while (!r.Empty()) {
    CCV_ASSIGN_OR_RETURN(uint16_t option, r.ReadU16Le("boot_order"));
    order.push_back(option);
  }
  return order;
}

Result<EfiSignatureList> ReadEfiSignatureList(ByteReader* r) {
  const uint64_t at = r->Offset();
  if (r->Remaining() < uf::kSignatureListHeaderLen) {
    return r->Truncated(uf::kSignatureListHeaderLen, "signature_list");
  }
  ByteReader header = *r;
  EfiSignatureList l;
  CCV_RETURN_IF_ERROR(header.ReadInto(l.signature_type.bytes, "signature_type"));
  CCV_ASSIGN_OR_RETURN(l.signature_list_size, header.ReadU32Le("signature_list_size"));
  CCV_ASSIGN_OR_RETURN(l.signature_header_size, header.ReadU32Le("signature_header_size"));
  CCV_ASSIGN_OR_RETURN(l.signature_size, header.ReadU32Le("signature_size"));
  const uint64_t entries_len =
      uint64_t(l.signature_list_size) - uf::kSignatureListHeaderLen - l.signature_header_size;
  if (l.signature_list_size < uf::kSignatureListHeaderLen ||
      l.signature_list_size > r->Remaining() ||
      l.signature_header_size > l.signature_list_size - uf::kSignatureListHeaderLen ||
      l.signature_size < uf::kSignatureOwnerLen || entries_len % l.signature_size != 0) {
    return ParseError(ErrorCode::kBadLength, at, "signature_list_size",
                      "list of " + std::to_string(l.signature_list_size) + " bytes with a " +
                          std::to_string(l.signature_header_size) + "-byte header and " +
                          std::to_string(l.signature_size) + "-byte entries, " +
                          std::to_string(r->Remaining()) + " bytes left");
  }
  CCV_ASSIGN_OR_RETURN(ByteReader list, r->ReadSub(l.signature_list_size, "signature_list"));
  CCV_RETURN_IF_ERROR(
      list.Skip(uf::kSignatureListHeaderLen + l.signature_header_size, "signature_header"));
  l.num_signatures = uint32_t(entries_len / l.signature_size);
  l.signatures = list;
  return l;
}

Result<EfiSignatureData> ReadEfiSignatureData(ByteReader* r, size_t signature_size) {
  CCV_ASSIGN_OR_RETURN(ByteReader s, r->ReadSub(signature_size, "signature_data"));
  EfiSignatureData d;
  CCV_RETURN_IF_ERROR(s.ReadInto(d.signature_owner.bytes, "signature_owner"));
  d.signature_data = s.Rest();
  return d;
}

Result<UefiFirmwareBlob> ParseUefiFirmwareBlob(Bytes data, uint64_t offset, bool with_description) {
  ByteReader r(data, offset);
  UefiFirmwareBlob b;
  if (with_description) {
    CCV_ASSIGN_OR_RETURN(ByteReader description, r.ReadU8LengthPrefixed("blob_description"));
    b.blob_description = description.Rest();
  }
  CCV_ASSIGN_OR_RETURN(b.blob_base, r.ReadU64Le("blob_base"));
  CCV_ASSIGN_OR_RETURN(b.blob_length, r.ReadU64Le("blob_length"));
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("firmware_blob"));
  return b;
}

Result<UefiHandoffTables> ParseUefiHandoffTables(Bytes data, uint64_t offset,
                                                 bool with_description) {
  ByteReader r(data, offset);
  UefiHandoffTables h;
  if (with_description) {
    CCV_ASSIGN_OR_RETURN(ByteReader description, r.ReadU8LengthPrefixed("table_description"));
    h.table_description = description.Rest();
  }
  const uint64_t count_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint64_t num_tables, r.ReadU64Le("number_of_tables"));
  if (num_tables > r.Remaining() / uf::kConfigurationTableLen) {
    return LengthBeyondData(count_at, "number_of_tables", num_tables, "tables of 24 bytes",
                            r.Remaining());
  }
  h.tables.resize(size_t(num_tables));
  for (EfiConfigurationTable& t : h.tables) {
    CCV_RETURN_IF_ERROR(r.ReadInto(t.vendor_guid.bytes, "vendor_guid"));
    CCV_ASSIGN_OR_RETURN(t.vendor_table, r.ReadU64Le("vendor_table"));
  }
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("handoff_tables"));
  return h;
}

Result<UefiGptData> ParseUefiGptData(Bytes data, uint64_t offset) {
  ByteReader r(data, offset);
  UefiGptData g;
  CCV_ASSIGN_OR_RETURN(ByteReader header, r.ReadSub(uf::kGptHeaderLen, "efi_partition_header"));
  CCV_ASSIGN_OR_RETURN(Bytes signature, header.ReadBytes(uf::kGptSignature.size(),
                                                         "efi_partition_header.signature"));
  if (AsChars(signature) != uf::kGptSignature) {
    return ParseError(ErrorCode::kBadMagic, offset, "efi_partition_header.signature",
                      "expected \"EFI PART\"");
  }
  CCV_RETURN_IF_ERROR(
      header.Skip(uf::kGptDiskGuidOffset - header.Position(), "efi_partition_header"));
  CCV_RETURN_IF_ERROR(header.ReadInto(g.disk_guid.bytes, "efi_partition_header.disk_guid"));
  CCV_RETURN_IF_ERROR(
      header.Skip(uf::kGptSizeOfPartitionEntryOffset - header.Position(), "efi_partition_header"));
  const uint64_t entry_size_at = header.Offset();
  CCV_ASSIGN_OR_RETURN(g.size_of_partition_entry,
                       header.ReadU32Le("efi_partition_header.size_of_partition_entry"));
  if (g.size_of_partition_entry < uf::kPartitionEntryLen) {
    return ParseError(ErrorCode::kBadValue, entry_size_at,
                      "efi_partition_header.size_of_partition_entry",
                      "partition entries of " + std::to_string(g.size_of_partition_entry) +
                          " bytes, at least 128 expected");
  }
  const uint64_t count_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint64_t num_partitions, r.ReadU64Le("number_of_partitions"));
  if (num_partitions > r.Remaining() / g.size_of_partition_entry) {
    return ParseError(ErrorCode::kBadLength, count_at, "number_of_partitions",
                      std::to_string(num_partitions) + " partition entries exceed the event data");
  }
  g.partitions.resize(size_t(num_partitions));
  for (EfiPartitionEntry& p : g.partitions) {
    CCV_ASSIGN_OR_RETURN(ByteReader e, r.ReadSub(g.size_of_partition_entry, "partition"));
    CCV_RETURN_IF_ERROR(e.ReadInto(p.partition_type_guid.bytes, "partition_type_guid"));
    CCV_RETURN_IF_ERROR(e.ReadInto(p.unique_partition_guid.bytes, "unique_partition_guid"));
    CCV_ASSIGN_OR_RETURN(p.starting_lba, e.ReadU64Le("starting_lba"));
    CCV_ASSIGN_OR_RETURN(p.ending_lba, e.ReadU64Le("ending_lba"));
    CCV_ASSIGN_OR_RETURN(p.attributes, e.ReadU64Le("attributes"));
    CCV_ASSIGN_OR_RETURN(Bytes name, e.ReadBytes(uf::kPartitionNameLen, "partition_name"));
    p.partition_name = Utf16LeToUtf8(name);
  }
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("gpt"));
  return g;
}

}  // namespace ccv::parsers
