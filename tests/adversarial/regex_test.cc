// Attack tests: policy regexes against hostile evidence text (DESIGN §8:
// every regex a policy runs on evidence runs in bounded time and memory).
//
// The pattern ^/var/lib/containerd/(.+/)*[^/]+\.log$ doubled its time per path
// segment under std::regex (24 segments took 3.3 s; a 2,040-character path
// ran past 120 s), and a 30,000-character path under /tmp/ overflowed the
// stack of `ccverify containers --policy`. Here it runs on a 2,040-character
// path and on a 1 MiB path in every place a policy takes a regex
// (ima.exclude, events' text_regex, the container rules' select.cgroup,
// exclude and forbid), each under a time bound measured by the test, with the
// verdicts checked.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "policies/bounded_regex.h"
#include "policies/container_rules_eval.h"
#include "policies/evaluator.h"
#include "policies/policy_parser.h"
#include "tests/policies/facts_builder.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "verifier/containers/container_view.h"
#include "verifier/crypto/digest.h"
#include "verifier/result/facts.h"

namespace ccv::policy {
namespace {

namespace fs = std::filesystem;
using result::Facts;
using result::ImaEntryFact;
using result::Verdict;

// YAML single quotes keep the backslash.
constexpr char kPattern[] = R"(^/var/lib/containerd/(.+/)*[^/]+\.log$)";
constexpr char kPatternYaml[] = R"('^/var/lib/containerd/(.+/)*[^/]+\.log$')";
constexpr size_t kMeasuredLen = 2040;  // the path that ran past 120 s
constexpr size_t kHugeLen = size_t{1} << 20;
// Generous: RE2 takes milliseconds; the backtracking engine took minutes.
constexpr double kBoundSeconds = 2.0;

// A path of exactly `len` bytes under /var/lib/containerd/ with one-letter
// segments. With `log`, it ends in "x.log" and matches kPattern; otherwise it
// ends in "x.lgo", the shape that makes a backtracking engine try every way
// of splitting the segments.
std::string SegmentedPath(size_t len, bool log) {
  const std::string head = "/var/lib/containerd/";
  const std::string tail = log ? "x.log" : "x.lgo";
  std::string p = head;
  size_t body = len - head.size() - tail.size();
  if (body % 2 != 0) {
    p += "a";  // one two-letter segment keeps the length exact
    --body;
  }
  for (size_t i = 0; i < body / 2; ++i) p += "a/";
  p += tail;
  return p;
}

template <typename F>
double Seconds(F&& f) {
  auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

Policy MustParse(const std::string& yaml) {
  auto p = ParsePolicy(yaml);
  if (!p.ok()) ADD_FAILURE() << p.status().ToString();
  return std::move(p).value();
}

const RuleResult* FindRule(const Evaluation& ev, const std::string& id,
                           const std::string& container = "") {
  for (const RuleResult& r : ev.rules) {
    if (r.id == id && r.container == container) return &r;
  }
  return nullptr;
}

class AdversarialRegexTest : public ::testing::TestWithParam<size_t> {};

TEST_P(AdversarialRegexTest, SearchIsFastAndRight) {
  const size_t len = GetParam();
  Regex re = Regex::Compile(kPattern).value();
  std::string miss = SegmentedPath(len, false), hit = SegmentedPath(len, true);
  ASSERT_EQ(miss.size(), len);
  ASSERT_EQ(hit.size(), len);
  bool miss_found = true, hit_found = false;
  double s = Seconds([&] {
    miss_found = re.Search(miss);
    hit_found = re.Search(hit);
  });
  EXPECT_FALSE(miss_found);
  EXPECT_TRUE(hit_found);
  EXPECT_LT(s, kBoundSeconds) << len << " bytes";
}

TEST_P(AdversarialRegexTest, ImaExclude) {
  const size_t len = GetParam();
  Facts f = policy::testing::GoodFacts();
  f.ima.resize(2);  // boot_aggregate (0), /usr/bin/bash (1)
  ImaEntryFact miss = f.ima[1], hit = f.ima[1];
  miss.index = 2;
  miss.path = SegmentedPath(len, false);
  hit.index = 3;
  hit.path = SegmentedPath(len, true);
  f.ima.push_back(miss);
  f.ima.push_back(hit);
  Policy p = MustParse(
      "apiVersion: ccverify/v1\n"
      "ima:\n  allow:\n    digests:\n"
      "      boot_aggregate: [\"sha384:" +
      ToHex(f.ima[0].file_digest) +
      "\"]\n"
      "      /usr/bin/bash: [\"sha384:" +
      ToHex(f.ima[1].file_digest) +
      "\"]\n"
      "  exclude: [" +
      kPatternYaml + "]\n  unknown: fail\n");
  Evaluation ev;
  double s = Seconds([&] { ev = Evaluate(&p, f, {}); });
  EXPECT_LT(s, kBoundSeconds) << len << " bytes";
  // The matching path is excluded; the other is judged, and is unknown.
  const RuleResult* allow = FindRule(ev, "ima.allow");
  ASSERT_NE(allow, nullptr);
  EXPECT_EQ(allow->status, Verdict::kPass);
  EXPECT_NE(allow->actual.find("2 listed file(s) match, 1 excluded"), std::string::npos)
      << allow->actual.substr(0, 200);
  const RuleResult* unknown = FindRule(ev, "ima.unknown");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->status, Verdict::kFail);
  EXPECT_EQ(unknown->evidence_all, std::vector<std::string>{"ima#2"});
}

TEST_P(AdversarialRegexTest, EventTextRegex) {
  const size_t len = GetParam();
  Facts f = policy::testing::GoodFacts();
  f.events[5].text = SegmentedPath(len, false);
  f.events[6].text = SegmentedPath(len, true);
  const std::string digest6 = std::string(96, '6');  // GoodFacts: event 6's digest
  Policy p = MustParse(std::string("apiVersion: ccverify/v1\nevents:\n") +
                       "  - {id: hit, match: {text_regex: " + kPatternYaml +
                       "}, "
                       "expect: {count: 1, digest: {eq: \"" +
                       digest6 +
                       "\"}}}\n"
                       "  - {id: miss, match: {index: 5, text_regex: " +
                       kPatternYaml +
                       "}, "
                       "expect: {count: 0}}\n");
  Evaluation ev;
  double s = Seconds([&] { ev = Evaluate(&p, f, {}); });
  EXPECT_LT(s, kBoundSeconds) << len << " bytes";
  const RuleResult* hit = FindRule(ev, "events.hit");
  ASSERT_NE(hit, nullptr);
  EXPECT_EQ(hit->status, Verdict::kPass) << hit->why;
  const RuleResult* miss = FindRule(ev, "events.miss");
  ASSERT_NE(miss, nullptr);
  EXPECT_EQ(miss->status, Verdict::kPass) << miss->why;
}

// One pod with two containers. Container A (cgroup path: the non-matching
// path) measured its entrypoint, the non-matching path (ima#1) and the
// matching path (ima#2); container B (cgroup path: the matching path)
// measured its entrypoint (ima#3).
constexpr char kPodUid[] = "f52130f4-c5be-423e-8070-daaca055a5ad";
const std::string kIdA = std::string(64, 'a');
const std::string kIdB = std::string(64, 'b');

containers::ContainerView HostileView(size_t len) {
  containers::ContainerView v;
  containers::ContainerUnit u;
  u.id = "f52130f4_c5be_423e_8070_daaca055a5ad";
  u.kind = "pod";
  u.pod_uid = kPodUid;
  auto add_record = [&](size_t container, const std::string& path) {
    containers::ContainerRecord r;
    r.index = v.records.size();
    r.path = path;
    r.file_alg = "sha384";
    r.file_digest.assign(48, uint8_t(0x11 + r.index));
    r.container = container;
    u.containers[container].record_refs.push_back(v.records.size());
    u.containers[container].records++;
    u.record_refs.push_back(v.records.size());
    u.records++;
    v.records.push_back(std::move(r));
  };
  containers::ContainerInfo a, b;
  a.id = kIdA;
  a.runtime = "cri-containerd";
  a.cgroup_paths = {SegmentedPath(len, false)};
  a.entrypoint = "/app/bin/server";
  b.id = kIdB;
  b.runtime = "cri-containerd";
  b.cgroup_paths = {SegmentedPath(len, true)};
  b.entrypoint = "/app/bin/server";
  b.first_record = b.last_record = 3;
  a.last_record = 2;
  u.containers = {a, b};
  add_record(0, "/app/bin/server");
  add_record(0, SegmentedPath(len, false));
  add_record(0, SegmentedPath(len, true));
  add_record(1, "/app/bin/server");
  u.cgroup_paths = {a.cgroup_paths[0], b.cgroup_paths[0]};
  u.first_record = 0;
  u.last_record = 3;
  v.units.push_back(std::move(u));
  return v;
}

TEST_P(AdversarialRegexTest, ContainerRules) {
  const size_t len = GetParam();
  auto view = std::make_shared<const containers::ContainerView>(HostileView(len));
  const containers::ContainerUnit& u = view->units[0];
  const std::string name_a = ContainerDisplayName(u, u.containers[0]);
  const std::string name_b = ContainerDisplayName(u, u.containers[1]);
  const std::string server = "sha384:" + ToHex(view->records[0].file_digest);
  Policy p = MustParse(std::string("apiVersion: ccverify/v1\ncontainers:\n  rules:\n") +
                       "    - id: by-cgroup\n"
                       "      select: {cgroup: " +
                       kPatternYaml +
                       "}\n"
                       "      forbid: ['^/bin/sh$']\n"
                       "    - id: excluded\n"
                       "      select: {container: " +
                       kIdA +
                       "}\n"
                       "      allow: {digests: {/app/bin/server: [\"" +
                       server +
                       "\"]}}\n"
                       "      exclude: [" +
                       kPatternYaml +
                       "]\n"
                       "      unknown: fail\n"
                       "    - id: forbidden\n"
                       "      select: {container: " +
                       kIdA +
                       "}\n"
                       "      forbid: [" +
                       kPatternYaml + "]\n");
  Facts f;
  f.containers = view;
  Evaluation ev;
  double s = Seconds([&] { ev = Evaluate(&p, f, {}); });
  EXPECT_LT(s, kBoundSeconds) << len << " bytes";

  // select.cgroup picks container B only.
  const RuleResult* sel = FindRule(ev, "containers.by-cgroup.select");
  ASSERT_NE(sel, nullptr);
  EXPECT_EQ(sel->status, Verdict::kPass);
  EXPECT_EQ(sel->actual, "1 container(s): " + name_b);
  EXPECT_NE(FindRule(ev, "containers.by-cgroup.forbid", name_b), nullptr);
  EXPECT_EQ(FindRule(ev, "containers.by-cgroup.forbid", name_a), nullptr);

  // exclude drops ima#2; ima#1 stays unknown.
  const RuleResult* unknown = FindRule(ev, "containers.excluded.unknown", name_a);
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->status, Verdict::kFail);
  EXPECT_EQ(unknown->evidence_all, std::vector<std::string>{"ima#1"});
  const RuleResult* allow = FindRule(ev, "containers.excluded.allow", name_a);
  ASSERT_NE(allow, nullptr);
  EXPECT_EQ(allow->status, Verdict::kPass);

