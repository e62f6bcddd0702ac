#include "verifier/pipeline/verify.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <span>

#include "parsers/ccel.h"
#include "parsers/cel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "parsers/event_types.h"
#include "parsers/ima_log.h"
#include "parsers/ima_register.h"
#include "parsers/ima_template.h"
#include "parsers/tcg_event_log.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_text.h"
#include "policies/container_rules.h"
#include "verifier/bundle/evidence_file.h"
#include "verifier/bundle/report_data.h"
#include "verifier/containers/binding.h"
#include "verifier/containers/container_view.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/signature.h"
#include "verifier/pipeline/boot_facts.h"
#include "verifier/pipeline/kernel_facts.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/quote/shared_collateral.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/dstack_replay.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_signatures.h"
#include "verifier/replay/ima_state.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_detail.h"
#include "verifier/tpm/ak.h"
#include "verifier/tpm/hcl.h"
#include "verifier/tpm/pcr_values.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::pipeline {
namespace {

using result::Check;
using result::DataStatus;
using result::EventFact;
using result::Facts;
using result::LogFact;
using result::Verdict;

constexpr uint64_t kMaxQuoteLen = 1 << 20;
constexpr uint64_t kMaxCollateralLen = 16 << 20;
constexpr uint64_t kMaxPckChainLen = 1 << 20;
constexpr uint64_t kMaxLogLen = uint64_t{1} << 30;
constexpr size_t kMaxListedPointers = 10;
constexpr RegisterId kRtmr2 = RegisterId::Rtmr(2);  // IMA on the cc-api TDX kernel

Check MakeCheck(std::string id, Verdict v, std::string detail, std::string missing = "") {
  Check c;
  c.id = std::move(id);
  c.status = v;
  c.detail = std::move(detail);
  c.missing = std::move(missing);
  return c;
}

Digest Sha384Of(const std::array<uint8_t, 48>& a) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(a.begin(), a.end(), d.bytes.begin());
  return d;
}

// --- quote ---------------------------------------------------------------

// The baseline that holds with and without a policy: a debug TD is not a
// confidential TD, and a service TD bound to this TD (MRSERVICETD) must be
// one the policy names.
void BaselineTdChecks(const policy::Policy* pol, Facts* f) {
  const result::QuoteFacts& q = f->quote;
  bool debug = (q.td_attributes[0] & 1) != 0;
  bool debug_allowed = false;
  if (pol != nullptr) {
    auto it = pol->td.attribute_bits.find("debug");
    debug_allowed = it != pol->td.attribute_bits.end() && it->second;
  }
  if (!debug) {
    f->checks.push_back(MakeCheck("td.debug", Verdict::kPass, "TD_ATTRIBUTES.DEBUG is clear"));
  } else if (debug_allowed) {
    f->checks.push_back(
        MakeCheck("td.debug", Verdict::kPass,
                  "TD_ATTRIBUTES.DEBUG is set, allowed by the policy (td.attributes.debug: true)"));
  } else {
    f->checks.push_back(
        MakeCheck("td.debug", Verdict::kFail,
                  "TD_ATTRIBUTES.DEBUG is set: the host can read and change the TD's "
                  "memory (allow it only with td.attributes.debug: true)"));
  }
  if (AllBytesEqual(q.mr_servicetd, 0)) {
    f->checks.push_back(MakeCheck("td.mr_servicetd", Verdict::kPass,
                                  q.is_v15 ? "MRSERVICETD is zero (no service TD is bound)"
                                           : "TD report 1.0: no MRSERVICETD"));
  } else if (pol != nullptr && pol->td.mr_servicetd) {
    f->checks.push_back(MakeCheck("td.mr_servicetd", Verdict::kPass,
                                  "MRSERVICETD " + ToHex(q.mr_servicetd) +
                                      " is judged by the policy (rule td.mr_servicetd)"));
  } else {
    f->checks.push_back(
        MakeCheck("td.mr_servicetd", Verdict::kFail,
                  "MRSERVICETD " + ToHex(q.mr_servicetd) +
                      " is not zero: a service TD is bound to this TD, and no policy "
                      "pins it (td.mr_servicetd)"));
  }
}

// What the TD quote gives later steps besides its body (Facts::quote):
// whether its signature, QE report and PCK chain verified (the Azure HCL
// report binds the vTPM's AK to that body).
struct QuoteOutcome {
  bool authentic = false;
};

Status QuoteFacts(const bundle::Evidence& e, const VerifyOptions& o, const policy::Policy* pol,
                  Facts* f, QuoteOutcome* out) {
  if (!e.quote && e.tpm) {
    // TPM-only evidence (a vTPM or a TPM host): its TPM quotes are the
    // authentic anchor, judged by the tpm.* checks.
    f->checks.push_back(MakeCheck("quote.present", Verdict::kSkipped,
                                  "the evidence has no TD quote: only its TPM quotes (tpm.*) "
                                  "authenticate anything"));
    return Status::Ok();
  }
  if (!e.quote) {
    f->checks.push_back(MakeCheck("quote.present", Verdict::kFail,
                                  "the evidence has no TD quote: nothing in it is authenticated"));
    return Status::Ok();
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                       bundle::ReadEvidenceFile(e, *e.quote, kMaxQuoteLen));
  // Parsed once per batch when shared, else here: the same certificate.
  std::optional<std::string_view> anchor_pem;
  if (o.root_ca_pem) anchor_pem = *o.root_ca_pem;
  Result<std::shared_ptr<const crypto::Certificate>> anchor =
      Status(ErrorCode::kInternal, "trust anchor not loaded");
  if (o.shared_collateral != nullptr) {
    anchor = o.shared_collateral->Anchor(anchor_pem);
  } else if (auto own = quote::LoadTrustAnchor(anchor_pem); own.ok()) {
    anchor = std::make_shared<const crypto::Certificate>(std::move(*own));
  } else {
    anchor = own.status();
  }
  if (!anchor.ok()) return anchor.status().WithContext("trust anchor");
  std::optional<quote::SuppliedPckChain> pck_chain;
  if (e.pck_chain) {
    CCV_ASSIGN_OR_RETURN(std::string pem,
                         bundle::ReadEvidenceText(e, *e.pck_chain, kMaxPckChainLen));
    auto parsed = quote::ParseSuppliedPckChain(pem, *e.pck_chain);
    if (!parsed.ok()) return parsed.status().WithFileIfUnset(*e.pck_chain);
    pck_chain = std::move(*parsed);
  }
  Result<quote::QuoteVerification> v = Status(ErrorCode::kInternal, "unset");
  if (e.collateral) {
    CCV_ASSIGN_OR_RETURN(std::string text,
                         bundle::ReadEvidenceText(e, *e.collateral, kMaxCollateralLen));
    std::shared_ptr<const quote::PreparedCollateral> prepared;
    if (o.shared_collateral != nullptr) {
      auto shared = o.shared_collateral->Prepare(text, **anchor, o.at);
      if (!shared.ok()) return shared.status().WithFileIfUnset(*e.collateral);
      prepared = std::move(*shared);
    } else {
      auto coll = quote::ParseCollateralJson(text);
      if (!coll.ok()) return coll.status().WithFileIfUnset(*e.collateral);
      auto own = quote::PrepareCollateral(*coll, (*anchor)->Clone(), o.at);
      if (!own.ok()) return own.status().WithFileIfUnset(*e.collateral);
      prepared = std::make_shared<const quote::PreparedCollateral>(std::move(*own));
    }
    quote::VerifyOptions qo;
    qo.pck_chain = pck_chain;
    v = quote::VerifyQuote(bytes, *prepared, qo);
    f->collateral.present = true;
  } else {
    v = quote::VerifyQuoteWithoutCollateral(bytes, **anchor, o.at, pck_chain);
  }
  if (!v.ok()) return v.status().WithFileIfUnset(*e.quote);
  if (f->collateral.present) f->collateral.freshness = v->freshness;
  f->checks.push_back(MakeCheck("quote.present", Verdict::kPass, "TD quote " + *e.quote));
  f->checks.push_back(
      e.collateral ? MakeCheck("quote.collateral", Verdict::kPass, "collateral " + *e.collateral)
                   : MakeCheck("quote.collateral", Verdict::kFail,
                               "no collateral supplied: TCB status, QE identity and revocation "
                               "cannot be checked (pass --collateral, or set "
                               "platform.collateral: optional in the policy)",
                               "collateral"));
  out->authentic = true;
  for (const quote::Check& c : v->checks) {
    // Authentic: every check of the quote's own signatures and chain (the
    // TCB status and collateral are judged on their own).
    if (c.id != "tcb_status") out->authentic &= c.status != quote::CheckStatus::kFail;
    // A policy that judges the TCB status (platform.tcb_status) replaces
    // the baseline's UpToDate-only check; so does platform.tcb_grace_period.
    if (c.id == "tcb_status" && pol != nullptr &&
        (pol->platform.tcb_status_set || pol->platform.tcb_grace_period)) {
      continue;
    }
    f->checks.push_back(MakeCheck("quote." + c.id, c.status, c.detail));
  }
  if (!v->quote.td_body) {
    f->checks.push_back(
        MakeCheck("quote.tee", Verdict::kFail, "not a TDX quote (no TD report body)"));
    return Status::Ok();
  }
  result::QuoteFacts& q = f->quote;
  static_cast<parsers::TdReportBody&>(q) = *v->quote.td_body;
  q.present = true;
  q.version = v->quote.header.version;
  if (v->pck && v->pck->has_sgx_extensions) q.fmspc = ToHex(v->pck->fmspc);
  if (f->collateral.present && v->tcb_status) {
    f->collateral.tcb_status = std::string(quote::TcbStatusName(*v->tcb_status));
    f->collateral.advisory_ids = v->tcb.advisory_ids;
  }
  // With an HCL report, REPORTDATA is the HCL's (HclAkFacts judges it).
  if (!e.tpm || !e.tpm->hcl_report) {
    bundle::ReportDataBinding binding = bundle::CheckReportDataBinding(q.report_data, e);
    f->checks.push_back(std::move(binding.check));
    f->nonce_source = binding.nonce_source;
    f->user_data_source = binding.user_data_source;
  }
  BaselineTdChecks(pol, f);
  return Status::Ok();
}

