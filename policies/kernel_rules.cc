#include "policies/kernel_rules.h"

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "parsers/core/hex.h"
#include "parsers/core/strings.h"
#include "policies/evaluator.h"
#include "policies/rule_helpers.h"
#include "policies/yaml_walker.h"

namespace ccv::policy {
namespace {

using internal::PosOf;
using internal::SetVerdict;
using result::DmTargetFact;
using result::Facts;
using result::KernelBufferFact;
using result::KernelFacts;
using result::Verdict;

RuleResult& Add(std::vector<RuleResult>* out, std::string_view id, SourcePos pos) {
  return internal::AddRule(out, "kernel", id, pos);
}

// Why no fact of `kind` is there: the records of that kind that give none,
// or that the list holds none.
std::string Missing(const KernelFacts& k, std::string_view kind, std::string_view what) {
  std::vector<std::string> why;
  for (const KernelBufferFact& b : k.buffers) {
    if (b.kind == kind && !b.detail.empty()) why.push_back(b.evidence + ": " + b.detail);
  }
  if (why.empty()) {
    return "no bound, digest-verified " + std::string(what) + " record in the IMA list";
  }
  return "no usable " + std::string(what) + " record (" + StrJoin(why, "; ") + ")";
}

void DmVerityRule(const KernelPolicy& p, const KernelFacts& k, RuleResult& r) {
  r.expected = StrJoin(p.dm_verity, ", ", [](const DmVerityRequirement& d) {
    return d.device + ": verity root " + d.root_digest;
  });
  std::vector<std::string> problems, actual, evidence;
  for (const DmVerityRequirement& want : p.dm_verity) {
    // The device's last bound table load (every row of it).
    std::string last;
    for (const DmTargetFact& t : k.dm_targets) {
      if (t.device == want.device) last = t.evidence;
    }
    if (last.empty()) {
      problems.push_back(want.device + ": " + Missing(k, "dm_table_load", "dm_table_load") +
                         " for this device");
      actual.push_back(want.device + ": unknown");
      continue;
    }
    evidence.push_back(last);
    const DmTargetFact* verity = nullptr;
    size_t rows = 0;
    for (const DmTargetFact& t : k.dm_targets) {
      if (t.evidence != last || t.device != want.device) continue;
      ++rows;
      if (t.target == "verity") verity = &t;
    }
    if (verity == nullptr || rows != 1) {
      problems.push_back(want.device + " at " + last +
                         (verity == nullptr ? " is not a dm-verity device"
                                            : " maps " + std::to_string(rows) +
                                                  " targets, not one dm-verity target"));
      actual.push_back(want.device + ": not verity");
      continue;
    }
    const std::string* root = verity->Attr("root_digest");
    const std::string* failed = verity->Attr("hash_failed");
    actual.push_back(want.device + ": verity root " + (root ? *root : "(none)"));
    if (root == nullptr || *root != want.root_digest) {
      problems.push_back(want.device + " at " + last + " has root digest " +
                         (root ? *root : "(none)"));
    } else if (failed != nullptr && *failed != "V") {
      problems.push_back(want.device + " at " + last + " reports hash_failed=" + *failed +
                         " (corruption detected)");
    }
  }
  r.actual = StrJoin(actual, ", ");
  r.evidence_all = evidence;
  r.evidence = evidence.empty() ? "" : evidence.front();
  if (problems.empty()) {
    r.status = Verdict::kPass;
    r.why = "each device's last bound table load is dm-verity with the listed root digest";
  } else {
    r.status = Verdict::kFail;
    r.why = StrJoin(problems, "; ");
  }
}

void SelinuxEnforcingRule(const KernelFacts& k, RuleResult& r) {
  r.expected = "enforcing=1";
  if (!k.selinux_state) {
    r.actual = "unknown";
    SetVerdict(r, Verdict::kFail, "", Missing(k, "selinux_state", "selinux-state"));
    return;
  }
  std::string enforcing;
  for (const auto& [key, value] : *k.selinux_state) {
    if (key == "enforcing") enforcing = value;
  }
  r.actual = enforcing.empty() ? "no enforcing key" : "enforcing=" + enforcing;
  if (enforcing == "1") {
    SetVerdict(r, Verdict::kPass, k.selinux_state_evidence,
               "the last bound selinux-state says SELinux enforces");
  } else {
    SetVerdict(r, Verdict::kFail, k.selinux_state_evidence,
               "the last bound selinux-state says " + r.actual);
  }
}

void SelinuxPolicyHashRule(const KernelPolicy& p, const KernelFacts& k, RuleResult& r) {
  r.expected = "one of " + StrJoin(p.selinux_policy_hash, ", ");
  if (!k.selinux_policy_hash) {
    r.actual = "unknown";
    SetVerdict(r, Verdict::kFail, "", Missing(k, "selinux_policy_hash", "selinux-policy-hash"));
    return;
  }
  r.actual = *k.selinux_policy_hash;
  bool listed = std::find(p.selinux_policy_hash.begin(), p.selinux_policy_hash.end(),
                          *k.selinux_policy_hash) != p.selinux_policy_hash.end();
  SetVerdict(r, listed ? Verdict::kPass : Verdict::kFail, k.selinux_policy_hash_evidence,
             listed ? "the loaded SELinux policy is a listed one"
                    : "the loaded SELinux policy's hash is not listed");
}

void KexecRule(const KernelPolicy& p, const Facts& f, RuleResult& r) {
  r.expected = p.kexec_forbid ? "no kernel loaded with kexec"
                              : "kexec command lines among " + StrJoin(p.kexec_allowed, " | ");
  const result::LogFact* ima = nullptr;
  for (const result::LogFact& l : f.logs) {
    if (l.name == "ima") ima = &l;
  }
  if (ima == nullptr || !ima->bound) {
    r.actual = "unknown";
    SetVerdict(r, Verdict::kFail, "",
               ima == nullptr ? "no IMA list: an absent kexec-cmdline record proves nothing"
                              : "the IMA list is not bound (" + ima->why + ")");
    return;
  }
  std::vector<std::string> bad, evidence;
  for (const auto& [ev, cmdline] : f.kernel.kexec_cmdlines) {
    evidence.push_back(ev);
    bool ok = !p.kexec_forbid && std::find(p.kexec_allowed.begin(), p.kexec_allowed.end(),
                                           cmdline) != p.kexec_allowed.end();
    if (!ok) bad.push_back(std::string(ev).append(" \"").append(cmdline).append("\""));
  }
  r.actual = std::to_string(f.kernel.kexec_cmdlines.size()) + " bound kexec-cmdline record(s)";
  r.evidence_all = evidence;
  r.evidence = evidence.empty() ? "" : evidence.front();
  if (bad.empty()) {
    r.status = Verdict::kPass;
    r.why = f.kernel.kexec_cmdlines.empty()
                ? "no bound kexec-cmdline record in the " + std::to_string(ima->bound_events) +
                      " bound entries"
                : "every kexec command line is listed";
  } else {
    r.status = Verdict::kFail;
    r.why =
        (p.kexec_forbid ? "a kernel was loaded with kexec: " : "unlisted kexec command line: ") +
        StrJoin(bad, ", ");
  }
}

Result<std::vector<std::string>> HexList(internal::Walker& w, const YAML::Node& v,
                                         const std::string& path, size_t len) {
  CCV_RETURN_IF_ERROR(w.ExpectNonEmptyList(v, path, "hex digests"));
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b,
                         w.Hex(v[i], path + "[" + std::to_string(i) + "]", len));
    out.push_back(ToHex(b));
  }
  return out;
}

}  // namespace

