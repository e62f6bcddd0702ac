// IMA signature checks of a measurement list (`replay --ima F --ima-keys K`):
// each entry whose template has a `sig` field (ima-sig, ima-sigv2,
// ima-modsig) is verified against the keys whose key id its signature names
// (parsers/ima_sig.h, crypto/ima_keys.h), as `evmctl ima_measurement
// --verify-sig` and keylime do. Outcomes per entry: verified, failed (a key
// with that id exists and none verifies, or the signature's hash algorithm
// is not the listed digest's), unknown_key, unsigned (an empty sig field or a
// template without one), malformed (the sig field does not decode). ima-buf
// records of a key load into a keyring (.ima, .builtin_trusted_keys, ...)
// are decoded: the certificate, its subject and key id.
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPLAY_IMA_SIGNATURES_H_
#define CCV_VERIFIER_REPLAY_IMA_SIGNATURES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "parsers/ima_log.h"
#include "parsers/ima_template.h"
#include "verifier/crypto/ima_keys.h"

namespace ccv::replay {

enum class ImaSigStatus { kVerified, kFailed, kUnknownKey, kUnsigned, kMalformed };
// "verified", "failed", "unknown_key", "unsigned", "malformed".
std::string_view ImaSigStatusName(ImaSigStatus s);

struct ImaSigEntry {
  uint64_t index = 0;
  uint64_t line = 0;  // ascii lists
  std::string path;
  ImaSigStatus status = ImaSigStatus::kUnsigned;
  uint32_t keyid = 0;  // when a signature decoded
  uint8_t version = 0;
  std::string key;     // the key that verified (its source)
  std::string detail;  // why, for anything but verified
};

struct KeyringLoad {
  uint64_t index = 0;
  std::string keyring;  // the n-ng field: ".ima", ".builtin_trusted_keys", ...
  std::string subject;  // "" when the buffer is not a certificate
  uint32_t keyid = 0;
  std::string detail;  // what the buffer is
  // The key(s) the buffer holds, with their key ids ("ima#N" as source).
  std::vector<crypto::ImaKey> keys;
};

struct ImaSigReport {
  uint64_t entries = 0;
  uint64_t verified = 0, failed = 0, unknown_key = 0, unsigned_entries = 0, malformed = 0;
  // Every entry that is not verified (unsigned ones included), in list order.
  std::vector<ImaSigEntry> findings;
  std::vector<ImaSigEntry> verified_entries;
  std::vector<KeyringLoad> keyring_loads;
};

// One entry's outcome: a file entry's signature check, or (buffer) an
// ima-buf record, with `load` set when it loads a key into a keyring (its
// n-ng field starts with '.').
struct ImaEntrySig {
  bool buffer = false;
  bool is_load = false;
  KeyringLoad load;
  ImaSigEntry entry;  // file entries
};
// Checks one decoded entry against `keys`.
ImaEntrySig CheckEntrySignature(const ima::Entry& e, const std::vector<ima::DecodedField>& fields,
                                const std::vector<crypto::ImaKey>& keys);

// Reads the list at `path` and checks every entry. Errors: the list reader's
// (naming the file and line or offset).
Result<ImaSigReport> CheckImaSignatures(const std::string& path, ima::ReadOptions read,
                                        const std::vector<crypto::ImaKey>& keys);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_IMA_SIGNATURES_H_
