#include "verifier/report/tpm_json.h"

#include <cinttypes>
#include <cstdio>
#include <optional>
#include <string>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/report/internal/dump_json.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {

namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

using internal::KeyOptBool;
using internal::KeyString;
using internal::KeyUint;

void WriteAttestFields(Writer& w, const parsers::TpmAttest& a) {
  w.StartObject();
  KeyString(w, "qualified_signer", ToHex(a.qualified_signer));
  KeyString(w, "extra_data", ToHex(a.extra_data));
  KeyUint(w, "clock", a.clock);
  KeyUint(w, "reset_count", a.reset_count);
  KeyUint(w, "restart_count", a.restart_count);
  w.Key("safe");
  w.Bool(a.safe != 0);
  char fw[24];
  std::snprintf(fw, sizeof(fw), "%016" PRIx64, a.firmware_version);
  KeyString(w, "firmware_version", fw);
  internal::KeyObjects(
      w, "pcr_selection", a.pcr_select, [&](Writer& w, const parsers::TpmPcrSelection& s) {
        KeyString(w, "bank", s.hash ? std::string(HashAlgName(*s.hash)) : "unknown");
        w.Key("pcrs");
        w.StartArray();
        for (uint32_t i : s.Pcrs()) w.Uint(i);
        w.EndArray();
      });
  KeyString(w, "pcr_digest", ToHex(a.pcr_digest));
  w.EndObject();
}

void WriteAttest(Writer& w, const tpm::QuoteResult& q) { WriteAttestFields(w, q.attest); }

std::string SelectionText(const parsers::TpmAttest& a) {
  std::string out;
  for (const parsers::TpmPcrSelection& s : a.pcr_select) {
    out += " " + (s.hash ? std::string(HashAlgName(*s.hash)) : "unknown") + ":";
    bool first = true;
    for (uint32_t p : s.Pcrs()) {
      out += (first ? "" : ",") + std::to_string(p);
      first = false;
    }
  }
  return out;
}

std::string BoolText(const std::optional<bool>& b) {
  return b ? std::string(*b ? "true" : "false") : std::string("(absent)");
}

}  // namespace

std::string TpmAttestDumpJson(const parsers::TpmAttest& a) {
  return internal::StructureDumpJson("tpm-attest", [&](Writer& w) {
    w.Key("attest");
    WriteAttestFields(w, a);
  });
}

std::string TpmAttestDumpText(const parsers::TpmAttest& a) {
  char fw[24];
  std::snprintf(fw, sizeof(fw), "%016" PRIx64, a.firmware_version);
  std::string out = "TPMS_ATTEST (TPM_ST_ATTEST_QUOTE)\n";
  out += "  qualified signer: " + ToHex(a.qualified_signer) + "\n";
  out += "  extraData:        " + (a.extra_data.empty() ? "(empty)" : ToHex(a.extra_data)) + "\n";
  out += "  clock:            " + std::to_string(a.clock) + " (reset " +
         std::to_string(a.reset_count) + ", restart " + std::to_string(a.restart_count) +
         ", safe " + (a.safe ? "yes" : "no") + ")\n";
  out += "  firmware version: " + std::string(fw) + "\n";
  out += "  PCR selection:   " + SelectionText(a) + "\n";
  out += "  PCR digest:       " + ToHex(a.pcr_digest) + "\n";
  return out;
}

