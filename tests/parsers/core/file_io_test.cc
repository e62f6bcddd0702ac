#include "parsers/core/file_io.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

#include <gtest/gtest.h>

namespace ccv {
namespace {

namespace fs = std::filesystem;

class WriteFileAtomicallyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccv_atomic_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  size_t Entries() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) ++n;
    return n;
  }
  fs::path dir_;
};

TEST_F(WriteFileAtomicallyTest, ReplacesTheWholeFileAndLeavesNoTemporary) {
  const std::string path = (dir_ / "r.json").string();
  std::ofstream(path) << std::string(5000, 'x');
  ASSERT_TRUE(WriteFileAtomically(path, "new").ok());
  EXPECT_EQ(ReadFileText(path).value(), "new");
  EXPECT_EQ(Entries(), 1u);
  EXPECT_EQ(fs::status(path).permissions() & fs::perms::others_read, fs::perms::others_read);
}

TEST_F(WriteFileAtomicallyTest, ReplacesALinkNotItsTarget) {
  const fs::path target = dir_ / "target";
  std::ofstream(target) << "kept";
  fs::create_symlink(target, dir_ / "link");
  ASSERT_TRUE(WriteFileAtomically((dir_ / "link").string(), "report").ok());
  EXPECT_EQ(ReadFileText(target.string()).value(), "kept");
  EXPECT_FALSE(fs::is_symlink(dir_ / "link"));
  EXPECT_EQ(ReadFileText((dir_ / "link").string()).value(), "report");
}

TEST_F(WriteFileAtomicallyTest, MissingDirectoryIsIoNamingTheFile) {
  const std::string path = (dir_ / "no/such/r.json").string();
  Status s = WriteFileAtomically(path, "x");
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(s.file(), path);
  EXPECT_EQ(Entries(), 0u);
}

TEST_F(WriteFileAtomicallyTest, ADirectoryInThePlaceIsIoAndLeavesNothing) {
  fs::create_directories(dir_ / "r.json" / "inner");
  Status s = WriteFileAtomically((dir_ / "r.json").string(), "x");
  EXPECT_EQ(s.code(), ErrorCode::kIo);
  EXPECT_EQ(Entries(), 1u) << "the temporary file is removed";
  EXPECT_TRUE(fs::is_directory(dir_ / "r.json" / "inner"));
}

TEST_F(WriteFileAtomicallyTest, PathWithoutAFileNameIsIo) {
  EXPECT_EQ(WriteFileAtomically((dir_ / "").string(), "x").code(), ErrorCode::kIo);
  EXPECT_EQ(Entries(), 0u);
}

}  // namespace
}  // namespace ccv
