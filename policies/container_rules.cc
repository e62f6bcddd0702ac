#include "policies/container_rules.h"

#include <algorithm>
#include <string_view>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "policies/policy_parser.h"
#include "policies/yaml_walker.h"

namespace ccv::policy {
namespace {

using internal::kMaxListLen;
using internal::PosOf;

std::string Idx(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// The container rules' reader: the policy parser's YAML walk plus the rule
// kinds of `containers:`.
class Reader : public internal::Walker {
 public:
  using Walker::Walker;

  Result<std::string> Str(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar() || n.Scalar().empty()) {
      return Err(ErrorCode::kBadValue, PosOf(n), path, "expected a non-empty string");
    }
    return n.Scalar();
  }

  Status RegexList(const YAML::Node& n, const std::string& path, std::vector<Regex>* out,
                   std::vector<std::string>* out_src) {
    if (!n.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(n), path, "expected a list");
    if (n.size() > kMaxListLen)
      return Err(ErrorCode::kLimitExceeded, PosOf(n), path, "list too long");
    for (size_t i = 0; i < n.size(); ++i) {
      std::string src;
      CCV_ASSIGN_OR_RETURN(Regex re, CompileRegex(n[i], Idx(path, i), &src));
      out->push_back(std::move(re));
      out_src->push_back(std::move(src));
    }
    return Status::Ok();
  }

  Result<std::string> FileDigest(const YAML::Node& n, const std::string& path) {
    CCV_ASSIGN_OR_RETURN(std::string s, Str(n, path));
    auto norm = NormaliseFileDigest(s);
    if (!norm) {
      return Err(ErrorCode::kBadValue, PosOf(n), path,
                 "expected '<alg>:<hex>' with a digest of the algorithm's size");
    }
    return *norm;
  }

  // Hex of exactly `len` bytes, or of any length when `len` is 0 (system
  // event data); unlike Walker::Hex, no 64-byte cap.
  Result<std::vector<uint8_t>> HexBytes(const YAML::Node& n, const std::string& path, size_t len) {
    CCV_ASSIGN_OR_RETURN(std::string s, Str(n, path));
    if (len != 0 && s.size() != 2 * len) {
      return Err(ErrorCode::kBadLength, PosOf(n), path,
                 "expected " + std::to_string(len) + " bytes of hex, got " +
                     std::to_string(s.size()) + " hex digits");
    }
    auto r = FromHex(s);
    if (!r.ok()) return Err(r.status().code(), PosOf(n), path, "expected hex");
    return std::vector<uint8_t>(r->begin(), r->end());
  }

  Result<UnknownFiles> Mode(const YAML::Node& n, const std::string& path) {
    CCV_ASSIGN_OR_RETURN(std::string v, Str(n, path));
    if (v == "fail") return UnknownFiles::kFail;
    if (v == "warn") return UnknownFiles::kWarn;
    if (v == "ignore") return UnknownFiles::kIgnore;
    return Err(ErrorCode::kBadValue, PosOf(n), path, "expected fail, warn or ignore");
  }

  // {path: P, digest: D} or {path: P, digests: [D...]} or a bare path.
  Result<RequiredFile> Required(const YAML::Node& n, const std::string& path) {
    RequiredFile f;
    f.pos = PosOf(n);
    if (n.IsScalar()) {
      CCV_ASSIGN_OR_RETURN(f.path, Str(n, path));
      return f;
    }
    CCV_RETURN_IF_ERROR(ExpectMap(n, path, {"path", "digest", "digests"}));
    if (!n["path"])
      return Err(ErrorCode::kNotFound, f.pos, path + ".path", "missing required key 'path'");
    CCV_ASSIGN_OR_RETURN(f.path, Str(n["path"], path + ".path"));
    if (n["digest"] && n["digests"]) {
      return Err(ErrorCode::kBadValue, f.pos, path, "give 'digest' or 'digests', not both");
    }
    if (YAML::Node d = n["digest"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, FileDigest(d, path + ".digest"));
      f.digests.push_back(std::move(s));
    }
    if (YAML::Node d = n["digests"]) {
      CCV_RETURN_IF_ERROR(ExpectNonEmptyList(d, path + ".digests"));
      for (size_t i = 0; i < d.size() && i < kMaxListLen; ++i) {
        CCV_ASSIGN_OR_RETURN(std::string s, FileDigest(d[i], Idx(path + ".digests", i)));
        f.digests.push_back(std::move(s));
      }
    }
    return f;
  }

  Status Select(const YAML::Node& n, const std::string& path, ContainerSelect* out) {
    CCV_RETURN_IF_ERROR(ExpectMap(n, path, {"pod", "container", "cgroup", "entrypoint"}));
    out->pos = PosOf(n);
    if (YAML::Node p = n["pod"]) {
      CCV_ASSIGN_OR_RETURN(std::string uid, Str(p, path + ".pod"));
      bool ok = uid.size() == 36 || uid.size() == 32;
      for (char& c : uid) {
        if (c == '_') c = '-';
        c = char(std::tolower(static_cast<unsigned char>(c)));
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != '-') ok = false;
      }
      if (!ok) {
        return Err(ErrorCode::kBadValue, PosOf(p), path + ".pod",
                   "expected a pod UID (36 characters, '-' or '_' separated, or 32 hex digits)");
      }
      out->pod = uid;
    }
    if (YAML::Node c = n["container"]) {
      CCV_ASSIGN_OR_RETURN(std::string id, Str(c, path + ".container"));
      bool ok = id.size() >= 12 && id.size() <= 64;
      for (char& ch : id) {
        ch = char(std::tolower(static_cast<unsigned char>(ch)));
        if (!std::isxdigit(static_cast<unsigned char>(ch))) ok = false;
      }
      if (!ok) {
        return Err(ErrorCode::kBadValue, PosOf(c), path + ".container",
                   "expected a container ID or a prefix of at least 12 hex digits");
      }
      out->container = id;
    }
    if (YAML::Node c = n["cgroup"]) {
      CCV_ASSIGN_OR_RETURN(Regex re, CompileRegex(c, path + ".cgroup", &out->cgroup_src));
      out->cgroup = std::move(re);
    }
    if (YAML::Node e = n["entrypoint"]) {
      CCV_ASSIGN_OR_RETURN(out->entrypoint, Str(e, path + ".entrypoint"));
    }
    if (out->pod.empty() && out->container.empty() && !out->cgroup && out->entrypoint.empty()) {
      return Err(ErrorCode::kNotFound, out->pos, path,
                 "select needs at least one of pod, container, cgroup, entrypoint");
    }
    return Status::Ok();
  }

