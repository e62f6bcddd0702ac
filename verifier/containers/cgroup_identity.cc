#include "verifier/containers/cgroup_identity.h"

#include <cctype>
#include <cstddef>
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

// CIMA's search; *out_scope tells whether the 64-hex ".scope" alternative matched.
std::string CimaSearch(std::string_view cg_path, bool* out_scope) {
  *out_scope = false;
  size_t from = cg_path.find("kubepods.slice");
  if (from == std::string_view::npos) from = cg_path.find("system.slice");
  if (from == std::string_view::npos) return "";
  std::string_view s = cg_path.substr(from);
  for (size_t i = 0; i < s.size(); ++i) {
    size_t len = MatchAlt(s, i, 36, true, "slice");
    if (len == 0) len = MatchAlt(s, i, 32, false, "slice");
    if (len == 0) {
      len = MatchAlt(s, i, 64, false, "scope");
      if (len != 0) *out_scope = true;
    }
    if (len != 0) {
      std::string id(s.substr(i, len));
      ReplaceAll(&id, ".slice");
      ReplaceAll(&id, ".scope");
      return id;
    }
  }
  return "";
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool AllHex(std::string_view s) {
  for (char c : s) if (!IsXDigit(c)) return false;
  return true;
}

std::vector<std::string_view> SplitPath(std::string_view p) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= p.size()) {
    size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    if (slash > start) parts.push_back(p.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

// A UID as a kubepods slice or cgroupfs directory carries it: 36 characters
// of hex and '_'/'-' or 32 hex digits.
bool LooksLikeUid(std::string_view u) {
  if (u.size() != 36 && u.size() != 32) return false;
  for (char c : u) {
    if (!IsXDigit(c) && !(u.size() == 36 && (c == '_' || c == '-'))) return false;
  }
  return true;
}

}  // namespace

std::string CimaContainerId(std::string_view cg_path) {
  bool scope = false;
  return CimaSearch(cg_path, &scope);
}

std::string PodUidFromCgroupForm(std::string_view uid) {
  std::string out = Lower(uid);
  for (char& c : out) if (c == '_') c = '-';
  return out;
}

std::string PodUidToCgroupForm(std::string_view uid) {
  std::string out = Lower(uid);
  for (char& c : out) if (c == '-') c = '_';
  return out;
}

CgroupIdentity IdentifyCgroupPath(std::string_view cg_path) {
  CgroupIdentity id;
  id.container = cg_path.find("kubepods.slice") != std::string_view::npos ||
                 cg_path.find("system.slice/docker-") != std::string_view::npos;
  if (id.container) {
    bool scope = false;
    id.cima_id = CimaSearch(cg_path, &scope);
    if (!id.cima_id.empty()) id.kind = scope ? "container" : "pod";
  }
  bool in_kubepods = cg_path.find("kubepods") != std::string_view::npos;
  for (std::string_view part : SplitPath(cg_path)) {
    // systemd driver: kubepods[-<qos>]-pod<uid>.slice
    if (part.starts_with("kubepods") && part.ends_with(".slice")) {
      size_t pod = part.rfind("-pod");
      if (pod != std::string_view::npos) {
        std::string_view uid = part.substr(pod + 4, part.size() - 6 - (pod + 4));
        if (LooksLikeUid(uid)) id.pod_uid = PodUidFromCgroupForm(uid);
      }
      continue;
    }
    // cgroupfs driver: /kubepods/<qos>/pod<uid>/<64 hex>
    if (in_kubepods && part.starts_with("pod") && LooksLikeUid(part.substr(3))) {
      id.pod_uid = PodUidFromCgroupForm(part.substr(3));
      continue;
    }
    if (part.ends_with(".scope")) {
      std::string_view stem = part.substr(0, part.size() - 6);
      size_t dash = stem.rfind('-');
      if (dash != std::string_view::npos && stem.size() - dash - 1 == 64 &&
          AllHex(stem.substr(dash + 1))) {
        id.runtime = std::string(stem.substr(0, dash));
        id.container_id = Lower(stem.substr(dash + 1));
      }
      continue;
    }
    if (part.size() == 64 && AllHex(part)) id.container_id = Lower(part);
  }
  return id;
}

}  // namespace ccv::containers
