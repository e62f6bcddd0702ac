// Measured buffers of an IMA list (the ima-buf template: d-ng | n-ng | buf)
// that the kernel logs as critical data, decoded by their event name:
//   - device mapper (drivers/md/dm-ima.c, func=CRITICAL_DATA
//     label=device-mapper): "dm_table_load" (older kernels: "table_load")
//     carries "[dm_version=X.Y.Z;]<device>;<target row>;..." where the device
//     and each target row are comma-separated key=value pairs, and '\'
//     escapes '\', ';', '=' and ',' inside a value. A verity target row
//     (target_name=verity) names the root digest, salt, hash algorithm and
//     devices of a dm-verity volume;
//   - "kexec-cmdline" (func=KEXEC_CMDLINE): the command line of a kernel
//     loaded with kexec_file_load, as bytes;
//   - SELinux (security/selinux/measure.c, label=selinux): "selinux-state"
//     carries "key=value;" pairs (initialized, enforcing, checkreqprot, the
//     policy capabilities), "selinux-policy-hash" the hash of the loaded
//     policy (the kernel measures the hash, not the policy). Newer kernels
//     append "-<seconds>:<nanoseconds>" to both names.
// Keyring loads (an event name starting with '.') are decoded elsewhere
// (crypto/ima_keys.h).
//
// Thread safety: pure functions.
#ifndef CCV_PARSERS_IMA_BUFFER_H_
#define CCV_PARSERS_IMA_BUFFER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::ima {

enum class BufferKind : uint8_t {
  kOther,
  kKeyLoad,            // ".ima", ".builtin_trusted_keys", ...
  kDmTableLoad,        // "dm_table_load", "table_load"
  kDmOther,            // "dm_device_resume", "dm_device_remove", ...
  kKexecCmdline,       // "kexec-cmdline"
  kSelinuxState,       // "selinux-state[-time]"
  kSelinuxPolicyHash,  // "selinux-policy-hash[-time]"
};
BufferKind ClassifyBuffer(std::string_view event_name);
// "other", "key_load", "dm_table_load", "dm_event", "kexec_cmdline",
// "selinux_state", "selinux_policy_hash".
std::string_view BufferKindName(BufferKind k);

struct KeyValue {
  std::string key;
  std::string value;  // unescaped
};
using KeyValueGroup = std::vector<KeyValue>;

// The value of `key` in `group`, or nullptr.
const std::string* FindValue(const KeyValueGroup& group, std::string_view key);

// Splits dm-ima text into groups at unescaped ';' and pairs at unescaped ','
// (a pair is split at its first unescaped '='). A trailing ';' ends the last
// group; text after it without one is a group too. Errors (offset into the
// text): kBadValue for a pair without '=', an empty key, a dangling '\', a
// NUL, or more than kMaxDmGroups groups / kMaxDmPairs pairs in a group.
inline constexpr size_t kMaxDmGroups = 4096;
inline constexpr size_t kMaxDmPairs = 1024;
Result<std::vector<KeyValueGroup>> ParseDmKeyValues(std::string_view text);

struct DmTarget {
  uint64_t index = 0;   // target_index
  std::string name;     // target_name: "verity", "linear", "crypt", ...
  std::string version;  // target_version
  KeyValueGroup attrs;  // every pair of the row, in order
};

struct DmTableLoad {
  std::string dm_version;  // "" when the kernel does not write it
  KeyValueGroup device;    // name, uuid, major, minor, minor_count, num_targets
  std::vector<DmTarget> targets;
  std::string DeviceName() const;
  std::string DeviceUuid() const;
};

// Decodes a table load record. Errors: those of ParseDmKeyValues; kBadValue
// when the first group (after dm_version) has no `name`, a target row lacks
// target_index or target_name, or target_index is not a decimal number.
Result<DmTableLoad> ParseDmTableLoad(std::string_view text);

// The "key=value;" pairs of an selinux-state record, in order. Errors:
// those of ParseDmKeyValues; kBadValue when a group holds more than one pair.
Result<KeyValueGroup> ParseSelinuxState(std::string_view text);

}  // namespace ccv::ima

#endif  // CCV_PARSERS_IMA_BUFFER_H_
