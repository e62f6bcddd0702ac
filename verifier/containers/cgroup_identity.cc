#include "verifier/containers/cgroup_identity.h"

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ccv::containers {
namespace {

bool IsXDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// Length of the character starting at s[i] as the regex '.' consumes it
// (one UTF-8 code point, never '\n'); 0 if '.' does not match there.
size_t AnyCharLen(std::string_view s, size_t i) {
  if (i >= s.size() || s[i] == '\n') return 0;
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  return i + n <= s.size() ? n : 0;
}

// One alternative of CIMA's pattern at position i: `count` characters of
// the class, any character, then `suffix`. Returns the match length or 0.
size_t MatchAlt(std::string_view s, size_t i, size_t count, bool allow_underscore,
                std::string_view suffix) {
  if (s.size() - i < count) return 0;
  for (size_t k = 0; k < count; ++k) {
    char c = s[i + k];
    if (!IsXDigit(c) && !(allow_underscore && c == '_')) return 0;
  }
  size_t any = AnyCharLen(s, i + count);
  if (any == 0) return 0;
  size_t tail = i + count + any;
  if (s.substr(tail, suffix.size()) != suffix) return 0;
  return count + any + suffix.size();
}

void ReplaceAll(std::string* s, std::string_view what) {
  size_t pos = 0;
  while ((pos = s->find(what, pos)) != std::string::npos) s->erase(pos, what.size());
}

// CIMA's three alternatives, in the order the regex tries them.
enum class CimaAlt : uint8_t { kNone, kUid36, kHex32, kScope64 };

size_t MatchOne(std::string_view s, size_t i, CimaAlt alt) {
  switch (alt) {
    case CimaAlt::kUid36:
      return MatchAlt(s, i, 36, true, "slice");
    case CimaAlt::kHex32:
      return MatchAlt(s, i, 32, false, "slice");
    case CimaAlt::kScope64:
      return MatchAlt(s, i, 64, false, "scope");
    case CimaAlt::kNone:
      break;
  }
  return 0;
}

struct CimaMatch {
  size_t pos = std::string_view::npos;  // in the searched string
  size_t len = 0;
  CimaAlt alt = CimaAlt::kNone;
};

// Leftmost-first match of CIMA's pattern in `s`.
CimaMatch FirstCimaMatch(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    for (CimaAlt alt : {CimaAlt::kUid36, CimaAlt::kHex32, CimaAlt::kScope64}) {
      if (size_t len = MatchOne(s, i, alt); len != 0) return {i, len, alt};
    }
  }
  return {};
}

// Position of the first match of one alternative in `s`, or npos.
size_t FindAlt(std::string_view s, CimaAlt alt) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (MatchOne(s, i, alt) != 0) return i;
  }
  return std::string_view::npos;
}

// Where CIMA starts its search: at "kubepods.slice", else "system.slice".
size_t CimaSearchStart(std::string_view cg_path) {
  size_t from = cg_path.find("kubepods.slice");
  if (from == std::string_view::npos) from = cg_path.find("system.slice");
  return from;
}

// CIMA's key for match `m` in `s` (".slice"/".scope" removed, as container.rs does).
std::string CimaKey(std::string_view s, const CimaMatch& m) {
  std::string id(s.substr(m.pos, m.len));
  ReplaceAll(&id, ".slice");
  ReplaceAll(&id, ".scope");
  return id;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllHex(std::string_view s) {
  for (char c : s)
    if (!IsXDigit(c)) return false;
  return true;
}

// One component of a cgroup path and its offset in the path.
struct Component {
  std::string_view text;
  size_t offset = 0;
};

// Components of `p`, split at '/', keeping empty ones (from "//" or a
// trailing '/'); the root's leading '/' opens no component.
std::vector<Component> SplitPath(std::string_view p) {
  std::vector<Component> parts;
  size_t start = !p.empty() && p.front() == '/' ? 1 : 0;
  if (start == p.size()) return parts;  // "" or "/"
  for (;;) {
    size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back({p.substr(start), start});
      return parts;
    }
    parts.push_back({p.substr(start, slash - start), start});
    start = slash + 1;
  }
}

// A UID as a cgroupfs pod directory carries it: 36 characters of hex and
// '_'/'-', or 32 hex digits.
bool LooksLikeUid(std::string_view u) {
  if (u.size() != 36 && u.size() != 32) return false;
  for (char c : u) {
    if (!IsXDigit(c) && !(u.size() == 36 && (c == '_' || c == '-'))) return false;
  }
  return true;
}

// The component holds a pod UID: CIMA's UID alternatives match inside it, or
// it is a cgroupfs pod directory.
bool IsPodComponent(std::string_view c) {
  return FindAlt(c, CimaAlt::kUid36) != std::string_view::npos ||
         FindAlt(c, CimaAlt::kHex32) != std::string_view::npos ||
         (c.starts_with("pod") && LooksLikeUid(c.substr(3)));
}

