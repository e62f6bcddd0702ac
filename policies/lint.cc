#include "policies/lint.h"

#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "policies/container_rules_eval.h"
#include "policies/time_util.h"

namespace ccv::policy {

namespace {

// Rule ids the policy yields, and the prefixes of verification check ids.
bool WaiverCanMatch(const Policy& p, const Waiver& w) {
  static const char* kCheckAreas[] = {"quote.", "report_data.", "ccel.", "tpm.",
                                      "cel.",   "replay.",      "ima.",  "dstack."};
  std::vector<std::string> ids = {"policy.expires",
                                  "platform.tcb_status",
                                  "platform.advisories",
                                  "platform.min_tee_tcb_svn",
                                  "platform.mr_seam",
                                  "td.attributes",
                                  "td.xfam",
                                  "td.mr_td",
                                  "td.mr_config_id",
                                  "td.mr_owner",
                                  "td.mr_owner_config",
                                  "td.mr_servicetd",
                                  "ima.list",
                                  "ima.allow",
                                  "ima.unknown",
                                  "ima.signatures"};
  for (int i = 0; i < 4; ++i) {
    ids.push_back("td.rtmr" + std::to_string(i));
    ids.push_back("replay.must_match_quote.rtmr" + std::to_string(i));
  }
  for (const EventRule& e : p.events) ids.push_back("events." + e.id);
  for (const AppRule& a : p.app.rules) ids.push_back("app." + a.key);
  for (const PcrRule& r : p.pcrs.rules) {
    ids.push_back("pcrs.pcr" + std::to_string(r.index) + "." + r.bank);
  }
  for (uint32_t i : p.pcrs.must_match_quote) {
    ids.push_back("pcrs.must_match_quote.pcr" + std::to_string(i));
  }
  for (const std::string& id : ids) {
    if (w.Covers(id)) return true;
  }
  for (const char* area : kCheckAreas) {
    if (w.rule.rfind(area, 0) == 0 ||
        std::string(area).rfind(w.rule.substr(0, w.rule.size() - 1), 0) == 0) {
      return true;
    }
  }
  return false;
}

// Absolute paths of unrelated shapes: a pattern that matches them all
// excludes every file IMA measures.
const std::vector<std::string>& PathProbes() {
  static const std::vector<std::string> kProbes = [] {
    std::vector<std::string> v = {"/",
                                  "/x",
                                  "/usr/bin/bash",
                                  "/etc/ld.so.cache",
                                  "/tmp/y",
                                  "/var/lib/containerd/a.log",
                                  "/usr/lib/x86_64-linux-gnu/libc.so.6",
                                  "/root/.ssh/authorized_keys",
                                  "/sbin/init",
                                  "/a b/C-D_e.F",
                                  "/0/1/2",
                                  "/opt/\xc3\xa9t\xc3\xa9"};
    std::string long_path;
    for (int i = 0; i < 24; ++i) long_path += "/dir" + std::to_string(i) + "_abcdefgh";
    v.push_back(long_path + "/file.so");
    return v;
  }();
  return kProbes;
}

const std::vector<std::string>& TextProbes() {
  static const std::vector<std::string> kProbes = {"",
                                                   "x",
                                                   "Calling EFI Application from Boot Option",
                                                   "kernel_cmdline: /vmlinuz root=/dev/sda1 ro",
                                                   "grub_cmd: linux /boot/vmlinuz",
                                                   "\x01\x7f",
                                                   "  ",
                                                   std::string(300, 'z')};
  return kProbes;
}

// Index just past the escape, character class or character at `i`.
size_t SkipAtom(const std::string& p, size_t i) {
  if (p[i] == '\\') return std::min(p.size(), i + 2);
  if (p[i] != '[') return i + 1;
  size_t j = i + 1;
  if (j < p.size() && p[j] == '^') ++j;
  if (j < p.size() && p[j] == ']') ++j;  // a leading ']' is literal
  while (j < p.size() && p[j] != ']') j += p[j] == '\\' ? 2 : 1;
  return std::min(p.size(), j + 1);
}

// True if an unbounded quantifier starts at `i`: '*', '+', '{n,}' or '{n,m}'.
bool UnboundedQuantifierAt(const std::string& p, size_t i) {
  if (i >= p.size()) return false;
  if (p[i] == '*' || p[i] == '+') return true;
  if (p[i] != '{') return false;
  size_t close = p.find('}', i);
  return close != std::string::npos && p.find(',', i) < close;
}

// Index just past a group's opening: '(' and any '?:', '?<name>', '?=',
// '?!', '?<=', '?P<name>' or inline flags.
size_t SkipGroupOpen(const std::string& p, size_t i) {
  ++i;
  if (i < p.size() && p[i] == '?') {
    ++i;
    while (i < p.size() && (std::isalnum(static_cast<unsigned char>(p[i])) ||
                            std::string_view("<>=!-_'").find(p[i]) != std::string_view::npos)) {
      ++i;
    }
    if (i < p.size() && p[i] == ':') ++i;
  }
  return i;
}

// Leading inline flags such as "(?s)" or "(?i)" (RE2 syntax) removed.
std::string StripLeadingFlags(std::string p) {
  while (p.size() >= 4 && p[0] == '(' && p[1] == '?') {
    size_t j = 2;
    while (j < p.size() && std::isalpha(static_cast<unsigned char>(p[j]))) ++j;
    if (j == 2 || j >= p.size() || p[j] != ')') break;
    p.erase(0, j + 1);
  }
  return p;
}

// The top-level alternatives of `p`.
std::vector<std::string> Branches(const std::string& p) {
  std::vector<std::string> out;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '\\' || c == '[') {
      i = SkipAtom(p, i);
      continue;
    }
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (c == '|' && depth == 0) {
      out.push_back(p.substr(start, i - start));
      start = i + 1;
    }
    ++i;
  }
  out.push_back(p.substr(start));
  return out;
}

