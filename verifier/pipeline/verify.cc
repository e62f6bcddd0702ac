#include "verifier/pipeline/verify.h"

#include <algorithm>
#include <filesystem>

#include "parsers/ccel.h"
#include "parsers/cel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/ima_log.h"
#include "parsers/ima_template.h"
#include "parsers/tcg_event_log.h"
#include "parsers/uefi_event.h"
#include "verifier/bundle/report_data.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::pipeline {
namespace {

using result::Check;
using result::Facts;
using result::Verdict;

constexpr uint64_t kMaxQuoteLen = 1 << 20;
constexpr uint64_t kMaxCollateralLen = 16 << 20;
constexpr uint64_t kMaxLogLen = uint64_t{1} << 30;
constexpr size_t kMaxListedPointers = 10;

Check MakeCheck(std::string id, Verdict v, std::string detail, std::string missing = "") {
  Check c;
  c.id = std::move(id);
  c.status = v;
  c.detail = std::move(detail);
  c.missing = std::move(missing);
  return c;
}

Status InFile(Status s, const std::string& path) {
  return s.file().empty() ? s.WithFile(path) : s;
}

Digest Sha384Of(const std::array<uint8_t, 48>& a) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(a.begin(), a.end(), d.bytes.begin());
  return d;
}

// --- quote ---------------------------------------------------------------

Status QuoteFacts(const bundle::Evidence& e, const VerifyOptions& o, Facts* f) {
  if (!e.quote) {
    f->checks.push_back(MakeCheck("quote.present", Verdict::kFail,
                                  "the evidence has no TD quote: nothing in it is authenticated"));
    return Status::Ok();
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadFileBytes(*e.quote, kMaxQuoteLen));
  auto anchor = o.root_ca_pem ? quote::LoadTrustAnchor(*o.root_ca_pem) : quote::LoadTrustAnchor();
  if (!anchor.ok()) return anchor.status().WithContext("trust anchor");
  Result<quote::QuoteVerification> v = Status(ErrorCode::kInternal, "unset");
  if (e.collateral) {
    CCV_ASSIGN_OR_RETURN(std::string text, ReadFileText(*e.collateral, kMaxCollateralLen));
    auto coll = quote::ParseCollateralJson(text);
    if (!coll.ok()) return InFile(coll.status(), *e.collateral);
    auto prepared = quote::PrepareCollateral(*coll, std::move(*anchor), o.at);
    if (!prepared.ok()) return InFile(prepared.status(), *e.collateral);
    v = quote::VerifyQuote(bytes, *prepared);
    f->collateral.present = true;
  } else {
    v = quote::VerifyQuoteWithoutCollateral(bytes, *anchor, o.at);
  }
  if (!v.ok()) return InFile(v.status(), *e.quote);
  f->checks.push_back(MakeCheck("quote.present", Verdict::kPass, "TD quote " + *e.quote));
  f->checks.push_back(
      e.collateral ? MakeCheck("quote.collateral", Verdict::kPass, "collateral " + *e.collateral)
                   : MakeCheck("quote.collateral", Verdict::kFail,
                               "no collateral supplied: TCB status, QE identity and revocation "
                               "cannot be checked (pass --collateral, or set "
                               "platform.collateral: optional in the policy)",
                               "collateral"));
  for (const quote::Check& c : v->checks) {
    if (c.id == "tcb_status" && o.tcb_decided_by_policy) continue;
    Verdict s = c.status == quote::CheckStatus::kPass   ? Verdict::kPass
                : c.status == quote::CheckStatus::kFail ? Verdict::kFail
                                                        : Verdict::kSkipped;
    f->checks.push_back(MakeCheck("quote." + c.id, s, c.detail));
  }
  if (!v->quote.td_body) {
    f->checks.push_back(MakeCheck("quote.tee", Verdict::kFail, "not a TDX quote (no TD report body)"));
    return Status::Ok();
  }
  const parsers::TdReportBody& b = *v->quote.td_body;
  result::QuoteFacts& q = f->quote;
  q.present = true;
  q.version = v->quote.header.version;
  q.tee_tcb_svn = b.tee_tcb_svn;
  q.mr_seam = b.mr_seam;
  q.mr_signer_seam = b.mr_signer_seam;
  q.seam_attributes = b.seam_attributes;
  q.td_attributes = b.td_attributes;
  q.xfam = b.xfam;
  q.mr_td = b.mr_td;
  q.mr_config_id = b.mr_config_id;
  q.mr_owner = b.mr_owner;
  q.mr_owner_config = b.mr_owner_config;
  q.rtmr = b.rtmr;
  q.report_data = b.report_data;
  if (v->pck && v->pck->has_sgx_extensions) q.fmspc = ToHex(v->pck->fmspc);
  if (f->collateral.present && v->tcb_status) {
    f->collateral.tcb_status = std::string(quote::TcbStatusName(*v->tcb_status));
    f->collateral.advisory_ids = v->tcb.advisory_ids;
  }
  f->checks.push_back(bundle::CheckReportData(q.report_data, e.nonce, e.user_data, e.report_data,
                                              e.binding_from_verifier));
  return Status::Ok();
}

