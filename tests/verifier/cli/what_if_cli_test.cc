// quote verify --what-if-collateral: the status of a quote under its
// collateral and under another set of the same FMSPC, taken from the shared
// corpus's quotes/cases.json: for each quote the file lists under two
// collateral sets at one time, the status now and the what-if status must
// be the ones cases.json gives for each set.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name, quote, collateral, now, status, fmspc;
};

// cases.json's status names are Intel's; ccverify prints its own for one.
std::string Normalise(const std::string& s) {
  return s == "TCB_NOT_SUPPORTED" ? "NotSupported" : s;
}

std::vector<Case> ReadCases(const fs::path& corpus) {
  auto text = ReadFileText((corpus / "quotes/cases.json").string(), 1 << 20);
  EXPECT_TRUE(text.ok());
  rapidjson::Document d;
  d.Parse(text->c_str());
  std::vector<Case> out;
  if (d.HasParseError() || !d.IsArray()) return out;
  for (const auto& c : d.GetArray()) {
    out.push_back({c["name"].GetString(), c["quote"].GetString(), c["collateral"].GetString(),
                   c["now"].GetString(), Normalise(c["expected"]["status"].GetString()),
                   c["fmspc"].GetString()});
  }
  return out;
}

rapidjson::Document Json(const testing::CliRun& r) {
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  EXPECT_FALSE(d.HasParseError()) << r.out << r.err;
  return d;
}

TEST(WhatIfCliTest, StatusUnderEachCollateralSetIsTheOneCasesJsonLists) {
  CCV_REQUIRE_CORPUS(corpus);
  const std::vector<Case> cases = ReadCases(corpus);
  ASSERT_FALSE(cases.empty());
  size_t pairs = 0;
  for (const Case& a : cases) {
    for (const Case& b : cases) {
      if (&a == &b || a.quote != b.quote || a.now != b.now || a.collateral == b.collateral) {
        continue;
      }
      ASSERT_EQ(a.fmspc, b.fmspc);
      testing::CliRun r = testing::RunCcverify(
          "quote verify " + testing::Quote(corpus / a.quote) + " --collateral " +
          testing::Quote(corpus / a.collateral) + " --what-if-collateral " +
          testing::Quote(corpus / b.collateral) + " --at " + a.now + " --json");
      rapidjson::Document d = Json(r);
      ASSERT_TRUE(d.HasMember("what_if")) << r.out;
      EXPECT_EQ(d["tcb_status"].GetString(), a.status) << a.name;
      EXPECT_EQ(d["what_if"]["tcb_status"].GetString(), b.status) << b.name;
      EXPECT_EQ(d["what_if"]["collateral"].GetString(), (corpus / b.collateral).string());
      EXPECT_TRUE(d["what_if"]["authentic"].GetBool()) << b.name;
      // The exit code is the current collateral's verdict.
      EXPECT_EQ(r.code, a.status == "UpToDate" ? 0 : 1) << a.name;
      // The two sets differ in how fresh they are.
      EXPECT_STRNE(d["freshness"]["tcb_info_issue_date"].GetString(),
                   d["what_if"]["freshness"]["tcb_info_issue_date"].GetString());
      ++pairs;
    }
  }
  // go-tdx-guest-v5 under 90C06F000000-2026-02 and its tcbinfo-v5 variant.
  EXPECT_GE(pairs, 2u);
}

TEST(WhatIfCliTest, TextNamesBothStatusesAndAnExpiredSetFailsItsChecks) {
  CCV_REQUIRE_CORPUS(corpus);
  // The outdated v5 quote (cases.json dcap-qvl-tdx-v5-outdated, 2026-03
  // collateral) against the same FMSPC's tcbinfo-v5 set, whose TCB info
  // expired on 2026-03-03: its status is evaluated, its validity fails.
  testing::CliRun r = testing::RunCcverify(
      "quote verify " + testing::Quote(corpus / "quotes/dcap-qvl-tdx-v5-outdated.bin") +
      " --collateral " + testing::Quote(corpus / "quotes/collateral/90C06F000000-2026-03.json") +
      " --what-if-collateral " +
      testing::Quote(corpus / "quotes/collateral/90C06F000000-2026-02-tcbinfo-v5.json") +
      " --at 2026-03-20T10:41:14Z");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("tcb_status: NotSupported\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("what_if.tcb_status: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("what_if.verdict: fail\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("what_if.failed: tcb_info_validity"), std::string::npos) << r.out;
  // --what-if-at evaluates the other set at its own time.
  testing::CliRun at = testing::RunCcverify(
      "quote verify " + testing::Quote(corpus / "quotes/go-tdx-guest-v5.bin") + " --collateral " +
      testing::Quote(corpus / "quotes/collateral/90C06F000000-2026-02.json") +
      " --what-if-collateral " +
      testing::Quote(corpus / "quotes/collateral/90C06F000000-2026-02-tcbinfo-v5.json") +
      " --at 2026-03-10T00:00:00Z --what-if-at 2026-02-19T00:00:00Z --json");
  rapidjson::Document d = Json(at);
  EXPECT_STREQ(d["what_if"]["at"].GetString(), "2026-02-19T00:00:00Z");
  EXPECT_TRUE(d["what_if"]["authentic"].GetBool());
  EXPECT_STREQ(d["what_if"]["verdict"].GetString(), "pass");
}

TEST(WhatIfCliTest, UsageAndInputErrors) {
  CCV_REQUIRE_CORPUS(corpus);
  const std::string base = "quote verify " + testing::Quote(corpus / "quotes/go-tdx-guest-v5.bin") +
                           " --collateral " +
                           testing::Quote(corpus / "quotes/collateral/90C06F000000-2026-02.json") +
                           " --at 2026-02-19T00:00:00Z";
  EXPECT_EQ(testing::RunCcverify(base + " --what-if-at 2026-02-19T00:00:00Z").code, 2);
  EXPECT_EQ(testing::RunCcverify(base + " --what-if-collateral /nonexistent.json").code, 3);
  EXPECT_EQ(testing::RunCcverify(base + " --what-if-collateral " +
                                 testing::Quote(corpus / "quotes/go-tdx-guest-v5.bin"))
                .code,
            3);
}

}  // namespace
}  // namespace ccv::cli
