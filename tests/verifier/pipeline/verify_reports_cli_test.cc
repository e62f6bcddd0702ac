// `ccverify verify --report FORMAT=PATH`, --quiet and --failures-only as a CI
// job meets them: one run writes every format byte for byte as a
// single-format run does; an input error (exit 3) still writes every report,
// each naming the file and offset; reports replace files whole.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"
#include "tests/testing/files.h"
#include "tests/verifier/pipeline/bundle_fixture.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kFormats = {"text", "json", "junit", "sarif", "markdown"};

std::string Demo() { return testing::DemoDir().string(); }
// `verify` of the demo with its policy and test root at a fixed time (reports name it).
std::string DemoArgs(const std::string& dir = Demo()) {
  return "verify " + testing::Quote(dir) + " --policy " + testing::Quote(Demo() + "/policy.yaml") +
         " --root-ca " + testing::Quote(Demo() + "/root_ca.pem") + " --at " + testing::kDemoAt;
}
// A wrong exact REPORTDATA: checks fail (exit 1) and every format has a failure.
std::string FailingDemoArgs() { return DemoArgs() + " --report-data " + std::string(128, '0'); }

std::string AllReports(const testing::TempDir& dir, const std::string& tag = "all") {
  std::string args;
  for (const std::string& f : kFormats)
    args += " --report " + f + "=" + testing::Quote(dir.path() / (tag + "." + f));
  return args;
}

rapidjson::Document Json(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str());
  EXPECT_FALSE(d.HasParseError()) << text.substr(0, 300);
  return d;
}

bool XmlWellFormedAndValid(const fs::path& xml) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return true;
  auto xsd = testing::SourceDir() / "tests/verifier/report/verify_junit.xsd";
  std::string cmd = "xmllint --noout --schema " + testing::Quote(xsd) + " " + testing::Quote(xml) +
                    " >/dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// The ids of the checks and rules the JSON report says failed (or warned).
std::set<std::string> JsonIds(const rapidjson::Document& d, const char* status) {
  std::set<std::string> ids;
  for (const auto& c : d["checks"].GetArray()) {
    if (std::string(c["status"].GetString()) == status) ids.insert(c["id"].GetString());
  }
  if (d["policy"].IsObject()) {
    for (const auto& r : d["policy"]["rules"].GetArray()) {
      if (std::string(r["status"].GetString()) == status) ids.insert(r["id"].GetString());
    }
  }
  return ids;
}

void ExpectOneRunEqualsSingleRuns(const std::string& args, int code) {
  testing::TempDir dir("reports");
  testing::CliRun all = testing::RunCcverify(args + AllReports(dir));
  ASSERT_EQ(all.code, code) << all.err;
  testing::CliRun text = testing::RunCcverify(args);
  EXPECT_EQ(text.code, code);
  EXPECT_EQ(all.out, text.out) << "stdout keeps the text report";
  for (const std::string& f : kFormats) {
    fs::path single = dir.path() / ("single." + f);
    testing::CliRun r =
        testing::RunCcverify(args + " --format " + f + " --output " + testing::Quote(single));
    EXPECT_EQ(r.code, code) << f << ": " << r.err;
    EXPECT_TRUE(r.out.empty()) << f << ": --output keeps stdout empty";
    std::string one = testing::ReadText(single),
                many = testing::ReadText(dir.path() / ("all." + f));
    EXPECT_FALSE(one.empty()) << f;
    EXPECT_EQ(one, many) << f << " differs between --format/--output and --report";
    testing::CliRun out = testing::RunCcverify(args + " --format " + f);
    EXPECT_EQ(out.out, one) << f << " on stdout differs from the file";
  }
  // Nothing but the reports is left in the directory (no temporary files).
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 2 * kFormats.size());
}

TEST(VerifyReportsCliTest, OneRunWritesEveryFormatAsSingleRunsDoWhenTrusted) {
  ExpectOneRunEqualsSingleRuns(DemoArgs(), 0);
}

TEST(VerifyReportsCliTest, OneRunWritesEveryFormatAsSingleRunsDoWhenUntrusted) {
  ExpectOneRunEqualsSingleRuns(FailingDemoArgs(), 1);
}