// --- TCG logs (CCEL, TPM) ----------------------------------------------------

struct TcgLogOutcome {
  replay::RegisterSet registers;
  std::vector<std::string> mismatched;  // pointers of digest mismatches
  uint64_t mismatched_count = 0;
  uint64_t verified = 0;
};

Result<TcgLogOutcome> ReplayLog(const std::string& path, const std::string& log,
                                replay::RegisterSpace space, Facts* f) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> data, ReadFileBytes(path, kMaxLogLen));
  parsers::ChunkedSource src{Bytes(data)};
  parsers::TcgEventReader reader(&src, parsers::TcgReadOptions{.ccel = space == replay::RegisterSpace::kCcMr});
  replay::TcgReplay rp(space);
  TcgLogOutcome out;
  while (true) {
    auto next = reader.Next();
    if (!next.ok()) return InFile(next.status(), path);
    const parsers::TcgEvent* ev = *next;
    if (ev == nullptr) break;
    auto check = rp.Feed(*ev);
    if (!check.ok()) return InFile(check.status().WithOffset(ev->offset), path);
    result::EventFact fact;
    fact.log = log;
    fact.index = ev->record;
    fact.type = ev->untrusted_type;
    fact.type_name = std::string(parsers::EventTypeName(ev->untrusted_type));
    bool extended = ev->untrusted_type != parsers::kEvNoAction;
    if (space == replay::RegisterSpace::kCcMr) {
      uint32_t mr = ev->untrusted_pcr_index;
      if (mr >= 1 && mr <= 4 && extended) fact.reg = "rtmr" + std::to_string(mr - 1);
    } else if (ev->untrusted_pcr_index <= 23 && extended) {
      fact.reg = "pcr" + std::to_string(ev->untrusted_pcr_index);
    }
    for (uint32_t i = 0; i < ev->num_digests; ++i) {
      auto alg = HashAlgFromTpmAlgId(ev->digests[i].algorithm_id);
      if (!alg || ev->digests[i].digest.size() != DigestLen(*alg)) continue;
      Digest d = Digest::Zero(*alg);
      std::copy(ev->digests[i].digest.begin(), ev->digests[i].digest.end(), d.bytes.begin());
      fact.digests.push_back(d);
    }
    fact.text = parsers::EventText(ev->data);
    if (*check == replay::DigestCheck::kMismatched) {
      ++out.mismatched_count;
      if (out.mismatched.size() < kMaxListedPointers) out.mismatched.push_back(fact.Pointer());
      // The event data is not what was measured: do not offer its text.
      fact.text.clear();
    } else if (*check == replay::DigestCheck::kVerified) {
      ++out.verified;
    }
    f->events.push_back(std::move(fact));
  }
  out.registers = rp.Registers();
  f->event_log_present = true;
  std::string detail = std::to_string(out.verified) + " event digest(s) verified against their data";
  if (out.mismatched_count == 0) {
    f->checks.push_back(MakeCheck(log + ".event_digests", Verdict::kPass, detail));
  } else {
    std::string list;
    for (const auto& p : out.mismatched) list += (list.empty() ? "" : ", ") + p;
    f->checks.push_back(MakeCheck(log + ".event_digests", Verdict::kFail,
                                  std::to_string(out.mismatched_count) +
                                      " event(s) whose digest is not the hash of their data: " + list));
  }
  for (const auto& [name, banks] : out.registers.registers()) {
    for (const auto& [alg, d] : banks) f->replayed.Set(name, d);
  }
  return out;
}