  Result<ContainerRule> Rule(const YAML::Node& n, const std::string& path) {
    CCV_RETURN_IF_ERROR(
        ExpectMap(n, path,
                  {"id", "select", "virtual_imr3", "entrypoint", "measured", "allow", "exclude",
                   "unknown", "forbid", "executables", "optional", "severity"}));
    ContainerRule r;
    r.pos = PosOf(n);
    for (const char* key : {"id", "select"}) {
      if (!n[key]) {
        return Err(ErrorCode::kNotFound, r.pos, path + "." + key,
                   std::string("missing required key '") + key + "'");
      }
    }
    CCV_ASSIGN_OR_RETURN(r.id, Str(n["id"], path + ".id"));
    bool id_ok = r.id.size() <= 64 && std::all_of(r.id.begin(), r.id.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
                 });
    if (!id_ok) {
      return Err(ErrorCode::kBadValue, PosOf(n["id"]), path + ".id",
                 "expected letters, digits, '-' and '_' (at most 64)");
    }
    CCV_RETURN_IF_ERROR(Select(n["select"], path + ".select", &r.select));
    if (YAML::Node v = n["virtual_imr3"]) {
      CCV_ASSIGN_OR_RETURN(BytesMatcher m,
                           Matcher(v, path + ".virtual_imr3", 48, /*allow_zero=*/false));
      r.virtual_imr3 = std::move(m);
    }
    if (YAML::Node e = n["entrypoint"]) {
      CCV_ASSIGN_OR_RETURN(RequiredFile f, Required(e, path + ".entrypoint"));
      r.entrypoint = std::move(f);
    }
    if (YAML::Node m = n["measured"]) {
      std::string mp = path + ".measured";
      if (!m.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(m), mp, "expected a list");
      if (m.size() > kMaxListLen)
        return Err(ErrorCode::kLimitExceeded, PosOf(m), mp, "list too long");
      for (size_t i = 0; i < m.size(); ++i) {
        CCV_ASSIGN_OR_RETURN(RequiredFile f, Required(m[i], Idx(mp, i)));
        r.measured.push_back(std::move(f));
      }
    }
    if (YAML::Node a = n["allow"]) {
      std::string ap = path + ".allow";
      CCV_RETURN_IF_ERROR(ExpectMap(a, ap, {"digests", "file"}));
      r.allow_set = true;
      r.allow_pos = PosOf(a);
      if (YAML::Node f = a["file"]) {
        CCV_RETURN_IF_ERROR(CheckFileReference(f, ap + ".file"));
        CCV_ASSIGN_OR_RETURN(std::string file, Str(f, ap + ".file"));
        std::string full = file.starts_with("/") ? file : opts().base_dir + "/" + file;
        auto text = ReadFileText(full, uint64_t{1} << 30);
        if (!text.ok()) {
          return Err(ErrorCode::kIo, PosOf(f), ap + ".file",
                     "cannot read allow list: " + text.status().ToString());
        }
        CCV_RETURN_IF_ERROR(ParseImaAllowList(*text, full, &r.allow));
      }
      if (YAML::Node d = a["digests"]) {
        std::string dp = ap + ".digests";
        if (!d.IsMap())
          return Err(ErrorCode::kBadValue, PosOf(d), dp, "expected a mapping path -> list");
        for (auto it = d.begin(); it != d.end(); ++it) {
          CCV_ASSIGN_OR_RETURN(std::string file, Str(it->first, dp));
          const std::string ip = std::string(dp).append(".").append(file);
          if (r.allow.count(file))
            return Err(ErrorCode::kBadValue, PosOf(it->first), ip, "duplicate path");
          const YAML::Node l = it->second;
          if (!l.IsSequence()) {
            return Err(ErrorCode::kBadValue, PosOf(l, PosOf(it->first)), ip,
                       "expected a list of digests");
          }
          std::vector<std::string>& dst = r.allow[file];
          for (size_t i = 0; i < l.size() && i < kMaxListLen; ++i) {
            CCV_ASSIGN_OR_RETURN(std::string s, FileDigest(l[i], Idx(ip, i)));
            dst.push_back(std::move(s));
          }
        }
      }
    }
    if (YAML::Node e = n["exclude"]) {
      CCV_RETURN_IF_ERROR(RegexList(e, path + ".exclude", &r.exclude, &r.exclude_src));
    }
    if (YAML::Node u = n["unknown"]) {
      CCV_ASSIGN_OR_RETURN(r.unknown, Mode(u, path + ".unknown"));
      r.unknown_set = true;
    }
    if (YAML::Node f = n["forbid"]) {
      r.forbid_pos = PosOf(f);
      CCV_RETURN_IF_ERROR(RegexList(f, path + ".forbid", &r.forbid, &r.forbid_src));
    }
    if (YAML::Node x = n["executables"]) {
      std::string xp = path + ".executables";
      if (!x.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(x), xp, "expected a list");
      r.executables_pos = PosOf(x);
      std::vector<std::string> list;
      for (size_t i = 0; i < x.size() && i < kMaxListLen; ++i) {
        CCV_ASSIGN_OR_RETURN(std::string s, Str(x[i], Idx(xp, i)));
        list.push_back(std::move(s));
      }
      r.executables = std::move(list);
    }
    if (YAML::Node o = n["optional"]) {
      CCV_ASSIGN_OR_RETURN(r.optional, Bool(o, path + ".optional"));
    }
    if (YAML::Node s = n["severity"]) {
      CCV_ASSIGN_OR_RETURN(std::string v, Str(s, path + ".severity"));
      if (v != "fail" && v != "warn") {
        return Err(ErrorCode::kBadValue, PosOf(s), path + ".severity", "expected fail or warn");
      }
      r.warn_only = v == "warn";
    }
    if (!r.virtual_imr3 && !r.entrypoint && r.measured.empty() && !r.allow_set && !r.unknown_set &&
        r.forbid.empty() && !r.executables) {
      return Err(ErrorCode::kNotFound, r.pos, path,
                 "a rule needs at least one of virtual_imr3, entrypoint, measured, allow, "
                 "unknown, forbid, executables");
    }
    return r;
  }

