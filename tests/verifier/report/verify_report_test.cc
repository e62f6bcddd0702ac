#include "verifier/report/verify_report.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "policies/policy_parser.h"
#include "tests/policies/facts_builder.h"
#include "tests/testing/corpus.h"
#include "verifier/report/junit.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

using policy::Evaluation;
using policy::testing::GoodFacts;
using result::Facts;
using result::Verdict;

const policy::UnixTime kNow = 1798761600;

// A policy with one rule of each outcome on GoodFacts after Mutate().
const char kPolicy[] =
    "apiVersion: ccverify/v1\n"
    "metadata: {name: report-test, version: \"7\"}\n"
    "platform: {tcb_status: {allow: [UpToDate], warn: [SWHardeningNeeded]}}\n"
    "td:\n"
    "  rtmr3: {eq: zero}\n"
    "  mr_owner: {eq: zero}\n"
    "  mr_config_id: {eq: zero}\n"
    "events:\n"
    "  - {id: opt, match: {type: EV_S_CRTM_VERSION}, expect: {count: 1, digest: {eq: zero}}, "
    "optional: true}\n"
    "  - {id: cmd, match: {type: EV_IPL, nth: 0}, expect: {text: {forbid: [\"<&>\"]}}}\n"
    "waivers:\n"
    "  - {rule: td.mr_owner, until: 2099-01-01, reason: \"owner rollout\"}\n";

struct Fixture {
  Facts facts = GoodFacts();
  policy::Policy policy;
  Evaluation ev;
  VerifyReportContext ctx{"bundle/dir", "2027-01-01T00:00:00Z", "p.yaml"};
  Fixture() {
    facts.collateral.tcb_status = "SWHardeningNeeded";             // warn
    facts.quote.rtmr[3][0] = 1;                                    // fail
    facts.quote.mr_owner[0] = 1;                                   // waived
    facts.events[5].text = "kernel_cmdline: a=<&> \"q\"\x01\xff";  // fail, odd bytes
    facts.checks[0] = {"quote.signature", Verdict::kFail, "signature does not verify", ""};
    auto p = policy::ParsePolicy(kPolicy);
    if (!p.ok()) ADD_FAILURE() << p.status().ToString();
    policy = *p;
    ev = policy::Evaluate(&policy, facts, {kNow});
  }
};

TEST(VerifyReportJsonTest, HasTheDesignShape) {
  Fixture fx;
  std::string json = VerifyReportJson(fx.facts, fx.ev, fx.ctx);
  rapidjson::Document d;
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError()) << json;
  EXPECT_STREQ(d["verdict"].GetString(), "fail");
  ASSERT_TRUE(d["quote"].IsObject());
  EXPECT_EQ(std::string(d["quote"]["mr_td"].GetString()), ToHex(fx.facts.quote.mr_td));
  EXPECT_EQ(std::string(d["quote"]["rtmr3"].GetString()).substr(0, 2), "01");
  EXPECT_TRUE(d["collateral"]["present"].GetBool());
  EXPECT_STREQ(d["collateral"]["tcb_status"].GetString(), "SWHardeningNeeded");
  EXPECT_TRUE(d["replay"]["registers"]["rtmr0"]["sha384"].IsString());
  EXPECT_TRUE(d["replay"]["matches_quote"]["rtmr2"].GetBool());
  ASSERT_TRUE(d["checks"].IsArray());
  EXPECT_STREQ(d["checks"][0]["id"].GetString(), "quote.signature");
  EXPECT_STREQ(d["checks"][0]["status"].GetString(), "fail");
  EXPECT_STREQ(d["policy"]["name"].GetString(), "report-test");
  EXPECT_STREQ(d["policy"]["version"].GetString(), "7");
  const auto& rules = d["policy"]["rules"];
  ASSERT_EQ(rules.Size(), 6u);
  std::map<std::string, std::string> status;
  for (const auto& r : rules.GetArray()) {
    for (const char* k : {"id", "status", "expected", "actual", "evidence", "why"}) {
      ASSERT_TRUE(r.HasMember(k) && r[k].IsString()) << k;
    }
    status[r["id"].GetString()] = r["status"].GetString();
  }
  EXPECT_EQ(status["platform.tcb_status"], "warn");
  EXPECT_EQ(status["td.rtmr3"], "fail");
  EXPECT_EQ(status["td.mr_owner"], "waived");
  EXPECT_EQ(status["td.mr_config_id"], "pass");
  EXPECT_EQ(status["events.opt"], "skipped");
  EXPECT_EQ(status["events.cmd"], "fail");
  EXPECT_EQ(d["summary"]["rules"]["fail"].GetUint(), 2u);
  EXPECT_EQ(d["summary"]["checks"]["fail"].GetUint(), 1u);
}

