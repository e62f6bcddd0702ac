// dstack event log: the JSON array a dstack guest reports (its boot events,
// converted from the CCEL, followed by the runtime events it extended into
// RTMR3), as dstack's cc-eventlog `TdxEvent` serialises it:
//   [{"imr": 0..3, "event_type": N, "digest": "<hex>", "event": "name",
//     "event_payload": "<hex>", "version": 1 | 2, "hash_input": "<hex>"}, ...]
// `imr` is the zero-based RTMR index (not the CCEL's one-based MR index).
// `version` and `hash_input` are optional; `digest` may be empty for a
// runtime event (dstack strips it: it is derived from the event). Every
// field is as logged: nothing is checked here beyond the syntax.
//
// Runtime events (event_type kRuntimeEventType, a code outside the TCG
// registry) have a digest defined by the event itself (dstack
// cc-eventlog/src/runtime_events.rs, RuntimeEvent::hash_input):
//   v1: SHA-384(u32le(event_type) || ":" || event || ":" || payload)
//   v2: SHA-384(JCS (RFC 8785) canonical JSON of
//       {"event": event, "event_type": 134217729, "payload": hex(payload), "version": 2})
// RuntimeEventHashInput() builds the bytes hashed; hashing is the verifier's.
//
// Thread safety: value types and pure functions.
#ifndef CCV_PARSERS_DSTACK_LOG_H_
#define CCV_PARSERS_DSTACK_LOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"

namespace ccv::dstack {

// DSTACK_RUNTIME_EVENT_TYPE.
inline constexpr uint32_t kRuntimeEventType = 0x08000001;
// RTMR0..3.
inline constexpr uint32_t kNumImrs = 4;
inline constexpr size_t kMaxEvents = 1 << 20;
inline constexpr size_t kDigestLen = 48;  // SHA-384

struct Event {
  size_t index = 0;                                // position in the array (0 = first)
  uint32_t untrusted_imr = 0;                      // RTMR index as logged, 0..3
  uint32_t untrusted_type = 0;                     // event_type as logged: no digest covers it
  std::vector<uint8_t> digest;                     // 48 bytes, or empty (runtime events only)
  std::string event;                               // event name (runtime events), UTF-8
  std::vector<uint8_t> payload;                    // event_payload
  uint32_t version = 1;                            // digest form of a runtime event: 1 or 2
  bool has_version = false;                        // `version` was present
  std::optional<std::vector<uint8_t>> hash_input;  // as logged; never trusted
  bool IsRuntimeEvent() const { return untrusted_type == kRuntimeEventType; }
};

// Parses the JSON text of a dstack event log. Strict: the top level must be
// an array of objects; unknown or repeated members are errors. Errors:
// kBadValue with the byte offset for JSON syntax (and invalid UTF-8), and
// with field "events[i].member" naming the entry and member for a missing
// member, a wrong type, bad hex, an imr above 3, a digest that is not 48
// bytes (or empty outside a runtime event), a version other than 1 or 2;
// kLimitExceeded beyond kMaxEvents entries.
Result<std::vector<Event>> ParseLog(std::string_view json);

// True if `head` (the first bytes of a file) looks like a dstack event log:
// '[' then an object whose first member is "imr" (white space allowed).
bool LooksLikeLog(Bytes head);

// The bytes a runtime event's digest is the SHA-384 of (see above), for
// `version` 1 or 2 (any other value: v1).
std::vector<uint8_t> RuntimeEventHashInput(std::string_view event, Bytes payload, uint32_t version);

// JSON string literal of `s` as RFC 8785 writes it (quotes included):
// '"' and '\' escaped, \b \f \n \r \t, \u00xx (lowercase hex) for the other
// control characters, everything else as is.
std::string JcsString(std::string_view s);

}  // namespace ccv::dstack

#endif  // CCV_PARSERS_DSTACK_LOG_H_
