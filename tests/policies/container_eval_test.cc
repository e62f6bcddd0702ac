// Container-scoped policy rules against the CIMA sample pod and generated
// multi-pod lists: rules pass and fail as designed, each result naming the
// container and the IMA records; reports group them by container.
#include <memory>
#include <optional>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "policies/container_rules_eval.h"
#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/containers/generated_lists.h"
#include "verifier/containers/container_view.h"
#include "verifier/report/verify_report.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
using result::Facts;
using result::Verdict;
namespace {

using containers::ContainerView;

constexpr char kList[] = "ima/cima-container-pod.ima-cgpath.derived.ascii";
constexpr char kPod[] = "f52130f4-c5be-423e-8070-daaca055a5ad";
constexpr char kApp[] = "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9";
constexpr char kPause[] = "5bab9779a4ffb2a5acc4160dedb8571b75806c6ad25bf936387678aefd19cb9e";
constexpr char kContainerd[] = "2f7573722f62696e2f636f6e7461696e65726400";

std::string AppName() { return std::string(kPod) + "/" + kApp; }

std::shared_ptr<const ContainerView> SampleView(const std::filesystem::path& corpus,
                                                bool with_system_events = true) {
  containers::ContainerViewOptions o;
  if (with_system_events) o.system_events.push_back(*FromHex(kContainerd));
  auto v = containers::BuildContainerViewFile((corpus / kList).string(), {}, o);
  EXPECT_TRUE(v.ok()) << v.status().ToString();
  return std::make_shared<const ContainerView>(std::move(v).value());
}

Evaluation Eval(const std::string& yaml, std::shared_ptr<const ContainerView> view) {
  auto p = ParsePolicy(yaml);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  Facts f;
  f.containers = std::move(view);
  return Evaluate(&*p, f, {});
}

const RuleResult* Find(const Evaluation& ev, const std::string& id, const std::string& container) {
  for (const RuleResult& r : ev.rules) {
    if (r.id == id && r.container == container) return &r;
  }
  return nullptr;
}

std::string Rules(const std::string& body) {
  return "apiVersion: ccverify/v1\ncontainers:\n  rules:\n" + body;
}

// Evaluates on the sample pod a policy whose one rule "app" selects the app
// container and makes the one check `check: value`. The check must have failed
// for the app container, and with it the evaluation; returns its result.
std::optional<RuleResult> FailedAppCheck(const std::filesystem::path& corpus,
                                         const std::string& check, const std::string& value) {
  Evaluation ev = Eval(Rules("    - id: app\n      select: {container: 956a39cd3b6a}\n      " +
                             check + ": " + value + "\n"),
                       SampleView(corpus));
  EXPECT_FALSE(ev.Passed()) << check;
  const RuleResult* r = Find(ev, "containers.app." + check, AppName());
  EXPECT_NE(r, nullptr) << check;
  if (r == nullptr) return std::nullopt;
  EXPECT_EQ(r->status, Verdict::kFail) << check;
  return *r;
}

TEST(ContainerEvalTest, ExamplePolicyPassesOnTheSamplePod) {
  CCV_REQUIRE_CORPUS(corpus);
  auto p =
      LoadPolicyFile((::ccv::testing::SourceDir() / "policies/examples/containers.yaml").string());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  Facts f;
  f.containers = SampleView(corpus);
  Evaluation ev = Evaluate(&*p, f, {});
  for (const RuleResult& r : ev.rules) {
    EXPECT_EQ(r.status, Verdict::kPass)
        << r.id << " " << r.container << ": " << r.why << " / " << r.actual;
  }
  EXPECT_TRUE(ev.Passed());
  const RuleResult* imr3 = Find(ev, "containers.sandbox.virtual_imr3", kPod);
  ASSERT_NE(imr3, nullptr);
  const RuleResult* entry = Find(ev, "containers.app.entrypoint", AppName());
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->evidence, "ima#2");
  ASSERT_NE(Find(ev, "containers.unlisted", ""), nullptr);
}