// --- TCG logs (CCEL, TPM) ----------------------------------------------------

struct TcgLogOutcome {
  replay::RegisterSet registers;
};

DataStatus DataStatusOf(replay::DigestCheck c) {
  switch (c) {
    case replay::DigestCheck::kVerified:
      return DataStatus::kVerified;
    case replay::DigestCheck::kMismatched:
      return DataStatus::kMismatched;
    case replay::DigestCheck::kNotCheckable:
      return DataStatus::kUnverified;
  }
  return DataStatus::kUnverified;
}

// The decoded fields a policy rule may match (EventFact::variable_name,
// device_path). A structure that does not decode leaves them empty.
void DecodeEventFields(Bytes data, EventFact* fact) {
  switch (fact->type) {
    case parsers::kEvEfiVariableDriverConfig:
    case parsers::kEvEfiVariableBoot:
    case parsers::kEvEfiVariableBoot2:
    case parsers::kEvEfiVariableAuthority: {
      auto v = parsers::ParseUefiVariableData(data, 0);
      if (v.ok()) fact->variable_name = v->unicode_name;
      if (fact->type == parsers::kEvEfiVariableDriverConfig) {
        fact->config_data.assign(data.begin(), data.end());
      }
      break;
    }
    case parsers::kEvEfiBootServicesApplication:
    case parsers::kEvEfiBootServicesDriver:
    case parsers::kEvEfiRuntimeServicesDriver: {
      auto im = parsers::ParseUefiImageLoadEvent(data, 0);
      if (im.ok() && !im->device_path.empty())
        fact->device_path = report::DevicePathToText(im->device_path);
      break;
    }
    default:
      break;
  }
}

// An event's data status and text: the text a rule may read is the one the
// digest authenticates; unverified data keeps a rendering for reports only.
void SetEventData(const replay::EventDataCheck& check, Bytes data, EventFact* fact) {
  DecodeEventFields(data, fact);
  fact->data = DataStatusOf(check.status);
  if (fact->data == DataStatus::kVerified) {
    fact->convention = std::string(replay::DigestConventionName(check.convention));
    // The digest covers the VariableData only: the name beside it is not
    // evidence, so no rule may select the event by it.
    if (check.convention == replay::DigestConvention::kVariableDataOnly)
      fact->variable_name.clear();
    fact->text = check.verified_text.empty() ? parsers::EventText(data) : check.verified_text;
  } else {
    fact->text = parsers::EventText(data);
  }
}

// The <log>.event_digests check over the facts of `log`: events whose type
// defines their digest as a hash of their data, but whose digest matches no
// known convention, fail it (or warn, with logs.unexplained_digests: warn).
void EventDigestsCheck(const std::string& log, const policy::Policy* pol, Facts* f) {
  uint64_t verified = 0, mismatched = 0;
  std::string list;
  for (const EventFact& e : f->events) {
    if (e.log != log) continue;
    if (e.data == DataStatus::kVerified) ++verified;
    if (e.data != DataStatus::kMismatched) continue;
    if (++mismatched <= kMaxListedPointers) list += (list.empty() ? "" : ", ") + e.Pointer();
  }
  std::string detail = std::to_string(verified) + " event(s) with data verified by their digest";
  if (mismatched == 0) {
    f->checks.push_back(MakeCheck(log + ".event_digests", Verdict::kPass, detail));
    return;
  }
  bool warn = pol != nullptr && pol->logs.unexplained_digests_warn;
  f->checks.push_back(MakeCheck(
      log + ".event_digests", warn ? Verdict::kWarn : Verdict::kFail,
      std::to_string(mismatched) +
          " event(s) whose digest matches no known convention for their data (their data is "
          "unverified" +
          std::string(warn ? "; accepted by logs.unexplained_digests: warn" : "") + "): " + list +
          "; " + detail));
}

Result<TcgLogOutcome> ReplayLog(const bundle::Evidence& e, const std::string& path,
                                const std::string& log, replay::RegisterSpace space, Facts* f) {
  // Streamed: memory stays bounded whatever the log's size.
  CCV_ASSIGN_OR_RETURN(std::unique_ptr<bundle::FileSource> file,
                       bundle::OpenEvidenceSource(e, path));
  parsers::ChunkedSource src(file.get());
  parsers::TcgEventReader reader(
      &src, parsers::TcgReadOptions{.ccel = space == replay::RegisterSpace::kCcMr});
  replay::TcgReplay rp(space);
  TcgLogOutcome out;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) return next.status().WithFileIfUnset(path);
    const parsers::TcgEvent* ev = *next;
    if (ev == nullptr) break;
    auto check = rp.FeedAndCheck(*ev);
    if (!check.ok()) return check.status().WithOffset(ev->offset).WithFileIfUnset(path);
    EventFact fact;
    fact.log = log;
    fact.index = ev->record;
    fact.type = ev->untrusted_type;
    fact.type_name = std::string(parsers::EventTypeName(ev->untrusted_type));
    std::optional<RegisterId> reg = replay::IndexedRegister(space, ev->untrusted_pcr_index);
    if (reg && reg->kind != RegisterId::Kind::kMrtd && ev->untrusted_type != parsers::kEvNoAction) {
      fact.reg = reg->Name();
    }
    for (uint32_t i = 0; i < ev->num_digests; ++i) {
      auto alg = HashAlgFromTpmAlgId(ev->digests[i].algorithm_id);
      if (!alg || ev->digests[i].digest.size() != DigestLen(*alg)) continue;
      Digest d = Digest::Zero(*alg);
      std::copy(ev->digests[i].digest.begin(), ev->digests[i].digest.end(), d.bytes.begin());
      fact.digests.push_back(d);
    }
    SetEventData(*check, ev->data, &fact);
    f->events.push_back(std::move(fact));
  }
  out.registers = rp.Registers();
  f->event_log_present = true;
  return out;
}

Status CcelTableCheck(const bundle::Evidence& e, Facts* f) {
  if (!e.ccel_table) return Status::Ok();
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> table,
                       bundle::ReadEvidenceFile(e, *e.ccel_table, 4096));
  auto t = parsers::ParseCcelAcpiTable(table);
  if (!t.ok()) return t.status().WithFileIfUnset(*e.ccel_table);
  uint64_t size = 0;
  if (e.ccel_data) {
    CCV_ASSIGN_OR_RETURN(InputFile data, bundle::OpenEvidenceFile(e, *e.ccel_data));
    size = data.size();
  }
  if (t->cc_type != 2) {
    f->checks.push_back(
        MakeCheck("ccel.table", Verdict::kFail,
                  "ACPI CCEL table CC type " + std::to_string(t->cc_type) + " is not TDX (2)"));
  } else if (e.ccel_data && size > t->laml) {
    f->checks.push_back(MakeCheck(
        "ccel.table", Verdict::kFail,
        "log area of " + std::to_string(size) + " bytes exceeds LAML " + std::to_string(t->laml)));
  } else {
    f->checks.push_back(
        MakeCheck("ccel.table", Verdict::kPass, "TDX CCEL table, LAML " + std::to_string(t->laml)));
  }
  return Status::Ok();
}

// --- TPM quotes ----------------------------------------------------------------

constexpr uint64_t kMaxTpmFileLen = 1 << 20;

// --- Azure HCL report ---------------------------------------------------------

// The vTPM's AK from the HCL report (verifier/tpm/hcl.h), and whether the
// chain HCL report -> TD quote holds.
struct HclAk {
  tpm::Ak ak;
  tpm::AkTrust trust;
};

// The hcl.* checks, and report_data.binding in its place: REPORTDATA[0:32]
// is SHA-256 of the runtime data that carries the AK. The AK is trusted
// ("hcl") when every hcl.* check passed and the TD quote is authentic; the
// freshness is the vTPM quote's nonce. nullopt without an HCL report.
Result<std::optional<HclAk>> HclAkFacts(const bundle::Evidence& e, const QuoteOutcome& quote,
                                        Facts* f) {
  if (!e.tpm || !e.tpm->hcl_report) return std::optional<HclAk>();
  const std::string& path = *e.tpm->hcl_report;
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                       bundle::ReadEvidenceFile(e, path, kMaxTpmFileLen));
  const parsers::TdReportBody* td_body = f->quote.present ? &f->quote : nullptr;
  auto v = tpm::VerifyHclReport(bytes, td_body);
  if (!v.ok()) return v.status().WithFileIfUnset(path);
  if (!v->runtime.ak) {
    return Status(ErrorCode::kBadValue, "the runtime data holds no HCLAkPub JWK")
        .WithFile(path)
        .WithField("keys");
  }
  bool pass = true;
  for (const tpm::Check& c : v->checks) {
    Verdict s = c.status == tpm::CheckStatus::kPass ? Verdict::kPass : Verdict::kFail;
    pass &= s == Verdict::kPass;
    std::string name = c.id.substr(c.id.find('.') + 1);
    f->checks.push_back(MakeCheck("hcl." + name, s,
                                  c.status == tpm::CheckStatus::kSkipped
                                      ? "no TD quote to bind the HCL report to: " + c.detail
                                      : c.detail));
  }
  f->checks.push_back(MakeCheck(
      bundle::kReportDataCheckId, pass ? Verdict::kPass : Verdict::kFail,
      pass ? "REPORTDATA[0:32] is SHA-256 of the HCL report's runtime data (hcl.runtime_data), "
             "which holds the vTPM's AK: freshness comes from the vTPM quote's nonce (tpm.*_nonce)"
           : "the TD quote does not bind the HCL report (see the hcl.* checks)"));
  HclAk out{std::move(*v->runtime.ak), {}};
  out.trust.mode = "hcl";
  out.trust.ok = pass && quote.authentic;
  out.trust.detail =
      out.trust.ok ? "the AK is HCLAkPub of the HCL report bound to the authentic TD quote"
      : !pass      ? "the AK is not trusted: the HCL report is not bound to the TD quote (see "
                     "the hcl.* checks)"
                   : "the AK is not trusted: the TD quote it is bound to does not verify";
  return std::optional<HclAk>(std::move(out));
}

std::string PcrBankName(HashAlg bank, uint32_t index) {
  return "pcr" + std::to_string(index) + " (" + std::string(HashAlgName(bank)) + ")";
}

