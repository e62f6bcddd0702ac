// Test helpers: evidence bundles in temporary directories holding copies of
// shared corpus files, made at test time (the repository never holds them).
// Copies, not links: a bundle file that links out of the bundle is refused.
#ifndef CCV_TESTS_VERIFIER_PIPELINE_BUNDLE_FIXTURE_H_
#define CCV_TESTS_VERIFIER_PIPELINE_BUNDLE_FIXTURE_H_

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/files.h"

namespace ccv::testing {

// A bundle dir: `links` maps a bundle file name to a corpus file copied
// there; `evidence_json` is written as evidence.json.
inline void MakeBundle(const std::filesystem::path& dir,
                       const std::map<std::string, std::filesystem::path>& links,
                       const std::string& evidence_json) {
  for (const auto& [name, source] : links) {
    std::filesystem::create_directories((dir / name).parent_path());
    std::filesystem::copy_file(source, dir / name,
                               std::filesystem::copy_options::overwrite_existing);
  }
  std::ofstream(dir / "evidence.json") << evidence_json;
}

// Rewrites a file of a bundle with `mutate` applied to its bytes.
template <typename F>
void AlterFile(const std::filesystem::path& file, F mutate) {
  auto bytes = ReadFileBytes(file.string());
  if (!bytes.ok()) std::abort();
  mutate(&*bytes);
  std::filesystem::remove(file);
  if (!WriteFileBytes(file.string(), bytes->data(), bytes->size()).ok()) std::abort();
}

inline rapidjson::Document ReadJson(const std::filesystem::path& p) {
  rapidjson::Document d;
  auto text = ReadFileText(p.string());
  if (text.ok()) d.Parse(text->c_str());
  return d;
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_VERIFIER_PIPELINE_BUNDLE_FIXTURE_H_