std::string HclReportDumpJson(const tpm::HclVerification& h) {
  const parsers::HclReport& r = h.report;
  return internal::StructureDumpJson("hcl-report", [&](Writer& w) {
    w.Key("header");
    w.StartObject();
    KeyUint(w, "version", r.version);
    KeyUint(w, "report_size", r.report_size);
    KeyUint(w, "request_type", r.request_type);
    KeyUint(w, "status", r.status);
    KeyUint(w, "report_type", r.report_type);
    KeyUint(w, "report_data_hash_type", r.hash_type);
    w.EndObject();
    w.Key("td_report");
    w.StartObject();
    const parsers::TdReport& td = *r.td_report;
    KeyString(w, "report_data", ToHex(td.report_data));
    KeyString(w, "mr_td", ToHex(td.mr_td));
    w.Key("rtmr");
    w.StartArray();
    for (const auto& m : td.rtmr) {
      std::string hex = ToHex(m);
      w.String(hex.c_str(), rapidjson::SizeType(hex.size()));
    }
    w.EndArray();
    KeyString(w, "td_attributes", ToHex(td.td_attributes));
    KeyString(w, "xfam", ToHex(td.xfam));
    KeyString(w, "mr_seam", ToHex(td.mr_seam));
    KeyString(w, "tee_tcb_svn", ToHex(td.tee_tcb_svn));
    w.EndObject();
    w.Key("runtime_data");
    w.StartObject();
    KeyString(w, "sha256", ToHex(crypto::Hash(HashAlg::kSha256, r.runtime_data).span()));
    KeyUint(w, "size", r.runtime_data.size());
    KeyString(w, "ak_key", h.runtime.ak ? h.runtime.ak->key_description : "");
    KeyString(w, "ak_fingerprint", h.runtime.ak ? tpm::AkFingerprint(*h.runtime.ak) : "");
    KeyOptBool(w, "secure_boot", h.runtime.secure_boot);
    KeyOptBool(w, "tpm_enabled", h.runtime.tpm_enabled);
    KeyOptBool(w, "tpm_persisted", h.runtime.tpm_persisted);
    KeyOptBool(w, "console_enabled", h.runtime.console_enabled);
    KeyString(w, "vm_unique_id", h.runtime.vm_unique_id);
    KeyString(w, "user_data", ToHex(h.runtime.user_data));
    w.EndObject();
    w.Key("binding");
    w.StartObject();
    for (const tpm::Check& c : h.checks) {
      if (c.id != "hcl.runtime_data") continue;
      KeyString(w, "status", std::string(result::ShortVerdictName(c.status)));
      KeyString(w, "detail", c.detail);
    }
    w.EndObject();
  });
}

std::string HclReportDumpText(const tpm::HclVerification& h) {
  const parsers::HclReport& r = h.report;
  const parsers::TdReport& td = *r.td_report;
  std::string out = "HCL report (Azure confidential VM), version " + std::to_string(r.version) +
                    ", report type " + std::to_string(r.report_type) + " (TDX)\n";
  out += "  TD report: MRTD " + ToHex(td.mr_td) + "\n";
  for (size_t i = 0; i < td.rtmr.size(); ++i) {
    out += "             RTMR" + std::to_string(i) + " " + ToHex(td.rtmr[i]) + "\n";
  }
  out += "             REPORTDATA " + ToHex(td.report_data) + "\n";
  out += "  runtime data: " + std::to_string(r.runtime_data.size()) + " bytes, SHA-256 " +
         ToHex(crypto::Hash(HashAlg::kSha256, r.runtime_data).span()) + "\n";
  out += "    AK HCLAkPub: " +
         (h.runtime.ak
              ? h.runtime.ak->key_description + ", sha256:" + tpm::AkFingerprint(*h.runtime.ak)
              : std::string("(absent)")) +
         "\n";
  out += "    secure-boot " + BoolText(h.runtime.secure_boot) + ", tpm-enabled " +
         BoolText(h.runtime.tpm_enabled) + ", tpm-persisted " + BoolText(h.runtime.tpm_persisted) +
         ", console-enabled " + BoolText(h.runtime.console_enabled) + "\n";
  out += "    vmUniqueId " +
         (h.runtime.vm_unique_id.empty() ? std::string("(absent)") : h.runtime.vm_unique_id) + "\n";
  for (const tpm::Check& c : h.checks) {
    if (c.id == "hcl.runtime_data") {
      out += "  binding (not an authentication: the TD quote is): " + c.detail + "\n";
    }
  }
  return out;
}

