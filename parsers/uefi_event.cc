#include "parsers/uefi_event.h"

#include <string>
#include <utility>

#include "parsers/core/hex.h"
#include "parsers/uefi_event_format.h"

namespace ccv::parsers {
namespace {

namespace uf = uefi_format;

// kBadLength at `at` for a declared length of `len` bytes (or elements)
// that the `left` bytes after it cannot hold.
Status LengthBeyondData(uint64_t at, std::string_view field, uint64_t len, std::string_view unit,
                        size_t left) {
  return ParseError(ErrorCode::kBadLength, at, field,
                    std::to_string(len) + " " + std::string(unit) + " exceed the " +
                        std::to_string(left) + " bytes left");
}

// The `len` bytes at the reader's position, `len` having been read as
// `len_field` at `len_at`; `*data_offset` is where they start.
Result<Bytes> ReadDeclaredBytes(ByteReader* r, uint64_t len_at, std::string_view len_field,
                                uint64_t len, std::string_view field, uint64_t* data_offset) {
  if (len > r->Remaining())
    return LengthBeyondData(len_at, len_field, len, "bytes", r->Remaining());
  *data_offset = r->Offset();
  return r->ReadBytes(size_t(len), field);
}

}  // namespace

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
  CCV_ASSIGN_OR_RETURN(v.variable_data, ReadDeclaredBytes(&r, data_len_at, "variable_data_length",
                                                          v.variable_data_length, "variable_data",
                                                          &v.variable_data_offset));
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
  CCV_ASSIGN_OR_RETURN(
      e.device_path, ReadDeclaredBytes(&r, len_at, "length_of_device_path", e.length_of_device_path,
                                       "device_path", &e.device_path_offset));
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
