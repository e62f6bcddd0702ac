// The collateral cache directory: names, round trips, freshness, atomic
// replacement, and the read-only lookup verify uses.
#include "verifier/collateral/cache.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "tests/testing/quote_pki.h"
#include "verifier/collateral/check_fetched.h"
#include "verifier/collateral/obtain.h"

namespace ccv::collateral {
namespace {

namespace fs = std::filesystem;

const CollateralKey kKey{Tee::kTdx, {0x90, 0xc0, 0x6f, 0x00, 0x00, 0x00}, PckCa::kPlatform};

class CacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ccv_cache_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    auto pki = testing::TestPki::Create();
    ASSERT_TRUE(pki.ok());
    collateral_ =
        testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir_)) names.push_back(e.path().filename());
    return names;
  }

  fs::path dir_;
  quote::QuoteCollateral collateral_;
};

TEST_F(CacheTest, EntryNameHoldsTeeFmspcAndCa) {
  CollateralCache cache("/var/cache/ccv");
  EXPECT_EQ(cache.PathFor(kKey), "/var/cache/ccv/tdx-90C06F000000-platform.json");
  CollateralCache slash("/var/cache/ccv/");
  CollateralKey sgx{Tee::kSgx, {0, 0xa0, 0x67, 0x11, 0, 0}, PckCa::kProcessor};
  EXPECT_EQ(slash.PathFor(sgx), "/var/cache/ccv/sgx-00A067110000-processor.json");
}

TEST_F(CacheTest, MissingEntryIsNoEntry) {
  CollateralCache cache(dir_.string());
  auto e = cache.Load(kKey);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_FALSE(e->has_value());
}

TEST_F(CacheTest, StoreCreatesTheDirectoryAndLoadReadsItBack) {
  CollateralCache cache((dir_ / "a/b").string());
  ASSERT_TRUE(cache.Store(kKey, collateral_).ok());
  auto e = cache.Load(kKey);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  ASSERT_TRUE(e->has_value());
  EXPECT_EQ(quote::CollateralToJson(**e), quote::CollateralToJson(collateral_));
  // The entry is a collateral file --collateral reads.
  auto text = ReadFileText(cache.PathFor(kKey));
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(quote::ParseCollateralJson(*text).ok());
}

TEST_F(CacheTest, StoreReplacesAndLeavesNoTemporaryFile) {
  CollateralCache cache(dir_.string());
  ASSERT_TRUE(cache.Store(kKey, collateral_).ok());
  quote::QuoteCollateral other = collateral_;
  other.tcb_info_signature[0] ^= 1;
  ASSERT_TRUE(cache.Store(kKey, other).ok());
  EXPECT_EQ(Files(), std::vector<std::string>{"tdx-90C06F000000-platform.json"});
  auto e = cache.Load(kKey);
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->tcb_info_signature, other.tcb_info_signature);
}

TEST_F(CacheTest, GarbageEntryIsAnErrorNamingTheFile) {
  CollateralCache cache(dir_.string());
  fs::create_directories(dir_);
  std::ofstream(cache.PathFor(kKey)) << "{\"pck_crl\": 1";
  auto e = cache.Load(kKey);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(e.status().file(), cache.PathFor(kKey));
}

TEST_F(CacheTest, StoreIntoAPathThatIsAFileFails) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "file") << "x";
  CollateralCache cache((dir_ / "file").string());
  Status s = cache.Store(kKey, collateral_);
  EXPECT_EQ(s.code(), ErrorCode::kIo);
}

TEST_F(CacheTest, FreshUntilNextUpdateInclusive) {
  EXPECT_TRUE(IsFresh(1000, Time(999)));
  EXPECT_TRUE(IsFresh(1000, Time(1000)));
  EXPECT_FALSE(IsFresh(1000, Time(1000, 1)));
  EXPECT_FALSE(IsFresh(1000, Time(2000)));
}

TEST_F(CacheTest, EarliestNextUpdateIsTheMinimumOfTheFour) {
  testing::PkiOptions o;
  o.crl_next_update = testing::kPkiNow + 3 * testing::kDay;  // both CRLs
  auto pki = testing::TestPki::Create(o);
  ASSERT_TRUE(pki.ok());
  quote::TcbInfo tcb = testing::DefaultTdxTcbInfo();
  quote::EnclaveIdentity qe = testing::DefaultQeIdentity();
  tcb.next_update = testing::kPkiNow + 5 * testing::kDay;
  qe.next_update = testing::kPkiNow + 4 * testing::kDay;
  auto next = EarliestNextUpdate(testing::MakeCollateral(*pki, tcb, qe));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, testing::kPkiNow + 3 * testing::kDay);
  qe.next_update = testing::kPkiNow + 2 * testing::kDay;
  next = EarliestNextUpdate(testing::MakeCollateral(*pki, tcb, qe));
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, testing::kPkiNow + 2 * testing::kDay);
}

TEST_F(CacheTest, CachedCollateralPathFindsTheQuotesEntry) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  std::vector<uint8_t> quote = b.Build();
  auto missing = CachedCollateralPath(dir_.string(), quote);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(missing.status().message().find("tdx FMSPC 00906ED50000"), std::string::npos)
      << missing.status().message();

  CollateralKey key{Tee::kTdx, testing::PkiOptions::DefaultPckExtensions().fmspc, PckCa::kPlatform};
  CollateralCache cache(dir_.string());
  ASSERT_TRUE(cache.Store(key, collateral_).ok());
  auto found = CachedCollateralPath(dir_.string(), quote);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, cache.PathFor(key));
}

TEST_F(CacheTest, CollateralFileIntoAMissingDirectoryLeavesNothing) {
  Status s = WriteCollateralFile((dir_ / "no/such/dir/f.json").string(), collateral_);
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_FALSE(fs::exists(dir_ / "no"));
}

TEST_F(CacheTest, CollateralFileOverADirectoryFailsAndCleansUp) {
  fs::create_directories(dir_ / "target");
  Status s = WriteCollateralFile((dir_ / "target").string(), collateral_);
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(Files(), std::vector<std::string>{"target"});
}

}  // namespace
}  // namespace ccv::collateral
