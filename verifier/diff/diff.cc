#include "verifier/diff/diff.h"

#include <algorithm>
#include <set>
#include <utility>

#include "parsers/core/hex.h"

namespace ccv::diff {
namespace {

using result::EventFact;
using result::Facts;

constexpr size_t kMaxLabelLen = 40;
// Above this many cells (events of A times events of B in one register's
// differing middle) the alignment falls back to pairing by content alone.
constexpr size_t kMaxLcsCells = size_t{4} << 20;

std::string Label(const std::string& variable, const std::string& text) {
  if (!variable.empty()) return variable;
  size_t colon = text.find(':');
  return colon != std::string::npos && colon <= kMaxLabelLen ? text.substr(0, colon) : "";
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : " | ") + s;
  return out;
}

// `m`'s accepted values as hex of `len` bytes.
FieldValue FromMatcher(const policy::BytesMatcher& m, size_t len) {
  FieldValue v;
  for (const std::vector<uint8_t>& b : m.any_of) v.any_of.push_back(ToHex(b));
  if (m.zero) v.any_of.push_back(std::string(2 * len, '0'));
  return v;
}

// The bits of hex strings `x` and `y` under `mask` agree (equal lengths).
bool MaskedEqual(const std::string& x, const std::string& y,
                 const std::optional<std::string>& mask) {
  if (x.size() != y.size()) return false;
  if (!mask || mask->size() != x.size()) return x == y;
  auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i < x.size(); ++i) {
    int m = nib((*mask)[i]);
    if ((nib(x[i]) & m) != (nib(y[i]) & m)) return false;
  }
  return true;
}

bool SameValue(const FieldValue& a, const FieldValue& b) {
  for (const std::string& x : a.any_of) {
    for (const std::string& y : b.any_of) {
      if (MaskedEqual(x, y, a.mask) && MaskedEqual(x, y, b.mask)) return true;
    }
  }
  return false;
}

std::string Render(const FieldValue& v) {
  std::string s = Join(v.any_of);
  return v.mask ? s + " (mask " + *v.mask + ")" : s;
}

// "alg:hex" -> {alg, hex}; a bare hex has alg "".
std::pair<std::string, std::string> SplitDigest(const std::string& d) {
  size_t colon = d.find(':');
  if (colon == std::string::npos) return {"", d};
  return {d.substr(0, colon), d.substr(colon + 1)};
}

// Same content: every bank both state agrees (at least one), or a bare
// digest (a policy's) equals one of the other's; without a common digest,
// equal verified text.
bool SameContent(const EventItem& a, const EventItem& b) {
  bool common = false;
  for (const std::string& da : a.digests) {
    auto [alg_a, hex_a] = SplitDigest(da);
    for (const std::string& db : b.digests) {
      auto [alg_b, hex_b] = SplitDigest(db);
      if (alg_a.empty() || alg_b.empty()) {
        if (hex_a == hex_b) return true;
        continue;
      }
      if (alg_a != alg_b) continue;
      if (hex_a != hex_b) return false;
      common = true;
    }
  }
  if (common) return true;
  bool a_bare = std::any_of(a.digests.begin(), a.digests.end(),
                            [](const std::string& d) { return SplitDigest(d).first.empty(); });
  bool b_bare = std::any_of(b.digests.begin(), b.digests.end(),
                            [](const std::string& d) { return SplitDigest(d).first.empty(); });
  if (a_bare || b_bare) {
    // A policy rule pinning a digest matched none of the event's banks;
    // a rule pinning text only is compared by text below.
    if ((a_bare && !a.digests.empty()) || (b_bare && !b.digests.empty())) return false;
  }
  return !a.text.empty() && a.text == b.text;
}

bool SameEvent(const EventItem& a, const EventItem& b) {
  if (!a.log.empty() && !b.log.empty() && a.log != b.log) return false;
  return a.type == b.type && SameContent(a, b);
}