// How the AK is trusted: the policy's pin, else a chain to --tpm-root-ca
// (through the bundle's tpm.ak_chain), else not at all.
Status AkTrustOptions(const bundle::Evidence& e, const VerifyOptions& o, const policy::Policy* pol,
                      const tpm::Ak& ak, std::vector<crypto::Certificate>* roots,
                      std::vector<crypto::Certificate>* chain, tpm::VerifyOptions* vo) {
  if (pol != nullptr && pol->tpm.PinsAk()) {
    std::vector<crypto::PublicKey> keys;
    for (const std::string& pem : pol->tpm.ak_pems) {
      auto k = crypto::PublicKeyFromPemOrDer(AsBytes(pem));
      if (!k.ok()) {
        return Status(ErrorCode::kBadValue, "tpm.ak: not a PEM public key: " + k.status().message())
            .WithFile(pol->source)
            .WithLine(pol->tpm.ak_pos.line);
      }
      keys.push_back(std::move(*k));
    }
    std::vector<const crypto::PublicKey*> ptrs;
    ptrs.reserve(keys.size());
    for (const crypto::PublicKey& k : keys) ptrs.push_back(&k);
    vo->ak_trust = tpm::CheckAkPin(ak, pol->tpm.ak_fingerprints, ptrs);
    return Status::Ok();
  }
  for (size_t i = 0; i < o.tpm_root_ca.size(); ++i) {
    auto certs = tpm::LoadCertificates(AsBytes(o.tpm_root_ca[i]));
    if (!certs.ok()) return certs.status().WithContext("--tpm-root-ca");
    for (auto& c : *certs) roots->push_back(std::move(c));
  }
  if (e.tpm) {
    for (const std::string& path : e.tpm->ak_chain) {
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                           bundle::ReadEvidenceFile(e, path, kMaxTpmFileLen));
      auto certs = tpm::LoadCertificates(bytes);
      if (!certs.ok()) return certs.status().WithFileIfUnset(path);
      for (auto& c : *certs) chain->push_back(std::move(c));
    }
  }
  if (roots->empty()) {
    tpm::AkTrust none;
    none.mode = "none";
    none.detail =
        "no trust anchor for the AK: pin it in the policy (tpm.ak) or give --tpm-root-ca "
        "(the bundle's own certificates only link)";
    vo->ak_trust = none;
    return Status::Ok();
  }
  vo->ak_roots = *roots;
  vo->ak_intermediates = *chain;
  return Status::Ok();
}

// Verifies the bundle's TPM quotes and returns the PCR values they
// authenticate (none when a quote or the AK fails).
Result<tpm::PcrValues> TpmQuoteFacts(const bundle::Evidence& e, const VerifyOptions& o,
                                     const policy::Policy* pol, const replay::RegisterSet* tpm_regs,
                                     const std::optional<HclAk>& hcl, Facts* f) {
  tpm::PcrValues authenticated;
  if (!e.tpm) return authenticated;
  const bundle::TpmEvidence& t = *e.tpm;
  f->tpm.present = true;
  f->tpm.quotes = t.quotes.size();
  if (!t.ak && !hcl) {
    f->tpm.ak_trust = "none";
    f->checks.push_back(MakeCheck("tpm.ak_trust", Verdict::kFail,
                                  "the evidence has TPM quotes but no AK (tpm.ak): nothing "
                                  "authenticates them"));
    return authenticated;
  }
  std::optional<tpm::Ak> loaded;
  if (t.ak) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> ak_bytes,
                         bundle::ReadEvidenceFile(e, *t.ak, kMaxTpmFileLen));
    auto l = tpm::LoadAk(ak_bytes);
    if (!l.ok()) return l.status().WithFileIfUnset(*t.ak);
    loaded = std::move(*l);
  }
  // The HCL report names the AK when there is one.
  const tpm::Ak* ak = hcl ? &hcl->ak : &*loaded;
  tpm::VerifyOptions vo;
  vo.at = o.at;
  std::vector<crypto::Certificate> roots, chain;
  if (hcl) {
    // A bundle's tpm.ak must be the HCL report's key.
    tpm::AkTrust trust = hcl->trust;
    if (loaded && tpm::AkFingerprint(*loaded) != tpm::AkFingerprint(hcl->ak)) {
      trust.ok = false;
      trust.detail = "the bundle's tpm.ak (" + *t.ak +
                     ") is not the HCL report's HCLAkPub: the quotes must be signed by the AK "
                     "the TD quote binds";
    }
    if (trust.ok && pol != nullptr && pol->tpm.PinsAk()) {
      // A policy pin applies as well.
      CCV_RETURN_IF_ERROR(AkTrustOptions(e, o, pol, *ak, &roots, &chain, &vo));
      if (!vo.ak_trust->ok) trust = *vo.ak_trust;
    }
    vo.ak_trust = trust;
  } else {
    CCV_RETURN_IF_ERROR(AkTrustOptions(e, o, pol, *ak, &roots, &chain, &vo));
  }
  if (o.tpm_nonce) {
    vo.nonce = *o.tpm_nonce;
    f->tpm.nonce_source = result::NonceSource::kVerifier;
  } else if (pol != nullptr && pol->tpm.nonce) {
    vo.nonce = *pol->tpm.nonce;
    f->tpm.nonce_source = result::NonceSource::kVerifier;
  } else if (t.nonce) {
    vo.nonce = *t.nonce;
    f->tpm.nonce_source = result::NonceSource::kBundle;
  }
  tpm::PcrValues listed, logged;
  if (t.pcrs) {
    CCV_ASSIGN_OR_RETURN(std::string text, bundle::ReadEvidenceText(e, *t.pcrs, kMaxTpmFileLen));
    auto parsed = tpm::ParsePcrValuesJson(text);
    if (!parsed.ok()) return parsed.status().WithFileIfUnset(*t.pcrs);
    listed = std::move(*parsed);
    vo.pcrs = &listed;
  }
  if (tpm_regs != nullptr) {
    logged = tpm::PcrValuesFromRegisters(*tpm_regs);
    vo.log_pcrs = &logged;
  }
  std::vector<std::vector<uint8_t>> files;
  files.reserve(2 * t.quotes.size());
  for (const bundle::TpmQuoteFiles& q : t.quotes) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> a,
                         bundle::ReadEvidenceFile(e, q.attest, kMaxTpmFileLen));
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> s,
                         bundle::ReadEvidenceFile(e, q.signature, kMaxTpmFileLen));
    files.push_back(std::move(a));
    files.push_back(std::move(s));
  }
  std::vector<tpm::QuoteInput> inputs;
  for (size_t i = 0; i < t.quotes.size(); ++i) {
    inputs.push_back({t.quotes[i].attest, files[2 * i], t.quotes[i].signature, files[2 * i + 1]});
  }
  auto v = tpm::VerifyTpmQuotes(*ak, inputs, vo);
  if (!v.ok()) return v.status();
  f->tpm.ak_form = v->ak_form;
  f->tpm.ak_key = v->ak_key;
  f->tpm.ak_fingerprint = tpm::AkFingerprint(*ak);
  f->tpm.ak_trust = v->ak_trust.ok ? v->ak_trust.mode : "none";
  bool all_pass = true;
  for (const tpm::Check& c : v->checks) {
    // The log's binding is tpm.bound's (which logs.informational governs).
    if (c.id == "log.coverage" || c.id.ends_with(".log")) continue;
    const Verdict s = c.status;
    // Check ids are AREA.NAME (docs/schemas/verify.schema.json): "ak.trust"
    // becomes tpm.ak_trust, "quote0.signature" tpm.quote0_signature.
    std::string name = c.id;
    std::replace(name.begin(), name.end(), '.', '_');
    Check out = MakeCheck("tpm." + name, s, c.detail);
    if (c.id.ends_with(".nonce")) {
      if (s == Verdict::kSkipped) {
        out.status = Verdict::kFail;
        out.missing = "nonce";
        out.detail =
            "no nonce to compare extraData with (give --tpm-nonce or the policy's tpm.nonce): "
            "the quote may be a replay of an old one; " +
            c.detail;
      } else if (s == Verdict::kPass && f->tpm.nonce_source == result::NonceSource::kBundle) {
        out.detail +=
            " (nonce taken from the bundle, not the verifier's: consistency, not "
            "freshness)";
      }
    }
    all_pass &= out.status != Verdict::kFail;
    f->checks.push_back(std::move(out));
  }
  f->tpm.verified = all_pass;
  f->tpm.pcrs = v->quoted_pcrs.banks();
  return v->quoted_pcrs;
}

// --- CEL ---------------------------------------------------------------------

// A CEL record of PC Client content gets the event-data checks a TCG log's
// event gets: a conversion never upgrades trust.
Result<replay::RegisterSet> CelFacts(const bundle::Evidence& e, const std::string& path, Facts* f) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, bundle::ReadEvidenceFile(e, path, kMaxLogLen));
  CCV_ASSIGN_OR_RETURN(std::vector<cel::Record> records, replay::ParseCel(bytes, path));
  auto r = replay::ReplayCel(records);
  if (!r.ok()) return r.status().WithFileIfUnset(path);
  replay::BankHashers hashers;
  for (const cel::Record& rec : records) {
    EventFact fact;
    fact.log = "cel";
    fact.index = rec.recnum;
    std::optional<RegisterId> reg = replay::CelRegister(rec);
    if (reg && reg->Exists() && reg->kind != RegisterId::Kind::kMrtd) fact.reg = reg->Name();
    fact.digests = rec.digests;
    if (!rec.template_name.empty()) {
      // IMA_TEMPLATE content: cel.template_hashes verifies the digest.
      fact.type_name = rec.template_name;
    } else {
      fact.type = rec.event_type;
      fact.type_name = std::string(parsers::EventTypeName(rec.event_type));
      if (rec.event_type == parsers::kEvNoAction) fact.reg.clear();
      SetEventData(
          replay::CheckEventData(hashers, rec.event_type, Bytes(rec.event_data), rec.digests),
          Bytes(rec.event_data), &fact);
    }
    f->events.push_back(std::move(fact));
  }
  f->event_log_present = true;
  if (r->template_hashes_mismatched == 0) {
    f->checks.push_back(
        MakeCheck("cel.template_hashes", Verdict::kPass,
                  std::to_string(r->template_hashes_verified) + " IMA template hash(es) verified"));
  } else {
    std::string list;
    for (uint64_t n : r->mismatched_recnums) {
      if (list.size() > 200) break;
      list += (list.empty() ? "" : ", ") + std::string("cel#") + std::to_string(n);
    }
    f->checks.push_back(MakeCheck(
        "cel.template_hashes", Verdict::kFail,
        std::to_string(r->template_hashes_mismatched) +
            " IMA record(s) whose digest is not the hash of their template data: " + list));
  }
  return r->registers;
}

