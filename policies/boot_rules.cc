#include "policies/boot_rules.h"

#include <algorithm>
#include <memory>
#include <string>

#include <yaml-cpp/yaml.h>

#include "parsers/core/hex.h"
#include "parsers/core/strings.h"
#include "policies/evaluator.h"
#include "policies/rule_helpers.h"
#include "policies/yaml_walker.h"

namespace ccv::policy {
namespace {

using internal::PosOf;
using result::BootFacts;
using result::BootVariableFact;
using result::Verdict;

constexpr size_t kSha256Len = 32;

// The notes of `facts` that explain `topic` ("SecureBoot", "db", ...), or a
// generic reason.
std::string NotesAbout(const BootFacts& facts, std::string_view topic) {
  std::vector<std::string> found;
  for (const std::string& n : facts.notes) {
    if (n.rfind(std::string(topic) + ":", 0) == 0) found.push_back(n);
  }
  if (found.empty()) {
    return "no bound event with verified data measured " + std::string(topic);
  }
  return StrJoin(found, "; ");
}

RuleResult& Add(std::vector<RuleResult>* out, std::string_view id, SourcePos pos) {
  return internal::AddRule(out, "boot", id, pos);
}

void Pass(RuleResult& r, const std::string& evidence, const std::string& why) {
  internal::SetVerdict(r, Verdict::kPass, evidence, why);
}

void Fail(RuleResult& r, const std::string& evidence, const std::string& why) {
  internal::SetVerdict(r, Verdict::kFail, evidence, why);
}

// A signature variable fact usable by a rule, or the reason it is not.
const BootVariableFact* Usable(const BootFacts& facts, const BootVariableFact& v,
                               std::string_view name, std::string* why) {
  if (!v.present) {
    *why = NotesAbout(facts, name);
    return nullptr;
  }
  if (!v.error.empty()) {
    *why = std::string(name) + " at " + v.evidence + " does not decode: " + v.error;
    return nullptr;
  }
  return &v;
}

void SecureBootRule(const BootFacts& facts, RuleResult& r) {
  r.expected = "SecureBoot = 1 (enabled)";
  if (!facts.secure_boot) {
    r.actual = "unknown";
    Fail(r, facts.secure_boot_evidence, NotesAbout(facts, "SecureBoot"));
    return;
  }
  r.actual = *facts.secure_boot ? "SecureBoot = 1 (enabled)" : "SecureBoot = 0 (disabled)";
  if (*facts.secure_boot) {
    Pass(r, facts.secure_boot_evidence, "the firmware measured Secure Boot enabled");
  } else {
    Fail(r, facts.secure_boot_evidence, "the firmware measured Secure Boot disabled");
  }
}

void DbContainsRule(const BootPolicy& p, const BootFacts& facts, RuleResult& r) {
  r.expected = "db holds " + StrJoin(p.db_contains, ", ");
  std::string why;
  const BootVariableFact* db = Usable(facts, facts.db, "db", &why);
  if (db == nullptr) {
    r.actual = "unknown";
    Fail(r, facts.db.evidence, why);
    return;
  }
  r.actual =
      std::to_string(db->x509_sha256.size()) + " certificate(s): " + StrJoin(db->x509_sha256, ", ");
  std::vector<std::string> missing;
  for (const std::string& want : p.db_contains) {
    if (std::find(db->x509_sha256.begin(), db->x509_sha256.end(), want) == db->x509_sha256.end())
      missing.push_back(want);
  }
  if (missing.empty()) {
    Pass(r, db->evidence, "db holds every listed certificate");
  } else {
    Fail(r, db->evidence, "db lacks " + StrJoin(missing, ", "));
  }
}

void DbxMinRule(const BootPolicy& p, const BootFacts& facts, RuleResult& r) {
  r.expected = "dbx holds >= " + std::to_string(*p.dbx_min_entries) + " entries";
  std::string why;
  const BootVariableFact* dbx = Usable(facts, facts.dbx, "dbx", &why);
  if (dbx == nullptr) {
    r.actual = "unknown";
    Fail(r, facts.dbx.evidence, why);
    return;
  }
  r.actual = std::to_string(dbx->entries) + " entries";
  if (dbx->entries >= *p.dbx_min_entries) {
    Pass(r, dbx->evidence, "dbx holds " + r.actual);
  } else {
    Fail(r, dbx->evidence,
         "dbx holds " + r.actual + ": an older revocation list than the policy requires");
  }
}

void CmdlineRule(const BootPolicy& p, const BootFacts& facts, RuleResult& r) {
  std::vector<std::string> exp;
  if (!p.cmdline_require.empty()) exp.push_back("contains " + StrJoin(p.cmdline_require, ", "));
  if (!p.cmdline_forbid.empty()) exp.push_back("lacks " + StrJoin(p.cmdline_forbid, ", "));
  r.expected = StrJoin(exp, "; ");
  if (!facts.cmdline) {
    r.actual = "unknown";
    Fail(r, "", NotesAbout(facts, "kernel command line"));
    return;
  }
  r.actual = "\"" + *facts.cmdline + "\"";
  std::vector<std::string> problems;
  for (const std::string& s : p.cmdline_require) {
    if (facts.cmdline->find(s) == std::string::npos) problems.push_back("lacks \"" + s + "\"");
  }
  for (const std::string& s : p.cmdline_forbid) {
    if (facts.cmdline->find(s) != std::string::npos)
      problems.push_back("contains forbidden \"" + s + "\"");
  }
  if (problems.empty()) {
    Pass(r, facts.cmdline_evidence, "the measured kernel command line satisfies the rule");
  } else {
    Fail(r, facts.cmdline_evidence, "the measured kernel command line " + StrJoin(problems, ", "));
  }
}

}  // namespace

Result<std::shared_ptr<const BootPolicy>> ParseBootPolicy(const YAML::Node& n,
                                                          const ParseOptions& options) {
  internal::Walker w(options);
  auto out = std::make_shared<BootPolicy>();
  CCV_RETURN_IF_ERROR(
      w.ExpectMap(n, "boot", {"secure_boot", "db_contains", "dbx_min_entries", "cmdline"}));
  out->pos = PosOf(n);
  if (YAML::Node v = n["secure_boot"]) {
    CCV_ASSIGN_OR_RETURN(std::string s, w.String(v, "boot.secure_boot"));
    if (s != "required") {
      return w.Err(ErrorCode::kBadValue, PosOf(v), "boot.secure_boot", "expected 'required'");
    }
    out->secure_boot_required = true;
    out->secure_boot_pos = PosOf(v);
  }
  if (YAML::Node v = n["db_contains"]) {
    CCV_RETURN_IF_ERROR(
        w.ExpectNonEmptyList(v, "boot.db_contains", "certificate SHA-256 fingerprints (hex)"));
    for (size_t i = 0; i < v.size(); ++i) {
      CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> b,
                           w.Hex(v[i], "boot.db_contains[" + std::to_string(i) + "]", kSha256Len));
      out->db_contains.push_back(ToHex(b));
    }
    out->db_contains_pos = PosOf(v);
  }
  if (YAML::Node v = n["dbx_min_entries"]) {
    CCV_ASSIGN_OR_RETURN(out->dbx_min_entries, w.Uint(v, "boot.dbx_min_entries", 1u << 24));
    out->dbx_min_entries_pos = PosOf(v);
  }
  if (YAML::Node v = n["cmdline"]) {
    CCV_RETURN_IF_ERROR(w.ExpectMap(v, "boot.cmdline", {"require", "forbid"}));
    if (v["require"]) {
      CCV_ASSIGN_OR_RETURN(out->cmdline_require,
                           w.StringList(v["require"], "boot.cmdline.require"));
    }
    if (v["forbid"]) {
      CCV_ASSIGN_OR_RETURN(out->cmdline_forbid, w.StringList(v["forbid"], "boot.cmdline.forbid"));
    }
    if (!out->HasCmdline()) {
      return w.Err(ErrorCode::kBadValue, PosOf(v), "boot.cmdline",
                   "expected 'require' or 'forbid' with at least one string");
    }
    out->cmdline_pos = PosOf(v);
  }
  return std::shared_ptr<const BootPolicy>(std::move(out));
}

void EvaluateBootRules(const BootPolicy& p, const BootFacts& facts, std::vector<RuleResult>* out) {
  if (p.secure_boot_required) SecureBootRule(facts, Add(out, "secure_boot", p.secure_boot_pos));
  if (!p.db_contains.empty()) DbContainsRule(p, facts, Add(out, "db_contains", p.db_contains_pos));
  if (p.dbx_min_entries) DbxMinRule(p, facts, Add(out, "dbx_min_entries", p.dbx_min_entries_pos));
  if (p.HasCmdline()) CmdlineRule(p, facts, Add(out, "cmdline", p.cmdline_pos));
}

}  // namespace ccv::policy
