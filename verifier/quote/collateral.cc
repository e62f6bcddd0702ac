#include "verifier/quote/collateral.h"

#include <algorithm>
#include <initializer_list>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/hex.h"
#include "parsers/core/time.h"
#include "verifier/crypto/x509.h"

namespace ccv::quote {

namespace {

using rapidjson::Value;

Status Bad(std::string_view doc, const std::string& path, const std::string& what) {
  return Status(ErrorCode::kBadValue, std::string(doc) + ": " + what).WithField(path);
}

Result<rapidjson::Document> ParseDoc(std::string_view json, std::string_view doc) {
  rapidjson::Document d;
  // Iterative: nesting depth costs heap, not stack (a deep "[[[[..." would
  // overflow the recursive parser).
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    // Report line and column of the error offset.
    size_t off = d.GetErrorOffset();
    uint64_t line = 1, col = 1;
    for (size_t i = 0; i < off && i < json.size(); ++i) {
      if (json[i] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return Status(ErrorCode::kBadValue, std::string(doc) + ": JSON syntax error: " +
                                            rapidjson::GetParseError_En(d.GetParseError()))
        .WithLine(line, col);
  }
  if (!d.IsObject()) return Status(ErrorCode::kBadValue, std::string(doc) + ": not a JSON object");
  return d;
}

// Small typed getters; `path` names the member for errors.
struct Reader {
  std::string_view doc;

  Result<const Value*> Member(const Value& obj, const char* name, const std::string& path) const {
    if (!obj.IsObject()) return Bad(doc, path, "not an object");
    auto it = obj.FindMember(name);
    if (it == obj.MemberEnd()) return Bad(doc, path + "." + name, "missing");
    return &it->value;
  }
  Result<std::string> String(const Value& obj, const char* name, const std::string& path) const {
    CCV_ASSIGN_OR_RETURN(const Value* v, Member(obj, name, path));
    if (!v->IsString()) return Bad(doc, path + "." + name, "not a string");
    return std::string(v->GetString(), v->GetStringLength());
  }
  Result<int64_t> Int(const Value& obj, const char* name, const std::string& path, int64_t lo,
                      int64_t hi) const {
    CCV_ASSIGN_OR_RETURN(const Value* v, Member(obj, name, path));
    if (!v->IsInt64() || v->GetInt64() < lo || v->GetInt64() > hi) {
      return Bad(doc, path + "." + name,
                 "not an integer in " + std::to_string(lo) + ".." + std::to_string(hi));
    }
    return v->GetInt64();
  }
  // `<path>.version`, refused unless it is one of `accepted` (`expected`
  // says which in the error).
  Result<int> Version(const Value& obj, const std::string& path,
                      std::initializer_list<int> accepted, const char* expected) const {
    CCV_ASSIGN_OR_RETURN(int64_t v, Int(obj, "version", path, 0, 1000));
    if (std::find(accepted.begin(), accepted.end(), v) == accepted.end()) {
      return Status(ErrorCode::kUnsupportedVersion, std::string(doc) + ": version " +
                                                        std::to_string(v) + " (expected " +
                                                        expected + ")")
          .WithField(path + ".version");
    }
    return int(v);
  }
  // Validity bounds are kept in whole seconds, rounded inwards should a
  // document carry a fraction (Intel's do not): a lower bound (`is_start`)
  // up, an upper bound down, so the window is never wider than signed.
  Result<int64_t> Date(const Value& obj, const char* name, const std::string& path,
                       bool is_start) const {
    CCV_ASSIGN_OR_RETURN(std::string s, String(obj, name, path));
    auto seconds = crypto::ParseRfc3339(s);
    if (!seconds.ok()) return Bad(doc, path + "." + name, "not an RFC 3339 date");
    auto t = ParseRfc3339Time(s);
    if (is_start && t.ok() && t->nanos != 0) return *seconds + 1;
    return *seconds;
  }
  template <size_t N>
  Status Hex(const Value& obj, const char* name, const std::string& path,
             std::array<uint8_t, N>* out) const {
    CCV_ASSIGN_OR_RETURN(std::string s, String(obj, name, path));
    if (s.size() != 2 * N || !DecodeHexInto(s, *out)) {
      return Bad(doc, path + "." + name, "not " + std::to_string(N) + " bytes of hex");
    }
    return Status::Ok();
  }
  Result<std::vector<std::string>> StringArray(const Value& obj, const char* name,
                                               const std::string& path) const {
    std::vector<std::string> out;
    if (!obj.IsObject() || !obj.HasMember(name)) return out;  // optional
    const Value& a = obj[name];
    if (!a.IsArray()) return Bad(doc, path + "." + name, "not an array");
    for (const Value& s : a.GetArray()) {
      if (!s.IsString()) return Bad(doc, path + "." + name, "holds a non-string");
      out.emplace_back(s.GetString(), s.GetStringLength());
    }
    return out;
  }
  Result<std::vector<ModuleTcbLevel>> IsvLevels(const Value& obj, const std::string& path) const {
    CCV_ASSIGN_OR_RETURN(const Value* a, Member(obj, "tcbLevels", path));
    if (!a->IsArray() || a->Empty()) return Bad(doc, path + ".tcbLevels", "not a non-empty array");
    std::vector<ModuleTcbLevel> out;
    size_t i = 0;
    for (const Value& l : a->GetArray()) {
      std::string p = path + ".tcbLevels[" + std::to_string(i++) + "]";
      ModuleTcbLevel m;
      CCV_ASSIGN_OR_RETURN(const Value* tcb, Member(l, "tcb", p));
      CCV_ASSIGN_OR_RETURN(int64_t svn, Int(*tcb, "isvsvn", p + ".tcb", 0, 65535));
      m.isv_svn = uint16_t(svn);
      CCV_ASSIGN_OR_RETURN(m.tcb_status, String(l, "tcbStatus", p));
      CCV_ASSIGN_OR_RETURN(m.tcb_date, String(l, "tcbDate", p));
      CCV_ASSIGN_OR_RETURN(m.advisory_ids, StringArray(l, "advisoryIDs", p));
      out.push_back(std::move(m));
    }
    return out;
  }
  Status ModuleIdentity(const Value& obj, const std::string& path, bool with_levels,
                        TdxModuleIdentity* out) const {
    if (with_levels) {
      CCV_ASSIGN_OR_RETURN(out->id, String(obj, "id", path));
    }
    CCV_RETURN_IF_ERROR(Hex(obj, "mrsigner", path, &out->mr_signer));
    CCV_RETURN_IF_ERROR(Hex(obj, "attributes", path, &out->attributes));
    CCV_RETURN_IF_ERROR(Hex(obj, "attributesMask", path, &out->attributes_mask));
    if (with_levels) {
      CCV_ASSIGN_OR_RETURN(out->tcb_levels, IsvLevels(obj, path));
    }
    return Status::Ok();
  }
  Status Components(const Value& tcb, const char* name, const std::string& path,
                    std::array<uint8_t, 16>* out) const {
    CCV_ASSIGN_OR_RETURN(const Value* a, Member(tcb, name, path));
    if (!a->IsArray() || a->Size() != 16) return Bad(doc, path + "." + name, "not 16 components");
    for (rapidjson::SizeType i = 0; i < 16; ++i) {
      CCV_ASSIGN_OR_RETURN(
          int64_t svn,
          Int((*a)[i], "svn", path + "." + name + "[" + std::to_string(i) + "]", 0, 255));
      (*out)[i] = uint8_t(svn);
    }
    return Status::Ok();
  }
};

Status HexMember(const Value& root, const char* name, std::vector<uint8_t>* out) {
  auto it = root.FindMember(name);
  if (it == root.MemberEnd() || !it->value.IsString()) {
    return Bad("collateral", name, "missing or not a string");
  }
  auto bytes = FromHex(std::string_view(it->value.GetString(), it->value.GetStringLength()));
  if (!bytes.ok()) return Bad("collateral", name, "not hex: " + bytes.status().message());
  *out = std::move(*bytes);
  return Status::Ok();
}

Status StringMember(const Value& root, const char* name, std::string* out) {
  auto it = root.FindMember(name);
  if (it == root.MemberEnd() || !it->value.IsString()) {
    return Bad("collateral", name, "missing or not a string");
  }
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return Status::Ok();
}

}  // namespace

Result<QuoteCollateral> ParseCollateralJson(std::string_view json) {
  CCV_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(json, "collateral"));
  QuoteCollateral c;
  CCV_RETURN_IF_ERROR(StringMember(d, "pck_crl_issuer_chain", &c.pck_crl_issuer_chain));
  CCV_RETURN_IF_ERROR(HexMember(d, "root_ca_crl", &c.root_ca_crl));
  CCV_RETURN_IF_ERROR(HexMember(d, "pck_crl", &c.pck_crl));
  CCV_RETURN_IF_ERROR(StringMember(d, "tcb_info_issuer_chain", &c.tcb_info_issuer_chain));
  CCV_RETURN_IF_ERROR(StringMember(d, "tcb_info", &c.tcb_info));
  CCV_RETURN_IF_ERROR(HexMember(d, "tcb_info_signature", &c.tcb_info_signature));
  CCV_RETURN_IF_ERROR(StringMember(d, "qe_identity_issuer_chain", &c.qe_identity_issuer_chain));
  CCV_RETURN_IF_ERROR(StringMember(d, "qe_identity", &c.qe_identity));
  CCV_RETURN_IF_ERROR(HexMember(d, "qe_identity_signature", &c.qe_identity_signature));
  return c;
}

std::string CollateralToJson(const QuoteCollateral& c) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.data(), rapidjson::SizeType(v.size()));
  };
  auto hex = [&](const char* k, const std::vector<uint8_t>& v) { str(k, ToHex(v)); };
  w.StartObject();
  str("pck_crl_issuer_chain", c.pck_crl_issuer_chain);
  hex("root_ca_crl", c.root_ca_crl);
  hex("pck_crl", c.pck_crl);
  str("tcb_info_issuer_chain", c.tcb_info_issuer_chain);
  str("tcb_info", c.tcb_info);
  hex("tcb_info_signature", c.tcb_info_signature);
  str("qe_identity_issuer_chain", c.qe_identity_issuer_chain);
  str("qe_identity", c.qe_identity);
  hex("qe_identity_signature", c.qe_identity_signature);
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

