#include "policies/policy_parser.h"

#include <algorithm>
#include <filesystem>
#include <initializer_list>
#include <set>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "parsers/event_types.h"
#include "policies/boot_rules.h"
#include "policies/container_rules.h"
#include "policies/kernel_rules.h"
#include "policies/time_util.h"
#include "policies/yaml_walker.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
namespace {

using internal::kMaxListLen;
using internal::PosOf;
using internal::Walker;

// The register named `r` if it is one of `kind` (RegisterId::Parse: exact
// lower-case names, no leading zeros, existing registers only).
bool IsRegisterOf(const std::string& r, std::initializer_list<RegisterId::Kind> kinds) {
  Result<RegisterId> reg = RegisterId::Parse(r);
  return reg.ok() && std::find(kinds.begin(), kinds.end(), reg->kind) != kinds.end();
}

Status ParsePlatform(Walker& w, const YAML::Node& n, PlatformPolicy* out) {
  const std::string p = "platform";
  CCV_RETURN_IF_ERROR(w.ExpectMap(n, p,
                                  {"tcb_status", "advisories", "min_tee_tcb_svn", "mr_seam",
                                   "collateral", "tcb_grace_period"}));
  if (YAML::Node t = n["tcb_status"]) {
    CCV_RETURN_IF_ERROR(w.ExpectMap(t, p + ".tcb_status", {"allow", "warn"}));
    out->tcb_status_set = true;
    out->tcb_pos = PosOf(t);
    for (const char* key : {"allow", "warn"}) {
      YAML::Node l = t[key];
      if (!l) continue;
      std::string lp = p + ".tcb_status." + key;
      std::vector<SourcePos> pos;
      CCV_ASSIGN_OR_RETURN(auto names, w.StringList(l, lp, &pos));
      for (size_t i = 0; i < names.size(); ++i) {
        if (!IsKnownTcbStatus(names[i])) {
          return w.Err(ErrorCode::kBadValue, pos[i], lp + "[" + std::to_string(i) + "]",
                       "unknown TCB status '" + names[i] + "'");
        }
      }
      (std::string(key) == "allow" ? out->tcb_allow : out->tcb_warn) = names;
    }
    if (!t["allow"]) {
      return w.Err(ErrorCode::kNotFound, out->tcb_pos, p + ".tcb_status.allow",
                   "missing required key 'allow'");
    }
  }
  if (YAML::Node a = n["advisories"]) {
    CCV_RETURN_IF_ERROR(w.ExpectMap(a, p + ".advisories", {"deny", "allow"}));
    out->advisories_set = true;
    out->advisories_pos = PosOf(a);
    if (a["deny"]) {
      CCV_ASSIGN_OR_RETURN(out->advisories_deny, w.StringList(a["deny"], p + ".advisories.deny"));
    }
    if (a["allow"]) {
      CCV_ASSIGN_OR_RETURN(auto allow, w.StringList(a["allow"], p + ".advisories.allow"));
      out->advisories_allow = std::move(allow);
    }
  }
  if (YAML::Node s = n["min_tee_tcb_svn"]) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b, w.Hex(s, p + ".min_tee_tcb_svn", 16));
    out->min_tee_tcb_svn = std::move(b);
    out->min_tee_tcb_svn_pos = PosOf(s);
  }
  if (YAML::Node s = n["mr_seam"]) {
    CCV_ASSIGN_OR_RETURN(BytesMatcher m, w.Matcher(s, p + ".mr_seam", 48));
    out->mr_seam = std::move(m);
  }
  if (YAML::Node c = n["collateral"]) {
    CCV_ASSIGN_OR_RETURN(std::string v, w.String(c, p + ".collateral"));
    if (v != "required" && v != "optional") {
      return w.Err(ErrorCode::kBadValue, PosOf(c), p + ".collateral",
                   "expected 'required' or 'optional'");
    }
    out->collateral_optional = v == "optional";
  }
  if (YAML::Node g = n["tcb_grace_period"]) {
    CCV_ASSIGN_OR_RETURN(int64_t d,
                         w.Duration(g, p + ".tcb_grace_period", &out->tcb_grace_period_text));
    out->tcb_grace_period = d;
    out->tcb_grace_period_pos = PosOf(g);
  }
  return Status::Ok();
}

Status ParseCollateral(Walker& w, const YAML::Node& n, CollateralPolicy* out) {
  const std::string p = "collateral";
  CCV_RETURN_IF_ERROR(
      w.ExpectMap(n, p, {"max_age", "warn_expiring_within", "min_tcb_evaluation_data_number"}));
  out->present = true;
  out->pos = PosOf(n);
  if (YAML::Node v = n["max_age"]) {
    CCV_ASSIGN_OR_RETURN(int64_t d, w.Duration(v, p + ".max_age", &out->max_age_text));
    out->max_age = d;
    out->max_age_pos = PosOf(v);
  }
  if (YAML::Node v = n["warn_expiring_within"]) {
    CCV_ASSIGN_OR_RETURN(
        int64_t d, w.Duration(v, p + ".warn_expiring_within", &out->warn_expiring_within_text));
    out->warn_expiring_within = d;
    out->warn_expiring_within_pos = PosOf(v);
  }
  if (YAML::Node v = n["min_tcb_evaluation_data_number"]) {
    CCV_ASSIGN_OR_RETURN(uint64_t num, w.Uint(v, p + ".min_tcb_evaluation_data_number", 1000000));
    out->min_tcb_evaluation_data_number = num;
    out->min_tcb_evaluation_data_number_pos = PosOf(v);
  }
  return Status::Ok();
}

