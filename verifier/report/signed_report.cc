#include "verifier/report/signed_report.h"

#include <algorithm>
#include <array>
#include <map>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/base64.h"
#include "parsers/core/hex.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/verify_error.h"
#include "verifier/sign/jose.h"

namespace ccv::report {

namespace {

using internal::KeyString;
using result::Verdict;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// AR4SI trustworthiness values (draft-ietf-rats-ar4si §3.2): the lowest of
// each tier.
constexpr int kAffirming = 2;
constexpr int kWarning = 32;
constexpr int kContraindicated = 96;

// Check and rule ids by AR4SI category: an exact id, or a prefix ending in
// '*'. First match wins, so exact ids come before a prefix that covers them.
constexpr std::pair<std::string_view, std::string_view> kCategories[] = {
    {"td.debug", "runtime-opaque"},
    {"td.mr_td", "instance-identity"},
    {"td.mr_config_id", "instance-identity"},
    {"td.mr_owner", "instance-identity"},
    {"td.mr_owner_config", "instance-identity"},
    {"report_data.*", "instance-identity"},
    {"app.*", "instance-identity"},
    {"td.rtmr*", "executables"},
    {"td.*", "configuration"},
    {"boot.*", "configuration"},
    {"quote.*", "hardware"},
    {"platform.*", "hardware"},
    {"collateral.*", "hardware"},
    {"tpm.ak*", "hardware"},
    {"tpm.quote*", "hardware"},
    {"ima.*", "file-system"},
    {"containers.*", "file-system"},
    {"replay.*", "executables"},
    {"events.*", "executables"},
    {"pcrs.*", "executables"},
    {"ccel.*", "executables"},
    {"cel.*", "executables"},
    {"tpm.*", "executables"},
    {"dstack.*", "executables"},
};

constexpr std::string_view kCategoryOrder[] = {
    "instance-identity", "configuration",  "executables",    "file-system",
    "hardware",          "runtime-opaque", "storage-opaque", "sourced-data",
};

int Worse(int a, int b) { return std::max(a, b); }

int TierOf(Verdict v) {
  switch (v) {
    case Verdict::kFail:
      return kContraindicated;
    case Verdict::kWarn:
    case Verdict::kWaived:
      return kWarning;
    case Verdict::kPass:
      return kAffirming;
    case Verdict::kSkipped:
      return 0;
  }
  return 0;
}

std::string Finish(const rapidjson::StringBuffer& sb) {
  return std::string(sb.GetString(), sb.GetSize());
}

void WriteHeaderClaims(Writer& w, const SigningContext& s) {
  KeyString(w, "eat_profile", kEarProfile);
  w.Key("iat");
  w.Int64(s.issued_at);
  w.Key("ear_verifier_id");
  w.StartObject();
  KeyString(w, "developer", "ccverify");
  KeyString(w, "build", s.build);
  w.EndObject();
  // EAT nonce: 8 to 64 bytes (RFC 9711 §4.1), base64url in JSON.
  if (s.nonce.size() >= 8 && s.nonce.size() <= 64)
    KeyString(w, "eat_nonce", Base64UrlEncode(s.nonce));
}

// Opens the claims set and its "submods": {"td": {...}} appraisal, after
// the header claims; EndTdClaims closes the three objects.
void BeginTdClaims(Writer& w, const SigningContext& s) {
  w.StartObject();
  WriteHeaderClaims(w, s);
  w.Key("submods");
  w.StartObject();
  w.Key("td");
  w.StartObject();
}

std::string EndTdClaims(Writer& w, const rapidjson::StringBuffer& sb) {
  w.EndObject();
  w.EndObject();
  w.EndObject();
  return Finish(sb);
}

void WritePolicyIds(Writer& w, const VerifyReportContext& ctx) {
  if (ctx.policy_sha256.empty()) return;
  w.Key("ear_appraisal_policy_ids");
  w.StartArray();
  internal::JsonString(w, "sha256:" + ctx.policy_sha256);
  w.EndArray();
}

const char* EarStatus(const policy::Evaluation& ev) {
  if (!ev.Passed()) return "contraindicated";
  if (!ev.has_policy || ev.CountRules(Verdict::kWarn) || ev.CountChecks(Verdict::kWarn) ||
      ev.CountRules(Verdict::kWaived) || ev.CountChecks(Verdict::kWaived)) {
    return "warning";
  }
  return "affirming";
}

}  // namespace

std::string_view TrustworthinessCategory(std::string_view id) {
  for (const auto& [pattern, category] : kCategories) {
    const bool prefix = pattern.back() == '*';
    const std::string_view p = prefix ? pattern.substr(0, pattern.size() - 1) : pattern;
    if (prefix ? id.substr(0, p.size()) == p : id == p) return category;
  }
  return "";
}

Result<std::string> SignJsonReport(std::string_view json_report, const SigningContext& s) {
  return sign::SignCompactJws(*s.key, sign::JwsHeaderParams{"JOSE", s.x5c_der},
                              AsBytes(json_report));
}

Result<std::string> SignEar(std::string_view claims, const SigningContext& s) {
  return sign::SignCompactJws(*s.key, sign::JwsHeaderParams{"JWT", s.x5c_der}, AsBytes(claims));
}

std::string EarClaims(const result::Facts& facts, const policy::Evaluation& ev,
                      const VerifyReportContext& ctx, const SigningContext& s) {
  std::map<std::string_view, int> vector;
  auto judge = [&](const std::string& id, Verdict v) {
    std::string_view c = TrustworthinessCategory(id);
    int t = TierOf(v);
    if (c.empty() || t == 0) return;
    vector[c] = Worse(vector[c], t);
  };
  for (const result::Check& c : ev.checks) judge(c.id, c.status);
  for (const policy::RuleResult& r : ev.rules) judge(r.id, r.status);

  rapidjson::StringBuffer sb;
  Writer w(sb);
  BeginTdClaims(w, s);
  KeyString(w, "ear_status", EarStatus(ev));
  w.Key("ear_trustworthiness_vector");
  w.StartObject();
  for (std::string_view c : kCategoryOrder) {
    auto it = vector.find(c);
    if (it == vector.end()) continue;
    w.Key(c.data(), rapidjson::SizeType(c.size()));
    w.Int(it->second);
  }
  w.EndObject();
  WritePolicyIds(w, ctx);
  w.Key("ear_verifier_claims");
  w.StartObject();
  KeyString(w, "outcome", result::OutcomeName(ev.Outcome()));
  if (!ctx.at.empty()) KeyString(w, "at", ctx.at);
  KeyString(w, "nonce_source", result::NonceSourceName(facts.nonce_source));
  if (facts.collateral.tcb_status) KeyString(w, "tcb_status", *facts.collateral.tcb_status);
  internal::KeyUint(w, "checks_failed", ev.CountChecks(Verdict::kFail));
  internal::KeyUint(w, "rules_failed", ev.CountRules(Verdict::kFail));
  if (!ctx.policy_signer.empty()) KeyString(w, "policy_signer", ctx.policy_signer);
  w.EndObject();
  return EndTdClaims(w, sb);
}

std::string EarErrorClaims(const Status& error, const VerifyReportContext& ctx,
                           const SigningContext& s) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  BeginTdClaims(w, s);
  KeyString(w, "ear_status", "contraindicated");
  WritePolicyIds(w, ctx);
  w.Key("ear_verifier_claims");
  w.StartObject();
  KeyString(w, "outcome", ErrorOutcomeName(error));
  if (!ctx.at.empty()) KeyString(w, "at", ctx.at);
  KeyString(w, "error", error.ToString());
  w.EndObject();
  return EndTdClaims(w, sb);
}

}  // namespace ccv::report