TEST(ContainerEvalTest, WrongEntrypointDigestFailsNamingContainerAndRecord) {
  CCV_REQUIRE_CORPUS(corpus);
  std::optional<RuleResult> r =
      FailedAppCheck(corpus, "entrypoint",
                     "{path: /bin/busybox, digest: \"sha384:" + std::string(96, '0') + "\"}");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->evidence, "ima#2");
  EXPECT_NE(r->actual.find("sha384:db283a64"), std::string::npos);
}

TEST(ContainerEvalTest, OtherEntrypointPathFails) {
  CCV_REQUIRE_CORPUS(corpus);
  EXPECT_TRUE(FailedAppCheck(corpus, "entrypoint", "/usr/bin/nginx").has_value());
}

TEST(ContainerEvalTest, ForbiddenPathFailsWithEveryRecord) {
  CCV_REQUIRE_CORPUS(corpus);
  Evaluation ev = Eval(Rules("    - id: app\n      select: {entrypoint: /bin/busybox}\n"
                             "      forbid: [\"^/bin/bash$\"]\n"),
                       SampleView(corpus));
  const RuleResult* r = Find(ev, "containers.app.forbid", AppName());
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, Verdict::kFail);
  ASSERT_FALSE(r->evidence_all.empty());
  // Every cited record is a measurement of /bin/bash in the app container.
  std::shared_ptr<const ContainerView> view = SampleView(corpus);
  const auto& recs = view->records;
  for (const std::string& e : r->evidence_all) {
    uint64_t idx = std::stoull(e.substr(4));
    ASSERT_LT(idx, recs.size());
    EXPECT_EQ(recs[idx].path, "/bin/bash") << e;
  }
}

TEST(ContainerEvalTest, UnknownExecutableFails) {
  CCV_REQUIRE_CORPUS(corpus);
  std::optional<RuleResult> r =
      FailedAppCheck(corpus, "executables", "[runc, /bin/busybox, /usr/local/bin/python3.12]");
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->actual.find("/bin/bash"), std::string::npos);
  EXPECT_EQ(r->evidence_all.size(), 5u);  // five records measured by /bin/bash
}

TEST(ContainerEvalTest, RequiredFileMissingFailsAndPresentPasses) {
  CCV_REQUIRE_CORPUS(corpus);
  std::optional<RuleResult> r =
      FailedAppCheck(corpus, "measured", "[/usr/local/bin/python3.12, /usr/bin/node]");
  ASSERT_TRUE(r.has_value());
  EXPECT_NE(r->actual.find("/usr/bin/node"), std::string::npos);
  EXPECT_EQ(r->actual.find("python3.12"), std::string::npos);
}

TEST(ContainerEvalTest, Imr3WithoutSystemEventsFailsAndSeverityWarnWarns) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string rule =
      "    - id: pod\n      select: {pod: f52130f4-c5be-423e-8070-daaca055a5ad}\n"
      "      virtual_imr3: {eq: "
      "c2d7928f553a7681794a3074d1c8ab72fa44a0f66af47099a3f99655cb26d938f64e95b85db3cb63ed5887d46353"
      "a1c8}\n";
  Evaluation ev = Eval(Rules(rule), SampleView(corpus, false));
  const RuleResult* r = Find(ev, "containers.pod.virtual_imr3", kPod);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, Verdict::kFail);
  EXPECT_EQ(r->evidence, "ima#76");
  Evaluation warn = Eval(Rules(rule + "      severity: warn\n"), SampleView(corpus, false));
  EXPECT_EQ(Find(warn, "containers.pod.virtual_imr3", kPod)->status, Verdict::kWarn);
  EXPECT_TRUE(warn.Passed());
  // With the system event the same rule passes.
  EXPECT_EQ(
      Find(Eval(Rules(rule), SampleView(corpus)), "containers.pod.virtual_imr3", kPod)->status,
      Verdict::kPass);
}

