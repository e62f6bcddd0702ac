#include "verifier/report/quote_json.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "verifier/crypto/x509.h"
#include "verifier/report/internal/dump_json.h"
#include "verifier/report/internal/freshness_json.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {

namespace {

namespace qf = parsers::quote_format;

// One description of each structure, rendered as JSON members or as text
// lines ("group.name: value").
class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual void Str(std::string_view name, std::string_view value) = 0;
  virtual void Uint(std::string_view name, uint64_t value) = 0;
  virtual void Bool(std::string_view name, bool value) = 0;
  virtual void Begin(std::string_view name) = 0;
  virtual void End() = 0;
  void Hex(std::string_view name, std::span<const uint8_t> b) { Str(name, ToHex(b)); }
};

class JsonEmitter : public Emitter {
 public:
  explicit JsonEmitter(JsonWriter* w) : w_(w) {}
  void Key(std::string_view name) { w_->Key(name.data(), rapidjson::SizeType(name.size())); }
  void Str(std::string_view name, std::string_view v) override {
    Key(name);
    w_->String(v.data(), rapidjson::SizeType(v.size()));
  }
  void Uint(std::string_view name, uint64_t v) override {
    Key(name);
    w_->Uint64(v);
  }
  void Bool(std::string_view name, bool v) override {
    Key(name);
    w_->Bool(v);
  }
  void Begin(std::string_view name) override {
    Key(name);
    w_->StartObject();
  }
  void End() override { w_->EndObject(); }

 private:
  JsonWriter* w_;
};

class TextEmitter : public Emitter {
 public:
  explicit TextEmitter(std::string* out) : out_(out) {}
  void Line(std::string_view name, std::string_view v) {
    *out_ += std::string(2 * prefix_.size(), ' ');
    *out_ += name;
    *out_ += ": ";
    *out_ += v;
    *out_ += '\n';
  }
  void Str(std::string_view name, std::string_view v) override { Line(name, v); }
  void Uint(std::string_view name, uint64_t v) override { Line(name, std::to_string(v)); }
  void Bool(std::string_view name, bool v) override { Line(name, v ? "true" : "false"); }
  void Begin(std::string_view name) override {
    *out_ += std::string(2 * prefix_.size(), ' ');
    *out_ += name;
    *out_ += ":\n";
    prefix_.emplace_back(name);
  }
  void End() override { prefix_.pop_back(); }

 private:
  std::string* out_;
  std::vector<std::string> prefix_;
};

void EmitSgxReport(const parsers::SgxReportBody& b, Emitter* e) {
  e->Hex("cpu_svn", b.cpu_svn);
  e->Hex("misc_select", b.misc_select);
  e->Hex("attributes", b.attributes);
  e->Hex("mr_enclave", b.mr_enclave);
  e->Hex("mr_signer", b.mr_signer);
  e->Uint("isv_prod_id", b.isv_prod_id);
  e->Uint("isv_svn", b.isv_svn);
  e->Hex("report_data", b.report_data);
}

void EmitTdAttributes(std::span<const uint8_t, 8> attr, Emitter* e) {
  uint64_t a = parsers::TdAttributesBits(attr);
  e->Begin("td_attributes_flags");
  e->Bool("debug", (a & qf::kTdAttrDebug) != 0);
  e->Bool("sept_ve_disable", (a & qf::kTdAttrSeptVeDisable) != 0);
  e->Bool("pks", (a & qf::kTdAttrPks) != 0);
  e->Bool("kl", (a & qf::kTdAttrKl) != 0);
  e->Bool("perfmon", (a & qf::kTdAttrPerfmon) != 0);
  e->End();
}

