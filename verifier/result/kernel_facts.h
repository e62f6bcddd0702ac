// Kernel facts: what the running kernel measured about itself into the IMA
// list as critical data (ima-buf records, parsers/ima_buffer.h) — the
// dm-verity volumes device mapper set up, the command lines of kernels
// loaded with kexec, and the SELinux state and policy hash.
//
// A fact comes only from a record that is bound (the quoted register value
// covers it) and whose buffer hashes to its logged digest; a record that
// does not decode gives no fact. `buffers` lists every measured buffer,
// bound or not, with the reason one gives no fact.
//
// Thread safety: a value type.
#ifndef CCV_VERIFIER_RESULT_KERNEL_FACTS_H_
#define CCV_VERIFIER_RESULT_KERNEL_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccv::result {

// One ima-buf record other than a keyring load.
struct KernelBufferFact {
  std::string evidence;  // "ima#12"
  std::string name;      // the event name as logged ("dm_table_load")
  std::string kind;      // ima::BufferKindName
  bool bound = false;
  bool digest_verified = false;  // the logged digest is the hash of the buffer
  std::string detail;            // why it gives no fact ("" when it does)
};

// One target row of a bound device-mapper table load.
struct DmTargetFact {
  std::string evidence;  // "ima#12"
  std::string device;    // the device's name
  std::string uuid;
  uint64_t index = 0;  // target_index
  std::string target;  // target_name: "verity", "crypt", "linear", ...
  std::string version;
  // The row's pairs besides index, name and version (for verity:
  // root_digest, salt, verity_algorithm, data_device_name, ...).
  std::vector<std::pair<std::string, std::string>> attrs;
  const std::string* Attr(const std::string& key) const {
    for (const auto& [k, v] : attrs) {
      if (k == key) return &v;
    }
    return nullptr;
  }
};

struct KernelFacts {
  std::vector<KernelBufferFact> buffers;  // in list order
  std::vector<DmTargetFact> dm_targets;   // bound table loads, in list order
  std::vector<std::pair<std::string, std::string>> kexec_cmdlines;  // (evidence, cmdline)
  // The last bound selinux-state record's pairs, and its pointer.
  std::optional<std::vector<std::pair<std::string, std::string>>> selinux_state;
  std::string selinux_state_evidence;
  // The last bound selinux-policy-hash record (lowercase hex).
  std::optional<std::string> selinux_policy_hash;
  std::string selinux_policy_hash_evidence;
};

}  // namespace ccv::result

#endif  // CCV_VERIFIER_RESULT_KERNEL_FACTS_H_
