// Fixed layout of the UEFI and TCG structures found in event data (TCG PC
// Client Platform Firmware Profile rev 1.05 section 10.4; UEFI 2.10 sections
// 3.1.3, 5.3, 10.3 and 32.4.1) and of td-shim's platform configuration
// record. Sizes of the fixed parts; variable parts follow them.
#ifndef CCV_PARSERS_UEFI_EVENT_FORMAT_H_
#define CCV_PARSERS_UEFI_EVENT_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ccv::parsers::uefi_format {

inline constexpr size_t kGuidLen = 16;  // EFI_GUID
inline constexpr size_t kChar16Len = 2;

// UEFI_VARIABLE_DATA (PFP 10.4.2, Table 17): VariableName GUID,
// UnicodeNameLength u64 (CHAR16s), VariableDataLength u64, UnicodeName,
// VariableData.
inline constexpr size_t kVariableDataFixedLen = kGuidLen + 8 + 8;
static_assert(kVariableDataFixedLen == 32);

// UEFI_IMAGE_LOAD_EVENT (PFP 10.4.3, Table 18): ImageLocationInMemory u64,
// ImageLengthInMemory u64, ImageLinkTimeAddress u64, LengthOfDevicePath u64,
// DevicePath.
inline constexpr size_t kImageLoadFixedLen = 8 + 8 + 8 + 8;
static_assert(kImageLoadFixedLen == 32);

// UEFI_PLATFORM_FIRMWARE_BLOB (PFP 10.4.4): BlobBase u64, BlobLength u64.
// UEFI_PLATFORM_FIRMWARE_BLOB2 puts BlobDescriptionSize u8 and the
// description before them.
inline constexpr size_t kFirmwareBlobLen = 8 + 8;
static_assert(kFirmwareBlobLen == 16);

// UEFI_HANDOFF_TABLE_POINTERS (PFP 10.4.5): NumberOfTables u64, then
// EFI_CONFIGURATION_TABLE {VendorGuid, VendorTable u64} per table.
// ..._POINTERS2 puts TableDescriptionSize u8 and the description first.
inline constexpr size_t kConfigurationTableLen = kGuidLen + 8;
static_assert(kConfigurationTableLen == 24);

// EFI_PARTITION_TABLE_HEADER (UEFI 2.10 section 5.3.2, Table 5.21).
inline constexpr std::string_view kGptSignature{"EFI PART", 8};
inline constexpr size_t kGptHeaderLen = 8           // Signature
                                        + 4         // Revision
                                        + 4         // HeaderSize
                                        + 4         // HeaderCRC32
                                        + 4         // Reserved
                                        + 8         // MyLBA
                                        + 8         // AlternateLBA
                                        + 8         // FirstUsableLBA
                                        + 8         // LastUsableLBA
                                        + kGuidLen  // DiskGUID
                                        + 8         // PartitionEntryLBA
                                        + 4         // NumberOfPartitionEntries
                                        + 4         // SizeOfPartitionEntry
                                        + 4;        // PartitionEntryArrayCRC32
static_assert(kGptHeaderLen == 92, "EFI_PARTITION_TABLE_HEADER is 92 bytes");
// Offsets of the header fields the decoder keeps.
inline constexpr size_t kGptDiskGuidOffset = 8 + 4 + 4 + 4 + 4 + 8 + 8 + 8 + 8;
static_assert(kGptDiskGuidOffset == 56);
inline constexpr size_t kGptSizeOfPartitionEntryOffset = kGptDiskGuidOffset + kGuidLen + 8 + 4;
static_assert(kGptSizeOfPartitionEntryOffset == 84);
// EFI_PARTITION_ENTRY (Table 5.22): PartitionTypeGUID, UniquePartitionGUID,
// StartingLBA u64, EndingLBA u64, Attributes u64, PartitionName CHAR16[36].
inline constexpr size_t kPartitionNameLen = 36 * kChar16Len;
inline constexpr size_t kPartitionEntryLen = 2 * kGuidLen + 8 + 8 + 8 + kPartitionNameLen;
static_assert(kPartitionEntryLen == 128, "EFI_PARTITION_ENTRY is 128 bytes");
// UEFI_GPT_DATA (PFP 10.4.6): the header, NumberOfPartitions u64, entries.
inline constexpr size_t kNumberOfPartitionsLen = 8;

