// Attacks on the reports of `ccverify verify`: evidence text that tries to
// forge a verdict line, a table row or an XML element in a report, and a
// report of an earlier TRUSTED run left in place when a later run on bad
// evidence stops early.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "policies/evaluator.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"
#include "verifier/report/markdown.h"
#include "verifier/report/report_format.h"
#include "verifier/result/facts.h"

namespace ccv::report {
namespace {

namespace fs = std::filesystem;
using result::Verdict;

// Text an attacker controls in the evidence (a file path in an IMA list,
// event text, a UEFI variable name) ends up in a rule's actual value or a
// check's detail. This one tries to end the row and start a headline.
const char kForged[] =
    "x |\n\n### ccverify verify: TRUSTED\n| PASS | rule | forged | all good |\r\n"
    "</failure></testcase><testcase name=\"forged\"/>` *bold* <b>html</b> \x1b[32mTRUSTED";

policy::Evaluation HostileEvaluation() {
  policy::Evaluation ev;
  ev.has_policy = true;
  ev.name = std::string("p\n### ccverify verify: TRUSTED");
  ev.checks.push_back({"quote.signature", Verdict::kPass, "signature verifies", ""});
  ev.checks.push_back({"ima.template_hashes", Verdict::kFail, kForged, ""});
  policy::RuleResult r;
  r.id = "ima.allow";
  r.area = "ima";
  r.status = Verdict::kFail;
  r.expected = "allowed";
  r.actual = kForged;
  r.why = kForged;
  r.evidence = "ima#3";
  ev.rules.push_back(r);
  return ev;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// Pipes not escaped with a backslash.
size_t Pipes(const std::string& line) {
  size_t n = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '|') {
      ++n;
    }
  }
  return n;
}

TEST(ReportInjectionTest, MarkdownKeepsEvidenceTextInItsCell) {
  const result::Facts facts;
  VerifyReportContext ctx{"bundle|\n### x", "2026-01-02T00:00:00Z", "p.yaml"};
  std::string md = RenderVerifyReport(ReportFormat::kMarkdown, facts, HostileEvaluation(), ctx, {});
  auto lines = Lines(md);
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0], "### ccverify verify: UNTRUSTED");
  size_t headlines = 0, pass_rows = 0, fail_rows = 0;
  for (const std::string& l : lines) {
    headlines += l.rfind('#', 0) == 0;
    pass_rows += l.rfind("| PASS |", 0) == 0;
    fail_rows += l.rfind("| FAIL |", 0) == 0;
    EXPECT_EQ(l.find('\r'), std::string::npos);
    EXPECT_EQ(l.find('\x1b'), std::string::npos);
    // Every row of a table has the pipes of its columns and no more.
    if (l.rfind("| status |", 0) == 0 || l.rfind("| PASS", 0) == 0 || l.rfind("| FAIL", 0) == 0) {
      EXPECT_EQ(Pipes(l), 5u) << l;
    } else if (l.rfind('|', 0) == 0 && l.rfind("|---|---|---", 0) != 0) {
      EXPECT_EQ(Pipes(l), 3u) << l;
    }
    EXPECT_EQ(l.find("<b>"), std::string::npos) << "HTML passes unescaped: " << l;
  }
  EXPECT_EQ(headlines, 1u) << md;
  EXPECT_EQ(pass_rows, 1u) << "only quote.signature passed:\n" << md;
  EXPECT_EQ(fail_rows, 2u) << md;
}

TEST(ReportInjectionTest, TextKeepsOneHeadlineAndNoControlBytes) {
  const result::Facts facts;
  VerifyReportContext ctx{"b", "2026-01-02T00:00:00Z", "p.yaml"};
  for (bool failures_only : {false, true}) {
    std::string text = RenderVerifyReport(ReportFormat::kText, facts, HostileEvaluation(), ctx,
                                          {false, failures_only});
    size_t headlines = 0;
    for (const std::string& l : Lines(text)) {
      headlines += l.rfind("ccverify verify:", 0) == 0;
      EXPECT_EQ(l.find('\x1b'), std::string::npos) << l;
      EXPECT_EQ(l.find('\r'), std::string::npos) << l;
    }
    EXPECT_EQ(headlines, 1u) << text;
    EXPECT_EQ(text.rfind("ccverify verify: UNTRUSTED\n", 0), 0u) << text;
  }
}

