#include "agent/configfs_tsm.h"

#include <array>
#include <filesystem>

#include "gtest/gtest.h"
#include "tests/agent/fake_guest.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;

std::array<uint8_t, kTsmInblobLen> Inblob(uint8_t seed) {
  std::array<uint8_t, kTsmInblobLen> b{};
  for (size_t i = 0; i < b.size(); ++i) b[i] = uint8_t(seed + i);
  return b;
}

class ConfigfsTsmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::MakeTempDir("tsm");
    report_ = root_ / "report";
    fs::create_directories(report_);
  }
  void TearDown() override { fs::remove_all(root_); }
  // Entries left in the report directory besides the fake's template.
  std::vector<std::string> Leftovers() {
    std::vector<std::string> names = testing::ListNames(report_);
    std::erase(names, ".template");
    return names;
  }
  // A write the provider answers with the generation moved by `bump` (not
  // by one) fails on the generation and leaves no entry behind.
  void ExpectGenerationRejected(uint64_t bump) {
    testing::FakeTsm fake(report_, {1, 2, 3}, bump);
    Result<TsmReport> r = GetTsmReport(report_.string(), Inblob(0));
    fake.Stop();
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
    EXPECT_EQ(r.status().field(), "generation");
    EXPECT_TRUE(Leftovers().empty());
  }
  fs::path root_, report_;
};

TEST_F(ConfigfsTsmTest, ReturnsOutblobForOneWriteAndRemovesEntry) {
  std::vector<uint8_t> quote = {1, 2, 3, 4, 5};
  testing::FakeTsm fake(report_, quote, /*bump=*/1, /*start_generation=*/41);
  Result<TsmReport> r = GetTsmReport(report_.string(), Inblob(9));
  fake.Stop();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->outblob, quote);
  EXPECT_EQ(r->provider, "tdx_guest");
  EXPECT_EQ(r->generation, 42u);
  ASSERT_EQ(fake.inblobs().size(), 1u);
  auto want = Inblob(9);
  EXPECT_EQ(fake.inblobs()[0], std::vector<uint8_t>(want.begin(), want.end()));
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(ConfigfsTsmTest, GenerationBumpedTwiceIsAConcurrentWriter) { ExpectGenerationRejected(2); }

TEST_F(ConfigfsTsmTest, GenerationUnchangedMeansOurWriteWasNotSeen) { ExpectGenerationRejected(0); }

TEST_F(ConfigfsTsmTest, EmptyOutblobMeansNoQuoteService) {
  testing::FakeTsm fake(report_, {});
  Result<TsmReport> r = GetTsmReport(report_.string(), Inblob(0));
  fake.Stop();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(ConfigfsTsmTest, MissingReportDirectoryIsNotFound) {
  Result<TsmReport> r = GetTsmReport((root_ / "absent").string(), Inblob(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kNotFound);
}

TEST_F(ConfigfsTsmTest, PlainDirectoryWithoutTemplateIsRefusedAndCleanedUp) {
  Result<TsmReport> r = GetTsmReport(report_.string(), Inblob(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(ConfigfsTsmTest, TemplateWithoutGenerationFails) {
  fs::create_directories(report_ / ".template");
  testing::WriteText(report_ / ".template" / "outblob", "quote");
  testing::WriteText(report_ / ".template" / "inblob", "");
  Result<TsmReport> r = GetTsmReport(report_.string(), Inblob(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
  EXPECT_TRUE(Leftovers().empty());
}

TEST_F(ConfigfsTsmTest, GarbageGenerationIsBadValue) {
  fs::create_directories(report_ / ".template");
  testing::WriteText(report_ / ".template" / "generation", "7x\n");
  testing::WriteText(report_ / ".template" / "outblob", "quote");
  testing::WriteText(report_ / ".template" / "inblob", "");
  Result<TsmReport> r = GetTsmReport(report_.string(), Inblob(0));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.status().offset(), 1u);
  EXPECT_TRUE(Leftovers().empty());
}

TEST(TsmGenerationTest, AcceptsDecimalWithNewline) {
  Result<uint64_t> g = ParseTsmGeneration("123\n");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(*g, 123u);
  EXPECT_EQ(*ParseTsmGeneration("0"), 0u);
}

TEST(TsmGenerationTest, RejectsMalformedCounters) {
  struct Case {
    const char* text;
    uint64_t offset;
  } cases[] = {{"", 0},
               {"\n", 0},
               {"-1", 0},
               {"1 2", 1},
               {"12a", 2},
               {" 1", 0},
               {"12345678901234567890", 0}};
  for (const Case& c : cases) {
    Result<uint64_t> g = ParseTsmGeneration(c.text);
    ASSERT_FALSE(g.ok()) << c.text;
    EXPECT_EQ(g.status().code(), ErrorCode::kBadValue) << c.text;
    EXPECT_EQ(g.status().offset(), c.offset) << c.text;
  }
}

}  // namespace
}  // namespace ccv::agent