// The component holds a container ID: CIMA's scope alternative matches
// inside it, or it is a bare 64-hex cgroupfs directory.
bool IsContainerComponent(std::string_view c) {
  return FindAlt(c, CimaAlt::kScope64) != std::string_view::npos || (c.size() == 64 && AllHex(c));
}

// Container ID (lowercase) and runtime prefix of a container component.
void ContainerOf(std::string_view c, CgroupIdentity* id) {
  size_t at = FindAlt(c, CimaAlt::kScope64);
  if (at == std::string_view::npos) {  // bare 64 hex
    id->container_id = Lower(c);
    return;
  }
  id->container_id = Lower(c.substr(at, 64));
  std::string_view runtime = c.substr(0, at);
  if (runtime.ends_with('-')) runtime.remove_suffix(1);
  id->runtime = std::string(runtime);
}

CgroupIdentity Ambiguous(std::string why) {
  CgroupIdentity id;
  id.container = true;
  id.ambiguity = std::move(why);
  return id;
}

}  // namespace

std::string CimaContainerId(std::string_view cg_path) {
  size_t from = CimaSearchStart(cg_path);
  if (from == std::string_view::npos) return "";
  std::string_view s = cg_path.substr(from);
  CimaMatch m = FirstCimaMatch(s);
  return m.alt == CimaAlt::kNone ? "" : CimaKey(s, m);
}

std::string PodUidFromCgroupForm(std::string_view uid) {
  std::string out = Lower(uid);
  for (char& c : out)
    if (c == '_') c = '-';
  return out;
}

std::string PodUidToCgroupForm(std::string_view uid) {
  std::string out = Lower(uid);
  for (char& c : out)
    if (c == '-') c = '_';
  return out;
}

CgroupIdentity IdentifyCgroupPath(std::string_view cg_path) {
  CgroupIdentity id;
  id.container = cg_path.find("kubepods.slice") != std::string_view::npos ||
                 cg_path.find("system.slice/docker-") != std::string_view::npos;
  if (!id.container) return id;  // the host's

  std::vector<Component> parts = SplitPath(cg_path);
  std::vector<size_t> pods, ctrs;  // indices into parts
  for (size_t i = 0; i < parts.size(); ++i) {
    std::string_view c = parts[i].text;
    if (c.empty() || c == "." || c == "..") {
      return Ambiguous("an empty, '.' or '..' component (not a kernel cgroup path)");
    }
    if (IsPodComponent(c)) pods.push_back(i);
    if (IsContainerComponent(c)) ctrs.push_back(i);
  }
  if (pods.size() > 1) {
    return Ambiguous("names two pods ('" + std::string(parts[pods[0]].text) + "' and '" +
                     std::string(parts[pods[1]].text) + "')");
  }
  if (ctrs.size() > 1) {
    return Ambiguous("names two containers ('" + std::string(parts[ctrs[0]].text) + "' and '" +
                     std::string(parts[ctrs[1]].text) + "')");
  }

  size_t from = CimaSearchStart(cg_path);
  std::string_view s = cg_path.substr(from);
  CimaMatch m = FirstCimaMatch(s);
  if (m.alt == CimaAlt::kNone) return id;  // no key: CIMA rejects the record
  if (s.substr(m.pos, m.len).find('/') != std::string_view::npos) {
    return Ambiguous("CIMA's ID match '" + std::string(s.substr(m.pos, m.len)) +
                     "' spans two components");
  }
  // The component that holds CIMA's match: the one identity component.
  size_t at = from + m.pos, k = 0;
  while (k + 1 < parts.size() && parts[k + 1].offset <= at) ++k;

  if (m.alt == CimaAlt::kScope64) {
    // A Docker (or other runtime) scope is its own unit.
    if (!pods.empty()) {
      return Ambiguous("names a pod ('" + std::string(parts[pods[0]].text) +
                       "') and a container that is not inside it");
    }
    id.cima_id = CimaKey(s, m);
    if (id.cima_id.size() != 64) {
      return Ambiguous("CIMA's key '" + id.cima_id + "' is no container ID (64 hex digits)");
    }
    id.kind = "container";
    ContainerOf(parts[k].text, &id);
    return id;
  }
  // A pod: its UID from the slice CIMA keys on, its container from the
  // scope directly below that slice.
  if (!ctrs.empty() && ctrs[0] != k + 1) {
    return Ambiguous("the container '" + std::string(parts[ctrs[0]].text) +
                     "' is not directly inside the pod slice '" + std::string(parts[k].text) + "'");
  }
  id.cima_id = CimaKey(s, m);
  // CIMA's '.' matches any character, so its key can keep a tail such as
  // "7slice" (".slice" is what it strips): then it names no pod UID.
  if (id.cima_id.size() != 32 && id.cima_id.size() != 36) {
    return Ambiguous("CIMA's key '" + id.cima_id + "' is no pod UID (32 or 36 characters)");
  }
  id.kind = "pod";
  id.pod_uid = PodUidFromCgroupForm(id.cima_id);
  if (!ctrs.empty()) ContainerOf(parts[ctrs[0]].text, &id);
  return id;
}

}  // namespace ccv::containers