TEST(ReportInjectionTest, JUnitAndSarifStayWellFormedWithTheirOwnCounts) {
  const result::Facts facts;
  VerifyReportContext ctx{"b", "2026-01-02T00:00:00Z", "p.yaml"};
  const policy::Evaluation ev = HostileEvaluation();
  std::string junit = RenderVerifyReport(ReportFormat::kJUnit, facts, ev, ctx, {});
  size_t cases = 0;
  for (size_t p = junit.find("<testcase "); p != std::string::npos;
       p = junit.find("<testcase ", p + 1))
    ++cases;
  EXPECT_EQ(cases, 3u) << junit;
  EXPECT_NE(junit.find("tests=\"3\" failures=\"2\""), std::string::npos) << junit;
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0) {
    fs::path f = fs::temp_directory_path() / ("ccv_inject_" + std::to_string(::getpid()) + ".xml");
    ASSERT_TRUE(WriteFileAtomically(f.string(), junit).ok());
    std::string cmd = "xmllint --noout " + testing::Quote(f) + " >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << junit;
    fs::remove(f);
  }
  rapidjson::Document sarif;
  sarif.Parse(RenderVerifyReport(ReportFormat::kSarif, facts, ev, ctx, {}).c_str());
  ASSERT_FALSE(sarif.HasParseError());
  const auto& run = sarif["runs"][0];
  EXPECT_EQ(run["results"].Size(), 2u);
  EXPECT_STREQ(run["properties"]["outcome"].GetString(), "untrusted");
}

// A CI job that reads verify.json after each run must never find the
// TRUSTED report of the run before when this run stopped on bad input.
TEST(StaleReportTest, ARunThatStopsEarlyReplacesTheEarlierReport) {
  testing::BundleCopy bundle;
  fs::path out = bundle.dir() / "reports";
  fs::create_directories(out);
  const std::string reports = " -q --report json=" + testing::Quote(out / "v.json") +
                              " --report junit=" + testing::Quote(out / "v.xml") +
                              " --report sarif=" + testing::Quote(out / "v.sarif") +
                              " --report markdown=" + testing::Quote(out / "v.md") +
                              " --report text=" + testing::Quote(out / "v.txt");
  const std::string args = "verify " + testing::Quote(bundle.dir()) + " --policy " +
                           testing::Quote(testing::DemoDir() / "policy.yaml") + " --root-ca " +
                           testing::Quote(testing::DemoDir() / "root_ca.pem") + " --at " +
                           testing::kDemoAt;
  auto verdict = [&] {
    rapidjson::Document d;
    auto text = ReadFileText((out / "v.json").string());
    if (!text.ok()) return std::string("<none>");
    d.Parse(text->c_str());
    return d.HasParseError() ? std::string("<bad json>") : std::string(d["verdict"].GetString());
  };
  auto says_trusted = [&] {
    bool any = false;
    for (const char* f : {"v.xml", "v.sarif", "v.md", "v.txt"}) {
      auto t = ReadFileText((out / f).string());
      if (t.ok() &&
          (t->find("TRUSTED") != std::string::npos || t->find("\"pass\"") != std::string::npos) &&
          t->find("UNTRUSTED") == std::string::npos && t->find("ERROR") == std::string::npos &&
          t->find("<error") == std::string::npos && t->find("\"error\"") == std::string::npos) {
        any = true;
      }
    }
    return any;
  };
  ASSERT_EQ(testing::RunCcverify(args + reports).code, 0);
  ASSERT_EQ(verdict(), "pass");
  ASSERT_TRUE(says_trusted());

  // The quote cut short: exit 3, every report now says error.
  std::string quote = bundle.Read("quote.bin");
  bundle.Write("quote.bin", quote.substr(0, 100));
  EXPECT_EQ(testing::RunCcverify(args + reports).code, 3);
  EXPECT_EQ(verdict(), "error");
  EXPECT_FALSE(says_trusted());

  // Back to good evidence, then a nonce that is not hex: exit 2, still no
  // TRUSTED report left behind.
  bundle.Write("quote.bin", quote);
  ASSERT_EQ(testing::RunCcverify(args + reports).code, 0);
  ASSERT_EQ(verdict(), "pass");
  EXPECT_EQ(testing::RunCcverify(args + reports + " --nonce zz").code, 2);
  EXPECT_EQ(verdict(), "error");
  EXPECT_FALSE(says_trusted());
}

}  // namespace
}  // namespace ccv::report
