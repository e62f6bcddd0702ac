#include "verifier/tpm/hcl.h"

#include <algorithm>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/signature.h"

namespace ccv::tpm {

namespace {

// RFC 4648 §5 base64url, padding optional. nullopt on a bad character.
std::optional<std::vector<uint8_t>> Base64UrlDecode(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::vector<uint8_t> out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a' + 26;
    } else if (c >= '0' && c <= '9') {
      v = c - '0' + 52;
    } else if (c == '-' || c == '+') {
      v = 62;
    } else if (c == '_' || c == '/') {
      v = 63;
    } else {
      return std::nullopt;
    }
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(uint8_t(acc >> bits));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character
  return out;
}

std::string Str(const rapidjson::Value& v) {
  return std::string(v.GetString(), v.GetStringLength());
}

Result<Ak> AkFromJwk(const rapidjson::Value& k, const std::string& field) {
  if (!k.HasMember("kty") || !k["kty"].IsString() || Str(k["kty"]) != "RSA") {
    return Status(ErrorCode::kUnsupported, "expected an RSA JWK (kty \"RSA\")").WithField(field);
  }
  for (const char* m : {"n", "e"}) {
    if (!k.HasMember(m) || !k[m].IsString()) {
      return Status(ErrorCode::kBadValue, std::string("missing base64url member '") + m + "'")
          .WithField(field);
    }
  }
  auto n = Base64UrlDecode(Str(k["n"]));
  auto e = Base64UrlDecode(Str(k["e"]));
  if (!n || !e || e->empty() || e->size() > 4) {
    return Status(ErrorCode::kBadValue, "'n' or 'e' is not base64url (e at most 4 bytes)")
        .WithField(field);
  }
  uint32_t exp = 0;
  for (uint8_t b : *e) exp = (exp << 8) | b;
  Ak ak;
  CCV_ASSIGN_OR_RETURN(ak.key, crypto::PublicKeyFromRsa(*n, exp));
  ak.key_description = crypto::DescribeKey(ak.key);
  return ak;
}

template <size_t N>
bool Same(const std::array<uint8_t, N>& a, const std::array<uint8_t, N>& b) {
  return std::equal(a.begin(), a.end(), b.begin());
}

}  // namespace

Result<HclRuntime> ParseHclRuntime(std::string_view json) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    return ParseError(
        ErrorCode::kBadValue, d.GetErrorOffset(), "runtime_data",
        std::string("malformed JSON: ") + rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (!d.IsObject())
    return Status(ErrorCode::kBadValue, "expected a JSON object").WithField("runtime_data");
  HclRuntime rt;
  if (d.HasMember("keys")) {
    const auto& keys = d["keys"];
    if (!keys.IsArray()) return Status(ErrorCode::kBadValue, "expected an array").WithField("keys");
    for (rapidjson::SizeType i = 0; i < keys.Size(); ++i) {
      const auto& k = keys[i];
      const std::string field = "keys[" + std::to_string(i) + "]";
      if (!k.IsObject()) return Status(ErrorCode::kBadValue, "expected a JWK").WithField(field);
      if (!k.HasMember("kid") || !k["kid"].IsString() || Str(k["kid"]) != "HCLAkPub") continue;
      if (rt.ak) return Status(ErrorCode::kBadValue, "HCLAkPub given twice").WithField(field);
      CCV_ASSIGN_OR_RETURN(Ak ak, AkFromJwk(k, field));
      rt.ak = std::move(ak);
    }
  }
  if (d.HasMember("vm-configuration")) {
    const auto& c = d["vm-configuration"];
    if (!c.IsObject()) {
      return Status(ErrorCode::kBadValue, "expected an object").WithField("vm-configuration");
    }
    auto flag = [&](const char* name, std::optional<bool>* out) -> Status {
      if (!c.HasMember(name)) return Status::Ok();
      if (!c[name].IsBool()) {
        return Status(ErrorCode::kBadValue, "expected true or false")
            .WithField(std::string("vm-configuration.") + name);
      }
      *out = c[name].GetBool();
      return Status::Ok();
    };
    CCV_RETURN_IF_ERROR(flag("secure-boot", &rt.secure_boot));
    CCV_RETURN_IF_ERROR(flag("tpm-enabled", &rt.tpm_enabled));
    CCV_RETURN_IF_ERROR(flag("tpm-persisted", &rt.tpm_persisted));
    CCV_RETURN_IF_ERROR(flag("console-enabled", &rt.console_enabled));
    if (c.HasMember("vmUniqueId")) {
      if (!c["vmUniqueId"].IsString()) {
        return Status(ErrorCode::kBadValue, "expected a string")
            .WithField("vm-configuration.vmUniqueId");
      }
      rt.vm_unique_id = Str(c["vmUniqueId"]);
    }
  }
  if (d.HasMember("user-data")) {
    if (!d["user-data"].IsString()) {
      return Status(ErrorCode::kBadValue, "expected a hex string").WithField("user-data");
    }
    auto b = FromHex(Str(d["user-data"]));
    if (!b.ok()) return Status(ErrorCode::kBadValue, b.status().message()).WithField("user-data");
    rt.user_data = std::move(*b);
  }
  return rt;
}