// --- dstack event log ------------------------------------------------------------

constexpr uint64_t kMaxDstackLogLen = uint64_t{256} << 20;

struct DstackOutcome {
  replay::DstackFile log;
};

// The events of a dstack log as facts of the log "dstack": boot events with
// the TCG digest checks, runtime events verified when their digest is the
// one their data gives (their text is then "name: value").
Result<DstackOutcome> DstackFacts(const bundle::Evidence& e, const std::string& path, Facts* f) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes,
                       bundle::ReadEvidenceFile(e, path, kMaxDstackLogLen));
  Result<std::vector<dstack::Event>> events =
      dstack::ParseLog(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!events.ok()) return events.status().WithFileIfUnset(path);
  DstackOutcome out;
  out.log.events = std::move(events).value();
  out.log.replay = replay::ReplayDstack(out.log.events);
  for (const replay::DstackEventOutcome& o : out.log.replay.events) {
    const dstack::Event& ev = out.log.events[o.index];
    EventFact fact;
    fact.log = "dstack";
    fact.index = o.index;
    fact.type = ev.untrusted_type;
    fact.type_name =
        o.runtime ? "DSTACK_RUNTIME_EVENT" : std::string(parsers::EventTypeName(ev.untrusted_type));
    if (o.extended) fact.reg = RegisterId::Rtmr(o.rtmr).Name();
    fact.digests.push_back(o.extended_digest);
    fact.data = DataStatusOf(o.check);
    if (o.runtime) {
      fact.text = ev.event + ": " + replay::AppFactValue(ev.event, ev.payload);
    } else {
      DecodeEventFields(ev.payload, &fact);
      fact.text = parsers::EventText(ev.payload);
    }
    if (fact.data == DataStatus::kVerified) fact.convention = o.convention_name;
    f->events.push_back(std::move(fact));
  }
  f->event_log_present = true;
  // Runtime events: their digest is defined by their data, so a mismatch is
  // a log that contradicts itself, whatever logs.unexplained_digests says.
  const replay::DstackReplayResult& r = out.log.replay;
  std::string list;
  size_t listed = 0;
  for (size_t i : r.mismatched) {
    const dstack::Event& ev = out.log.events[i];
    if (!ev.IsRuntimeEvent() || listed++ >= kMaxListedPointers) continue;
    list += (list.empty() ? "" : ", ") + std::string("dstack#") + std::to_string(i) + " (" +
            ev.event + ")";
  }
  if (r.runtime_mismatched == 0) {
    f->checks.push_back(MakeCheck("dstack.runtime_digests", Verdict::kPass,
                                  std::to_string(r.runtime_verified) +
                                      " runtime event(s), each with the digest its data gives"));
  } else {
    f->checks.push_back(MakeCheck(
        "dstack.runtime_digests", Verdict::kFail,
        std::to_string(r.runtime_mismatched) +
            " runtime event(s) whose digest is not the one their name and payload give: " + list));
  }
  return out;
}

// The app facts of a dstack log once its events are bound (BoundChecks ran).
void AppFactsOf(const DstackOutcome& d, const std::string& path, Facts* f) {
  result::AppFacts& app = f->app;
  app.present = true;
  app.path = path;
  bool rtmr3_events = false;
  app.bound = false;
  for (const EventFact& e : f->events) {
    if (e.log != "dstack" || e.reg != "rtmr3") continue;
    rtmr3_events = true;
    app.bound = e.bound;  // every event of a register is bound alike
    break;
  }
  for (const LogFact& l : f->logs) {
    if (l.name == "dstack") app.why = l.why;
  }
  if (!rtmr3_events) app.why = "the dstack event log extends nothing into RTMR3";
  const auto index = replay::AppEventIndex(d.log.events, d.log.replay);
  for (const char* name : replay::kAppFactNames) {
    auto it = index.find(name);
    if (it != index.end() && it->second.size() == 1) {
      if (!app.bound) {
        app.refused[name] = "RTMR3 is not bound: " + app.why;
        continue;
      }
      const dstack::Event& ev = d.log.events[it->second[0]];
      app.values[name] = replay::AppFactValue(name, ev.payload);
      app.pointers[name] = "dstack#" + std::to_string(ev.index);
      continue;
    }
    if (it != index.end()) {
      std::string where;
      for (size_t i : it->second)
        where += (where.empty() ? "" : ", ") + std::string("dstack#") + std::to_string(i);
      app.refused[name] = "logged " + std::to_string(it->second.size()) + " times on RTMR3 (" +
                          where + "): no value is taken";
      continue;
    }
    // Not logged by a verified RTMR3 runtime event: say what there is.
    for (const replay::DstackEventOutcome& o : d.log.replay.events) {
      const dstack::Event& ev = d.log.events[o.index];
      if (!o.runtime || ev.event != name) continue;
      const std::string at = "dstack#" + std::to_string(o.index);
      if (o.check != replay::DigestCheck::kVerified) {
        app.refused[name] = at + ": its digest is not the one its data gives";
      } else if (o.rtmr != 3) {
        app.refused[name] = at + ": logged on rtmr" + std::to_string(o.rtmr) + ", not RTMR3";
      }
    }
  }
}

// --- IMA -----------------------------------------------------------------------

struct ImaOutcome {
  std::optional<result::RegisterComparison> rtmr2;  // the prefix match
  replay::RegisterSet registers;
  LogFact log;
};

// Most bytes of the last entry a state anchors (a large ima-buf record).
constexpr uint64_t kMaxAnchorLen = uint64_t{16} << 20;

const char* ImaListFormatName(ima::LogFormat f) {
  return f == ima::LogFormat::kAscii ? "ima-ascii" : "ima-binary";
}

Status ImaStateRefused(const std::string& why) {
  return Status(ErrorCode::kBadValue, "IMA state refused: " + why).WithField("ima_state");
}

// SHA-256 of bytes [from, to) of the list, or nullopt when the list ends
// before `to`. REQUIRES: from < to, to - from <= kMaxAnchorLen.
Result<std::optional<Digest>> ListBytesDigest(const bundle::Evidence& e, uint64_t from,
                                              uint64_t to) {
  CCV_ASSIGN_OR_RETURN(InputFile file, bundle::OpenEvidenceFile(e, *e.ima));
  if (file.size() < to) return std::optional<Digest>();
  CCV_RETURN_IF_ERROR(file.Seek(from));
  std::vector<uint8_t> buf(to - from);
  size_t have = 0;
  while (have < buf.size()) {
    CCV_ASSIGN_OR_RETURN(size_t n, file.Read(buf.data() + have, buf.size() - have));
    if (n == 0) return std::optional<Digest>();
    have += n;
  }
  return std::optional<Digest>(crypto::Hash(HashAlg::kSha256, buf));
}

// Why the (authentic) state `s` does not apply to this list, or "" when it
// does: the list's form and register, the boot it continues, and the entry
// that ends before the state's offset must all be the state's. Errors: I/O.
Result<std::string> ImaStateMismatch(const replay::ImaState& s, const bundle::Evidence& e,
                                     const ima::ReadOptions& read, RegisterId reg,
                                     const std::optional<ima::ImaListHead>& head,
                                     const Digest& boot) {
  if (s.format != ImaListFormatName(read.format)) {
    return "the state is of an " + s.format + " list, " + *e.ima + " is " +
           ImaListFormatName(read.format);
  }
  if (s.reg != reg) {
    return "the state replays " + s.reg.Name() + ", the list extends " + reg.Name();
  }
  const std::optional<HashAlg> listed =
      head ? std::optional<HashAlg>(head->listed_alg) : read.listed_hash_alg;
  if (listed && *listed != s.listed_alg) {
    return "the state's template hashes are " + std::string(HashAlgName(s.listed_alg)) +
           ", the list's are " + std::string(HashAlgName(*listed));
  }
  if (s.big_endian != (read.endian == ima::Endian::kBig)) return "the state's byte order differs";
  if (s.boot != boot) {
    return "the boot-time registers the list continues from differ from the state's (the "
           "machine rebooted, or the evidence is another machine's)";
  }
  if (s.offset - s.anchor_offset > kMaxAnchorLen) return "the state's last entry is too long";
  CCV_ASSIGN_OR_RETURN(InputFile file, bundle::OpenEvidenceFile(e, *e.ima));
  if (file.size() < s.offset) {
    return "the list holds " + std::to_string(file.size()) + " bytes, fewer than the " +
           std::to_string(s.offset) + " the state replayed (the list was truncated or rotated)";
  }
  CCV_ASSIGN_OR_RETURN(std::optional<Digest> anchor, ListBytesDigest(e, s.anchor_offset, s.offset));
  if (!anchor || *anchor != s.anchor) {
    return "ima#" + std::to_string(s.entries - 1) + " (bytes " + std::to_string(s.anchor_offset) +
           ".." + std::to_string(s.offset) +
           ") is not the entry the state ended with (the list was rotated or rewritten)";
  }
  return std::string();
}