Status CcelTableCheck(const bundle::Evidence& e, Facts* f) {
  if (!e.ccel_table) return Status::Ok();
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> table, ReadFileBytes(*e.ccel_table, 4096));
  auto t = parsers::ParseCcelAcpiTable(table);
  if (!t.ok()) return InFile(t.status(), *e.ccel_table);
  std::error_code ec;
  uint64_t size = e.ccel_data ? std::filesystem::file_size(*e.ccel_data, ec) : 0;
  if (t->cc_type != 2) {
    f->checks.push_back(MakeCheck("ccel.table", Verdict::kFail,
                                  "ACPI CCEL table CC type " + std::to_string(t->cc_type) + " is not TDX (2)"));
  } else if (e.ccel_data && !ec && size > t->laml) {
    f->checks.push_back(MakeCheck("ccel.table", Verdict::kFail,
                                  "log area of " + std::to_string(size) + " bytes exceeds LAML " +
                                      std::to_string(t->laml)));
  } else {
    f->checks.push_back(MakeCheck("ccel.table", Verdict::kPass,
                                  "TDX CCEL table, LAML " + std::to_string(t->laml)));
  }
  return Status::Ok();
}

// --- CEL ---------------------------------------------------------------------

Result<replay::RegisterSet> CelFacts(const std::string& path, Facts* f) {
  CCV_ASSIGN_OR_RETURN(std::vector<cel::Record> records, replay::ReadCelFile(path));
  auto r = replay::ReplayCel(records);
  if (!r.ok()) return InFile(r.status(), path);
  for (const cel::Record& rec : records) {
    result::EventFact fact;
    fact.log = "cel";
    fact.index = rec.recnum;
    if (rec.index_type == cel::IndexType::kPcr && rec.index <= 23) {
      fact.reg = "pcr" + std::to_string(rec.index);
    } else if (rec.index_type == cel::IndexType::kCcmr && rec.index >= 1 && rec.index <= 4) {
      fact.reg = "rtmr" + std::to_string(rec.index - 1);
    }
    fact.digests = rec.digests;
    if (!rec.template_name.empty()) {
      fact.type_name = rec.template_name;
    } else {
      fact.type = rec.event_type;
      fact.type_name = std::string(parsers::EventTypeName(rec.event_type));
      fact.text = parsers::EventText(rec.event_data);
    }
    f->events.push_back(std::move(fact));
  }
  f->event_log_present = true;
  if (r->template_hashes_mismatched == 0) {
    f->checks.push_back(MakeCheck("cel.template_hashes", Verdict::kPass,
                                  std::to_string(r->template_hashes_verified) + " IMA template hash(es) verified"));
  } else {
    std::string list;
    for (uint64_t n : r->mismatched_recnums) {
      if (list.size() > 200) break;
      list += (list.empty() ? "" : ", ") + std::string("cel#") + std::to_string(n);
    }
    f->checks.push_back(MakeCheck("cel.template_hashes", Verdict::kFail,
                                  std::to_string(r->template_hashes_mismatched) +
                                      " IMA record(s) whose digest is not the hash of their template data: " + list));
  }
  for (const auto& [name, banks] : r->registers.registers()) {
    for (const auto& [alg, d] : banks) f->replayed.Set(name, d);
  }
  return r->registers;
}

// --- IMA -----------------------------------------------------------------------

