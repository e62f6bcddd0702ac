// Test helpers for files and commands: a temporary directory removed with
// its contents, whole-file reads (empty when the file cannot be read: the
// test then fails on the content) and writes, and a shell command run
// quietly.
#ifndef CCV_TESTS_TESTING_FILES_H_
#define CCV_TESTS_TESTING_FILES_H_

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

namespace ccv::testing {

// A fresh directory under the system temporary directory, removed with its
// contents when the object goes.
class TempDir {
 public:
  explicit TempDir(const std::string& tag) {
    static int n = 0;
    path_ = std::filesystem::temp_directory_path() /
            ("ccv_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// The bytes of a file; empty when it cannot be read.
inline std::vector<uint8_t> ReadAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The text of a file; "" when it cannot be read.
inline std::string ReadText(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes `bytes` as the whole file (truncated first), creating its parent
// directories. Through an existing hard link or symbolic link the linked file
// is written: call ReplaceText for a new file.
inline void WriteAll(const std::filesystem::path& p, const std::vector<uint8_t>& bytes) {
  if (!p.parent_path().empty()) std::filesystem::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

inline void WriteText(const std::filesystem::path& p, const std::string& text) {
  if (!p.parent_path().empty()) std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
}

// Removes the file first, so a file linked to it (a bundle copy's source)
// keeps its bytes.
inline void ReplaceText(const std::filesystem::path& p, const std::string& text) {
  std::error_code ec;
  std::filesystem::remove(p, ec);
  WriteText(p, text);
}

// Runs `cmd` through /bin/sh with its output discarded; true when it exits 0.
inline bool RunQuietly(const std::string& cmd) {
  return std::system((cmd + " >/dev/null 2>&1").c_str()) == 0;
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_FILES_H_
