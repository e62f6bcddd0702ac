#include "agent/bundle_writer.h"

#include <filesystem>
#include <signal.h>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

#include "gtest/gtest.h"
#include "parsers/core/hex.h"
#include "tests/agent/fake_guest.h"

namespace ccv::agent {
namespace {

namespace fs = std::filesystem;

class BundleWriterTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("bundle"); }
  void TearDown() override {
    std::error_code ec;
    fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
    fs::remove_all(dir_);
  }
  std::vector<BundleFile> Files() {
    return {{"evidence.json", AsBytes(json_)}, {"quote.bin", AsBytes(quote_)}};
  }
  fs::path dir_;
  std::string json_ = "{\"version\": 1}\n";
  std::string quote_ = std::string(5000, 'q');
};

TEST_F(BundleWriterTest, WritesEveryFileAndLeavesNoTemporary) {
  fs::path out = dir_ / "bundle";
  ASSERT_TRUE(WriteBundleAtomically(out.string(), Files()).ok());
  EXPECT_EQ(testing::ListNames(dir_), std::vector<std::string>{"bundle"});
  EXPECT_EQ(testing::ListNames(out), (std::vector<std::string>{"evidence.json", "quote.bin"}));
  auto q = testing::ReadAll(out / "quote.bin");
  EXPECT_EQ(std::string(q.begin(), q.end()), quote_);
  EXPECT_EQ(fs::status(out).permissions() & fs::perms::all,
            fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                fs::perms::others_read | fs::perms::others_exec);
}

TEST_F(BundleWriterTest, TrailingSlashAndRelativeNamesWork) {
  fs::path out = dir_ / "b2";
  ASSERT_TRUE(WriteBundleAtomically(out.string() + "/", Files()).ok());
  EXPECT_TRUE(fs::is_regular_file(out / "evidence.json"));
}

TEST_F(BundleWriterTest, ReplacesAnEmptyExistingDirectory) {
  fs::path out = dir_ / "bundle";
  fs::create_directory(out);
  ASSERT_TRUE(WriteBundleAtomically(out.string(), Files()).ok());
  EXPECT_EQ(testing::ListNames(out).size(), 2u);
}

TEST_F(BundleWriterTest, RefusesANonEmptyDirectoryAndKeepsIt) {
  fs::path out = dir_ / "bundle";
  testing::WriteText(out / "mine.txt", "keep me");
  Status s = WriteBundleAtomically(out.string(), Files());
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(testing::ListNames(out), std::vector<std::string>{"mine.txt"});
  EXPECT_EQ(testing::ListNames(dir_), std::vector<std::string>{"bundle"});
}

TEST_F(BundleWriterTest, RefusesAnExistingFile) {
  fs::path out = dir_ / "bundle";
  testing::WriteText(out, "file");
  EXPECT_EQ(WriteBundleAtomically(out.string(), Files()).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(fs::is_regular_file(out));
}

TEST_F(BundleWriterTest, MissingParentIsAnIoErrorNamingIt) {
  fs::path out = dir_ / "no" / "such" / "bundle";
  Status s = WriteBundleAtomically(out.string(), Files());
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(s.file(), (dir_ / "no" / "such").string());
  EXPECT_TRUE(testing::ListNames(dir_).empty());
}

TEST_F(BundleWriterTest, ParentThatIsAFileIsAnIoError) {
  testing::WriteText(dir_ / "f", "x");
  Status s = WriteBundleAtomically((dir_ / "f" / "bundle").string(), Files());
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(testing::ListNames(dir_), std::vector<std::string>{"f"});
}

TEST_F(BundleWriterTest, UnwritableParentIsAnIoErrorAndLeavesNothing) {
  // /proc accepts no new directories, even for root.
  Status s = WriteBundleAtomically("/proc/ccverify-bundle", Files());
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(s.file(), "/proc");
  EXPECT_FALSE(fs::exists("/proc/ccverify-bundle"));
}

TEST_F(BundleWriterTest, ReadOnlyParentIsAnIoErrorForNonRoot) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  fs::path ro = dir_ / "ro";
  fs::create_directory(ro);
  fs::permissions(ro, fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_EQ(WriteBundleAtomically((ro / "bundle").string(), Files()).code(), ErrorCode::kIo);
  fs::permissions(ro, fs::perms::owner_all);
  EXPECT_TRUE(testing::ListNames(ro).empty());
}

TEST_F(BundleWriterTest, WriteFailureHalfwayLeavesNothingBehind) {
  // A file-size limit below the quote's size makes its write fail with EFBIG
  // after evidence.json has been written into the temporary directory.
  ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit old;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  struct rlimit lim = old;
  lim.rlim_cur = 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &lim), 0);
  Status s = WriteBundleAtomically((dir_ / "bundle").string(), Files());
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &old), 0);
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_NE(s.file().find("quote.bin"), std::string::npos);
  EXPECT_TRUE(testing::ListNames(dir_).empty());
}

TEST_F(BundleWriterTest, RejectsBadFileNamesBeforeWritingAnything) {
  const char* bad[] = {"", ".", "..", "a/b"};
  for (const char* n : bad) {
    std::vector<BundleFile> files = {{n, AsBytes(json_)}};
    EXPECT_EQ(WriteBundleAtomically((dir_ / "b").string(), files).code(),
              ErrorCode::kInvalidArgument)
        << n;
  }
  std::vector<BundleFile> dup = {{"x", AsBytes(json_)}, {"x", AsBytes(json_)}};
  EXPECT_EQ(WriteBundleAtomically((dir_ / "b").string(), dup).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(testing::ListNames(dir_).empty());
}

TEST_F(BundleWriterTest, RejectsDotTargets) {
  EXPECT_EQ(WriteBundleAtomically((dir_ / "..").string(), Files()).code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(WriteBundleAtomically(".", Files()).code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccv::agent
