#include "verifier/report/verify_report.h"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "verifier/report/internal/freshness_json.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/internal/text_escape.h"
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

using internal::JsonString;
using internal::KeyHex;
using internal::KeyOptBool;
using internal::KeyOptString;
using internal::KeyOptUint;
using internal::KeyString;
using internal::KeyStringOrNull;
using internal::KeyStrings;
using internal::KeyUint;
using internal::ValidUtf8;

void WriteBootVariable(Writer& w, const char* name, const result::BootVariableFact& v) {
  w.Key(name);
  if (!v.present) {
    w.Null();
    return;
  }
  w.StartObject();
  KeyString(w, "evidence", v.evidence);
  KeyUint(w, "entries", v.entries);
  w.Key("x509");
  w.StartArray();
  for (size_t i = 0; i < v.x509_sha256.size(); ++i) {
    w.StartObject();
    KeyString(w, "sha256", v.x509_sha256[i]);
    KeyString(w, "subject", v.x509_subjects[i]);
    w.EndObject();
  }
  w.EndArray();
  if (!v.error.empty()) KeyString(w, "error", v.error);
  w.EndObject();
}

// The boot facts (verifier/result/boot_facts.h): null members are facts no
// bound, verified event gives; `notes` say why.
void WriteBoot(Writer& w, const result::BootFacts& b) {
  w.StartObject();
  KeyOptBool(w, "secure_boot", b.secure_boot);
  if (!b.secure_boot_evidence.empty()) KeyString(w, "secure_boot_evidence", b.secure_boot_evidence);
  WriteBootVariable(w, "pk", b.pk);
  WriteBootVariable(w, "kek", b.kek);
  WriteBootVariable(w, "db", b.db);
  WriteBootVariable(w, "dbx", b.dbx);
  internal::KeyObjects(w, "images", b.images, [&](Writer& w, const result::BootImageFact& im) {
    KeyString(w, "evidence", im.evidence);
    KeyString(w, "register", im.reg);
    KeyString(w, "digest", im.sha256);
    KeyString(w, "device_path", im.device_path);
  });
  KeyOptString(w, "cmdline", b.cmdline);
  if (!b.cmdline_evidence.empty()) KeyString(w, "cmdline_evidence", b.cmdline_evidence);
  w.Key("notes");
  w.StartArray();
  for (const std::string& n : b.notes) JsonString(w, n);
  w.EndArray();
  w.EndObject();
}

// {"key": "value", ...} of pairs from evidence: keys made valid UTF-8, a
// repeated key written once (the first, as DmTargetFact::Attr reads it).
void WritePairs(Writer& w, const std::vector<std::pair<std::string, std::string>>& pairs) {
  w.StartObject();
  std::set<std::string> seen;
  for (const auto& [key, value] : pairs) {
    std::string k = ValidUtf8(key);
    if (!seen.insert(k).second) continue;
    w.Key(k.data(), rapidjson::SizeType(k.size()));
    JsonString(w, value);
  }
  w.EndObject();
}