  Result<std::shared_ptr<const ContainerPolicy>> Policy(const YAML::Node& n) {
    const std::string p = "containers";
    CCV_RETURN_IF_ERROR(ExpectMap(n, p, {"system_events", "unlisted", "binding", "rules"}));
    auto out = std::make_shared<ContainerPolicy>();
    out->pos = PosOf(n);
    if (YAML::Node s = n["system_events"]) {
      std::string sp = p + ".system_events";
      if (!s.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(s), sp, "expected a list");
      for (size_t i = 0; i < s.size() && i < kMaxListLen; ++i) {
        std::string ip = Idx(sp, i);
        CCV_RETURN_IF_ERROR(ExpectMap(s[i], ip, {"data_hex"}));
        if (!s[i]["data_hex"]) {
          return Err(ErrorCode::kNotFound, PosOf(s[i]), ip + ".data_hex",
                     "missing required key 'data_hex'");
        }
        CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b,
                             HexBytes(s[i]["data_hex"], ip + ".data_hex", 0));
        out->system_events.push_back(std::move(b));
      }
    }
    if (YAML::Node u = n["unlisted"]) {
      CCV_ASSIGN_OR_RETURN(out->unlisted, Mode(u, p + ".unlisted"));
      out->unlisted_set = true;
      out->unlisted_pos = PosOf(u);
    }
    if (YAML::Node b = n["binding"]) {
      std::string bp = p + ".binding";
      CCV_RETURN_IF_ERROR(ExpectMap(b, bp, {"container"}));
      if (!b["container"]) {
        return Err(ErrorCode::kNotFound, PosOf(b), bp + ".container",
                   "missing required key 'container'");
      }
      CCV_ASSIGN_OR_RETURN(out->binding, Str(b["container"], bp + ".container"));
      out->binding_pos = PosOf(b);
    }
    if (YAML::Node r = n["rules"]) {
      std::string rp = p + ".rules";
      if (!r.IsSequence()) return Err(ErrorCode::kBadValue, PosOf(r), rp, "expected a list");
      if (r.size() > kMaxListLen)
        return Err(ErrorCode::kLimitExceeded, PosOf(r), rp, "too many rules");
      std::set<std::string> ids;
      for (size_t i = 0; i < r.size(); ++i) {
        CCV_ASSIGN_OR_RETURN(ContainerRule rule, Rule(r[i], Idx(rp, i)));
        if (!ids.insert(rule.id).second) {
          return Err(ErrorCode::kBadValue, PosOf(r[i]["id"]), Idx(rp, i) + ".id",
                     "duplicate rule id '" + rule.id + "'");
        }
        out->rules.push_back(std::move(rule));
      }
    }
    return std::shared_ptr<const ContainerPolicy>(std::move(out));
  }
};

}  // namespace

std::optional<std::string> NormaliseFileDigest(const std::string& s) {
  size_t colon = s.find(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string alg = s.substr(0, colon);
  std::transform(alg.begin(), alg.end(), alg.begin(),
                 [](char c) { return char(std::tolower(static_cast<unsigned char>(c))); });
  size_t len = alg == "sha1"                        ? 20
               : alg == "sha256"                    ? 32
               : alg == "sha384"                    ? 48
               : alg == "sha512"                    ? 64
               : (alg == "sm3" || alg == "sm3_256") ? 32
                                                    : 0;
  if (len == 0) return std::nullopt;
  std::string hex = s.substr(colon + 1);
  std::vector<uint8_t> bytes(len);
  if (hex.size() != 2 * len || !DecodeHexInto(hex, bytes)) return std::nullopt;
  return alg + ":" + ToHex(bytes);
}

Result<std::shared_ptr<const ContainerPolicy>> ParseContainerPolicy(const YAML::Node& node,
                                                                    const ParseOptions& options) {
  Reader r(options);
  return r.Policy(node);
}

}  // namespace ccv::policy
