// `--at` through the command line: fractions of a second count against the
// collateral's whole-second bounds, the report keeps the fraction, and
// malformed fractions or second 60 outside a leap second are usage errors.
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

using RunResult = testing::CliRun;

RunResult RunCcverify(const std::string& args) {
  return testing::RunCcverify(args, testing::Stderr::kMerged);
}

class AtPrecisionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("ccv_at_cli_" + std::to_string(getpid())));
    ASSERT_TRUE(testing::WriteSyntheticQuoteSet(dir_->string()).ok());
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }
  static RunResult Quote(const std::string& at) {
    return RunCcverify("quote verify " + (*dir_ / "quote.bin").string() + " --collateral " +
                       (*dir_ / "collateral.json").string() + " --root-ca " +
                       (*dir_ / "root_ca.pem").string() + " --json --at '" + at + "'");
  }
  static fs::path* dir_;
};
fs::path* AtPrecisionTest::dir_ = nullptr;

// The synthetic CRLs' nextUpdate: kPkiNow + 20 days.
constexpr char kCrlNextUpdate[] = "2026-01-21T00:00:00";

TEST_F(AtPrecisionTest, ExactlyAtCrlNextUpdatePassesHalfASecondLaterFails) {
  RunResult at = Quote(std::string(kCrlNextUpdate) + "Z");
  EXPECT_EQ(at.code, 0) << at.out;
  RunResult later = Quote(std::string(kCrlNextUpdate) + ".5Z");
  EXPECT_EQ(later.code, 1) << later.out;
  rapidjson::Document d;
  d.Parse(later.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << later.out;
  EXPECT_STREQ(d["at"].GetString(), "2026-01-21T00:00:00.5Z");
  bool crl_failed = false;
  for (const auto& c : d["checks"].GetArray()) {
    if (std::string(c["id"].GetString()) == "root_ca_crl") {
      crl_failed = std::string(c["status"].GetString()) == "fail";
    }
  }
  EXPECT_TRUE(crl_failed) << later.out;
  // The same instant written with an offset.
  EXPECT_EQ(Quote("2026-01-21T01:00:00.5+01:00").code, 1);
  EXPECT_EQ(Quote("2026-01-21T01:00:00+01:00").code, 0);
}

TEST_F(AtPrecisionTest, BadFractionsAndFalseLeapSecondsAreUsageErrors) {
  for (const char* bad : {"2026-01-01T00:00:00.Z", "2026-01-01T00:00:00.1234567890Z",
                          "2026-01-01T23:59:60Z", "2016-12-31T23:59:60+01:00"}) {
    RunResult r = Quote(bad);
    EXPECT_EQ(r.code, 2) << bad << "\n" << r.out;
    EXPECT_NE(r.out.find("--at: bad RFC 3339 time"), std::string::npos) << r.out;
  }
  EXPECT_NE(Quote("2026-01-01T00:00:00.1234567890Z").out.find("more than 9 fraction digits"),
            std::string::npos);
}

TEST_F(AtPrecisionTest, RealLeapSecondIsAccepted) {
  // Long before the synthetic collateral: untrusted (exit 1), not a usage
  // error, and reported as the last nanosecond of the day.
  RunResult r = Quote("2016-12-31T23:59:60Z");
  EXPECT_EQ(r.code, 1) << r.out;
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  EXPECT_STREQ(d["at"].GetString(), "2016-12-31T23:59:59.999999999Z");
}

}  // namespace
}  // namespace ccv::cli