void EmitQuote(const parsers::Quote& q, Emitter* e) {
  const parsers::QuoteHeader& h = q.header;
  e->Uint("version", h.version);
  e->Uint("att_key_type", h.att_key_type);
  e->Str("tee_type", parsers::TeeTypeName(h.tee_type));
  e->Uint("tee_type_raw", h.tee_type);
  if (h.version == qf::kQuoteVersion3) {
    e->Uint("qe_svn", h.qe_svn);
    e->Uint("pce_svn", h.pce_svn);
  }
  e->Hex("qe_vendor_id", h.qe_vendor_id);
  e->Hex("user_data", h.user_data);
  e->Str("body_type", parsers::BodyTypeName(q.body_type));
  e->Uint("body_type_raw", q.body_type);
  e->Uint("body_offset", q.body_offset);
  e->Uint("body_size", q.body_size);
  if (q.sgx_body) {
    EmitSgxReport(*q.sgx_body, e);
    e->Bool("sgx_debug_enclave", (q.sgx_body->attributes[0] & qf::kSgxAttrDebug) != 0);
  }
  if (q.td_body) {
    const parsers::TdReportBody& b = *q.td_body;
    e->Hex("tee_tcb_svn", b.tee_tcb_svn);
    e->Hex("mr_seam", b.mr_seam);
    e->Hex("mr_signer_seam", b.mr_signer_seam);
    e->Hex("seam_attributes", b.seam_attributes);
    e->Hex("td_attributes", b.td_attributes);
    e->Hex("xfam", b.xfam);
    e->Hex("mrtd", b.mr_td);
    e->Hex("mr_config_id", b.mr_config_id);
    e->Hex("mr_owner", b.mr_owner);
    e->Hex("mr_owner_config", b.mr_owner_config);
    for (uint32_t i = 0; i < kNumRtmrs; ++i) e->Hex(RegisterId::Rtmr(i).Name(), b.rtmr[i]);
    e->Hex("report_data", b.report_data);
    if (b.is_v15) {
      e->Hex("tee_tcb_svn2", b.tee_tcb_svn2);
      e->Hex("mr_servicetd", b.mr_servicetd);
      e->Bool("mr_servicetd_nonzero", !AllBytesEqual(b.mr_servicetd, 0));
    }
    EmitTdAttributes(b.td_attributes, e);
  }
  const parsers::QuoteSignatureData& s = q.signature_data;
  e->Uint("signature_data_len", q.signature_data_len);
  e->Hex("signature", s.signature);
  e->Hex("attestation_key", s.attestation_key);
  if (s.outer_cert_data_type) {
    e->Uint("outer_cert_data_type", *s.outer_cert_data_type);
    e->Uint("outer_cert_data_size", s.outer_cert_data_len);
  }
  e->Begin("qe_report");
  EmitSgxReport(s.qe_report, e);
  e->End();
  e->Hex("qe_report_signature", s.qe_report_signature);
  e->Hex("qe_auth_data", s.qe_auth_data);
  e->Uint("cert_data_type", s.cert_data_type);
  e->Str("cert_data_type_name", parsers::CertDataTypeName(s.cert_data_type));
  e->Uint("cert_data_size", s.cert_data.size());
  if (auto id = parsers::ReadPckIdentifier(s)) {
    e->Begin("pck_identifier");
    e->Hex("ppid", id->ppid);  // clear or RSA-OAEP encrypted (cert_data_type)
    e->Hex("cpu_svn", id->cpu_svn);
    e->Uint("pce_svn", id->pce_svn);
    e->Uint("pce_id", id->pce_id);
    e->End();
  }
  e->Uint("qe_isvsvn", s.qe_report.isv_svn);
  e->Uint("trailing_bytes_after_auth", q.trailing_len);
  e->Uint("quote_size", q.quote_size);
}

void EmitTdReport(const parsers::TdReport& t, Emitter* e) {
  e->Uint("report_type", t.report_type);
  e->Uint("report_subtype", t.report_subtype);
  e->Uint("report_version", t.report_version);
  e->Hex("cpu_svn", t.cpu_svn);
  e->Hex("tee_tcb_info_hash", t.tee_tcb_info_hash);
  e->Hex("tee_info_hash", t.tee_info_hash);
  e->Hex("report_data", t.report_data);
  e->Hex("mac", t.mac);
  e->Hex("tee_tcb_info_valid", t.tee_tcb_info_valid);
  e->Hex("tee_tcb_svn", t.tee_tcb_svn);
  e->Hex("mr_seam", t.mr_seam);
  e->Hex("mr_signer_seam", t.mr_signer_seam);
  e->Hex("seam_attributes", t.seam_attributes);
  e->Hex("tee_tcb_svn2", t.tee_tcb_svn2);
  e->Hex("td_attributes", t.td_attributes);
  e->Hex("xfam", t.xfam);
  e->Hex("mrtd", t.mr_td);
  e->Hex("mr_config_id", t.mr_config_id);
  e->Hex("mr_owner", t.mr_owner);
  e->Hex("mr_owner_config", t.mr_owner_config);
  for (uint32_t i = 0; i < kNumRtmrs; ++i) e->Hex(RegisterId::Rtmr(i).Name(), t.rtmr[i]);
  e->Hex("servtd_hash", t.servtd_hash);
  EmitTdAttributes(t.td_attributes, e);
}

// The JSON text `write(&w)` writes, and a newline.
template <typename Write>
std::string JsonText(Write&& write) {
  rapidjson::StringBuffer buf;
  JsonWriter w(buf);
  write(&w);
  return std::string(buf.GetString(), buf.GetSize()) + "\n";
}