TEST(ContainerEvalTest, SelectingNothingFailsUnlessOptional) {
  CCV_REQUIRE_CORPUS(corpus);
  std::string rule =
      "    - id: gone\n      select: {container: 0123456789ab}\n      unknown: fail\n";
  Evaluation ev = Eval(Rules(rule), SampleView(corpus));
  EXPECT_EQ(Find(ev, "containers.gone.select", "")->status, Verdict::kFail);
  Evaluation opt = Eval(Rules(rule + "      optional: true\n"), SampleView(corpus));
  EXPECT_EQ(Find(opt, "containers.gone.select", "")->status, Verdict::kSkipped);
  EXPECT_TRUE(opt.Passed());
}

TEST(ContainerEvalTest, NoContainerViewFailsClosed) {
  Evaluation ev =
      Eval(Rules("    - id: a\n      select: {container: 0123456789ab}\n      unknown: fail\n"),
           nullptr);
  EXPECT_EQ(Find(ev, "containers.a.select", "")->status, Verdict::kFail);
  EXPECT_FALSE(ev.Passed());
}

TEST(ContainerEvalTest, UnlistedContainerFailsWhenAsked) {
  CCV_REQUIRE_CORPUS(corpus);
  Evaluation ev = Eval(
      "apiVersion: ccverify/v1\ncontainers:\n  unlisted: fail\n  rules:\n"
      "    - id: sandbox\n      select: {entrypoint: /pause}\n      unknown: ignore\n",
      SampleView(corpus));
  const RuleResult* r = Find(ev, "containers.unlisted", "");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, Verdict::kFail);
  EXPECT_NE(r->actual.find(kApp), std::string::npos);
  EXPECT_EQ(r->actual.find(kPause), std::string::npos);
  EXPECT_EQ(r->evidence, "ima#2");
}

TEST(ContainerEvalTest, WaiverCoversAContainerRule) {
  CCV_REQUIRE_CORPUS(corpus);
  Evaluation ev = Eval(Rules("    - id: app\n      select: {container: 956a39cd3b6a}\n"
                             "      forbid: [\"^/bin/bash$\"]\n") +
                           "waivers:\n  - {rule: containers.app.forbid, until: 2099-01-01, "
                           "reason: \"debug shell, SEC-1\"}\n",
                       SampleView(corpus));
  EXPECT_EQ(Find(ev, "containers.app.forbid", AppName())->status, Verdict::kWaived);
  EXPECT_TRUE(ev.Passed());
}

TEST(ContainerEvalTest, AllowListFileNextToThePolicyJudgesTheContainer) {
  CCV_REQUIRE_CORPUS(corpus);
  auto view = SampleView(corpus);
  size_t ci = SIZE_MAX;
  const containers::ContainerUnit* u = view->Find(kApp, &ci);
  ASSERT_NE(u, nullptr);
  // sha384sum format: "<hex>  <path>", one line per measured file, written
  // from the list's own d-ng fields; the last file left out.
  std::string list, left_out;
  std::set<std::string> seen;
  for (size_t ref : u->containers[ci].record_refs) {
    const auto& r = view->records[ref];
    if (!seen.insert(r.path + ToHex(r.file_digest)).second) continue;
    list += ToHex(r.file_digest) + "  " + r.path + "\n";
    left_out = r.path;
  }
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("ccv_allow_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string policy =
      "apiVersion: ccverify/v1\ncontainers:\n  rules:\n"
      "    - id: app\n      select: {container: 956a39cd3b6a}\n"
      "      allow: {file: allow.sha384}\n      unknown: fail\n";
  ASSERT_TRUE(WriteFileBytes((dir / "p.yaml").string(), policy.data(), policy.size()).ok());
  ASSERT_TRUE(WriteFileBytes((dir / "allow.sha384").string(), list.data(), list.size()).ok());
  auto full = LoadPolicyFile((dir / "p.yaml").string());
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  Facts f;
  f.containers = view;
  Evaluation ok = Evaluate(&*full, f, {});
  EXPECT_EQ(Find(ok, "containers.app.unknown", AppName())->status, Verdict::kPass);
  EXPECT_EQ(Find(ok, "containers.app.allow", AppName())->status, Verdict::kPass);
  // Without the last file's line: that file is unknown, named by its records.
  std::string shorter = list.substr(0, list.rfind('\n', list.size() - 2) + 1);
  ASSERT_TRUE(WriteFileBytes((dir / "allow.sha384").string(), shorter.data(), shorter.size()).ok());
  auto part = LoadPolicyFile((dir / "p.yaml").string());
  ASSERT_TRUE(part.ok());
  Evaluation bad = Evaluate(&*part, f, {});
  const RuleResult* r = Find(bad, "containers.app.unknown", AppName());
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, Verdict::kFail);
  EXPECT_NE(r->actual.find(left_out), std::string::npos) << r->actual;
  for (const std::string& e : r->evidence_all) {
    EXPECT_EQ(view->records[std::stoull(e.substr(4))].path, left_out) << e;
  }
  std::filesystem::remove_all(dir);
}

