// Decoding of TCG PC Client / UEFI event data (TCG PC Client PFP rev 1.05
// section 10.4; UEFI 2.10 chapter 10 for device paths) for display and for
// the digest checks: UEFI_VARIABLE_DATA, UEFI_IMAGE_LOAD_EVENT, device paths
// as text, firmware blobs, handoff tables, GPT data, tagged events, EV_IPL
// strings and the EV_NO_ACTION kinds. Decoding never trusts a length: a
// malformed structure yields an error (typed parsers) or a detail with
// `error` set and the raw bytes kept (DecodeEventData). Thread-safe.
#ifndef CCV_PARSERS_UEFI_EVENT_H_
#define CCV_PARSERS_UEFI_EVENT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"

namespace ccv::parsers {

// EFI_GUID in its in-memory layout (first three fields little-endian).
struct Guid {
  std::array<uint8_t, 16> bytes{};
  // "8be4df61-93ca-11d2-aa0d-00e098032b8c" (lowercase).
  std::string ToString() const;
  bool operator==(const Guid&) const = default;
};
// A short name for well-known GUIDs ("EFI_GLOBAL_VARIABLE", ...), or "".
std::string_view GuidName(const Guid& guid);

// UTF-16LE (as UEFI stores CHAR16 strings) to UTF-8; stops at a NUL. Bad
// surrogates become U+FFFD.
std::string Utf16LeToUtf8(Bytes utf16);

// UEFI_VARIABLE_DATA (PFP 10.4.2, Table 17). Views alias `data`.
struct UefiVariableData {
  Guid variable_name;
  uint64_t unicode_name_length = 0;   // in CHAR16 units
  uint64_t variable_data_length = 0;
  std::string unicode_name;            // UTF-8
  Bytes variable_data;
  uint64_t variable_data_offset = 0;
  // Bytes after VariableData. The spec has none, but shim writes
  // EV_EFI_VARIABLE_AUTHORITY events with a few extra bytes; callers decide.
  Bytes trailing;
};
// Errors: kTruncated / kBadLength naming the field.
Result<UefiVariableData> ParseUefiVariableData(Bytes data, uint64_t offset);

// UEFI_IMAGE_LOAD_EVENT (PFP 10.4.3, Table 18).
struct UefiImageLoadEvent {
  uint64_t image_location_in_memory = 0;
  uint64_t image_length_in_memory = 0;
  uint64_t image_link_time_address = 0;
  uint64_t length_of_device_path = 0;
  Bytes device_path;
};
Result<UefiImageLoadEvent> ParseUefiImageLoadEvent(Bytes data, uint64_t offset);

// EFI device path (UEFI 2.10 section 10.3) in the text form of section 10.6,
// e.g. "PciRoot(0x0)/Pci(0x1,0x0)/HD(1,GPT,<guid>,0x800,0x100000)/\EFI\BOOT\BOOTX64.EFI".
// Unknown nodes print as "Path(type,subtype,hex)"; a malformed node ends the
// text with "<malformed at +N>".
std::string DevicePathToText(Bytes device_path);

// A decoded field of an event: text, a number, or a list of text.
struct EventField {
  std::string key;
  std::variant<std::string, uint64_t, std::vector<std::string>> value;
};

struct EventDetail {
  // What the data was read as: "spec_id", "startup_locality",
  // "sp800_155_event", "no_action", "uefi_variable", "image_load", "string",
  // "separator", "firmware_blob", "handoff_tables", "gpt", "event_tag",
  // "post_code", "platform_config", "raw".
  std::string kind = "raw";
  std::vector<EventField> fields;
  // Non-empty if the data did not decode as its type says (fields may then
  // be partial); the raw bytes are still shown by callers.
  std::string error;
};

// Decodes the event data of a record of `type`. Never fails: see
// EventDetail::error. `data_offset` is the absolute offset of `data`.
EventDetail DecodeEventData(uint32_t type, Bytes data, uint64_t data_offset);

// The text of an EV_IPL / EV_EFI_ACTION / EV_ACTION-like event: ASCII (NULs at
// the end cut) or UTF-16LE when it looks like it; empty if not text.
// E.g. grub's "grub_cmd: linux ..." and "kernel_cmdline: ...".
std::string EventText(Bytes data);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_UEFI_EVENT_H_
