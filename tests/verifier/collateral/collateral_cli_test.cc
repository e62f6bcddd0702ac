// `ccverify collateral fetch` as a user runs it, against a loopback PCCS
// serving the corpus's real collateral; and the read-only cache of `quote
// verify` and `verify` (--collateral-cache).
#include <chrono>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"
#include "tests/verifier/collateral/fake_pcs.h"
#include "tests/verifier/collateral/loopback_server.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/tcb_eval.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name, now, status;
  fs::path quote, collateral;
};

std::vector<Case> TdxCases(const fs::path& corpus) {
  std::vector<Case> out;
  auto text = ReadFileText((corpus / "quotes/cases.json").string());
  EXPECT_TRUE(text.ok());
  rapidjson::Document d;
  d.Parse(text->c_str());
  for (const auto& c : d.GetArray()) {
    if (c["tee_tcb_svn"].IsNull()) continue;
    out.push_back({c["name"].GetString(), c["now"].GetString(), c["expected"]["status"].GetString(),
                   corpus / c["quote"].GetString(), corpus / c["collateral"].GetString()});
  }
  return out;
}

quote::QuoteCollateral Load(const fs::path& p) {
  auto text = ReadFileText(p.string());
  auto c = quote::ParseCollateralJson(text.ok() ? *text : "");
  EXPECT_TRUE(c.ok()) << p;
  return c.ok() ? *c : quote::QuoteCollateral{};
}

class CollateralCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto corpus = testing::CorpusDir();
    if (!corpus) GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS or -DCCV_CORPUS_DIR)";
    corpus_ = *corpus;
    dir_ = fs::temp_directory_path() /
           ("ccv_collateral_cli_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    server_ = std::make_unique<testing::LoopbackServer>(pcs_.Handler());
    for (const Case& c : TdxCases(corpus_)) {
      if (c.name == "dcap-qvl-tdx-v4") case_ = c;
    }
    ASSERT_FALSE(case_.name.empty());
    pcs_.Serve(Load(case_.collateral));
  }
  void TearDown() override {
    server_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string Fetch(const Case& c, const std::string& extra) {
    return "collateral fetch --quote " + testing::Quote(c.quote) + " --pccs-url " + server_->Url() +
           " --at " + c.now + " " + extra;
  }
  // Fetches case_'s collateral into `cache`, then stops the server: what
  // follows can only read the cache.
  void FillCacheAndStop(const fs::path& cache) {
    ASSERT_EQ(testing::RunCcverify(Fetch(case_, "--cache " + testing::Quote(cache))).code, 0);
    server_->Stop();
  }

  fs::path corpus_, dir_;
  testing::FakePcs pcs_;
  std::unique_ptr<testing::LoopbackServer> server_;
  Case case_;
};

TEST_F(CollateralCliTest, FetchThenQuoteVerifyGivesEveryRealTdxQuoteItsStatus) {
  for (const Case& c : TdxCases(corpus_)) {
    SCOPED_TRACE(c.name);
    pcs_.Serve(Load(c.collateral));
    const fs::path out = dir_ / (c.name + ".json");
    testing::CliRun f = testing::RunCcverify(Fetch(c, "--out " + testing::Quote(out)));
    ASSERT_EQ(f.code, 0) << f.err;
    EXPECT_TRUE(f.out.empty());
    EXPECT_NE(f.err.find("fetched from " + server_->Url()), std::string::npos) << f.err;
    testing::CliRun v =
        testing::RunCcverify("quote verify " + testing::Quote(c.quote) + " --collateral " +
                             testing::Quote(out) + " --at " + c.now + " --json");
    rapidjson::Document d;
    d.Parse(v.out.c_str());
    ASSERT_TRUE(d.IsObject()) << v.out << v.err;
    auto want = quote::TcbStatusFromName(c.status);
    ASSERT_TRUE(want.has_value());
    EXPECT_EQ(std::string(d["tcb_status"].GetString()), quote::TcbStatusName(*want));
    EXPECT_EQ(v.code, *want == quote::TcbStatus::kUpToDate ? 0 : 1) << v.out;
  }
}

