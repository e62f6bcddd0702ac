// Per-container view of an ima-cgpath measurement list (cc-api CIMA): the
// records of each pod and container, and each unit's virtual container
// register IMR 3 as the CIMA agent computes it.
//
// Units follow CIMA's register key (cgroup_identity.h): one unit per
// Kubernetes pod (every container of the pod extends the same register) and
// one per Docker container. Inside a pod, containers are told apart by their
// cgroup scope. Records of other cgroups are the host's.
//
// Virtual IMR 3 (CIMA service/cima-server/src/agent.rs, measurement.rs,
// container.rs): v = zero bytes; for each measured system-process command
// line (in order) v = H(v || H(data)); then for each record of the unit in
// list order v = H(v || listed template hash), H being the algorithm of the
// listed template hash (SHA-384 on cc-api TDX kernels). CIMA extends with the
// template hash as listed, so a violation (all-zero hash) extends zeros.
//
// Thread safety: a ContainerViewBuilder is not thread-safe; a finished
// ContainerView is a value type.
#ifndef CCV_VERIFIER_CONTAINERS_CONTAINER_VIEW_H_
#define CCV_VERIFIER_CONTAINERS_CONTAINER_VIEW_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/ima_log.h"

namespace ccv::containers {

// One ima-cgpath record of a container (fields as the list shows them).
struct ContainerRecord {
  uint64_t index = 0;      // entry number in the list, from 0
  uint64_t line = 0;       // ascii line (0 for binary lists)
  std::string dep;         // executables of the task and its ancestors, ':'-joined
  std::string executable;  // first element of dep: the measuring task
  std::string cgroup_path;
  std::string path;      // n-ng: the measured file
  std::string file_alg;  // d-ng algorithm, e.g. "sha384"
  std::vector<uint8_t> file_digest;
  Digest template_hash;    // as listed
  bool violation = false;  // listed template hash all zero
  bool hash_ok = true;     // template hash recomputes (violations: not checked)
  size_t unit = 0;         // index into ContainerView::units
  size_t container = 0;    // index into that unit's containers
  std::string Pointer() const { return "ima#" + std::to_string(index); }
};

// One cgroup scope (a container) inside a unit.
struct ContainerInfo {
  std::string id;       // 64-hex container ID; else the cgroup path
  std::string runtime;  // "cri-containerd", "docker", "crio", or ""
  std::vector<std::string> cgroup_paths;
  uint64_t records = 0;
  uint64_t first_record = 0;  // list entry numbers
  uint64_t last_record = 0;
  std::string entrypoint;           // measured file of its first record
  std::vector<size_t> record_refs;  // into ContainerView::records
};

// One CIMA register unit: a Kubernetes pod or a Docker container.
struct ContainerUnit {
  std::string id;       // CIMA container ID (pod UID with '_', or 64 hex)
  std::string kind;     // "pod" or "container"
  std::string pod_uid;  // canonical pod UID ("" for Docker)
  std::vector<std::string> cgroup_paths;
  uint64_t records = 0;
  uint64_t first_record = 0;
  uint64_t last_record = 0;
  uint64_t first_line = 0, last_line = 0;
  uint64_t violations = 0;
  uint64_t hashes_mismatched = 0;
  Digest virtual_imr3;  // CIMA IMR 3 after the unit's last record
  std::vector<ContainerInfo> containers;
  std::vector<size_t> record_refs;  // into ContainerView::records
};

struct ContainerFinding {
  uint64_t index = 0;
  uint64_t line = 0;
  // "template_hash_mismatch", "unattributed_container_record",
  // "ambiguous_cgroup_path" (the record counts as unattributed),
  // "duplicate_pod_uid" (two units claim one pod UID), "bad_cgpath_record".
  std::string kind;
  std::string detail;
};

struct ContainerViewOptions {
  // Measured system-process command lines (CIMA measure.system.processes),
  // in order; each is argv[0] NUL rest-of-cmdline as the agent hashed it.
  std::vector<std::vector<uint8_t>> system_events;
  // Register algorithm when the list does not say (empty list): sha384.
  HashAlg default_alg = HashAlg::kSha384;
  // Byte order of the template data.
  ima::Endian endian = ima::Endian::kLittle;
  // Keep every container record (needed by container policies).
  bool keep_records = true;
  size_t max_findings = 100;
};

struct ContainerView {
  HashAlg alg = HashAlg::kSha384;        // register / template hash algorithm
  Digest initial;                        // IMR 3 after the system events
  std::vector<ContainerUnit> units;      // in order of first record
  std::vector<ContainerRecord> records;  // container records (keep_records)
  uint64_t entries = 0;
  uint64_t cgpath_entries = 0;  // ima-cgpath records
  uint64_t host_records = 0;    // records of no container
  // Container rule holds but no unit: no ID (CIMA rejects the record), or an
  // ambiguous cgroup path (cgroup_identity.h).
  uint64_t unattributed_records = 0;
  uint64_t violations = 0;
  uint64_t hashes_verified = 0;
  uint64_t hashes_mismatched = 0;
  std::vector<ContainerFinding> findings;  // first max_findings

  // The unit with this ID: its CIMA ID, its pod UID (either form), or the
  // ID (or an ID prefix of >= 12 hex digits) of one of its containers.
  // Sets *out_container to that container's index, or SIZE_MAX.
  // Returns null when no unit has the ID, or when the ID names more than one
  // unit (two units claiming one pod UID or container ID) or, as a prefix,
  // more than one container: the ID then names nothing that a register or
  // a policy could rest on. *out_reason (if given) then says which.
  const ContainerUnit* Find(std::string_view id, size_t* out_container = nullptr,
                            std::string* out_reason = nullptr) const;
};

// H-chain of the system events from zero: the unit registers' start value.
Digest SystemMeasurement(HashAlg alg, std::span<const std::vector<uint8_t>> events);

class ContainerViewBuilder {
 public:
  explicit ContainerViewBuilder(ContainerViewOptions options);
  ~ContainerViewBuilder();
  ContainerViewBuilder(const ContainerViewBuilder&) = delete;
  ContainerViewBuilder& operator=(const ContainerViewBuilder&) = delete;

  // Adds entries in list order. Errors: kBadValue (offset, "template_data")
  // when an ima-cgpath entry's template data does not decode; kUnsupported
  // when the listed hash algorithm changes within the list.
  Status AddBatch(std::span<const ima::Entry> entries);
  ContainerView Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

Result<ContainerView> BuildContainerView(ima::LogReader* reader,
                                         const ContainerViewOptions& options);
Result<ContainerView> BuildContainerViewBytes(Bytes data, const ima::ReadOptions& read,
                                              const ContainerViewOptions& options);
// Ascii or binary list, detected from the first bytes. Errors name the file.
Result<ContainerView> BuildContainerViewFile(const std::string& path, ima::ReadOptions read,
                                             const ContainerViewOptions& options);

// Reads `--system-events` JSON: an array of {"data_hex": "..."} (or an object
// with such an array under "system_events"). An entry may also carry the
// digest as "sha384"/"sha256"/..., which must equal H(data). Errors: kBadValue
// naming the JSON offset or the entry index and field.
Result<std::vector<std::vector<uint8_t>>> ParseSystemEventsJson(std::string_view json);

}  // namespace ccv::containers

#endif  // CCV_VERIFIER_CONTAINERS_CONTAINER_VIEW_H_
