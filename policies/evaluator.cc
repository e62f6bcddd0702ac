#include "policies/evaluator.h"

#include <algorithm>
#include <set>
#include <span>

#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "policies/boot_rules.h"
#include "policies/container_rules_eval.h"
#include "policies/kernel_rules.h"
#include "policies/time_util.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
using result::Check;
using result::DataStatus;
using result::EventFact;
using result::Facts;
using result::ImaEntryFact;
using result::LogFact;
using result::RegisterComparison;
using result::Verdict;
namespace {

constexpr size_t kMaxPointers = 100;  // evidence_all cap
constexpr size_t kMaxListed = 10;     // items spelled out in `actual`
// Evidence text is untrusted: policy regexes are RE2 (bounded_regex.h), in
// time linear in the text and bounded memory, so they see the whole text.
bool RegexSearch(const std::string& text, const Regex& re) { return re.Search(text); }

std::string Hex(std::span<const uint8_t> b) { return ToHex(b); }

std::string Describe(const BytesMatcher& m) {
  if (m.zero) return "zero";
  if (m.any_of.size() == 1) return Hex(m.any_of[0]);
  std::string s = "any of [";
  for (size_t i = 0; i < m.any_of.size(); ++i) s += (i ? ", " : "") + Hex(m.any_of[i]);
  return s + "]";
}

std::string JoinList(const std::vector<std::string>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + v[i];
  return s + "]";
}

// "3d 4h 5m 6s", leading zero parts dropped ("0s" for zero; "-" first when
// negative).
std::string DurationText(int64_t seconds) {
  std::string out = seconds < 0 ? "-" : "";
  uint64_t s = seconds < 0 ? uint64_t(0) - uint64_t(seconds) : uint64_t(seconds);
  const std::pair<uint64_t, const char*> units[] = {{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  bool any = false;
  for (const auto& [unit, name] : units) {
    if (s >= unit || (unit == 1 && !any)) {
      out += (any ? " " : "") + std::to_string(s / unit) + name;
      s %= unit;
      any = true;
    }
  }
  return out;
}

// The TCB statuses platform.tcb_grace_period accepts for a while.
bool InGraceScope(const std::string& status) {
  return status == "OutOfDate" || status == "SWHardeningNeeded";
}

bool Contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

class Evaluator {
 public:
  Evaluator(const Policy& p, const Facts& f, const EvalOptions& o) : p_(p), f_(f), o_(o) {}

  std::vector<RuleResult> Run() {
    PolicyExpiry();
    Platform();
    Collateral();
    Td();
    Replay();
    Pcrs();
    for (const EventRule& r : p_.events) Event(r);
    Ima();
    App();
    return std::move(out_);
  }

 private:
  RuleResult& Add(std::string id, uint64_t line) {
    RuleResult r;
    r.id = std::move(id);
    r.area = AreaOf(r.id);
    r.policy_line = line;
    out_.push_back(std::move(r));
    return out_.back();
  }

  static void Set(RuleResult& r, Verdict v, std::string why) {
    r.status = v;
    r.why = std::move(why);
  }

  void PolicyExpiry() {
    if (!p_.expires) return;
    RuleResult& r = Add("policy.expires", 0);
    r.expected = "now < " + p_.expires_text;
    r.actual = FormatRfc3339(o_.now);
    r.evidence = "policy.metadata.expires";
    if (o_.now < *p_.expires) {
      Set(r, Verdict::kPass, "the policy is still valid");
    } else {
      Set(r, Verdict::kFail, "the policy expired on " + p_.expires_text + ": renew it");
    }
  }

  // `app:` rules: each judges a bound, verified app fact, else fails.
  void App() {
    const result::AppFacts& a = f_.app;
    for (const AppRule& rule : p_.app.rules) {
      RuleResult& r = Add("app." + rule.key, rule.pos.line);
      if (rule.bytes) {
        r.expected = Describe(*rule.bytes);
      } else {
        r.expected = "one of " + JoinList(rule.text_any_of);
      }
      if (!a.present) {
        r.actual = "(no dstack event log)";
        r.evidence = "dstack";
        Set(r, Verdict::kFail,
            "the evidence has no dstack event log, so " + rule.name + " is unknown");
        continue;
      }
      auto it = a.values.find(rule.name);
      if (it == a.values.end()) {
        auto why = a.refused.find(rule.name);
        r.actual = "(no bound, verified value)";
        r.evidence = "dstack";
        Set(r, Verdict::kFail,
            why != a.refused.end() ? rule.name + ": " + why->second
            : !a.bound             ? "RTMR3 is not bound to the quote: " + a.why
                                   : "no RTMR3 runtime event '" + rule.name + "' in the log");
        continue;
      }
      r.actual = it->second;
      r.evidence = a.pointers.count(rule.name) ? a.pointers.at(rule.name) : "dstack";
      bool ok = false;
      if (rule.bytes) {
        auto b = FromHex(it->second);
        ok = b.ok() && rule.bytes->Matches(b->data(), b->size());
      } else {
        ok = Contains(rule.text_any_of, it->second);
      }
      Set(r, ok ? Verdict::kPass : Verdict::kFail,
          ok ? rule.name + " is as pinned (bound RTMR3 event, digest verified)"
             : rule.name + " differs from every pinned value");
    }
  }

  // True if the quote is present; else fails `r`.
  bool NeedQuote(RuleResult& r) {
    if (f_.quote.present) return true;
    Set(r, Verdict::kFail, "the evidence has no TD quote, so this value cannot be checked");
    r.actual = "(no quote)";
    return false;
  }

  // Collateral-based facts are present; else fail or skip `r`.
  bool NeedTcb(RuleResult& r) {
    if (f_.collateral.present && f_.collateral.tcb_status) return true;
    r.actual = "(unknown)";
    if (!f_.collateral.present && p_.platform.collateral_optional) {
      Set(r, Verdict::kSkipped,
          "no collateral was supplied and the policy sets platform.collateral: optional");
    } else if (!f_.collateral.present) {
      Set(r, Verdict::kFail,
          "no collateral was supplied, so the TCB status is unknown (supply --collateral, "
          "or set platform.collateral: optional)");
    } else {
      Set(r, Verdict::kFail,
          "TCB evaluation did not complete (see the quote checks), so the TCB status is unknown");
    }
    return false;
  }

  // The freshness facts of the collateral; nullptr after failing or skipping
  // `r` when there are none.
  const result::CollateralFreshness* NeedFreshness(RuleResult& r) {
    if (f_.collateral.freshness) return &*f_.collateral.freshness;
    r.actual = "(no collateral)";
    if (!f_.collateral.present && p_.platform.collateral_optional) {
      Set(r, Verdict::kSkipped,
          "no collateral was supplied and the policy sets platform.collateral: optional");
    } else {
      Set(r, Verdict::kFail,
          "no collateral was supplied, so its freshness is unknown (supply --collateral, or set "
          "platform.collateral: optional)");
    }
    return nullptr;
  }

  void Collateral() {
    const CollateralPolicy& cp = p_.collateral;
    if (cp.max_age) {
      RuleResult& r = Add("collateral.max_age", cp.max_age_pos.line);
      r.expected = "TCB info issued at most " + cp.max_age_text + " before the verification time";
      r.evidence = "collateral.freshness.age_seconds";
      if (const result::CollateralFreshness* fr = NeedFreshness(r)) {
        r.actual = DurationText(fr->age_seconds) + " (issued " +
                   FormatRfc3339(fr->tcb_info_issue_date) + ")";
        if (fr->age_seconds <= *cp.max_age) {
          Set(r, Verdict::kPass, "the TCB info is at most " + cp.max_age_text + " old");
        } else {
          Set(r, Verdict::kFail,
              "the TCB info is older than " + cp.max_age_text + ": a TCB recovery since " +
                  FormatRfc3339(fr->tcb_info_issue_date) +
                  " would not be seen (fetch newer "
                  "collateral)");
        }
      }
    }
    if (cp.warn_expiring_within) {
      RuleResult& r = Add("collateral.warn_expiring_within", cp.warn_expiring_within_pos.line);
      r.expected = "earliest nextUpdate more than " + cp.warn_expiring_within_text + " away";
      r.evidence = "collateral.freshness.earliest_next_update";
      if (const result::CollateralFreshness* fr = NeedFreshness(r)) {
        r.actual = FormatRfc3339(fr->earliest_next_update) + " (" + fr->earliest_next_update_part +
                   ", in " + DurationText(fr->expires_in_seconds) + ")";
        if (fr->expires_in_seconds > *cp.warn_expiring_within) {
          Set(r, Verdict::kPass,
              "no part of the collateral expires within " + cp.warn_expiring_within_text);
        } else {
          Set(r, Verdict::kWarn,
              fr->earliest_next_update_part + " expires within " + cp.warn_expiring_within_text +
                  ": fetch newer collateral before " + FormatRfc3339(fr->earliest_next_update));
        }
      }
    }
    if (cp.min_tcb_evaluation_data_number) {
      RuleResult& r = Add("collateral.min_tcb_evaluation_data_number",
                          cp.min_tcb_evaluation_data_number_pos.line);
      r.expected = ">= " + std::to_string(*cp.min_tcb_evaluation_data_number);
      r.evidence = "collateral.freshness.tcb_evaluation_data_number";
      if (const result::CollateralFreshness* fr = NeedFreshness(r)) {
        r.actual = std::to_string(fr->tcb_evaluation_data_number);
        if (fr->tcb_evaluation_data_number >= 0 &&
            uint64_t(fr->tcb_evaluation_data_number) >= *cp.min_tcb_evaluation_data_number) {
          Set(r, Verdict::kPass, "the TCB info's evaluation data number is recent enough");
        } else {
          Set(r, Verdict::kFail,
              "the TCB info predates TCB evaluation data number " +
                  std::to_string(*cp.min_tcb_evaluation_data_number) +
                  ": it does not reflect the TCB recoveries since");
        }
      }
    }
  }

  // platform.tcb_grace_period: UpToDate passes; OutOfDate and
  // SWHardeningNeeded warn until the matched level's tcbDate plus the grace
  // period, then fail; other statuses are left to platform.tcb_status when
  // the policy has it, else fail.
  void TcbGracePeriod() {
    const PlatformPolicy& pp = p_.platform;
    RuleResult& r = Add("platform.tcb_grace_period", pp.tcb_grace_period_pos.line);
    r.expected =
        "UpToDate, or OutOfDate/SWHardeningNeeded until tcbDate + " + pp.tcb_grace_period_text;
    r.evidence = "collateral.freshness.tcb_date";
    if (!NeedTcb(r)) return;
    const std::string& s = *f_.collateral.tcb_status;
    const result::CollateralFreshness* fr =
        f_.collateral.freshness ? &*f_.collateral.freshness : nullptr;
    r.actual = s;
    if (fr != nullptr && !fr->tcb_date.empty()) r.actual += " (tcbDate " + fr->tcb_date + ")";
    if (s == "UpToDate") {
      Set(r, Verdict::kPass, "TCB status UpToDate: no grace period needed");
      return;
    }
    if (!InGraceScope(s)) {
      if (pp.tcb_status_set) {
        Set(r, Verdict::kSkipped,
            "the grace period covers OutOfDate and SWHardeningNeeded only; platform.tcb_status "
            "judges " +
                s);
      } else {
        Set(r, Verdict::kFail,
            "TCB status " + s +
                " is not covered by the grace period (OutOfDate and "
                "SWHardeningNeeded only)");
      }
      return;
    }
    if (fr == nullptr || !fr->tcb_date_seconds) {
      Set(r, Verdict::kFail,
          "the matched TCB level has no readable tcbDate, so the grace period cannot start");
      return;
    }
    const int64_t until = *fr->tcb_date_seconds + *pp.tcb_grace_period;
    if (fr->at <= until) {
      Set(r, Verdict::kWarn,
          "TCB status " + s + " accepted within the grace period, until " + FormatRfc3339(until) +
              " (tcbDate " + fr->tcb_date + " + " + pp.tcb_grace_period_text +
              "): update the platform's TCB before then");
    } else {
      Set(r, Verdict::kFail,
          "TCB status " + s + ": the grace period ended " + FormatRfc3339(until) + " (tcbDate " +
              fr->tcb_date + " + " + pp.tcb_grace_period_text + ")");
    }
  }

  void Platform() {
    const PlatformPolicy& pp = p_.platform;
    if (pp.tcb_grace_period) TcbGracePeriod();
    if (pp.tcb_status_set) {
      RuleResult& r = Add("platform.tcb_status", pp.tcb_pos.line);
      r.expected = "one of " + JoinList(pp.tcb_allow);
      if (!pp.tcb_warn.empty()) r.expected += " (warn on " + JoinList(pp.tcb_warn) + ")";
      r.evidence = "collateral.tcb_status";
      if (NeedTcb(r)) {
        const std::string& s = *f_.collateral.tcb_status;
        r.actual = s;
        if (Contains(pp.tcb_allow, s))
          Set(r, Verdict::kPass, "TCB status is allowed");
        else if (Contains(pp.tcb_warn, s))
          Set(r, Verdict::kWarn, "TCB status " + s + " is accepted with a warning");
        else
          Set(r, Verdict::kFail, "TCB status " + s + " is not allowed");
      }
    }
    if (pp.advisories_set) {
      RuleResult& r = Add("platform.advisories", pp.advisories_pos.line);
      r.evidence = "collateral.advisory_ids";
      r.expected = "none of " + JoinList(pp.advisories_deny);
      if (pp.advisories_allow) r.expected += "; only " + JoinList(*pp.advisories_allow);
      if (NeedTcb(r)) {
        const auto& ids = f_.collateral.advisory_ids;
        r.actual = JoinList(ids);
        std::vector<std::string> bad;
        for (const std::string& id : ids) {
          if (Contains(pp.advisories_deny, id) ||
              (pp.advisories_allow && !Contains(*pp.advisories_allow, id))) {
            bad.push_back(id);
          }
        }
        if (bad.empty())
          Set(r, Verdict::kPass, "no denied advisory applies");
        else
          Set(r, Verdict::kFail, "advisories not allowed: " + JoinList(bad));
      }
    }
    if (pp.min_tee_tcb_svn) {
      RuleResult& r = Add("platform.min_tee_tcb_svn", pp.min_tee_tcb_svn_pos.line);
      r.expected = ">= " + Hex(*pp.min_tee_tcb_svn) + " (each byte)";
      r.evidence = "quote.td.tee_tcb_svn";
      if (NeedQuote(r)) {
        const auto& svn = f_.quote.tee_tcb_svn;
        r.actual = Hex(svn);
        std::string low;
        for (size_t i = 0; i < svn.size(); ++i) {
          if (svn[i] < (*pp.min_tee_tcb_svn)[i]) {
            low += (low.empty() ? "" : ", ") + std::string("byte ") + std::to_string(i) + ": " +
                   std::to_string(svn[i]) + " < " + std::to_string((*pp.min_tee_tcb_svn)[i]);
          }
        }
        if (low.empty())
          Set(r, Verdict::kPass, "every TEE_TCB_SVN component is at least the minimum");
        else
          Set(r, Verdict::kFail, "TEE_TCB_SVN components below the minimum: " + low);
      }
    }
    if (pp.mr_seam)
      Bytes_("platform.mr_seam", *pp.mr_seam, f_.quote.mr_seam, "quote.td.mr_seam", "MRSEAM");
  }

  template <size_t N>
  void Bytes_(const std::string& id, const BytesMatcher& m, const std::array<uint8_t, N>& actual,
              const std::string& pointer, const std::string& label) {
    RuleResult& r = Add(id, m.pos.line);
    r.expected = Describe(m);
    r.evidence = pointer;
    if (!NeedQuote(r)) return;
    r.actual = Hex(actual);
    if (m.Matches(actual.data(), N))
      Set(r, Verdict::kPass, label + " matches the reference value");
    else
      Set(r, Verdict::kFail, label + " differs from every reference value");
  }

  void Td() {
    const TdPolicy& t = p_.td;
    if (!t.attribute_bits.empty() || t.attributes_mask) {
      RuleResult& r = Add("td.attributes", t.attributes_pos.line);
      r.evidence = "quote.td.td_attributes";
      std::string exp;
      for (const auto& [name, on] : t.attribute_bits)
        exp += (exp.empty() ? "" : ", ") + name + "=" + (on ? "true" : "false");
      if (t.attributes_mask) {
        exp += (exp.empty() ? "" : ", ") + std::string("attributes & ") + Hex(*t.attributes_mask) +
               " == " + Hex(*t.attributes_value);
      }
      r.expected = exp;
      if (NeedQuote(r)) {
        const auto& a = f_.quote.td_attributes;
        std::string act, bad;
        for (const AttributeBit& b : kTdAttributeBits) {
          bool on = (a[b.bit / 8] >> (b.bit % 8)) & 1;
          act += (act.empty() ? "" : ", ") + std::string(b.name) + "=" + (on ? "true" : "false");
          auto it = t.attribute_bits.find(b.name);
          if (it != t.attribute_bits.end() && it->second != on) {
            bad +=
                (bad.empty() ? "" : ", ") + std::string(b.name) + " is " + (on ? "set" : "clear");
          }
        }
        r.actual = Hex(a) + " (" + act + ")";
        if (t.attributes_mask) {
          for (size_t i = 0; i < 8; ++i) {
            if ((a[i] & (*t.attributes_mask)[i]) != (*t.attributes_value)[i]) {
              bad += (bad.empty() ? "" : ", ") + std::string("masked value differs at byte ") +
                     std::to_string(i);
              break;
            }
          }
        }
        if (bad.empty())
          Set(r, Verdict::kPass, "TD attributes are as required");
        else
          Set(r, Verdict::kFail, "TD attributes differ: " + bad);
      }
    }
    if (t.xfam) Bytes_("td.xfam", *t.xfam, f_.quote.xfam, "quote.td.xfam", "XFAM");
    if (t.mr_td) Bytes_("td.mr_td", *t.mr_td, f_.quote.mr_td, "quote.td.mr_td", "MRTD");
    if (t.mr_config_id)
      Bytes_("td.mr_config_id", *t.mr_config_id, f_.quote.mr_config_id, "quote.td.mr_config_id",
             "MRCONFIGID");
    if (t.mr_owner)
      Bytes_("td.mr_owner", *t.mr_owner, f_.quote.mr_owner, "quote.td.mr_owner", "MROWNER");
    if (t.mr_owner_config)
      Bytes_("td.mr_owner_config", *t.mr_owner_config, f_.quote.mr_owner_config,
             "quote.td.mr_owner_config", "MROWNERCONFIG");
    if (t.mr_servicetd)
      Bytes_("td.mr_servicetd", *t.mr_servicetd, f_.quote.mr_servicetd, "quote.td.mr_servicetd",
             "MRSERVICETD");
    for (uint32_t i = 0; i < kNumRtmrs; ++i) {
      if (t.rtmr[i]) {
        const std::string n = RegisterId::Rtmr(i).Name();
        Bytes_("td." + n, *t.rtmr[i], f_.quote.rtmr[i], "quote.td." + n,
               "RTMR" + std::to_string(i));
      }
    }
  }

  void Replay() {
    const ReplayPolicy& rp = p_.replay;
    for (size_t i = 0; i < rp.must_match_quote.size(); ++i) {
      const std::string& reg = rp.must_match_quote[i];
      RuleResult& r = Add("replay.must_match_quote." + reg, rp.must_match_pos[i].line);
      r.expected = std::string("replayed ").append(reg).append(" == quote ").append(reg);
      r.evidence = "quote.td." + reg;
      if (!NeedQuote(r)) continue;
      const RegisterComparison* c = nullptr;
      for (const auto& x : f_.comparisons) {
        if (x.reg == reg) c = &x;
      }
      if (c == nullptr) {
        r.actual = "(not replayed)";
        Set(r, Verdict::kFail,
            f_.event_log_present || f_.ima_present
                ? "no replayed value of " + reg + " was compared with the quote"
                : "the evidence has no event log, so " + reg + " cannot be replayed");
        continue;
      }
      r.actual = "replayed " + (c->replayed.empty() ? std::string("(none)") : c->replayed) +
                 ", quote " + c->quoted;
      if (c->matches)
        Set(r, Verdict::kPass,
            c->detail.empty() ? "replay reproduces the quoted value" : c->detail);
      else
        Set(r, Verdict::kFail,
            c->detail.empty() ? "replay does not reproduce the quoted value" : c->detail);
    }
  }

  // The value a verified TPM quote authenticates for PCR `index` of `bank`.
  std::optional<Digest> QuotedPcr(HashAlg bank, uint32_t index) const {
    auto it = f_.tpm.pcrs.find(bank);
    if (it == f_.tpm.pcrs.end()) return std::nullopt;
    auto jt = it->second.find(index);
    if (jt == it->second.end()) return std::nullopt;
    return jt->second;
  }

  // PCR rules judge only values a verified TPM quote authenticates.
  void Pcrs() {
    const PcrsPolicy& pp = p_.pcrs;
    for (const PcrRule& rule : pp.rules) {
      const std::string pcr = "pcr" + std::to_string(rule.index);
      RuleResult& r = Add("pcrs." + pcr + "." + rule.bank, rule.pos.line);
      r.expected = Describe(rule.value);
      r.evidence = "tpm.pcrs." + rule.bank + "." + pcr;
      std::optional<HashAlg> bank = HashAlgFromName(rule.bank);
      std::optional<Digest> q = bank ? QuotedPcr(*bank, rule.index) : std::nullopt;
      if (!q) {
        r.actual = "(not authenticated)";
        Set(r, Verdict::kFail,
            !f_.tpm.present ? "the evidence has no TPM quote, so no PCR is authenticated"
                            : pcr + " (" + rule.bank +
                                  ") is authenticated by no verified TPM quote (see the tpm.* "
                                  "checks)");
        continue;
      }
      r.actual = Hex(q->span());
      if (rule.value.Matches(q->bytes.data(), q->len))
        Set(r, Verdict::kPass, "the quoted value is one the policy allows");
      else
        Set(r, Verdict::kFail, "the quoted value is not one the policy allows");
    }
    for (size_t i = 0; i < pp.must_match_quote.size(); ++i) {
      const uint32_t index = pp.must_match_quote[i];
      const RegisterId reg = RegisterId::Pcr(index);
      const std::string pcr = reg.Name();
      RuleResult& r = Add("pcrs.must_match_quote." + pcr, pp.must_match_pos[i].line);
      r.expected = std::string("TPM log replay of ")
                       .append(pcr)
                       .append(" == quoted ")
                       .append(pcr)
                       .append(" (every bank)");
      r.evidence = "tpm.pcrs." + pcr;
      size_t quoted = 0;
      std::string bad;
      for (const auto& [bank, values] : f_.tpm.pcrs) {
        auto jt = values.find(index);
        if (jt == values.end()) continue;
        ++quoted;
        std::optional<Digest> replayed = f_.replayed.Get(reg, bank);
        Digest want = replayed ? *replayed
                               : (index >= 17 && index <= 22 ? Digest::Filled(bank, 0xff)
                                                             : Digest::Zero(bank));
        if (!(want == jt->second)) {
          bad += (bad.empty() ? "" : "; ") + std::string(HashAlgName(bank)) + ": replayed " +
                 Hex(want.span()) + (replayed ? "" : " (no log record)") + ", quoted " +
                 Hex(jt->second.span());
        }
      }
      if (quoted == 0) {
        r.actual = "(not authenticated)";
        Set(r, Verdict::kFail, pcr + " is selected by no verified TPM quote");
      } else if (!bad.empty()) {
        r.actual = bad;
        Set(r, Verdict::kFail, "the TPM log does not replay to the quoted " + pcr);
      } else {
        r.actual = "equal in " + std::to_string(quoted) + " bank(s)";
        Set(r, Verdict::kPass, "the TPM log replays to the quoted " + pcr);
      }
    }
  }

  // The criteria of `r` that do not read the event's data (the digest is
  // the event's own, not its data's).
  static bool EventMatchesWithoutText(const EventRule& r, const EventFact& e) {
    if (r.log && e.log != *r.log) return false;
    if (r.reg && e.reg != *r.reg) return false;
    if (r.type && e.type != *r.type) return false;
    if (r.index && e.index != *r.index) return false;
    if (r.match_digest) {
      bool any = false;
      for (const Digest& d : e.digests) any |= r.match_digest->Matches(d.bytes.data(), d.len);
      if (!any) return false;
    }
    return true;
  }

  // Every criterion, data included: callers pass events whose data is
  // verified when the rule reads it.
  bool EventMatches(const EventRule& r, const EventFact& e) const {
    if (!EventMatchesWithoutText(r, e)) return false;
    if (r.match_text_eq && e.text != *r.match_text_eq) return false;
    if (r.variable && e.variable_name != *r.variable) return false;
    if (r.device_path_contains && e.device_path.find(*r.device_path_contains) == std::string::npos)
      return false;
    if (r.text_prefix && e.text.rfind(*r.text_prefix, 0) != 0) return false;
    if (r.text_contains && e.text.find(*r.text_contains) == std::string::npos) return false;
    if (r.text_regex && !RegexSearch(e.text, *r.text_regex)) return false;
    return true;
  }

  // "ccel#7 (rtmr2, EV_IPL, text "...")": an event's position and, when its
  // data is verified, what the data says; for reasons a person reads.
  static std::string EventSummary(const EventFact& e) {
    std::string s = e.Pointer() + " (" + (e.reg.empty() ? std::string("not extended") : e.reg) +
                    ", " + (e.type_name.empty() ? "type " + std::to_string(e.type) : e.type_name);
    if (e.data != DataStatus::kVerified) return s + ", data not verified by its digest)";
    if (!e.variable_name.empty()) s += ", variable \"" + e.variable_name + "\"";
    if (!e.device_path.empty()) s += ", device path \"" + e.device_path + "\"";
    if (!e.text.empty()) s += ", text \"" + e.text + "\"";
    return s + ")";
  }

  // The bound events a rule that matched nothing was probably meant for:
  // same log, register and type (what the rule names of them).
  std::string Candidates(const EventRule& er) const {
    std::string out;
    size_t n = 0;
    for (const EventFact& e : f_.events) {
      if (!e.bound || (er.log && e.log != *er.log) || (er.reg && e.reg != *er.reg) ||
          (er.type && e.type != *er.type)) {
        continue;
      }
      if (++n <= kMaxListed) out += (out.empty() ? "" : "; ") + EventSummary(e);
    }
    if (n > kMaxListed) out += "; ... (" + std::to_string(n) + " in all)";
    return out;
  }

  void Event(const EventRule& er) {
    RuleResult& r = Add("events." + er.id, er.pos.line);
    std::string exp;
    if (er.count) exp += "count " + std::to_string(*er.count);
    if (er.digest) exp += (exp.empty() ? "" : "; ") + std::string("digest ") + Describe(*er.digest);
    if (er.text_eq)
      exp += (exp.empty() ? "" : "; ") + std::string("text == \"") + *er.text_eq + "\"";
    if (er.match_digest)
      exp += (exp.empty() ? "" : "; ") + std::string("an event with digest ") +
             Describe(*er.match_digest);
    if (er.match_text_eq)
      exp += (exp.empty() ? "" : "; ") + std::string("an event with text \"") + *er.match_text_eq +
             "\"";
    if (er.variable)
      exp +=
          (exp.empty() ? "" : "; ") + std::string("an event of variable \"") + *er.variable + "\"";
    if (er.device_path_contains) {
      exp += (exp.empty() ? "" : "; ") + std::string("an image whose device path contains \"") +
             *er.device_path_contains + "\"";
    }
    if (er.nth) exp += " (match number " + std::to_string(*er.nth) + ", from 0)";
    if (!er.text_require.empty())
      exp += (exp.empty() ? "" : "; ") + std::string("text contains ") + JoinList(er.text_require);
    if (!er.text_forbid.empty())
      exp += (exp.empty() ? "" : "; ") + std::string("text lacks ") + JoinList(er.text_forbid);
    r.expected = exp;
    Verdict fail = er.warn_only ? Verdict::kWarn : Verdict::kFail;
    if (!f_.event_log_present) {
      r.actual = "(no event log)";
      if (er.optional)
        Set(r, Verdict::kSkipped, "the evidence has no event log; the rule is optional");
      else
        Set(r, fail, "the evidence has no event log, so the rule cannot be checked");
      return;
    }
    // Only bound events are judged, and text only where the data is
    // verified; what was left out is counted so the reason can say so.
    std::vector<const EventFact*> matched;
    size_t unbound = 0, unverified_text = 0, unverified_decoded = 0;
    std::string first_decoded;  // the first candidate whose decoded field is unbound
    bool reads_text = er.ReadsData();
    for (const EventFact& e : f_.events) {
      if (!EventMatchesWithoutText(er, e)) continue;
      if (!e.bound) {
        ++unbound;
        continue;
      }
      if (reads_text && e.data != DataStatus::kVerified) {
        ++unverified_text;
        bool decoded = (er.variable && !e.variable_name.empty()) ||
                       (er.device_path_contains && !e.device_path.empty());
        bool absence = (er.variable || er.device_path_contains) && er.count && *er.count == 0;
        if ((decoded || absence) && unverified_decoded++ == 0) first_decoded = e.Pointer();
        if (r.evidence_all.size() < kMaxPointers) r.evidence_all.push_back(e.Pointer());
        continue;
      }
      if (EventMatches(er, e)) matched.push_back(&e);
    }
    std::string left_out;
    if (unbound != 0) {
      left_out +=
          std::to_string(unbound) + " candidate event(s) not bound to the quote were not judged";
    }
    if (unverified_text != 0) {
      left_out += (left_out.empty() ? "" : "; ") + std::to_string(unverified_text) +
                  " candidate event(s) have data their digest does not cover, so their text is not "
                  "evidence";
    }
    std::string type_note = er.type ? " (the event type is as logged: no digest covers it)" : "";
    if (er.count && *er.count == 0 && er.type) {
      // A relabelled type could hide an event from a count-0 rule; only
      // when every candidate register's events have verified data does the
      // absence mean something.
      for (const EventFact& e : f_.events) {
        if (!e.bound || e.reg.empty() || (er.reg && e.reg != *er.reg) ||
            (er.log && e.log != *er.log))
          continue;
        if (e.data != DataStatus::kVerified) {
          r.actual = e.Pointer() + " (" + e.type_name + ") has unverified data";
          r.evidence = e.Pointer();
          Set(r, fail,
              "a count-0 rule on an event type needs the data of every event in " +
                  (er.reg ? *er.reg : std::string("every register")) +
                  " verified: the type is not authenticated, and " + e.Pointer() +
                  " could be a relabelled event");
          return;
        }
      }
    }
    // A decoded field read from data no digest binds is attacker-chosen:
    // such a candidate fails the rule whatever else matched.
    if (unverified_decoded != 0) {
      r.actual = "(decoded field of unverified data)";
      r.evidence = first_decoded;
      Set(r, fail,
          "the rule matches on a decoded field, but " + left_out +
              " (an image load event's digest is the image's hash, not its device path's): " +
              Candidates(er));
      return;
    }
    if (unverified_text != 0 && matched.empty() && !(er.count && *er.count == 0)) {
      r.actual = "(no event with verified data matches)";
      r.evidence = r.evidence_all.empty() ? "" : r.evidence_all[0];
      Set(r, fail,
          "the rule needs the text or decoded fields of events whose data is not verified: " +
              left_out + ": " + Candidates(er));
      return;
    }
    if (matched.empty() && er.optional && !(er.count && *er.count == 0)) {
      r.actual = "(no matching event)";
      Set(r, Verdict::kSkipped,
          "no bound event matches; the rule is optional" +
              (left_out.empty() ? "" : " (" + left_out + ")"));
      return;
    }
    if (er.count) {
      if (matched.size() != *er.count) {
        r.actual = "count " + std::to_string(matched.size());
        for (const EventFact* e : matched) {
          if (r.evidence_all.size() < kMaxPointers) r.evidence_all.push_back(e->Pointer());
        }
        if (!r.evidence_all.empty()) r.evidence = r.evidence_all[0];
        Set(r, fail,
            std::to_string(matched.size()) + " events match, expected " +
                std::to_string(*er.count));
        return;
      }
    }
    if (er.nth) {
      if (*er.nth < matched.size())
        matched = {matched[*er.nth]};
      else
        matched.clear();
    }
    if (matched.empty()) {
      r.actual = "(no matching event)";
      std::string more = left_out.empty() ? "" : " (" + left_out + ")";
      if (er.count && *er.count == 0)
        Set(r, Verdict::kPass, "no bound event matches, as expected" + type_note + more);
      else if (er.optional)
        Set(r, Verdict::kSkipped, "no bound event matches; the rule is optional" + more);
      else {
        std::string cands = Candidates(er);
        Set(r, fail,
            "no bound event in the logs matches the rule" + more +
                (cands.empty() ? "" : "; events of that log, register and type: " + cands));
      }
      return;
    }
    std::string problems;
    std::string actual;
    size_t bad = 0;
    for (const EventFact* e : matched) {
      std::string why;
      if (er.digest) {
        bool ok = false;
        for (const Digest& d : e->digests) {
          if (er.digest->Matches(d.bytes.data(), d.len)) ok = true;
        }
        if (!ok) why += "digest differs";
      }
      if (er.text_eq && e->text != *er.text_eq)
        why += std::string(why.empty() ? "" : ", ") + "text differs";
      for (const std::string& s : er.text_require) {
        if (e->text.find(s) == std::string::npos)
          why += std::string(why.empty() ? "" : ", ") + "lacks \"" + s + "\"";
      }
      for (const std::string& s : er.text_forbid) {
        if (e->text.find(s) != std::string::npos)
          why += std::string(why.empty() ? "" : ", ") + "contains forbidden \"" + s + "\"";
      }
      if (why.empty()) continue;
      ++bad;
      if (r.evidence_all.size() < kMaxPointers) r.evidence_all.push_back(e->Pointer());
      if (bad <= kMaxListed) {
        problems += (problems.empty() ? "" : "; ") + EventSummary(*e) + ": " + why;
        std::string a = e->Pointer() + " ";
        if (er.digest && !e->digests.empty()) {
          std::string ds;
          for (const Digest& d : e->digests) ds += (ds.empty() ? "" : "/") + ToHex(d.span());
          a += "digest " + ds;
        }
        if (er.text_eq || !er.text_require.empty() || !er.text_forbid.empty()) {
          a += (er.digest ? ", " : "") + std::string("text \"") + e->text + "\"";
        }
        actual += (actual.empty() ? "" : "; ") + a;
      }
    }
    if (bad == 0) {
      r.evidence = matched[0]->Pointer();
      for (const EventFact* e : matched) {
        if (r.evidence_all.size() < kMaxPointers) r.evidence_all.push_back(e->Pointer());
      }
      r.actual = std::to_string(matched.size()) + " matching event(s) as expected";
      if (matched.size() == 1) {
        const EventFact* e = matched[0];
        if (er.digest && !e->digests.empty())
          r.actual = "digest " + ToHex(e->digests[0].span());
        else if (!e->text.empty())
          r.actual = "text \"" + e->text + "\"";
      }
      Set(r, Verdict::kPass,
          "every matching event meets the expectation" + type_note +
              (left_out.empty() ? "" : "; " + left_out));
      return;
    }
    r.evidence = r.evidence_all[0];
    if (bad > kMaxListed) actual += "; ... (" + std::to_string(bad) + " in all)";
    r.actual = actual;
    Set(r, fail, problems + (left_out.empty() ? "" : "; " + left_out));
  }

  bool AllowedUnsigned(const std::string& path) const {
    for (const Regex& re : p_.ima.allow_unsigned) {
      if (RegexSearch(path, re)) return true;
    }
    return false;
  }

  // ima.signatures: every bound file entry has a signature that verifies
  // with a trusted key (the policy's keys, or one a bound record loaded into
  // a trusted keyring), or is allow-listed: allow_unsigned names its path
  // or ima.allow holds its digest. `optional` lets unsigned entries pass; a
  // signature that is there must verify either way.
  void ImaSignaturesRule(const std::string& unbound_note) {
    const ImaPolicy& ip = p_.ima;
    RuleResult& r = Add("ima.signatures", ip.signatures_pos.line);
    const bool required = ip.signatures == ImaSignatures::kRequired;
    r.expected = std::string(required ? "every measured file signed by a trusted key"
                                      : "no measured file with a signature that does not verify") +
                 " (" + std::to_string(ip.keys.size()) + " key(s)" +
                 (ip.keyrings.empty() ? "" : ", keys loaded into " + Join(ip.keyrings)) +
                 "), or allow-listed";
    if (!f_.ima_signatures_checked) {
      r.actual = "(not checked)";
      r.evidence = "ima";
      Set(r, Verdict::kFail, "the signatures of the IMA list were not checked");
      return;
    }
    size_t verified = 0, allowed = 0, unsigned_ok = 0;
    std::vector<const ImaEntryFact*> bad;
    for (const ImaEntryFact& e : f_.ima) {
      if (!e.bound || e.buffer) continue;
      if (e.sig_status == "verified") {
        ++verified;
        continue;
      }
      if (AllowedUnsigned(e.path) || DigestAllowed(e)) {
        ++allowed;
        continue;
      }
      if (!required && e.sig_status == "unsigned") {
        ++unsigned_ok;
        continue;
      }
      bad.push_back(&e);
    }
    size_t trusted_loads = 0;
    for (const auto& k : f_.ima_key_loads) trusted_loads += k.trusted ? 1 : 0;
    const std::string counts =
        std::to_string(verified) + " verified, " + std::to_string(allowed) + " allow-listed" +
        (required ? "" : ", " + std::to_string(unsigned_ok) + " unsigned") +
        (ip.keyrings.empty() ? ""
                             : "; " + std::to_string(trusted_loads) +
                                   " key(s) loaded by bound records into a trusted keyring");
    if (bad.empty()) {
      r.actual = counts;
      r.evidence = "ima";
      Set(r, Verdict::kPass,
          std::string(required ? "every measured file is signed by a trusted key or allow-listed"
                               : "every signature present verifies with a trusted key") +
              unbound_note);
      return;
    }
    std::string a;
    for (size_t i = 0; i < bad.size(); ++i) {
      const ImaEntryFact& e = *bad[i];
      if (r.evidence_all.size() < kMaxPointers) r.evidence_all.push_back(e.Pointer());
      if (i < kMaxListed) {
        a += (a.empty() ? "" : "; ") + e.Pointer() + " " + e.path + ": " +
             (e.sig_status.empty() ? std::string("not checked") : e.sig_status);
        if (e.sig_has_keyid) a += " key id " + KeyIdText(e.sig_keyid);
        if (!e.sig_detail.empty()) a += " (" + e.sig_detail + ")";
      }
    }
    if (bad.size() > kMaxListed) a += "; ... (" + std::to_string(bad.size()) + " in all)";
    r.evidence = bad[0]->Pointer();
    r.actual = a;
    Set(r, Verdict::kFail,
        std::to_string(bad.size()) + " measured file(s) " +
            (required ? "without a signature that verifies with a trusted key"
                      : "with a signature that does not verify with a trusted key") +
            " and not allow-listed (" + counts + ")");
  }

  bool DigestAllowed(const ImaEntryFact& e) const {
    auto it = p_.ima.allow.find(e.path);
    return it != p_.ima.allow.end() &&
           Contains(it->second, e.file_alg + ":" + ToHex(e.file_digest));
  }

  static std::string KeyIdText(uint32_t id) {
    const uint8_t b[4] = {uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id)};
    return ToHex(Bytes(b, 4));
  }

  static std::string Join(const std::vector<std::string>& v) {
    std::string out;
    for (const std::string& s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
  }

  bool Excluded(const std::string& path) const {
    for (const Regex& re : p_.ima.exclude) {
      if (RegexSearch(path, re)) return true;
    }
    return false;
  }

  void Ima() {
    const ImaPolicy& ip = p_.ima;
    if (!ip.present) return;
    if (!f_.ima_present) {
      RuleResult& r = Add("ima.list", ip.pos.line);
      r.expected = "an IMA measurement list";
      r.actual = "(none)";
      r.evidence = "ima";
      Set(r, Verdict::kFail, "the policy has an ima section but the evidence has no IMA list");
      return;
    }
    size_t bound = 0;
    for (const ImaEntryFact& e : f_.ima) bound += e.bound ? 1 : 0;
    if (bound == 0) {
      // Nothing the quote covers: an unbound list proves nothing about the TD.
      RuleResult& r = Add("ima.list", ip.pos.line);
      r.expected = "an IMA measurement list bound to the quote";
      r.actual = std::to_string(f_.ima.size()) + " entries, none bound";
      r.evidence = "ima";
      std::string why = "no entry of the IMA list is covered by a quoted register value";
      for (const LogFact& l : f_.logs) {
        if (l.name == "ima" && !l.why.empty()) why += ": " + l.why;
      }
      Set(r, Verdict::kFail,
          why + ", so ima.allow, ima.unknown" + (ip.ChecksSignatures() ? ", ima.signatures" : "") +
              " cannot be judged");
      return;
    }
    std::string unbound_note =
        bound == f_.ima.size()
            ? ""
            : "; " + std::to_string(f_.ima.size() - bound) +
                  " entries after the quoted value are not bound and were not judged";
    RuleResult& allow = Add("ima.allow", ip.pos.line);
    allow.expected =
        "each listed file has an allowed digest (" + std::to_string(ip.allow.size()) + " paths)";
    std::vector<const ImaEntryFact*> mismatched, unknown;
    size_t checked = 0, excluded = 0;
    for (const ImaEntryFact& e : f_.ima) {
      if (!e.bound) continue;
      if (Excluded(e.path)) {
        ++excluded;
        continue;
      }
      auto it = ip.allow.find(e.path);
      if (it == ip.allow.end()) {
        // With signatures checked, a file with a verified signature, one
        // allow_unsigned names, or a key load into a trusted keyring is known.
        if (!(ip.ChecksSignatures() &&
              (e.sig_status == "verified" || (!e.buffer && AllowedUnsigned(e.path)) ||
               (e.buffer && ip.TrustsKeyring(e.path)))))
          unknown.push_back(&e);
        continue;
      }
      ++checked;
      std::string d = e.file_alg + ":" + ToHex(e.file_digest);
      if (!Contains(it->second, d)) mismatched.push_back(&e);
    }
    auto list = [&](RuleResult& r, const std::vector<const ImaEntryFact*>& v) {
      std::string a;
      for (size_t i = 0; i < v.size(); ++i) {
        if (r.evidence_all.size() < kMaxPointers) r.evidence_all.push_back(v[i]->Pointer());
        if (i < kMaxListed) {
          a += (a.empty() ? "" : "; ") + v[i]->Pointer() + " " + v[i]->path + " " + v[i]->file_alg +
               ":" + ToHex(v[i]->file_digest);
        }
      }
      if (v.size() > kMaxListed) a += "; ... (" + std::to_string(v.size()) + " in all)";
      if (!v.empty()) r.evidence = v[0]->Pointer();
      r.actual = a;
    };
    if (mismatched.empty()) {
      allow.actual = std::to_string(checked) + " listed file(s) match, " +
                     std::to_string(excluded) + " excluded";
      allow.evidence = "ima";
      Set(allow, Verdict::kPass,
          "every measured file on the allow list has an allowed digest" + unbound_note);
    } else {
      list(allow, mismatched);
      Set(allow, Verdict::kFail,
          std::to_string(mismatched.size()) +
              " measured file(s) have a digest the allow list does not hold");
    }
    if (ip.ChecksSignatures()) ImaSignaturesRule(unbound_note);
    RuleResult& unk = Add("ima.unknown", ip.pos.line);
    unk.expected = ip.unknown == UnknownFiles::kFail   ? "no file outside the allow list"
                   : ip.unknown == UnknownFiles::kWarn ? "no file outside the allow list (warn)"
                                                       : "files outside the allow list are ignored";
    if (unknown.empty()) {
      unk.actual = "0 unknown file(s)";
      unk.evidence = "ima";
      Set(unk, Verdict::kPass,
          std::string(ip.ChecksSignatures()
                          ? "every measured file is on the allow list, excluded, signed by a "
                            "trusted key or allowed unsigned"
                          : "every measured file is on the allow list or excluded") +
              unbound_note);
    } else {
      list(unk, unknown);
      std::string why =
          std::to_string(unknown.size()) + " measured file(s) are not on the allow list";
      if (ip.unknown == UnknownFiles::kIgnore)
        Set(unk, Verdict::kPass, why + " (ima.unknown: ignore)");
      else
        Set(unk, ip.unknown == UnknownFiles::kWarn ? Verdict::kWarn : Verdict::kFail, why);
    }
  }

  const Policy& p_;
  const Facts& f_;
  const EvalOptions& o_;
  std::vector<RuleResult> out_;
};

// Applies the first waiver that covers `id` to a failing or warning status.
void ApplyWaivers(const Policy& p, const EvalOptions& o, const std::string& id, Verdict* status,
                  std::string* waiver, std::string* why) {
  if (*status != Verdict::kFail && *status != Verdict::kWarn) return;
  for (const Waiver& w : p.waivers) {
    if (!w.Covers(id)) continue;
    if (o.now < w.until) {
      *status = Verdict::kWaived;
      *waiver = w.reason;
      *why += (why->empty() ? "" : "; ") + std::string("waived until ") + w.until_text + ": " +
              w.reason;
      return;
    }
    *why += (why->empty() ? "" : "; ") + std::string("waiver expired ") + w.until_text;
  }
}

}  // namespace

bool BytesMatcher::Matches(const uint8_t* data, size_t len) const {
  if (zero) return std::all_of(data, data + len, [](uint8_t b) { return b == 0; });
  for (const std::vector<uint8_t>& b : any_of) {
    if (b.size() == len && std::equal(b.begin(), b.end(), data)) return true;
  }
  return false;
}

bool Waiver::Covers(const std::string& id) const {
  if (rule.size() > 2 && rule.ends_with(".*")) {
    std::string prefix = rule.substr(0, rule.size() - 1);  // keeps the '.'
    return id.rfind(prefix, 0) == 0;
  }
  return id == rule;
}

std::string AreaOf(const std::string& id) {
  size_t dot = id.find('.');
  return dot == std::string::npos ? id : id.substr(0, dot);
}

bool Evaluation::Passed() const {
  return CountRules(Verdict::kFail) == 0 && CountChecks(Verdict::kFail) == 0;
}

result::Outcome Evaluation::Outcome() const {
  if (!Passed()) return result::Outcome::kUntrusted;
  return has_policy ? result::Outcome::kTrusted : result::Outcome::kVerified;
}

size_t Evaluation::CountRules(Verdict v) const {
  return size_t(std::count_if(rules.begin(), rules.end(),
                              [v](const RuleResult& r) { return r.status == v; }));
}

size_t Evaluation::CountChecks(Verdict v) const {
  return size_t(
      std::count_if(checks.begin(), checks.end(), [v](const Check& c) { return c.status == v; }));
}

Evaluation Evaluate(const Policy* policy, const Facts& facts, const EvalOptions& options) {
  Evaluation ev;
  ev.checks = facts.checks;
  if (policy == nullptr) return ev;
  ev.has_policy = true;
  ev.name = policy->name;
  ev.version = policy->version;
  for (Check& c : ev.checks) {
    if (c.status == Verdict::kFail && c.missing == "collateral" &&
        policy->platform.collateral_optional) {
      c.status = Verdict::kSkipped;
      c.detail +=
          (c.detail.empty() ? "" : "; ") + std::string("allowed by platform.collateral: optional");
    }
    if (c.status == Verdict::kFail && c.missing == "nonce" && policy->binding.nonce_optional) {
      c.status = Verdict::kSkipped;
      c.detail +=
          (c.detail.empty() ? "" : "; ") + std::string("allowed by binding.nonce: optional");
    }
    ApplyWaivers(*policy, options, c.id, &c.status, &c.waiver, &c.detail);
  }
  ev.rules = Evaluator(*policy, facts, options).Run();
  if (policy->containers) {
    EvaluateContainerRules(*policy->containers, facts.containers.get(), &ev.rules);
  }
  if (policy->boot) EvaluateBootRules(*policy->boot, facts.boot, &ev.rules);
  if (policy->kernel) EvaluateKernelRules(*policy->kernel, facts, &ev.rules);
  for (RuleResult& r : ev.rules) {
    ApplyWaivers(*policy, options, r.id, &r.status, &r.waiver, &r.why);
  }
  return ev;
}

}  // namespace ccv::policy
