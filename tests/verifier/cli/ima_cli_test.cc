// ccverify replay / dump with IMA and CEL inputs, run as a process: exit
// codes, JSON members, CEL conversion round trips.
#include <cstdio>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/cel.h"
#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv::cli {
namespace {

testing::CliRun Ccverify(const std::string& args) {
  return testing::RunCcverify(args, testing::Stderr::kDiscard);
}

std::string Q(const std::filesystem::path& p) {
  std::string s(1, '\'');
  s.append(p.string());
  s.push_back('\'');
  return s;
}

TEST(ImaCliTest, CcApiTdReplaysCcelPlusImaToTheQuote) {
  CCV_REQUIRE_CORPUS(corpus);
  auto ev = corpus / "evidence/ccapi-td";
  testing::CliRun r = Ccverify("replay --ccel " + Q(ev / "ccel_data.bin") + " --ima " +
                               Q(ev / "ascii_runtime_measurements") + " --quote " +
                               Q(ev / "quote.bin") + " --json");
  ASSERT_EQ(r.code, 0) << r.out;
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError()) << r.out;
  auto exp = [&] {
    auto t = ReadFileText((ev / "expected.json").string());
    rapidjson::Document e;
    e.Parse(t->c_str());
    return e;
  }();
  for (const char* reg : {"rtmr0", "rtmr1", "rtmr2"}) {
    EXPECT_STREQ(d["registers"][reg]["sha384"].GetString(), exp["quote"][reg].GetString()) << reg;
    EXPECT_TRUE(d["matches_quote"][reg].GetBool()) << reg;
  }
  const auto& ima = d["logs"][1];
  EXPECT_STREQ(ima["option"].GetString(), "ima");
  EXPECT_STREQ(ima["register_kind"].GetString(), "rtmr");
  EXPECT_STREQ(ima["boot_aggregate"]["status"].GetString(), "match");
  EXPECT_STREQ(ima["boot_aggregate"]["listed"].GetString(),
               exp["ima"]["boot_aggregate"].GetString());
  EXPECT_EQ(ima["quote_prefix"][0]["added_after"].GetUint(), 0u);
}

TEST(ImaCliTest, TpmLogPlusImaChecksBootAggregate) {
  CCV_REQUIRE_CORPUS(corpus);
  testing::CliRun r = Ccverify("replay --tpm-log " + Q(corpus / "tcg/ima-evm-utils-test-bios.bin") +
                               " --ima " + Q(corpus / "ima/ima-evm-utils-test.ascii") + " --json");
  ASSERT_EQ(r.code, 0);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["logs"][1]["boot_aggregate"]["status"].GetString(), "match");
  EXPECT_STREQ(d["logs"][1]["boot_aggregate"]["form"].GetString(), "pcr0-7");
  EXPECT_STREQ(d["registers"]["pcr10"]["sha1"].GetString(),
               "84dd8a72820429a0be3d28adffe99fe9bc2580b4");
}

TEST(ImaCliTest, ImaRegisterOptionIsChecked) {
  CCV_REQUIRE_CORPUS(corpus);
  testing::CliRun r =
      Ccverify("replay --ima " + Q(corpus / "ima/ima-evm-utils-test.ascii") + " --ima-register r2");
  EXPECT_EQ(r.code, 2);
  testing::CliRun ok = Ccverify("replay --ima " + Q(corpus / "ima/ima-evm-utils-test.ascii") +
                                " --ima-register pcr10 --json");
  EXPECT_EQ(ok.code, 0);
}

TEST(ImaCliTest, BanksOptionAddsSha384AndRejectsUnknownNames) {
  CCV_REQUIRE_CORPUS(corpus);
  testing::CliRun r = Ccverify("replay --ima " + Q(corpus / "ima/raspberrypi-ima-ng.bin") +
                               " --banks sha256,sha384 --json");
  ASSERT_EQ(r.code, 0);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["registers"]["pcr10"]["sha256"].GetString(),
               "0d204f41041c48fe0d2e1ef0a6c308412c27304a68519d3ce3568a692d3fea83");
  EXPECT_TRUE(d["registers"]["pcr10"].HasMember("sha384"));
  EXPECT_FALSE(d["registers"]["pcr10"].HasMember("sha1"));
  EXPECT_EQ(
      Ccverify("replay --ima " + Q(corpus / "ima/raspberrypi-ima-ng.bin") + " --banks sha256,md5")
          .code,
      2);
}