// Index pairs of the events that correspond, in order (LCS between bundles).
std::vector<std::pair<size_t, size_t>> AlignOrdered(const std::vector<EventItem>& a,
                                                    const std::vector<EventItem>& b) {
  std::vector<std::pair<size_t, size_t>> out;
  size_t pre = 0;
  while (pre < a.size() && pre < b.size() && SameEvent(a[pre], b[pre])) {
    out.push_back({pre, pre});
    ++pre;
  }
  size_t suf = 0;
  while (suf < a.size() - pre && suf < b.size() - pre &&
         SameEvent(a[a.size() - 1 - suf], b[b.size() - 1 - suf])) {
    ++suf;
  }
  size_t n = a.size() - pre - suf, m = b.size() - pre - suf;
  if (n != 0 && m != 0 && n * m <= kMaxLcsCells) {
    std::vector<std::vector<uint32_t>> len(n + 1, std::vector<uint32_t>(m + 1, 0));
    for (size_t i = n; i-- > 0;) {
      for (size_t j = m; j-- > 0;) {
        len[i][j] = SameEvent(a[pre + i], b[pre + j]) ? len[i + 1][j + 1] + 1
                                                      : std::max(len[i + 1][j], len[i][j + 1]);
      }
    }
    for (size_t i = 0, j = 0; i < n && j < m;) {
      if (SameEvent(a[pre + i], b[pre + j])) {
        out.push_back({pre + i++, pre + j++});
      } else if (len[i + 1][j] >= len[i][j + 1]) {
        ++i;
      } else {
        ++j;
      }
    }
  }
  for (size_t k = suf; k-- > 0;) out.push_back({a.size() - 1 - k, b.size() - 1 - k});
  return out;
}

// Each event of `rules` (a policy's) takes the first unmatched event of
// `events` it matches; `rules_are_a` says which side the rules are.
std::vector<std::pair<size_t, size_t>> AlignUnordered(const std::vector<EventItem>& a,
                                                      const std::vector<EventItem>& b,
                                                      bool rules_are_a) {
  const std::vector<EventItem>& rules = rules_are_a ? a : b;
  const std::vector<EventItem>& events = rules_are_a ? b : a;
  std::vector<bool> taken(events.size(), false);
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t r = 0; r < rules.size(); ++r) {
    for (size_t e = 0; e < events.size(); ++e) {
      if (taken[e] || !SameEvent(rules[r], events[e])) continue;
      taken[e] = true;
      out.push_back(rules_are_a ? std::pair{r, e} : std::pair{e, r});
      break;
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Adds to `d` the unmatched events of one register: per gap between
// matched pairs, same-type leftovers pair up as changes (same label first).
void Leftovers(const std::vector<EventItem>& a, const std::vector<EventItem>& b,
               const std::vector<std::pair<size_t, size_t>>& matched, bool ordered,
               RegisterDiff* d) {
  std::vector<int> gap_a(a.size(), -1), gap_b(b.size(), -1);
  std::vector<bool> in_a(a.size(), false), in_b(b.size(), false);
  for (const auto& [i, j] : matched) {
    in_a[i] = true;
    in_b[j] = true;
  }
  // Gap number of each unmatched event: the number of matched A events
  // before it (B: matched B events before it). Unordered: one gap.
  auto gaps = [&](const std::vector<bool>& in, std::vector<int>* gap) {
    int g = 0;
    for (size_t k = 0; k < in.size(); ++k) {
      if (in[k]) {
        ++g;
      } else {
        (*gap)[k] = ordered ? g : 0;
      }
    }
  };
  gaps(in_a, &gap_a);
  gaps(in_b, &gap_b);
  std::vector<bool> paired_b(b.size(), false);
  std::vector<bool> paired_a(a.size(), false);
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < a.size(); ++i) {
      if (in_a[i] || paired_a[i]) continue;
      for (size_t j = 0; j < b.size(); ++j) {
        if (in_b[j] || paired_b[j] || gap_a[i] != gap_b[j] || a[i].type != b[j].type) continue;
        if (!a[i].log.empty() && !b[j].log.empty() && a[i].log != b[j].log) continue;
        if (pass == 0 && a[i].label != b[j].label) continue;
        paired_a[i] = true;
        paired_b[j] = true;
        d->changed.push_back({a[i], b[j]});
        break;
      }
    }
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (!in_a[i] && !paired_a[i]) d->removed.push_back(a[i]);
  }
  for (size_t j = 0; j < b.size(); ++j) {
    if (!in_b[j] && !paired_b[j]) d->added.push_back(b[j]);
  }
}

std::vector<EventItem> OfRegister(const std::vector<EventItem>& v, const std::string& reg) {
  std::vector<EventItem> out;
  for (const EventItem& e : v) {
    if (e.reg == reg) out.push_back(e);
  }
  return out;
}

