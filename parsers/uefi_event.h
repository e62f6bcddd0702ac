// Decoders of the UEFI structures that TCG PC Client event data carries (TCG
// PC Client PFP rev 1.05 section 10.4; UEFI 2.10 for the embedded types):
// bytes in, plain structs out, every read through ByteReader, sizes from
// uefi_event_format.h. GUIDs and CHAR16 strings as text: uefi_text.h;
// rendering whole events as text or JSON is verifier/report/event_detail.h's
// job. Nothing here was checked against a digest.
//
// Each decoder takes the bytes and their absolute offset. Errors name the
// offset of the field and what was expected: kTruncated (a fixed part runs
// past the data), kBadLength (a length or count inconsistent with the data,
// or bytes left over where the structure has none), kBadMagic (a
// signature). Bytes fields alias the input and live as long as it.
// Thread-safe: pure functions.
#ifndef CCV_PARSERS_UEFI_EVENT_H_
#define CCV_PARSERS_UEFI_EVENT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/uefi_text.h"

namespace ccv::parsers {

// UEFI_VARIABLE_DATA (PFP 10.4.2, Table 17).
struct UefiVariableData {
  Guid variable_name;
  uint64_t unicode_name_length = 0;  // in CHAR16 units
  uint64_t variable_data_length = 0;
  std::string unicode_name;  // UTF-8
  Bytes variable_data;
  uint64_t variable_data_offset = 0;
  // Bytes after VariableData. The spec has none, but shim writes
  // EV_EFI_VARIABLE_AUTHORITY events with a few extra bytes; callers decide.
  Bytes trailing;
};
Result<UefiVariableData> ParseUefiVariableData(Bytes data, uint64_t offset);

// UEFI_IMAGE_LOAD_EVENT (PFP 10.4.3, Table 18). Bytes after the device path
// are ignored: some firmware pads the event, and the length is authoritative.
struct UefiImageLoadEvent {
  uint64_t image_location_in_memory = 0;
  uint64_t image_length_in_memory = 0;
  uint64_t image_link_time_address = 0;
  uint64_t length_of_device_path = 0;
  Bytes device_path;
  uint64_t device_path_offset = 0;
};
Result<UefiImageLoadEvent> ParseUefiImageLoadEvent(Bytes data, uint64_t offset);

// One EFI device path node (UEFI 2.10 section 10.3.1). A path is a sequence
// of them; read it with a ByteReader until an end node or the end of data.
// Errors: kTruncated (the 4-byte header), kBadLength (a length below 4 or
// beyond the path), both at the node's offset.
struct DevicePathNode {
  uint8_t type = 0;
  uint8_t subtype = 0;
  Bytes data;           // after the 4-byte header
  uint64_t offset = 0;  // of the node header
};
Result<DevicePathNode> ReadDevicePathNode(ByteReader* r);

// EFI_LOAD_OPTION (UEFI 2.10 section 3.1.3), the data of a Boot#### variable.
struct EfiLoadOption {
  uint32_t attributes = 0;
  std::string description;  // UTF-8
  Bytes file_path_list;     // FilePathListLength bytes of device paths
  uint64_t file_path_list_offset = 0;
  Bytes optional_data;
};
Result<EfiLoadOption> ParseEfiLoadOption(Bytes data, uint64_t offset);

// BootOrder (UEFI 2.10 section 3.3): an array of u16 option numbers.
// Errors: kBadLength for an odd size.
Result<std::vector<uint16_t>> ParseBootOrder(Bytes data, uint64_t offset);

// EFI_SIGNATURE_LIST (UEFI 2.10 section 32.4.1), as PK, KEK, db and dbx hold
// a sequence of them. Errors: kTruncated (the 28-byte header), kBadLength at
// the list (sizes that do not fit the data or do not divide into entries).
struct EfiSignatureList {
  Guid signature_type;
  uint32_t signature_list_size = 0;
  uint32_t signature_header_size = 0;
  uint32_t signature_size = 0;  // of each EFI_SIGNATURE_DATA, owner included
  uint32_t num_signatures = 0;
  ByteReader signatures{Bytes{}};  // the EFI_SIGNATURE_DATA entries
};
Result<EfiSignatureList> ReadEfiSignatureList(ByteReader* r);

// EFI_SIGNATURE_DATA of `signature_size` bytes: the owner and the data. An
// EV_EFI_VARIABLE_AUTHORITY event's VariableData is one of them.
struct EfiSignatureData {
  Guid signature_owner;
  Bytes signature_data;
};
Result<EfiSignatureData> ReadEfiSignatureData(ByteReader* r, size_t signature_size);

// UEFI_PLATFORM_FIRMWARE_BLOB (PFP 10.4.4); with `with_description`,
// UEFI_PLATFORM_FIRMWARE_BLOB2. Errors also: kBadLength for trailing bytes.
struct UefiFirmwareBlob {
  Bytes blob_description;  // BLOB2 only
  uint64_t blob_base = 0;
  uint64_t blob_length = 0;
};
Result<UefiFirmwareBlob> ParseUefiFirmwareBlob(Bytes data, uint64_t offset, bool with_description);

// UEFI_HANDOFF_TABLE_POINTERS (PFP 10.4.5); with `with_description`,
// UEFI_HANDOFF_TABLE_POINTERS2. Errors also: kBadLength for a table count
// beyond the data (checked before anything is allocated) or trailing bytes.
struct EfiConfigurationTable {
  Guid vendor_guid;
  uint64_t vendor_table = 0;  // an address in the firmware's memory
};
struct UefiHandoffTables {
  Bytes table_description;  // POINTERS2 only
  std::vector<EfiConfigurationTable> tables;
};
Result<UefiHandoffTables> ParseUefiHandoffTables(Bytes data, uint64_t offset,
                                                 bool with_description);

// UEFI_GPT_DATA (PFP 10.4.6): EFI_PARTITION_TABLE_HEADER (UEFI 2.10 section
// 5.3.2; only the fields shown here are kept), NumberOfPartitions u64 and the
// entries. Errors also: kBadMagic ("EFI PART"), kBadValue (an entry size
// below 128), kBadLength (more entries than bytes, trailing bytes).
struct EfiPartitionEntry {
  Guid partition_type_guid;
  Guid unique_partition_guid;
  uint64_t starting_lba = 0;
  uint64_t ending_lba = 0;
  uint64_t attributes = 0;
  std::string partition_name;  // UTF-8
};
struct UefiGptData {
  Guid disk_guid;
  uint32_t size_of_partition_entry = 0;
  std::vector<EfiPartitionEntry> partitions;
};
Result<UefiGptData> ParseUefiGptData(Bytes data, uint64_t offset);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_UEFI_EVENT_H_
