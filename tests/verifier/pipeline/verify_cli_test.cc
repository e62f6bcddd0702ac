// `ccverify verify`, `policy generate` and `policy lint` as processes: exit
// codes 0/1/2/3, report formats, the demo bundle and the corpus bundles.
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <sys/wait.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/policies/bad_policies.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/demo_bundle.h"
#include "tests/verifier/pipeline/bundle_fixture.h"

namespace ccv::cli {
namespace {

std::string Q(const std::string& s) { return "'" + s + "'"; }

using Proc = testing::CliRun;

Proc Ccverify(const std::string& args, const testing::TempDir&) {
  return testing::RunCcverify(args);
}

std::string Demo() { return testing::DemoDir().string(); }
std::string DemoArgs() {
  return Q(Demo()) + " --policy " + Q(Demo() + "/policy.yaml") + " --root-ca " +
         Q(Demo() + "/root_ca.pem");
}

TEST(VerifyCliTest, DemoIsTrustedInEveryFormat) {
  testing::TempDir tmp("cli");
  Proc text = Ccverify("verify " + DemoArgs(), tmp);
  EXPECT_EQ(text.code, 0) << text.out << text.err;
  EXPECT_EQ(text.out.rfind("ccverify verify: TRUSTED", 0), 0u);
  EXPECT_EQ(text.out.find("\x1b["), std::string::npos);  // not a terminal: no colour
  Proc json = Ccverify("verify " + DemoArgs() + " --format json", tmp);
  EXPECT_EQ(json.code, 0);
  rapidjson::Document d;
  d.Parse(json.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["verdict"].GetString(), "pass");
  EXPECT_STREQ(d["policy"]["name"].GetString(), "ccverify-demo");
  EXPECT_TRUE(d["replay"]["matches_quote"]["rtmr2"].GetBool());
  EXPECT_STREQ(d["collateral"]["tcb_status"].GetString(), "UpToDate");
  auto xml = tmp.path() / "report.xml";
  Proc junit =
      Ccverify("verify " + DemoArgs() + " --format junit --output " + Q(xml.string()), tmp);
  EXPECT_EQ(junit.code, 0);
  EXPECT_TRUE(junit.out.empty());
  auto x = ReadFileText(xml.string());
  ASSERT_TRUE(x.ok());
  EXPECT_NE(x->find("<testsuites name=\"ccverify\""), std::string::npos);
  EXPECT_NE(x->find("failures=\"0\""), std::string::npos);
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    auto xsd = testing::SourceDir() / "tests/verifier/report/verify_junit.xsd";
    std::string cmd =
        "xmllint --noout --schema " + Q(xsd.string()) + " " + Q(xml.string()) + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
  }
}

TEST(VerifyCliTest, DemoFailsClosed) {
  testing::TempDir tmp("cli");
  // Without the test root the chain is not anchored: untrusted.
  Proc r = Ccverify("verify " + Q(Demo()) + " --policy " + Q(Demo() + "/policy.yaml"), tmp);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL    quote.pck_chain"), std::string::npos) << r.out;
  // A wrong nonce: the REPORTDATA binding fails.
  r = Ccverify("verify " + DemoArgs() + " --nonce 00", tmp);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("FAIL    report_data.binding"), std::string::npos);
  // The policy pins other values: every failing rule is reported.
  auto pol = ReadFileText(Demo() + "/policy.yaml").value();
  size_t at = pol.find("rtmr1: {eq: \"");
  ASSERT_NE(at, std::string::npos);
  pol[at + 13] = pol[at + 13] == '0' ? '1' : '0';
  at = pol.find("mr_td: {any_of: [\"");
  ASSERT_NE(at, std::string::npos);
  pol[at + 18] = pol[at + 18] == '0' ? '1' : '0';
  auto p2 = tmp.path() / "p2.yaml";
  std::ofstream(p2) << pol;
  r = Ccverify("verify " + Q(Demo()) + " --root-ca " + Q(Demo() + "/root_ca.pem") + " --policy " +
                   Q(p2.string()) + " --format json",
               tmp);
  EXPECT_EQ(r.code, 1);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  std::set<std::string> failing;
  for (const auto& rule : d["policy"]["rules"].GetArray()) {
    if (std::string(rule["status"].GetString()) == "fail") failing.insert(rule["id"].GetString());
  }
  EXPECT_EQ(failing, (std::set<std::string>{"td.rtmr1", "td.mr_td"}));
}