bool Excluded(const std::vector<policy::Regex>& exclude, const std::string& path) {
  return std::any_of(exclude.begin(), exclude.end(),
                     [&](const policy::Regex& r) { return r.Search(path); });
}

void CompareImaFiles(const Side& a, const Side& b, Diff* d) {
  const std::vector<policy::Regex>& ex = a.is_policy ? a.ima_exclude : b.ima_exclude;
  std::set<std::string> paths;
  for (const auto& [p, _] : a.ima) paths.insert(p);
  for (const auto& [p, _] : b.ima) paths.insert(p);
  for (const std::string& p : paths) {
    if (Excluded(ex, p)) continue;
    auto ia = a.ima.find(p), ib = b.ima.find(p);
    if (ia == a.ima.end()) {
      d->ima_added.push_back({p, {}, ib->second});
    } else if (ib == b.ima.end()) {
      d->ima_removed.push_back({p, ia->second, {}});
    } else {
      std::set<std::string> sa(ia->second.begin(), ia->second.end());
      std::set<std::string> sb(ib->second.begin(), ib->second.end());
      // Against a policy: the bundle's digests must all be accepted.
      bool same = a.is_policy   ? std::includes(sa.begin(), sa.end(), sb.begin(), sb.end())
                  : b.is_policy ? std::includes(sb.begin(), sb.end(), sa.begin(), sa.end())
                                : sa == sb;
      if (!same) d->ima_changed.push_back({p, ia->second, ib->second});
    }
  }
}

void CompareAdvisories(const Side& a, const Side& b, Diff* d) {
  if (!a.is_policy && !b.is_policy) {
    std::set<std::string> sa(a.advisories.begin(), a.advisories.end());
    std::set<std::string> sb(b.advisories.begin(), b.advisories.end());
    std::set_difference(sb.begin(), sb.end(), sa.begin(), sa.end(),
                        std::back_inserter(d->advisories_added));
    std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(),
                        std::back_inserter(d->advisories_removed));
    return;
  }
  const Side& pol = a.is_policy ? a : b;
  const Side& bun = a.is_policy ? b : a;
  std::vector<std::string> bad;
  for (const std::string& id : bun.advisories) {
    bool denied = std::find(pol.advisories_deny.begin(), pol.advisories_deny.end(), id) !=
                  pol.advisories_deny.end();
    bool unlisted = pol.advisories_allow &&
                    std::find(pol.advisories_allow->begin(), pol.advisories_allow->end(), id) ==
                        pol.advisories_allow->end();
    if (denied || unlisted) bad.push_back(id);
  }
  if (bad.empty()) return;
  std::string rule = pol.advisories_allow ? "allow: [" + Join(*pol.advisories_allow) + "]" : "";
  if (!pol.advisories_deny.empty())
    rule += (rule.empty() ? "" : "; ") + std::string("deny: [") + Join(pol.advisories_deny) + "]";
  FieldChange c{"platform.advisories", Join(bun.advisories), rule};
  if (a.is_policy) std::swap(c.a, c.b);
  d->fields.push_back(c);
}

void CompareChecks(const Side& a, const Side& b, Diff* d) {
  if (!a.has_checks || !b.has_checks) return;
  if (a.is_policy || b.is_policy) {
    // A policy verdict needs every check to pass (after its options).
    const Side& bun = a.is_policy ? b : a;
    for (const auto& [id, status] : bun.checks) {
      if (status != "fail") continue;
      d->checks.push_back(a.is_policy ? CheckChange{id, "pass", status}
                                      : CheckChange{id, status, "pass"});
    }
    return;
  }
  std::set<std::string> ids;
  for (const auto& [id, _] : a.checks) ids.insert(id);
  for (const auto& [id, _] : b.checks) ids.insert(id);
  for (const std::string& id : ids) {
    auto ia = a.checks.find(id), ib = b.checks.find(id);
    std::string sa = ia == a.checks.end() ? "" : ia->second;
    std::string sb = ib == b.checks.end() ? "" : ib->second;
    // A check one side lacks is a missing fact, named in not_compared
    // through the log or quote it belongs to, unless the other side failed it.
    if ((sa.empty() && sb != "fail") || (sb.empty() && sa != "fail")) continue;
    if (sa != sb) d->checks.push_back({id, sa, sb});
  }
}