Status ParseTd(Walker& w, const YAML::Node& n, TdPolicy* out) {
  const std::string p = "td";
  CCV_RETURN_IF_ERROR(
      w.ExpectMap(n, p,
                  {"attributes", "xfam", "mr_td", "mr_config_id", "mr_owner", "mr_owner_config",
                   "mr_servicetd", "rtmr0", "rtmr1", "rtmr2", "rtmr3"}));
  if (YAML::Node a = n["attributes"]) {
    const std::string ap = p + ".attributes";
    out->attributes_pos = PosOf(a);
    // Keys: the named bits plus mask/value.
    CCV_RETURN_IF_ERROR(w.ExpectMap(
        a, ap,
        {"debug", "sept_ve_disable", "migratable", "pks", "kl", "perfmon", "mask", "value"}));
    for (const AttributeBit& b : kTdAttributeBits) {
      if (YAML::Node v = a[b.name]) {
        CCV_ASSIGN_OR_RETURN(bool on, w.Bool(v, ap + "." + b.name));
        out->attribute_bits[b.name] = on;
      }
    }
    if (bool(a["mask"]) != bool(a["value"])) {
      return w.Err(ErrorCode::kNotFound, out->attributes_pos, ap,
                   "'mask' and 'value' must be given together");
    }
    if (a["mask"]) {
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> m, w.Hex(a["mask"], ap + ".mask", 8));
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> v, w.Hex(a["value"], ap + ".value", 8));
      for (size_t i = 0; i < 8; ++i) {
        if ((v[i] & ~m[i]) != 0) {
          return w.Err(ErrorCode::kBadValue, PosOf(a["value"]), ap + ".value",
                       "value has bits outside the mask (byte " + std::to_string(i) + ")");
        }
      }
      out->attributes_mask = std::move(m);
      out->attributes_value = std::move(v);
    }
  }
  struct Field {
    const char* key;
    std::optional<BytesMatcher>* dst;
    size_t len;
  };
  Field fields[] = {{"xfam", &out->xfam, 8},
                    {"mr_td", &out->mr_td, 48},
                    {"mr_config_id", &out->mr_config_id, 48},
                    {"mr_owner", &out->mr_owner, 48},
                    {"mr_owner_config", &out->mr_owner_config, 48},
                    {"mr_servicetd", &out->mr_servicetd, 48},
                    {"rtmr0", &out->rtmr[0], 48},
                    {"rtmr1", &out->rtmr[1], 48},
                    {"rtmr2", &out->rtmr[2], 48},
                    {"rtmr3", &out->rtmr[3], 48}};
  for (const Field& f : fields) {
    if (YAML::Node v = n[f.key]) {
      CCV_ASSIGN_OR_RETURN(BytesMatcher m, w.Matcher(v, p + "." + f.key, f.len));
      *f.dst = std::move(m);
    }
  }
  return Status::Ok();
}

Status ParseReplay(Walker& w, const YAML::Node& n, ReplayPolicy* out) {
  CCV_RETURN_IF_ERROR(w.ExpectMap(n, "replay", {"must_match_quote"}));
  if (YAML::Node l = n["must_match_quote"]) {
    const std::string lp = "replay.must_match_quote";
    CCV_ASSIGN_OR_RETURN(out->must_match_quote, w.StringList(l, lp, &out->must_match_pos));
    std::set<std::string> seen;
    for (size_t i = 0; i < out->must_match_quote.size(); ++i) {
      const std::string& r = out->must_match_quote[i];
      std::string ip = lp + "[" + std::to_string(i) + "]";
      if (!IsRegisterOf(r, {RegisterId::Kind::kRtmr})) {
        return w.Err(ErrorCode::kBadValue, out->must_match_pos[i], ip,
                     "expected a quoted register rtmr0..rtmr3, got '" + r + "'");
      }
      if (!seen.insert(r).second) {
        return w.Err(ErrorCode::kBadValue, out->must_match_pos[i], ip, "duplicate register " + r);
      }
    }
  }
  return Status::Ok();
}

// `tpm: {ak: "sha256:HEX" | PEM | [...], nonce: HEX}`.
Status ParseTpm(Walker& w, const YAML::Node& n, TpmPolicy* out) {
  CCV_RETURN_IF_ERROR(w.ExpectMap(n, "tpm", {"ak", "nonce"}));
  out->present = true;
  out->pos = PosOf(n);
  if (YAML::Node a = n["ak"]) {
    out->ak_pos = PosOf(a);
    std::vector<std::string> pins;
    std::vector<SourcePos> pos;
    if (a.IsSequence()) {
      CCV_ASSIGN_OR_RETURN(pins, w.StringList(a, "tpm.ak", &pos));
    } else {
      CCV_ASSIGN_OR_RETURN(std::string one, w.NonEmptyString(a, "tpm.ak"));
      pins.push_back(std::move(one));
      pos.push_back(PosOf(a));
    }
    if (pins.empty()) {
      return w.Err(ErrorCode::kBadValue, out->ak_pos, "tpm.ak", "expected at least one AK");
    }
    for (size_t i = 0; i < pins.size(); ++i) {
      const std::string& pin = pins[i];
      const std::string ip = a.IsSequence() ? "tpm.ak[" + std::to_string(i) + "]" : "tpm.ak";
      if (pin.find("-----BEGIN PUBLIC KEY-----") != std::string::npos) {
        out->ak_pems.push_back(pin);
        continue;
      }
      std::string hex = pin.starts_with("sha256:") ? pin.substr(7) : "";
      bool ok = hex.size() == 64;
      for (char& c : hex) {
        if (c >= 'A' && c <= 'F') c = char(c - 'A' + 'a');
        ok &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      }
      if (!ok) {
        return w.Err(ErrorCode::kBadValue, pos[i], ip,
                     "expected \"sha256:\" and 64 hex digits (SHA-256 of the AK's "
                     "SubjectPublicKeyInfo) or a PEM public key");
      }
      out->ak_fingerprints.push_back(hex);
    }
  }
  if (YAML::Node v = n["nonce"]) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b, w.Hex(v, "tpm.nonce", 0));
    out->nonce = std::move(b);
    out->nonce_pos = PosOf(v);
  }
  return Status::Ok();
}

