// Decoders of event data that the TCG PC Client PFP (rev 1.05 section 10.4)
// and firmware vendors define beyond the UEFI structures of uefi_event.h:
// the EV_NO_ACTION records after the Spec ID header, tagged events and
// td-shim's platform configuration record. Same contract as uefi_event.h:
// each decoder takes the bytes and their absolute offset, errors name the
// offset and what was expected, Bytes fields alias the input. Thread-safe:
// pure functions.
#ifndef CCV_PARSERS_TCG_EVENT_DATA_H_
#define CCV_PARSERS_TCG_EVENT_DATA_H_

#include <array>
#include <cstdint>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/uefi_event.h"

namespace ccv::parsers {

// The 16-byte signature an EV_NO_ACTION record's data starts with ("Spec ID
// Event03\0", "StartupLocality\0", ...; tcg_event_log_format.h), or "" if
// the data is shorter.
std::string_view NoActionSignature(Bytes data);

// TCG_EfiStartupLocalityEvent (PFP 10.4.5.3): the locality. Errors:
// kBadMagic (signature), kBadLength (not exactly 17 bytes).
Result<uint8_t> ParseStartupLocality(Bytes data, uint64_t offset);

// TCG_Sp800_155_PlatformId_Event2 and Event3 (PFP 10.4.5.2). Strings are
// u8-length-prefixed, the Event3 locators u32-length-prefixed; bytes after
// the last field are ignored. Errors also: kBadMagic (signature).
struct Sp800155PlatformIdEvent {
  bool event3 = false;  // signature "SP800-155 Event3": has the locators
  uint32_t platform_manufacturer_id = 0;
  Guid reference_manifest_guid;
  Bytes platform_manufacturer_str;
  Bytes platform_model;
  Bytes platform_version;
  Bytes firmware_manufacturer_str;
  uint32_t firmware_manufacturer_id = 0;
  Bytes firmware_version;
  uint32_t rim_locator_type = 0;  // Event3 only, as the four below
  Bytes rim_locator;
  uint32_t platform_cert_locator_type = 0;
  Bytes platform_cert_locator;
};
Result<Sp800155PlatformIdEvent> ParseSp800155PlatformIdEvent(Bytes data, uint64_t offset);

// TCG_PCClientTaggedEvent (EV_EVENT_TAG data): taggedEventID u32,
// taggedEventDataSize u32, taggedEventData. Errors also: kBadLength for a
// size beyond the data or trailing bytes.
struct TcgTaggedEvent {
  uint32_t tagged_event_id = 0;
  Bytes tagged_event_data;
};
Result<TcgTaggedEvent> ParseTcgTaggedEvent(Bytes data, uint64_t offset);

// td-shim's TD_SHIM_PLATFORM_CONFIG_INFO (td-shim td-shim/src/event_log.rs),
// the data of its EV_PLATFORM_CONFIG_FLAGS records: a NUL-padded descriptor
// and u32-length-prefixed info that ends the data. Errors also: kBadLength
// (the info length disagrees with the data).
struct TdShimPlatformConfigInfo {
  std::array<uint8_t, 16> descriptor{};
  Bytes info;
  uint64_t info_offset = 0;
};
Result<TdShimPlatformConfigInfo> ParseTdShimPlatformConfigInfo(Bytes data, uint64_t offset);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_TCG_EVENT_DATA_H_
