// Test helpers: where the shared real-evidence corpus is, and reading files.
// The corpus is ../shared/corpus by default (CMake option CCV_CORPUS_DIR);
// the environment variable CCV_CORPUS overrides it. Tests that need it skip
// with a message where it is absent.
#ifndef CCV_TESTS_TESTING_CORPUS_H_
#define CCV_TESTS_TESTING_CORPUS_H_

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace ccv::testing {

inline std::optional<std::filesystem::path> CorpusDir() {
  const char* env = std::getenv("CCV_CORPUS");
  std::filesystem::path p = env != nullptr && *env != '\0' ? env : CCV_CORPUS_DIR;
  std::error_code ec;
  if (std::filesystem::is_directory(p / "expected", ec)) return p;
  return std::nullopt;
}

inline std::filesystem::path SourceDir() { return CCV_SOURCE_DIR; }
inline std::filesystem::path BinaryDir() {
  const char* env = std::getenv("CCV_BINARY_DIR");
  return env != nullptr && *env != '\0' ? env : CCV_BINARY_DIR;
}

}  // namespace ccv::testing

// Skips the current test when the shared corpus is absent; else declares
// `corpus` (a std::filesystem::path) for the test body.
#define CCV_REQUIRE_CORPUS(corpus)                                \
  auto corpus##_opt_ = ::ccv::testing::CorpusDir();               \
  if (!corpus##_opt_) {                                           \
    GTEST_SKIP() << "shared corpus not found (set CCV_CORPUS or " \
                    "-DCCV_CORPUS_DIR); skipping";                \
  }                                                               \
  const std::filesystem::path corpus = *corpus##_opt_

#endif  // CCV_TESTS_TESTING_CORPUS_H_