const char* kRegisterOrder[] = {"rtmr0", "rtmr1", "rtmr2", "rtmr3"};

}  // namespace

Side SideFromFacts(const Facts& f, const std::string& source,
                   const std::vector<result::Check>* checks) {
  Side s;
  s.source = source;
  const result::QuoteFacts& q = f.quote;
  s.has_quote = q.present;
  s.has_collateral = f.collateral.present && f.collateral.tcb_status.has_value();
  if (q.present) {
    auto put = [&](const char* name, std::span<const uint8_t> v) {
      s.fields[name].any_of = {ToHex(v)};
    };
    put("platform.tee_tcb_svn", q.tee_tcb_svn);
    put("platform.mr_seam", q.mr_seam);
    put("platform.mr_signer_seam", q.mr_signer_seam);
    put("platform.seam_attributes", q.seam_attributes);
    put("td.attributes", q.td_attributes);
    put("td.xfam", q.xfam);
    put("td.mr_td", q.mr_td);
    put("td.mr_config_id", q.mr_config_id);
    put("td.mr_owner", q.mr_owner);
    put("td.mr_owner_config", q.mr_owner_config);
    if (q.is_v15) put("td.mr_servicetd", q.mr_servicetd);
    for (int i = 0; i < 4; ++i) s.registers[kRegisterOrder[i]].any_of = {ToHex(q.rtmr[i])};
  }
  if (s.has_collateral) {
    s.fields["platform.tcb_status"].any_of = {*f.collateral.tcb_status};
    s.has_advisories = true;
    s.advisories = f.collateral.advisory_ids;
  }
  s.has_events = f.event_log_present;
  for (const EventFact& e : f.events) {
    if (e.reg.empty() || e.digests.empty()) continue;  // never extended
    EventItem it;
    it.log = e.log;
    it.reg = e.reg;
    it.type = e.type;
    it.type_name = e.type_name;
    for (const Digest& d : e.digests)
      it.digests.push_back(std::string(HashAlgName(d.alg)) + ":" + ToHex(d.span()));
    bool verified = e.data == result::DataStatus::kVerified;
    if (verified) it.text = e.text;
    it.label = verified ? Label(e.variable_name, e.text) : "";
    it.pointer = e.Pointer();
    s.events.push_back(std::move(it));
  }
  s.has_ima = f.ima_present;
  for (const result::ImaEntryFact& e : f.ima) {
    std::string d = (e.file_alg.empty() ? "" : e.file_alg + ":") + ToHex(e.file_digest);
    auto& v = s.ima[e.path];
    if (std::find(v.begin(), v.end(), d) == v.end()) v.push_back(d);
  }
  s.has_checks = true;
  for (const result::Check& c : checks ? *checks : f.checks)
    s.checks[c.id] = result::VerdictName(c.status);
  return s;
}

