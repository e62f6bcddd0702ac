// Collateral freshness facts and the policy keys that judge them
// (collateral.max_age, collateral.warn_expiring_within,
// collateral.min_tcb_evaluation_data_number, platform.tcb_grace_period), with
// real quotes and Intel-signed collateral from the shared corpus at --at
// times on both sides of each threshold.
//
// The expected dates are the collateral's own: the TCB info's issueDate as
// its JSON says, and the CRLs' nextUpdate as `openssl crl -nextupdate`
// prints them (00A06D080000-2025-10: PCK CRL 2025-11-12T10:45:32Z, root CA
// CRL 2026-04-03T11:21:57Z, TCB info 2025-11-26T13:07:17Z, QE identity
// 2025-11-27T06:45:09Z).
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/pipeline/bundle_fixture.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

// The OutOfDate quote (cases.json trustee-tdx-v4-module3) and its collateral.
constexpr const char* kOutOfDateQuote = "quotes/trustee-tdx-v4-module3.bin";
constexpr const char* kOutOfDateCollateral = "quotes/collateral/00A06D080000-2025-10.json";
// An UpToDate quote (cases.json dcap-qvl-tdx-v4) and its collateral.
constexpr const char* kUpToDateQuote = "quotes/dcap-qvl-tdx-v4.bin";
constexpr const char* kUpToDateCollateral = "quotes/collateral/B0C06F000000-2025-07.json";
constexpr const char* kUpToDateAt = "2025-07-19T10:00:34Z";
// A quote no TCB level matches (NotSupported), same collateral.
constexpr const char* kNotSupportedQuote = "quotes/dcap-qvl-tdx-v4-tappd.bin";

int64_t Unix(const std::string& rfc3339) {
  std::tm tm{};
  EXPECT_NE(strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm), nullptr) << rfc3339;
  return int64_t(timegm(&tm));
}

std::string Rfc3339(int64_t t) {
  std::time_t tt = std::time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

rapidjson::Document Parse(const testing::CliRun& r) {
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  EXPECT_FALSE(d.HasParseError()) << r.out << r.err;
  return d;
}

class FreshnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = testing::CorpusDir();
    if (!c) GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS); skipping";
    corpus_ = *c;
  }

  std::string Path(const char* rel) const { return testing::Quote(corpus_ / rel); }

  // verify --format json of one quote with its collateral at `at`, with
  // the policy text `policy` ("" for none).
  rapidjson::Document Verify(const char* quote, const char* collateral, const std::string& at,
                             const std::string& policy, int* code = nullptr) {
    std::string args = "verify --quote " + Path(quote) + " --at " + at + " --format json";
    if (collateral != nullptr) args += " --collateral " + Path(collateral);
    if (!policy.empty()) {
      fs::path p = tmp_.path() / ("policy" + std::to_string(n_++) + ".yaml");
      std::ofstream(p) << "apiVersion: ccverify/v1\n" << policy;
      args += " --policy " + testing::Quote(p);
    }
    testing::CliRun r = testing::RunCcverify(args);
    if (code != nullptr) *code = r.code;
    return Parse(r);
  }

  // The status of rule `id` in a verify report ("" when absent).
  static std::string Rule(const rapidjson::Document& d, const std::string& id) {
    if (!d.IsObject() || !d["policy"].IsObject()) return "";
    for (const auto& r : d["policy"]["rules"].GetArray()) {
      if (id == r["id"].GetString()) return r["status"].GetString();
    }
    return "";
  }
  static std::string Why(const rapidjson::Document& d, const std::string& id) {
    for (const auto& r : d["policy"]["rules"].GetArray()) {
      if (id == r["id"].GetString()) return r["why"].GetString();
    }
    return "";
  }

  fs::path corpus_;
  testing::TempDir tmp_{"freshness"};
  int n_ = 0;
};