// Index of the ')' that closes the '(' at `open`, or npos.
size_t MatchingParen(const std::string& p, size_t open) {
  int depth = 0;
  for (size_t i = open; i < p.size();) {
    if (p[i] == '\\' || p[i] == '[') {
      i = SkipAtom(p, i);
      continue;
    }
    if (p[i] == '(') ++depth;
    if (p[i] == ')' && --depth == 0) return i;
    ++i;
  }
  return std::string::npos;
}

bool UniversalByText(const std::string& pattern, bool path);

// One alternative matches every path (or every text) by its shape.
bool BranchUniversal(std::string b, bool path) {
  while (!b.empty() && b[0] == '^') b.erase(0, 1);
  if (b.rfind("\\A", 0) == 0) b.erase(0, 2);
  // A group around the whole branch, optionally repeated: judge its inside.
  if (!b.empty() && b[0] == '(') {
    size_t close = MatchingParen(b, 0);
    if (close != std::string::npos &&
        (close + 1 == b.size() ||
         (close + 2 == b.size() &&
          std::string_view("*?+").find(b[close + 1]) != std::string_view::npos))) {
      size_t inner = SkipGroupOpen(b, 0);
      bool assertion =
          b.compare(0, 3, "(?=") == 0 || b.compare(0, 3, "(?!") == 0 || b.compare(0, 3, "(?<") == 0;
      if (!assertion || b.compare(0, 4, "(?<=") != 0) {
        if (!assertion && UniversalByText(b.substr(inner, close - inner), path)) return true;
      }
    }
  }
  if (path) {
    if (b.rfind("\\/", 0) == 0)
      b.erase(0, 2);
    else if (b.rfind("[/]", 0) == 0)
      b.erase(0, 3);
    else if (!b.empty() && b[0] == '/')
      b.erase(0, 1);
    else if (b.empty())
      return true;
  }
  static const char* kNullable[] = {"",          ".*",        ".*?",       ".?",
                                    "[\\s\\S]*", "[\\d\\D]*", "[\\w\\W]*", "[^]*"};
  static const char* kAnyChar[] = {".", ".+", ".+?", "[\\s\\S]", "[\\s\\S]+", "[^]", "[^]+"};
  for (const char* n : kNullable) {
    if (b == n || (*n && (b == std::string(n) + "$" || b == std::string(n) + "\\z"))) return true;
  }
  if (path) {  // every path has at least one more character
    for (const char* n : kAnyChar) {
      if (b == n || b == std::string(n) + "$" || b == std::string(n) + "\\z") return true;
    }
  }
  return false;
}

