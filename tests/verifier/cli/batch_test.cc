// Batch verification gives every bundle the verdict and JSON report that
// one `ccverify verify BUNDLE` gives it: over 1,000 bundles generated from
// the test PKI (passing, tampered in the ways a fleet meets, a second CA,
// unreadable), the attack bundles of tests/adversarial, the repository's
// demo bundle and the shared corpus. The expected JSON line of each bundle
// is read from its single-verify JSON report, not from the batch code.
// Shards: the union of N shards is the unsharded run, for N = 1, 2, 7, in
// the library and through `batch merge`.
#include "verifier/cli/batch.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "policies/policy_parser.h"
#include "tests/adversarial/attacks.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/demo_bundle.h"
#include "tests/testing/quote_pki.h"
#include "tests/verifier/pipeline/bundle_fixture.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/report_data.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/verify_error.h"
#include "verifier/report/verify_report.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

void WriteText(const fs::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

// One `ccverify verify DIR --format json` as the library runs it
// (library_cli_test checks the binary gives the same): no shared collateral.
struct Single {
  std::string json;
  int exit_code = 3;
  std::optional<std::string> error;  // the error ccverify prints, if any
};

Single VerifyAlone(const std::string& dir, const std::string& at,
                   const std::optional<std::string>& root_ca_pem, const std::string& policy_path) {
  Single s;
  std::optional<policy::Policy> pol;
  if (!policy_path.empty()) pol = *policy::LoadPolicyFile(policy_path);
  report::VerifyReportContext ctx{dir, "", policy_path};
  auto fail = [&](const Status& st) {
    s.json = report::VerifyErrorJson(st, ctx);
    s.exit_code = ExitCodeFor(st);
    s.error = st.ToString();
    return s;
  };
  if (!fs::is_directory(dir)) {
    return fail(
        Status(ErrorCode::kIo, "not a directory (expected an evidence bundle)").WithFile(dir));
  }
  auto d = bundle::LoadOrDiscoverEvidenceDir(dir);
  if (!d.ok()) return fail(d.status());
  bundle::ApplyVerifierBinding(&d->evidence, std::nullopt, std::nullopt, std::nullopt);
  pipeline::VerifyOptions o;
  o.at = *ParseRfc3339Time(at);
  o.root_ca_pem = root_ca_pem;
  ctx.at = FormatRfc3339Time(o.at);
  auto v = pipeline::Verify(d->evidence, o, pol ? &*pol : nullptr);
  if (!v.ok()) return fail(v.status());
  s.json = report::VerifyReportJson(v->facts, v->evaluation, ctx);
  s.exit_code = v->outcome == result::Outcome::kUntrusted ? 1 : 0;
  return s;
}

// The JSON line a bundle must get, read from its single-verify report.
BundleLine ExpectedLine(const std::string& json, const std::optional<std::string>& error) {
  rapidjson::Document d;
  d.Parse(json.c_str());
  EXPECT_FALSE(d.HasParseError()) << json;
  BundleLine l;
  l.bundle = d["bundle"].GetString();
  l.verdict = d["verdict"].GetString();
  l.outcome = d["outcome"].GetString();
  if (l.verdict == "error") {
    l.error = error;
    return l;
  }
  for (const auto& c : d["checks"].GetArray()) {
    if (std::string(c["status"].GetString()) == "fail") l.failing.push_back(c["id"].GetString());
  }
  if (d["collateral"]["tcb_status"].IsString()) {
    l.tcb_status = d["collateral"]["tcb_status"].GetString();
  }
  if (d["quote"].IsObject()) {
    l.mrtd = d["quote"]["mr_td"].GetString();
    std::array<std::string, 4> r;
    for (int i = 0; i < 4; ++i) r[i] = d["quote"][("rtmr" + std::to_string(i)).c_str()].GetString();
    l.rtmrs = r;
  }
  if (d["policy"].IsObject()) {
    l.policy = d["policy"]["name"].GetString();
    bool matched = true;
    for (const auto& r : d["policy"]["rules"].GetArray()) {
      if (std::string(r["status"].GetString()) == "fail") {
        l.failing.push_back(r["id"].GetString());
        matched = false;
      }
    }
    l.policy_matched = matched;
  }
  return l;
}

// Verifies `dirs` as one batch and each alone; every bundle must get the
// same exit code, JSON report and line. Returns the batch's lines.
std::vector<BundleLine> ExpectBatchEqualsSingles(const std::vector<std::string>& dirs,
                                                 const std::string& at,
                                                 const std::optional<std::string>& root_ca_pem,
                                                 const std::string& policy_path, int jobs = 2,
                                                 size_t* preparations = nullptr) {
  std::optional<policy::Policy> pol;
  if (!policy_path.empty()) pol = *policy::LoadPolicyFile(policy_path);
  BatchOptions o;
  o.verify.at = *ParseRfc3339Time(at);
  o.verify.root_ca_pem = root_ca_pem;
  o.at_text = FormatRfc3339Time(o.verify.at);
  o.policy = pol ? &*pol : nullptr;
  o.policy_path = policy_path;
  o.jobs = jobs;
  o.keep_report_json = true;
  std::stringstream list;
  for (const std::string& d : dirs) list << d << "\n";
  auto source = BundleSourceFromStream(&list, "list");
  std::vector<BundleResult> results;
  auto stats = RunBatch(source.get(), o, [&](const BundleResult& r) { results.push_back(r); });
  EXPECT_TRUE(stats.ok()) << stats.status().ToString();
  if (preparations != nullptr) *preparations = stats->collateral_preparations;
  EXPECT_EQ(results.size(), dirs.size());
  std::vector<BundleLine> lines;
  for (size_t i = 0; i < results.size() && i < dirs.size(); ++i) {
    const BundleResult& r = results[i];
    SCOPED_TRACE(dirs[i]);
    EXPECT_EQ(r.line.bundle, dirs[i]);  // in list order
    Single alone = VerifyAlone(dirs[i], at, root_ca_pem, policy_path);
    EXPECT_EQ(r.exit_code, alone.exit_code);
    EXPECT_EQ(r.report_json, alone.json);
    BundleLine want = ExpectedLine(alone.json, alone.error);
    if (want.verdict == "error" && !policy_path.empty()) want.policy_matched = false;
    EXPECT_EQ(r.line.ToJson(), want.ToJson());
    // The line survives its own round trip (batch merge reads it back).
    auto back = ParseBundleLine(r.line.ToJson());
    EXPECT_TRUE(back.ok()) << back.status().ToString();
    if (back.ok()) {
      EXPECT_EQ(back->ToJson(), r.line.ToJson());
    }
    lines.push_back(r.line);
  }
  return lines;
}

// --- a generated fleet -----------------------------------------------------------

// Bundles made from the demo's logs with quotes signed here: most pass,
// the rest are tampered the ways a fleet meets, come from another CA, or
// cannot be read.
class Fleet {
 public:
  explicit Fleet(int n) : dir_("batch_fleet") {
    testing::PkiOptions po;
    po.crl_this_update = testing::kPkiNow - 10 * testing::kDay;
    po.crl_next_update = testing::kPkiNow + 3000 * testing::kDay;
    auto pki = testing::TestPki::Create(po);
    po.key_seed = 7;  // another root and CA: the quote's chain ends elsewhere
    auto other = testing::TestPki::Create(po);
    if (!pki.ok() || !other.ok()) throw std::runtime_error("test PKI");
    root_pem_ = pki->RootPem();
    WriteText(dir_.path() / "root_ca.pem", root_pem_);
    const fs::path demo = testing::DemoDir();
    const std::vector<uint8_t> demo_quote = *ReadFileBytes((demo / "quote.bin").string());
    const std::vector<uint8_t> demo_body(demo_quote.begin() + 48, demo_quote.begin() + 48 + 584);
    auto collateral = [&](const testing::TestPki& p) {
      quote::TcbInfo tcb = testing::DefaultTdxTcbInfo();
      tcb.issue_date = testing::kPkiNow - 10 * testing::kDay;
      tcb.next_update = testing::kPkiNow + 3000 * testing::kDay;
      quote::EnclaveIdentity qe = testing::DefaultQeIdentity();
      qe.issue_date = tcb.issue_date;
      qe.next_update = tcb.next_update;
      return quote::CollateralToJson(testing::MakeCollateral(p, tcb, qe));
    };
    const std::string coll = collateral(*pki), other_coll = collateral(*other);
    for (int i = 0; i < n; ++i) {
      const fs::path b = dir_.path() / ("b" + std::to_string(10000 + i));
      fs::create_directories(b);
      for (const char* f : {"CCEL", "CCEL.data", "ascii_runtime_measurements", "evidence.json"}) {
        fs::copy_file(demo / f, b / f);
      }
      const int kind = i % 10;
      const testing::TestPki& signer = kind == 8 ? *other : *pki;
      WriteText(b / "collateral.json", kind == 8 ? other_coll : coll);
      testing::QuoteBuilder q = testing::DefaultTdxQuote(signer);
      q.body = demo_body;
      switch (kind) {
        case 1:  // RTMR3 extended by something no log records
          q.body[328 + 48 * 3 + i % 48] ^= uint8_t(1 + i % 255);
          break;
        case 2:  // another MRTD: the policy and boot_aggregate refuse it
          q.body[136 + i % 48] ^= 0x5a;
          break;
        case 3:  // a debug TD
          q.body[120] |= 1;
          break;
        case 4:  // REPORTDATA not the bundle's nonce and user data
          q.body[520 + i % 64] ^= 0x01;
          break;
        case 5:  // an older TDX module SVN: another TCB status
          q.body[0] = 0;
          break;
        default:
          break;
      }
      if (!testing::SignQuote(signer, testing::TestAttestationKey(), &q).ok()) {
        throw std::runtime_error("sign");
      }
      std::vector<uint8_t> bytes = q.Build();
      if (kind == 6) bytes[48 + 584 + 4 + i % 64] ^= 0x80;  // the quote signature
      if (i % 97 == 50) {
        fs::remove(b / "CCEL.data");  // a file the manifest names is missing: input error
      }
      if (!WriteFileBytes((b / "quote.bin").string(), bytes.data(), bytes.size()).ok()) {
        throw std::runtime_error("write " + b.string());
      }
      dirs_.push_back(b.string());
    }
    WriteText(dir_.path() / "not-a-bundle.txt", "files beside the bundles are not bundles\n");
  }
  const fs::path& path() const { return dir_.path(); }
  const std::vector<std::string>& dirs() const { return dirs_; }
  const std::string& root_pem() const { return root_pem_; }

 private:
  testing::TempDir dir_;
  std::vector<std::string> dirs_;
  std::string root_pem_;
};

std::string DemoPolicy() { return (testing::DemoDir() / "policy.yaml").string(); }

TEST(BatchTest, AThousandGeneratedBundlesGetTheirSingleVerdicts) {
  Fleet fleet(1000);
  size_t preparations = 0;
  std::vector<BundleLine> lines = ExpectBatchEqualsSingles(
      fleet.dirs(), testing::kDemoAt, fleet.root_pem(), DemoPolicy(), 2, &preparations);
  // Two collateral documents (two CAs): each prepared once for 1,000 quotes.
  EXPECT_EQ(preparations, 2u);
  // The fleet holds every kind of answer, so none can pass unnoticed.
  std::map<std::string, int> outcomes;
  std::set<std::string> tcb;
  for (const BundleLine& l : lines) {
    ++outcomes[l.outcome];
    if (l.tcb_status) tcb.insert(*l.tcb_status);
  }
  EXPECT_GE(outcomes["trusted"], 250);
  EXPECT_GE(outcomes["untrusted"], 400);
  EXPECT_GE(outcomes["input_error"], 10);
  EXPECT_GE(tcb.size(), 2u);
}

TEST(BatchTest, OneThreadAndTwoGiveTheSameLines) {
  Fleet fleet(60);
  auto one =
      ExpectBatchEqualsSingles(fleet.dirs(), testing::kDemoAt, fleet.root_pem(), DemoPolicy(), 1);
  auto two =
      ExpectBatchEqualsSingles(fleet.dirs(), testing::kDemoAt, fleet.root_pem(), DemoPolicy(), 2);
  ASSERT_EQ(one.size(), two.size());
  for (size_t i = 0; i < one.size(); ++i) EXPECT_EQ(one[i].ToJson(), two[i].ToJson());
}

TEST(BatchTest, AttackBundlesGetTheirSingleVerdicts) {
  // Bundles are grouped by the policy they are verified with (a batch has
  // one); attacks on the verifier's own binding flags need per-bundle flags
  // and are left to library_cli_test.
  std::vector<std::unique_ptr<testing::BundleCopy>> copies;
  std::map<std::string, std::vector<std::string>> by_policy;
  testing::TempDir policies("batch_policies");
  int n = 0;
  for (const adversarial::Attack& attack : adversarial::Attacks()) {
    if (attack.nonce || attack.user_data || attack.report_data) continue;
    copies.push_back(std::make_unique<testing::BundleCopy>());
    testing::BundleCopy& b = *copies.back();
    if (attack.build) attack.build(b);
    by_policy[attack.policy].push_back(b.dir().string());
    ++n;
  }
  EXPECT_GE(n, 15);
  int group = 0;
  for (const auto& [yaml, dirs] : by_policy) {
    std::string path;
    if (!yaml.empty()) {
      path = (policies.path() / ("p" + std::to_string(group++) + ".yaml")).string();
      WriteText(path, yaml);
      // A policy that does not load stops a batch before any bundle, as it
      // stops verify: nothing per bundle to compare.
      if (!policy::LoadPolicyFile(path).ok()) continue;
    }
    ExpectBatchEqualsSingles(dirs, testing::kDemoAt,
                             *ReadFileText((testing::DemoDir() / "root_ca.pem").string()), path);
  }
}

TEST(BatchTest, TheDemoBundleAndTheSharedCorpusGetTheirSingleVerdicts) {
  const std::string demo = testing::DemoDir().string();
  ExpectBatchEqualsSingles({demo, demo}, testing::kDemoAt,
                           *ReadFileText((testing::DemoDir() / "root_ca.pem").string()),
                           DemoPolicy());
  CCV_REQUIRE_CORPUS(corpus);
  std::vector<std::string> evidence;
  for (const char* name : {"gcp-cos113", "ccapi-td"}) {
    evidence.push_back((corpus / "evidence" / name).string());
  }
  ExpectBatchEqualsSingles(evidence, "2025-10-20T00:00:00Z", std::nullopt, "");
  // Every genuine TDX quote of the quote corpus with its collateral, grouped
  // by the moment its case names.
  rapidjson::Document cases = testing::ReadJson(corpus / "quotes/cases.json");
  ASSERT_TRUE(cases.IsArray());
  testing::TempDir dir("batch_quotes");
  std::map<std::string, std::vector<std::string>> by_time;
  int i = 0;
  for (const auto& c : cases.GetArray()) {
    if (std::string(c["name"].GetString()).find("sgx") != std::string::npos) continue;
    const fs::path b = dir.path() / ("q" + std::to_string(i++));
    fs::create_directories(b);
    fs::copy_file(corpus / c["quote"].GetString(), b / "quote.bin");
    fs::copy_file(corpus / c["collateral"].GetString(), b / "collateral.json");
    WriteText(
        b / "evidence.json",
        R"({"version": 1, "tee": "tdx", "quote": "quote.bin", "collateral": "collateral.json"})");
    by_time[c["now"].GetString()].push_back(b.string());
  }
  EXPECT_GE(i, 8);
  for (const auto& [at, dirs] : by_time) {
    ExpectBatchEqualsSingles(dirs, at, std::nullopt, "");
  }
}

// --- shards ----------------------------------------------------------------------

std::vector<std::string> RunShard(const std::string& spec, const Fleet& fleet, Shard shard,
                                  const policy::Policy* pol) {
  BatchOptions o;
  o.verify.at = *ParseRfc3339Time(testing::kDemoAt);
  o.verify.root_ca_pem = fleet.root_pem();
  o.at_text = FormatRfc3339Time(o.verify.at);
  o.policy = pol;
  o.policy_path = DemoPolicy();
  o.jobs = 2;
  o.shard = shard;
  auto source = OpenBundleSource(spec);
  EXPECT_TRUE(source.ok());
  std::vector<std::string> lines;
  auto stats =
      RunBatch(source->get(), o, [&](const BundleResult& r) { lines.push_back(r.line.ToJson()); });
  EXPECT_TRUE(stats.ok());
  return lines;
}

std::string SummaryOf(const std::vector<std::string>& lines) {
  BatchSummary s;
  for (const std::string& l : lines) s.Add(*ParseBundleLine(l));
  return s.ToJson();
}

TEST(BatchTest, TheUnionOfShardsIsTheUnshardedRun) {
  Fleet fleet(150);
  policy::Policy pol = *policy::LoadPolicyFile(DemoPolicy());
  std::vector<std::string> all = RunShard(fleet.path().string(), fleet, Shard{0, 1}, &pol);
  ASSERT_EQ(all.size(), 150u);  // the directory's bundle folders, not its files
  std::multiset<std::string> want(all.begin(), all.end());
  const std::string want_summary = SummaryOf(all);
  for (uint64_t n : {1u, 2u, 7u}) {
    SCOPED_TRACE(n);
    std::multiset<std::string> got;
    std::vector<std::string> merged;
    for (uint64_t k = 0; k < n; ++k) {
      auto part = RunShard(fleet.path().string(), fleet, Shard{k, n}, &pol);
      if (n == 7) {
        EXPECT_GT(part.size(), 5u);  // the hash spreads them
      }
      for (const std::string& l : part) {
        EXPECT_EQ(ShardOf(ParseBundleLine(l)->bundle, n), k);
        got.insert(l);
        merged.push_back(l);
      }
    }
    EXPECT_EQ(got, want);
    EXPECT_EQ(SummaryOf(merged), want_summary);
  }
  // Another order of the same lines gives the same summary.
  std::vector<std::string> reversed(all.rbegin(), all.rend());
  EXPECT_EQ(SummaryOf(reversed), want_summary);
}

TEST(BatchTest, ShardSpecs) {
  EXPECT_TRUE(ParseShard("0/1").ok());
  EXPECT_EQ(ParseShard("6/7")->index, 6u);
  for (const char* bad : {"7/7", "1/0", "-1/3", "a/3", "1/", "/3", "13", "1/3/4", "0/1000001"}) {
    EXPECT_FALSE(ParseShard(bad).ok()) << bad;
  }
  // Stable: a path's shard is a function of its bytes alone.
  EXPECT_EQ(ShardOf("fleet/vm-0001", 7), ShardOf(std::string("fleet/vm-0001"), 7));
  EXPECT_EQ(ShardOf("anything", 1), 0u);
}

// --- the command line ------------------------------------------------------------

TEST(BatchCliTest, TheBinaryGivesEachBundleItsVerifyAnswer) {
  Fleet fleet(10);
  testing::TempDir out("batch_cli");
  const fs::path list = out.path() / "list.txt";
  {
    std::ofstream l(list);
    l << "# bundles\n\n";
    for (const std::string& d : fleet.dirs()) l << d << "\n";
  }
  const std::string common = " --at " + std::string(testing::kDemoAt) + " --root-ca " +
                             testing::Quote(fleet.path() / "root_ca.pem") + " --policy " +
                             testing::Quote(DemoPolicy());
  const fs::path jsonl = out.path() / "fleet.jsonl";
  testing::CliRun batch = testing::RunProgram(
      "ccverify", "verify --batch " + testing::Quote(list) + common +
                      " --jobs 2 --report jsonl=" + testing::Quote(jsonl) + " --format json");
  EXPECT_EQ(batch.code, 1) << batch.err;  // some bundles are untrusted
  EXPECT_FALSE(fs::exists(jsonl.string() + ".partial"));
  std::ifstream in(jsonl);
  std::string line;
  size_t i = 0;
  while (std::getline(in, line)) {
    ASSERT_LT(i, fleet.dirs().size());
    SCOPED_TRACE(fleet.dirs()[i]);
    testing::CliRun one = testing::RunProgram(
        "ccverify", "verify " + testing::Quote(fleet.dirs()[i]) + common + " --format json",
        testing::Stderr::kDiscard);
    BundleLine want = ExpectedLine(one.out, std::nullopt);
    if (want.verdict == "error") {
      want.policy_matched = false;
      testing::CliRun err = testing::RunProgram(
          "ccverify", "verify " + testing::Quote(fleet.dirs()[i]) + common + " --quiet");
      const std::string prefix = "ccverify: ";
      ASSERT_EQ(err.err.rfind(prefix, 0), 0u) << err.err;
      want.error = err.err.substr(prefix.size(), err.err.size() - prefix.size() - 1);
    }
    EXPECT_EQ(line, want.ToJson());
    ++i;
  }
  EXPECT_EQ(i, fleet.dirs().size());
  // The summary on stdout is the merge of the lines.
  testing::CliRun merge =
      testing::RunProgram("ccverify", "batch merge " + testing::Quote(jsonl) + " --format json");
  EXPECT_EQ(merge.code, 1) << merge.err;
  EXPECT_EQ(merge.out, batch.out);
  rapidjson::Document d;
  d.Parse(batch.out.c_str());
  ASSERT_TRUE(d.IsObject()) << batch.out;
  EXPECT_EQ(d["bundles"].GetUint64(), 10u);
}

TEST(BatchCliTest, ShardsMergeToTheUnshardedSummary) {
  Fleet fleet(40);
  testing::TempDir out("batch_shards");
  const std::string common = " --at " + std::string(testing::kDemoAt) + " --root-ca " +
                             testing::Quote(fleet.path() / "root_ca.pem") + " --policy " +
                             testing::Quote(DemoPolicy()) + " --format json";
  testing::CliRun all =
      testing::RunCcverify("verify --batch " + testing::Quote(fleet.path()) + common + " --quiet" +
                           " --report jsonl=" + testing::Quote(out.path() / "all.jsonl"));
  EXPECT_EQ(all.code, 1) << all.err;
  testing::CliRun whole = testing::RunCcverify(
      "batch merge " + testing::Quote(out.path() / "all.jsonl") + " --format json");
  std::string files;
  for (int k = 0; k < 7; ++k) {
    const fs::path f = out.path() / ("s" + std::to_string(k) + ".jsonl");
    testing::CliRun s = testing::RunCcverify("verify --batch " + testing::Quote(fleet.path()) +
                                             common + " --shard " + std::to_string(k) +
                                             "/7 --report jsonl=" + testing::Quote(f) + " --quiet");
    EXPECT_LE(s.code, 1) << s.err;
    EXPECT_TRUE(s.out.empty());
    files += " " + testing::Quote(f);
  }
  testing::CliRun merged = testing::RunCcverify("batch merge" + files + " --format json");
  EXPECT_EQ(merged.code, whole.code);
  EXPECT_EQ(merged.out, whole.out);
  testing::CliRun text = testing::RunCcverify("batch merge" + files);
  EXPECT_NE(text.out.find("bundles: 40\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("matching no policy: "), std::string::npos) << text.out;
}

TEST(BatchCliTest, UsageAndInputErrors) {
  Fleet fleet(2);
  testing::TempDir out("batch_errors");
  const std::string dir = testing::Quote(fleet.path());
  for (const std::string& args : std::vector<std::string>{
           "verify --batch " + dir + " --nonce 00", "verify --batch " + dir + " --quote q.bin",
           "verify --batch " + dir + " --shard 3/2", "verify --batch " + dir + " --jobs 0",
           "verify --batch " + dir + " --report json=x.json",
           "verify --batch " + dir + " --format junit",
           "verify " + testing::Quote(fleet.dirs()[0]) + " --jobs 2",
           "verify --batch " + testing::Quote(fleet.dirs()[0]), "batch merge",
           // A policy signature is never skipped: without the key to check it
           // with, refused, not ignored (signed policies in batch:
           // tests/adversarial/policy_signature_test.cc).
           "verify --batch " + dir + " --policy p.yaml --policy-signature s.jws",
           "verify --batch " + dir + " --policy-signature s.jws",
           "verify --batch " + dir + " --sign-key k.pem"}) {
    SCOPED_TRACE(args);
    testing::CliRun r = testing::RunCcverify(args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("usage:"), std::string::npos) << r.err;
  }
  // A list line longer than a path can be: named by file and line.
  const fs::path list = out.path() / "long.txt";
  WriteText(list, fleet.dirs()[0] + "\n" + std::string(5000, 'x') + "\n");
  testing::CliRun r = testing::RunCcverify("verify --batch " + testing::Quote(list) + " --quiet");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find(list.string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 2"), std::string::npos) << r.err;
  // A JSON-lines file with a broken line.
  const fs::path bad = out.path() / "bad.jsonl";
  WriteText(bad, "{\"bundle\": \"a\"}\n");
  r = testing::RunCcverify("batch merge " + testing::Quote(bad));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("verdict"), std::string::npos) << r.err;
  r = testing::RunCcverify("verify --batch " + testing::Quote(out.path() / "absent.txt"));
  EXPECT_EQ(r.code, 3) << r.err;
  // A policy that does not load stops the batch before any bundle, as it stops verify.
  const fs::path policy = out.path() / "broken.yaml";
  WriteText(policy, "version: [\n");
  r = testing::RunCcverify("verify --batch " + dir + " --policy " + testing::Quote(policy) +
                           " --report jsonl=-");
  EXPECT_EQ(r.code, 3) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;
  // jsonl=- streams the lines to stdout, one per bundle, and nothing else there.
  r = testing::RunCcverify("verify --batch " + dir + " --report jsonl=- --quiet --at " +
                           testing::kDemoAt + " --root-ca " +
                           testing::Quote(fleet.path() / "root_ca.pem"));
  EXPECT_EQ(r.code, 1) << r.err;  // the second bundle's RTMR3 is not what its log gives
  std::istringstream lines(r.out);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    EXPECT_TRUE(ParseBundleLine(line).ok()) << line;
  }
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace ccv::cli