TEST(ImaCliTest, MalformedImaIsAnInputError) {
  testing::CliRun r = Ccverify(
      "replay --ima " + Q(testing::SourceDir() / "corpus/ima/invalid/bad-algorithm-name.ascii"));
  EXPECT_EQ(r.code, 3);
  testing::CliRun m = Ccverify("replay --ima /nonexistent/list");
  EXPECT_EQ(m.code, 3);
}

TEST(ImaCliTest, DumpToCelRoundTripsForImaTcgAndCcel) {
  CCV_REQUIRE_CORPUS(corpus);
  struct C {
    std::string file, reg, bank, want;
  };
  std::vector<C> cases = {
      {"ima/raspberrypi-ima-ng.bin", "pcr10", "sha256",
       "0d204f41041c48fe0d2e1ef0a6c308412c27304a68519d3ce3568a692d3fea83"},
      {"tcg/arch-linux-workstation.bin", "pcr0", "sha1",
       "a0487b0d95387d4a30560edf5f041307bf4a1dcc"},
      {"evidence/ccapi-td/ccel_data.bin", "rtmr1", "sha384",
       "61e958c6f954ce23031fb3cae87bf4da209d697bc15a4aefcdcc92070f7b2df34720b2bb57de89c9d03c7c9aa11"
       "36569"},
  };
  auto tmp = std::filesystem::temp_directory_path();
  for (const C& c : cases) {
    for (const char* to : {"cel-tlv", "cel-json"}) {
      SCOPED_TRACE(c.file + " " + to);
      testing::CliRun d = Ccverify("dump " + Q(corpus / c.file) + " --to " + to);
      ASSERT_EQ(d.code, 0);
      auto out = tmp / ("ccv-cli-cel-" + std::to_string(::getpid()));
      ASSERT_TRUE(WriteFileBytes(out.string(), d.out.data(), d.out.size()).ok());
      testing::CliRun r = Ccverify("replay --cel " + Q(out) + " --json");
      std::filesystem::remove(out);
      ASSERT_EQ(r.code, 0);
      rapidjson::Document j;
      j.Parse(r.out.c_str());
      ASSERT_FALSE(j.HasParseError());
      EXPECT_STREQ(j["registers"][c.reg.c_str()][c.bank.c_str()].GetString(), c.want.c_str());
    }
  }
}

TEST(ImaCliTest, DumpImaJsonListsDecodedFields) {
  CCV_REQUIRE_CORPUS(corpus);
  testing::CliRun r =
      Ccverify("dump " + Q(corpus / "ima/cima-container-pod.ima-cgpath.derived.ascii") + " --json");
  ASSERT_EQ(r.code, 0);
  rapidjson::Document d;
  d.Parse(r.out.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["format"].GetString(), "ima-ascii");
  EXPECT_EQ(d["records"].GetUint(), 77u);
  const auto& e0 = d["events"][0];
  EXPECT_STREQ(e0["template"].GetString(), "ima-cgpath");
  EXPECT_STREQ(e0["template_hash_check"].GetString(), "verified");
  EXPECT_STREQ(e0["fields"]["n-ng"].GetString(), "/pause");
  EXPECT_EQ(std::string(e0["fields"]["cg-path"].GetString()).rfind("/kubepods.slice/", 0), 0u);
}

TEST(ImaCliTest, DumpRejectsUnknownTarget) {
  CCV_REQUIRE_CORPUS(corpus);
  EXPECT_EQ(Ccverify("dump " + Q(corpus / "ima/ima-evm-utils-test.ascii") + " --to yaml").code, 2);
}

}  // namespace
}  // namespace ccv::cli