bool UniversalByText(const std::string& pattern, bool path) {
  for (const std::string& b : Branches(StripLeadingFlags(pattern))) {
    if (BranchUniversal(b, path)) return true;
  }
  return false;
}

// Every probe matches. Patterns RE2 refuses, or with nested quantifiers,
// are judged by their text only.
bool MatchesEveryProbe(const std::string& pattern, const std::vector<std::string>& probes) {
  std::string p = StripLeadingFlags(pattern);
  if (HasNestedQuantifier(p)) return false;
  Result<Regex> re = Regex::Compile(p);
  if (!re.ok()) return false;
  for (const std::string& s : probes) {
    if (!re->Search(s)) return false;
  }
  return true;
}

}  // namespace

bool IsCatchAllRegex(const Regex& re) {
  for (const std::string& s : PathProbes()) {
    if (!re.Search(s)) return false;
  }
  return true;
}

bool IsCatchAllPattern(const std::string& pattern) {
  return UniversalByText(pattern, true) || MatchesEveryProbe(pattern, PathProbes());
}

bool IsCatchAllTextPattern(const std::string& pattern) {
  return UniversalByText(pattern, false) || MatchesEveryProbe(pattern, TextProbes());
}

bool HasNestedQuantifier(const std::string& p) {
  std::vector<bool> groups;  // per open group: it holds an unbounded quantifier
  for (size_t i = 0; i < p.size();) {
    char c = p[i];
    if (c == '(') {
      groups.push_back(false);
      i = SkipGroupOpen(p, i);
      continue;
    }
    if (c == ')') {
      bool inner = !groups.empty() && groups.back();
      if (!groups.empty()) groups.pop_back();
      ++i;
      bool repeated = UnboundedQuantifierAt(p, i);
      if (inner && repeated) return true;
      if (!groups.empty() && (inner || repeated)) groups.back() = true;
      continue;
    }
    if (c == '{') {  // a quantifier already judged with its atom
      size_t close = p.find('}', i);
      i = close == std::string::npos ? p.size() : close + 1;
      continue;
    }
    if (c == '*' || c == '+' || c == '?' || c == '|' || c == '^' || c == '$') {
      ++i;
      continue;
    }
    i = SkipAtom(p, i);
    if (UnboundedQuantifierAt(p, i) && !groups.empty()) groups.back() = true;
  }
  return false;
}

