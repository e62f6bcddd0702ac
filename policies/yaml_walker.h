// The YAML walk shared by the policy parser and the container rules: errors
// with file, line, column and the dotted field path; strict maps (unknown
// keys fail, or are collected for lint); scalars, lists, hex, matchers,
// regular expressions (RE2, bounded_regex.h) and times. Internal to policies/.
//
// Thread safety: a Walker is used by one parse at a time.
#ifndef CCV_POLICIES_YAML_WALKER_H_
#define CCV_POLICIES_YAML_WALKER_H_

#include <algorithm>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/core/result.h"
#include "policies/policy.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"

namespace ccv::policy::internal {

inline constexpr size_t kMaxListLen = 1u << 20;  // entries in any list

inline SourcePos PosOf(const YAML::Node& n, SourcePos fallback = {}) {
  YAML::Mark m = n.Mark();
  if (m.is_null() || m.line < 0) return fallback;
  return {uint64_t(m.line) + 1, uint64_t(m.column) + 1};
}

// Walks the YAML tree with the dotted path of the current node.
class Walker {
 public:
  explicit Walker(const ParseOptions& o) : opts_(o) {}

  Status Err(ErrorCode code, SourcePos pos, const std::string& path, const std::string& msg) const {
    Status s(code, msg);
    s = s.WithFile(opts_.source).WithField(path);
    if (pos.line != 0) s = s.WithLine(pos.line, pos.column);
    return s;
  }

  // kBadValue "expected a non-empty list[ of WHAT]" unless `n` is a
  // sequence with at least one element.
  Status ExpectNonEmptyList(const YAML::Node& n, const std::string& path,
                            std::string_view what = {}) const {
    if (n.IsSequence() && n.size() != 0) return Status::Ok();
    std::string msg = "expected a non-empty list";
    if (!what.empty()) msg += " of " + std::string(what);
    return Err(ErrorCode::kBadValue, PosOf(n), path, msg);
  }

  // Checks `n` is a map whose keys are scalars among `allowed`, without
  // duplicates. Unknown keys fail or are collected (lint). `pos` of the
  // parent is used for an empty node.
  Status ExpectMap(const YAML::Node& n, const std::string& path,
                   std::initializer_list<std::string_view> allowed) {
    if (!n.IsMap()) return Err(ErrorCode::kBadValue, PosOf(n), path, "expected a mapping");
    std::set<std::string> seen;
    for (auto it = n.begin(); it != n.end(); ++it) {
      const YAML::Node k = it->first;  // a copy: `it->first` lives in a temporary proxy
      if (!k.IsScalar()) return Err(ErrorCode::kBadValue, PosOf(k), path, "keys must be scalars");
      const std::string& key = k.Scalar();
      std::string sub = Join(path, key);
      if (!seen.insert(key).second) {
        return Err(ErrorCode::kBadValue, PosOf(k), sub, "duplicate key '" + key + "'");
      }
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        if (opts_.out_unknown_keys != nullptr) {
          opts_.out_unknown_keys->push_back({sub, PosOf(k)});
          continue;
        }
        std::string known;
        for (auto a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
        return Err(ErrorCode::kUnsupported, PosOf(k), sub,
                   "unknown key '" + key + "' (expected one of: " + known + ")");
      }
    }
    return Status::Ok();
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  Result<std::string> String(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) return Err(ErrorCode::kBadValue, PosOf(n), path, "expected a string");
    return n.Scalar();
  }

  Result<std::string> NonEmptyString(const YAML::Node& n, const std::string& path) {
    CCV_ASSIGN_OR_RETURN(std::string s, String(n, path));
    if (s.empty()) return Err(ErrorCode::kBadValue, PosOf(n), path, "expected a non-empty string");
    return s;
  }

  Result<bool> Bool(const YAML::Node& n, const std::string& path) {
    if (n.IsScalar()) {
      if (n.Scalar() == "true") return true;
      if (n.Scalar() == "false") return false;
    }
    return Err(ErrorCode::kBadValue, PosOf(n), path, "expected true or false");
  }

  Result<uint64_t> Uint(const YAML::Node& n, const std::string& path, uint64_t max) {
    if (n.IsScalar() && !n.Scalar().empty() && n.Scalar().size() <= 19 &&
        std::all_of(n.Scalar().begin(), n.Scalar().end(),
                    [](char c) { return c >= '0' && c <= '9'; })) {
      uint64_t v = std::stoull(n.Scalar());
      if (v <= max) return v;
    }
    return Err(ErrorCode::kBadValue, PosOf(n), path,
               "expected an unsigned integer <= " + std::to_string(max));
  }

  // Hex of exactly `len` bytes (0 = any non-empty length up to 64).
  Result<std::vector<uint8_t>> Hex(const YAML::Node& n, const std::string& path, size_t len) {
    CCV_ASSIGN_OR_RETURN(std::string s, String(n, path));
    SourcePos pos = PosOf(n);
    for (size_t i = 0; i < s.size(); ++i) {
      char c = s[i];
      bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!ok) {
        return Err(ErrorCode::kBadValue, pos, path,
                   "bad hex digit '" + std::string(1, c) + "' at character " + std::to_string(i));
      }
    }
    if (s.size() % 2 != 0 || s.empty() || (len != 0 && s.size() != 2 * len) ||
        (len == 0 && s.size() > 2 * kMaxDigestLen)) {
      return Err(ErrorCode::kBadLength, pos, path,
                 "expected " + (len ? std::to_string(len) : std::string("1-64")) +
                     " bytes of hex, got " + std::to_string(s.size()) + " hex digits");
    }
    auto r = FromHex(s);
    if (!r.ok()) return Err(ErrorCode::kBadValue, pos, path, r.status().message());
    return std::move(r).value();
  }