// `pcrs: {pcrN: {BANK: matcher, ...}, must_match_quote: [pcrN, ...]}`.
Status ParsePcrs(Walker& w, const YAML::Node& n, PcrsPolicy* out) {
  if (!n.IsMap()) return w.Err(ErrorCode::kBadValue, PosOf(n), "pcrs", "expected a mapping");
  out->present = true;
  out->pos = PosOf(n);
  std::set<std::string> seen;
  for (auto it = n.begin(); it != n.end(); ++it) {
    CCV_ASSIGN_OR_RETURN(std::string key, w.String(it->first, "pcrs"));
    if (!seen.insert(key).second) {
      return w.Err(ErrorCode::kBadValue, PosOf(it->first), "pcrs." + key, "duplicate key");
    }
    if (key == "must_match_quote") {
      const std::string lp = "pcrs.must_match_quote";
      CCV_ASSIGN_OR_RETURN(auto names, w.StringList(it->second, lp, &out->must_match_pos));
      std::set<uint32_t> listed;
      for (size_t i = 0; i < names.size(); ++i) {
        Result<RegisterId> reg = RegisterId::Parse(names[i]);
        if (!reg.ok() || reg->kind != RegisterId::Kind::kPcr) {
          return w.Err(ErrorCode::kBadValue, out->must_match_pos[i],
                       lp + "[" + std::to_string(i) + "]",
                       "expected a PCR pcr0..pcr23, got '" + names[i] + "'");
        }
        if (!listed.insert(reg->index).second) {
          return w.Err(ErrorCode::kBadValue, out->must_match_pos[i],
                       lp + "[" + std::to_string(i) + "]", "duplicate PCR " + names[i]);
        }
        out->must_match_quote.push_back(reg->index);
      }
      continue;
    }
    Result<RegisterId> reg = RegisterId::Parse(key);
    if (!reg.ok() || reg->kind != RegisterId::Kind::kPcr) {
      return w.Err(ErrorCode::kBadValue, PosOf(it->first), "pcrs." + key,
                   "unknown key '" + key + "' (expected pcr0..pcr23 or must_match_quote)");
    }
    const YAML::Node banks = it->second;
    if (!banks.IsMap() || banks.size() == 0) {
      return w.Err(ErrorCode::kBadValue, PosOf(banks), "pcrs." + key,
                   "expected {sha256: {eq: HEX}, ...}: a matcher per bank");
    }
    for (auto bt = banks.begin(); bt != banks.end(); ++bt) {
      CCV_ASSIGN_OR_RETURN(std::string bank, w.String(bt->first, "pcrs." + key));
      std::optional<HashAlg> alg = HashAlgFromName(bank);
      const std::string bp = std::string("pcrs.").append(key).append(".").append(bank);
      if (!alg) {
        return w.Err(ErrorCode::kBadValue, PosOf(bt->first), bp,
                     "unknown bank '" + bank + "' (sha1, sha256, sha384, sha512, sm3_256)");
      }
      for (const PcrRule& r : out->rules) {
        if (r.index == reg->index && r.bank == bank) {
          return w.Err(ErrorCode::kBadValue, PosOf(bt->first), bp, "duplicate bank");
        }
      }
      PcrRule rule;
      rule.index = reg->index;
      rule.bank = bank;
      rule.pos = PosOf(bt->first);
      CCV_ASSIGN_OR_RETURN(rule.value, w.Matcher(bt->second, bp, DigestLen(*alg)));
      out->rules.push_back(std::move(rule));
    }
  }
  return Status::Ok();
}

bool IsRuleId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