// ima.signatures: nothing to verify with, a catch-all allow_unsigned, keys
// the policy names (each with its key id), keyrings nothing loads from.
template <typename Add>
void LintImaSignatures(const ImaPolicy& ima, Add add) {
  if (!ima.signatures_set) return;
  if (ima.signatures == ImaSignatures::kIgnore) {
    if (!ima.keys.empty() || !ima.keyrings.empty() || !ima.allow_unsigned.empty()) {
      add(LintSeverity::kWarning, "ima-signatures-ignored", ima.signatures_pos,
          "ima.signatures: ignore, so ima.keys, ima.keyrings and ima.allow_unsigned are unused");
    }
    return;
  }
  if (ima.keys.empty() && ima.keyrings.empty()) {
    add(LintSeverity::kError, "ima-no-keys", ima.signatures_pos,
        "ima.signatures checks signatures, but neither ima.keys nor ima.keyrings gives a key: no "
        "signature can verify");
  }
  for (size_t i = 0; i < ima.allow_unsigned_src.size(); ++i) {
    if (HasNestedQuantifier(ima.allow_unsigned_src[i])) {
      add(LintSeverity::kWarning, "nested-quantifier", ima.allow_unsigned_pos[i],
          "ima.allow_unsigned '" + ima.allow_unsigned_src[i] +
              "' repeats a repeated group: a backtracking engine takes exponential time on it");
    }
    if (IsCatchAllPattern(ima.allow_unsigned_src[i])) {
      add(LintSeverity::kError, "catch-all-allow-unsigned", ima.allow_unsigned_pos[i],
          "ima.allow_unsigned '" + ima.allow_unsigned_src[i] +
              "' matches every path: ima.signatures checks nothing");
    }
  }
  if (ima.signatures == ImaSignatures::kOptional) {
    add(LintSeverity::kWarning, "ima-signatures-optional", ima.signatures_pos,
        "ima.signatures: optional lets unsigned files pass ima.signatures; only ima.allow and "
        "ima.unknown judge them");
  }
  // Two keys of one key id: a signature names only the id, so either may
  // verify it.
  for (size_t i = 0; i < ima.keys.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (ima.keys[i].keyid == ima.keys[j].keyid) {
        const uint32_t id = ima.keys[i].keyid;
        const uint8_t b[4] = {uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id)};
        add(LintSeverity::kWarning, "ima-duplicate-keyid",
            ima.key_pos.empty() ? ima.signatures_pos : ima.key_pos[0],
            "ima.keys: " + ima.keys[j].source + " and " + ima.keys[i].source +
                " have the same key id " + ToHex(Bytes(b, 4)));
        break;
      }
    }
  }
}