// --- generated lists and policy generation ---

Result<ContainerView> GeneratedView(const ::ccv::testing::GeneratedList& g) {
  Result<std::string> side = ReadFileText(g.json.string());
  if (!side.ok()) return side.status();
  CCV_ASSIGN_OR_RETURN(auto events, containers::ParseSystemEventsJson(*side));
  containers::ContainerViewOptions o;
  o.system_events = std::move(events);
  return containers::BuildContainerViewFile(g.list.string(), {}, o);
}

TEST(ContainerEvalTest, GeneratedPolicyForEveryUnitPassesOnItsList) {
  CCV_GENERATE(g, "--seed 21 --pods 3 --containers-per-pod 3 --docker 2 --violations 3");
  auto view = GeneratedView(*g);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto shared = std::make_shared<const ContainerView>(std::move(view).value());
  for (const containers::ContainerUnit& u : shared->units) {
    ContainerGenerateOptions o;
    o.system_events.push_back(*FromHex(kContainerd));
    auto block = GenerateContainerPolicy(*shared, u.id, o);
    ASSERT_TRUE(block.ok()) << block.status().ToString();
    Evaluation ev = Eval("apiVersion: ccverify/v1\n" + *block, shared);
    EXPECT_TRUE(ev.Passed()) << *block;
    const RuleResult* imr3 = nullptr;
    for (const RuleResult& r : ev.rules) {
      if (r.id.ends_with(".virtual_imr3")) imr3 = &r;
      if (r.id.ends_with(".select")) continue;
      EXPECT_EQ(r.status, Verdict::kPass) << r.id << " " << r.container << " " << r.why;
    }
    ASSERT_NE(imr3, nullptr);
    // The pinned register is the one the generator computed independently.
    for (const auto& want : g->side["units"].GetArray()) {
      if (::ccv::testing::Str(want["id"]) == u.id) {
        EXPECT_EQ(imr3->actual, ::ccv::testing::Str(want["virtual_imr3"]["sha384"]));
      }
    }
  }
}