Status ParseEvents(Walker& w, const YAML::Node& n, std::vector<EventRule>* out) {
  if (!n.IsSequence()) return w.Err(ErrorCode::kBadValue, PosOf(n), "events", "expected a list");
  if (n.size() > kMaxListLen)
    return w.Err(ErrorCode::kLimitExceeded, PosOf(n), "events", "too many rules");
  std::set<std::string> ids;
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node r = n[i];
    const std::string p = "events[" + std::to_string(i) + "]";
    CCV_RETURN_IF_ERROR(w.ExpectMap(r, p, {"id", "match", "expect", "severity", "optional"}));
    EventRule rule;
    rule.pos = PosOf(r);
    if (!r["id"])
      return w.Err(ErrorCode::kNotFound, rule.pos, p + ".id", "missing required key 'id'");
    CCV_ASSIGN_OR_RETURN(rule.id, w.NonEmptyString(r["id"], p + ".id"));
    if (!IsRuleId(rule.id)) {
      return w.Err(ErrorCode::kBadValue, PosOf(r["id"]), p + ".id",
                   "rule ids use letters, digits, '-', '_' and '.'");
    }
    if (!ids.insert(rule.id).second) {
      return w.Err(ErrorCode::kBadValue, PosOf(r["id"]), p + ".id",
                   "duplicate rule id '" + rule.id + "'");
    }
    if (!r["match"])
      return w.Err(ErrorCode::kNotFound, rule.pos, p + ".match", "missing required key 'match'");
    const YAML::Node m = r["match"];
    const std::string mp = p + ".match";
    CCV_RETURN_IF_ERROR(
        w.ExpectMap(m, mp,
                    {"log", "register", "type", "nth", "index", "digest", "text_eq", "variable",
                     "device_path_contains", "text_prefix", "text_contains", "text_regex"}));
    if (m.size() == 0) return w.Err(ErrorCode::kBadValue, PosOf(m), mp, "empty match");
    if (YAML::Node v = m["log"]) {
      CCV_ASSIGN_OR_RETURN(std::string log, w.String(v, mp + ".log"));
      if (log != "ccel" && log != "tpm" && log != "cel" && log != "dstack") {
        return w.Err(ErrorCode::kBadValue, PosOf(v), mp + ".log",
                     "expected ccel, tpm, cel or dstack");
      }
      rule.log = log;
    }
    if (YAML::Node v = m["register"]) {
      CCV_ASSIGN_OR_RETURN(std::string reg, w.String(v, mp + ".register"));
      if (!IsRegisterOf(reg, {RegisterId::Kind::kRtmr, RegisterId::Kind::kPcr})) {
        return w.Err(ErrorCode::kBadValue, PosOf(v), mp + ".register",
                     "expected rtmr0..rtmr3 or pcr0..pcr23, got '" + reg + "'");
      }
      rule.reg = reg;
    }
    if (YAML::Node v = m["type"]) {
      CCV_ASSIGN_OR_RETURN(std::string t, w.NonEmptyString(v, mp + ".type"));
      if (t.rfind("EV_", 0) == 0) {
        // TCG PC Client PFP event type names; resolved to the number.
        auto num = parsers::EventTypeFromName(t);
        if (!num) {
          return w.Err(ErrorCode::kBadValue, PosOf(v), mp + ".type",
                       "unknown event type '" + t + "'");
        }
        rule.type_name = t;
        rule.type = *num;
      } else {
        CCV_ASSIGN_OR_RETURN(uint64_t num, w.Uint(v, mp + ".type", 0xFFFFFFFFu));
        rule.type = uint32_t(num);
      }
    }
    if (YAML::Node v = m["nth"]) {
      CCV_ASSIGN_OR_RETURN(uint64_t x, w.Uint(v, mp + ".nth", 1u << 30));
      rule.nth = x;
    }
    if (YAML::Node v = m["index"]) {
      CCV_ASSIGN_OR_RETURN(uint64_t x, w.Uint(v, mp + ".index", 1u << 30));
      rule.index = x;
    }
    if (YAML::Node v = m["digest"]) {
      CCV_ASSIGN_OR_RETURN(BytesMatcher dm, w.Matcher(v, mp + ".digest", 0));
      rule.match_digest = std::move(dm);
    }
    if (YAML::Node v = m["text_eq"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.String(v, mp + ".text_eq"));
      rule.match_text_eq = s;
    }
    if (YAML::Node v = m["variable"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.NonEmptyString(v, mp + ".variable"));
      rule.variable = s;
    }
    if (YAML::Node v = m["device_path_contains"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.NonEmptyString(v, mp + ".device_path_contains"));
      rule.device_path_contains = s;
    }
    if (YAML::Node v = m["text_prefix"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.NonEmptyString(v, mp + ".text_prefix"));
      rule.text_prefix = s;
    }
    if (YAML::Node v = m["text_contains"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.NonEmptyString(v, mp + ".text_contains"));
      rule.text_contains = s;
    }
    if (YAML::Node v = m["text_regex"]) {
      CCV_ASSIGN_OR_RETURN(Regex re, w.CompileRegex(v, mp + ".text_regex", &rule.text_regex_src));
      rule.text_regex = std::move(re);
    }
    // A rule that matches by digest, whole text or decoded field may leave
    // out `expect`: a matching bound event must then exist.
    bool content_match =
        rule.match_digest || rule.match_text_eq || rule.variable || rule.device_path_contains;
    if (!r["expect"] && !content_match) {
      return w.Err(ErrorCode::kNotFound, rule.pos, p + ".expect",
                   "missing required key 'expect' (it may be left out only when match has digest, "
                   "text_eq, variable or device_path_contains)");
    }
    const YAML::Node e = r["expect"] ? r["expect"] : YAML::Node(YAML::NodeType::Map);
    const std::string ep = p + ".expect";
    CCV_RETURN_IF_ERROR(w.ExpectMap(e, ep, {"digest", "text", "count"}));
    if (r["expect"] && e.size() == 0)
      return w.Err(ErrorCode::kBadValue, PosOf(e), ep, "empty expect");
    if (YAML::Node d = e["digest"]) {
      CCV_ASSIGN_OR_RETURN(BytesMatcher dm, w.Matcher(d, ep + ".digest", 0));
      rule.digest = std::move(dm);
    }
    if (YAML::Node t = e["text"]) {
      CCV_RETURN_IF_ERROR(w.ExpectMap(t, ep + ".text", {"eq", "require", "forbid"}));
      if (t.size() == 0)
        return w.Err(ErrorCode::kBadValue, PosOf(t), ep + ".text", "empty text expectation");
      if (t["eq"]) {
        CCV_ASSIGN_OR_RETURN(std::string s, w.String(t["eq"], ep + ".text.eq"));
        rule.text_eq = s;
      }
      if (t["require"]) {
        CCV_ASSIGN_OR_RETURN(rule.text_require, w.StringList(t["require"], ep + ".text.require"));
      }
      if (t["forbid"]) {
        CCV_ASSIGN_OR_RETURN(rule.text_forbid, w.StringList(t["forbid"], ep + ".text.forbid"));
      }
    }
    if (YAML::Node c = e["count"]) {
      CCV_ASSIGN_OR_RETURN(uint64_t x, w.Uint(c, ep + ".count", 1u << 30));
      rule.count = x;
    }
    if (YAML::Node s = r["severity"]) {
      CCV_ASSIGN_OR_RETURN(std::string sev, w.String(s, p + ".severity"));
      if (sev != "fail" && sev != "warn") {
        return w.Err(ErrorCode::kBadValue, PosOf(s), p + ".severity", "expected 'fail' or 'warn'");
      }
      rule.warn_only = sev == "warn";
    }
    if (YAML::Node o = r["optional"]) {
      CCV_ASSIGN_OR_RETURN(rule.optional, w.Bool(o, p + ".optional"));
    }
    // No digest covers an event's type: a rule may select by type only
    // together with something bound (a digest, or text of verified data).
    // `count: 0` on a type is judged against the evidence instead.
    if (rule.type && !rule.digest && !rule.match_digest && !rule.ReadsData() &&
        !(rule.count && *rule.count == 0)) {
      return w.Err(
          ErrorCode::kBadValue, PosOf(r["match"]), p + ".match.type",
          "an event's type is not authenticated (no digest covers it): a rule that selects "
          "by type must also expect a digest or test the text of verified data");
    }
    out->push_back(std::move(rule));
  }
  return Status::Ok();
}

