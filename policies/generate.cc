#include "policies/generate.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <string_view>
#include <tuple>

#include "parsers/core/hex.h"
#include "policies/time_util.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
using result::Check;
using result::EventFact;
using result::Facts;
using result::ImaEntryFact;
using result::QuoteFacts;
using result::RegisterComparison;
namespace {

// A YAML double-quoted scalar (YAML 1.2 §7.3.1 escapes).
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static const char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += char(c);
        }
    }
  }
  return out + "\"";
}

// Printable, single-line, short text for a comment.
std::string CommentText(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= 80) {
      out += "...";
      break;
    }
    out += (c >= 0x20 && c < 0x7f) ? char(c) : '.';
  }
  return out;
}

template <size_t N>
std::string Eq(const std::array<uint8_t, N>& b) {
  if (AllBytesEqual(b, 0)) return "{eq: zero}";
  return "{eq: \"" + ToHex(b) + "\"}";
}

std::string Slug(const std::string& s) {
  std::string out;
  for (char c : s) {
    c = char(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  }
  return out;
}

// IMA's first entry: a hash of the boot registers, not a file. It changes
// with the firmware and the boot chain, which the events rules pin, so the
// allow list excludes it rather than pinning it.
constexpr char kBootAggregate[] = "boot_aggregate";
constexpr char kBootAggregateExclude[] = "^boot_aggregate$";

// The registers a bound IMA list extends ("rtmr2", "pcr10").
std::set<std::string> ImaRegisters(const Facts& f) {
  std::set<std::string> out;
  for (const result::LogFact& l : f.logs) {
    if (l.name == "ima") out.insert(l.registers.begin(), l.registers.end());
  }
  return out;
}

// IMA entries after the quoted value are not bound: never pinned.
std::map<std::string, std::vector<std::string>> AllowMap(const Facts& f) {
  std::map<std::string, std::vector<std::string>> allow;
  for (const ImaEntryFact& e : f.ima) {
    if (!e.bound || e.path == kBootAggregate) continue;
    std::string d = e.file_alg + ":" + ToHex(e.file_digest);
    auto& v = allow[e.path];
    if (std::find(v.begin(), v.end(), d) == v.end()) v.push_back(d);
  }
  return allow;
}

// The `exclude:` lines for a list that has a bound boot_aggregate entry.
std::string BootAggregateExclude(const Facts& f) {
  for (const ImaEntryFact& e : f.ima) {
    if (e.bound && e.path == kBootAggregate) {
      return std::string(
                 "  # boot_aggregate hashes the boot registers, which the events rules pin.\n"
                 "  exclude: [\"") +
             kBootAggregateExclude + "\"]\n";
    }
  }
  return "";
}

bool HasBoundIma(const Facts& f) {
  for (const ImaEntryFact& e : f.ima) {
    if (e.bound) return true;
  }
  return false;
}

// The digest a generated rule pins: the longest (strongest) bank's.
const Digest& PinnedDigest(const EventFact& e) {
  const Digest* best = &e.digests[0];
  for (const Digest& d : e.digests) {
    if (d.len > best->len) best = &d;
  }
  return *best;
}

// "# WARNING" lines naming why the platform is not known-good.
std::string WeakWarning(const std::vector<std::string>& weak) {
  if (weak.empty()) return "";
  std::string y =
      "# WARNING: generated with --allow-weak from a platform that is not known-good:\n";
  for (const std::string& w : weak) y += "#   - " + CommentText(w) + "\n";
  y += "# Verify with this policy accepts that platform. Do not use it as a golden policy.\n";
  return y;
}

// What a generated rule matches an event by: its verified text when it
// has one (a person can read it in the policy and in a failure), else the
// digest. Both survive inserting or moving other events.
struct EventContent {
  std::string text;    // set when the rule matches by text_eq
  std::string digest;  // else: the pinned digest, lowercase hex
  bool operator<(const EventContent& o) const {
    return std::tie(text, digest) < std::tie(o.text, o.digest);
  }
};

// Text a rule can quote and a person can read: printable ASCII, tab and
// line breaks (Quote() escapes those).
bool ReadableText(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) {
    unsigned char c = static_cast<unsigned char>(ch);
    return (c >= 0x20 && c < 0x7f) || c == '\t' || c == '\n' || c == '\r';
  });
}

EventContent ContentOf(const EventFact& e) {
  if (e.data == result::DataStatus::kVerified && ReadableText(e.text)) return {e.text, ""};
  return {"", ToHex(PinnedDigest(e).span())};
}