Result<HclVerification> VerifyHclReport(Bytes hcl, const parsers::TdReportBody* quote_body) {
  HclVerification v;
  CCV_ASSIGN_OR_RETURN(v.report, parsers::ParseHclReport(hcl));
  if (!v.report.td_report) {
    return Status(ErrorCode::kUnsupported, "HCL report type " +
                                               std::to_string(v.report.report_type) +
                                               ": only TDX (4) is supported")
        .WithField("runtime.report_type");
  }
  auto rt = ParseHclRuntime(AsChars(Bytes(v.report.runtime_data)));
  if (!rt.ok()) {
    const Status& s = rt.status();
    return s.offset() ? s.WithOffset(v.report.runtime_data_offset + *s.offset()) : s;
  }
  v.runtime = std::move(*rt);
  const parsers::TdReport& td = *v.report.td_report;

  // hcl.runtime_data: SHA-256 of the runtime data in the TD report's REPORTDATA.
  Check rc{"hcl.runtime_data", CheckStatus::kFail, ""};
  if (v.report.hash_type != parsers::hcl_format::kHashSha256) {
    rc.detail = "runtime data hash type " + std::to_string(v.report.hash_type) +
                " (only SHA-256, 1, is supported)";
  } else {
    Digest h = crypto::Hash(HashAlg::kSha256, v.report.runtime_data);
    bool ok = std::equal(h.span().begin(), h.span().end(), td.report_data.begin());
    rc.status = ok ? CheckStatus::kPass : CheckStatus::kFail;
    rc.detail = "SHA-256(runtime data) " + ToHex(h.span()) + (ok ? " = " : " != ") +
                "REPORTDATA[0:32] " + ToHex(std::span<const uint8_t>(td.report_data.data(), 32)) +
                " of the HCL report's TD report";
  }
  v.checks.push_back(rc);

  // hcl.td_quote: the TD quote's body is this TD report.
  Check qc{"hcl.td_quote", CheckStatus::kSkipped, ""};
  if (quote_body == nullptr) {
    qc.detail = "no TD quote: nothing authenticates the HCL report";
  } else {
    std::vector<std::string> differ;
    const parsers::TdReportBody& b = *quote_body;
    if (!Same(b.report_data, td.report_data)) differ.push_back("report_data");
    if (!Same(b.mr_td, td.mr_td)) differ.push_back("mr_td");
    for (size_t i = 0; i < 4; ++i) {
      if (!Same(b.rtmr[i], td.rtmr[i])) differ.push_back("rtmr" + std::to_string(i));
    }
    if (!Same(b.td_attributes, td.td_attributes)) differ.push_back("td_attributes");
    if (!Same(b.xfam, td.xfam)) differ.push_back("xfam");
    if (!Same(b.mr_config_id, td.mr_config_id)) differ.push_back("mr_config_id");
    if (!Same(b.mr_owner, td.mr_owner)) differ.push_back("mr_owner");
    if (!Same(b.mr_owner_config, td.mr_owner_config)) differ.push_back("mr_owner_config");
    if (!Same(b.mr_seam, td.mr_seam)) differ.push_back("mr_seam");
    if (!Same(b.tee_tcb_svn, td.tee_tcb_svn)) differ.push_back("tee_tcb_svn");
    if (differ.empty()) {
      qc.status = CheckStatus::kPass;
      qc.detail =
          "the TD quote's body is the HCL report's TD report (REPORTDATA, MRTD, RTMRs, "
          "attributes, XFAM, MRCONFIGID, MROWNER, MROWNERCONFIG, MRSEAM, TEE_TCB_SVN)";
    } else {
      qc.status = CheckStatus::kFail;
      qc.detail = "the TD quote's body differs from the HCL report's TD report in:";
      for (const std::string& f : differ) qc.detail += " " + f;
    }
  }
  v.checks.push_back(qc);

  Check ac{"hcl.ak", v.runtime.ak ? CheckStatus::kPass : CheckStatus::kFail, ""};
  ac.detail = v.runtime.ak
                  ? "runtime data holds the AK HCLAkPub (" + v.runtime.ak->key_description + ")"
                  : "runtime data holds no JWK with kid \"HCLAkPub\"";
  v.checks.push_back(ac);
  v.pass = std::none_of(v.checks.begin(), v.checks.end(),
                        [](const Check& c) { return c.status == CheckStatus::kFail; });
  return v;
}

}  // namespace ccv::tpm