// After a resumed replay of `r` from state `s`: how many of the new entries
// replay, from the state's values, to the quoted register in every bank the
// state holds; nullopt (with *why) when some bank does not reach it.
std::optional<uint64_t> ResumeReach(const replay::ImaState& s, const replay::ImaReplayResult& r,
                                    const replay::RegisterSet& quoted, std::string* why) {
  std::optional<uint64_t> n;
  for (const Digest& v : s.values) {
    const std::string bank = s.reg.Name() + " " + std::string(HashAlgName(v.alg));
    std::optional<Digest> q = quoted.Get(s.reg, v.alg);
    if (!q) {
      *why = "no authenticated quote gives " + bank;
      return std::nullopt;
    }
    uint64_t m = 0;
    if (r.entries == 0) {
      if (*q != v) {
        *why = "the quoted " + bank + " is not the state's, and the list has no entry after it";
        return std::nullopt;
      }
    } else {
      const replay::PrefixMatch* p = nullptr;
      for (const replay::PrefixMatch& x : r.prefix) {
        if (x.reg == s.reg && x.alg == v.alg) p = &x;
      }
      if (p == nullptr || !p->found) {
        *why = "the state's " + bank + " and the " + std::to_string(r.entries) +
               " entries after it do not replay to the quoted value (an entry before the "
               "state's offset changed, the list was rotated or the machine rebooted)";
        return std::nullopt;
      }
      m = p->matched_entries;
    }
    if (n && *n != m) {
      *why = "the banks of " + s.reg.Name() + " reach the quote after different entries";
      return std::nullopt;
    }
    n = m;
  }
  if (!n) *why = "the state holds no register value";
  return n;
}

}  // namespace

Status ImaStateFitsPolicy(const policy::Policy* pol) {
  if (pol != nullptr && (pol->ima.present || pol->containers || pol->kernel)) {
    return Status(ErrorCode::kInvalidArgument,
                  "--ima-state cannot be used with a policy that judges IMA entries (ima:, "
                  "kernel:, containers:): an incremental replay does not see the entries "
                  "before the state's offset");
  }
  return Status::Ok();
}