// The kernel facts (verifier/result/kernel_facts.h): every measured buffer
// with why it gives no fact, and the facts bound, digest-verified ones give.
void WriteKernel(Writer& w, const result::KernelFacts& k) {
  w.StartObject();
  internal::KeyObjects(w, "buffers", k.buffers, [&](Writer& w, const result::KernelBufferFact& b) {
    KeyString(w, "evidence", b.evidence);
    KeyString(w, "name", b.name);
    KeyString(w, "kind", b.kind);
    w.Key("bound");
    w.Bool(b.bound);
    w.Key("digest_verified");
    w.Bool(b.digest_verified);
    KeyString(w, "detail", b.detail);
  });
  internal::KeyObjects(w, "dm_targets", k.dm_targets,
                       [&](Writer& w, const result::DmTargetFact& t) {
                         KeyString(w, "evidence", t.evidence);
                         KeyString(w, "device", t.device);
                         KeyString(w, "uuid", t.uuid);
                         KeyUint(w, "index", t.index);
                         KeyString(w, "target", t.target);
                         KeyString(w, "version", t.version);
                         w.Key("attributes");
                         WritePairs(w, t.attrs);
                       });
  internal::KeyObjects(w, "kexec_cmdlines", k.kexec_cmdlines, [&](Writer& w, const auto& item) {
    const auto& [evidence, cmdline] = item;
    KeyString(w, "evidence", evidence);
    KeyString(w, "cmdline", cmdline);
  });
  w.Key("selinux_state");
  if (k.selinux_state) {
    w.StartObject();
    KeyString(w, "evidence", k.selinux_state_evidence);
    w.Key("values");
    WritePairs(w, *k.selinux_state);
    w.EndObject();
  } else {
    w.Null();
  }
  w.Key("selinux_policy_hash");
  if (k.selinux_policy_hash) {
    w.StartObject();
    KeyString(w, "evidence", k.selinux_policy_hash_evidence);
    KeyString(w, "hash", *k.selinux_policy_hash);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

void WriteQuote(Writer& w, const Facts& f) {
  const result::QuoteFacts& q = f.quote;
  if (!q.present) {
    w.Null();
    return;
  }
  w.StartObject();
  KeyUint(w, "version", q.version);
  if (!q.fmspc.empty()) KeyString(w, "fmspc", q.fmspc);
  KeyHex(w, "tee_tcb_svn", q.tee_tcb_svn);
  KeyHex(w, "mr_seam", q.mr_seam);
  KeyHex(w, "mr_signer_seam", q.mr_signer_seam);
  KeyHex(w, "seam_attributes", q.seam_attributes);
  KeyHex(w, "td_attributes", q.td_attributes);
  KeyHex(w, "xfam", q.xfam);
  KeyHex(w, "mr_td", q.mr_td);
  KeyHex(w, "mr_config_id", q.mr_config_id);
  KeyHex(w, "mr_owner", q.mr_owner);
  KeyHex(w, "mr_owner_config", q.mr_owner_config);
  KeyHex(w, "mr_servicetd", q.mr_servicetd);
  w.Key("td_report_v15");
  w.Bool(q.is_v15);
  for (uint32_t i = 0; i < kNumRtmrs; ++i) KeyHex(w, RegisterId::Rtmr(i).Name().c_str(), q.rtmr[i]);
  KeyHex(w, "report_data", q.report_data);
  w.EndObject();
}

void WriteCounts(Writer& w, const Evaluation& ev, bool rules) {
  w.StartObject();
  for (Verdict v :
       {Verdict::kPass, Verdict::kFail, Verdict::kWarn, Verdict::kWaived, Verdict::kSkipped}) {
    w.Key(VerdictName(v));
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
  w.Key("by_container");
  w.StartObject();
  for (const auto& [name, rules] : groups) {
    std::string key = ValidUtf8(name);
    w.Key(key.c_str());
    w.StartObject();
    bool failed = false;
    for (const RuleResult* r : rules) failed = failed || r->status == Verdict::kFail;
    KeyString(w, "verdict", failed ? "fail" : "pass");
    w.Key("rules");
    w.StartArray();
    for (const RuleResult* r : rules) JsonString(w, r->id);
    w.EndArray();
    w.EndObject();
  }
  w.EndObject();
}

}  // namespace

std::string VerifyReportJson(const Facts& f, const Evaluation& ev, const VerifyReportContext& ctx) {
  return PrettySchemaJson(2, [&](Writer& w) {
    KeyString(w, "verdict", VerdictWord(ev));
    KeyString(w, "outcome", result::OutcomeName(ev.Outcome()));
    if (!ctx.bundle.empty()) KeyString(w, "bundle", ctx.bundle);
    if (!ctx.at.empty()) KeyString(w, "at", ctx.at);
    w.Key("freshness");
    w.StartObject();
    KeyString(w, "nonce_source", result::NonceSourceName(f.nonce_source));
    KeyString(w, "user_data_source", result::NonceSourceName(f.user_data_source));
    w.Key("fresh");
    w.Bool(f.nonce_source == result::NonceSource::kVerifier);
    w.EndObject();
    w.Key("logs");
    w.StartArray();
    for (const result::LogFact& l : f.logs) {
      w.StartObject();
      KeyString(w, "name", l.name);
      KeyString(w, "path", l.path);
      w.Key("bound");
      w.Bool(l.bound);
      KeyString(w, "why", l.why);
      w.Key("registers");
      w.StartArray();
      for (const std::string& r : l.registers) JsonString(w, r);
      w.EndArray();
      KeyUint(w, "events", l.events);
      KeyUint(w, "bound_events", l.bound_events);
      if (l.name == "ima" && f.ima_resume) {
        // --ima-state: how the list was replayed.
        const result::ImaResumeFact& r = *f.ima_resume;
        w.Key("ima_state");
        w.StartObject();
        KeyString(w, "replay", r.incremental ? "incremental" : "full");
        KeyUint(w, "from_entry", r.from_entry);
        KeyUint(w, "from_offset", r.from_offset);
        KeyStringOrNull(w, "refused", r.refused);
        KeyOptUint(w, "next_entries", r.next_entries);
        w.EndObject();
      }
      w.EndObject();
    }
    w.EndArray();
    w.Key("app");
    if (!f.app.present) {
      w.Null();
    } else {
      w.StartObject();
      KeyString(w, "path", f.app.path);
      w.Key("bound");
      w.Bool(f.app.bound);
      KeyString(w, "why", f.app.why);
      for (const auto& [key, map] :
           {std::pair<const char*, const std::map<std::string, std::string>*>{"values",
                                                                              &f.app.values},
            {"pointers", &f.app.pointers},
            {"refused", &f.app.refused}}) {
        w.Key(key);
        w.StartObject();
        for (const auto& [name, value] : *map) KeyString(w, name.c_str(), value);
        w.EndObject();
      }
      w.EndObject();
    }
    w.Key("quote");
    WriteQuote(w, f);
    w.Key("collateral");
    w.StartObject();
    w.Key("present");
    w.Bool(f.collateral.present);
    KeyOptString(w, "tcb_status", f.collateral.tcb_status);
    w.Key("advisory_ids");
    w.StartArray();
    for (const auto& a : f.collateral.advisory_ids) JsonString(w, a);
    w.EndArray();
    w.Key("freshness");
    if (f.collateral.freshness) {
      internal::WriteFreshnessJson(w, *f.collateral.freshness);
    } else {
      w.Null();
    }
    w.EndObject();
    w.Key("boot");
    WriteBoot(w, f.boot);
    if (!f.kernel.buffers.empty()) {
      w.Key("kernel");
      WriteKernel(w, f.kernel);
    }

    if (f.tpm.present) {
      w.Key("tpm");
      w.StartObject();
      w.Key("verified");
      w.Bool(f.tpm.verified);
      KeyUint(w, "quotes", f.tpm.quotes);
      KeyString(w, "ak_form", f.tpm.ak_form);
      KeyString(w, "ak_key", f.tpm.ak_key);
      KeyString(w, "ak_fingerprint", f.tpm.ak_fingerprint);
      KeyString(w, "ak_trust", f.tpm.ak_trust);
      KeyString(w, "nonce_source", result::NonceSourceName(f.tpm.nonce_source));
      w.Key("pcrs");
      w.StartObject();
      for (const auto& [bank, values] : f.tpm.pcrs) {
        w.Key(std::string(HashAlgName(bank)).c_str());
        w.StartObject();
        for (const auto& [index, d] : values) {
          KeyString(w, ("pcr" + std::to_string(index)).c_str(), ToHex(d.span()));
        }
        w.EndObject();
      }
      w.EndObject();
      w.EndObject();
    }

    w.Key("replay");
    w.StartObject();
    w.Key("registers");
    w.StartObject();
    for (const auto& [reg, banks] : f.replayed.registers()) {
      w.Key(reg.Name().c_str());
      w.StartObject();
      for (const auto& [alg, d] : banks) {
        KeyString(w, std::string(HashAlgName(alg)).c_str(), ToHex(d.span()));
      }
      w.EndObject();
    }
    w.EndObject();
    w.Key("matches_quote");
    w.StartObject();
    for (const auto& c : f.comparisons) {
      w.Key(c.reg.c_str());
      w.Bool(c.matches);
    }
    w.EndObject();
    internal::KeyObjects(w, "comparisons", f.comparisons, [&](Writer& w, const auto& c) {
      KeyString(w, "register", c.reg);
      w.Key("matches");
      w.Bool(c.matches);
      KeyString(w, "replayed", c.replayed);
      KeyString(w, "quoted", c.quoted);
      KeyString(w, "detail", c.detail);
    });
    KeyUint(w, "events", f.events.size());
    KeyUint(w, "ima_entries", f.ima.size());
    if (f.ima_signatures_checked) {
      // Keys ima-buf records loaded into keyrings (ima.signatures: keyrings).
      internal::KeyObjects(w, "ima_key_loads", f.ima_key_loads,
                           [&](Writer& w, const result::ImaKeyLoadFact& k) {
                             KeyString(w, "evidence", "ima#" + std::to_string(k.index));
                             KeyString(w, "keyring", k.keyring);
                             KeyString(w, "subject", k.subject);
                             const uint8_t id[4] = {uint8_t(k.keyid >> 24), uint8_t(k.keyid >> 16),
                                                    uint8_t(k.keyid >> 8), uint8_t(k.keyid)};
                             KeyString(w, "key_id", ToHex(std::span<const uint8_t>(id, 4)));
                             w.Key("bound");
                             w.Bool(k.bound);
                             w.Key("trusted");
                             w.Bool(k.trusted);
                           });
    }
    w.EndObject();

    internal::KeyObjects(w, "checks", ev.checks, [&](Writer& w, const Check& c) {
      KeyString(w, "id", c.id);
      KeyString(w, "status", VerdictName(c.status));
      KeyString(w, "detail", c.detail);
      if (!c.waiver.empty()) KeyString(w, "waiver", c.waiver);
    });

    w.Key("policy");
    if (!ev.has_policy) {
      w.Null();
    } else {
      w.StartObject();
      KeyString(w, "name", ev.name);
      KeyString(w, "version", ev.version);
      if (!ctx.policy_path.empty()) KeyString(w, "file", ctx.policy_path);
      if (!ctx.policy_sha256.empty()) {
        KeyString(w, "sha256", ctx.policy_sha256);
        w.Key("signature");
        if (ctx.policy_signature.empty()) {
          w.Null();
        } else {
          w.StartObject();
          KeyString(w, "form", ctx.policy_signature);
          KeyString(w, "signer", ctx.policy_signer);
          w.EndObject();
        }
      }
      internal::KeyObjects(w, "rules", ev.rules, [&](Writer& w, const RuleResult& r) {
        KeyString(w, "id", r.id);
        KeyString(w, "status", VerdictName(r.status));
        KeyString(w, "expected", r.expected);
        KeyString(w, "actual", r.actual);
        KeyString(w, "evidence", r.evidence);
        KeyString(w, "why", r.why);
        KeyString(w, "area", r.area);
        if (!r.container.empty()) KeyString(w, "container", r.container);
        if (r.evidence_all.size() > 1) {
          w.Key("evidence_all");
          w.StartArray();
          for (const auto& e : r.evidence_all) JsonString(w, e);
          w.EndArray();
        }
        if (!r.waiver.empty()) KeyString(w, "waiver", r.waiver);
        if (r.policy_line) {
          KeyUint(w, "policy_line", r.policy_line);
        }
      });
      WriteContainerGroups(w, ev);
      w.EndObject();
    }
    w.Key("summary");
    w.StartObject();
    w.Key("checks");
    WriteCounts(w, ev, false);
    w.Key("rules");
    WriteCounts(w, ev, true);
    w.EndObject();
  });
}

namespace {

// One line of the text report (a check or a rule).
struct Item {
  std::string area;
  std::string id;
  Verdict status;
  std::vector<std::pair<std::string, std::string>> details;  // label, text
};

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
    auto [pos, fresh] = worst.try_emplace(it.area, VerdictRank(it.status));
    if (!fresh) pos->second = std::min(pos->second, VerdictRank(it.status));
  }
  auto area_key = [&](const std::string& a) {
    bool is_policy = a.rfind("policy: ", 0) == 0;
    std::string name = a.substr(a.find(": ") + 2);
    return std::make_tuple(worst[a], is_policy, AreaOrder(name), name);
  };
  std::stable_sort(items.begin(), items.end(), [&](const Item& a, const Item& b) {
    if (a.area != b.area) return area_key(a.area) < area_key(b.area);
    return VerdictRank(a.status) < VerdictRank(b.status);
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
    if (!ctx.policy_signer.empty()) {
      out += "  policy signed (" + ctx.policy_signature + ") by " + Printable(ctx.policy_signer) +
             "\n";
    }
  } else {
    out +=
        "  policy:   none (verification only: measurements are not compared with reference "
        "values)\n";
  }
  if (!f.kernel.buffers.empty()) {
    // What the running kernel measured as critical data (bound records only).
    const result::KernelFacts& k = f.kernel;
    size_t verity = 0;
    for (const result::DmTargetFact& t : k.dm_targets) verity += t.target == "verity" ? 1 : 0;
    std::string enforcing = "unknown";
    if (k.selinux_state) {
      for (const auto& [key, value] : *k.selinux_state) {
        if (key == "enforcing") enforcing = value;
      }
    }
    out += "  kernel:   " + std::to_string(k.buffers.size()) + " measured buffer(s); " +
           std::to_string(k.dm_targets.size()) + " dm target(s), " + std::to_string(verity) +
           " dm-verity; " + std::to_string(k.kexec_cmdlines.size()) +
           " kexec command line(s); selinux enforcing " + Printable(enforcing) + "\n";
  }
  if (f.collateral.tcb_status) out += "  tcb:      " + Printable(*f.collateral.tcb_status) + "\n";
  if (f.collateral.freshness) {
    out += "  collateral: " + Printable(internal::FreshnessText(*f.collateral.freshness)) + "\n";
  }
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
