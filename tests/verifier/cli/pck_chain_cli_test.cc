// Whole-process tests of --pck-chain on `quote verify`, `verify` and
// `collateral fetch` (from a fresh cache entry, so no network): quotes of
// certification data types 1-5 from the test PKI, with and without the
// chain, and the manifest's pck_chain.
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/collateral.h"

namespace ccv::cli {
namespace {

namespace fs = std::filesystem;

constexpr char kAt[] = " --at 2026-01-01T00:00:00Z";

class PckChainCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ccv_pck_chain_cli_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    auto pki = testing::TestPki::Create();
    ASSERT_TRUE(pki.ok());
    pki_ = std::make_unique<testing::TestPki>(std::move(*pki));
    testing::PkiOptions other;
    other.pck_leaf_key_seed = 42;  // same root and CA, another platform
    auto o = testing::TestPki::Create(other);
    ASSERT_TRUE(o.ok());
    Write("root_ca.pem", pki_->RootPem());
    Write("pck.pem", pki_->pck_leaf().Pem() + pki_->pck_ca().Pem());
    Write("ca.pem", pki_->pck_ca().Pem());
    Write("other.pem", o->pck_leaf().Pem() + o->pck_ca().Pem());
    Write("collateral.json",
          quote::CollateralToJson(testing::MakeCollateral(*pki_, testing::DefaultTdxTcbInfo(),
                                                          testing::DefaultQeIdentity())));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileBytes((dir_ / name).string(), text.data(), text.size()).ok());
  }
  // quote.bin with certification data `type` (1-3: a PCK identifier; 4: the leaf).
  void WriteQuote(uint16_t type) {
    testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki_);
    b.cert_type = type;
    if (type == 4) {
      b.pck_chain_pem = pki_->pck_leaf().Pem();
    } else if (type != 5) {
      size_t ppid = type == 1 ? 16 : type == 2 ? 256 : 384;
      b.pck_chain_pem = std::string(ppid + 20, '\x07');
    }
    ASSERT_TRUE(testing::SignQuote(*pki_, testing::TestAttestationKey(), &b).ok());
    std::vector<uint8_t> q = b.Build();
    ASSERT_TRUE(WriteFileBytes((dir_ / "quote.bin").string(), q.data(), q.size()).ok());
  }
  std::string P(const std::string& name) const { return testing::Quote(dir_ / name); }
  std::string QuoteVerify(const std::string& extra) const {
    return "quote verify " + P("quote.bin") + " --collateral " + P("collateral.json") +
           " --root-ca " + P("root_ca.pem") + kAt + " " + extra;
  }

  fs::path dir_;
  std::unique_ptr<testing::TestPki> pki_;
};

TEST_F(PckChainCliTest, QuoteVerifyPassesEachTypeWithTheChainAndFailsWithout) {
  for (uint16_t type : std::initializer_list<uint16_t>{1, 2, 3, 4}) {
    SCOPED_TRACE(type);
    WriteQuote(type);
    testing::CliRun with = testing::RunCcverify(
        QuoteVerify("--json --pck-chain " + P(type == 4 ? "ca.pem" : "pck.pem")),
        testing::Stderr::kDiscard);
    EXPECT_EQ(with.code, 0) << with.out;
    rapidjson::Document d;
    d.Parse(with.out.c_str());
    ASSERT_FALSE(d.HasParseError()) << with.out;
    EXPECT_STREQ(d["pck"]["chain_source"].GetString(), "supplied");
    EXPECT_EQ(d["quote"]["cert_data_type"].GetInt(), type);
    EXPECT_EQ(d["quote"].HasMember("pck_identifier"), type != 4);

    testing::CliRun without = testing::RunCcverify(QuoteVerify(""), testing::Stderr::kDiscard);
    EXPECT_EQ(without.code, 1) << without.out;
    EXPECT_NE(without.out.find("certification data type " + std::to_string(type)),
              std::string::npos)
        << without.out;
    EXPECT_NE(without.out.find("--pck-chain"), std::string::npos) << without.out;
  }
}