Status ImaFacts(const bundle::Evidence& e, const replay::RegisterSet& ccel_regs, bool have_ccel,
                Facts* f, std::optional<result::RegisterComparison>* out_rtmr2) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> data, ReadFileBytes(*e.ima, kMaxLogLen));
  ima::ReadOptions read;
  read.format = ima::DetectLogFormat(Bytes(data).first(std::min<size_t>(data.size(), 64)));
  bool rtmr = e.ima_register.rfind("rtmr", 0) == 0 ||
              (e.ima_register.empty() && (f->quote.present || have_ccel));
  replay::ImaReplayOptions ro;
  ro.register_kind = rtmr ? replay::ImaRegisterKind::kRtmr : replay::ImaRegisterKind::kPcr;
  if (rtmr) {
    auto init = ccel_regs.Get("rtmr2", HashAlg::kSha384);
    ro.initial.Set("rtmr2", init ? *init : Digest::Zero(HashAlg::kSha384));
    if (f->quote.present) {
      ro.quoted.Set("rtmr2", Sha384Of(f->quote.rtmr[2]));
      if (have_ccel) {
        replay::RegisterSet boot;
        boot.Set("mrtd", Sha384Of(f->quote.mr_td));
        for (int i = 0; i < 3; ++i) {
          std::string r = "rtmr" + std::to_string(i);
          auto v = ccel_regs.Get(r, HashAlg::kSha384);
          boot.Set(r, v ? *v : Digest::Zero(HashAlg::kSha384));
        }
        ro.boot_registers = boot;
      }
    }
  } else if (have_ccel || !ccel_regs.empty()) {
    ro.boot_registers = ccel_regs;  // TPM PCRs from the TPM log
  }
  auto r = replay::ReplayImaBytes(data, read, ro);
  if (!r.ok()) return InFile(r.status(), *e.ima);
  f->ima_present = true;
  if (!rtmr || !f->quote.present) {
    for (const auto& [name, banks] : r->registers.registers()) {
      for (const auto& [alg, d] : banks) f->replayed.Set(name, d);
    }
  }
  // Template hashes.
  if (r->hashes_mismatched == 0) {
    f->checks.push_back(MakeCheck("ima.template_hashes", Verdict::kPass,
                                  std::to_string(r->hashes_verified) + " template hash(es) verified, " +
                                      std::to_string(r->violations) + " violation(s)"));
  } else {
    std::string list;
    for (const auto& x : r->findings) {
      if (x.kind != "template_hash_mismatch") continue;
      if (list.size() > 200) break;
      list += (list.empty() ? "" : ", ") + std::string("ima#") + std::to_string(x.index);
    }
    f->checks.push_back(MakeCheck("ima.template_hashes", Verdict::kFail,
                                  std::to_string(r->hashes_mismatched) +
                                      " entries whose template hash is not the hash of their data: " + list));
  }
  const replay::BootAggregateCheck& ba = r->boot_aggregate;
  if (ba.status == replay::CheckStatus::kMatch) {
    f->checks.push_back(MakeCheck("ima.boot_aggregate", Verdict::kPass, "boot_aggregate = " + ba.form));
  } else if (ba.status == replay::CheckStatus::kMismatch) {
    f->checks.push_back(MakeCheck("ima.boot_aggregate", Verdict::kFail,
                                  "ima#" + std::to_string(ba.index) + " boot_aggregate " + ba.listed +
                                      " is not " + ba.form + " = " + ba.expected));
  } else {
    f->checks.push_back(MakeCheck("ima.boot_aggregate", Verdict::kSkipped,
                                  ba.why.empty() ? std::string("not checked") : ba.why));
  }
  // Prefix match against the quoted RTMR2.
  uint64_t covered = r->entries;
  for (const replay::PrefixMatch& p : r->prefix) {
    if (p.reg != "rtmr2") continue;
    result::RegisterComparison c;
    c.reg = "rtmr2";
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
    } else {
      auto v = r->registers.Get("rtmr2", HashAlg::kSha384);
      c.replayed = v ? ToHex(v->span()) : "";
    }
    auto full = r->registers.Get("rtmr2", HashAlg::kSha384);
    if (c.matches) f->replayed.Set("rtmr2", Sha384Of(f->quote.rtmr[2]));
    else if (full) f->replayed.Set("rtmr2", *full);
    *out_rtmr2 = c;
  }
  // The entries (path and file digest) the policy judges: only those the
  // quote covers when the prefix matched.
  ima::LogReader reader(ima::SpanSource(data), read);
  std::vector<ima::Entry> batch;
  std::vector<ima::DecodedField> fields;
  while (true) {
    Status s = reader.NextBatch(&batch);
    if (!s.ok()) return InFile(s, *e.ima);
    if (batch.empty()) break;
    for (const ima::Entry& en : batch) {
      if (en.index >= covered) break;
      result::ImaEntryFact fact;
      fact.index = en.index;
      fact.template_name = std::string(en.template_name);
      if (en.desc != nullptr &&
          ima::DecodeTemplateDataInto(en.template_name, en.template_data, en.template_data_offset,
                                      read.endian, &fields).ok()) {
        for (const ima::DecodedField& fd : fields) {
          if (fd.id == ima::FieldId::kNNg || fd.id == ima::FieldId::kN) fact.path = std::string(fd.text);
          if (fd.id == ima::FieldId::kDNg || fd.id == ima::FieldId::kDNgV2 || fd.id == ima::FieldId::kD) {
            fact.file_alg = std::string(fd.algo);
            fact.file_digest.assign(fd.digest.begin(), fd.digest.end());
          }
        }
      }
      f->ima.push_back(std::move(fact));
    }
  }
  return Status::Ok();
}

}  // namespace