// "kernel-cmdline-vmlinuz-6-8-root-dev-vda1" for a text (its first words,
// up to 40 characters), the digest's first 12 hex digits otherwise: the
// part of a rule id that names the content.
std::string ContentSlug(const EventContent& c) {
  constexpr size_t kMaxLen = 40;
  if (c.text.empty()) return c.digest.substr(0, 12);
  std::string out;
  for (char ch : Slug(c.text)) {
    if (ch == '-' && (out.empty() || out.back() == '-')) continue;
    out += ch;
  }
  if (out.size() > kMaxLen) {
    size_t cut = out[kMaxLen] == '-' ? kMaxLen : out.rfind('-', kMaxLen);
    out.resize(cut == std::string::npos || cut == 0 ? kMaxLen : cut);
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "text" : out;
}

std::string TypeForRule(const EventFact& e) {
  return e.type_name.rfind("EV_", 0) == 0 ? e.type_name : std::to_string(e.type);
}

// One rule per bound, extended event, matched by log, register, type and
// content. Identical repeats (same content) get `nth` 0, 1, ...: nothing
// else tells them apart, and a missing repeat must still fail one rule.
std::string EventRules(const Facts& f) {
  using Key = std::tuple<std::string, std::string, uint32_t, EventContent>;
  auto pinned = [](const EventFact& e) { return e.bound && !e.reg.empty() && !e.digests.empty(); };
  std::map<Key, uint64_t> total, seen;
  for (const EventFact& e : f.events) {
    if (pinned(e)) ++total[{e.log, e.reg, e.type, ContentOf(e)}];
  }
  std::set<std::string> ids;
  std::string ev;
  for (const EventFact& e : f.events) {
    if (!pinned(e)) continue;  // unbound or not extended
    EventContent c = ContentOf(e);
    uint64_t nth = seen[{e.log, e.reg, e.type, c}]++;
    std::string id = GeneratedEventId(e) + "-" + ContentSlug(c);
    if (nth != 0) id += "-" + std::to_string(nth + 1);
    for (int n = 2; !ids.insert(id).second; ++n)
      id = GeneratedEventId(e) + "-" + ContentSlug(c) + "-x" + std::to_string(n);
    ev += "  - id: " + id + "\n";
    bool verified = e.data == result::DataStatus::kVerified;
    ev += "    # " + e.Pointer() +
          (verified && c.text.empty() && !e.text.empty() ? " " + CommentText(e.text) : "") + "\n";
    ev += "    match: {log: " + e.log + ", register: " + e.reg + ", type: " + TypeForRule(e);
    if (!c.text.empty())
      ev += ", text_eq: " + Quote(c.text);
    else
      ev += ", digest: {eq: \"" + c.digest + "\"}";
    if (total[{e.log, e.reg, e.type, c}] > 1) ev += ", nth: " + std::to_string(nth);
    ev += "}\n";
  }
  return ev.empty() ? "" : "events:\n" + ev;
}

}  // namespace

std::vector<std::string> WeakPlatformReasons(const Facts& f) {
  std::vector<std::string> out;
  if (!f.quote.present) return out;  // nothing of a platform is pinned
  if (!f.collateral.present) {
    out.push_back("the TCB status is unknown: the evidence has no collateral");
  } else if (!f.collateral.tcb_status) {
    out.push_back("the TCB status is unknown: TCB evaluation did not complete");
  } else if (*f.collateral.tcb_status != "UpToDate") {
    out.push_back("the TCB status is " + *f.collateral.tcb_status + ", not UpToDate");
  }
  return out;
}

std::vector<std::string> UnboundLogs(const Facts& f) {
  std::vector<std::string> out;
  for (const result::LogFact& l : f.logs) {
    if (l.bound) continue;
    out.push_back(l.name + (l.path.empty() ? "" : " (" + l.path + ")") + ": " +
                  (l.why.empty() ? "not bound to a quote" : l.why));
  }
  return out;
}

Result<Generated> Generate(const Facts& f, const GenerateOptions& o) {
  Generated g;
  g.weak = WeakPlatformReasons(f);
  if (!g.weak.empty() && !o.allow_weak) {
    std::string why;
    for (const std::string& w : g.weak) why += (why.empty() ? "" : "; ") + w;
    return Status(ErrorCode::kBadValue,
                  "refusing to pin a platform that is not known-good (" + why +
                      "): a policy generated from it would accept it; pass --allow-weak to write "
                      "it anyway");
  }
  g.left_out = UnboundLogs(f);
  g.yaml = GeneratePolicy(f, o);
  return g;
}