TEST(VerifyReportJsonTest, SchemaVersionIsTheFirstMember) {
  Fixture fx;
  rapidjson::Document d;
  d.Parse(VerifyReportJson(fx.facts, fx.ev, fx.ctx).c_str());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d.IsObject() && d.MemberCount() > 0);
  EXPECT_STREQ(d.MemberBegin()->name.GetString(), "schema_version");
  EXPECT_STREQ(d.MemberBegin()->value.GetString(), kJsonSchemaVersion);
}

TEST(VerifyReportJsonTest, NoPolicyIsNullAndPassingVerdict) {
  Facts f = GoodFacts();
  Evaluation ev = policy::Evaluate(nullptr, f, {kNow});
  rapidjson::Document d;
  d.Parse(VerifyReportJson(f, ev, {}).c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["verdict"].GetString(), "pass");
  EXPECT_TRUE(d["policy"].IsNull());
  f.quote = {};
  d.Parse(VerifyReportJson(f, ev, {}).c_str());
  EXPECT_TRUE(d["quote"].IsNull());
}

TEST(VerifyReportTextTest, FailuresFirstAndNoColourUnlessAsked) {
  Fixture fx;
  std::string t = VerifyReportText(fx.facts, fx.ev, fx.ctx, false);
  EXPECT_EQ(t.find("\x1b["), std::string::npos);
  EXPECT_NE(t.find("UNTRUSTED"), std::string::npos);
  // The failing rules come before any passing one, and each failure shows
  // expected, actual, evidence and why.
  size_t first_fail = t.find("FAIL ");
  size_t first_pass = t.find("PASS ");
  ASSERT_NE(first_fail, std::string::npos);
  ASSERT_NE(first_pass, std::string::npos);
  EXPECT_LT(first_fail, first_pass);
  size_t rtmr3 = t.find("td.rtmr3");
  ASSERT_NE(rtmr3, std::string::npos);
  EXPECT_LT(rtmr3, t.find("td.mr_config_id"));
  EXPECT_NE(t.find("evidence: quote.td.rtmr3"), std::string::npos);
  EXPECT_NE(t.find("evidence: ccel#5"), std::string::npos);
  EXPECT_NE(t.find("WAIVED "), std::string::npos);
  EXPECT_NE(t.find("owner rollout"), std::string::npos);
  // Control bytes never reach the terminal.
  EXPECT_EQ(t.find('\x01'), std::string::npos);
  std::string c = VerifyReportText(fx.facts, fx.ev, fx.ctx, true);
  EXPECT_NE(c.find("\x1b[1;31mFAIL"), std::string::npos);
}

TEST(VerifyReportTextTest, PassingReportSaysTrusted) {
  Facts f = GoodFacts();
  Evaluation ev = policy::Evaluate(nullptr, f, {kNow});
  std::string t = VerifyReportText(f, ev, {}, false);
  // No policy: nothing was compared with reference values.
  EXPECT_EQ(t.rfind("ccverify verify: VERIFIED", 0), 0u);
  EXPECT_NE(t.find("policy:   none"), std::string::npos);
}