namespace {

// `tpm_quoted`: PCR values verified TPM quotes authenticate (PCR10 binds
// a list on PCR10, PCR0-9 are what boot_aggregate is checked against).
// With a policy whose ima.signatures checks signatures, every file entry's
// signature is checked against the policy's keys and the keys that bound
// ima-buf records before it loaded into a keyring the policy trusts (in
// list order, as the kernel and keylime learn them): an unbound record's
// key never counts.
// With o.ima_resume, the entries before the state's offset are neither read
// nor judged: they were bound in the run that wrote the state, and the
// state's register values, which the new entries must continue to the quote,
// stand for them.
Result<ImaOutcome> ImaFacts(const bundle::Evidence& e, const replay::RegisterSet& boot_regs,
                            bool have_ccel, const tpm::PcrValues& tpm_quoted,
                            const policy::Policy* pol, const VerifyOptions& o, Facts* f) {
  const bool with_state = o.ima_state || o.ima_resume != nullptr;
  if (with_state) CCV_RETURN_IF_ERROR(ImaStateFitsPolicy(pol));
  ImaOutcome out;
  out.log.name = "ima";
  out.log.path = *e.ima;
  // Streamed (the first entry, the replay, then the entries): memory stays
  // bounded.
  ima::ReadOptions read;
  {
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource probe, bundle::OpenEvidenceChunks(e, *e.ima));
    uint8_t head[64];
    CCV_ASSIGN_OR_RETURN(size_t n, probe(head));
    read.format = ima::DetectLogFormat(Bytes(head, n));
    read.listed_hash_alg = ima::ListedHashAlgOfFileName(*e.ima);  // per-bank lists
  }
  std::optional<ima::ImaListHead> head;
  if (!e.ima_register || with_state) {
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource head_source, bundle::OpenEvidenceChunks(e, *e.ima));
    ima::ReadOptions head_read = read;
    head_read.initial_buffer = size_t{64} << 10;  // grows for a longer first entry
    Result<std::optional<ima::ImaListHead>> h =
        ima::ReadImaListHead(std::move(head_source), head_read);
    if (!h.ok()) return h.status().WithFileIfUnset(*e.ima);
    head = *h;
  }
  const RegisterId reg = ima::ImaRegisterOf(e.ima_register, f->quote.present || have_ccel, head);
  if (!ima::IsImaRegister(reg)) {
    return Status(ErrorCode::kBadValue,
                  "the IMA list extends " + reg.Name() +
                      "; the verifier replays IMA into rtmr2 (TDX) or pcr10 (TPM)")
        .WithField(e.ima_register ? "ima.register" : "pcr")
        .WithFileIfUnset(*e.ima);
  }
  const bool rtmr = reg.kind == RegisterId::Kind::kRtmr;
  replay::ImaReplayOptions ro;
  ro.num_threads = o.replay_threads;
  ro.register_kind = reg.kind;
  ro.register_index = reg.index;
  if (rtmr) {
    auto init = boot_regs.Get(kRtmr2, HashAlg::kSha384);
    ro.initial.Set(kRtmr2, init ? *init : Digest::Zero(HashAlg::kSha384));
    if (f->quote.present) {
      ro.quoted.Set(kRtmr2, Sha384Of(f->quote.rtmr[2]));
      if (have_ccel) {
        replay::RegisterSet boot;
        boot.Set(RegisterId::Mrtd(), Sha384Of(f->quote.mr_td));
        for (uint32_t i = 0; i < 3; ++i) {
          auto v = boot_regs.Get(RegisterId::Rtmr(i), HashAlg::kSha384);
          boot.Set(RegisterId::Rtmr(i), v ? *v : Digest::Zero(HashAlg::kSha384));
        }
        ro.boot_registers = boot;
      }
    }
  } else {
    // PCR0-9: the values a verified TPM quote authenticates, else the TPM
    // log's replay (boot_aggregate is then only consistent, not bound).
    replay::RegisterSet pcrs;
    bool quoted_boot = false;
    for (const auto& [bank, values] : tpm_quoted.banks()) {
      for (const auto& [index, d] : values) {
        if (index <= 9) {
          pcrs.Set(RegisterId::Pcr(index), d);
          quoted_boot = true;
        }
      }
    }
    if (quoted_boot) {
      ro.boot_registers = pcrs;
    } else if (!boot_regs.empty()) {
      ro.boot_registers = boot_regs;  // TPM PCRs from the TPM log
    }
    for (HashAlg bank : replay::DefaultImaBanks(RegisterId::Kind::kPcr)) {
      if (auto q = tpm_quoted.Get(bank, reg.index)) ro.quoted.Set(reg, *q);
    }
  }
  // The boot the list continues: its initial register and boot_aggregate
  // inputs. A state from another boot does not apply.
  Digest boot_digest;
  {
    replay::RegisterSet boot_set = ro.boot_registers ? *ro.boot_registers : replay::RegisterSet();
    for (const auto& [r, banks] : ro.initial.registers()) {
      for (const auto& [alg, d] : banks) boot_set.Set(r, d);
    }
    boot_digest = replay::BootRegistersDigest(boot_set);
  }
  std::optional<result::ImaResumeFact> resume_fact;
  if (with_state) resume_fact.emplace();
  const replay::ImaState* st = o.ima_resume.get();
  if (st != nullptr) {
    CCV_ASSIGN_OR_RETURN(std::string why, ImaStateMismatch(*st, e, read, reg, head, boot_digest));
    if (!why.empty()) {
      if (!o.ima_resume_fallback) return ImaStateRefused(why);
      resume_fact->refused = why;
      st = nullptr;
    }
  }
  // What the policy may judge of each entry (path, file digest, buffer,
  // signature): its fact. `bound`: the quote covers the entry.
  std::vector<ima::DecodedField> fields;
  std::map<std::string, uint64_t> unknown_algs;  // algorithm name -> entries
  const bool check_sigs = pol != nullptr && pol->ima.present && pol->ima.ChecksSignatures();
  std::vector<crypto::ImaKey> sig_keys;
  if (check_sigs) {
    f->ima_signatures_checked = true;
    sig_keys = pol->ima.keys;
  }
  // Fills a fresh fact in place: a fact is large (strings, vectors), and an
  // IMA list has many entries.
  auto fill_fact = [&](result::ImaEntryFact& fact, const ima::Entry& en, bool bound) {
    fact.index = en.index;
    fact.bound = bound;
    fact.template_name.assign(en.template_name);
    if (en.desc != nullptr &&
        ima::DecodeTemplateDataInto(en.desc, en.template_data, en.template_data_offset, read.endian,
                                    &fields)
            .ok()) {
      if (check_sigs && !en.violation()) {
        replay::ImaEntrySig sig = replay::CheckEntrySignature(en, fields, sig_keys);
        fact.buffer = sig.buffer;
        if (sig.is_load) {
          result::ImaKeyLoadFact load;
          load.index = en.index;
          load.keyring = sig.load.keyring;
          load.subject = sig.load.subject;
          load.keyid = sig.load.keyid;
          load.bound = fact.bound;
          load.trusted =
              fact.bound && pol->ima.TrustsKeyring(load.keyring) && !sig.load.keys.empty();
          if (load.trusted) {
            sig_keys.insert(sig_keys.end(), sig.load.keys.begin(), sig.load.keys.end());
          }
          f->ima_key_loads.push_back(std::move(load));
        } else if (!sig.buffer) {
          fact.sig_status = std::string(replay::ImaSigStatusName(sig.entry.status));
          fact.sig_has_keyid = sig.entry.status != replay::ImaSigStatus::kUnsigned &&
                               sig.entry.status != replay::ImaSigStatus::kMalformed;
          fact.sig_keyid = sig.entry.keyid;
          fact.sig_key = sig.entry.key;
          fact.sig_detail = sig.entry.detail;
        }
      }
      for (const ima::DecodedField& fd : fields) {
        if (fd.id == ima::FieldId::kBuf) {
          fact.buffer = true;
          fact.buffer_data.assign(fd.raw.begin(), fd.raw.end());
        }
        if (fd.id == ima::FieldId::kNNg || fd.id == ima::FieldId::kN) fact.path.assign(fd.text);
        if (fd.id == ima::FieldId::kDNg || fd.id == ima::FieldId::kDNgV2 ||
            fd.id == ima::FieldId::kD) {
          fact.file_alg.assign(fd.algo);
          fact.file_alg_known = fd.algo_known;
          fact.file_digest.assign(fd.digest.begin(), fd.digest.end());
        }
      }
    }
    if (!fact.file_alg_known) ++unknown_algs[fact.file_alg];
    if (fact.buffer && fact.file_alg_known) {
      // ima-buf: d-ng is the hash of the buffer (process_buffer_measurement).
      if (std::optional<HashAlg> alg = HashAlgFromName(fact.file_alg)) {
        Digest d = crypto::Hash(*alg, fact.buffer_data);
        fact.buffer_digest_verified =
            d.span().size() == fact.file_digest.size() &&
            std::equal(fact.file_digest.begin(), fact.file_digest.end(), d.span().begin());
      }
    }
  };
  // Without a state or signatures to check, nothing about an entry depends
  // on what the replay finds but `bound`: the facts are taken in the
  // replay's pass over the list and marked bound after it. Otherwise (a
  // key load is trusted only when bound; a state needs the bound prefix's
  // offsets) the list is read again once the covered prefix is known.
  const bool one_pass = !with_state && !check_sigs;
  const size_t first_fact = f->ima.size();
  std::function<void(std::span<const ima::Entry>)> collect;
  if (one_pass) {
    // The number of entries is not known before the pass: a guess from the
    // list's size (an entry takes about 100 to 300 bytes in either format)
    // spares most of the vector's growth; a wrong guess costs only growth.
    CCV_ASSIGN_OR_RETURN(std::unique_ptr<bundle::FileSource> list,
                         bundle::OpenEvidenceSource(e, *e.ima));
    if (std::optional<uint64_t> size = list->SizeHint()) {
      f->ima.reserve(f->ima.size() + size_t(std::min<uint64_t>(*size / 128, uint64_t{1} << 24)));
    }
    collect = [&](std::span<const ima::Entry> entries) {
      for (const ima::Entry& en : entries) fill_fact(f->ima.emplace_back(), en, false);
    };
  }
  // The replay: from the state's offset and values, or of the whole list.
  auto replay_list = [&](const replay::ImaState* from) -> Result<replay::ImaReplayResult> {
    ima::ReadOptions rd = read;
    replay::ImaReplayOptions opts = ro;
    if (from != nullptr) {
      // Entries added since the last attestation: few, so a small buffer
      // (it grows) and no extend thread.
      rd.initial_buffer = size_t{64} << 10;
      opts.num_threads = 1;
      rd.start_offset = from->offset;
      rd.start_index = from->entries;
      rd.start_line = from->line;
      rd.listed_hash_alg = from->listed_alg;
      opts.banks.clear();
      opts.initial = replay::RegisterSet();
      for (const Digest& v : from->values) {
        opts.banks.push_back(v.alg);
        opts.initial.Set(reg, v);
      }
      opts.boot_registers.reset();  // entry 0 is not replayed
    }
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource source,
                         bundle::OpenEvidenceChunks(e, *e.ima, from ? from->offset : 0));
    ima::LogReader reader(std::move(source), rd);
    auto r = replay::ReplayIma(&reader, opts, from == nullptr ? collect : nullptr);
    if (!r.ok()) return r.status().WithFileIfUnset(*e.ima);
    return r;
  };
  CCV_ASSIGN_OR_RETURN(replay::ImaReplayResult res, replay_list(st));
  if (st != nullptr && res.listed_alg && *res.listed_alg != st->listed_alg) {
    // As a full replay finds it: an input error, not a stale state.
    return Status(ErrorCode::kBadValue, "listed template hash algorithm changes within the list (" +
                                            std::string(HashAlgName(st->listed_alg)) +
                                            " before ima#" + std::to_string(st->entries) + ", " +
                                            std::string(HashAlgName(*res.listed_alg)) + " after)")
        .WithField("template_hash")
        .WithFileIfUnset(*e.ima);
  }
  std::optional<uint64_t> reach;
  if (st != nullptr) {
    std::string why;
    reach = ResumeReach(*st, res, ro.quoted, &why);
    if (!reach && rtmr && !have_ccel) why = "no CCEL: the boot-time RTMR2 is unknown";
    if (!reach) {
      if (!o.ima_resume_fallback) return ImaStateRefused(why);
      resume_fact->refused = why;
      st = nullptr;
      CCV_ASSIGN_OR_RETURN(res, replay_list(nullptr));
    }
  }
  const replay::ImaReplayResult* r = &res;
  const uint64_t base = st ? st->entries : 0;  // entries the state stands for
  const uint64_t total = base + r->entries;
  if (resume_fact && st != nullptr) {
    resume_fact->incremental = true;
    resume_fact->from_entry = st->entries;
    resume_fact->from_offset = st->offset;
  }
  f->ima_present = true;
  out.registers = r->registers;
  out.log.registers.push_back(reg.Name());
  out.log.events = total;
  // Template hashes.
  const std::string before_state = st ? "; ima#0..ima#" + std::to_string(base - 1) +
                                            " verified by the run that wrote the IMA state"
                                      : "";
  if (r->hashes_mismatched == 0) {
    f->checks.push_back(
        MakeCheck("ima.template_hashes", Verdict::kPass,
                  std::to_string(r->hashes_verified) + " template hash(es) verified, " +
                      std::to_string(r->violations) + " violation(s)" + before_state));
  } else {
    std::string list;
    for (const auto& x : r->findings) {
      if (x.kind != "template_hash_mismatch") continue;
      if (list.size() > 200) break;
      list += (list.empty() ? "" : ", ") + std::string("ima#") + std::to_string(x.index);
    }
    f->checks.push_back(
        MakeCheck("ima.template_hashes", Verdict::kFail,
                  std::to_string(r->hashes_mismatched) +
                      " entries whose template hash is not the hash of their data: " + list));
  }
  Verdict ba_verdict = Verdict::kSkipped;
  std::string ba_detail;
  if (st != nullptr) {
    // Entry 0 was checked by the run that wrote the state, against the
    // boot-time registers this run has too (the state's boot digest).
    ba_verdict = st->boot_aggregate == "pass"   ? Verdict::kPass
                 : st->boot_aggregate == "fail" ? Verdict::kFail
                                                : Verdict::kSkipped;
    ba_detail = st->boot_aggregate_detail + " (checked by the run that wrote the IMA state)";
  } else {
    const replay::BootAggregateCheck& ba = r->boot_aggregate;
    if (ba.status == replay::CheckStatus::kPass) {
      ba_verdict = Verdict::kPass;
      ba_detail = "boot_aggregate = " + ba.form;
    } else if (ba.status == replay::CheckStatus::kFail) {
      ba_verdict = Verdict::kFail;
      ba_detail = "ima#" + std::to_string(ba.index) + " boot_aggregate " + ba.listed + " is not " +
                  ba.form + " = " + ba.expected;
    } else {
      ba_detail = ba.why.empty() ? std::string("not checked") : ba.why;
    }
  }
  f->checks.push_back(MakeCheck("ima.boot_aggregate", ba_verdict, ba_detail));
  // Which entries the quote covers: with RTMR2, the first N entries whose
  // replay from the boot-time value gives the quoted RTMR2.
  uint64_t covered = 0;
  bool bound = false;
  // The banks whose quoted value the first `covered` entries give.
  std::vector<Digest> covered_values;
  auto added_after = [&](uint64_t n) {
    return n < total ? "; " + std::to_string(total - n) +
                           " entries were added after the quote and are not bound"
                     : std::string();
  };
  if (st != nullptr) {
    covered = base + *reach;
    bound = true;
    covered_values = st->values;
    for (Digest& v : covered_values) v = *ro.quoted.Get(reg, v.alg);
    out.log.why = "resumed from the IMA state at ima#" + std::to_string(base) + ": the first " +
                  std::to_string(covered) + " entries replay to the quoted " + reg.Name() +
                  added_after(covered);
    if (rtmr) {
      result::RegisterComparison c;
      c.reg = kRtmr2.Name();
      c.quoted = ToHex(f->quote.rtmr[2]);
      c.replayed = c.quoted;
      c.matches = true;
      c.detail = "the IMA state's RTMR2 (ima#" + std::to_string(base) + ") and " +
                 std::to_string(*reach) + " entries after it match" + added_after(covered);
      out.rtmr2 = c;
    }
    for (const Digest& v : covered_values) out.registers.Set(reg, v);
  } else if (!rtmr) {
    out.log.why = "IMA extends " + reg.Name() + ", which only a TPM quote binds, and " +
                  (f->tpm.present ? "no verified TPM quote selects it" : "the evidence has none");
    // Every bank a verified quote gives must find the same prefix.
    std::optional<uint64_t> n;
    std::string missed;
    for (const replay::PrefixMatch& p : r->prefix) {
      if (p.reg != reg) continue;
      if (!p.found) {
        missed +=
            (missed.empty() ? "" : "; ") + std::string(HashAlgName(p.alg)) + ": " + p.Describe();
        continue;
      }
      n = n ? std::min(*n, p.matched_entries) : p.matched_entries;
    }
    if (!missed.empty()) {
      out.log.why = "the list does not replay to the quoted " + reg.Name() + ": " + missed;
    } else if (n) {
      covered = *n;
      bound = covered > 0;
      out.log.why = "the first " + std::to_string(covered) + " entries replay to the " +
                    reg.Name() + " a verified TPM quote carries" + added_after(covered);
      for (const replay::PrefixMatch& p : r->prefix) {
        if (p.reg == reg && p.matched_entries == covered) {
          covered_values.push_back(*ro.quoted.Get(reg, p.alg));
        }
      }
    }
  } else if (!f->quote.present) {
    out.log.why = "no TD quote";
  }
  for (const replay::PrefixMatch& p : r->prefix) {
    if (st != nullptr || p.reg != kRtmr2) continue;
    result::RegisterComparison c;
    c.reg = kRtmr2.Name();
    c.quoted = ToHex(f->quote.rtmr[2]);
    c.matches = p.found;
    c.detail = p.Describe();
    if (!have_ccel) {
      c.matches = false;
      c.detail = "no CCEL: the boot-time RTMR2 value the IMA list continues from is unknown";
    }
    if (c.matches) {
      c.replayed = c.quoted;
      covered = p.matched_entries;
      bound = true;
      covered_values = {Sha384Of(f->quote.rtmr[2])};
      out.log.why = "the first " + std::to_string(covered) + " entries replay to the quoted RTMR2" +
                    added_after(covered);
    } else {
      auto v = r->registers.Get(kRtmr2, HashAlg::kSha384);
      c.replayed = v ? ToHex(v->span()) : "";
      out.log.why = "the list does not replay to the quoted RTMR2: " + c.detail;
    }
    auto full = r->registers.Get(kRtmr2, HashAlg::kSha384);
    if (c.matches)
      out.registers.Set(kRtmr2, Sha384Of(f->quote.rtmr[2]));
    else if (full)
      out.registers.Set(kRtmr2, *full);
    out.rtmr2 = c;
  }
  out.log.bound = bound;
  out.log.bound_events = covered;
  // The entries (path and file digest) the policy may judge: bound ones only.
  // Also where the bound prefix ends, for the state of the next run.
  std::optional<uint64_t> last_bound_offset, next_offset, next_line;
  if (one_pass) {
    for (size_t i = first_fact; i < f->ima.size(); ++i) f->ima[i].bound = f->ima[i].index < covered;
  } else {
    CCV_ASSIGN_OR_RETURN(ima::ChunkSource entries_source,
                         bundle::OpenEvidenceChunks(e, *e.ima, st ? st->offset : 0));
    ima::ReadOptions entries_read = read;
    if (st != nullptr) {
      entries_read.initial_buffer = size_t{64} << 10;
      entries_read.start_offset = st->offset;
      entries_read.start_index = st->entries;
      entries_read.start_line = st->line;
      entries_read.listed_hash_alg = st->listed_alg;
    }
    ima::LogReader reader(std::move(entries_source), entries_read);
    std::vector<ima::Entry> batch;
    f->ima.reserve(f->ima.size() + total);
    while (true) {
      Status s = reader.NextBatch(&batch);
      if (!s.ok()) return s.WithFileIfUnset(*e.ima);
      if (batch.empty()) break;
      for (const ima::Entry& en : batch) {
        if (covered > 0 && en.index == covered - 1) last_bound_offset = en.offset;
        if (en.index == covered) {
          next_offset = en.offset;
          next_line = en.line;
        }
        fill_fact(f->ima.emplace_back(), en, en.index < covered);
      }
    }
    if (reader.entries_read() != total) {
      // The list changed between its two reads.
      return Status(ErrorCode::kBadValue, "the IMA list changed while it was read")
          .WithFileIfUnset(*e.ima);
    }
    if (covered == total) {
      next_offset = reader.offset();
      next_line = reader.next_line();
    }
  }
  if (!unknown_algs.empty()) {
    // Reported, not refused: the template hash over such an entry is still
    // checked; its file digest matches no reference value of another name.
    std::string names;
    for (const auto& [name, n] : unknown_algs) {
      names += (names.empty() ? "" : ", ") + name + " (" + std::to_string(n) + ")";
    }
    out.log.why += "; file digests by algorithms no kernel table lists, kept raw: " + names;
  }
  // The state for the next run: the bound prefix, when its every entry
  // verified and it continues an accepted boot_aggregate.
  if (o.ima_state && bound && covered > 0 && r->hashes_mismatched == 0 &&
      ba_verdict != Verdict::kFail && !covered_values.empty()) {
    auto next = std::make_shared<replay::ImaState>();
    if (st != nullptr && covered == base) {
      *next = *st;  // no new bound entry
    } else if (last_bound_offset && next_offset && *last_bound_offset < *next_offset &&
               *next_offset - *last_bound_offset <= kMaxAnchorLen) {
      next->format = ImaListFormatName(read.format);
      next->reg = reg;
      next->listed_alg = st ? st->listed_alg : *r->listed_alg;
      next->big_endian = read.endian == ima::Endian::kBig;
      next->entries = covered;
      next->offset = *next_offset;
      next->line = next_line ? *next_line : 0;
      next->anchor_offset = *last_bound_offset;
      CCV_ASSIGN_OR_RETURN(std::optional<Digest> anchor,
                           ListBytesDigest(e, next->anchor_offset, next->offset));
      if (!anchor) {
        return Status(ErrorCode::kBadValue, "the IMA list changed while it was read")
            .WithFileIfUnset(*e.ima);
      }
      next->anchor = *anchor;
      next->boot = boot_digest;
      next->values = covered_values;
      next->boot_aggregate = ba_verdict == Verdict::kPass ? "pass" : "skipped";
      next->boot_aggregate_detail = st ? st->boot_aggregate_detail : ba_detail;
    } else {
      next.reset();
    }
    if (next) {
      f->ima_state_out = next;
      resume_fact->next_entries = covered;
    }
  }
  f->ima_resume = resume_fact;
  return out;
}

