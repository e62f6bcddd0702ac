#include "parsers/ima_buffer.h"

#include <utility>

namespace ccv::ima {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// `name` is `base` or `base` followed by "-<suffix>" (the timestamp newer
// kernels append so that a repeated state is measured again).
bool IsNameWithOptionalSuffix(std::string_view name, std::string_view base) {
  return name == base ||
         (StartsWith(name, base) && name.size() > base.size() + 1 && name[base.size()] == '-');
}

Status Bad(size_t offset, std::string_view field, std::string message) {
  return ParseError(ErrorCode::kBadValue, offset, field, std::move(message));
}

}  // namespace

BufferKind ClassifyBuffer(std::string_view n) {
  if (!n.empty() && n[0] == '.') return BufferKind::kKeyLoad;
  if (n == "dm_table_load" || n == "table_load") return BufferKind::kDmTableLoad;
  if (StartsWith(n, "dm_")) return BufferKind::kDmOther;
  if (n == "kexec-cmdline") return BufferKind::kKexecCmdline;
  if (IsNameWithOptionalSuffix(n, "selinux-state")) return BufferKind::kSelinuxState;
  if (IsNameWithOptionalSuffix(n, "selinux-policy-hash")) return BufferKind::kSelinuxPolicyHash;
  return BufferKind::kOther;
}

std::string_view BufferKindName(BufferKind k) {
  switch (k) {
    case BufferKind::kOther:
      return "other";
    case BufferKind::kKeyLoad:
      return "key_load";
    case BufferKind::kDmTableLoad:
      return "dm_table_load";
    case BufferKind::kDmOther:
      return "dm_event";
    case BufferKind::kKexecCmdline:
      return "kexec_cmdline";
    case BufferKind::kSelinuxState:
      return "selinux_state";
    case BufferKind::kSelinuxPolicyHash:
      return "selinux_policy_hash";
  }
  return "other";
}

const std::string* FindValue(const KeyValueGroup& group, std::string_view key) {
  for (const KeyValue& kv : group) {
    if (kv.key == key) return &kv.value;
  }
  return nullptr;
}

Result<std::vector<KeyValueGroup>> ParseDmKeyValues(std::string_view text) {
  constexpr std::string_view kField = "dm key=value text";
  std::vector<KeyValueGroup> groups;
  KeyValueGroup group;
  KeyValue kv;
  bool in_value = false;  // past the pair's first unescaped '='
  bool pair_open = false;
  size_t pair_start = 0;
  auto end_pair = [&](size_t at) -> Status {
    if (!pair_open) return Status::Ok();
    if (!in_value) return Bad(pair_start, kField, "expected key=value, found no '='");
    if (kv.key.empty()) return Bad(pair_start, kField, "empty key");
    if (group.size() >= kMaxDmPairs) {
      return Bad(at, kField, "more than " + std::to_string(kMaxDmPairs) + " pairs in a group");
    }
    group.push_back(std::move(kv));
    kv = KeyValue();
    in_value = pair_open = false;
    return Status::Ok();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\0') return Bad(i, kField, "NUL inside the text");
    if (!pair_open) {
      pair_open = true;
      pair_start = i;
    }
    if (c == '\\') {
      if (i + 1 == text.size()) return Bad(i, kField, "dangling escape '\\' at the end");
      c = text[++i];
      (in_value ? kv.value : kv.key) += c;
      continue;
    }
    if (c == ',' || c == ';') {
      // "a=1,;" or ";;": an empty pair position is skipped.
      if (pair_open && i == pair_start) {
        pair_open = false;
      } else {
        CCV_RETURN_IF_ERROR(end_pair(i));
      }
      if (c == ';') {
        if (groups.size() >= kMaxDmGroups) {
          return Bad(i, kField, "more than " + std::to_string(kMaxDmGroups) + " groups");
        }
        groups.push_back(std::move(group));
        group.clear();
      }
      continue;
    }
    if (c == '=' && !in_value) {
      in_value = true;
      continue;
    }
    (in_value ? kv.value : kv.key) += c;
  }
  CCV_RETURN_IF_ERROR(end_pair(text.size()));
  if (!group.empty()) groups.push_back(std::move(group));
  return groups;
}

std::string DmTableLoad::DeviceName() const {
  const std::string* v = FindValue(device, "name");
  return v ? *v : "";
}

std::string DmTableLoad::DeviceUuid() const {
  const std::string* v = FindValue(device, "uuid");
  return v ? *v : "";
}

Result<DmTableLoad> ParseDmTableLoad(std::string_view text) {
  constexpr std::string_view kField = "dm_table_load";
  CCV_ASSIGN_OR_RETURN(std::vector<KeyValueGroup> groups, ParseDmKeyValues(text));
  DmTableLoad out;
  size_t g = 0;
  if (g < groups.size() && groups[g].size() == 1 && groups[g][0].key == "dm_version") {
    out.dm_version = groups[g][0].value;
    ++g;
  }
  if (g >= groups.size() || FindValue(groups[g], "name") == nullptr) {
    return Bad(0, kField, "expected the device's name=...,uuid=... group first");
  }
  out.device = std::move(groups[g++]);
  for (; g < groups.size(); ++g) {
    const KeyValueGroup& row = groups[g];
    const std::string* index = FindValue(row, "target_index");
    const std::string* name = FindValue(row, "target_name");
    if (index == nullptr || name == nullptr) {
      return Bad(0, kField,
                 "target row " + std::to_string(g) + " lacks target_index or target_name");
    }
    DmTarget t;
    if (index->empty() || index->size() > 9 ||
        index->find_first_not_of("0123456789") != std::string::npos) {
      return Bad(0, kField, "target_index \"" + *index + "\" is not a decimal number");
    }
    t.index = std::stoull(*index);
    t.name = *name;
    if (const std::string* v = FindValue(row, "target_version")) t.version = *v;
    t.attrs = row;
    out.targets.push_back(std::move(t));
  }
  return out;
}

Result<KeyValueGroup> ParseSelinuxState(std::string_view text) {
  CCV_ASSIGN_OR_RETURN(std::vector<KeyValueGroup> groups, ParseDmKeyValues(text));
  KeyValueGroup out;
  for (KeyValueGroup& g : groups) {
    if (g.size() != 1) {
      return Bad(0, "selinux-state",
                 "expected key=value pairs separated by ';', found a group of " +
                     std::to_string(g.size()));
    }
    out.push_back(std::move(g[0]));
  }
  return out;
}

}  // namespace ccv::ima