TEST(VerifyReportsCliTest, FormatsAgreeOnWhatFailed) {
  testing::TempDir dir("agree");
  testing::CliRun r = testing::RunCcverify(FailingDemoArgs() + " --quiet" + AllReports(dir));
  ASSERT_EQ(r.code, 1) << r.err;
  EXPECT_TRUE(r.out.empty()) << "--quiet";
  rapidjson::Document json = Json(testing::ReadText(dir.path() / "all.json"));
  const std::set<std::string> failed = JsonIds(json, "fail"), warned = JsonIds(json, "warn");
  ASSERT_TRUE(failed.count("report_data.binding")) << "the wrong REPORTDATA fails its check";

  // SARIF 2.1.0: one result per failed (error) or warned (warning) item,
  // ruleId = that id, and rules[ruleIndex].id = ruleId.
  rapidjson::Document sarif = Json(testing::ReadText(dir.path() / "all.sarif"));
  EXPECT_STREQ(sarif["version"].GetString(), "2.1.0");
  ASSERT_EQ(sarif["runs"].Size(), 1u);
  const auto& run = sarif["runs"][0];
  EXPECT_STREQ(run["tool"]["driver"]["name"].GetString(), "ccverify");
  EXPECT_TRUE(run["invocations"][0]["executionSuccessful"].GetBool());
  EXPECT_STREQ(run["properties"]["verdict"].GetString(), "fail");
  EXPECT_STREQ(run["properties"]["outcome"].GetString(), "untrusted");
  const auto& rules = run["tool"]["driver"]["rules"];
  std::set<std::string> errors, warnings;
  for (const auto& res : run["results"].GetArray()) {
    std::string id = res["ruleId"].GetString(), level = res["level"].GetString();
    ASSERT_LT(res["ruleIndex"].GetUint(), rules.Size());
    EXPECT_EQ(rules[res["ruleIndex"].GetUint()]["id"].GetString(), id);
    EXPECT_GT(res["message"]["text"].GetStringLength(), 0u) << id;
    ASSERT_TRUE(res.HasMember("locations")) << id;
    (level == "error" ? errors : warnings).insert(id);
    EXPECT_TRUE(level == "error" || level == "warning") << level;
  }
  EXPECT_EQ(errors, failed);
  EXPECT_EQ(warnings, warned);
  EXPECT_EQ(run["results"].Size(), failed.size() + warned.size()) << "one result per item";

  // JUnit: valid XML, one <failure> per failed item.
  std::string junit = testing::ReadText(dir.path() / "all.junit");
  EXPECT_TRUE(XmlWellFormedAndValid(dir.path() / "all.junit"));
  EXPECT_EQ(Count(junit, "<failure "), failed.size());

  // Markdown: the verdict line once, a FAIL row per failed item.
  std::string md = testing::ReadText(dir.path() / "all.markdown");
  EXPECT_EQ(md.rfind("### ccverify verify: UNTRUSTED\n", 0), 0u) << md.substr(0, 200);
  EXPECT_EQ(Count(md, "\n| FAIL | "), failed.size());
  EXPECT_EQ(Count(md, "### "), 1u);
  for (const std::string& id : failed) {
    std::string cell;
    for (char c : id) cell += c == '_' ? std::string("\\_") : std::string(1, c);
    EXPECT_NE(md.find("| FAIL | check | " + cell + " | "), std::string::npos) << id << "\n" << md;
  }
}

TEST(VerifyReportsCliTest, FailuresOnlyKeepsTheSummaryAndListsFailuresAlone) {
  testing::CliRun full = testing::RunCcverify(FailingDemoArgs());
  testing::CliRun brief = testing::RunCcverify(FailingDemoArgs() + " --failures-only");
  ASSERT_EQ(full.code, 1);
  EXPECT_EQ(brief.code, 1);
  EXPECT_NE(full.out.find("  PASS    "), std::string::npos) << full.out;
  EXPECT_EQ(brief.out.find("  PASS    "), std::string::npos) << brief.out;
  EXPECT_NE(brief.out.find("  FAIL    report_data.binding"), std::string::npos) << brief.out;
  EXPECT_EQ(Count(brief.out, "  FAIL    "), Count(full.out, "  FAIL    "));
  // The headline and the counts line are the same.
  auto head = [](const std::string& s) { return s.substr(0, s.find("\n\n")); };
  EXPECT_EQ(head(brief.out), head(full.out));
  EXPECT_NE(brief.out.find("ccverify verify: UNTRUSTED"), std::string::npos);
  EXPECT_NE(brief.out.find("  checks:   "), std::string::npos);
  // A trusted run lists nothing below its summary.
  testing::CliRun ok = testing::RunCcverify(DemoArgs() + " --failures-only");
  EXPECT_EQ(ok.code, 0);
  EXPECT_EQ(ok.out, head(testing::RunCcverify(DemoArgs()).out) + "\n") << ok.out;
  // It applies to a text report file too; JSON is not filtered.
  testing::TempDir dir("fo");
  testing::CliRun files =
      testing::RunCcverify(FailingDemoArgs() + " --failures-only -q" + AllReports(dir));
  EXPECT_EQ(files.code, 1);
  EXPECT_EQ(testing::ReadText(dir.path() / "all.text"), brief.out);
  EXPECT_EQ(testing::ReadText(dir.path() / "all.json"),
            testing::RunCcverify(FailingDemoArgs() + " --format json").out);
}