Side SideFromPolicy(const policy::Policy& p, const std::string& source) {
  Side s;
  s.source = source;
  s.is_policy = true;
  if (p.platform.tcb_status_set) {
    FieldValue& v = s.fields["platform.tcb_status"];
    v.any_of = p.platform.tcb_allow;
    v.any_of.insert(v.any_of.end(), p.platform.tcb_warn.begin(), p.platform.tcb_warn.end());
  }
  if (p.platform.min_tee_tcb_svn) s.min_tee_tcb_svn = ToHex(*p.platform.min_tee_tcb_svn);
  s.has_advisories = p.platform.advisories_set;
  s.advisories_allow = p.platform.advisories_allow;
  s.advisories_deny = p.platform.advisories_deny;
  if (p.platform.mr_seam) s.fields["platform.mr_seam"] = FromMatcher(*p.platform.mr_seam, 48);
  const policy::TdPolicy& td = p.td;
  if (td.attributes_mask || td.attributes_value || !td.attribute_bits.empty()) {
    std::array<uint8_t, 8> mask{}, value{};
    if (td.attributes_mask && td.attributes_value) {
      std::copy_n(td.attributes_mask->begin(), 8, mask.begin());
      std::copy_n(td.attributes_value->begin(), 8, value.begin());
    }
    for (const policy::AttributeBit& b : policy::kTdAttributeBits) {
      auto it = td.attribute_bits.find(b.name);
      if (it == td.attribute_bits.end()) continue;
      mask[b.bit / 8] |= uint8_t(1u << (b.bit % 8));
      if (it->second) value[b.bit / 8] |= uint8_t(1u << (b.bit % 8));
    }
    FieldValue v;
    v.any_of = {ToHex(value)};
    if (!AllBytesEqual(mask, 0xff)) v.mask = ToHex(mask);
    s.fields["td.attributes"] = v;
  }
  auto put = [&](const char* name, const std::optional<policy::BytesMatcher>& m, size_t len) {
    if (m) s.fields[name] = FromMatcher(*m, len);
  };
  put("td.xfam", td.xfam, 8);
  put("td.mr_td", td.mr_td, 48);
  put("td.mr_config_id", td.mr_config_id, 48);
  put("td.mr_owner", td.mr_owner, 48);
  put("td.mr_owner_config", td.mr_owner_config, 48);
  put("td.mr_servicetd", td.mr_servicetd, 48);
  for (int i = 0; i < 4; ++i) {
    if (td.rtmr[i]) s.registers[kRegisterOrder[i]] = FromMatcher(*td.rtmr[i], 48);
  }
  s.has_events = !p.events.empty();
  for (const policy::EventRule& r : p.events) {
    EventItem it;
    it.log = r.log.value_or("");
    it.reg = r.reg.value_or("");
    it.type = r.type.value_or(0);
    it.type_name = r.type_name.value_or("");
    it.pointer = "events." + r.id;
    const policy::BytesMatcher* digest =
        r.match_digest ? &*r.match_digest : (r.digest ? &*r.digest : nullptr);
    if (digest && digest->any_of.size() == 1 && !digest->zero)
      it.digests = {ToHex(digest->any_of[0])};
    if (r.match_text_eq)
      it.text = *r.match_text_eq;
    else if (r.text_eq)
      it.text = *r.text_eq;
    it.label = Label("", it.text);
    bool one_content = (it.digests.empty() != it.text.empty()) ||
                       (!it.digests.empty() && r.match_text_eq);  // text match, digest expected
    bool other_match = r.variable || r.device_path_contains || r.text_prefix || r.text_contains ||
                       r.text_regex || r.count || !r.text_require.empty() || !r.text_forbid.empty();
    if (!r.reg || !r.type || !one_content || other_match) {
      s.lacks.push_back(it.pointer +
                        " (rule not compared: diff compares rules that pin one event by register, "
                        "type and digest or text)");
      continue;
    }
    s.events.push_back(std::move(it));
  }
  s.has_ima = p.ima.present;
  s.ima = p.ima.allow;
  for (const std::string& src : p.ima.exclude_src) {
    auto r = policy::Regex::Compile(src);
    if (r.ok()) s.ima_exclude.push_back(std::move(*r));
  }
  if (!s.ima_exclude.empty())
    s.lacks.push_back("ima files the policy excludes (" + Join(p.ima.exclude_src) + ")");
  s.has_checks = true;
  return s;
}

bool Diff::Equal() const {
  return missing.empty() && fields.empty() && advisories_added.empty() &&
         advisories_removed.empty() && registers.empty() && ima_added.empty() &&
         ima_removed.empty() && ima_changed.empty() && checks.empty();
}

