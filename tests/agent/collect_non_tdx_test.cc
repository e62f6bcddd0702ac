// ccverify-agent collect on a guest without TDX (a VM with a TPM): no CCEL
// files, no configfs-tsm, no /dev/tdx_guest. The agent bundles what the guest
// has and names what it did not find; --require tdx refuses such a guest.
#include <filesystem>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include "gtest/gtest.h"
#include "tests/agent/fake_guest.h"
#include "tests/testing/corpus.h"
#include "verifier/bundle/evidence.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;
using namespace ::ccv::testing;  // NOLINT: test helpers

class CollectNonTdxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found";
    work_ = MakeTempDir("nontdx");
    root_ = work_ / "guest";
    out_parent_ = work_ / "out";
    fs::create_directories(out_parent_);
    tpm_ = ReadAll(*corpus / "tcg" / "tpm2-tools-tiny-event.bin");
    ima_ = ReadAll(*corpus / "ima" / "ima-evm-utils-test.ascii");
    ASSERT_FALSE(tpm_.empty());
    ASSERT_FALSE(ima_.empty());
    WriteAll(root_ / kFakeTpmLog, tpm_);
    WriteAll(root_ / kFakeImaAscii, ima_);
    fs::create_directories(root_ / "dev");
  }
  void TearDown() override {
    if (!work_.empty()) fs::remove_all(work_);
  }
  RunResult Collect(std::vector<std::string> extra = {}) {
    std::vector<std::string> argv = {(BinaryDir() / "ccverify-agent").string(),
                                     "collect",
                                     "--root",
                                     root_.string(),
                                     "--out",
                                     out().string()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return RunCommand(argv);
  }
  fs::path out() const { return out_parent_ / "bundle"; }
  rapidjson::Document Manifest() {
    auto bytes = ReadAll(out() / "evidence.json");
    rapidjson::Document d;
    d.Parse(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    EXPECT_FALSE(d.HasParseError());
    return d;
  }
  static std::vector<std::string> Strings(const rapidjson::Value& v) {
    std::vector<std::string> out;
    for (const auto& s : v.GetArray()) out.emplace_back(s.GetString());
    return out;
  }

  fs::path work_, root_, out_parent_;
  std::vector<uint8_t> tpm_, ima_;
};

TEST_F(CollectNonTdxTest, BundlesTheTpmLogAndImaAndNamesWhatIsMissing) {
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ListNames(out()),
            (std::vector<std::string>{"ascii_runtime_measurements", "binary_bios_measurements",
                                      "evidence.json"}));
  EXPECT_EQ(ReadAll(out() / "binary_bios_measurements"), tpm_);
  EXPECT_EQ(ReadAll(out() / "ascii_runtime_measurements"), ima_);
  rapidjson::Document d = Manifest();
  EXPECT_FALSE(d.HasMember("tee"));
  EXPECT_FALSE(d.HasMember("ccel"));
  EXPECT_FALSE(d.HasMember("quote"));
  EXPECT_FALSE(d.HasMember("td_report"));
  EXPECT_STREQ(d["tpm_eventlog"].GetString(), "binary_bios_measurements");
  EXPECT_STREQ(d["ima"]["register"].GetString(), "pcr10");
  ASSERT_TRUE(d.HasMember("not_found"));
  EXPECT_EQ(Strings(d["not_found"]), (std::vector<std::string>{"ccel", "quote", "tpm_quote"}));
  // The verifier's strict reader takes what the agent wrote.
  Result<bundle::Evidence> e = bundle::LoadEvidenceDir(out().string());
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->not_found, (std::vector<std::string>{"ccel", "quote", "tpm_quote"}));
  EXPECT_FALSE(e->quote);
  EXPECT_TRUE(e->tpm_eventlog);
}

TEST_F(CollectNonTdxTest, MissingImaAndTpmLogAreNamedToo) {
  fs::remove(root_ / kFakeImaAscii);
  RunResult r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  rapidjson::Document d = Manifest();
  EXPECT_FALSE(d.HasMember("ima"));
  EXPECT_EQ(Strings(d["not_found"]),
            (std::vector<std::string>{"ccel", "quote", "tpm_quote", "ima"}));

  fs::remove_all(out());
  WriteAll(root_ / kFakeImaAscii, ima_);
  fs::remove(root_ / kFakeTpmLog);
  r = Collect();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Strings(Manifest()["not_found"]),
            (std::vector<std::string>{"ccel", "quote", "tpm_quote", "tpm_eventlog"}));
}

TEST_F(CollectNonTdxTest, RequireTdxRefusesTheGuestNamingTheCcelTable) {
  RunResult r = Collect({"--require", "tdx"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("CCEL ACPI table"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find((root_ / kFakeCcelTable).string()), std::string::npos) << r.err;
  EXPECT_TRUE(ListNames(out_parent_).empty());
}

TEST_F(CollectNonTdxTest, RequireTakesOnlyTdx) {
  RunResult r = Collect({"--require", "sev"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--require"), std::string::npos) << r.err;
  r = Collect({"--require=tdx", "--require=tdx"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(ListNames(out_parent_).empty());
}

TEST_F(CollectNonTdxTest, AGuestWithNoEvidenceAtAllIsAnInputError) {
  fs::remove_all(root_ / "sys");
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("no evidence"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(kFakeTpmLog), std::string::npos) << r.err;
  EXPECT_TRUE(ListNames(out_parent_).empty());
}

// One CCEL file without the other is a broken TDX guest, not a guest without TDX.
TEST_F(CollectNonTdxTest, HalfACcelIsStillAnError) {
  WriteAll(root_ / kFakeCcelData, std::vector<uint8_t>(64, 0));
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find((root_ / kFakeCcelTable).string()), std::string::npos) << r.err;
  EXPECT_TRUE(ListNames(out_parent_).empty());
}

TEST_F(CollectNonTdxTest, ACorruptTpmLogIsStillAnError) {
  std::vector<uint8_t> bad = tpm_;
  bad.resize(bad.size() / 2 + 3);
  WriteAll(root_ / kFakeTpmLog, bad);
  RunResult r = Collect();
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("binary_bios_measurements"), std::string::npos) << r.err;
  EXPECT_TRUE(ListNames(out_parent_).empty());
}

}  // namespace
}  // namespace ccv::agent
