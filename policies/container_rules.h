// Container-scoped policy rules (DESIGN §6 extended): the top-level
// `containers:` key of a ccverify/v1 policy. Each rule selects pods or
// containers of an ima-cgpath list (by pod UID, container ID, cgroup-path
// pattern or the entrypoint executable) and states what their measurements
// must show: the unit's CIMA virtual IMR 3, the entrypoint binary and its
// digest, files that must have been measured, a per-container allow list
// with "no unknown file", forbidden paths and the executables allowed to
// run.
//
//   containers:
//     system_events: [{data_hex: "2f7573722f62696e2f636f6e7461696e65726400"}]
//     unlisted: warn                 # containers no rule selects
//     binding: {container: f52130f4-...}  # the quote is this container's
//     rules:
//       - id: web
//         select: {pod: "f52130f4-...", container: "956a39cd3b6a", cgroup: "cri-containerd-",
//                  entrypoint: /bin/busybox}
//         virtual_imr3: {any_of: ["<96 hex>"]}
//         entrypoint: {path: /bin/busybox, digest: "sha384:..."}
//         measured: [{path: /usr/local/bin/python3.12, digest: "sha384:..."}]
//         allow: {digests: {"/lib/libc.so": ["sha384:..."]}}
//         exclude: ["^/tmp/"]
//         unknown: fail                # fail | warn | ignore
//         forbid: ["^/bin/sh$"]
//         executables: [runc, /bin/busybox]
//         optional: false              # no match: skipped instead of failed
//         severity: warn
//
// Thread safety: value types; their regexes (bounded_regex.h) are safe to
// search from many threads.
#ifndef CCV_POLICIES_CONTAINER_RULES_H_
#define CCV_POLICIES_CONTAINER_RULES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "policies/bounded_regex.h"
#include "policies/policy.h"

namespace YAML {
class Node;
}

namespace ccv::policy {

struct ParseOptions;

struct ContainerSelect {
  std::string pod;              // canonical pod UID ('-', lowercase); "" = any
  std::string container;        // container ID or prefix of >= 12 hex digits; "" = any
  std::optional<Regex> cgroup;  // searched in each cgroup path
  std::string cgroup_src;
  std::string entrypoint;  // measured file of the container's first record
  SourcePos pos;
};

// A file that must have been measured; empty `digests` = any digest.
struct RequiredFile {
  std::string path;
  std::vector<std::string> digests;  // "alg:hex", lowercase
  SourcePos pos;
};

struct ContainerRule {
  std::string id;
  SourcePos pos;
  ContainerSelect select;
  bool optional = false;
  bool warn_only = false;
  std::optional<BytesMatcher> virtual_imr3;  // 48 bytes
  std::optional<RequiredFile> entrypoint;
  std::vector<RequiredFile> measured;
  bool allow_set = false;
  SourcePos allow_pos;
  std::map<std::string, std::vector<std::string>> allow;  // path -> "alg:hex"
  std::vector<Regex> exclude;
  std::vector<std::string> exclude_src;
  UnknownFiles unknown = UnknownFiles::kFail;
  bool unknown_set = false;
  std::vector<Regex> forbid;
  std::vector<std::string> forbid_src;
  SourcePos forbid_pos;
  std::optional<std::vector<std::string>> executables;
  SourcePos executables_pos;
};

struct ContainerPolicy {
  SourcePos pos;
  std::vector<std::vector<uint8_t>> system_events;  // CIMA system-process data
  bool unlisted_set = false;
  UnknownFiles unlisted = UnknownFiles::kIgnore;
  SourcePos unlisted_pos;
  // `binding: {container: ID}`: the quote belongs to this pod or container,
  // REPORTDATA = SHA-512(its virtual IMR3 || nonce || user_data) (CIMA
  // GetCcReport with container isolation). "" = not asked.
  std::string binding;
  SourcePos binding_pos;
  std::vector<ContainerRule> rules;
};

// Parses the value of the `containers:` key. Errors as policy_parser.h:
// file, dotted field path ("containers.rules[1].select.cgroup") and YAML
// line/column. Unknown keys go to options.out_unknown_keys when set.
Result<std::shared_ptr<const ContainerPolicy>> ParseContainerPolicy(const YAML::Node& node,
                                                                    const ParseOptions& options);

// "sha384:ABcd.." -> "sha384:abcd.."; nullopt unless the algorithm is a
// kernel hash name we know and the digest has its size.
std::optional<std::string> NormaliseFileDigest(const std::string& s);

}  // namespace ccv::policy

#endif  // CCV_POLICIES_CONTAINER_RULES_H_