Diff Compare(const Side& a, const Side& b) {
  Diff d;
  d.a_source = a.source;
  d.b_source = b.source;
  d.a_kind = a.is_policy ? "policy" : "bundle";
  d.b_kind = b.is_policy ? "policy" : "bundle";
  for (const std::string& l : a.lacks) d.not_compared.push_back("A: " + l);
  for (const std::string& l : b.lacks) d.not_compared.push_back("B: " + l);

  // Whole categories a bundle lacks while the other side states them.
  auto lack = [&](const Side& x, const char* side, bool has, bool other_states, const char* fact,
                  const char* detail) {
    if (has || !other_states) return false;
    if (x.is_policy) {
      d.not_compared.push_back(std::string(fact) + ": the policy (" + (side[0] == 'a' ? "A" : "B") +
                               ") does not pin it");
    } else {
      d.missing.push_back({fact, side, detail});
    }
    return true;
  };
  bool quote_a = a.is_policy || a.has_quote, quote_b = b.is_policy || b.has_quote;
  bool td_a = !a.fields.empty() || !a.registers.empty(),
       td_b = !b.fields.empty() || !b.registers.empty();
  if (!lack(a, "a", quote_a, td_b, "quote", "no TD quote"))
    lack(b, "b", quote_b, td_a, "quote", "no TD quote");
  if (!quote_a && !quote_b) d.not_compared.push_back("quote: neither side has a TD quote");
  bool tcb_a = a.fields.count("platform.tcb_status") != 0,
       tcb_b = b.fields.count("platform.tcb_status") != 0;
  if (quote_a && quote_b) {
    lack(a, "a", tcb_a, tcb_b, "collateral",
         "no TCB status (no collateral, or TCB evaluation did not complete)");
    lack(b, "b", tcb_b, tcb_a, "collateral",
         "no TCB status (no collateral, or TCB evaluation did not complete)");
    if (!tcb_a && !tcb_b) d.not_compared.push_back("platform.tcb_status: stated by neither side");
  }

  std::set<std::string> names;
  for (const auto& [n, _] : a.fields) names.insert(n);
  for (const auto& [n, _] : b.fields) names.insert(n);
  for (const std::string& n : names) {
    auto ia = a.fields.find(n), ib = b.fields.find(n);
    if (ia != a.fields.end() && ib != b.fields.end()) {
      if (!SameValue(ia->second, ib->second))
        d.fields.push_back({n, Render(ia->second), Render(ib->second)});
      continue;
    }
    if (!quote_a || !quote_b || n == "platform.tcb_status") continue;  // said above
    bool a_missing = ia == a.fields.end();
    if (n == "platform.tee_tcb_svn" && (a_missing ? a : b).min_tee_tcb_svn) {
      // A minimum, component-wise (each SVN byte at least the policy's).
      const std::string& min = *(a_missing ? a : b).min_tee_tcb_svn;
      const std::string& have = (a_missing ? ib : ia)->second.any_of.front();
      bool below = have.size() != min.size();
      for (size_t i = 0; !below && i + 1 < min.size(); i += 2)
        below = have.substr(i, 2) < min.substr(i, 2);
      if (below) {
        FieldChange c{n, have, "at least " + min};
        if (a_missing) std::swap(c.a, c.b);
        d.fields.push_back(c);
      }
      continue;
    }
    if (a_missing ? a.is_policy : b.is_policy) {
      d.not_compared.push_back(n + ": the policy does not pin it");
    } else {
      d.missing.push_back({n, a_missing ? "a" : "b", "not in the TD quote"});
    }
  }
  if (a.has_advisories && b.has_advisories) CompareAdvisories(a, b, &d);

  std::set<std::string> regs;
  for (const auto& [r, _] : a.registers) regs.insert(r);
  for (const auto& [r, _] : b.registers) regs.insert(r);
  for (const EventItem& e : a.events) regs.insert(e.reg);
  for (const EventItem& e : b.events) regs.insert(e.reg);
  bool events = a.has_events && b.has_events;
  lack(a, "a", a.has_events, b.has_events, "events", "no event log");
  lack(b, "b", b.has_events, a.has_events, "events", "no event log");
  bool ordered = !a.is_policy && !b.is_policy;
  for (const std::string& reg : regs) {
    RegisterDiff rd;
    rd.reg = reg;
    auto ia = a.registers.find(reg), ib = b.registers.find(reg);
    if (ia != a.registers.end() && ib != b.registers.end() && !SameValue(ia->second, ib->second)) {
      rd.a = Render(ia->second);
      rd.b = Render(ib->second);
    } else if ((ia == a.registers.end()) != (ib == b.registers.end()) && quote_a && quote_b) {
      d.not_compared.push_back(reg + " value: the policy does not pin it");
    }
    if (events) {
      std::vector<EventItem> ea = OfRegister(a.events, reg), eb = OfRegister(b.events, reg);
      auto matched = ordered ? AlignOrdered(ea, eb) : AlignUnordered(ea, eb, a.is_policy);
      Leftovers(ea, eb, matched, ordered, &rd);
    }
    if (!rd.Empty()) d.registers.push_back(std::move(rd));
  }

  if (a.has_ima && b.has_ima) CompareImaFiles(a, b, &d);
  lack(a, "a", a.has_ima, b.has_ima, "ima", "no IMA list");
  lack(b, "b", b.has_ima, a.has_ima, "ima", "no IMA list");
  CompareChecks(a, b, &d);
  return d;
}

}  // namespace ccv::diff
