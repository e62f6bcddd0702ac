#include "policies/container_rules_eval.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "parsers/core/hex.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
using result::Verdict;
namespace {

using containers::ContainerInfo;
using containers::ContainerRecord;
using containers::ContainerUnit;
using containers::ContainerView;

constexpr size_t kMaxEvidence = 50;  // pointers kept per result
constexpr size_t kMaxNamed = 10;     // paths named in `actual`

std::string UnitName(const ContainerUnit& u) { return u.kind == "pod" ? u.pod_uid : u.id; }

std::string FileDigestOf(const ContainerRecord& r) {
  return r.file_alg + ":" + ToHex(r.file_digest);
}

bool Selects(const ContainerSelect& s, const ContainerUnit& u, const ContainerInfo& c) {
  if (!s.pod.empty() && u.pod_uid != s.pod) return false;
  if (!s.container.empty() && !c.id.starts_with(s.container)) return false;
  if (!s.entrypoint.empty() && c.entrypoint != s.entrypoint) return false;
  if (s.cgroup) {
    bool any = false;
    for (const std::string& p : c.cgroup_paths) {
      if (s.cgroup->Search(p)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

class RuleRunner {
 public:
  RuleRunner(const ContainerRule& rule, const ContainerView* view, std::vector<RuleResult>* out)
      : rule_(rule), view_(view), out_(out) {}

  // Returns the selected (unit, container) pairs.
  std::vector<std::pair<const ContainerUnit*, const ContainerInfo*>> Select() {
    std::vector<std::pair<const ContainerUnit*, const ContainerInfo*>> sel;
    RuleResult& r = Add("select", "");
    r.expected = Describe(rule_.select);
    if (view_ == nullptr) {
      r.actual = "no ima-cgpath list";
      Set(r, rule_.optional ? Verdict::kSkipped : Verdict::kFail,
          "the evidence has no IMA list with ima-cgpath records, so no container can be checked");
      return sel;
    }
    for (const ContainerUnit& u : view_->units) {
      for (const ContainerInfo& c : u.containers) {
        if (Selects(rule_.select, u, c)) sel.emplace_back(&u, &c);
      }
    }
    if (sel.empty()) {
      r.actual = "no container";
      Set(r, rule_.optional ? Verdict::kSkipped : Verdict::kFail,
          "no pod or container of the list matches the selection" +
              std::string(rule_.optional ? " (optional)" : ""));
      return sel;
    }
    std::string names;
    for (size_t i = 0; i < sel.size(); ++i) {
      if (i < kMaxNamed) names += (i ? ", " : "") + containers_name(*sel[i].first, *sel[i].second);
      AddEvidence(r, sel[i].second->first_record);
    }
    if (sel.size() > kMaxNamed) names += ", ...";
    r.actual = std::to_string(sel.size()) + " container(s): " + names;
    Set(r, Verdict::kPass, "");
    return sel;
  }

  void CheckUnit(const ContainerUnit& u) {
    if (!rule_.virtual_imr3) return;
    RuleResult& r = Add("virtual_imr3", UnitName(u));
    r.expected = MatcherText(*rule_.virtual_imr3);
    r.actual = ToHex(u.virtual_imr3.span());
    r.evidence = "ima#" + std::to_string(u.last_record);
    r.evidence_all = {r.evidence};
    bool ok = u.virtual_imr3.len == 48 &&
              rule_.virtual_imr3->Matches(u.virtual_imr3.bytes.data(), u.virtual_imr3.len);
    Fail(r, ok,
         "the unit's CIMA virtual IMR3 (" + std::to_string(u.records) + " records, last ima#" +
             std::to_string(u.last_record) + ") is not pinned");
  }

  void CheckContainer(const ContainerUnit& u, const ContainerInfo& c) {
    std::string name = containers_name(u, c);
    std::vector<const ContainerRecord*> recs;
    for (size_t ref : c.record_refs) recs.push_back(&view_->records[ref]);
    if (recs.size() != c.records) {
      RuleResult& r = Add("records", name);
      r.actual = std::to_string(recs.size()) + " of " + std::to_string(c.records) + " records kept";
      Set(r, Verdict::kFail,
          "the container's records were not kept, so its rules cannot be evaluated");
      return;
    }
    if (rule_.entrypoint) {
      const RequiredFile& want = *rule_.entrypoint;
      RuleResult& r = Add("entrypoint", name);
      r.expected = FileText(want);
      const ContainerRecord* first = recs.empty() ? nullptr : recs.front();
      if (first != nullptr) {
        r.actual = first->path + " " + FileDigestOf(*first);
        AddEvidence(r, first->index);
      }
      bool ok = first != nullptr && first->path == want.path && DigestAllowed(want, *first);
      Fail(r, ok,
           first == nullptr           ? "the container has no record"
           : first->path != want.path ? "the container started another executable"
                                      : "the entrypoint binary has another digest");
    }
    if (!rule_.measured.empty()) {
      RuleResult& r = Add("measured", name);
      std::vector<std::string> missing;
      for (const RequiredFile& want : rule_.measured) {
        const ContainerRecord* hit = nullptr;
        for (const ContainerRecord* rec : recs) {
          if (rec->path == want.path && DigestAllowed(want, *rec)) {
            hit = rec;
            break;
          }
        }
        if (hit == nullptr)
          missing.push_back(FileText(want));
        else
          AddEvidence(r, hit->index);
      }
      r.expected = std::to_string(rule_.measured.size()) + " required file(s) measured";
      r.actual = missing.empty() ? "all measured" : "missing: " + JoinCapped(missing);
      Fail(r, missing.empty(),
           std::to_string(missing.size()) +
               " required file(s) were not measured with an allowed digest");
    }
    if (rule_.allow_set || rule_.unknown_set) {
      // Violations (IMA could not measure the file: all-zero hash) have no
      // digest to judge; they are counted, not matched.
      std::vector<const ContainerRecord*> mismatched, unknown;
      size_t violations = 0;
      for (const ContainerRecord* rec : recs) {
        if (rec->violation) {
          ++violations;
          continue;
        }
        if (Excluded(rec->path)) continue;
        auto it = rule_.allow.find(rec->path);
        if (it == rule_.allow.end()) {
          unknown.push_back(rec);
        } else if (std::find(it->second.begin(), it->second.end(), FileDigestOf(*rec)) ==
                   it->second.end()) {
          mismatched.push_back(rec);
        }
      }
      if (rule_.allow_set) {
        RuleResult& r = Add("allow", name);
        r.expected = "listed files have an allowed digest";
        r.actual = std::to_string(mismatched.size()) + " digest mismatch(es)" + Paths(mismatched);
        for (const ContainerRecord* rec : mismatched) AddEvidence(r, rec->index);
        Fail(r, mismatched.empty(), "measured file(s) with a digest the allow list does not have");
      }
      RuleResult& u2 = Add("unknown", name);
      u2.expected = "no file outside the allow list";
      u2.actual = std::to_string(unknown.size()) + " unknown file(s)" + Paths(unknown);
      if (violations != 0)
        u2.actual += "; " + std::to_string(violations) + " violation record(s) not judged";
      for (const ContainerRecord* rec : unknown) AddEvidence(u2, rec->index);
      std::string why =
          std::to_string(unknown.size()) + " measured file(s) are not on the allow list";
      if (unknown.empty())
        Set(u2, Verdict::kPass, "");
      else if (rule_.unknown == UnknownFiles::kIgnore)
        Set(u2, Verdict::kPass, why + " (unknown: ignore)");
      else if (rule_.unknown == UnknownFiles::kWarn)
        Set(u2, Verdict::kWarn, why);
      else
        Fail(u2, false, why);
    }
    if (!rule_.forbid.empty()) {
      RuleResult& r = Add("forbid", name);
      std::vector<const ContainerRecord*> hits;
      for (const ContainerRecord* rec : recs) {
        for (const Regex& re : rule_.forbid) {
          if (re.Search(rec->path)) {
            hits.push_back(rec);
            break;
          }
        }
      }
      r.expected = "no measured path matching " + JoinCapped(rule_.forbid_src);
      r.actual = std::to_string(hits.size()) + " forbidden file(s)" + Paths(hits);
      for (const ContainerRecord* rec : hits) AddEvidence(r, rec->index);
      Fail(r, hits.empty(), "forbidden file(s) were measured in the container");
    }
    if (rule_.executables) {
      RuleResult& r = Add("executables", name);
      const std::vector<std::string>& allowed = *rule_.executables;
      std::vector<const ContainerRecord*> bad;
      std::set<std::string> seen;
      for (const ContainerRecord* rec : recs) {
        if (std::find(allowed.begin(), allowed.end(), rec->executable) == allowed.end()) {
          bad.push_back(rec);
          seen.insert(rec->executable);
        }
      }
      r.expected = "only " + JoinCapped(allowed);
      r.actual = bad.empty() ? "no unknown executable"
                             : std::to_string(seen.size()) + " unknown executable(s): " +
                                   JoinCapped(std::vector<std::string>(seen.begin(), seen.end()));
      for (const ContainerRecord* rec : bad) AddEvidence(r, rec->index);
      Fail(r, bad.empty(), "processes of executables outside the list ran in the container");
    }
  }

  static std::string containers_name(const ContainerUnit& u, const ContainerInfo& c) {
    return ContainerDisplayName(u, c);
  }

 private:
  RuleResult& Add(const std::string& check, std::string container) {
    RuleResult r;
    r.id = "containers." + rule_.id + "." + check;
    r.area = "containers";
    r.policy_line = rule_.pos.line;
    r.container = std::move(container);
    out_->push_back(std::move(r));
    return out_->back();
  }

  static void Set(RuleResult& r, Verdict v, std::string why) {
    r.status = v;
    r.why = std::move(why);
  }

  void Fail(RuleResult& r, bool ok, std::string why) {
    if (ok) {
      Set(r, Verdict::kPass, "");
    } else {
      Set(r, rule_.warn_only ? Verdict::kWarn : Verdict::kFail, std::move(why));
    }
  }

  static void AddEvidence(RuleResult& r, uint64_t index) {
    std::string p = "ima#" + std::to_string(index);
    if (r.evidence.empty()) r.evidence = p;
    if (r.evidence_all.size() < kMaxEvidence) r.evidence_all.push_back(std::move(p));
  }

  bool Excluded(const std::string& path) const {
    for (const Regex& re : rule_.exclude) {
      if (re.Search(path)) return true;
    }
    return false;
  }

  static bool DigestAllowed(const RequiredFile& want, const ContainerRecord& rec) {
    if (want.digests.empty()) return true;
    std::string d = FileDigestOf(rec);
    return std::find(want.digests.begin(), want.digests.end(), d) != want.digests.end();
  }

  static std::string FileText(const RequiredFile& f) {
    if (f.digests.empty()) return f.path;
    return f.path + " " + JoinCapped(f.digests);
  }

  static std::string JoinCapped(const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < kMaxNamed; ++i) s += (i ? ", " : "") + v[i];
    if (v.size() > kMaxNamed) s += ", ...";
    return s;
  }

  static std::string Paths(const std::vector<const ContainerRecord*>& v) {
    if (v.empty()) return "";
    std::vector<std::string> p;
    p.reserve(v.size());
    for (const ContainerRecord* r : v)
      p.push_back(r->path + " (ima#" + std::to_string(r->index) + ")");
    return ": " + JoinCapped(p);
  }

  static std::string MatcherText(const BytesMatcher& m) {
    std::string s;
    for (size_t i = 0; i < m.any_of.size(); ++i) s += (i ? " or " : "") + ToHex(m.any_of[i]);
    return s;
  }

  static std::string Describe(const ContainerSelect& s) {
    std::string d;
    auto add = [&](const std::string& k, const std::string& v) {
      if (!v.empty()) d += (d.empty() ? "" : ", ") + k + " " + v;
    };
    add("pod", s.pod);
    add("container", s.container);
    add("cgroup ~", s.cgroup_src);
    add("entrypoint", s.entrypoint);
    return "a container with " + d;
  }

  const ContainerRule& rule_;
  const ContainerView* view_;
  std::vector<RuleResult>* out_;
};

std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string ContainerDisplayName(const ContainerUnit& unit, const ContainerInfo& c) {
  if (unit.kind != "pod") return c.id;
  return unit.pod_uid + "/" + c.id;
}

void EvaluateContainerRules(const ContainerPolicy& policy, const ContainerView* view,
                            std::vector<RuleResult>* out) {
  std::set<std::pair<const ContainerUnit*, const ContainerInfo*>> covered;
  for (const ContainerRule& rule : policy.rules) {
    RuleRunner run(rule, view, out);
    auto sel = run.Select();
    std::vector<const ContainerUnit*> units;
    for (const auto& [u, c] : sel) {
      if (std::find(units.begin(), units.end(), u) == units.end()) units.push_back(u);
      covered.insert({u, c});
    }
    for (const ContainerUnit* u : units) run.CheckUnit(*u);
    for (const auto& [u, c] : sel) run.CheckContainer(*u, *c);
  }
  if (policy.unlisted_set && view != nullptr) {
    RuleResult r;
    r.id = "containers.unlisted";
    r.area = "containers";
    r.policy_line = policy.unlisted_pos.line;
    r.expected = "every container is selected by a rule";
    std::vector<std::string> names;
    for (const ContainerUnit& u : view->units) {
      for (const ContainerInfo& c : u.containers) {
        if (covered.count({&u, &c})) continue;
        names.push_back(ContainerDisplayName(u, c));
        std::string p = "ima#" + std::to_string(c.first_record);
        if (r.evidence.empty()) r.evidence = p;
        if (r.evidence_all.size() < kMaxEvidence) r.evidence_all.push_back(p);
      }
    }
    r.actual = std::to_string(names.size()) + " unlisted container(s)";
    for (size_t i = 0; i < names.size() && i < kMaxNamed; ++i)
      r.actual += (i ? ", " : ": ") + names[i];
    if (names.empty() || policy.unlisted == UnknownFiles::kIgnore) {
      r.status = Verdict::kPass;
    } else {
      r.status = policy.unlisted == UnknownFiles::kWarn ? Verdict::kWarn : Verdict::kFail;
      r.why = "containers that no rule selects ran in the TD";
    }
    out->push_back(std::move(r));
  }
}

Result<std::string> GenerateContainerPolicy(const ContainerView& view, std::string_view id,
                                            const ContainerGenerateOptions& options) {
  size_t only = SIZE_MAX;
  const ContainerUnit* u = view.Find(id, &only);
  if (u == nullptr) {
    return Status(ErrorCode::kNotFound,
                  "no pod or container '" + std::string(id) + "' in the list");
  }
  bool whole_unit = only == SIZE_MAX || u->kind != "pod";
  const std::string& in = options.indent;
  std::ostringstream y;
  y << in << "containers:\n";
  if (!options.system_events.empty()) {
    y << in << "  system_events:\n";
    for (const std::vector<uint8_t>& e : options.system_events) {
      y << in << "    - {data_hex: \"" << ToHex(e) << "\"}\n";
    }
  }
  y << in << "  rules:\n";
  for (size_t ci = 0; ci < u->containers.size(); ++ci) {
    if (!whole_unit && ci != only) continue;
    const ContainerInfo& c = u->containers[ci];
    std::string short_id = c.id.substr(0, 12);
    y << in << "    - id: " << (u->kind == "pod" ? "pod-" + u->pod_uid.substr(0, 8) + "-" : "")
      << short_id << "\n";
    y << in << "      # " << c.records << " records, ima#" << c.first_record << "..ima#"
      << c.last_record << "\n";
    y << in << "      select: {";
    if (u->kind == "pod") y << "pod: " << Quote(u->pod_uid) << ", ";
    y << "container: " << Quote(c.id) << "}\n";
    if (whole_unit && ci == 0) {
      y << in << "      virtual_imr3: {eq: \"" << ToHex(u->virtual_imr3.span()) << "\"}\n";
    }
    std::map<std::string, std::set<std::string>> files;
    std::set<std::string> exes;
    const ContainerRecord* first = nullptr;
    for (size_t ref : c.record_refs) {
      const ContainerRecord& r = view.records[ref];
      if (first == nullptr) first = &r;
      if (!r.violation) files[r.path].insert(FileDigestOf(r));
      exes.insert(r.executable);
    }
    if (first != nullptr && !first->violation) {
      y << in << "      entrypoint: {path: " << Quote(first->path) << ", digest: \""
        << FileDigestOf(*first) << "\"}\n";
    }
    y << in << "      allow:\n" << in << "        digests:\n";
    for (const auto& [path, digests] : files) {
      y << in << "          " << Quote(path) << ": [";
      size_t i = 0;
      for (const std::string& d : digests) y << (i++ ? ", " : "") << "\"" << d << "\"";
      y << "]\n";
    }
    y << in << "      unknown: fail\n";
    if (options.pin_executables) {
      y << in << "      executables: [";
      size_t i = 0;
      for (const std::string& e : exes) y << (i++ ? ", " : "") << Quote(e);
      y << "]\n";
    }
  }
  return y.str();
}

void LintContainerPolicy(const ContainerPolicy& policy, std::vector<LintFinding>* out) {
  auto add = [&](std::string code, SourcePos pos, std::string msg) {
    out->push_back({LintSeverity::kWarning, std::move(code), pos, std::move(msg)});
  };
  if (!policy.unlisted_set || policy.unlisted == UnknownFiles::kIgnore) {
    add("container-unlisted-ignored", policy.unlisted_set ? policy.unlisted_pos : policy.pos,
        "containers.unlisted is not fail or warn: a container no rule selects runs unchecked");
  }
  for (const ContainerRule& r : policy.rules) {
    std::string where = "containers rule '" + r.id + "'";
    if (r.entrypoint && r.entrypoint->digests.empty()) {
      add("container-no-digest", r.entrypoint->pos,
          where + ": the entrypoint has no digest: any binary at that path passes");
    }
    for (const RequiredFile& f : r.measured) {
      if (f.digests.empty()) {
        add("container-no-digest", f.pos,
            where + ": required file " + f.path + " has no digest: any content passes");
      }
    }
    if (r.allow_set && r.unknown_set && r.unknown == UnknownFiles::kIgnore) {
      add("container-unknown-ignored", r.allow_pos,
          where + ": unknown: ignore makes the allow list judge only the files it names");
    }
    for (size_t i = 0; i < r.exclude.size(); ++i) {
      if (IsCatchAllRegex(r.exclude[i])) {
        add("catch-all-exclude", r.pos,
            where + ": exclude '" + r.exclude_src[i] + "' matches every path");
      }
    }
    if (r.virtual_imr3 && policy.system_events.empty()) {
      add("container-imr3-no-system-events", r.virtual_imr3->pos,
          where +
              ": virtual_imr3 is pinned but containers.system_events is empty: the CIMA "
              "register starts from its system-process measurements");
    }
  }
}

}  // namespace ccv::policy