// "sha384:<hex>" -> normalised "sha384:<lowercase hex>"; a bare hex digest
// takes its algorithm from its length (20 sha1, 32 sha256, 48 sha384,
// 64 sha512).
std::optional<std::string> NormaliseImaDigest(const std::string& s) {
  std::string alg, hex;
  size_t colon = s.find(':');
  if (colon == std::string::npos) {
    hex = s;
  } else {
    alg = s.substr(0, colon);
    hex = s.substr(colon + 1);
  }
  auto bytes = FromHex(hex);
  if (!bytes.ok() || bytes->empty()) return std::nullopt;
  if (alg.empty()) {
    switch (bytes->size()) {
      case 20:
        alg = "sha1";
        break;
      case 32:
        alg = "sha256";
        break;
      case 48:
        alg = "sha384";
        break;
      case 64:
        alg = "sha512";
        break;
      default:
        return std::nullopt;
    }
  } else {
    std::transform(alg.begin(), alg.end(), alg.begin(),
                   [](char c) { return char(std::tolower(c)); });
    auto a = HashAlgFromName(alg);
    if (!a || DigestLen(*a) != bytes->size()) return std::nullopt;
    alg = std::string(HashAlgName(*a));
  }
  return alg + ":" + ToHex(*bytes);
}

// `ima.signatures: required|optional|ignore`, `ima.keys: [file]` (relative
// to the policy), `ima.keyrings: [.ima]`, `ima.allow_unsigned: [regex]`.
Status ParseImaSignatures(Walker& w, const YAML::Node& n, ImaPolicy* out) {
  const std::string p = "ima";
  if (YAML::Node s = n["signatures"]) {
    out->signatures_set = true;
    out->signatures_pos = PosOf(s);
    CCV_ASSIGN_OR_RETURN(std::string v, w.String(s, p + ".signatures"));
    if (v == "required")
      out->signatures = ImaSignatures::kRequired;
    else if (v == "optional")
      out->signatures = ImaSignatures::kOptional;
    else if (v == "ignore")
      out->signatures = ImaSignatures::kIgnore;
    else
      return w.Err(ErrorCode::kBadValue, PosOf(s), p + ".signatures",
                   "expected required, optional or ignore");
  }
  if (YAML::Node k = n["keys"]) {
    const std::string kp = p + ".keys";
    if (!out->signatures_set) out->signatures_pos = PosOf(k);
    out->signatures_set = true;
    CCV_RETURN_IF_ERROR(w.CheckFileReference(k, kp));
    CCV_ASSIGN_OR_RETURN(std::vector<std::string> files, w.StringList(k, kp, &out->key_pos));
    for (size_t i = 0; i < files.size(); ++i) {
      std::filesystem::path fp(files[i]);
      if (fp.is_relative()) fp = std::filesystem::path(w.opts().base_dir) / fp;
      auto keys = crypto::LoadImaKeysFromPath(fp.string());
      if (!keys.ok()) {
        return w.Err(ErrorCode::kBadValue, out->key_pos[i], kp + "[" + std::to_string(i) + "]",
                     "cannot load IMA keys: " + keys.status().ToString());
      }
      out->key_files.push_back(fp.string());
      out->keys.insert(out->keys.end(), keys->begin(), keys->end());
    }
  }
  if (YAML::Node k = n["keyrings"]) {
    const std::string kp = p + ".keyrings";
    if (!out->signatures_set) out->signatures_pos = PosOf(k);
    out->signatures_set = true;
    std::vector<SourcePos> pos;
    CCV_ASSIGN_OR_RETURN(out->keyrings, w.StringList(k, kp, &pos));
    for (size_t i = 0; i < out->keyrings.size(); ++i) {
      if (out->keyrings[i][0] != '.') {
        return w.Err(ErrorCode::kBadValue, pos[i], kp + "[" + std::to_string(i) + "]",
                     "expected a kernel keyring name such as .ima or .builtin_trusted_keys");
      }
    }
  }
  if (YAML::Node a = n["allow_unsigned"]) {
    const std::string ap = p + ".allow_unsigned";
    if (!out->signatures_set) out->signatures_pos = PosOf(a);
    out->signatures_set = true;
    if (!a.IsSequence()) return w.Err(ErrorCode::kBadValue, PosOf(a), ap, "expected a list");
    if (a.size() > kMaxListLen)
      return w.Err(ErrorCode::kLimitExceeded, PosOf(a), ap, "list too long");
    for (size_t i = 0; i < a.size(); ++i) {
      std::string src;
      CCV_ASSIGN_OR_RETURN(Regex re,
                           w.CompileRegex(a[i], ap + "[" + std::to_string(i) + "]", &src));
      out->allow_unsigned.push_back(std::move(re));
      out->allow_unsigned_src.push_back(src);
      out->allow_unsigned_pos.push_back(PosOf(a[i]));
    }
  }
  return Status::Ok();
}