Result<std::shared_ptr<const KernelPolicy>> ParseKernelPolicy(const YAML::Node& n,
                                                              const ParseOptions& options) {
  internal::Walker w(options);
  auto out = std::make_shared<KernelPolicy>();
  CCV_RETURN_IF_ERROR(w.ExpectMap(n, "kernel", {"dm_verity", "selinux", "kexec"}));
  out->pos = PosOf(n);
  if (YAML::Node v = n["dm_verity"]) {
    CCV_RETURN_IF_ERROR(w.ExpectNonEmptyList(v, "kernel.dm_verity", "{device, root_digest}"));
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string path = "kernel.dm_verity[" + std::to_string(i) + "]";
      CCV_RETURN_IF_ERROR(w.ExpectMap(v[i], path, {"device", "root_digest"}));
      if (!v[i]["device"] || !v[i]["root_digest"]) {
        return w.Err(ErrorCode::kBadValue, PosOf(v[i]), path,
                     "expected both 'device' and 'root_digest'");
      }
      DmVerityRequirement d;
      CCV_ASSIGN_OR_RETURN(d.device, w.NonEmptyString(v[i]["device"], path + ".device"));
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> root,
                           w.Hex(v[i]["root_digest"], path + ".root_digest", 0));
      d.root_digest = ToHex(root);
      d.pos = PosOf(v[i]);
      out->dm_verity.push_back(std::move(d));
    }
    out->dm_verity_pos = PosOf(v);
  }
  if (YAML::Node v = n["selinux"]) {
    CCV_RETURN_IF_ERROR(w.ExpectMap(v, "kernel.selinux", {"enforcing", "policy_hash"}));
    if (YAML::Node e = v["enforcing"]) {
      CCV_ASSIGN_OR_RETURN(std::string s, w.String(e, "kernel.selinux.enforcing"));
      if (s != "required") {
        return w.Err(ErrorCode::kBadValue, PosOf(e), "kernel.selinux.enforcing",
                     "expected 'required'");
      }
      out->selinux_enforcing = true;
      out->selinux_enforcing_pos = PosOf(e);
    }
    if (YAML::Node h = v["policy_hash"]) {
      CCV_ASSIGN_OR_RETURN(out->selinux_policy_hash,
                           HexList(w, h, "kernel.selinux.policy_hash", 0));
      out->selinux_policy_hash_pos = PosOf(h);
    }
    if (!out->selinux_enforcing && out->selinux_policy_hash.empty()) {
      return w.Err(ErrorCode::kBadValue, PosOf(v), "kernel.selinux",
                   "expected 'enforcing' or 'policy_hash'");
    }
  }
  if (YAML::Node v = n["kexec"]) {
    out->kexec_set = true;
    out->kexec_pos = PosOf(v);
    if (v.IsScalar()) {
      if (v.Scalar() != "forbid") {
        return w.Err(ErrorCode::kBadValue, PosOf(v), "kernel.kexec",
                     "expected 'forbid' or {allow: [command lines]}");
      }
      out->kexec_forbid = true;
    } else {
      CCV_RETURN_IF_ERROR(w.ExpectMap(v, "kernel.kexec", {"allow"}));
      if (!v["allow"]) {
        return w.Err(ErrorCode::kBadValue, PosOf(v), "kernel.kexec", "expected 'allow'");
      }
      CCV_ASSIGN_OR_RETURN(out->kexec_allowed, w.StringList(v["allow"], "kernel.kexec.allow"));
    }
  }
  return std::shared_ptr<const KernelPolicy>(std::move(out));
}

void EvaluateKernelRules(const KernelPolicy& p, const Facts& f, std::vector<RuleResult>* out) {
  if (!p.dm_verity.empty()) DmVerityRule(p, f.kernel, Add(out, "dm_verity", p.dm_verity_pos));
  if (p.selinux_enforcing) {
    SelinuxEnforcingRule(f.kernel, Add(out, "selinux.enforcing", p.selinux_enforcing_pos));
  }
  if (!p.selinux_policy_hash.empty()) {
    SelinuxPolicyHashRule(p, f.kernel, Add(out, "selinux.policy_hash", p.selinux_policy_hash_pos));
  }
  if (p.kexec_set) KexecRule(p, f, Add(out, "kexec", p.kexec_pos));
}

}  // namespace ccv::policy