std::vector<LintFinding> LintPolicy(const Policy& p, const std::vector<UnknownKey>& unknown_keys,
                                    UnixTime now) {
  std::vector<LintFinding> out;
  auto add = [&](LintSeverity s, std::string code, SourcePos pos, std::string msg) {
    out.push_back({s, std::move(code), pos, std::move(msg)});
  };
  for (const UnknownKey& k : unknown_keys) {
    add(LintSeverity::kError, "unknown-key", k.pos,
        "unknown key '" + k.path + "': verify rejects this policy; remove or fix it");
  }
  if (!p.expires) {
    add(LintSeverity::kWarning, "no-expiry", {},
        "metadata.expires is not set: reference values never lapse");
  } else if (now >= *p.expires) {
    add(LintSeverity::kError, "policy-expired", {}, "the policy expired on " + p.expires_text);
  }
  if (!p.td.mr_td) {
    add(LintSeverity::kWarning, "unpinned-register", {},
        "td.mr_td is not pinned: any initial TD image is accepted");
  }
  for (uint32_t i = 0; i < kNumRtmrs; ++i) {
    const std::string reg = RegisterId::Rtmr(i).Name();
    bool matched = false;
    for (const auto& r : p.replay.must_match_quote) matched |= r == reg;
    if (!p.td.rtmr[i] && !matched) {
      add(LintSeverity::kWarning, "unpinned-register", {},
          reg + " is neither pinned (td." + reg +
              ") nor required to match replay "
              "(replay.must_match_quote): anything may be measured into it");
    }
  }
  auto debug = p.td.attribute_bits.find("debug");
  bool debug_pinned = (debug != p.td.attribute_bits.end() && !debug->second) ||
                      (p.td.attributes_mask && ((*p.td.attributes_mask)[0] & 1) &&
                       !((*p.td.attributes_value)[0] & 1));
  if (!debug_pinned) {
    add(LintSeverity::kWarning, "debug-allowed", p.td.attributes_pos,
        "td.attributes does not require debug: false: a debuggable TD would pass");
  }
  if (!p.platform.tcb_status_set) {
    add(LintSeverity::kWarning, "no-tcb-status", {},
        "platform.tcb_status is not set: any TCB status passes");
  }
  if (p.platform.collateral_optional) {
    add(LintSeverity::kWarning, "collateral-optional", {},
        "platform.collateral: optional: evidence without collateral skips the TCB checks");
  }
  if (p.binding.nonce_optional) {
    add(LintSeverity::kWarning, "nonce-optional", p.binding.pos,
        "binding.nonce: optional: evidence without a nonce is accepted without a freshness check");
  }
  if (p.platform.tcb_status_set) {
    for (const auto* list : {&p.platform.tcb_allow, &p.platform.tcb_warn}) {
      const char* key = list == &p.platform.tcb_allow ? "allow" : "warn";
      for (const std::string& st : *list) {
        if (st == "Revoked" || st == "NotSupported" || st == "UnrecognizedStatus") {
          add(LintSeverity::kError, "weak-tcb-status", p.platform.tcb_pos,
              "platform.tcb_status." + std::string(key) + " accepts " + st +
                  ": a platform with that status is not trustworthy");
        } else if (list == &p.platform.tcb_allow &&
                   (st == "OutOfDate" || st == "OutOfDateConfigurationNeeded")) {
          add(LintSeverity::kWarning, "outdated-tcb-status", p.platform.tcb_pos,
              "platform.tcb_status.allow accepts " + st +
                  " without a warning: a platform missing security updates passes");
        }
      }
    }
  }
  // IMA extends RTMR2 (cc-api TDX kernel); its PCR10 on a TPM is never
  // pinned by value in a policy. Every measured file changes the register.
  constexpr uint32_t kImaRtmr = 2;
  if (p.ima.present && p.td.rtmr[kImaRtmr]) {
    add(LintSeverity::kWarning, "ima-register-pinned", p.td.rtmr[kImaRtmr]->pos,
        "td.rtmr2 is pinned, but IMA extends rtmr2 and the policy has an ima section: every new "
        "measured file fails td.rtmr2 as well as ima.unknown; leave rtmr2 to "
        "replay.must_match_quote, the events rules and the IMA allow list");
  }
  for (const PcrRule& r : p.pcrs.rules) {
    if (r.index == 10 && p.ima.present) {
      add(LintSeverity::kWarning, "ima-register-pinned", r.pos,
          "pcrs.pcr10." + r.bank +
              " is pinned, but IMA extends pcr10 and the policy has an ima section: every new "
              "measured file fails it; leave pcr10 to the IMA allow list");
    }
  }
  if (p.tpm.nonce) {
    add(LintSeverity::kWarning, "fixed-tpm-nonce", p.tpm.nonce_pos,
        "tpm.nonce is fixed in the policy: a TPM quote recorded once passes every later "
        "verification; give a fresh --tpm-nonce per verification instead");
  }
  if ((p.pcrs.present) && !p.tpm.PinsAk()) {
    add(LintSeverity::kWarning, "tpm-ak-unpinned", p.pcrs.pos,
        "pcrs rules judge quoted PCRs, and tpm.ak pins no AK: the AK must chain to "
        "--tpm-root-ca at verification, or every pcrs rule fails");
  }
  for (const EventRule& e : p.events) {
    if ((e.nth || e.index) && !e.MatchesContent()) {
      add(LintSeverity::kWarning, "positional-event-rule", e.pos,
          "events." + e.id + " matches by position only (" + (e.index ? "index" : "nth") +
              "): one event inserted before it makes it judge another event; match by digest, "
              "text_eq or a decoded field instead");
    }
    if (e.optional) {
      add(LintSeverity::kWarning, "optional-event-rule", e.pos,
          "events." + e.id + " is optional: evidence without the event passes the rule");
    }
    if (e.warn_only) {
      add(LintSeverity::kWarning, "warn-only-event-rule", e.pos,
          "events." + e.id + " has severity: warn: a mismatch does not fail the verdict");
    }
    if (e.text_regex && IsCatchAllTextPattern(e.text_regex_src)) {
      add(LintSeverity::kWarning, "catch-all-text-regex", e.pos,
          "events." + e.id + " text_regex '" + e.text_regex_src +
              "' matches any text: it selects nothing");
    }
    if (e.text_regex && HasNestedQuantifier(e.text_regex_src)) {
      add(LintSeverity::kWarning, "nested-quantifier", e.pos,
          "events." + e.id + " text_regex '" + e.text_regex_src +
              "' repeats a repeated group: a backtracking engine takes exponential time on it");
    }
  }
  // app: rules judge RTMR3 runtime events of the dstack log; an
  // informational dstack log binds nothing, so they could never pass.
  if (p.app.present && p.app.rules.empty()) {
    add(LintSeverity::kWarning, "empty-app", p.app.pos,
        "app: pins nothing (compose_hash, app_id, instance_id, key_provider, os_image_hash)");
  }
  if (p.app.present && p.logs.IsInformational("dstack")) {
    add(LintSeverity::kError, "app-log-informational", p.app.pos,
        "app: rules need bound RTMR3 events, but logs.informational names dstack: every app "
        "rule would fail");
  }
  if (p.app.present && p.td.rtmr[3]) {
    add(LintSeverity::kWarning, "rtmr3-pinned-with-app", p.app.pos,
        "td.rtmr3 is pinned beside app: rules; RTMR3 changes with every instance id, so pin the "
        "app facts rather than the register");
  }
  if (!p.logs.informational.empty()) {
    std::string names;
    for (const std::string& l : p.logs.informational) names += (names.empty() ? "" : ", ") + l;
    add(LintSeverity::kWarning, "informational-log", p.logs.pos,
        "logs.informational [" + names +
            "]: these logs are reported but never judged nor required to be bound");
  }
  if (p.logs.unexplained_digests_warn) {
    add(LintSeverity::kWarning, "unexplained-digests-warn", p.logs.pos,
        "logs.unexplained_digests: warn accepts events whose digest matches none of their data");
  }
  for (size_t i = 0; i < p.ima.exclude_src.size(); ++i) {
    if (HasNestedQuantifier(p.ima.exclude_src[i])) {
      add(LintSeverity::kWarning, "nested-quantifier", p.ima.exclude_pos[i],
          "ima.exclude '" + p.ima.exclude_src[i] +
              "' repeats a repeated group: a backtracking engine takes exponential time on it");
    }
    if (IsCatchAllPattern(p.ima.exclude_src[i])) {
      add(LintSeverity::kError, "catch-all-exclude", p.ima.exclude_pos[i],
          "ima.exclude '" + p.ima.exclude_src[i] +
              "' matches every path: the allow list checks nothing");
    }
  }
  if (p.ima.present && p.ima.unknown == UnknownFiles::kIgnore) {
    add(LintSeverity::kWarning, "ima-unknown-ignored", p.ima.pos,
        "ima.unknown: ignore accepts any file outside the allow list");
  }
  if (p.ima.present && p.ima.allow.empty() && !p.ima.ChecksSignatures()) {
    add(LintSeverity::kWarning, "ima-empty-allow", p.ima.pos, "the ima section allows no file");
  }
  LintImaSignatures(p.ima, add);
  for (const Waiver& w : p.waivers) {
    if (!WaiverCanMatch(p, w)) {
      add(LintSeverity::kWarning, "unused-waiver", w.pos,
          "waiver for '" + w.rule + "' matches no rule of this policy and no verification check");
    }
    bool wildcard = w.rule.ends_with(".*");
    if (wildcard) {
      add(LintSeverity::kWarning, "wildcard-waiver", w.pos,
          "waiver '" + w.rule +
              "' covers every rule with that prefix, including rules added later");
    }
    if (w.rule.rfind("events.", 0) == 0 || w.rule.rfind("ima.", 0) == 0) {
      add(LintSeverity::kWarning, "measurement-waiver", w.pos,
          "waiver '" + w.rule + "' lets a changed measurement pass until " + w.until_text);
    }
    if (now >= w.until) {
      add(LintSeverity::kError, "expired-waiver", w.pos,
          "waiver for '" + w.rule + "' expired on " + w.until_text + ": remove it");
    }
  }
  if (p.containers) LintContainerPolicy(*p.containers, &out);
  return out;
}

}  // namespace ccv::policy
