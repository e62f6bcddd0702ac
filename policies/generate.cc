#include "policies/generate.h"
#include "verifier/result/facts.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <tuple>

#include "parsers/core/hex.h"
#include "policies/time_util.h"

namespace ccv::policy {
using result::Facts;
using result::EventFact;
using result::ImaEntryFact;
using result::QuoteFacts;
using result::RegisterComparison;
using result::Check;
namespace {

// A YAML double-quoted scalar (YAML 1.2 §7.3.1 escapes).
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
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

std::string Slug(std::string s) {
  std::string out;
  for (char c : s) {
    c = char(std::tolower(static_cast<unsigned char>(c)));
    out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '-');
  }
  return out;
}

// IMA entries after the quoted value are not bound: never pinned.
std::map<std::string, std::vector<std::string>> AllowMap(const Facts& f) {
  std::map<std::string, std::vector<std::string>> allow;
  for (const ImaEntryFact& e : f.ima) {
    if (!e.bound) continue;
    std::string d = e.file_alg + ":" + ToHex(e.file_digest);
    auto& v = allow[e.path];
    if (std::find(v.begin(), v.end(), d) == v.end()) v.push_back(d);
  }
  return allow;
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
  std::string y = "# WARNING: generated with --allow-weak from a platform that is not known-good:\n";
  for (const std::string& w : weak) y += "#   - " + CommentText(w) + "\n";
  y += "# Verify with this policy accepts that platform. Do not use it as a golden policy.\n";
  return y;
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
    if (!e.bound) continue;
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
    if (e.bound) paths.insert(e.path);
  }
  return paths.size();
}

std::string GenerateImaAllowList(const Facts& f) {
  std::string out = "# IMA allow list: <alg>:<hex digest> <path>\n";
  for (const auto& [path, ds] : AllowMap(f)) {
    for (const std::string& d : ds) out += d + " " + path + "\n";
  }
  return out;
}

std::string GeneratedEventId(const EventFact& e) {
  std::string type = e.type_name.empty() ? "type-" + std::to_string(e.type) : Slug(e.type_name);
  return e.log + "-" + e.reg + "-" + type;
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
  y += "  expires: " + FormatRfc3339(o.now + o.valid_days * 86400) + "\n";

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
    if (q.td_report_v15) y += "  mr_servicetd: " + Eq(q.mr_servicetd) + "\n";
    for (int i = 0; i < 4; ++i) {
      y += "  rtmr" + std::to_string(i) + ": " + Eq(q.rtmr[i]) + "\n";
    }
  } else {
    y += "  # The evidence had no TD quote: no TD fields are pinned.\n";
  }
  bool nonce_missing = false;
  for (const Check& c : f.checks) nonce_missing |= c.missing == "nonce";
  if (nonce_missing) {
    y += "binding:\n";
    y += "  # The evidence had no nonce: REPORTDATA freshness is not required.\n";
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
  if (o.pin_events) {
    // One rule per (log, register, type) of bound events: it pins how many
    // there are and that each has one of their digests. A rule does not rest
    // on position (a reordering shows in the pinned RTMRs) nor on the type
    // alone (no digest covers it): it always expects a digest, and a
    // relabelled event changes two counts.
    struct Group {
      const EventFact* first = nullptr;
      uint64_t count = 0;
      std::vector<std::string> digests;  // distinct, in log order
      std::string comment;
    };
    std::vector<Group> groups;
    std::map<std::tuple<std::string, std::string, uint32_t>, size_t> by_key;
    for (const EventFact& e : f.events) {
      if (!e.bound || e.reg.empty() || e.digests.empty()) continue;  // unbound or not extended
      auto [it, added] = by_key.try_emplace({e.log, e.reg, e.type}, groups.size());
      if (added) groups.push_back(Group{&e, 0, {}, {}});
      Group& g = groups[it->second];
      ++g.count;
      std::string d = ToHex(PinnedDigest(e).span());
      if (std::find(g.digests.begin(), g.digests.end(), d) == g.digests.end()) g.digests.push_back(d);
      g.comment += "    # " + e.Pointer();
      if (!e.text.empty() && e.data == result::DataStatus::kVerified) g.comment += " " + CommentText(e.text);
      g.comment += "\n";
    }
    std::string ev;
    for (const Group& g : groups) {
      const EventFact& e = *g.first;
      ev += "  - id: " + GeneratedEventId(e) + "\n" + g.comment;
      ev += "    match: {log: " + e.log + ", register: " + e.reg + ", type: " +
            (e.type_name.rfind("EV_", 0) == 0 ? e.type_name : std::to_string(e.type)) + "}\n";
      ev += "    expect: {count: " + std::to_string(g.count) + ", digest: ";
      if (g.digests.size() == 1) {
        ev += "{eq: \"" + g.digests[0] + "\"}}\n";
      } else {
        ev += "{any_of: [";
        for (size_t i = 0; i < g.digests.size(); ++i) ev += (i ? ", \"" : "\"") + g.digests[i] + "\"";
        ev += "]}}\n";
      }
    }
    if (!ev.empty()) y += "events:\n" + ev;
  }
  if (o.pin_ima && HasBoundIma(f) && !o.ima_allow_file.empty()) {
    y += "ima:\n  allow:\n    file: " + Quote(o.ima_allow_file) + "   # " +
         std::to_string(CountImaPaths(f)) + " paths\n  unknown: fail\n";
  } else if (o.pin_ima && HasBoundIma(f)) {
    auto allow = AllowMap(f);
    y += "ima:\n  allow:\n    digests:\n";
    for (const auto& [path, ds] : allow) {
      y += "      " + Quote(path) + ": [";
      for (size_t i = 0; i < ds.size(); ++i) y += (i ? ", " : "") + Quote(ds[i]);
      y += "]\n";
    }
    y += "  unknown: fail\n";
  }
  return y;
}

}  // namespace ccv::policy