  Result<std::vector<std::string>> StringList(const YAML::Node& n, const std::string& path,
                                              std::vector<SourcePos>* out_pos = nullptr) {
    if (!n.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(n), path, "expected a list");
    if (n.size() > kMaxListLen)
      return Err(ErrorCode::kLimitExceeded, PosOf(n), path, "list too long");
    std::vector<std::string> out;
    for (size_t i = 0; i < n.size(); ++i) {
      CCV_ASSIGN_OR_RETURN(std::string s,
                           NonEmptyString(n[i], path + "[" + std::to_string(i) + "]"));
      out.push_back(std::move(s));
      if (out_pos) out_pos->push_back(PosOf(n[i]));
    }
    return out;
  }

  // `{any_of: [hex...]}` | `{eq: hex}` | `{eq: zero}` (the last only with
  // `allow_zero`).
  Result<BytesMatcher> Matcher(const YAML::Node& n, const std::string& path, size_t len,
                               bool allow_zero = true) {
    CCV_RETURN_IF_ERROR(ExpectMap(n, path, {"any_of", "eq"}));
    BytesMatcher m;
    m.pos = PosOf(n);
    bool has_any = bool(n["any_of"]), has_eq = bool(n["eq"]);
    if (has_any == has_eq) {
      return Err(has_any ? ErrorCode::kBadValue : ErrorCode::kNotFound, m.pos, path,
                 "expected exactly one of 'any_of' or 'eq'");
    }
    if (has_eq) {
      YAML::Node eq = n["eq"];
      if (allow_zero && eq.IsScalar() && eq.Scalar() == "zero") {
        m.zero = true;
      } else {
        CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b, Hex(eq, path + ".eq", len));
        m.any_of.push_back(std::move(b));
      }
      return m;
    }
    YAML::Node any = n["any_of"];
    std::string apath = path + ".any_of";
    if (!any.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(any), apath, "expected a list");
    if (any.size() == 0) return Err(ErrorCode::kBadValue, PosOf(any, m.pos), apath, "empty list");
    if (any.size() > kMaxListLen)
      return Err(ErrorCode::kLimitExceeded, PosOf(any), apath, "list too long");
    for (size_t i = 0; i < any.size(); ++i) {
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b,
                           Hex(any[i], apath + "[" + std::to_string(i) + "]", len));
      m.any_of.push_back(std::move(b));
    }
    return m;
  }

  // A regular expression in RE2 syntax (bounded_regex.h). Errors as
  // Regex::Compile (kBadValue, kLimitExceeded) with file, line and path.
  Result<policy::Regex> CompileRegex(const YAML::Node& n, const std::string& path,
                                     std::string* out_src) {
    CCV_ASSIGN_OR_RETURN(std::string s, NonEmptyString(n, path));
    Result<policy::Regex> re = policy::Regex::Compile(s);
    if (!re.ok()) return Err(re.status().code(), PosOf(n), path, re.status().message());
    if (out_src) *out_src = s;
    return re;
  }

  Result<UnixTime> Time(const YAML::Node& n, const std::string& path, bool end_of_day,
                        std::string* out_text) {
    CCV_ASSIGN_OR_RETURN(std::string s, NonEmptyString(n, path));
    auto t = ParseRfc3339(s, end_of_day);
    if (!t.ok()) {
      return Err(ErrorCode::kBadValue, PosOf(n), path,
                 "expected an RFC 3339 time or date: " + t.status().message());
    }
    if (out_text) *out_text = s;
    return *t;
  }

  // A duration: a whole number and one unit, s (seconds), m (minutes),
  // h (hours), d (days) or w (weeks), e.g. "7d", "36h"; at most 100 years.
  // Returns seconds.
  Result<int64_t> Duration(const YAML::Node& n, const std::string& path, std::string* out_text) {
    constexpr int64_t kMaxSeconds = int64_t{100} * 366 * 86400;
    if (n.IsScalar()) {
      const std::string& s = n.Scalar();
      int64_t unit = 0;
      switch (s.empty() ? '\0' : s.back()) {
        case 's':
          unit = 1;
          break;
        case 'm':
          unit = 60;
          break;
        case 'h':
          unit = 3600;
          break;
        case 'd':
          unit = 86400;
          break;
        case 'w':
          unit = 7 * 86400;
          break;
        default:
          break;
      }
      const std::string digits = s.empty() ? s : s.substr(0, s.size() - 1);
      if (unit != 0 && !digits.empty() && digits.size() <= 12 &&
          std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        int64_t v = std::stoll(digits);
        if (v <= kMaxSeconds / unit) {
          if (out_text) *out_text = s;
          return v * unit;
        }
      }
    }
    return Err(ErrorCode::kBadValue, PosOf(n), path,
               "expected a duration: a whole number and a unit s, m, h, d or w (e.g. 7d), at "
               "most 100 years");
  }

  // kUnsupported when the policy is signed (refuse_file_references): a key
  // naming a file its signature does not cover.
  Status CheckFileReference(const YAML::Node& n, const std::string& path) const {
    if (!opts_.refuse_file_references) return Status::Ok();
    return Err(ErrorCode::kUnsupported, PosOf(n), path,
               "a signed policy may not name other files: its signature does not cover them "
               "(write the values into the policy)");
  }

  const ParseOptions& opts() const { return opts_; }

 private:
  const ParseOptions& opts_;
};

}  // namespace ccv::policy::internal

#endif  // CCV_POLICIES_YAML_WALKER_H_
