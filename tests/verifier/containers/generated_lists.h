// Test helper: runs benchmarks/gen/ccv-gen-containers (Python, hashlib) to
// write a multi-pod ima-cgpath list and its sidecar JSON of independently
// computed per-unit registers.
#ifndef CCV_TESTS_VERIFIER_CONTAINERS_GENERATED_LISTS_H_
#define CCV_TESTS_VERIFIER_CONTAINERS_GENERATED_LISTS_H_

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <unistd.h>

#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"

namespace ccv::testing {

struct GeneratedList {
  std::filesystem::path list, json;
  rapidjson::Document side;
  ~GeneratedList() {
    std::error_code ec;
    std::filesystem::remove(list, ec);
    std::filesystem::remove(json, ec);
  }
};

inline std::string Str(const rapidjson::Value& v) {
  return std::string(v.GetString(), v.GetStringLength());
}

// Runs the generator with `args`; nullopt (and a message in *why) if it
// cannot run.
inline std::unique_ptr<GeneratedList> Generate(const std::string& args, std::string* why) {
  static std::atomic<int> counter{0};
  auto g = std::make_unique<GeneratedList>();
  std::string stem = "ccv_gen_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
  g->list = std::filesystem::temp_directory_path() / (stem + ".ascii");
  g->json = std::filesystem::temp_directory_path() / (stem + ".json");
  std::string cmd = "python3 " + (SourceDir() / "benchmarks/gen/ccv-gen-containers").string() +
                    " --list " + g->list.string() + " --json " + g->json.string() + " " + args;
  if (std::system(cmd.c_str()) != 0) {
    *why = "generator failed: " + cmd;
    return nullptr;
  }
  Result<std::string> text = ReadFileText(g->json.string());
  if (!text.ok()) {
    *why = text.status().ToString();
    return nullptr;
  }
  g->side.Parse(text->c_str());
  if (g->side.HasParseError()) {
    *why = "sidecar JSON does not parse";
    return nullptr;
  }
  return g;
}

}  // namespace ccv::testing

// Declares `gen` from the generator or skips the test when python3 is absent.
#define CCV_GENERATE(gen, args)                                   \
  if (std::system("python3 -c '' >/dev/null 2>&1") != 0) {        \
    GTEST_SKIP() << "python3 not found; generated lists skipped"; \
  }                                                               \
  std::string gen##_why_;                                         \
  auto gen = ::ccv::testing::Generate(args, &gen##_why_);         \
  ASSERT_NE(gen, nullptr) << gen##_why_

#endif  // CCV_TESTS_VERIFIER_CONTAINERS_GENERATED_LISTS_H_