TEST(JUnitTest, OneTestcasePerCheckAndRuleWithCounts) {
  Fixture fx;
  std::string x = VerifyReportJUnit(fx.facts, fx.ev, fx.ctx);
  auto count = [&](const std::string& s) {
    size_t n = 0;
    for (size_t p = x.find(s); p != std::string::npos; p = x.find(s, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<testcase "), fx.ev.checks.size() + fx.ev.rules.size());
  EXPECT_EQ(count("<failure "), 3u);  // 1 check + 2 rules
  EXPECT_EQ(count("<skipped "), 3u);  // warn + waived + skipped
  EXPECT_NE(
      x.find(
          "<testsuites name=\"ccverify\" tests=\"8\" failures=\"3\" errors=\"0\" skipped=\"3\">"),
      std::string::npos)
      << x;
  EXPECT_NE(x.find("name=\"td.rtmr3\""), std::string::npos);
  EXPECT_NE(x.find("&lt;&amp;&gt;"), std::string::npos);
  EXPECT_EQ(x.find('\x01'), std::string::npos);
}

// The <testcase> element named `name` (empty if there is none).
std::string TestcaseNamed(const std::string& x, const std::string& name) {
  size_t p = x.find("name=\"" + name + "\"");
  if (p == std::string::npos) return "";
  size_t start = x.rfind("<testcase ", p);
  size_t open_end = x.find('>', p);
  if (start == std::string::npos || open_end == std::string::npos) return "";
  if (x[open_end - 1] == '/') return x.substr(start, open_end + 1 - start);
  size_t end = x.find("</testcase>", open_end);
  return end == std::string::npos ? "" : x.substr(start, end + 11 - start);
}

TEST(JUnitTest, WarnRendersAsSkippedWithStatusPropertyAndSystemErr) {
  Fixture fx;
  std::string x = VerifyReportJUnit(fx.facts, fx.ev, fx.ctx);
  std::string warn = TestcaseNamed(x, "platform.tcb_status");
  ASSERT_FALSE(warn.empty()) << x;
  EXPECT_NE(
      warn.find(
          "<properties>\n        <property name=\"status\" value=\"warn\"/>\n      </properties>"),
      std::string::npos)
      << warn;
  EXPECT_NE(warn.find("<skipped message=\"warn: "), std::string::npos) << warn;
  EXPECT_NE(warn.find("SWHardeningNeeded"), std::string::npos) << warn;
  EXPECT_NE(warn.find("<system-err>platform.tcb_status: warn: "), std::string::npos) << warn;
  EXPECT_EQ(warn.find("<failure"), std::string::npos) << warn;
  // properties first, skipped before system-out, system-err last.
  EXPECT_LT(warn.find("<properties>"), warn.find("<skipped "));
  EXPECT_LT(warn.find("<skipped "), warn.find("<system-out>"));
  EXPECT_LT(warn.find("<system-out>"), warn.find("<system-err>"));
}

TEST(JUnitTest, WaivedRendersAsSkippedWithUntilAndReason) {
  Fixture fx;
  std::string x = VerifyReportJUnit(fx.facts, fx.ev, fx.ctx);
  std::string waived = TestcaseNamed(x, "td.mr_owner");
  ASSERT_FALSE(waived.empty()) << x;
  EXPECT_NE(waived.find("<property name=\"status\" value=\"waived\"/>"), std::string::npos)
      << waived;
  EXPECT_NE(waived.find("<skipped message=\"waived until 2099-01-01: owner rollout\"/>"),
            std::string::npos)
      << waived;
  EXPECT_NE(waived.find("<system-err>td.mr_owner: waived until 2099-01-01: owner rollout"),
            std::string::npos)
      << waived;
}

TEST(JUnitTest, PassFailAndSkippedRenderAsBefore) {
  Fixture fx;
  std::string x = VerifyReportJUnit(fx.facts, fx.ev, fx.ctx);
  std::string pass = TestcaseNamed(x, "td.mr_config_id");
  EXPECT_EQ(pass, "<testcase classname=\"ccverify.policy.td\" name=\"td.mr_config_id\"/>") << x;
  std::string fail = TestcaseNamed(x, "events.cmd");
  ASSERT_FALSE(fail.empty()) << x;
  EXPECT_NE(fail.find("<failure message=\""), std::string::npos) << fail;
  EXPECT_NE(fail.find("type=\"failure\">status: fail&#10;expected: "), std::string::npos) << fail;
  EXPECT_NE(fail.find("&lt;&amp;&gt;"), std::string::npos) << fail;
  EXPECT_EQ(fail.find("<properties>"), std::string::npos) << fail;
  EXPECT_EQ(fail.find("<skipped"), std::string::npos) << fail;
  EXPECT_EQ(fail.find("<system-err>"), std::string::npos) << fail;
  std::string check = TestcaseNamed(x, "quote.signature");
  EXPECT_NE(check.find("<failure message=\"signature does not verify\" type=\"failure\">"
                       "signature does not verify</failure>"),
            std::string::npos)
      << check;
  // A skipped rule stays skipped, with its status but no system-err line.
  std::string skipped = TestcaseNamed(x, "events.opt");
  EXPECT_NE(skipped.find("<property name=\"status\" value=\"skipped\"/>"), std::string::npos)
      << skipped;
  EXPECT_NE(skipped.find("<skipped message=\""), std::string::npos) << skipped;
  EXPECT_EQ(skipped.find("<system-err>"), std::string::npos) << skipped;
}

TEST(JUnitTest, VerdictCaseEscapesAndFallsBackWithoutUntil) {
  JUnitCase w = VerdictCase("c", "r", Verdict::kWaived, "no until here", "a<b", "");
  EXPECT_EQ(w.outcome, JUnitCase::Outcome::kSkipped);
  EXPECT_EQ(w.message, "waived: a<b");
  std::string x = WriteJUnit("n", {{"s", "", {w}}});
  EXPECT_NE(x.find("<skipped message=\"waived: a&lt;b\"/>"), std::string::npos) << x;
  EXPECT_NE(x.find("<system-err>r: waived: a&lt;b&#10;</system-err>"), std::string::npos) << x;
  // A reason that itself says "waived until" is not mistaken for the date.
  JUnitCase u =
      VerdictCase("c", "r", Verdict::kWaived, "x; waived until 2027-01-15: see waived until 1999",
                  "see waived until 1999", "");
  EXPECT_EQ(u.message, "waived until 2027-01-15: see waived until 1999");
  JUnitCase p = VerdictCase("c", "r", Verdict::kPass, "", "", "");
  EXPECT_NE(WriteJUnit("n", {{"s", "", {p}}}).find("<testcase classname=\"c\" name=\"r\"/>"),
            std::string::npos);
}

TEST(JUnitTest, ValidatesAgainstTheJUnitSchema) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "xmllint not installed";
  Fixture fx;
  auto dir = std::filesystem::temp_directory_path() / ("ccv_junit_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  auto xsd = testing::SourceDir() / "tests/verifier/report/verify_junit.xsd";
  Evaluation pass_ev = policy::Evaluate(nullptr, GoodFacts(), {kNow});
  for (const auto& [name, xml] :
       {std::pair{"fail.xml", VerifyReportJUnit(fx.facts, fx.ev, fx.ctx)},
        std::pair{"pass.xml", VerifyReportJUnit(GoodFacts(), pass_ev, {})}}) {
    std::ofstream(dir / name) << xml;
    std::string cmd = "xmllint --noout --schema '" + xsd.string() + "' '" + (dir / name).string() +
                      "' >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << xml;
  }
  // The schema is not vacuous: a testcase without a name is rejected.
  std::ofstream(dir / "bad.xml")
      << "<testsuites><testsuite name=\"x\" tests=\"1\"><testcase/></testsuite></testsuites>";
  std::string cmd = "xmllint --noout --schema '" + xsd.string() + "' '" +
                    (dir / "bad.xml").string() + "' >/dev/null 2>&1";
  EXPECT_NE(std::system(cmd.c_str()), 0);
  std::filesystem::remove_all(dir);
}

TEST(JUnitTest, EscapesAndReplacesInvalidBytes) {
  EXPECT_EQ(XmlEscape("a<b>&\"'\n"), "a&lt;b&gt;&amp;&quot;&apos;&#10;");
  EXPECT_EQ(XmlEscape(std::string("\x01\x1f", 2)), "??");
  std::string x = WriteJUnit(
      "n", {{"s", "", {{"c", "t", JUnitCase::Outcome::kFailure, "m\xff", "b\xc3\xa9"}}}});
  EXPECT_NE(x.find("message=\"m?\""), std::string::npos);
  EXPECT_NE(x.find("b\xc3\xa9"), std::string::npos);
}

}  // namespace
}  // namespace ccv::report