// A quote cut short: exit 3, and every report names quote.bin and where.
TEST(VerifyReportsCliTest, InputErrorStillWritesEveryReport) {
  testing::BundleCopy bundle;
  std::string quote = bundle.Read("quote.bin");
  bundle.Write("quote.bin", quote.substr(0, 700));
  const std::string args = DemoArgs(bundle.dir().string());
  testing::CliRun plain = testing::RunCcverify(args);
  ASSERT_EQ(plain.code, 3) << plain.err;
  ASSERT_NE(plain.err.find("quote.bin"), std::string::npos) << plain.err;

  testing::TempDir dir("exit3");
  testing::CliRun r = testing::RunCcverify(args + AllReports(dir));
  EXPECT_EQ(r.code, 3);
  EXPECT_TRUE(r.out.empty()) << "the error is on stderr, not as text on stdout";
  EXPECT_EQ(r.err, plain.err);

  rapidjson::Document json = Json(testing::ReadText(dir.path() / "all.json"));
  EXPECT_STREQ(json["schema_version"].GetString(), "2.0");
  EXPECT_STREQ(json["verdict"].GetString(), "error");
  EXPECT_STREQ(json["outcome"].GetString(), "input_error");
  EXPECT_EQ(std::string(json["bundle"].GetString()), bundle.dir().string());
  EXPECT_STREQ(json["at"].GetString(), testing::kDemoAt);
  const auto& e = json["error"];
  EXPECT_NE(std::string(e["file"].GetString()).find("quote.bin"), std::string::npos);
  ASSERT_TRUE(e["offset"].IsUint64()) << "a binary file's error has its offset";
  EXPECT_LE(e["offset"].GetUint64(), 700u);
  EXPECT_NE(plain.err.find(e["text"].GetString()), std::string::npos)
      << "the report says what stderr says: " << e["text"].GetString();

  std::string junit = testing::ReadText(dir.path() / "all.junit");
  EXPECT_TRUE(XmlWellFormedAndValid(dir.path() / "all.junit")) << junit;
  EXPECT_EQ(Count(junit, "<testcase "), 1u);
  EXPECT_EQ(Count(junit, "<error "), 1u);
  EXPECT_NE(junit.find("errors=\"1\""), std::string::npos);
  EXPECT_NE(junit.find("quote.bin"), std::string::npos);

  rapidjson::Document sarif = Json(testing::ReadText(dir.path() / "all.sarif"));
  const auto& run = sarif["runs"][0];
  EXPECT_FALSE(run["invocations"][0]["executionSuccessful"].GetBool());
  ASSERT_EQ(run["results"].Size(), 1u);
  EXPECT_STREQ(run["results"][0]["ruleId"].GetString(), "input_error");
  EXPECT_STREQ(run["results"][0]["level"].GetString(), "error");
  const auto& loc = run["results"][0]["locations"][0]["physicalLocation"];
  EXPECT_NE(std::string(loc["artifactLocation"]["uri"].GetString()).find("quote.bin"),
            std::string::npos);
  EXPECT_EQ(loc["region"]["byteOffset"].GetUint64(), e["offset"].GetUint64());

  std::string text = testing::ReadText(dir.path() / "all.text");
  EXPECT_EQ(text.rfind("ccverify verify: ERROR (input error", 0), 0u) << text;
  EXPECT_NE(text.find("offset:   " + std::to_string(e["offset"].GetUint64())), std::string::npos);
  std::string md = testing::ReadText(dir.path() / "all.markdown");
  EXPECT_EQ(md.rfind("### ccverify verify: ERROR (input error", 0), 0u) << md;
  EXPECT_NE(md.find("| offset | " + std::to_string(e["offset"].GetUint64()) + " |"),
            std::string::npos);

  // Each error report too is what a single-format run writes, and a non-text
  // format on stdout carries it as well.
  for (const std::string& f : kFormats) {
    fs::path single = dir.path() / ("single." + f);
    EXPECT_EQ(
        testing::RunCcverify(args + " --format " + f + " --output " + testing::Quote(single)).code,
        3);
    EXPECT_EQ(testing::ReadText(single), testing::ReadText(dir.path() / ("all." + f))) << f;
    if (f != "text") {
      EXPECT_EQ(testing::RunCcverify(args + " --format " + f).out, testing::ReadText(single)) << f;
    }
  }
}

