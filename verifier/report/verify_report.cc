#include "verifier/report/verify_report.h"

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <vector>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "verifier/report/junit.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

using policy::Evaluation;
using policy::RuleResult;
using result::Check;
using result::Facts;
using result::Verdict;
using result::VerdictName;
using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void Str(Writer& w, const std::string& s) { w.String(s.data(), rapidjson::SizeType(s.size())); }
void Key(Writer& w, const char* k) { w.Key(k); }
void KV(Writer& w, const char* k, const std::string& v) {
  w.Key(k);
  Str(w, v);
}
void KHex(Writer& w, const char* k, std::span<const uint8_t> b) { KV(w, k, ToHex(b)); }

// RapidJSON writes the bytes it is given; evidence text may hold invalid
// UTF-8, so replace such bytes first.
std::string Utf8(const std::string& s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n != 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (!ok) {
      out += "\xef\xbf\xbd";  // U+FFFD
      ++i;
      continue;
    }
    out.append(s, i, n);
    i += n;
  }
  return out;
}

void WriteQuote(Writer& w, const Facts& f) {
  const result::QuoteFacts& q = f.quote;
  if (!q.present) {
    w.Null();
    return;
  }
  w.StartObject();
  Key(w, "version");
  w.Uint(q.version);
  if (!q.fmspc.empty()) KV(w, "fmspc", q.fmspc);
  KHex(w, "tee_tcb_svn", q.tee_tcb_svn);
  KHex(w, "mr_seam", q.mr_seam);
  KHex(w, "mr_signer_seam", q.mr_signer_seam);
  KHex(w, "seam_attributes", q.seam_attributes);
  KHex(w, "td_attributes", q.td_attributes);
  KHex(w, "xfam", q.xfam);
  KHex(w, "mr_td", q.mr_td);
  KHex(w, "mr_config_id", q.mr_config_id);
  KHex(w, "mr_owner", q.mr_owner);
  KHex(w, "mr_owner_config", q.mr_owner_config);
  KHex(w, "mr_servicetd", q.mr_servicetd);
  Key(w, "td_report_v15");
  w.Bool(q.td_report_v15);
  for (uint32_t i = 0; i < kNumRtmrs; ++i) KHex(w, RegisterId::Rtmr(i).Name().c_str(), q.rtmr[i]);
  KHex(w, "report_data", q.report_data);
  w.EndObject();
}

void WriteCounts(Writer& w, const Evaluation& ev, bool rules) {
  w.StartObject();
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kWaived, Verdict::kSkipped}) {
    Key(w, VerdictName(v));
    w.Uint64(rules ? ev.CountRules(v) : ev.CountChecks(v));
  }
  w.EndObject();
}

}  // namespace