TEST_F(CollateralCliTest, WithoutOutOrCacheTheJsonGoesToStdout) {
  testing::CliRun f = testing::RunCcverify(Fetch(case_, ""));
  ASSERT_EQ(f.code, 0) << f.err;
  auto c = quote::ParseCollateralJson(f.out);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(quote::CollateralToJson(*c), quote::CollateralToJson(Load(case_.collateral)));
}

TEST_F(CollateralCliTest, NotFoundExits3NamingUrlAndStatusAndWritesNothing) {
  pcs_.Override("/tdx/certification/v4/qe/identity", testing::CannedResponse{404, {}, "", {}, {}});
  const fs::path out = dir_ / "c.json";
  testing::CliRun f = testing::RunCcverify(Fetch(case_, "--out " + testing::Quote(out)));
  EXPECT_EQ(f.code, 3);
  EXPECT_NE(f.err.find(server_->Url() + "/tdx/certification/v4/qe/identity: HTTP 404"),
            std::string::npos)
      << f.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 0);
}

TEST_F(CollateralCliTest, FailureLeavesAnExistingOutputAsItWas) {
  pcs_.Override("/sgx/certification/v4/rootcacrl", testing::CannedResponse{500, {}, "", {}, {}});
  const fs::path out = dir_ / "c.json";
  std::ofstream(out) << "previous";
  testing::CliRun f = testing::RunCcverify(Fetch(case_, "--out " + testing::Quote(out)));
  EXPECT_EQ(f.code, 3);
  EXPECT_NE(f.err.find("rootcacrl: HTTP 500"), std::string::npos) << f.err;
  auto text = ReadFileText(out.string());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "previous");
}

TEST_F(CollateralCliTest, CollateralThatDoesNotVerifyExits3) {
  quote::QuoteCollateral c = Load(case_.collateral);
  c.tcb_info_signature[0] ^= 1;
  pcs_.Serve(c);
  const fs::path out = dir_ / "c.json";
  testing::CliRun f = testing::RunCcverify(Fetch(case_, "--out " + testing::Quote(out)));
  EXPECT_EQ(f.code, 3);
  EXPECT_NE(f.err.find("tcb_info_signature"), std::string::npos) << f.err;
  EXPECT_FALSE(fs::exists(out));
}