Status ParseIma(Walker& w, const YAML::Node& n, ImaPolicy* out) {
  const std::string p = "ima";
  CCV_RETURN_IF_ERROR(w.ExpectMap(
      n, p, {"allow", "exclude", "unknown", "signatures", "keys", "keyrings", "allow_unsigned"}));
  out->present = true;
  out->pos = PosOf(n);
  if (YAML::Node a = n["allow"]) {
    const std::string ap = p + ".allow";
    CCV_RETURN_IF_ERROR(w.ExpectMap(a, ap, {"file", "digests"}));
    if (YAML::Node f = a["file"]) {
      CCV_RETURN_IF_ERROR(w.CheckFileReference(f, ap + ".file"));
      CCV_ASSIGN_OR_RETURN(out->allow_file, w.NonEmptyString(f, ap + ".file"));
      std::filesystem::path fp(out->allow_file);
      if (fp.is_relative()) fp = std::filesystem::path(w.opts().base_dir) / fp;
      auto text = ReadFileText(fp.string(), uint64_t{1} << 30);
      if (!text.ok()) {
        return w.Err(ErrorCode::kIo, PosOf(f), ap + ".file",
                     "cannot read allow list: " + text.status().ToString());
      }
      CCV_RETURN_IF_ERROR(ParseImaAllowList(*text, fp.string(), &out->allow));
    }
    if (YAML::Node d = a["digests"]) {
      const std::string dp = ap + ".digests";
      if (!d.IsMap())
        return w.Err(ErrorCode::kBadValue, PosOf(d), dp, "expected a mapping path -> list");
      std::set<std::string> seen;
      for (auto it = d.begin(); it != d.end(); ++it) {
        CCV_ASSIGN_OR_RETURN(std::string path, w.NonEmptyString(it->first, dp));
        const std::string ip = std::string(dp).append(".").append(path);
        if (!seen.insert(path).second) {
          return w.Err(ErrorCode::kBadValue, PosOf(it->first), ip, "duplicate path");
        }
        const YAML::Node l = it->second;
        if (!l.IsSequence())
          return w.Err(ErrorCode::kBadValue, PosOf(l, PosOf(it->first)), ip,
                       "expected a list of digests");
        for (size_t i = 0; i < l.size(); ++i) {
          std::string ep = ip + "[" + std::to_string(i) + "]";
          CCV_ASSIGN_OR_RETURN(std::string s, w.NonEmptyString(l[i], ep));
          auto norm = NormaliseImaDigest(s);
          if (!norm) {
            return w.Err(ErrorCode::kBadValue, PosOf(l[i]), ep,
                         "expected '<alg>:<hex>' with a digest of the algorithm's size");
          }
          out->allow[path].push_back(*norm);
        }
      }
    }
  }
  if (YAML::Node e = n["exclude"]) {
    const std::string ep = p + ".exclude";
    if (!e.IsSequence()) return w.Err(ErrorCode::kBadValue, PosOf(e), ep, "expected a list");
    if (e.size() > kMaxListLen)
      return w.Err(ErrorCode::kLimitExceeded, PosOf(e), ep, "list too long");
    for (size_t i = 0; i < e.size(); ++i) {
      std::string src;
      CCV_ASSIGN_OR_RETURN(Regex re,
                           w.CompileRegex(e[i], ep + "[" + std::to_string(i) + "]", &src));
      out->exclude.push_back(std::move(re));
      out->exclude_src.push_back(src);
      out->exclude_pos.push_back(PosOf(e[i]));
    }
  }
  if (YAML::Node u = n["unknown"]) {
    CCV_ASSIGN_OR_RETURN(std::string v, w.String(u, p + ".unknown"));
    if (v == "fail")
      out->unknown = UnknownFiles::kFail;
    else if (v == "warn")
      out->unknown = UnknownFiles::kWarn;
    else if (v == "ignore")
      out->unknown = UnknownFiles::kIgnore;
    else
      return w.Err(ErrorCode::kBadValue, PosOf(u), p + ".unknown", "expected fail, warn or ignore");
  }
  return ParseImaSignatures(w, n, out);
}

Status ParseLogs(Walker& w, const YAML::Node& n, LogsPolicy* out) {
  CCV_RETURN_IF_ERROR(w.ExpectMap(n, "logs", {"informational", "unexplained_digests"}));
  out->pos = PosOf(n);
  if (YAML::Node v = n["informational"]) {
    CCV_ASSIGN_OR_RETURN(out->informational, w.StringList(v, "logs.informational"));
    for (const std::string& l : out->informational) {
      if (l != "ccel" && l != "tpm" && l != "cel" && l != "ima" && l != "dstack") {
        return w.Err(ErrorCode::kBadValue, PosOf(v), "logs.informational",
                     "unknown log '" + l + "' (expected ccel, tpm, cel, ima or dstack)");
      }
    }
  }
  if (YAML::Node v = n["unexplained_digests"]) {
    CCV_ASSIGN_OR_RETURN(std::string s, w.String(v, "logs.unexplained_digests"));
    if (s != "fail" && s != "warn") {
      return w.Err(ErrorCode::kBadValue, PosOf(v), "logs.unexplained_digests",
                   "expected 'fail' or 'warn'");
    }
    out->unexplained_digests_warn = s == "warn";
  }
  return Status::Ok();
}