namespace {

// Container rules grouped by the pod or container they judged:
// "by_container": {"<name>": {"verdict", "rules": [ids]}}.
void WriteContainerGroups(Writer& w, const Evaluation& ev) {
  std::map<std::string, std::vector<const RuleResult*>> groups;
  for (const RuleResult& r : ev.rules) {
    if (!r.container.empty()) groups[r.container].push_back(&r);
  }
  if (groups.empty()) return;
  Key(w, "by_container");
  w.StartObject();
  for (const auto& [name, rules] : groups) {
    std::string key = Utf8(name);
    Key(w, key.c_str());
    w.StartObject();
    bool failed = false;
    for (const RuleResult* r : rules) failed = failed || r->status == Verdict::kFail;
    KV(w, "verdict", failed ? "fail" : "pass");
    Key(w, "rules");
    w.StartArray();
    for (const RuleResult* r : rules) Str(w, Utf8(r->id));
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string VerifyReportJson(const Facts& f, const Evaluation& ev, const VerifyReportContext& ctx) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.SetIndent(' ', 2);
  w.StartObject();
  WriteSchemaVersion(w);
  KV(w, "verdict", VerdictWord(ev));
  KV(w, "outcome", result::OutcomeName(ev.Outcome()));
  if (!ctx.bundle.empty()) KV(w, "bundle", Utf8(ctx.bundle));
  if (!ctx.at.empty()) KV(w, "at", ctx.at);
  Key(w, "freshness");
  w.StartObject();
  KV(w, "nonce_source", result::NonceSourceName(f.nonce_source));
  KV(w, "user_data_source", result::NonceSourceName(f.user_data_source));
  Key(w, "fresh");
  w.Bool(f.nonce_source == result::NonceSource::kVerifier);
  w.EndObject();
  Key(w, "logs");
  w.StartArray();
  for (const result::LogFact& l : f.logs) {
    w.StartObject();
    KV(w, "name", l.name);
    KV(w, "path", Utf8(l.path));
    Key(w, "bound");
    w.Bool(l.bound);
    KV(w, "why", Utf8(l.why));
    Key(w, "registers");
    w.StartArray();
    for (const std::string& r : l.registers) Str(w, r);
    w.EndArray();
    Key(w, "events");
    w.Uint64(l.events);
    Key(w, "bound_events");
    w.Uint64(l.bound_events);
    w.EndObject();
  }
  w.EndArray();
  Key(w, "quote");
  WriteQuote(w, f);
  Key(w, "collateral");
  w.StartObject();
  Key(w, "present");
  w.Bool(f.collateral.present);
  Key(w, "tcb_status");
  if (f.collateral.tcb_status)
    Str(w, *f.collateral.tcb_status);
  else
    w.Null();
  Key(w, "advisory_ids");
  w.StartArray();
  for (const auto& a : f.collateral.advisory_ids) Str(w, Utf8(a));
  w.EndArray();
  w.EndObject();

  if (f.tpm.present) {
    Key(w, "tpm");
    w.StartObject();
    Key(w, "verified");
    w.Bool(f.tpm.verified);
    Key(w, "quotes");
    w.Uint64(f.tpm.quotes);
    KV(w, "ak_form", f.tpm.ak_form);
    KV(w, "ak_key", f.tpm.ak_key);
    KV(w, "ak_fingerprint", f.tpm.ak_fingerprint);
    KV(w, "ak_trust", f.tpm.ak_trust);
    KV(w, "nonce_source", result::NonceSourceName(f.tpm.nonce_source));
    Key(w, "pcrs");
    w.StartObject();
    for (const auto& [bank, values] : f.tpm.pcrs) {
      Key(w, std::string(HashAlgName(bank)).c_str());
      w.StartObject();
      for (const auto& [index, d] : values) {
        KV(w, ("pcr" + std::to_string(index)).c_str(), ToHex(d.span()));
      }
      w.EndObject();
    }
    w.EndObject();
    w.EndObject();
  }

  Key(w, "replay");
  w.StartObject();
  Key(w, "registers");
  w.StartObject();
  for (const auto& [reg, banks] : f.replayed.registers()) {
    Key(w, reg.Name().c_str());
    w.StartObject();
    for (const auto& [alg, d] : banks) {
      KV(w, std::string(HashAlgName(alg)).c_str(), ToHex(d.span()));
    }
    w.EndObject();
  }
  w.EndObject();
  Key(w, "matches_quote");
  w.StartObject();
  for (const auto& c : f.comparisons) {
    Key(w, c.reg.c_str());
    w.Bool(c.matches);
  }
  w.EndObject();
  Key(w, "comparisons");
  w.StartArray();
  for (const auto& c : f.comparisons) {
    w.StartObject();
    KV(w, "register", c.reg);
    Key(w, "matches");
    w.Bool(c.matches);
    KV(w, "replayed", c.replayed);
    KV(w, "quoted", c.quoted);
    KV(w, "detail", Utf8(c.detail));
    w.EndObject();
  }
  w.EndArray();
  Key(w, "events");
  w.Uint64(f.events.size());
  Key(w, "ima_entries");
  w.Uint64(f.ima.size());
  w.EndObject();

  Key(w, "checks");
  w.StartArray();
  for (const Check& c : ev.checks) {
    w.StartObject();
    KV(w, "id", c.id);
    KV(w, "status", VerdictName(c.status));
    KV(w, "detail", Utf8(c.detail));
    if (!c.waiver.empty()) KV(w, "waiver", Utf8(c.waiver));
    w.EndObject();
  }
  w.EndArray();

  Key(w, "policy");
  if (!ev.has_policy) {
    w.Null();
  } else {
    w.StartObject();
    KV(w, "name", Utf8(ev.name));
    KV(w, "version", Utf8(ev.version));
    if (!ctx.policy_path.empty()) KV(w, "file", Utf8(ctx.policy_path));
    Key(w, "rules");
    w.StartArray();
    for (const RuleResult& r : ev.rules) {
      w.StartObject();
      KV(w, "id", Utf8(r.id));
      KV(w, "status", VerdictName(r.status));
      KV(w, "expected", Utf8(r.expected));
      KV(w, "actual", Utf8(r.actual));
      KV(w, "evidence", Utf8(r.evidence));
      KV(w, "why", Utf8(r.why));
      KV(w, "area", r.area);
      if (!r.container.empty()) KV(w, "container", Utf8(r.container));
      if (r.evidence_all.size() > 1) {
        Key(w, "evidence_all");
        w.StartArray();
        for (const auto& e : r.evidence_all) Str(w, e);
        w.EndArray();
      }
      if (!r.waiver.empty()) KV(w, "waiver", Utf8(r.waiver));
      if (r.policy_line) {
        Key(w, "policy_line");
        w.Uint64(r.policy_line);
      }
      w.EndObject();
    }
    w.EndArray();
    WriteContainerGroups(w, ev);
    w.EndObject();
  }
  Key(w, "summary");
  w.StartObject();
  Key(w, "checks");
  WriteCounts(w, ev, false);
  Key(w, "rules");
  WriteCounts(w, ev, true);
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

namespace {

// One line of the text report (a check or a rule).
struct Item {
  std::string area;
  std::string id;
  Verdict status;
  std::vector<std::pair<std::string, std::string>> details;  // label, text
};

int Rank(Verdict v) {
  switch (v) {
    case Verdict::kFail:
      return 0;
    case Verdict::kWarn:
      return 1;
    case Verdict::kWaived:
      return 2;
    case Verdict::kSkipped:
      return 3;
    case Verdict::kPass:
      return 4;
  }
  return 5;
}

const char* Colour(Verdict v) {
  switch (v) {
    case Verdict::kFail:
      return "\x1b[1;31m";
    case Verdict::kWarn:
      return "\x1b[33m";
    case Verdict::kWaived:
      return "\x1b[36m";
    case Verdict::kSkipped:
      return "\x1b[2m";
    case Verdict::kPass:
      return "\x1b[32m";
  }
  return "";
}

// Printable single-line text (control bytes as '.').
std::string Printable(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += (c < 0x20 || c == 0x7f) ? '.' : char(c);
  return out;
}

int AreaOrder(const std::string& a) {
  static const char* kOrder[] = {"quote",  "report_data", "tpm", "replay", "log", "ima",
                                 "policy", "platform",    "td",  "events", "pcrs"};
  for (size_t i = 0; i < std::size(kOrder); ++i) {
    if (a == kOrder[i]) return int(i);
  }
  return 100;
}

}  // namespace

std::string VerifyReportText(const Facts& f, const Evaluation& ev, const VerifyReportContext& ctx,
                             const TextReportOptions& options) {
  const bool color = options.color;
  auto status = [&](Verdict v) {
    std::string word = VerdictName(v);
    for (auto& c : word) c = char(std::toupper(static_cast<unsigned char>(c)));
    while (word.size() < 7) word += ' ';
    if (!color) return word;
    return std::string(Colour(v)) + word + "\x1b[0m";
  };
  std::vector<Item> items;
  for (const Check& c : ev.checks) {
    Item it{"verification: " + policy::AreaOf(c.id), c.id, c.status, {}};
    if (!c.detail.empty()) it.details.push_back({"", c.detail});
    items.push_back(std::move(it));
  }
  for (const RuleResult& r : ev.rules) {
    Item it{
        "policy: " + r.area + (r.container.empty() ? "" : " " + r.container), r.id, r.status, {}};
    if (r.status != Verdict::kPass) {
      if (!r.expected.empty()) it.details.push_back({"expected", r.expected});
      if (!r.actual.empty()) it.details.push_back({"actual", r.actual});
      if (!r.evidence.empty()) it.details.push_back({"evidence", r.evidence});
      if (!r.why.empty()) it.details.push_back({"why", r.why});
      if (r.policy_line) it.details.push_back({"policy", "line " + std::to_string(r.policy_line)});
    } else if (!r.actual.empty()) {
      it.details.push_back({"", r.actual});
    }
    items.push_back(std::move(it));
  }
  // Areas with failures first, then by a fixed order; items worst first.
  std::map<std::string, int> worst;
  for (const Item& it : items) {
    auto [pos, fresh] = worst.try_emplace(it.area, Rank(it.status));
    if (!fresh) pos->second = std::min(pos->second, Rank(it.status));
  }
  auto area_key = [&](const std::string& a) {
    bool is_policy = a.rfind("policy: ", 0) == 0;
    std::string name = a.substr(a.find(": ") + 2);
    return std::make_tuple(worst[a], is_policy, AreaOrder(name), name);
  };
  std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (a.area != b.area) return area_key(a.area) < area_key(b.area);
    return Rank(a.status) < Rank(b.status);
  });

  std::string out;
  result::Outcome outcome = ev.Outcome();
  bool passed = outcome != result::Outcome::kUntrusted;
  std::string head = outcome == result::Outcome::kTrusted ? "TRUSTED"
                     : outcome == result::Outcome::kVerified
                         ? "VERIFIED (no policy: no reference values compared)"
                         : "UNTRUSTED";
  if (color) head = std::string(passed ? "\x1b[1;32m" : "\x1b[1;31m") + head + "\x1b[0m";
  out += "ccverify verify: " + head + "\n";
  if (!ctx.bundle.empty()) out += "  evidence: " + Printable(ctx.bundle) + "\n";
  if (!ctx.at.empty()) out += "  time:     " + ctx.at + "\n";
  if (f.quote.present) {
    out += std::string("  nonce:    ") +
           (f.nonce_source == result::NonceSource::kVerifier
                ? "given by the verifier: the quote is fresh"
            : f.nonce_source == result::NonceSource::kBundle
                ? "taken from the bundle: proves consistency, not freshness (pass --nonce)"
                : "none: freshness unknown") +
           "\n";
    if (f.nonce_source == result::NonceSource::kVerifier) {
      out += std::string("  user data: ") +
             (f.user_data_source == result::NonceSource::kBundle
                  ? "the bundle's, bound with the verifier's nonce (--user-data not given)"
              : f.user_data_source == result::NonceSource::kVerifier ? "given by the verifier"
                                                                     : "none") +
             "\n";
    }
  }
  for (const result::LogFact& l : f.logs) {
    out += "  log " + l.name + ": " + (l.bound ? "bound" : "NOT BOUND") + " (" + Printable(l.why) +
           ")\n";
  }
  if (ev.has_policy) {
    out += "  policy:   " + Printable(ev.name.empty() ? "(unnamed)" : ev.name);
    if (!ev.version.empty()) out += " " + Printable(ev.version);
    if (!ctx.policy_path.empty()) out += " (" + Printable(ctx.policy_path) + ")";
    out += "\n";
  } else {
    out +=
        "  policy:   none (verification only: measurements are not compared with reference "
        "values)\n";
  }
  if (f.collateral.tcb_status) out += "  tcb:      " + Printable(*f.collateral.tcb_status) + "\n";
  out += "  checks:   " + std::to_string(ev.CountChecks(Verdict::kFail)) + " failed";
  if (size_t n = ev.CountChecks(Verdict::kWarn)) out += ", " + std::to_string(n) + " warned";
  if (size_t n = ev.CountChecks(Verdict::kWaived)) out += ", " + std::to_string(n) + " waived";
  out += " of " + std::to_string(ev.checks.size());
  if (ev.has_policy) {
    out += "; rules: " + std::to_string(ev.CountRules(Verdict::kFail)) + " failed, " +
           std::to_string(ev.CountRules(Verdict::kWarn)) + " warned, " +
           std::to_string(ev.CountRules(Verdict::kWaived)) + " waived, " +
           std::to_string(ev.CountRules(Verdict::kSkipped)) + " skipped, " +
           std::to_string(ev.CountRules(Verdict::kPass)) + " passed of " +
           std::to_string(ev.rules.size());
  }
  out += "\n";
  std::string area;
  for (const Item& it : items) {
    if (options.failures_only && it.status != Verdict::kFail) continue;
    if (it.area != area) {
      area = it.area;
      out += "\n" + area + "\n";
    }
    out += "  " + status(it.status) + " " + Printable(it.id);
    if (it.details.size() == 1 && it.details[0].first.empty()) {
      out += ": " + Printable(it.details[0].second) + "\n";
      continue;
    }
    out += "\n";
    for (const auto& [label, text] : it.details) {
      out += "      " + (label.empty() ? std::string() : label + ": ") + Printable(text) + "\n";
    }
  }
  return out;
}

std::string VerifyReportJUnit(const Facts& /*facts*/, const Evaluation& ev,
                              const VerifyReportContext& ctx) {
  // Verdict -> JUnit mapping: VerdictCase (junit.h).
  std::vector<JUnitSuite> suites;
  JUnitSuite checks{"ccverify.verification", ctx.at, {}};
  for (const Check& c : ev.checks) {
    checks.cases.push_back(VerdictCase("ccverify.verification." + policy::AreaOf(c.id), c.id,
                                       c.status, c.detail, c.waiver, c.detail));
  }
  suites.push_back(std::move(checks));
  if (ev.has_policy) {
    JUnitSuite rules{
        "ccverify.policy" + (ev.name.empty() ? std::string() : "." + ev.name), ctx.at, {}};
    for (const RuleResult& r : ev.rules) {
      std::string body;
      if (r.status != Verdict::kPass) {
        body = "status: " + std::string(VerdictName(r.status)) + "\nexpected: " + r.expected +
               "\nactual: " + r.actual + "\nevidence: " + r.evidence + "\nwhy: " + r.why + "\n";
      }
      rules.cases.push_back(
          VerdictCase("ccverify.policy." + r.area + (r.container.empty() ? "" : "." + r.container),
                      r.id, r.status, r.why, r.waiver, std::move(body)));
    }
    suites.push_back(std::move(rules));
  }
  return WriteJUnit("ccverify", suites);
}

}  // namespace ccv::report