TEST_F(FreshnessTest, QuoteVerifyReportsFreshnessFacts) {
  testing::CliRun r =
      testing::RunCcverify("quote verify " + Path(kOutOfDateQuote) + " --collateral " +
                           Path(kOutOfDateCollateral) + " --at 2025-10-29T00:00:00Z --json");
  rapidjson::Document d = Parse(r);
  ASSERT_TRUE(d.HasMember("freshness")) << r.out;
  const auto& f = d["freshness"];
  EXPECT_STREQ(f["tcb_info_issue_date"].GetString(), "2025-10-27T13:07:17Z");
  EXPECT_EQ(f["age_seconds"].GetInt64(),
            Unix("2025-10-29T00:00:00Z") - Unix("2025-10-27T13:07:17Z"));
  EXPECT_EQ(f["age_days"].GetInt64(), 1);
  // The PCK CRL's nextUpdate comes before the TCB info's and QE identity's.
  EXPECT_STREQ(f["earliest_next_update"].GetString(), "2025-11-12T10:45:32Z");
  EXPECT_STREQ(f["earliest_next_update_part"].GetString(), "pck_crl");
  EXPECT_EQ(f["expires_in_seconds"].GetInt64(),
            Unix("2025-11-12T10:45:32Z") - Unix("2025-10-29T00:00:00Z"));
  EXPECT_EQ(f["tcb_evaluation_data_number"].GetInt(), 17);
  EXPECT_EQ(f["qe_identity_tcb_evaluation_data_number"].GetInt(), 17);
  ASSERT_TRUE(f["tcb_date"].IsString());
  // The platform level (2018-01-04) is older than the QE level (2024-03-13)
  // and the TDX module level.
  EXPECT_STREQ(f["tcb_date"].GetString(), d["tcb_date"].GetString());
  EXPECT_STREQ(f["tcb_date"].GetString(), "2018-01-04T00:00:00Z");
  EXPECT_STREQ(f["tcb_date_level"].GetString(), "platform");
  const int64_t since = Unix("2025-10-29T00:00:00Z") - Unix(f["tcb_date"].GetString());
  EXPECT_EQ(f["days_since_tcb_date"].GetInt64(), since / 86400);
  // Text form.
  testing::CliRun t =
      testing::RunCcverify("quote verify " + Path(kOutOfDateQuote) + " --collateral " +
                           Path(kOutOfDateCollateral) + " --at 2025-10-29T00:00:00Z");
  EXPECT_NE(t.out.find("collateral: issued 2025-10-27T13:07:17Z (1 days ago), next update "
                       "2025-11-12T10:45:32Z (pck_crl, in 14 days), TCB evaluation data number 17"),
            std::string::npos)
      << t.out;
}

TEST_F(FreshnessTest, VerifyReportCarriesTheSameFactsInJsonAndText) {
  rapidjson::Document d = Verify(kOutOfDateQuote, kOutOfDateCollateral, "2025-10-29T00:00:00Z", "");
  ASSERT_TRUE(d["collateral"]["freshness"].IsObject());
  const auto& f = d["collateral"]["freshness"];
  EXPECT_STREQ(f["earliest_next_update_part"].GetString(), "pck_crl");
  EXPECT_EQ(f["tcb_evaluation_data_number"].GetInt(), 17);
  EXPECT_TRUE(f["days_since_tcb_date"].IsInt64());
  testing::CliRun t =
      testing::RunCcverify("verify --quote " + Path(kOutOfDateQuote) + " --collateral " +
                           Path(kOutOfDateCollateral) + " --at 2025-10-29T00:00:00Z");
  EXPECT_NE(t.out.find("  collateral: issued 2025-10-27T13:07:17Z"), std::string::npos) << t.out;
  // Without collateral: null.
  rapidjson::Document none = Verify(kOutOfDateQuote, nullptr, "2025-10-29T00:00:00Z", "");
  EXPECT_TRUE(none["collateral"]["freshness"].IsNull());
}

TEST_F(FreshnessTest, NoMatchedLevelLeavesTcbDateNull) {
  rapidjson::Document d = Verify(kNotSupportedQuote, kUpToDateCollateral, kUpToDateAt, "");
  const auto& f = d["collateral"]["freshness"];
  EXPECT_TRUE(f["tcb_date"].IsNull());
  EXPECT_TRUE(f["days_since_tcb_date"].IsNull());
}