// `app: {compose_hash: {any_of: [hex]} | {eq: hex}, app_id, instance_id,
// os_image_hash: (the same), key_provider: {any_of: [text]} | {eq: text}}`.
Status ParseApp(Walker& w, const YAML::Node& n, AppPolicy* out) {
  CCV_RETURN_IF_ERROR(w.ExpectMap(
      n, "app", {"compose_hash", "app_id", "instance_id", "key_provider", "os_image_hash"}));
  out->present = true;
  out->pos = PosOf(n);
  for (const AppFactKey& k : kAppFactKeys) {
    YAML::Node v = n[k.key];
    if (!v) continue;
    const std::string path = std::string("app.") + k.key;
    AppRule rule;
    rule.key = k.key;
    rule.name = k.name;
    rule.pos = PosOf(v, out->pos);
    if (k.text) {
      CCV_RETURN_IF_ERROR(w.ExpectMap(v, path, {"any_of", "eq"}));
      if (v["any_of"] && v["eq"]) {
        return w.Err(ErrorCode::kBadValue, rule.pos, path, "give any_of or eq, not both");
      }
      if (v["eq"]) {
        CCV_ASSIGN_OR_RETURN(std::string s, w.NonEmptyString(v["eq"], path + ".eq"));
        rule.text_any_of.push_back(std::move(s));
      } else if (v["any_of"]) {
        CCV_ASSIGN_OR_RETURN(rule.text_any_of, w.StringList(v["any_of"], path + ".any_of"));
      }
      if (rule.text_any_of.empty()) {
        return w.Err(ErrorCode::kBadValue, rule.pos, path, "expected any_of or eq with a value");
      }
    } else {
      CCV_ASSIGN_OR_RETURN(BytesMatcher m, w.Matcher(v, path, 0));
      rule.bytes = std::move(m);
    }
    out->rules.push_back(std::move(rule));
  }
  return Status::Ok();
}

Status ParseWaivers(Walker& w, const YAML::Node& n, std::vector<Waiver>* out) {
  if (!n.IsSequence()) return w.Err(ErrorCode::kBadValue, PosOf(n), "waivers", "expected a list");
  for (size_t i = 0; i < n.size(); ++i) {
    const YAML::Node x = n[i];
    const std::string p = "waivers[" + std::to_string(i) + "]";
    CCV_RETURN_IF_ERROR(w.ExpectMap(x, p, {"rule", "until", "reason"}));
    Waiver wv;
    wv.pos = PosOf(x);
    for (const char* key : {"rule", "until", "reason"}) {
      if (!x[key]) {
        return w.Err(ErrorCode::kNotFound, wv.pos, p + "." + key,
                     std::string("missing required key '") + key + "'");
      }
    }
    CCV_ASSIGN_OR_RETURN(wv.rule, w.NonEmptyString(x["rule"], p + ".rule"));
    std::string base = wv.rule.size() > 2 && wv.rule.ends_with(".*")
                           ? wv.rule.substr(0, wv.rule.size() - 2)
                           : wv.rule;
    if (!IsRuleId(base)) {
      return w.Err(ErrorCode::kBadValue, PosOf(x["rule"]), p + ".rule",
                   "expected a rule or check id (optionally ending in '.*')");
    }
    // Authenticity is not negotiable: a quote from any root, a replay that
    // does not reproduce the quote or a forged IMA entry must never pass.
    bool covers = wv.rule.size() > 2 && wv.rule.ends_with(".*")
                      ? result::PrefixCoversAuthenticity(wv.rule.substr(0, wv.rule.size() - 1))
                      : result::IsAuthenticityCheck(wv.rule);
    if (covers) {
      return w.Err(ErrorCode::kBadValue, PosOf(x["rule"]), p + ".rule",
                   "'" + wv.rule +
                       "' covers an authenticity check (quote signature, chain, CRLs, "
                       "collateral, REPORTDATA binding, replay, template hashes or log binding): "
                       "waivers may cover policy rules and quote.tcb_status only");
    }
    CCV_ASSIGN_OR_RETURN(wv.until, w.Time(x["until"], p + ".until", true, &wv.until_text));
    CCV_ASSIGN_OR_RETURN(wv.reason, w.NonEmptyString(x["reason"], p + ".reason"));
    out->push_back(std::move(wv));
  }
  return Status::Ok();
}