Result<TcbInfo> ParseTcbInfo(std::string_view json) {
  CCV_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(json, "tcb_info"));
  Reader r{"tcb_info"};
  const std::string p = "tcbInfo";
  TcbInfo t;
  CCV_ASSIGN_OR_RETURN(t.version, r.Version(d, p, {2, 3}, "2 or 3"));
  if (t.version == 3) {
    CCV_ASSIGN_OR_RETURN(t.id, r.String(d, "id", p));
    if (t.id != "SGX" && t.id != "TDX") return Bad("tcb_info", "tcbInfo.id", "not SGX or TDX");
  } else {
    t.id = "SGX";
  }
  CCV_ASSIGN_OR_RETURN(t.issue_date, r.Date(d, "issueDate", p, true));
  CCV_ASSIGN_OR_RETURN(t.next_update, r.Date(d, "nextUpdate", p, false));
  CCV_RETURN_IF_ERROR(r.Hex(d, "fmspc", p, &t.fmspc));
  CCV_RETURN_IF_ERROR(r.Hex(d, "pceId", p, &t.pce_id));
  CCV_ASSIGN_OR_RETURN(int64_t tcb_type, r.Int(d, "tcbType", p, 0, 1000));
  t.tcb_type = int(tcb_type);
  CCV_ASSIGN_OR_RETURN(int64_t eval, r.Int(d, "tcbEvaluationDataNumber", p, 0, INT32_MAX));
  t.tcb_evaluation_data_number = int(eval);
  if (t.id == "TDX") {
    CCV_ASSIGN_OR_RETURN(const Value* m, r.Member(d, "tdxModule", p));
    CCV_RETURN_IF_ERROR(r.ModuleIdentity(*m, p + ".tdxModule", false, &t.tdx_module));
    t.has_tdx_module = true;
    if (d.HasMember("tdxModuleIdentities")) {
      const Value& ids = d["tdxModuleIdentities"];
      if (!ids.IsArray()) return Bad("tcb_info", "tcbInfo.tdxModuleIdentities", "not an array");
      size_t i = 0;
      for (const Value& v : ids.GetArray()) {
        TdxModuleIdentity mi;
        CCV_RETURN_IF_ERROR(r.ModuleIdentity(
            v, p + ".tdxModuleIdentities[" + std::to_string(i++) + "]", true, &mi));
        t.tdx_module_identities.push_back(std::move(mi));
      }
    }
  }
  CCV_ASSIGN_OR_RETURN(const Value* levels, r.Member(d, "tcbLevels", p));
  if (!levels->IsArray() || levels->Empty()) {
    return Bad("tcb_info", "tcbInfo.tcbLevels", "not a non-empty array");
  }
  size_t i = 0;
  for (const Value& l : levels->GetArray()) {
    std::string lp = p + ".tcbLevels[" + std::to_string(i++) + "]";
    TcbLevel level;
    CCV_ASSIGN_OR_RETURN(const Value* tcb, r.Member(l, "tcb", lp));
    if (t.version == 3) {
      CCV_RETURN_IF_ERROR(
          r.Components(*tcb, "sgxtcbcomponents", lp + ".tcb", &level.sgx_components));
      if (t.id == "TDX") {
        CCV_RETURN_IF_ERROR(
            r.Components(*tcb, "tdxtcbcomponents", lp + ".tcb", &level.tdx_components));
        level.has_tdx_components = true;
      }
    } else {
      for (int c = 0; c < 16; ++c) {
        char key[32];
        std::snprintf(key, sizeof(key), "sgxtcbcomp%02dsvn", c + 1);
        CCV_ASSIGN_OR_RETURN(int64_t svn, r.Int(*tcb, key, lp + ".tcb", 0, 255));
        level.sgx_components[size_t(c)] = uint8_t(svn);
      }
    }
    CCV_ASSIGN_OR_RETURN(int64_t pcesvn, r.Int(*tcb, "pcesvn", lp + ".tcb", 0, 65535));
    level.pce_svn = uint16_t(pcesvn);
    CCV_ASSIGN_OR_RETURN(level.tcb_status, r.String(l, "tcbStatus", lp));
    CCV_ASSIGN_OR_RETURN(level.tcb_date, r.String(l, "tcbDate", lp));
    CCV_ASSIGN_OR_RETURN(level.advisory_ids, r.StringArray(l, "advisoryIDs", lp));
    t.tcb_levels.push_back(std::move(level));
  }
  return t;
}