TEST(VerifyCliTest, EveryMalformedPolicyIsExit3WithLineAndColumn) {
  testing::TempDir tmp("cli");
  for (const auto& c : policy::testing::BadCases()) {
    auto p = tmp.path() / (std::string(c.name) + ".yaml");
    std::ofstream(p) << c.yaml;
    Proc r = Ccverify("verify " + DemoArgs().substr(0, DemoArgs().find(" --policy")) +
                          " --policy " + Q(p.string()),
                      tmp);
    EXPECT_EQ(r.code, 3) << c.name << ": " << r.err;
    std::string where = "line " + std::to_string(c.line) + ", column " + std::to_string(c.column);
    EXPECT_NE(r.err.find(where), std::string::npos) << c.name << ": " << r.err;
    EXPECT_NE(r.err.find(p.filename().string()), std::string::npos) << c.name;
    EXPECT_TRUE(r.out.empty()) << c.name;
  }
}

TEST(VerifyCliTest, UsageAndInputErrors) {
  testing::TempDir tmp("cli");
  EXPECT_EQ(Ccverify("verify", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --bogus", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --format xml", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --nonce zz", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --nonce 00 --report-data 00", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --report-data 00", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --at yesterday", tmp).code, 2);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --ima-register pcr24", tmp).code, 2);
  Proc r = Ccverify("verify /nonexistent/bundle", tmp);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("/nonexistent/bundle"), std::string::npos);
  EXPECT_EQ(Ccverify("verify " + Q(Demo()) + " --policy /nonexistent.yaml", tmp).code, 3);
  // A bundle whose evidence.json is malformed names the member.
  testing::TempDir b("badbundle");
  std::ofstream(b.path() / "evidence.json") << R"({"version": 1, "quote": 7})";
  r = Ccverify("verify " + Q(b.path().string()), tmp);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("'quote'"), std::string::npos) << r.err;
  // A bundle naming a file that is not there.
  std::ofstream(b.path() / "evidence.json") << R"({"version": 1, "quote": "missing.bin"})";
  r = Ccverify("verify " + Q(b.path().string()), tmp);
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("missing.bin"), std::string::npos) << r.err;
}

// A copy of the demo bundle with one file replaced (copies: links out of a
// bundle are refused).
void DemoBundleWith(const testing::TempDir& dir, const std::string& name,
                    const std::string& content) {
  std::map<std::string, std::filesystem::path> links;
  for (const char* f : {"CCEL", "CCEL.data", "ascii_runtime_measurements", "quote.bin",
                        "collateral.json", "evidence.json"}) {
    if (name != f) links[f] = std::filesystem::path(Demo()) / f;
  }
  for (const auto& [n, t] : links) std::filesystem::copy_file(t, dir.path() / n);
  std::ofstream(dir.path() / name, std::ios::binary) << content;
}

TEST(VerifyCliTest, MalformedEvidenceFilesAreExit3NamingTheFile) {
  testing::TempDir tmp("cli");
  std::string root = " --root-ca " + Q(Demo() + "/root_ca.pem");
  auto quote = ReadFileText(Demo() + "/quote.bin").value();
  auto ima = ReadFileText(Demo() + "/ascii_runtime_measurements").value();
  auto ccel = ReadFileText(Demo() + "/CCEL.data").value();
  struct Case {
    const char* file;
    std::string content;
    const char* expect_in_message;
  } cases[] = {
      {"quote.bin", quote.substr(0, 700), "quote.bin"},
      {"quote.bin", "", "quote.bin"},
      {"collateral.json", "{\"tcb_info\": 1", "collateral.json"},
      {"ascii_runtime_measurements", ima + "10 zz ima-ng sha384:00 /x\n", "line 7"},
      {"CCEL.data", ccel.substr(0, 200), "CCEL.data"},
      {"CCEL", "CCEL", "CCEL"},
      {"evidence.json", "{\"version\": 1, \"quote\": \"../quote.bin\"}", "evidence.json"},
  };
  for (const Case& c : cases) {
    testing::TempDir b("malformed");
    DemoBundleWith(b, c.file, c.content);
    Proc r = Ccverify("verify " + Q(b.path().string()) + root, tmp);
    EXPECT_EQ(r.code, 3) << c.file << ": " << r.err << r.out;
    EXPECT_NE(r.err.find(c.expect_in_message), std::string::npos) << c.file << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << c.file;
  }
}

