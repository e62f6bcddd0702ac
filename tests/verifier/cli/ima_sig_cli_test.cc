// ccverify replay --ima F --ima-keys K: counts, the entries it names and the
// exit code, on keylime's lists of the shared corpus.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv::cli {
namespace {

// ccverify replay --ima LIST --ima-keys KEYS, with the rest of the flags.
testing::CliRun ReplayWithKeys(const std::filesystem::path& list, const std::filesystem::path& keys,
                               const std::string& rest = "") {
  return testing::RunCcverify("replay --ima " + testing::Quote(list) + " --ima-keys " +
                              testing::Quote(keys) + rest);
}

TEST(ImaSigCliTest, CountsAndNamesEntries) {
  CCV_REQUIRE_CORPUS(corpus);
  const auto d = corpus / "ima-sig" / "keylime";
  testing::CliRun r =
      ReplayWithKeys(d / "SIGNATURES.ascii_runtime_measurements", d / "rsa2048pub.pem", " --json");
  ASSERT_EQ(r.code, 0) << r.err;  // an unknown key is counted, not failed
  rapidjson::Document doc;
  doc.Parse(r.out.c_str());
  ASSERT_FALSE(doc.HasParseError());
  const auto& s = doc["logs"][0]["signatures"];
  EXPECT_EQ(s["verified"].GetUint(), 1u);
  EXPECT_EQ(s["unknown_key"].GetUint(), 1u);
  ASSERT_EQ(s["failing"].Size(), 1u);
  EXPECT_STREQ(s["failing"][0]["path"].GetString(), "/usr/bin/zmore");
  EXPECT_STREQ(s["failing"][0]["keyid"].GetString(), "531f4025");
}

TEST(ImaSigCliTest, MalformedSignatureExitsOneNamingTheEntry) {
  CCV_REQUIRE_CORPUS(corpus);
  const auto d = corpus / "ima-sig" / "keylime";
  testing::CliRun r =
      ReplayWithKeys(d / "BAD_SIGNATURES.ascii_runtime_measurements", d / "rsa2048pub.pem");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("/usr/bin/zmore: malformed"), std::string::npos) << r.out;
}

TEST(ImaSigCliTest, KeysNeedAList) {
  CCV_REQUIRE_CORPUS(corpus);
  const auto d = corpus / "ima-sig" / "keylime";
  EXPECT_EQ(testing::RunCcverify("replay --ima-keys " + testing::Quote(d / "rsa2048pub.pem") +
                                 " --ccel " + testing::Quote(d / "rsa2048pub.pem"))
                .code,
            2);
}

TEST(ImaSigCliTest, FileWithoutKeysIsAnInputError) {
  CCV_REQUIRE_CORPUS(corpus);
  const auto d = corpus / "ima-sig" / "keylime";
  testing::CliRun r = ReplayWithKeys(d / "SIGNATURES.ascii_runtime_measurements",
                                     d / "SIGNATURES.ascii_runtime_measurements");
  EXPECT_EQ(r.code, 3);
  EXPECT_NE(r.err.find("SIGNATURES.ascii_runtime_measurements"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccv::cli