TEST_F(CollateralCliTest, TimeoutFlagEndsASlowFetchQuickly) {
  testing::CannedResponse slow = pcs_.Handle("/tdx/certification/v4/tcb?fmspc=B0C06F000000");
  slow.delay = std::chrono::seconds(30);
  pcs_.Override("/tdx/certification/v4/tcb", slow);
  auto start = std::chrono::steady_clock::now();
  testing::CliRun f = testing::RunCcverify(Fetch(case_, "--timeout 0.3 --connect-timeout 1"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(f.code, 3);
  EXPECT_NE(f.err.find("curl error 28"), std::string::npos) << f.err;
  server_->Stop();
}

TEST_F(CollateralCliTest, CacheServesWithTheServerStopped) {
  const fs::path cache = dir_ / "cache";
  testing::CliRun first = testing::RunCcverify(Fetch(case_, "--cache " + testing::Quote(cache)));
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_TRUE(first.out.empty());  // --cache alone writes no JSON to stdout
  EXPECT_TRUE(fs::exists(cache / "tdx-B0C06F000000-platform.json"));
  server_->Stop();
  const fs::path out = dir_ / "c.json";
  testing::CliRun second = testing::RunCcverify(
      Fetch(case_, "--cache " + testing::Quote(cache) + " --out " + testing::Quote(out)));
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_NE(second.err.find("taken from the cache"), std::string::npos) << second.err;
  auto text = ReadFileText(out.string());
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, quote::CollateralToJson(Load(case_.collateral)));
}

TEST_F(CollateralCliTest, QuoteVerifyReadsTheCache) {
  const fs::path cache = dir_ / "cache";
  ASSERT_NO_FATAL_FAILURE(FillCacheAndStop(cache));
  testing::CliRun v =
      testing::RunCcverify("quote verify " + testing::Quote(case_.quote) + " --collateral-cache " +
                           testing::Quote(cache) + " --at " + case_.now + " --json");
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  rapidjson::Document d;
  d.Parse(v.out.c_str());
  ASSERT_TRUE(d.IsObject()) << v.out;
  EXPECT_STREQ(d["tcb_status"].GetString(), "UpToDate");
}

TEST_F(CollateralCliTest, QuoteVerifyWithAnEmptyCacheNamesTheMissingEntry) {
  testing::CliRun v =
      testing::RunCcverify("quote verify " + testing::Quote(case_.quote) + " --collateral-cache " +
                           testing::Quote(dir_) + " --at " + case_.now);
  EXPECT_EQ(v.code, 3);
  EXPECT_NE(v.err.find("tdx FMSPC B0C06F000000, PCK platform CA"), std::string::npos) << v.err;
}

TEST_F(CollateralCliTest, VerifyTakesCollateralFromTheCacheWhenNoneIsGiven) {
  const fs::path cache = dir_ / "cache";
  ASSERT_NO_FATAL_FAILURE(FillCacheAndStop(cache));
  testing::CliRun v = testing::RunCcverify("verify --quote " + testing::Quote(case_.quote) +
                                           " --collateral-cache " + testing::Quote(cache) +
                                           " --at " + case_.now + " --format json");
  rapidjson::Document d;
  d.Parse(v.out.c_str());
  ASSERT_TRUE(d.IsObject()) << v.out << v.err;
  ASSERT_TRUE(d.HasMember("collateral"));
  ASSERT_TRUE(d["collateral"]["tcb_status"].IsString()) << v.out;
  EXPECT_STREQ(d["collateral"]["tcb_status"].GetString(), "UpToDate");
}

TEST_F(CollateralCliTest, VerifyPrefersTheGivenCollateralToTheCache) {
  // The cache holds nothing: --collateral alone decides.
  testing::CliRun v =
      testing::RunCcverify("verify --quote " + testing::Quote(case_.quote) + " --collateral " +
                           testing::Quote(case_.collateral) + " --collateral-cache " +
                           testing::Quote(dir_) + " --at " + case_.now + " --format json");
  rapidjson::Document d;
  d.Parse(v.out.c_str());
  ASSERT_TRUE(d.IsObject()) << v.out << v.err;
  EXPECT_STREQ(d["collateral"]["tcb_status"].GetString(), "UpToDate");
}

TEST_F(CollateralCliTest, UsageErrorsExit2) {
  const std::string q = " --quote " + testing::Quote(case_.quote);
  for (const std::string& args :
       {std::string("collateral fetch"),
        "collateral fetch" + q + " --pccs-url http://h --pcs-url http://h",
        "collateral fetch" + q + " --pccs-url ftp://h",
        "collateral fetch" + q + " --pccs-url http://h --timeout 0",
        "collateral fetch" + q + " --pccs-url http://h --connect-timeout -1",
        "collateral fetch" + q + " --pccs-url http://h --at yesterday",
        "collateral fetch" + q + " --bogus",
        std::string("quote verify ") + testing::Quote(case_.quote)}) {
    SCOPED_TRACE(args);
    EXPECT_EQ(testing::RunCcverify(args).code, 2);
  }
}

TEST_F(CollateralCliTest, UnreadableQuoteExits3) {
  testing::CliRun f =
      testing::RunCcverify("collateral fetch --quote " + testing::Quote(dir_ / "missing.bin") +
                           " --pccs-url " + server_->Url());
  EXPECT_EQ(f.code, 3);
  EXPECT_EQ(server_->requests(), 0);
}

TEST_F(CollateralCliTest, HelpListsTheFlags) {
  testing::CliRun h = testing::RunCcverify("collateral fetch --help");
  EXPECT_EQ(h.code, 0);
  for (const char* flag : {"--quote", "--pccs-url", "--pcs-url", "--out", "--cache", "--root-ca",
                           "--at", "--connect-timeout", "--timeout"}) {
    EXPECT_NE(h.out.find(flag), std::string::npos) << flag;
  }
}

}  // namespace
}  // namespace ccv