TEST_F(PckChainCliTest, QuoteVerifyRefusesAnotherPlatformsChain) {
  WriteQuote(3);
  testing::CliRun r =
      testing::RunCcverify(QuoteVerify("--pck-chain " + P("other.pem")), testing::Stderr::kDiscard);
  EXPECT_EQ(r.code, 1) << r.out;
  // Type 5: the supplied chain must be the quote's.
  WriteQuote(5);
  EXPECT_EQ(
      testing::RunCcverify(QuoteVerify("--pck-chain " + P("pck.pem")), testing::Stderr::kDiscard)
          .code,
      0);
  testing::CliRun differs =
      testing::RunCcverify(QuoteVerify("--pck-chain " + P("other.pem")), testing::Stderr::kDiscard);
  EXPECT_EQ(differs.code, 1) << differs.out;
  EXPECT_NE(differs.out.find("differs"), std::string::npos) << differs.out;
  // Type 4: another leaf is an input error naming both.
  WriteQuote(4);
  testing::CliRun leaf =
      testing::RunCcverify(QuoteVerify("--pck-chain " + P("other.pem")), testing::Stderr::kMerged);
  EXPECT_EQ(leaf.code, 3) << leaf.out;
  EXPECT_NE(leaf.out.find("other.pem"), std::string::npos) << leaf.out;
  EXPECT_NE(leaf.out.find(pki_->pck_leaf().SerialHex()), std::string::npos) << leaf.out;
  // A file that is no PEM chain is an input error naming it.
  testing::CliRun bad = testing::RunCcverify(QuoteVerify("--pck-chain " + P("collateral.json")),
                                             testing::Stderr::kMerged);
  EXPECT_EQ(bad.code, 3) << bad.out;
  EXPECT_NE(bad.out.find("collateral.json"), std::string::npos) << bad.out;
}

TEST_F(PckChainCliTest, VerifyTakesTheChainFromTheFlagOrTheManifest) {
  WriteQuote(2);
  const std::string base = "verify --quote " + P("quote.bin") + " --collateral " +
                           P("collateral.json") + " --root-ca " + P("root_ca.pem") + kAt +
                           " --format json";
  auto qe_signature = [](const std::string& json) {
    rapidjson::Document d;
    d.Parse(json.c_str());
    if (d.HasParseError() || !d.HasMember("checks")) return std::string("unparsed");
    for (const auto& c : d["checks"].GetArray()) {
      if (std::string(c["id"].GetString()) == "quote.qe_report_signature")
        return std::string(c["status"].GetString());
    }
    return std::string("absent");
  };
  testing::CliRun with =
      testing::RunCcverify(base + " --pck-chain " + P("pck.pem"), testing::Stderr::kDiscard);
  EXPECT_EQ(qe_signature(with.out), "pass") << with.out;
  testing::CliRun without = testing::RunCcverify(base, testing::Stderr::kDiscard);
  EXPECT_EQ(without.code, 1);
  EXPECT_EQ(qe_signature(without.out), "fail") << without.out;
  testing::CliRun other =
      testing::RunCcverify(base + " --pck-chain " + P("other.pem"), testing::Stderr::kDiscard);
  EXPECT_EQ(other.code, 1);
  EXPECT_EQ(qe_signature(other.out), "fail") << other.out;

  Write("evidence.json",
        R"({"version": 1, "tee": "tdx", "quote": "quote.bin", "collateral": "collateral.json", )"
        R"("pck_chain": "pck.pem"})");
  testing::CliRun bundle = testing::RunCcverify(
      "verify " + testing::Quote(dir_) + " --root-ca " + P("root_ca.pem") + kAt + " --format json",
      testing::Stderr::kDiscard);
  EXPECT_EQ(qe_signature(bundle.out), "pass") << bundle.out;
  // The flag replaces the manifest's chain.
  testing::CliRun flag =
      testing::RunCcverify("verify " + testing::Quote(dir_) + " --root-ca " + P("root_ca.pem") +
                               kAt + " --format json --pck-chain " + P("other.pem"),
                           testing::Stderr::kDiscard);
  EXPECT_EQ(qe_signature(flag.out), "fail") << flag.out;
}

TEST_F(PckChainCliTest, CollateralFetchSelectsTheKeyThroughTheSuppliedChain) {
  WriteQuote(3);
  fs::create_directories(dir_ / "cache");
  fs::copy_file(dir_ / "collateral.json", dir_ / "cache" / "tdx-00906ED50000-platform.json");
  const std::string base = "collateral fetch --quote " + P("quote.bin") + " --cache " + P("cache") +
                           " --root-ca " + P("root_ca.pem") + kAt +
                           " --pccs-url https://127.0.0.1:9";
  testing::CliRun without = testing::RunCcverify(base, testing::Stderr::kMerged);
  EXPECT_EQ(without.code, 3) << without.out;
  EXPECT_NE(without.out.find("--pck-chain"), std::string::npos) << without.out;
  testing::CliRun with =
      testing::RunCcverify(base + " --pck-chain " + P("pck.pem"), testing::Stderr::kMerged);
  EXPECT_EQ(with.code, 0) << with.out;
  EXPECT_NE(with.out.find("taken from the cache"), std::string::npos) << with.out;
  // The read-only cache lookup of quote verify takes the same key.
  testing::CliRun cached = testing::RunCcverify(
      "quote verify " + P("quote.bin") + " --collateral-cache " + P("cache") + " --root-ca " +
          P("root_ca.pem") + kAt + " --pck-chain " + P("pck.pem"),
      testing::Stderr::kDiscard);
  EXPECT_EQ(cached.code, 0) << cached.out;
}

}  // namespace
}  // namespace ccv::cli