bool ImaPathsFitAllowList(const Facts& f) {
  for (const ImaEntryFact& e : f.ima) {
    if (!e.bound || e.path == kBootAggregate) continue;
    if (e.path.empty() || e.path.find_first_of("\r\n") != std::string::npos || e.path[0] == ' ' ||
        e.path[0] == '\t' || e.path[0] == '*') {
      return false;
    }
  }
  return true;
}

size_t CountImaPaths(const Facts& f) {
  std::set<std::string> paths;
  for (const ImaEntryFact& e : f.ima) {
    if (e.bound && e.path != kBootAggregate) paths.insert(e.path);
  }
  return paths.size();
}

std::string GenerateImaAllowList(const Facts& f) {
  std::string out = "# IMA allow list: <alg>:<hex digest> <path>\n";
  for (const auto& [path, ds] : AllowMap(f)) {
    for (const std::string& d : ds) out.append(d).append(1, ' ').append(path).append(1, '\n');
  }
  return out;
}

std::string GeneratedEventId(const EventFact& e) {
  std::string type = e.type_name.empty() ? "type-" + std::to_string(e.type) : Slug(e.type_name);
  return e.log + "-" + e.reg + "-" + type;
}

// `tpm:` and `pcrs:` for evidence with TPM quotes: the quoted PCRs pinned
// (PCR10 left to the IMA rules when IMA extends it), the PCRs the TPM log
// extends required to replay to the quote.
std::string TpmSections(const Facts& f) {
  if (!f.tpm.present) return "";
  std::string y;
  if (!f.tpm.verified || f.tpm.pcrs.empty()) {
    return "# The TPM quotes did not verify (see the tpm.* checks): no PCR is pinned.\n";
  }
  y += "# The AK these TPM quotes verified with (trusted by " + f.tpm.ak_trust +
       "); uncomment to pin it\n# instead of giving --tpm-root-ca:\n";
  y += "# tpm:\n#   ak: \"sha256:" + f.tpm.ak_fingerprint + "\"\n";
  std::set<std::string> ima_regs = ImaRegisters(f);
  std::map<uint32_t, std::vector<std::pair<HashAlg, Digest>>> by_pcr;
  for (const auto& [bank, values] : f.tpm.pcrs) {
    for (const auto& [index, d] : values) by_pcr[index].push_back({bank, d});
  }
  y += "pcrs:\n";
  for (const auto& [index, banks] : by_pcr) {
    const std::string pcr = "pcr" + std::to_string(index);
    if (ima_regs.count(pcr) != 0) {
      y += "  # " + pcr + " is not pinned: IMA extends it; the ima rules judge what it holds.\n";
      continue;
    }
    y += "  " + pcr + ":\n";
    for (const auto& [bank, d] : banks) {
      y += "    " + std::string(HashAlgName(bank)) + ": {eq: \"" + ToHex(d.span()) + "\"}\n";
    }
  }
  std::vector<std::string> logged;
  for (const auto& [index, banks] : by_pcr) {
    const RegisterId reg = RegisterId::Pcr(index);
    bool extended = false;
    for (const EventFact& e : f.events) extended |= e.log == "tpm" && e.reg == reg.Name();
    if (extended) logged.push_back(reg.Name());
  }
  if (!logged.empty()) {
    y += "  must_match_quote: [";
    for (size_t i = 0; i < logged.size(); ++i) y += (i ? ", " : "") + logged[i];
    y += "]\n";
  }
  return y;
}