Result<EnclaveIdentity> ParseEnclaveIdentity(std::string_view json) {
  CCV_ASSIGN_OR_RETURN(rapidjson::Document d, ParseDoc(json, "qe_identity"));
  Reader r{"qe_identity"};
  const std::string p = "enclaveIdentity";
  EnclaveIdentity e;
  CCV_ASSIGN_OR_RETURN(e.version, r.Version(d, p, {2}, "2"));
  CCV_ASSIGN_OR_RETURN(e.id, r.String(d, "id", p));
  CCV_ASSIGN_OR_RETURN(e.issue_date, r.Date(d, "issueDate", p, true));
  CCV_ASSIGN_OR_RETURN(e.next_update, r.Date(d, "nextUpdate", p, false));
  CCV_ASSIGN_OR_RETURN(int64_t eval, r.Int(d, "tcbEvaluationDataNumber", p, 0, INT32_MAX));
  e.tcb_evaluation_data_number = int(eval);
  CCV_RETURN_IF_ERROR(r.Hex(d, "miscselect", p, &e.miscselect));
  CCV_RETURN_IF_ERROR(r.Hex(d, "miscselectMask", p, &e.miscselect_mask));
  CCV_RETURN_IF_ERROR(r.Hex(d, "attributes", p, &e.attributes));
  CCV_RETURN_IF_ERROR(r.Hex(d, "attributesMask", p, &e.attributes_mask));
  CCV_RETURN_IF_ERROR(r.Hex(d, "mrsigner", p, &e.mr_signer));
  CCV_ASSIGN_OR_RETURN(int64_t prod, r.Int(d, "isvprodid", p, 0, 65535));
  e.isv_prod_id = uint16_t(prod);
  CCV_ASSIGN_OR_RETURN(e.tcb_levels, r.IsvLevels(d, p));
  return e;
}

}  // namespace ccv::quote