// EFI_SIGNATURE_LIST (UEFI 2.10 section 32.4.1): SignatureType GUID,
// SignatureListSize u32, SignatureHeaderSize u32, SignatureSize u32, the
// header, then EFI_SIGNATURE_DATA {SignatureOwner GUID, SignatureData}.
inline constexpr size_t kSignatureListHeaderLen = kGuidLen + 4 + 4 + 4;
static_assert(kSignatureListHeaderLen == 28);
inline constexpr size_t kSignatureOwnerLen = kGuidLen;

// EFI_LOAD_OPTION (UEFI 2.10 section 3.1.3): Attributes u32,
// FilePathListLength u16, Description (NUL-terminated CHAR16), FilePathList,
// OptionalData.
inline constexpr size_t kLoadOptionFixedLen = 4 + 2;

// EFI device path node (UEFI 2.10 section 10.3.1): Type u8, SubType u8,
// Length u16 (header included), data.
inline constexpr size_t kDevicePathNodeHeaderLen = 1 + 1 + 2;
inline constexpr uint8_t kDevicePathTypeEnd = 0x7F;
inline constexpr uint8_t kDevicePathSubtypeEndEntire = 0xFF;
// Data lengths (after the header) of the nodes with fixed fields, UEFI 2.10
// sections 10.3.2 to 10.3.6; vendor nodes and BBS carry more after them.
inline constexpr size_t kPciNodeLen = 1 + 1;               // Function, Device
inline constexpr size_t kMemoryMappedNodeLen = 4 + 8 + 8;  // type, start, end
inline constexpr size_t kVendorNodeLen = kGuidLen;         // VenHw, VenMsg, VenMedia
inline constexpr size_t kAcpiNodeLen = 4 + 4;              // _HID, _UID
inline constexpr size_t kScsiNodeLen = 2 + 2;              // target, LUN
inline constexpr size_t kUsbNodeLen = 1 + 1;               // port, interface
inline constexpr size_t kMacAddressLen = 32;               // then IfType u8
inline constexpr size_t kSataNodeLen = 2 + 2 + 2;          // HBA port, PM port, LUN
inline constexpr size_t kNvmeNodeLen = 4 + 8;              // namespace id, EUI-64
inline constexpr size_t kHardDriveNodeLen = 4 + 8 + 8 + 16 + 1 + 1;
static_assert(kHardDriveNodeLen == 38, "HARDDRIVE_DEVICE_PATH data is 38 bytes");
inline constexpr size_t kCdromNodeLen = 4 + 8 + 8;   // boot entry, start, size
inline constexpr size_t kFvNodeLen = kGuidLen;       // FvFile, Fv
inline constexpr size_t kOffsetNodeLen = 4 + 8 + 8;  // reserved, start, end
inline constexpr size_t kBbsNodeLen = 2 + 2;         // device type, status

// TCG_PCClientTaggedEvent (PFP, the data of EV_EVENT_TAG): taggedEventID u32,
// taggedEventDataSize u32, taggedEventData.
inline constexpr size_t kTaggedEventFixedLen = 4 + 4;

// td-shim TD_SHIM_PLATFORM_CONFIG_INFO (td-shim td-shim/src/event_log.rs):
// Descriptor[16] (NUL padded), InfoLength u32, Info.
inline constexpr size_t kTdShimDescriptorLen = 16;
inline constexpr size_t kTdShimConfigInfoFixedLen = kTdShimDescriptorLen + 4;

}  // namespace ccv::parsers::uefi_format

#endif  // CCV_PARSERS_UEFI_EVENT_FORMAT_H_
