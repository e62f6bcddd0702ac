// Container identity from an ima-cgpath record's cgroup path (cg-path field).
//
// Two views of the same path:
//  * CIMA's register key (cc-api container-integrity-measurement-agent,
//    service/cima-server/src/agent.rs filter_container, container.rs
//    parse_id): a record belongs to a container when its cg-path contains
//    "kubepods.slice" or "system.slice/docker-"; its key is the first match,
//    searched from "kubepods.slice" (else "system.slice"), of
//    `[[:xdigit:]_]{36}.slice|[[:xdigit:]]{32}.slice|[[:xdigit:]]{64}.scope`
//    with ".slice"/".scope" removed. For Kubernetes this is the pod UID with
//    '_' for '-' (all containers of a pod share one register), for Docker the
//    64-hex container ID.
//  * The names: pod UID and container ID are read from ONE component of the
//    path, the one holding CIMA's key (the pod slice
//    kubepods[-<qos>]-pod<uid>.slice, or a Docker scope docker-<64 hex>.scope),
//    and, for a pod, the container scope (<runtime>-<64 hex>.scope:
//    cri-containerd, docker, crio, ...) directly below it.
//
// A container path is ambiguous, and names no unit at all, when it has an
// empty, "." or ".." component (the kernel's cgroup_path() never writes one),
// when CIMA's match spans a '/', when it names two pods (two components that
// hold a pod UID: a CIMA UID match `...{36}.slice`/`...{32}.slice`, or a
// cgroupfs `pod<uid>`) or two containers (two `<64 hex>.scope` or bare 64-hex
// components), when a pod component follows a container component, or when
// the container scope of a pod is not directly below the pod's slice. A
// process that can create nested cgroups (a pod naming one after another
// pod) can otherwise make CIMA, or a reader of the last component, file its
// records under the other pod.
//
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_CONTAINERS_CGROUP_IDENTITY_H_
#define CCV_VERIFIER_CONTAINERS_CGROUP_IDENTITY_H_

#include <string>
#include <string_view>

namespace ccv::containers {

struct CgroupIdentity {
  // CIMA's container rule holds (kubepods.slice or system.slice/docker-).
  bool container = false;
  // CIMA register key; empty for the host, or when the rule holds but no ID
  // pattern matches (CIMA rejects such a record).
  std::string cima_id;
  // Kubernetes pod UID in canonical form ('-'), lowercase; empty if none.
  std::string pod_uid;
  // 64-hex container ID of the scope (lowercase); empty if none.
  std::string container_id;
  // Scope prefix: "cri-containerd", "docker", "crio", ...; empty if none.
  std::string runtime;
  // "pod" (Kubernetes) or "container" (Docker and other scopes): the kind of
  // the unit that cima_id names. Empty for the host.
  std::string kind;
  // Why the path's identity is ambiguous (see above); then cima_id, pod_uid,
  // container_id, runtime and kind are empty. Empty otherwise.
  std::string ambiguity;
};

// Never fails: any string yields an identity (the host's when nothing
// matches).
CgroupIdentity IdentifyCgroupPath(std::string_view cg_path);

// CIMA's key search alone (container.rs parse_id over the cg-path, Rust
// regex leftmost-first semantics, '.' matching any character). Returns ""
// when neither slice is present or no pattern matches.
std::string CimaContainerId(std::string_view cg_path);

// Pod UID with '_' (CIMA / cgroup form) to canonical '-' form and back.
std::string PodUidFromCgroupForm(std::string_view uid);
std::string PodUidToCgroupForm(std::string_view uid);

}  // namespace ccv::containers

#endif  // CCV_VERIFIER_CONTAINERS_CGROUP_IDENTITY_H_