  // forbid fires on ima#2 only.
  const RuleResult* forbid = FindRule(ev, "containers.forbidden.forbid", name_a);
  ASSERT_NE(forbid, nullptr);
  EXPECT_EQ(forbid->status, Verdict::kFail);
  EXPECT_EQ(forbid->evidence_all, std::vector<std::string>{"ima#2"});
}

INSTANTIATE_TEST_SUITE_P(Sizes, AdversarialRegexTest, ::testing::Values(kMeasuredLen, kHugeLen),
                         [](const auto& info) {
                           return info.param == kMeasuredLen ? std::string("Measured2040")
                                                             : std::string("Huge1MiB");
                         });

// --- patterns the engine cannot bound are refused at load ---

struct Refused {
  const char* name;
  std::string yaml;
  ErrorCode code;
  uint64_t line;
  const char* field;
};

class AdversarialRegexRefusedTest : public ::testing::TestWithParam<Refused> {};

TEST_P(AdversarialRegexRefusedTest, PolicyErrorNamesFileLineAndField) {
  const Refused& c = GetParam();
  ParseOptions o;
  o.source = "hostile.yaml";
  auto p = ParsePolicy("apiVersion: ccverify/v1\n" + c.yaml, o);
  ASSERT_FALSE(p.ok()) << c.name;
  EXPECT_EQ(p.status().code(), c.code) << p.status().ToString();
  EXPECT_EQ(p.status().line(), std::optional<uint64_t>(c.line)) << p.status().ToString();
  EXPECT_EQ(p.status().field(), c.field) << p.status().ToString();
  EXPECT_EQ(p.status().file(), "hostile.yaml");
}

std::string Pod() { return std::string("{pod: ") + kPodUid + "}"; }

INSTANTIATE_TEST_SUITE_P(
    Cases, AdversarialRegexRefusedTest,
    ::testing::Values(
        Refused{"ImaExcludeLookahead", "ima:\n  exclude:\n    - '^/tmp/'\n    - '^(?!/usr/)'\n",
                ErrorCode::kBadValue, 5, "ima.exclude[1]"},
        Refused{"TextRegexLookahead",
                "events:\n  - id: a\n    match:\n      text_regex: 'kernel(?=_cmdline)'\n"
                "    expect: {count: 1}\n",
                ErrorCode::kBadValue, 5, "events[0].match.text_regex"},
        Refused{"CgroupLookbehind",
                "containers:\n  rules:\n    - id: a\n      select:\n        cgroup: '(?<=pod)x'\n"
                "      unknown: fail\n",
                ErrorCode::kBadValue, 6, "containers.rules[0].select.cgroup"},
        Refused{"ContainerExcludeBackreference",
                "containers:\n  rules:\n    - id: a\n      select: " + Pod() +
                    "\n"
                    "      unknown: fail\n      exclude:\n        - '(/tmp)\\1'\n",
                ErrorCode::kBadValue, 8, "containers.rules[0].exclude[0]"},
        Refused{"ForbidPossessive",
                "containers:\n  rules:\n    - id: a\n      select: " + Pod() +
                    "\n"
                    "      forbid:\n        - '^/tmp/.*+'\n",
                ErrorCode::kBadValue, 7, "containers.rules[0].forbid[0]"},
        Refused{"ForbidProgramTooLarge",
                "containers:\n  rules:\n    - id: a\n      select: " + Pod() +
                    "\n"
                    "      forbid:\n        - '" +
                    [] {
                      std::string big;
                      for (int i = 0; i < 11; ++i) big += "[a-q]{1000}";
                      return big;
                    }() +
                    "'\n",
                ErrorCode::kLimitExceeded, 7, "containers.rules[0].forbid[0]"}),
    [](const auto& info) { return std::string(info.param.name); });

// --- the crash reproduction, through the CLI ---

// One ima-cgpath ascii line whose template hash is that of its data
// (linux ima_template_lib.c with the cc-api ima-cgpath fields: dep, cg-path,
// d-ng, n-ng, each u32 little-endian length || bytes).
std::string CgpathLine(const std::string& dep, const std::string& cg, uint8_t fill,
                       const std::string& path) {
  std::vector<uint8_t> digest(48, fill);
  std::vector<uint8_t> data;
  auto field = [&](const std::vector<uint8_t>& bytes) {
    uint32_t n = uint32_t(bytes.size());
    for (int i = 0; i < 4; ++i) data.push_back(uint8_t(n >> (8 * i)));
    data.insert(data.end(), bytes.begin(), bytes.end());
  };
  auto str = [](const std::string& s) {
    std::vector<uint8_t> b(s.begin(), s.end());
    b.push_back(0);
    return b;
  };
  field(str(dep));
  field(str(cg));
  std::vector<uint8_t> dng = str("sha384:");
  dng.insert(dng.end(), digest.begin(), digest.end());
  field(dng);
  field(str(path));
  Digest h = crypto::Hash(HashAlg::kSha384, data);
  return " 2 " + ToHex(h.span()) + " ima-cgpath " + dep + " " + cg + " sha384:" + ToHex(digest) +
         " " + path + "\n";
}

struct ContainersRun {
  ::ccv::testing::CliRun run;
  // The shell reports a child killed by signal N as exit status 128 + N.
  bool signaled() const { return run.code == -1 || run.code > 128; }
};

ContainersRun RunContainersCli(const std::string& args) {
  return {::ccv::testing::RunCcverify("containers " + args, ::ccv::testing::Stderr::kDiscard)};
}

TEST(AdversarialRegexCliTest, ContainersPolicyOn30000CharacterTmpPath) {
  const std::string pod = "f52130f4_c5be_423e_8070_daaca055a5ad";
  const std::string cid = "956a39cd3b6a170854269b4e98521ddc9a506f65e285bcfde3190a4c76482fb9";
  const std::string cg =
      "/kubepods.slice/kubepods-pod" + pod + ".slice/cri-containerd-" + cid + ".scope";
  const std::string shim = "/usr/bin/containerd-shim-runc-v2:/usr/lib/systemd/systemd:swapper/0";
  const std::string sh = "/tmp/" + std::string(30000, 'a') + ".sh";    // ima#2
  const std::string log = "/tmp/" + std::string(30000, 'b') + ".log";  // ima#3
  ASSERT_EQ(sh.size(), 30008u);
  std::string list = CgpathLine("swapper/0", "-", 1, "boot_aggregate") +
                     CgpathLine("runc:" + shim, cg, 2, "/app/bin/server") +
                     CgpathLine("/app/bin/server:" + shim, cg, 3, sh) +
                     CgpathLine("/app/bin/server:" + shim, cg, 4, log);
  const std::string stem =
      (fs::temp_directory_path() / ("ccv_adv_" + std::to_string(::getpid()))).string();
  std::ofstream(stem + ".ascii") << list;
  // Patterns whose std::regex matching recursed once per character.
  std::ofstream(stem + ".yaml") << "apiVersion: ccverify/v1\ncontainers:\n  rules:\n"
                                   "    - id: no-scripts\n"
                                   "      select: {pod: "
                                << pod
                                << "}\n"
                                   "      forbid: ['^/tmp/(.+/)*[^/]+\\.sh$']\n"
                                   "    - id: files\n"
                                   "      select: {pod: "
                                << pod
                                << "}\n"
                                   "      allow: {digests: {/app/bin/server: [\"sha384:"
                                << ToHex(std::vector<uint8_t>(48, 2))
                                << "\"]}}\n"
                                   "      exclude: ['^/tmp/(.+/)*[^/]+\\.(log|sh)$']\n"
                                   "      unknown: fail\n";
  ContainersRun r;
  double s = Seconds([&] {
    r = RunContainersCli("--ima " + stem + ".ascii --policy " + stem + ".yaml --format json");
  });
  fs::remove(stem + ".ascii");
  fs::remove(stem + ".yaml");
  EXPECT_FALSE(r.signaled()) << "exit " << r.run.code;
  EXPECT_LT(s, kBoundSeconds);
  EXPECT_EQ(r.run.code, 1);  // untrusted: the script was measured
  rapidjson::Document d;
  d.Parse(r.run.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.run.out.substr(0, 500);
  std::map<std::string, std::string> status, evidence;
  for (const auto& rule : d["policy"]["rules"].GetArray()) {
    std::string id = rule["id"].GetString();
    status[id] = rule["status"].GetString();
    if (rule.HasMember("evidence") && rule["evidence"].IsString()) {
      evidence[id] = rule["evidence"].GetString();
    }
  }
  EXPECT_EQ(status["containers.no-scripts.forbid"], "fail");
  EXPECT_EQ(evidence["containers.no-scripts.forbid"], "ima#2");
  EXPECT_EQ(status["containers.files.allow"], "pass");
  EXPECT_EQ(status["containers.files.unknown"], "pass");
}

}  // namespace
}  // namespace ccv::policy
