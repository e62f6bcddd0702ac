// A resumable IMA replay (`verify --ima-state`, docs/cli.md): what a verify
// that bound an IMA list to a quote knows at the end of the bound prefix,
// so that the next verify of the same machine replays only the entries
// added since. The state is a short text file closed by an HMAC-SHA-256
// under the operator's key (`--state-key`); ParseImaState checks the MAC
// before it reads any field, so a changed byte or another key is refused.
//
// What the state stands for: "the first `entries` entries of this list,
// ending at byte `offset`, were replayed, their template hashes verified and
// their replay equalled an authenticated quote, giving `values`". A resumed
// replay starts from `values`; the quote it is compared with then decides
// whether the list still continues that prefix (DESIGN §2).
//
// Thread safety: value types and pure functions.
#ifndef CCV_VERIFIER_REPLAY_IMA_STATE_H_
#define CCV_VERIFIER_REPLAY_IMA_STATE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"
#include "verifier/replay/register_set.h"

namespace ccv::replay {

// Most bytes of a state file (a few hundred in practice).
inline constexpr size_t kMaxImaStateLen = 64 * 1024;
// Largest count or offset a state holds.
inline constexpr uint64_t kMaxImaStateCount = uint64_t{1} << 48;
// Fewest bytes of a --state-key file.
inline constexpr size_t kMinImaStateKeyLen = 16;

struct ImaState {
  std::string format;  // "ima-ascii" or "ima-binary"
  RegisterId reg = RegisterId::Rtmr(2);
  HashAlg listed_alg = HashAlg::kSha384;  // of the listed template hashes
  bool big_endian = false;
  uint64_t entries = 0;        // bound entries replayed (the prefix)
  uint64_t offset = 0;         // byte offset just past the last of them
  uint64_t line = 1;           // ascii: line of the entry after them
  uint64_t anchor_offset = 0;  // byte offset of the last of them
  Digest anchor;               // SHA-256 of its bytes [anchor_offset, offset)
  // SHA-256 of the boot-time registers the list continues from and its
  // boot_aggregate is checked against (BootRegistersDigest): another boot
  // gives another value.
  Digest boot;
  // The register after `entries` entries, one value per bank (the quoted
  // values), in bank order.
  std::vector<Digest> values;
  // ima.boot_aggregate's verdict in the run that replayed entry 0 ("pass",
  // "fail" or "skipped") and its detail.
  std::string boot_aggregate;
  std::string boot_aggregate_detail;
};

// The state as text, its last line the MAC under `key` over every byte
// before it. REQUIRES: `values` non-empty, digests of their algorithms.
std::string SerializeImaState(const ImaState& state, std::span<const uint8_t> key);

// Checks the MAC of `text` under `key`, then reads the fields. Errors:
// kBadSignature when the MAC line is missing or does not verify (a changed
// state or another key), kBadValue for a field that does not read (named),
// kLimitExceeded above kMaxImaStateLen. No field is trusted before the MAC.
Result<ImaState> ParseImaState(std::string_view text, std::span<const uint8_t> key);

// SHA-256 over every register and bank of `regs` (name, bank, value), in
// register order: the `boot` of a state.
Digest BootRegistersDigest(const RegisterSet& regs);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_IMA_STATE_H_
