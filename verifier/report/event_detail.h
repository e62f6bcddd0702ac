// The decoded fields of a TCG event's data as display text, for `ccverify
// dump` (text, and JSON through event_json.h). The decoding itself is done by
// parsers/uefi_event.h and parsers/tcg_event_data.h; this only names and
// formats what they return. A malformed structure never fails the dump: the
// detail carries `error` and callers still show the raw bytes.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_EVENT_DETAIL_H_
#define CCV_VERIFIER_REPORT_EVENT_DETAIL_H_

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "parsers/core/byte_reader.h"

namespace ccv::report {

// A record of named text values, in order (one certificate of a signature
// list: subject, issuer, serial, ...).
using FieldRecord = std::vector<std::pair<std::string, std::string>>;

// A decoded field of an event: text, a number, a list of text or a list of
// records.
struct EventField {
  std::string key;
  std::variant<std::string, uint64_t, std::vector<std::string>, std::vector<FieldRecord>> value;
};

struct EventDetail {
  // What the data was read as: "spec_id", "startup_locality",
  // "sp800_155_event", "no_action", "uefi_variable", "image_load", "string",
  // "separator", "firmware_blob", "handoff_tables", "gpt", "event_tag",
  // "post_code", "platform_config", "raw".
  std::string kind = "raw";
  std::vector<EventField> fields;
  // Non-empty if the data did not decode as its type says (fields may then
  // be partial): the parser's error, naming the offset and field.
  std::string error;
};

// Describes the event data of a record of `type`. Never fails: see
// EventDetail::error. `data_offset` is the absolute offset of `data`.
EventDetail DescribeEventData(uint32_t type, Bytes data, uint64_t data_offset);

// EFI device path (UEFI 2.10 section 10.3) in the text form of section 10.6,
// e.g. "PciRoot(0x0)/Pci(0x1,0x0)/HD(1,GPT,<guid>,0x800,0x100000)/\EFI\BOOT\BOOTX64.EFI".
// Unknown nodes print as "Path(type,subtype,hex)"; a malformed node ends the
// text with "<malformed at +N>", N relative to the path's start.
std::string DevicePathToText(Bytes device_path);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_EVENT_DETAIL_H_
