#include "verifier/report/dump_filter.h"

#include <charconv>
#include <cstdio>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"

namespace ccv::report {
namespace {

constexpr size_t kSummaryLen = 120;
constexpr size_t kDigestPrefixLen = 16;

// A decimal or 0x-hex number; the whole text must be used.
std::optional<uint64_t> ParseNumber(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Status Bad(std::string_view option, const std::string& what) {
  return Status(ErrorCode::kInvalidArgument, "--" + std::string(option) + ": " + what);
}

}  // namespace

bool DumpFilter::Keeps(std::optional<RegisterId> r, std::optional<uint32_t> event_type,
                       std::string_view template_name, uint64_t index) const {
  if (index < first || index > last) return false;
  if (reg && r != reg) return false;
  if (!type_text.empty()) {
    bool by_type = type && event_type == type;
    bool by_template = !template_name.empty() && template_name == type_text;
    if (!by_type && !by_template) return false;
  }
  return true;
}

Result<DumpFilter> ParseDumpFilter(const std::optional<std::string>& reg,
                                   const std::optional<std::string>& type,
                                   const std::optional<std::string>& index) {
  DumpFilter f;
  if (reg) {
    Result<RegisterId> r = RegisterId::Parse(*reg);
    if (!r.ok()) return Bad("register", "'" + *reg + "' is not mrtd, rtmr0..3 or pcr0..23");
    f.reg = *r;
  }
  if (type) {
    if (type->empty()) return Bad("type", "empty");
    f.type_text = *type;
    if (std::optional<uint64_t> n = ParseNumber(*type)) {
      if (*n > UINT32_MAX) return Bad("type", "'" + *type + "' is above 0xffffffff");
      f.type = uint32_t(*n);
    } else if (std::optional<uint32_t> t = parsers::EventTypeFromName(*type)) {
      f.type = *t;
    } else if (type->rfind("EV_", 0) == 0) {
      return Bad("type", "unknown event type '" + *type + "'");
    }
    // Anything else is a template name (ima-ng, ima-sig, ...).
  }
  if (index) {
    std::string_view s = *index;
    size_t dash = s.find('-');
    std::optional<uint64_t> a = ParseNumber(s.substr(0, dash));
    std::optional<uint64_t> b =
        dash == std::string_view::npos ? a : ParseNumber(s.substr(dash + 1));
    if (!a || !b || *a > *b) return Bad("index", "'" + *index + "' is not N or N-M with N <= M");
    f.first = *a;
    f.last = *b;
  }
  return f;
}

std::string BriefLine(uint64_t index, std::string_view reg, std::string_view type, Bytes digest,
                      std::string_view summary) {
  char head[96];
  std::snprintf(head, sizeof(head), "%5llu  %-6.*s  ", static_cast<unsigned long long>(index),
                int(reg.size()), reg.data());
  std::string line = head;
  line += type;
  if (type.size() < 32) line.append(32 - type.size(), ' ');
  line += "  ";
  std::string hex = ToHex(digest.first(std::min(digest.size(), kDigestPrefixLen / 2)));
  hex.resize(kDigestPrefixLen, ' ');
  line += hex;
  line += "  ";
  std::string s;
  for (char c : summary) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      s += "\\n";
    } else if (c == '\t') {
      s += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char esc[8];
      std::snprintf(esc, sizeof(esc), "\\x%02x", u);
      s += esc;
    } else {
      s.push_back(c);
    }
  }
  if (s.size() > kSummaryLen) {
    // Cut at a UTF-8 character boundary.
    size_t cut = kSummaryLen - 3;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80) --cut;
    s = s.substr(0, cut) + "...";
  }
  while (!line.empty() && line.back() == ' ' && s.empty()) line.pop_back();
  return line + s + "\n";
}

}  // namespace ccv::report