// "checks": [{"id", "status", "detail"}, ...] as a member.
void WriteChecks(const std::vector<quote::Check>& checks, JsonWriter* w) {
  w->Key("checks");
  w->StartArray();
  for (const quote::Check& c : checks) {
    w->StartObject();
    // As given (no UTF-8 repair), as the quote's own members are written.
    JsonEmitter e(w);
    e.Str("id", c.id);
    e.Str("status", result::ShortVerdictName(c.status));
    e.Str("detail", c.detail);
    w->EndObject();
  }
  w->EndArray();
}

// "checks:" and a "  [status] id: detail" line per check.
std::string ChecksText(const std::vector<quote::Check>& checks) {
  std::string out = "checks:\n";
  for (const quote::Check& c : checks) {
    out += "  [" + std::string(result::ShortVerdictName(c.status)) + "] " + c.id + ": " + c.detail +
           "\n";
  }
  return out;
}

}  // namespace

void WriteQuoteJson(const parsers::Quote& q, JsonWriter* w) {
  JsonEmitter e(w);
  w->StartObject();
  EmitQuote(q, &e);
  w->EndObject();
}

void WriteTdReportJson(const parsers::TdReport& t, JsonWriter* w) {
  JsonEmitter e(w);
  w->StartObject();
  EmitTdReport(t, &e);
  w->EndObject();
}

void WriteQuoteVerificationMembers(const quote::QuoteVerification& v, JsonWriter* w) {
  JsonEmitter e(w);
  e.Str("verdict", v.pass ? "pass" : "fail");
  w->Key("tcb_status");
  if (v.tcb_status) {
    std::string_view s = quote::TcbStatusName(*v.tcb_status);
    w->String(s.data(), rapidjson::SizeType(s.size()));
  } else {
    w->Null();
  }
  w->Key("advisory_ids");
  w->StartArray();
  for (const std::string& a : v.tcb.advisory_ids) w->String(a.c_str());
  w->EndArray();
  e.Str("tcb_date", v.tcb.tcb_date);
  e.Bool("authentic", v.authentic);
  if (v.freshness) {
    w->Key("freshness");
    internal::WriteFreshnessJson(*w, *v.freshness);
  }
  e.Str("at", crypto::FormatRfc3339(v.at));
  if (v.pck && v.pck->has_sgx_extensions) {
    e.Hex("fmspc", v.pck->fmspc);
    e.Hex("pce_id", v.pck->pce_id);
  }
  e.Begin("tcb");
  e.Str("platform_status", v.tcb.platform_status);
  if (!v.tcb.reason.empty()) e.Str("reason", v.tcb.reason);
  if (v.tcb.module_identity_id) e.Str("tdx_module_identity", *v.tcb.module_identity_id);
  if (v.tcb.module_level) {
    e.Str("tdx_module_status", v.tcb.module_level->tcb_status);
    e.Uint("tdx_module_isvsvn", v.tcb.module_level->isv_svn);
  }
  if (v.tcb.qe_level) {
    e.Str("qe_status", v.tcb.qe_level->tcb_status);
    e.Uint("qe_level_isvsvn", v.tcb.qe_level->isv_svn);
    e.Str("qe_tcb_date", v.tcb.qe_level->tcb_date);
  }
  e.End();
  if (v.pck) {
    const quote::PckInfo& p = *v.pck;
    e.Begin("pck");
    w->Key("chain_subjects");
    w->StartArray();
    for (const std::string& s : p.chain_subjects) w->String(s.c_str());
    w->EndArray();
    e.Str("pck_issuer", p.pck_issuer);
    e.Str("pck_validity",
          crypto::FormatRfc3339(p.not_before) + ".." + crypto::FormatRfc3339(p.not_after));
    e.Str("chain_root_sha256", p.root_sha256);
    e.Bool("chain_root_is_intel_sgx_root_ca", p.root_is_intel_sgx_root_ca);
    e.Str("chain_source", p.chain_supplied ? "supplied" : "quote");
    e.Str("chain_origin", p.chain_origin);
    if (p.has_sgx_extensions) {
      e.Hex("fmspc", p.fmspc);
      e.Hex("pce_id", p.pce_id);
      w->Key("pck_cpusvn_components");
      w->StartArray();
      for (uint8_t c : p.cpu_svn_components) w->Uint(c);
      w->EndArray();
      e.Uint("pck_pcesvn", p.pce_svn);
      w->Key("sgx_type");
      w->Int(p.sgx_type);
    }
    e.End();
  }
  WriteChecks(v.checks, w);
}

std::string TdReportDumpJson(const parsers::TdReport& t) {
  return internal::StructureDumpJson("td-report", [&](JsonWriter& w) {
    w.Key("td_report");
    WriteTdReportJson(t, &w);
  });
}

std::string TdReportDumpText(const parsers::TdReport& t) {
  return "format: td-report\n" + TdReportToText(t);
}