std::string GeneratePolicy(const Facts& f, const GenerateOptions& o) {
  std::string y = WeakWarning(WeakPlatformReasons(f));
  y += "# Reference values pinned from known-good evidence";
  y += o.source.empty() ? std::string(".\n") : " " + o.source + ".\n";
  y += "# Generated by `ccverify policy generate` at " + FormatRfc3339(o.now) +
       "; review before use.\n";
  for (const std::string& l : UnboundLogs(f)) {
    y += "# Not pinned, nothing binds it: log " + CommentText(l) + "\n";
  }
  y += "apiVersion: ccverify/v1\n";
  y += "metadata:\n";
  y += "  name: " + Quote(o.name) + "\n";
  y += "  version: " + Quote(o.version) + "\n";
  y += "  expires: " + FormatRfc3339(o.expires != 0 ? o.expires : o.now + o.valid_days * 86400) +
       "\n";

  const QuoteFacts& q = f.quote;
  y += "platform:\n";
  if (f.collateral.present && f.collateral.tcb_status) {
    y += "  tcb_status: {allow: [" + *f.collateral.tcb_status + "]}\n";
    y += "  advisories: {allow: [";
    for (size_t i = 0; i < f.collateral.advisory_ids.size(); ++i) {
      y += (i ? ", " : "") + Quote(f.collateral.advisory_ids[i]);
    }
    y += "]}\n";
  } else {
    y += "  # The evidence had no usable collateral: the TCB status is not pinned.\n";
    y += "  collateral: optional\n";
  }
  if (q.present) {
    y += "  min_tee_tcb_svn: \"" + ToHex(q.tee_tcb_svn) + "\"\n";
    y += "  mr_seam: {any_of: [\"" + ToHex(q.mr_seam) + "\"]}\n";
    y += "td:\n";
    y += "  attributes:\n";
    for (const AttributeBit& b : kTdAttributeBits) {
      bool on = (q.td_attributes[b.bit / 8] >> (b.bit % 8)) & 1;
      y += "    " + std::string(b.name) + ": " + (on ? "true" : "false") + "\n";
    }
    y += "    mask: \"ffffffffffffffff\"\n";
    y += "    value: \"" + ToHex(q.td_attributes) + "\"\n";
    y += "  xfam: {any_of: [\"" + ToHex(q.xfam) + "\"]}\n";
    y += "  mr_td: {any_of: [\"" + ToHex(q.mr_td) + "\"]}\n";
    y += "  mr_config_id: " + Eq(q.mr_config_id) + "\n";
    y += "  mr_owner: " + Eq(q.mr_owner) + "\n";
    y += "  mr_owner_config: " + Eq(q.mr_owner_config) + "\n";
    if (q.is_v15) y += "  mr_servicetd: " + Eq(q.mr_servicetd) + "\n";
    std::set<std::string> ima_regs = ImaRegisters(f);
    for (int i = 0; i < 4; ++i) {
      std::string reg = "rtmr" + std::to_string(i);
      if (ima_regs.count(reg) != 0) {
        y += "  # " + reg +
             " is not pinned: IMA extends it, so it changes with every file measured;\n"
             "  # replay binds it to the quote and the events and ima rules judge what it holds.\n";
        continue;
      }
      y += "  " + reg + ": " + Eq(q.rtmr[i]) + "\n";
    }
  } else {
    y += "  # The evidence had no TD quote: no TD fields are pinned.\n";
  }
  bool nonce_missing = false;
  for (const Check& c : f.checks) nonce_missing |= c.missing == "nonce";
  if (nonce_missing) {
    y += "binding:\n";
    y += "  # The evidence had no nonce (REPORTDATA or TPM quote): freshness is not required.\n";
    y += "  nonce: optional\n";
  }
  std::vector<std::string> regs;
  for (const RegisterComparison& c : f.comparisons) {
    if (c.matches) regs.push_back(c.reg);
  }
  if (!regs.empty()) {
    y += "replay:\n  must_match_quote: [";
    for (size_t i = 0; i < regs.size(); ++i) y += (i ? ", " : "") + regs[i];
    y += "]\n";
  }
  y += TpmSections(f);
  std::string events = o.pin_events ? EventRules(f) : "";
  if (!o.extra_event_rules.empty()) {
    events = (events.empty() ? "events:\n" : events) + o.extra_event_rules;
  }
  y += events;
  if (f.app.present && f.app.bound && !f.app.values.empty()) {
    // The dstack app identity; instance-id differs on every instance, so it
    // is shown, not pinned.
    y += "app:\n";
    for (const AppFactKey& k : kAppFactKeys) {
      auto it = f.app.values.find(k.name);
      if (it == f.app.values.end()) continue;
      if (std::string_view(k.key) == "instance_id") {
        y += "  # instance_id: {eq: " + Quote(it->second) + "}   # this instance only\n";
        continue;
      }
      y += std::string("  ") + k.key + ": {eq: " + Quote(it->second) + "}\n";
    }
  }
  if (o.pin_ima && HasBoundIma(f) && !o.ima_allow_file.empty()) {
    y += "ima:\n  allow:\n    file: " + Quote(o.ima_allow_file) + "   # " +
         std::to_string(CountImaPaths(f)) + " paths\n" + BootAggregateExclude(f) +
         "  unknown: fail\n";
  } else if (o.pin_ima && HasBoundIma(f)) {
    auto allow = AllowMap(f);
    y += std::string("ima:\n  allow:\n    digests:") + (allow.empty() ? " {}" : "") + "\n";
    for (const auto& [path, ds] : allow) {
      y += "      " + Quote(path) + ": [";
      for (size_t i = 0; i < ds.size(); ++i) y += (i ? ", " : "") + Quote(ds[i]);
      y += "]\n";
    }
    y += BootAggregateExclude(f) + "  unknown: fail\n";
  }
  return y;
}

}  // namespace ccv::policy