Status ParseRoot(Walker& w, const YAML::Node& root, Policy* out) {
  if (!root.IsMap()) {
    return w.Err(ErrorCode::kBadValue, PosOf(root, {1, 1}), "", "a policy is a YAML mapping");
  }
  CCV_RETURN_IF_ERROR(w.ExpectMap(
      root, "",
      {"apiVersion", "metadata", "platform", "collateral", "td", "replay", "tpm", "pcrs", "events",
       "ima", "app", "binding", "logs", "waivers", "containers", "boot", "kernel"}));
  if (!root["apiVersion"]) {
    return w.Err(ErrorCode::kNotFound, PosOf(root, {1, 1}), "apiVersion",
                 "missing required key 'apiVersion' (ccverify/v1)");
  }
  CCV_ASSIGN_OR_RETURN(out->api_version, w.String(root["apiVersion"], "apiVersion"));
  if (out->api_version != "ccverify/v1") {
    return w.Err(ErrorCode::kUnsupported, PosOf(root["apiVersion"]), "apiVersion",
                 "unsupported apiVersion '" + out->api_version + "' (expected ccverify/v1)");
  }
  if (YAML::Node m = root["metadata"]) {
    CCV_RETURN_IF_ERROR(w.ExpectMap(m, "metadata", {"name", "version", "expires"}));
    if (m["name"]) {
      CCV_ASSIGN_OR_RETURN(out->name, w.NonEmptyString(m["name"], "metadata.name"));
    }
    if (m["version"]) {
      CCV_ASSIGN_OR_RETURN(out->version, w.NonEmptyString(m["version"], "metadata.version"));
    }
    if (m["expires"]) {
      CCV_ASSIGN_OR_RETURN(UnixTime t,
                           w.Time(m["expires"], "metadata.expires", true, &out->expires_text));
      out->expires = t;
    }
  }
  if (YAML::Node n = root["platform"]) CCV_RETURN_IF_ERROR(ParsePlatform(w, n, &out->platform));
  if (YAML::Node n = root["collateral"]) {
    CCV_RETURN_IF_ERROR(ParseCollateral(w, n, &out->collateral));
  }
  if (YAML::Node n = root["td"]) CCV_RETURN_IF_ERROR(ParseTd(w, n, &out->td));
  if (YAML::Node n = root["replay"]) CCV_RETURN_IF_ERROR(ParseReplay(w, n, &out->replay));
  if (YAML::Node n = root["tpm"]) CCV_RETURN_IF_ERROR(ParseTpm(w, n, &out->tpm));
  if (YAML::Node n = root["pcrs"]) CCV_RETURN_IF_ERROR(ParsePcrs(w, n, &out->pcrs));
  if (YAML::Node n = root["events"]) CCV_RETURN_IF_ERROR(ParseEvents(w, n, &out->events));
  if (YAML::Node n = root["ima"]) CCV_RETURN_IF_ERROR(ParseIma(w, n, &out->ima));
  if (YAML::Node n = root["app"]) CCV_RETURN_IF_ERROR(ParseApp(w, n, &out->app));
  if (YAML::Node n = root["binding"]) {
    CCV_RETURN_IF_ERROR(w.ExpectMap(n, "binding", {"nonce"}));
    out->binding.pos = PosOf(n);
    if (YAML::Node v = n["nonce"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.String(v, "binding.nonce"));
      if (s != "required" && s != "optional") {
        return w.Err(ErrorCode::kBadValue, PosOf(v), "binding.nonce",
                     "expected 'required' or 'optional'");
      }
      out->binding.nonce_optional = s == "optional";
    }
  }
  if (YAML::Node n = root["logs"]) CCV_RETURN_IF_ERROR(ParseLogs(w, n, &out->logs));
  if (YAML::Node n = root["waivers"]) CCV_RETURN_IF_ERROR(ParseWaivers(w, n, &out->waivers));
  if (YAML::Node n = root["containers"]) {
    CCV_ASSIGN_OR_RETURN(out->containers, ParseContainerPolicy(n, w.opts()));
  }
  if (YAML::Node n = root["boot"]) {
    CCV_ASSIGN_OR_RETURN(out->boot, ParseBootPolicy(n, w.opts()));
  }
  if (YAML::Node n = root["kernel"]) {
    CCV_ASSIGN_OR_RETURN(out->kernel, ParseKernelPolicy(n, w.opts()));
  }
  return Status::Ok();
}

}  // namespace

bool IsKnownTcbStatus(const std::string& s) {
  static const char* kNames[] = {"UpToDate",
                                 "SWHardeningNeeded",
                                 "ConfigurationNeeded",
                                 "ConfigurationAndSWHardeningNeeded",
                                 "OutOfDate",
                                 "OutOfDateConfigurationNeeded",
                                 "Revoked",
                                 "TDRelaunchAdvised",
                                 "TDRelaunchAdvisedConfigurationNeeded",
                                 "NotSupported",
                                 "TdxModuleMismatch",
                                 "UnrecognizedStatus"};
  for (const char* n : kNames) {
    if (s == n) return true;
  }
  return false;
}

Result<Policy> ParsePolicy(std::string_view yaml, const ParseOptions& options) {
  Walker w(options);
  Policy policy;
  policy.source = options.source;
  // yaml-cpp throws; every exception stops here (STYLE §2).
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    if (!root || root.IsNull()) {
      return w.Err(ErrorCode::kNotFound, {1, 1}, "", "empty policy");
    }
    CCV_RETURN_IF_ERROR(ParseRoot(w, root, &policy));
  } catch (const YAML::Exception& e) {
    SourcePos pos{1, 1};
    if (!e.mark.is_null()) pos = {uint64_t(e.mark.line) + 1, uint64_t(e.mark.column) + 1};
    return w.Err(ErrorCode::kBadValue, pos, "", "YAML: " + e.msg);
  }
  return policy;
}

Result<Policy> LoadPolicyFile(const std::string& path, std::vector<UnknownKey>* out_unknown_keys) {
  auto text = ReadFileText(path, uint64_t{64} << 20);
  if (!text.ok()) return text.status();
  return ParsePolicyFileText(path, *text, false, out_unknown_keys);
}

Result<Policy> ParsePolicyFileText(const std::string& path, std::string_view text,
                                   bool refuse_file_references,
                                   std::vector<UnknownKey>* out_unknown_keys) {
  ParseOptions o;
  o.source = path;
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  o.base_dir = dir.empty() ? "." : dir.string();
  o.out_unknown_keys = out_unknown_keys;
  o.refuse_file_references = refuse_file_references;
  return ParsePolicy(text, o);
}

Status ParseImaAllowList(std::string_view text, const std::string& source,
                         std::map<std::string, std::vector<std::string>>* out) {
  uint64_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    size_t sp = line.find_first_of(" \t", first);
    auto bad = [&](uint64_t col, const std::string& msg) {
      return Status(ErrorCode::kBadValue, msg).WithFile(source).WithLine(line_no, col);
    };
    if (sp == std::string_view::npos) return bad(first + 1, "expected '<digest> <path>'");
    std::string digest(line.substr(first, sp - first));
    size_t path_start = line.find_first_not_of(" \t", sp);
    if (path_start == std::string_view::npos) return bad(sp + 1, "missing path");
    // sha*sum marks binary mode with '*' before the path.
    if (line[path_start] == '*') ++path_start;
    std::string path(line.substr(path_start));
    if (path.empty()) return bad(path_start + 1, "missing path");
    auto norm = NormaliseImaDigest(digest);
    if (!norm) return bad(first + 1, "expected '<alg>:<hex>' or a sha1/256/384/512 hex digest");
    (*out)[path].push_back(*norm);
  }
  return Status::Ok();
}

}  // namespace ccv::policy