std::string QuoteDumpJson(const quote::QuoteVerification& v) {
  return internal::StructureDumpJson("tdx-quote", [&](JsonWriter& w) {
    w.Key("quote");
    WriteQuoteJson(v.quote, &w);
    WriteChecks(v.checks, &w);
  });
}

std::string QuoteDumpText(const quote::QuoteVerification& v) {
  return "format: tdx-quote\n" + QuoteToText(v.quote) + ChecksText(v.checks);
}

std::string QuoteToJson(const parsers::Quote& q) {
  return JsonText([&](JsonWriter* w) { WriteQuoteJson(q, w); });
}

std::string TdReportToJson(const parsers::TdReport& t) {
  return JsonText([&](JsonWriter* w) { WriteTdReportJson(t, w); });
}

void WriteQuoteVerificationJson(const quote::QuoteVerification& v, JsonWriter* out,
                                const WhatIf* what_if) {
  JsonWriter& w = *out;
  w.StartObject();
  WriteSchemaVersion(w);
  WriteQuoteVerificationMembers(v, &w);
  if (what_if != nullptr) {
    const quote::QuoteVerification& o = *what_if->result;
    w.Key("what_if");
    w.StartObject();
    internal::KeyString(w, "collateral", what_if->collateral);
    internal::KeyString(w, "verdict", o.pass ? "pass" : "fail");
    w.Key("tcb_status");
    if (o.tcb_status) {
      internal::JsonString(w, quote::TcbStatusName(*o.tcb_status));
    } else {
      w.Null();
    }
    internal::KeyStrings(w, "advisory_ids", o.tcb.advisory_ids);
    internal::KeyString(w, "tcb_date", o.tcb.tcb_date);
    w.Key("authentic");
    w.Bool(o.authentic);
    internal::KeyString(w, "at", crypto::FormatRfc3339(o.at));
    if (o.freshness) {
      w.Key("freshness");
      internal::WriteFreshnessJson(w, *o.freshness);
    }
    w.Key("failed_checks");
    w.StartArray();
    for (const quote::Check& c : o.checks) {
      if (c.status == quote::CheckStatus::kFail) internal::JsonString(w, c.id);
    }
    w.EndArray();
    w.EndObject();
  }
  w.Key("quote");
  WriteQuoteJson(v.quote, &w);
  w.EndObject();
}

std::string QuoteVerificationToJson(const quote::QuoteVerification& v, const WhatIf* what_if) {
  return JsonText([&](JsonWriter* w) { WriteQuoteVerificationJson(v, w, what_if); });
}

std::string QuoteToText(const parsers::Quote& q) {
  std::string out;
  TextEmitter e(&out);
  EmitQuote(q, &e);
  return out;
}

std::string TdReportToText(const parsers::TdReport& t) {
  std::string out;
  TextEmitter e(&out);
  EmitTdReport(t, &e);
  return out;
}

namespace {

// The verdict, TCB status, advisories and TCB date lines of a verification,
// each key after `prefix` ("" or "what_if.").
void AppendTcbText(const quote::QuoteVerification& v, const std::string& prefix, std::string* out) {
  *out += prefix + "verdict: " + (v.pass ? "pass" : "fail") + "\n";
  *out += prefix + "tcb_status: " +
          std::string(v.tcb_status ? quote::TcbStatusName(*v.tcb_status) : "not evaluated") + "\n";
  *out += prefix + "advisory_ids:";
  for (const std::string& a : v.tcb.advisory_ids) *out += " " + a;
  *out += "\n";
  if (!v.tcb.tcb_date.empty()) *out += prefix + "tcb_date: " + v.tcb.tcb_date + "\n";
}

}  // namespace

std::string QuoteVerificationToText(const quote::QuoteVerification& v, const WhatIf* what_if) {
  std::string out;
  AppendTcbText(v, "", &out);
  if (v.pck && v.pck->has_sgx_extensions) {
    out += "fmspc: " + ToHex(v.pck->fmspc) + "\n";
  }
  out += "at: " + crypto::FormatRfc3339(v.at) + "\n";
  if (v.freshness) out += "collateral: " + internal::FreshnessText(*v.freshness) + "\n";
  out += ChecksText(v.checks);
  if (what_if != nullptr) {
    const quote::QuoteVerification& o = *what_if->result;
    out += "what_if.collateral: " + what_if->collateral + "\n";
    AppendTcbText(o, "what_if.", &out);
    out += "what_if.at: " + crypto::FormatRfc3339(o.at) + "\n";
    if (o.freshness)
      out += "what_if.collateral_freshness: " + internal::FreshnessText(*o.freshness) + "\n";
    for (const quote::Check& c : o.checks) {
      if (c.status == quote::CheckStatus::kFail) {
        out += "what_if.failed: " + c.id + ": " + c.detail + "\n";
      }
    }
  }
  return out;
}

}  // namespace ccv::report
