#include "policies/lint.h"

#include "policies/container_rules_eval.h"
#include "policies/time_util.h"

namespace ccv::policy {

namespace {

// Rule ids the policy yields, and the prefixes of verification check ids.
bool WaiverCanMatch(const Policy& p, const Waiver& w) {
  static const char* kCheckAreas[] = {"quote.", "report_data.", "ccel.", "tpm.", "cel.", "replay.", "ima."};
  std::vector<std::string> ids = {"policy.expires",          "platform.tcb_status", "platform.advisories",
                                  "platform.min_tee_tcb_svn", "platform.mr_seam",    "td.attributes",
                                  "td.xfam",                  "td.mr_td",            "td.mr_config_id",
                                  "td.mr_owner",              "td.mr_owner_config",  "ima.list",
                                  "ima.allow",                "ima.unknown"};
  for (int i = 0; i < 4; ++i) {
    ids.push_back("td.rtmr" + std::to_string(i));
    ids.push_back("replay.must_match_quote.rtmr" + std::to_string(i));
  }
  for (const EventRule& e : p.events) ids.push_back("events." + e.id);
  for (const std::string& id : ids) {
    if (w.Covers(id)) return true;
  }
  for (const char* area : kCheckAreas) {
    if (w.rule.rfind(area, 0) == 0 || std::string(area).rfind(w.rule.substr(0, w.rule.size() - 1), 0) == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsCatchAllRegex(const std::regex& re) {
  static const char* kSamples[] = {"/usr/bin/bash", "boot_aggregate", "/etc/ld.so.cache",
                                   "x", "/var/lib/containerd/a/b", "C:\\Windows"};
  for (const char* s : kSamples) {
    if (!std::regex_search(s, re)) return false;
  }
  return true;
}

std::vector<LintFinding> LintPolicy(const Policy& p, const std::vector<UnknownKey>& unknown_keys,
                                    UnixTime now) {
  std::vector<LintFinding> out;
  auto add = [&](LintSeverity s, std::string code, SourcePos pos, std::string msg) {
    out.push_back({s, std::move(code), pos, std::move(msg)});
  };
  for (const UnknownKey& k : unknown_keys) {
    add(LintSeverity::kError, "unknown-key", k.pos, "unknown key '" + k.path + "': verify rejects this policy; remove or fix it");
  }
  if (!p.expires) {
    add(LintSeverity::kWarning, "no-expiry", {}, "metadata.expires is not set: reference values never lapse");
  } else if (now >= *p.expires) {
    add(LintSeverity::kError, "policy-expired", {}, "the policy expired on " + p.expires_text);
  }
  if (!p.td.mr_td) {
    add(LintSeverity::kWarning, "unpinned-register", {}, "td.mr_td is not pinned: any initial TD image is accepted");
  }
  for (int i = 0; i < 4; ++i) {
    std::string reg = "rtmr" + std::to_string(i);
    bool matched = false;
    for (const auto& r : p.replay.must_match_quote) matched |= r == reg;
    if (!p.td.rtmr[i] && !matched) {
      add(LintSeverity::kWarning, "unpinned-register", {},
          reg + " is neither pinned (td." + reg + ") nor required to match replay "
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
    add(LintSeverity::kWarning, "no-tcb-status", {}, "platform.tcb_status is not set: any TCB status passes");
  }
  if (p.platform.collateral_optional) {
    add(LintSeverity::kWarning, "collateral-optional", {},
        "platform.collateral: optional: evidence without collateral skips the TCB checks");
  }
  if (p.binding.nonce_optional) {
    add(LintSeverity::kWarning, "nonce-optional", p.binding.pos,
        "binding.nonce: optional: evidence without a nonce is accepted without a freshness check");
  }
  for (size_t i = 0; i < p.ima.exclude.size(); ++i) {
    if (IsCatchAllRegex(p.ima.exclude[i])) {
      add(LintSeverity::kError, "catch-all-exclude", p.ima.exclude_pos[i],
          "ima.exclude '" + p.ima.exclude_src[i] + "' matches every path: the allow list checks nothing");
    }
  }
  if (p.ima.present && p.ima.unknown == UnknownFiles::kIgnore) {
    add(LintSeverity::kWarning, "ima-unknown-ignored", p.ima.pos,
        "ima.unknown: ignore accepts any file outside the allow list");
  }
  if (p.ima.present && p.ima.allow.empty()) {
    add(LintSeverity::kWarning, "ima-empty-allow", p.ima.pos, "the ima section allows no file");
  }
  for (const Waiver& w : p.waivers) {
    if (!WaiverCanMatch(p, w)) {
      add(LintSeverity::kWarning, "unused-waiver", w.pos,
          "waiver for '" + w.rule + "' matches no rule of this policy and no verification check");
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