TEST_F(FreshnessTest, MaxAgePassesUpToTheLimitAndFailsAfter) {
  const std::string policy = "collateral:\n  max_age: 2d\n";
  const int64_t limit = Unix("2025-10-27T13:07:17Z") + 2 * 86400;
  EXPECT_EQ(Rule(Verify(kOutOfDateQuote, kOutOfDateCollateral, "2025-10-28T00:00:00Z", policy),
                 "collateral.max_age"),
            "pass");
  EXPECT_EQ(Rule(Verify(kOutOfDateQuote, kOutOfDateCollateral, Rfc3339(limit), policy),
                 "collateral.max_age"),
            "pass");
  rapidjson::Document after =
      Verify(kOutOfDateQuote, kOutOfDateCollateral, Rfc3339(limit + 1), policy);
  EXPECT_EQ(Rule(after, "collateral.max_age"), "fail");
  EXPECT_NE(Why(after, "collateral.max_age").find("older than 2d"), std::string::npos);
  EXPECT_STREQ(after["verdict"].GetString(), "fail");
}

TEST_F(FreshnessTest, WarnExpiringWithinWarnsNearTheEarliestNextUpdate) {
  const std::string policy = "collateral:\n  warn_expiring_within: 7d\n";
  // The PCK CRL's nextUpdate (2025-11-12T10:45:32Z) is the earliest.
  const int64_t edge = Unix("2025-11-12T10:45:32Z") - 7 * 86400;
  EXPECT_EQ(Rule(Verify(kOutOfDateQuote, kOutOfDateCollateral, Rfc3339(edge - 1), policy),
                 "collateral.warn_expiring_within"),
            "pass");
  rapidjson::Document warn = Verify(kOutOfDateQuote, kOutOfDateCollateral, Rfc3339(edge), policy);
  EXPECT_EQ(Rule(warn, "collateral.warn_expiring_within"), "warn");
  EXPECT_NE(Why(warn, "collateral.warn_expiring_within").find("pck_crl expires within 7d"),
            std::string::npos);
}

TEST_F(FreshnessTest, MinTcbEvaluationDataNumberComparesTheTcbInfos) {
  EXPECT_EQ(Rule(Verify(kOutOfDateQuote, kOutOfDateCollateral, "2025-10-29T00:00:00Z",
                        "collateral:\n  min_tcb_evaluation_data_number: 17\n"),
                 "collateral.min_tcb_evaluation_data_number"),
            "pass");
  EXPECT_EQ(Rule(Verify(kOutOfDateQuote, kOutOfDateCollateral, "2025-10-29T00:00:00Z",
                        "collateral:\n  min_tcb_evaluation_data_number: 18\n"),
                 "collateral.min_tcb_evaluation_data_number"),
            "fail");
  // The 2026 collateral of another platform has number 18.
  EXPECT_EQ(
      Rule(Verify("quotes/go-tdx-guest-v5.bin", "quotes/collateral/90C06F000000-2026-02.json",
                  "2026-02-19T00:00:00Z", "collateral:\n  min_tcb_evaluation_data_number: 18\n"),
           "collateral.min_tcb_evaluation_data_number"),
      "pass");
}

TEST_F(FreshnessTest, TcbGracePeriodWarnsUntilTcbDatePlusGraceThenFails) {
  rapidjson::Document plain =
      Verify(kOutOfDateQuote, kOutOfDateCollateral, "2025-10-29T00:00:00Z", "");
  ASSERT_STREQ(plain["collateral"]["tcb_status"].GetString(), "OutOfDate");
  const int64_t tcb_date = Unix(plain["collateral"]["freshness"]["tcb_date"].GetString());
  // A grace period that ends on 2025-11-05 (inside the collateral's window).
  const int64_t grace_days = (Unix("2025-11-05T00:00:00Z") - tcb_date) / 86400;
  ASSERT_GT(grace_days, 0);
  const std::string policy = "platform:\n  tcb_grace_period: " + std::to_string(grace_days) + "d\n";
  const int64_t until = tcb_date + grace_days * 86400;
  rapidjson::Document within =
      Verify(kOutOfDateQuote, kOutOfDateCollateral, Rfc3339(until), policy);
  EXPECT_EQ(Rule(within, "platform.tcb_grace_period"), "warn");
  EXPECT_NE(Why(within, "platform.tcb_grace_period").find("until " + Rfc3339(until)),
            std::string::npos);
  // The grace period replaces the baseline's UpToDate-only check.
  for (const auto& c : within["checks"].GetArray()) {
    EXPECT_STRNE(c["id"].GetString(), "quote.tcb_status");
  }
  rapidjson::Document after =
      Verify(kOutOfDateQuote, kOutOfDateCollateral, Rfc3339(until + 1), policy);
  EXPECT_EQ(Rule(after, "platform.tcb_grace_period"), "fail");
  EXPECT_NE(Why(after, "platform.tcb_grace_period").find("grace period ended"), std::string::npos);
}