TEST(PolicyCliTest, GenerateThenVerifyAndLint) {
  testing::TempDir tmp("cli");
  auto out = tmp.path() / "gen.yaml";
  Proc g = Ccverify("policy generate " + Q(Demo()) + " --root-ca " + Q(Demo() + "/root_ca.pem") +
                        " --name again --output " + Q(out.string()),
                    tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  Proc v = Ccverify("verify " + Q(Demo()) + " --root-ca " + Q(Demo() + "/root_ca.pem") +
                        " --policy " + Q(out.string()),
                    tmp);
  EXPECT_EQ(v.code, 0) << v.out;
  Proc l = Ccverify("policy lint " + Q(out.string()), tmp);
  EXPECT_EQ(l.code, 0) << l.out;
  EXPECT_NE(l.out.find("0 error(s), 0 warning(s)"), std::string::npos) << l.out;

  auto weak = tmp.path() / "weak.yaml";
  std::ofstream(weak) << "apiVersion: ccverify/v1\n"
                         "metadata: {name: weak, expires: 2099-01-01T00:00:00Z}\n"
                         "td: {mr_td: {eq: zero}, atributes: {debug: false}}\n"
                         "ima: {exclude: [\".*\"]}\n"
                         "waivers:\n  - {rule: td.mr_td, until: 2020-01-01, reason: old}\n";
  l = Ccverify("policy lint " + Q(weak.string()), tmp);
  EXPECT_EQ(l.code, 1);
  EXPECT_NE(l.out.find("weak.yaml:3:25: error: unknown-key"), std::string::npos) << l.out;
  EXPECT_NE(l.out.find(": error: catch-all-exclude"), std::string::npos) << l.out;
  EXPECT_NE(l.out.find("weak.yaml:6:5: error: expired-waiver"), std::string::npos) << l.out;
  EXPECT_NE(l.out.find("warning: unpinned-register: rtmr0"), std::string::npos) << l.out;
  // Warnings alone pass unless --strict.
  auto warn = tmp.path() / "warn.yaml";
  std::ofstream(warn) << "apiVersion: ccverify/v1\nmetadata: {expires: 2099-01-01T00:00:00Z}\n";
  EXPECT_EQ(Ccverify("policy lint " + Q(warn.string()), tmp).code, 0);
  EXPECT_EQ(Ccverify("policy lint " + Q(warn.string()) + " --strict", tmp).code, 1);
  EXPECT_EQ(Ccverify("policy lint", tmp).code, 2);
  auto bad = tmp.path() / "bad.yaml";
  std::ofstream(bad) << "apiVersion: ccverify/v1\ntd: {mr_td: {eq: \"xx\"}}\n";
  l = Ccverify("policy lint " + Q(bad.string()), tmp);
  EXPECT_EQ(l.code, 3);
  EXPECT_NE(l.err.find("line 2, column 18"), std::string::npos) << l.err;
}

TEST(PolicyCliTest, LargeImaListsGoToAnAllowFile) {
  testing::TempDir tmp("cli");
  testing::TempDir big("bigdemo");
  std::string gen = (testing::BinaryDir() / "tests/make_demo").string();
  ASSERT_EQ(std::system((Q(gen) + " " + Q(big.path().string()) + " 300").c_str()), 0);
  auto out = big.path() / "policy.yaml";
  std::string root = " --root-ca " + Q((big.path() / "root_ca.pem").string());
  Proc g = Ccverify(
      "policy generate " + Q(big.path().string()) + root + " --output " + Q(out.string()), tmp);
  ASSERT_EQ(g.code, 0) << g.err;
  auto allow = ReadFileText((big.path() / "policy.ima-allow").string());
  ASSERT_TRUE(allow.ok());
  EXPECT_NE(allow->find(" /opt/demo/lib299/file299.so\n"), std::string::npos);
  EXPECT_NE(ReadFileText(out.string())->find("file: \"policy.ima-allow\""), std::string::npos);
  Proc v =
      Ccverify("verify " + Q(big.path().string()) + root + " --policy " + Q(out.string()), tmp);
  EXPECT_EQ(v.code, 0) << v.out;
  // One changed digest in the allow list: ima.allow fails and names the entry.
  std::string changed = *allow;
  size_t at = changed.find(" /usr/bin/bash\n");
  ASSERT_NE(at, std::string::npos);
  changed[at - 1] = changed[at - 1] == '0' ? '1' : '0';
  std::ofstream(big.path() / "policy.ima-allow") << changed;
  v = Ccverify(
      "verify " + Q(big.path().string()) + root + " --policy " + Q(out.string()) + " --format json",
      tmp);
  EXPECT_EQ(v.code, 1);
  rapidjson::Document d;
  d.Parse(v.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  for (const auto& r : d["policy"]["rules"].GetArray()) {
    std::string id = r["id"].GetString();
    EXPECT_EQ(std::string(r["status"].GetString()), id == "ima.allow" ? "fail" : "pass") << id;
    if (id == "ima.allow") {
      EXPECT_STREQ(r["evidence"].GetString(), "ima#3");
    }
  }
}

TEST(VerifyCliTest, CorpusBundlesByFileFlags) {
  CCV_REQUIRE_CORPUS(corpus);
  testing::TempDir tmp("cli");
  auto g = corpus / "evidence/gcp-cos113";
  auto nonce = ReadFileBytes((g / "nonce.bin").string());
  ASSERT_TRUE(nonce.ok());
  Proc r = Ccverify("verify --quote " + Q((g / "quote.bin").string()) + " --ccel " +
                        Q((g / "ccel.bin").string()) + " --ccel-table " +
                        Q((g / "ccel.table.bin").string()) + " --collateral " +
                        Q((g / "collateral.json").string()) +
                        " --at 2025-10-20T00:00:00Z --report-data " + ToHex(*nonce) + " --policy " +
                        Q((testing::SourceDir() / "policies/examples/gcp-cos113.yaml").string()),
                    tmp);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto c = corpus / "evidence/ccapi-td";
  r = Ccverify("verify --quote " + Q((c / "quote.bin").string()) + " --ccel " +
                   Q((c / "ccel_data.bin").string()) + " --ima " +
                   Q((c / "ascii_runtime_measurements").string()) + " --format json",
               tmp);
  EXPECT_EQ(r.code, 1);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["verdict"].GetString(), "fail");
  EXPECT_TRUE(d["replay"]["matches_quote"]["rtmr2"].GetBool());
  // The lab example's quote chains to a pre-production root: no policy can
  // waive that (only --root-ca with that root could), so it stays untrusted
  // and names the chain.
  std::string lab = (testing::SourceDir() / "policies/examples/ccapi-td-lab.yaml").string();
  r = Ccverify("verify --quote " + Q((c / "quote.bin").string()) + " --ccel " +
                   Q((c / "ccel_data.bin").string()) + " --ima " +
                   Q((c / "ascii_runtime_measurements").string()) +
                   " --at 2025-10-20T00:00:00Z --format json --policy " + Q(lab),
               tmp);
  EXPECT_EQ(r.code, 1) << r.out;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  std::map<std::string, std::string> checks;
  for (const auto& x : d["checks"].GetArray())
    checks[x["id"].GetString()] = x["status"].GetString();
  EXPECT_EQ(checks["quote.pck_chain"], "fail");
  EXPECT_EQ(checks["quote.collateral"], "skipped");
  EXPECT_EQ(checks["report_data.binding"], "skipped");
}

}  // namespace
}  // namespace ccv::cli