TEST(ContainerEvalTest, GeneratedPolicyFailsOnALaterListNamingNewRecords) {
  // Same seed, longer streams: the same pods and containers measure more files.
  CCV_GENERATE(base,
               "--seed 33 --pods 2 --containers-per-pod 2 --docker 1 --records 10 --violations 0");
  CCV_GENERATE(later,
               "--seed 33 --pods 2 --containers-per-pod 2 --docker 1 --records 14 --violations 0");
  auto v0 = GeneratedView(*base);
  auto v1 = GeneratedView(*later);
  ASSERT_TRUE(v0.ok() && v1.ok());
  const std::string unit = ::ccv::testing::Str(base->side["units"][1]["id"]);
  const std::string app = ::ccv::testing::Str(base->side["units"][1]["containers"][1]["id"]);
  auto block = GenerateContainerPolicy(*v0, app, {});
  ASSERT_TRUE(block.ok()) << block.status().ToString();
  EXPECT_EQ(block->find("virtual_imr3"), std::string::npos);  // one container of a pod
  auto later_view = std::make_shared<const ContainerView>(std::move(v1).value());
  Evaluation ev = Eval("apiVersion: ccverify/v1\n" + *block, later_view);
  EXPECT_FALSE(ev.Passed());
  const containers::ContainerUnit* u = later_view->Find(unit);
  ASSERT_NE(u, nullptr);
  const RuleResult* unknown = nullptr;
  for (const RuleResult& r : ev.rules) {
    if (r.id.ends_with(".unknown")) unknown = &r;
  }
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->container, u->pod_uid + "/" + app);
  EXPECT_EQ(unknown->status, Verdict::kFail);
  // Every record it names belongs to that container and measured a path the
  // base list never showed for it.
  std::set<std::string> base_paths;
  size_t bci = SIZE_MAX;
  const containers::ContainerUnit* bu = v0->Find(app, &bci);
  ASSERT_NE(bu, nullptr);
  for (size_t ref : bu->containers[bci].record_refs) base_paths.insert(v0->records[ref].path);
  ASSERT_FALSE(unknown->evidence_all.empty());
  for (const std::string& e : unknown->evidence_all) {
    uint64_t idx = std::stoull(e.substr(4));
    bool found = false;
    for (const auto& rec : later_view->records) {
      if (rec.index != idx) continue;
      found = true;
      EXPECT_TRUE(rec.cgroup_path.find(app) != std::string::npos) << e;
      EXPECT_EQ(base_paths.count(rec.path), 0u) << rec.path;
    }
    EXPECT_TRUE(found) << e;
  }
  // Other containers are not judged by this policy.
  for (const RuleResult& r : ev.rules) {
    if (!r.container.empty()) {
      EXPECT_NE(r.container.find(app), std::string::npos) << r.id;
    }
  }
}

TEST(ContainerEvalTest, GenerateForUnknownIdIsNotFound) {
  ContainerView empty;
  auto block = GenerateContainerPolicy(empty, "nope", {});
  ASSERT_FALSE(block.ok());
  EXPECT_EQ(block.status().code(), ErrorCode::kNotFound);
}

// --- reports ---

TEST(ContainerEvalTest, ReportsGroupResultsByContainer) {
  CCV_REQUIRE_CORPUS(corpus);
  auto p =
      LoadPolicyFile((::ccv::testing::SourceDir() / "policies/examples/containers.yaml").string());
  ASSERT_TRUE(p.ok());
  Facts f;
  f.containers = SampleView(corpus);
  Evaluation ev = Evaluate(&*p, f, {});
  std::string json = report::VerifyReportJson(f, ev, {});
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError());
  const rapidjson::Value& groups = d["policy"]["by_container"];
  ASSERT_TRUE(groups.IsObject());
  ASSERT_TRUE(groups.HasMember(AppName().c_str()));
  EXPECT_STREQ(groups[AppName().c_str()]["verdict"].GetString(), "pass");
  EXPECT_GE(groups[AppName().c_str()]["rules"].Size(), 4u);
  ASSERT_TRUE(groups.HasMember(kPod));
  bool tagged = false;
  for (const auto& r : d["policy"]["rules"].GetArray()) {
    if (r.HasMember("container") && std::string(r["container"].GetString()) == AppName())
      tagged = true;
  }
  EXPECT_TRUE(tagged);
  std::string text = report::VerifyReportText(f, ev, {}, false);
  EXPECT_NE(text.find("policy: containers " + AppName()), std::string::npos) << text;
  std::string junit = report::VerifyReportJUnit(f, ev, {});
  EXPECT_NE(junit.find("classname=\"ccverify.policy.containers." + AppName() + "\""),
            std::string::npos);
}

}  // namespace
}  // namespace ccv::policy