TEST_F(FreshnessTest, TcbGracePeriodPassesUpToDateAndFailsOtherStatuses) {
  const std::string policy = "platform:\n  tcb_grace_period: 3650d\n";
  EXPECT_EQ(Rule(Verify(kUpToDateQuote, kUpToDateCollateral, kUpToDateAt, policy),
                 "platform.tcb_grace_period"),
            "pass");
  // NotSupported is no TCB recovery: a long grace period does not accept it.
  rapidjson::Document ns = Verify(kNotSupportedQuote, kUpToDateCollateral, kUpToDateAt, policy);
  EXPECT_EQ(Rule(ns, "platform.tcb_grace_period"), "fail");
  EXPECT_STREQ(ns["verdict"].GetString(), "fail");
  // With platform.tcb_status that rule judges it, and it still fails.
  rapidjson::Document both =
      Verify(kNotSupportedQuote, kUpToDateCollateral, kUpToDateAt,
             "platform:\n  tcb_grace_period: 3650d\n  tcb_status: {allow: [UpToDate]}\n");
  EXPECT_EQ(Rule(both, "platform.tcb_grace_period"), "skipped");
  EXPECT_EQ(Rule(both, "platform.tcb_status"), "fail");
}

TEST_F(FreshnessTest, RulesFailWithoutCollateralUnlessItIsOptional) {
  const std::string rules =
      "collateral:\n  max_age: 7d\n  warn_expiring_within: 1d\n"
      "  min_tcb_evaluation_data_number: 1\n";
  rapidjson::Document d = Verify(kOutOfDateQuote, nullptr, "2025-10-29T00:00:00Z",
                                 rules + "platform:\n  tcb_grace_period: 30d\n");
  for (const char* id :
       {"collateral.max_age", "collateral.warn_expiring_within",
        "collateral.min_tcb_evaluation_data_number", "platform.tcb_grace_period"}) {
    EXPECT_EQ(Rule(d, id), "fail") << id;
  }
  rapidjson::Document opt =
      Verify(kOutOfDateQuote, nullptr, "2025-10-29T00:00:00Z",
             rules + "platform:\n  tcb_grace_period: 30d\n  collateral: optional\n");
  for (const char* id :
       {"collateral.max_age", "collateral.warn_expiring_within",
        "collateral.min_tcb_evaluation_data_number", "platform.tcb_grace_period"}) {
    EXPECT_EQ(Rule(opt, id), "skipped") << id;
  }
}

TEST_F(FreshnessTest, MalformedDurationIsAnInputErrorNamingTheKey) {
  for (const char* bad : {"7", "7x", "-1d", "d", "1.5d", "99999999999999d", "[1d]"}) {
    fs::path p = tmp_.path() / "bad.yaml";
    std::ofstream(p) << "apiVersion: ccverify/v1\ncollateral:\n  max_age: " << bad << "\n";
    testing::CliRun r = testing::RunCcverify("verify --quote " + Path(kOutOfDateQuote) +
                                             " --policy " + testing::Quote(p));
    EXPECT_EQ(r.code, 3) << bad;
    EXPECT_NE(r.err.find("collateral.max_age"), std::string::npos) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("line 3"), std::string::npos) << bad << ": " << r.err;
  }
}

}  // namespace
}  // namespace ccv::cli