// A policy that does not parse is an input error before any evidence is read:
// the reports name its line.
TEST(VerifyReportsCliTest, MalformedPolicyReportsNameTheLine) {
  testing::TempDir dir("badpolicy");
  fs::path policy = dir.path() / "p.yaml";
  std::ofstream(policy)
      << "apiVersion: ccverify/v1\nmetadata: {name: x}\ntd:\n  rtmr9: {eq: zero}\n";
  testing::CliRun r = testing::RunCcverify(
      "verify " + testing::Quote(Demo()) + " --policy " + testing::Quote(policy) +
      " --report json=" + testing::Quote(dir.path() / "r.json") +
      " --report junit=" + testing::Quote(dir.path() / "r.xml"));
  ASSERT_EQ(r.code, 3) << r.err;
  rapidjson::Document json = Json(testing::ReadText(dir.path() / "r.json"));
  EXPECT_STREQ(json["verdict"].GetString(), "error");
  EXPECT_EQ(std::string(json["error"]["file"].GetString()), policy.string());
  EXPECT_TRUE(json["error"]["line"].IsUint64()) << testing::ReadText(dir.path() / "r.json");
  EXPECT_TRUE(json["at"].IsNull()) << "the evidence flags were not read yet";
  EXPECT_TRUE(XmlWellFormedAndValid(dir.path() / "r.xml"));
}

TEST(VerifyReportsCliTest, BadReportFlagsAreUsageErrorsAndWriteNothing) {
  testing::TempDir dir("usage");
  const std::string out = testing::Quote(dir.path() / "r");
  for (const std::string& flag : std::vector<std::string>{
           "--report xml=" + out, "--report json", "--report json=", "--report =" + out,
           "--report json=" + out + " --report junit=" + out,
           "--format json --output " + out + " --report text=" + out, "--format yaml"}) {
    testing::CliRun r = testing::RunCcverify(DemoArgs() + " " + flag);
    EXPECT_EQ(r.code, 2) << flag;
    EXPECT_FALSE(fs::exists(dir.path() / "r")) << flag;
  }
}

// A report that cannot be written is exit 3 and named; the others are written.
TEST(VerifyReportsCliTest, UnwritableReportIsExit3AndTheOthersAreWritten) {
  testing::TempDir dir("unwritable");
  testing::CliRun r = testing::RunCcverify(
      DemoArgs() + " -q --report json=" + testing::Quote(dir.path() / "missing/dir/r.json") +
      " --report junit=" + testing::Quote(dir.path() / "r.xml"));
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("missing/dir/r.json"), std::string::npos) << r.err;
  EXPECT_NE(testing::ReadText(dir.path() / "r.xml").find("<testsuites"), std::string::npos);
}

// A report replaces what was at its path, whole.
TEST(VerifyReportsCliTest, ReportReplacesAnExistingFile) {
  testing::TempDir dir("replace");
  fs::path path = dir.path() / "r.json";
  std::ofstream(path) << std::string(100000, 'x');
  testing::CliRun r =
      testing::RunCcverify(DemoArgs() + " -q --report json=" + testing::Quote(path));
  ASSERT_EQ(r.code, 0) << r.err;
  std::string json = testing::ReadText(path);
  EXPECT_EQ(json, testing::RunCcverify(DemoArgs() + " --format json").out);
  EXPECT_EQ(json.find("xxxxxxxx"), std::string::npos);
}

}  // namespace
}  // namespace ccv::cli