std::string TpmVerificationToJson(const tpm::TpmVerification& v) {
  return SchemaJson([&](Writer& w) {
    KeyString(w, "verdict", v.pass ? "pass" : "fail");
    w.Key("ak");
    w.StartObject();
    KeyString(w, "form", v.ak_form);
    KeyString(w, "key", v.ak_key);
    if (!v.ak_name.empty()) KeyString(w, "name", ToHex(v.ak_name));
    KeyString(w, "trust", v.ak_trust.mode);
    w.Key("chain");
    w.StartArray();
    for (const std::string& s : v.ak_trust.chain) w.String(s.c_str());
    w.EndArray();
    w.EndObject();
    internal::KeyObjects(w, "quotes", v.quotes, [&](Writer& w, const tpm::QuoteResult& q) {
      KeyString(w, "signature_scheme", std::string(parsers::TpmSigSchemeName(q.signature.scheme)));
      KeyString(w, "signature_hash",
                q.signature.hash ? std::string(HashAlgName(*q.signature.hash)) : "unknown");
      w.Key("signature_ok");
      w.Bool(q.signature_ok);
      w.Key("pcr_digest_ok");
      w.Bool(q.pcr_digest_ok);
      w.Key("attest");
      WriteAttest(w, q);
    });
    internal::KeyObjects(w, "checks", v.checks, [&](Writer& w, const tpm::Check& c) {
      KeyString(w, "id", c.id);
      KeyString(w, "status", std::string(result::ShortVerdictName(c.status)));
      KeyString(w, "detail", c.detail);
    });
    w.Key("quoted_pcrs");
    w.StartObject();
    for (const auto& [bank, pcrs] : v.quoted_pcrs.banks()) {
      w.Key(std::string(HashAlgName(bank)).c_str());
      w.StartObject();
      for (const auto& [index, d] : pcrs)
        KeyString(w, std::to_string(index).c_str(), ToHex(d.span()));
      w.EndObject();
    }
    w.EndObject();
    if (v.hcl) {
      w.Key("hcl");
      w.StartObject();
      KeyOptBool(w, "secure_boot", v.hcl->secure_boot);
      KeyOptBool(w, "tpm_enabled", v.hcl->tpm_enabled);
      KeyOptBool(w, "tpm_persisted", v.hcl->tpm_persisted);
      KeyOptBool(w, "console_enabled", v.hcl->console_enabled);
      KeyString(w, "vm_unique_id", v.hcl->vm_unique_id);
      KeyString(w, "runtime_data_sha256", v.hcl->runtime_data_sha256);
      w.EndObject();
    }
  });
}

std::string TpmVerificationToText(const tpm::TpmVerification& v) {
  std::string out = "verdict: " + std::string(v.pass ? "pass" : "fail") + "\n";
  out += "ak: " + v.ak_form + ", " + v.ak_key + ", trust " + v.ak_trust.mode + "\n";
  if (!v.ak_name.empty()) out += "ak name: " + ToHex(v.ak_name) + "\n";
  for (size_t i = 0; i < v.quotes.size(); ++i) {
    const tpm::QuoteResult& q = v.quotes[i];
    out += "quote" + std::to_string(i) + ": " +
           std::string(parsers::TpmSigSchemeName(q.signature.scheme)) + "-" +
           (q.signature.hash ? std::string(HashAlgName(*q.signature.hash)) : "unknown") +
           ", extraData " + (q.attest.extra_data.empty() ? "(empty)" : ToHex(q.attest.extra_data)) +
           ", pcrDigest " + ToHex(q.attest.pcr_digest) + ", selection";
    for (const parsers::TpmPcrSelection& s : q.attest.pcr_select) {
      out += " " + (s.hash ? std::string(HashAlgName(*s.hash)) : "unknown") + ":";
      bool first = true;
      for (uint32_t p : s.Pcrs()) {
        out += (first ? "" : ",") + std::to_string(p);
        first = false;
      }
    }
    out += "\n";
  }
  if (v.hcl) {
    auto b = [](const std::optional<bool>& x) {
      return x ? std::string(*x ? "true" : "false") : std::string("(absent)");
    };
    out += "hcl runtime data: secure-boot " + b(v.hcl->secure_boot) + ", tpm-enabled " +
           b(v.hcl->tpm_enabled) + ", vm id " +
           (v.hcl->vm_unique_id.empty() ? "(absent)" : v.hcl->vm_unique_id) + "\n";
  }
  out += "checks:\n";
  for (const tpm::Check& c : v.checks) {
    out += "  [" + std::string(result::ShortVerdictName(c.status)) + "] " + c.id + ": " + c.detail +
           "\n";
  }
  return out;
}

}  // namespace ccv::report