// --- binding -------------------------------------------------------------------

// The registers a log's facts extend, in register order. Facts name their
// register by RegisterId::Name().
std::vector<RegisterId> RegistersOf(const Facts& f, const std::string& log) {
  std::set<RegisterId> regs;
  for (const EventFact& e : f.events) {
    if (e.log != log || e.reg.empty()) continue;
    if (Result<RegisterId> reg = RegisterId::Parse(e.reg); reg.ok()) regs.insert(*reg);
  }
  return std::vector<RegisterId>(regs.begin(), regs.end());
}

// Marks the events of `log` bound where `bound_reg(reg, &why)` holds and
// returns the log's binding.
template <typename BoundReg>
LogFact BindEvents(const std::string& log, const std::string& path, Facts* f, BoundReg bound_reg) {
  LogFact l;
  l.name = log;
  l.path = path;
  std::map<std::string, bool> bound;  // by register name
  std::string unbound;
  for (RegisterId reg : RegistersOf(*f, log)) {
    std::string why;
    bool b = bound_reg(reg, &why);
    bound[reg.Name()] = b;
    l.registers.push_back(reg.Name());
    if (!b) unbound += (unbound.empty() ? "" : "; ") + reg.Name() + ": " + why;
  }
  for (EventFact& e : f->events) {
    if (e.log != log) continue;
    ++l.events;
    auto it = bound.find(e.reg);
    e.bound = it != bound.end() && it->second;
    l.bound_events += e.bound ? 1 : 0;
  }
  l.bound = unbound.empty() && !l.registers.empty();
  l.why = l.bound ? "every register it extends (" + std::to_string(l.registers.size()) +
                        ") replays to the value the TD quote carries"
          : l.registers.empty() ? "it extends no register"
                                : "not bound: " + unbound;
  return l;
}

// The <log>.bound checks, and informational logs taken out of judgement.
void BoundChecks(const policy::Policy* pol, Facts* f) {
  for (LogFact& l : f->logs) {
    bool informational = pol != nullptr && pol->logs.IsInformational(l.name);
    if (informational) {
      for (EventFact& e : f->events) {
        if (e.log == l.name) e.bound = false;
      }
      if (l.name == "ima") {
        for (result::ImaEntryFact& e : f->ima) e.bound = false;
        for (result::ImaKeyLoadFact& k : f->ima_key_loads) k.bound = k.trusted = false;
      }
      f->checks.push_back(
          MakeCheck(l.name + ".bound", Verdict::kSkipped,
                    "informational (logs.informational): reported, never judged; " + l.why));
      continue;
    }
    f->checks.push_back(MakeCheck(
        l.name + ".bound", l.bound ? Verdict::kPass : Verdict::kFail,
        l.bound ? l.why
                : l.why + " (a log nothing binds cannot be trusted: remove it, or name it in "
                          "logs.informational to have it reported only)"));
  }
}

// --- containers ---------------------------------------------------------------

// The per-container view of an ima-cgpath list and the container binding,
// for a policy with `containers:` rules.
Status ContainerFacts(const policy::Policy* pol, const bundle::Evidence& evidence, Facts* facts) {
  if (pol == nullptr || !pol->containers) return Status();
  const policy::ContainerPolicy& cp = *pol->containers;
  if (evidence.ima) {
    containers::ContainerViewOptions options;
    options.system_events = cp.system_events;
    CCV_ASSIGN_OR_RETURN(
        containers::ContainerView view,
        containers::BuildContainerViewFile(*evidence.ima, ima::ReadOptions{}, options));
    if (view.unattributed_records != 0) {
      facts->checks.push_back(
          MakeCheck("ima.container_attribution", Verdict::kFail,
                    std::to_string(view.unattributed_records) +
                        " container record(s) name no pod UID or container ID"));
    }
    facts->containers = std::make_shared<const containers::ContainerView>(std::move(view));
  }
  if (cp.binding.empty()) return Status();
  Check check;
  check.id = "containers.binding";
  std::string not_found;
  const containers::ContainerUnit* unit =
      facts->containers ? facts->containers->Find(cp.binding, nullptr, &not_found) : nullptr;
  if (!facts->quote.present) {
    check.detail = "no quote: the container binding cannot be checked";
  } else if (!facts->containers) {
    check.detail = "no ima-cgpath list: the container register cannot be computed";
  } else if (unit == nullptr) {
    check.detail =
        not_found.empty() ? "no pod or container '" + cp.binding + "' in the IMA list" : not_found;
  } else {
    containers::ReportData rd = facts->quote.report_data;
    containers::BindingCheck b = containers::CheckContainerBinding(
        rd, unit->virtual_imr3, evidence.nonce,
        evidence.user_data ? *evidence.user_data : std::vector<uint8_t>{});
    check.status = b.ok() ? Verdict::kPass : Verdict::kFail;
    check.detail = unit->id + ": " + b.detail;
    if (!b.ok() && b.status == containers::BindingStatus::kNoNonce) check.missing = "nonce";
    if (b.ok() && !evidence.report_data) {
      // The generic check expects SHA-512(nonce || user_data); a container's
      // quote carries the register in front.
      for (Check& c : facts->checks) {
        if (c.id == "report_data.binding" && c.status == Verdict::kFail) {
          c.status = Verdict::kPass;
          c.missing.clear();
          c.detail =
              "bound through the virtual IMR3 of " + unit->id +
              " (REPORTDATA = SHA-512(IMR3 || nonce || user_data)); " +
              (evidence.binding_from_verifier ? "nonce given by the verifier"
                                              : "nonce taken from the bundle, not the verifier's");
        }
      }
    }
  }
  facts->checks.push_back(std::move(check));
  return Status();
}

void AddReplayed(const replay::RegisterSet& regs, Facts* f) {
  for (const auto& [name, banks] : regs.registers()) {
    for (const auto& [alg, d] : banks) f->replayed.Set(name, d);
  }
}

}  // namespace