Result<Facts> CollectFacts(const bundle::Evidence& e, const VerifyOptions& o) {
  Facts f;
  CCV_RETURN_IF_ERROR(QuoteFacts(e, o, &f));
  replay::RegisterSet ccel_regs;
  bool have_ccel = false;
  if (e.ccel_data) {
    CCV_RETURN_IF_ERROR(CcelTableCheck(e, &f));
    CCV_ASSIGN_OR_RETURN(TcgLogOutcome out, ReplayLog(*e.ccel_data, "ccel", replay::RegisterSpace::kCcMr, &f));
    ccel_regs = out.registers;
    have_ccel = true;
  }
  replay::RegisterSet tpm_regs;
  if (e.tpm_eventlog) {
    CCV_ASSIGN_OR_RETURN(TcgLogOutcome out, ReplayLog(*e.tpm_eventlog, "tpm", replay::RegisterSpace::kTpmPcr, &f));
    tpm_regs = out.registers;
  }
  if (e.cel) {
    CCV_ASSIGN_OR_RETURN(replay::RegisterSet cel_regs, CelFacts(*e.cel, &f));
    bool has_rtmr = false;
    for (const auto& [name, banks] : cel_regs.registers()) has_rtmr |= name.rfind("rtmr", 0) == 0;
    if (!have_ccel && has_rtmr) {
      // A CEL of the CC measurement registers stands in for the CCEL.
      ccel_regs = cel_regs;
      have_ccel = true;
    }
  }
  std::optional<result::RegisterComparison> rtmr2;
  if (e.ima) {
    CCV_RETURN_IF_ERROR(ImaFacts(e, have_ccel ? ccel_regs : tpm_regs, have_ccel, &f, &rtmr2));
  }
  // Replayed RTMRs against the quote.
  if (f.quote.present && (have_ccel || e.ima)) {
    for (int i = 0; i < 4; ++i) {
      std::string reg = "rtmr" + std::to_string(i);
      result::RegisterComparison c;
      if (i == 2 && rtmr2) {
        c = *rtmr2;
      } else if (!have_ccel) {
        continue;
      } else {
        auto v = ccel_regs.Get(reg, HashAlg::kSha384);
        Digest d = v ? *v : Digest::Zero(HashAlg::kSha384);
        c.reg = reg;
        c.replayed = ToHex(d.span());
        c.quoted = ToHex(f.quote.rtmr[i]);
        c.matches = c.replayed == c.quoted;
        c.detail = c.matches ? (v ? "the event log replay reproduces the quoted value"
                                  : "no logged event extends it; the quote holds zero")
                             : (v ? "the event log replay differs from the quoted value"
                                  : "no logged event extends it, but the quote holds a non-zero value");
        if (!v) f.replayed.Set(reg, d);
      }
      f.comparisons.push_back(c);
      f.checks.push_back(MakeCheck("replay." + reg, c.matches ? Verdict::kPass : Verdict::kFail,
                                   c.detail + (c.matches ? "" : " (replayed " + c.replayed + ", quoted " + c.quoted + ")")));
    }
  }
  return f;
}

}  // namespace ccv::pipeline
