// Attacks on the verdict (DESIGN §8): every bundle of the attack table
// (attacks.h) run through the ccverify binary, asserting the exit code, the
// checks and rules that must fail or pass, and what the report says. Then
// the attacks that are not a verify run: conversions that would launder a
// forged log, and the replay command's own exit codes.
#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/adversarial/attacks.h"
#include "tests/testing/cli.h"
#include "tests/testing/demo_bundle.h"

namespace ccv::adversarial {
namespace {

class FailClosedTest : public ::testing::TestWithParam<Attack> {};

TEST_P(FailClosedTest, VerdictIsAsAFailClosedVerifierMustGive) {
  const Attack& attack = GetParam();
  testing::BundleCopy b;
  if (attack.build) attack.build(b);
  testing::CliRun r = testing::RunCcverify(VerifyArgs(attack, b));
  const std::string all = r.out + r.err;
  EXPECT_EQ(r.code, attack.exit_code) << all;
  auto statuses = testing::ReportStatuses(r.out);
  for (const auto& [id, status] : attack.statuses)
    EXPECT_EQ(statuses[id], status) << id << "\n" << all;
  if (!attack.says.empty()) {
    EXPECT_NE(all.find(attack.says), std::string::npos) << all;
  }
  if (!attack.never_says.empty()) {
    EXPECT_EQ(all.find(attack.never_says), std::string::npos) << all;
  }
  if (attack.exit_code == 3) {
    EXPECT_FALSE(r.err.empty());
  } else {
    // Every verdict says where its nonce came from.
    rapidjson::Document d;
    d.Parse(r.out.c_str());
    ASSERT_TRUE(d.IsObject()) << r.out;
    const bool from_verifier = attack.nonce || attack.report_data;
    EXPECT_STREQ(d["freshness"]["nonce_source"].GetString(), from_verifier ? "verifier" : "bundle");
    EXPECT_EQ(d["freshness"]["fresh"].GetBool(), from_verifier);
    if (attack.failing_rules) {
      std::set<std::string> failing;
      ASSERT_TRUE(d.HasMember("policy") && d["policy"].IsObject()) << r.out;
      for (const auto& x : d["policy"]["rules"].GetArray()) {
        if (std::string(x["status"].GetString()) == "fail") failing.insert(x["id"].GetString());
      }
      EXPECT_EQ(failing, *attack.failing_rules) << all;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Attacks, FailClosedTest, ::testing::ValuesIn(Attacks()),
                         [](const ::testing::TestParamInfo<Attack>& i) { return i.param.name; });

// `dump --to cel-*` refuses a log whose text is not what its digests cover,
// so a conversion never launders a forged record.
TEST(FailClosedConversionTest, DumpToCelRefusesAForgedLog) {
  testing::BundleCopy b;
  for (const char* to : {"cel-json", "cel-tlv"}) {
    EXPECT_EQ(testing::RunCcverify("dump " + testing::Quote(b / "CCEL.data") + " --to " + to).code,
              0)
        << to;
  }
  b.Patch("CCEL.data", "Calling EFI", "Hacking EFI");
  for (const char* to : {"cel-json", "cel-tlv"}) {
    testing::CliRun r =
        testing::RunCcverify("dump " + testing::Quote(b / "CCEL.data") + " --to " + to);
    EXPECT_EQ(r.code, 1) << to << r.err;
    EXPECT_TRUE(r.out.empty()) << to;
  }
}

// replay --quote exits 1 when the replay does not reproduce the quote;
// --ima-register takes only what is implemented.
TEST(FailClosedReplayTest, ReplayCommandFailsOnADifferenceAndRefusesOtherRegisters) {
  testing::BundleCopy b;
  std::string args = "replay --ccel " + testing::Quote(b / "CCEL.data") + " --quote " +
                     testing::Quote(b / "quote.bin");
  EXPECT_EQ(
      testing::RunCcverify(args + " --ima " + testing::Quote(b / "ascii_runtime_measurements"))
          .code,
      0);
  EXPECT_EQ(testing::RunCcverify(args).code, 1);  // RTMR2 without the IMA list differs
  EXPECT_EQ(
      testing::RunCcverify("replay --ima " + testing::Quote(b / "ascii_runtime_measurements") +
                           " --ima-register pcr11")
          .code,
      2);
  EXPECT_EQ(
      testing::RunCcverify("replay --ima " + testing::Quote(b / "ascii_runtime_measurements") +
                           " --ima-register pcr10")
          .code,
      3);
}

}  // namespace
}  // namespace ccv::adversarial