Result<Facts> CollectFacts(const bundle::Evidence& e, const VerifyOptions& o,
                           const policy::Policy* pol) {
  Facts f;
  QuoteOutcome quote;
  CCV_RETURN_IF_ERROR(QuoteFacts(e, o, pol, &f, &quote));
  CCV_ASSIGN_OR_RETURN(std::optional<HclAk> hcl, HclAkFacts(e, quote, &f));
  // The boot-time RTMRs: the CCEL's replay, or that of a CEL standing in.
  replay::RegisterSet boot_regs;
  std::string boot_log;  // "ccel", "cel" or ""
  if (e.ccel_data) {
    CCV_RETURN_IF_ERROR(CcelTableCheck(e, &f));
    CCV_ASSIGN_OR_RETURN(TcgLogOutcome out,
                         ReplayLog(e, *e.ccel_data, "ccel", replay::RegisterSpace::kCcMr, &f));
    boot_regs = out.registers;
    boot_log = "ccel";
    EventDigestsCheck("ccel", pol, &f);
  }
  replay::RegisterSet tpm_regs;
  if (e.tpm_eventlog) {
    CCV_ASSIGN_OR_RETURN(TcgLogOutcome out,
                         ReplayLog(e, *e.tpm_eventlog, "tpm", replay::RegisterSpace::kTpmPcr, &f));
    tpm_regs = out.registers;
    EventDigestsCheck("tpm", pol, &f);
  }
  CCV_ASSIGN_OR_RETURN(tpm::PcrValues tpm_quoted,
                       TpmQuoteFacts(e, o, pol, e.tpm_eventlog ? &tpm_regs : nullptr, hcl, &f));
  replay::RegisterSet cel_regs;
  if (e.cel) {
    CCV_ASSIGN_OR_RETURN(cel_regs, CelFacts(e, *e.cel, &f));
    EventDigestsCheck("cel", pol, &f);
    bool has_rtmr = false;
    for (const auto& [reg, banks] : cel_regs.registers())
      has_rtmr |= reg.kind == RegisterId::Kind::kRtmr;
    if (boot_log.empty() && has_rtmr) {
      // A CEL of the CC measurement registers stands in for the CCEL.
      boot_regs = cel_regs;
      boot_log = "cel";
    }
  }
  std::optional<DstackOutcome> dstack;
  if (e.dstack_event_log) {
    CCV_ASSIGN_OR_RETURN(DstackOutcome out, DstackFacts(e, *e.dstack_event_log, &f));
    EventDigestsCheck("dstack", pol, &f);
    const replay::RegisterSet& regs = out.log.replay.registers;
    if (boot_log.empty()) {
      // Its boot events stand in for the CCEL.
      boot_regs = regs;
      boot_log = "dstack";
    } else if (auto v = regs.Get(RegisterId::Rtmr(3), HashAlg::kSha384)) {
      // RTMR3 holds the runtime events: the dstack log's replay of it counts.
      boot_regs.Set(RegisterId::Rtmr(3), *v);
    }
    dstack = std::move(out);
  }
  const bool have_boot = !boot_log.empty();
  std::optional<ImaOutcome> ima;
  if (e.ima) {
    CCV_ASSIGN_OR_RETURN(ImaOutcome out, ImaFacts(e, have_boot ? boot_regs : tpm_regs, have_boot,
                                                  tpm_quoted, pol, o, &f));
    ima = std::move(out);
  }
  // All four RTMRs against the quote: a register no log extends replays as
  // zero, so a quote whose logs were removed does not pass.
  if (f.quote.present) {
    for (uint32_t i = 0; i < kNumRtmrs; ++i) {
      const RegisterId reg = RegisterId::Rtmr(i);
      result::RegisterComparison c;
      if (i == 2 && ima && ima->rtmr2) {
        c = *ima->rtmr2;
      } else {
        auto v = boot_regs.Get(reg, HashAlg::kSha384);
        Digest d = v ? *v : Digest::Zero(HashAlg::kSha384);
        c.reg = reg.Name();
        c.replayed = ToHex(d.span());
        c.quoted = ToHex(f.quote.rtmr[i]);
        c.matches = c.replayed == c.quoted;
        const std::string from =
            i == 3 && dstack && dstack->log.replay.registers.Has(reg) ? "dstack" : boot_log;
        c.detail = c.matches
                       ? (v ? "the " + from + " replay reproduces the quoted value"
                            : "no logged event extends it; the quote holds zero")
                       : (v ? "the " + from + " replay differs from the quoted value"
                            : "no logged event extends it, but the quote holds a non-zero value");
        if (!v) f.replayed.Set(reg, d);
      }
      f.comparisons.push_back(c);
      f.checks.push_back(MakeCheck(
          "replay." + reg.Name(), c.matches ? Verdict::kPass : Verdict::kFail,
          c.detail + (c.matches ? "" : " (replayed " + c.replayed + ", quoted " + c.quoted + ")")));
    }
  }
  // Provenance: a fact is bound when its register replays to the quote.
  auto quoted_match = [&](RegisterId reg, std::string* why) {
    if (!f.quote.present) {
      *why = "no TD quote";
      return false;
    }
    if (reg.kind != RegisterId::Kind::kRtmr) {
      *why = "only a TPM quote binds PCRs, and the evidence has none";
      return false;
    }
    for (const result::RegisterComparison& c : f.comparisons) {
      if (c.reg == reg.Name()) {
        if (!c.matches) *why = "its replay differs from the quoted value";
        return c.matches;
      }
    }
    *why = "not compared with the quote";
    return false;
  };
  if (e.ccel_data) f.logs.push_back(BindEvents("ccel", *e.ccel_data, &f, quoted_match));
  // A TPM log's PCR: bound when every bank the log extends it in replays
  // to the value a verified TPM quote authenticates.
  auto tpm_match = [&](RegisterId reg, std::string* why) {
    if (reg.kind != RegisterId::Kind::kPcr) return quoted_match(reg, why);
    if (!f.tpm.present) {
      *why = "only a TPM quote binds PCRs, and the evidence has none";
      return false;
    }
    std::string bad, unquoted;
    auto it = tpm_regs.registers().find(reg);
    if (it == tpm_regs.registers().end() || it->second.empty()) {
      *why = "not replayed";
      return false;
    }
    for (const auto& [bank, d] : it->second) {
      std::optional<Digest> q = tpm_quoted.Get(bank, reg.index);
      if (!q) {
        unquoted += (unquoted.empty() ? "" : ", ") + std::string(HashAlgName(bank));
      } else if (!(*q == d)) {
        bad += (bad.empty() ? "" : ", ") + PcrBankName(bank, reg.index) + " replays to " +
               ToHex(d.span()) + ", the quote authenticates " + ToHex(q->span());
      }
    }
    if (!unquoted.empty()) {
      bad += (bad.empty() ? "" : ", ") + std::string("no verified TPM quote authenticates its ") +
             unquoted + " bank" + (unquoted.find(',') != std::string::npos ? "s" : "");
    }
    if (!bad.empty()) *why = bad;
    return bad.empty();
  };
  if (e.tpm_eventlog) {
    LogFact l = BindEvents("tpm", *e.tpm_eventlog, &f, tpm_match);
    if (l.bound) {
      l.why = "every PCR it extends (" + std::to_string(l.registers.size()) +
              ") replays, in every bank, to the value a verified TPM quote authenticates";
    }
    f.logs.push_back(std::move(l));
  }
  if (e.cel) {
    if (boot_log == "cel") {
      f.logs.push_back(BindEvents("cel", *e.cel, &f, quoted_match));
    } else {
      // Beside a CCEL: bound where its replay equals the quoted value, or
      // the CCEL's replay of a register that is itself bound.
      auto cel_bound = [&](RegisterId reg, std::string* why) {
        auto mine = cel_regs.Get(reg, HashAlg::kSha384);
        if (!mine || reg.kind != RegisterId::Kind::kRtmr || !f.quote.present) {
          return quoted_match(reg, why);
        }
        const size_t i = reg.index;  // < kNumRtmrs: a CC MR index names it
        if (std::equal(f.quote.rtmr[i].begin(), f.quote.rtmr[i].end(), mine->bytes.begin()))
          return true;
        auto boot = boot_regs.Get(reg, HashAlg::kSha384);
        std::string ignored;
        if (boot && *boot == *mine && quoted_match(reg, &ignored)) return true;
        *why = "its replay is neither the quoted value nor the bound CCEL replay";
        return false;
      };
      f.logs.push_back(BindEvents("cel", *e.cel, &f, cel_bound));
    }
  }
  if (dstack) {
    // Bound where its own replay of a register equals the quoted value.
    auto dstack_bound = [&](RegisterId reg, std::string* why) {
      if (!f.quote.present) {
        *why = "no TD quote";
        return false;
      }
      auto mine = dstack->log.replay.registers.Get(reg, HashAlg::kSha384);
      if (!mine || reg.kind != RegisterId::Kind::kRtmr || reg.index >= kNumRtmrs) {
        *why = "not replayed";
        return false;
      }
      const auto& q = f.quote.rtmr[reg.index];
      if (std::equal(q.begin(), q.end(), mine->bytes.begin())) return true;
      // RTMR2 continued by the IMA list from this log's value: bound when the
      // list's replay from it reaches the quoted value.
      if (reg.index == 2 && boot_log == "dstack" && ima && ima->rtmr2 && ima->rtmr2->matches)
        return true;
      *why = "its replay differs from the quoted value";
      return false;
    };
    f.logs.push_back(BindEvents("dstack", *e.dstack_event_log, &f, dstack_bound));
  }
  if (ima) f.logs.push_back(ima->log);
  BoundChecks(pol, &f);
  f.boot = DeriveBootFacts(f.events);
  f.kernel = DeriveKernelFacts(f.ima);
  if (dstack) AppFactsOf(*dstack, *e.dstack_event_log, &f);
  AddReplayed(boot_regs, &f);
  AddReplayed(tpm_regs, &f);
  AddReplayed(cel_regs, &f);
  if (ima) AddReplayed(ima->registers, &f);
  CCV_RETURN_IF_ERROR(ContainerFacts(pol, e, &f));
  return f;
}

Result<Verification> Verify(const bundle::Evidence& evidence, const VerifyOptions& options,
                            const policy::Policy* policy) {
  Verification v;
  CCV_ASSIGN_OR_RETURN(v.facts, CollectFacts(evidence, options, policy));
  v.evaluation = policy::Evaluate(policy, v.facts, {options.at.seconds});
  v.outcome = v.evaluation.Outcome();
  return v;
}

}  // namespace ccv::pipeline
