// Replay of a dstack event log (parsers/dstack_log.h): RTMR0..3 from zero,
// R = SHA-384(R || digest) for every entry but EV_NO_ACTION, and a check of
// every entry's digest against its data:
//  - runtime events (event_type 0x08000001): the digest must be the SHA-384
//    of RuntimeEventHashInput() of the entry's name, payload and version; an
//    entry without a digest is extended with the one its data gives;
//  - boot events: the TCG event-digest conventions of digest_check.h over
//    the payload (verified / mismatched / not checkable).
// The replay extends the digest as logged, so the register proves the logged
// digests and the digest check proves the data.
//
// App facts (compose-hash, app-id, ...) are the payloads of runtime events
// on RTMR3 whose digest verified; AppValues() refuses a name logged twice.
// Whether the RTMR3 replay is bound to a quote is the caller's question.
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPLAY_DSTACK_REPLAY_H_
#define CCV_VERIFIER_REPLAY_DSTACK_REPLAY_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/dstack_log.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/register_set.h"

namespace ccv::replay {

struct DstackEventOutcome {
  size_t index = 0;
  uint32_t rtmr = 0;      // the register extended (as logged)
  bool runtime = false;   // event_type is the dstack runtime type
  bool extended = false;  // false for EV_NO_ACTION
  DigestCheck check = DigestCheck::kNotCheckable;
  DigestConvention convention = DigestConvention::kNone;  // boot events
  std::string convention_name;  // "dstack_v1", "dstack_v2", or the TCG convention's name
  Digest extended_digest;       // what was extended (the logged digest, or the derived one)
  Digest expected_digest;       // runtime events: the digest the data gives
};

struct DstackReplayResult {
  RegisterSet registers;  // rtmr0..3, each present once extended
  std::vector<DstackEventOutcome> events;
  uint64_t runtime_events = 0;
  uint64_t runtime_verified = 0;
  uint64_t runtime_mismatched = 0;
  DigestCheckCounts boot_checks;   // boot events (digest_check.h conventions)
  std::vector<size_t> mismatched;  // indexes of every mismatched entry (runtime or boot)
};

// Replays `events`. Never fails on content: a mismatch is an outcome.
DstackReplayResult ReplayDstack(const std::vector<dstack::Event>& events);

// Reads and parses a dstack log file and replays it. Errors: the file's
// (kIo) and the parser's, naming the file.
struct DstackFile {
  std::vector<dstack::Event> events;
  DstackReplayResult replay;
};
Result<DstackFile> ReplayDstackFile(const std::string& path);

// The app facts the log states: for each runtime event on RTMR3 whose digest
// verified, its name -> the entry indexes. A caller takes a value only from
// a name with exactly one entry.
std::map<std::string, std::vector<size_t>> AppEventIndex(const std::vector<dstack::Event>& events,
                                                         const DstackReplayResult& replay);

// The names dstack's own tools derive facts from, and how a payload is shown:
// hex for compose-hash, app-id, instance-id, os-image-hash; text for
// key-provider (JSON) when it is printable UTF-8, else hex.
inline constexpr const char* kAppFactNames[] = {"compose-hash", "app-id", "instance-id",
                                                "key-provider", "os-image-hash"};
std::string AppFactValue(std::string_view name, Bytes payload);
// True for the names of kAppFactNames.
bool IsAppFactName(std::string_view name);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_DSTACK_REPLAY_H_
