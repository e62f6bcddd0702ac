// Test helper: a private, writable copy of an evidence bundle (by default
// the demo bundle in corpus/demo, signed through the ccverify test PKI) for
// tests that alter evidence the way an attacker would, and the statuses of
// a verify JSON report.
#ifndef CCV_TESTS_TESTING_DEMO_BUNDLE_H_
#define CCV_TESTS_TESTING_DEMO_BUNDLE_H_

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include <rapidjson/document.h>

#include "tests/testing/corpus.h"

namespace ccv::testing {

inline std::filesystem::path DemoDir() { return SourceDir() / "corpus/demo"; }

// The moment the demo's collateral and certificates are valid at.
inline constexpr char kDemoAt[] = "2026-01-02T00:00:00Z";

class BundleCopy {
 public:
  explicit BundleCopy(const std::filesystem::path& from = DemoDir()) {
    static int n = 0;
    dir_ = std::filesystem::temp_directory_path() /
           ("ccv_bundle_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    for (const auto& f : std::filesystem::directory_iterator(from)) {
      if (f.is_regular_file()) std::filesystem::copy_file(f.path(), dir_ / f.path().filename());
    }
  }
  ~BundleCopy() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  BundleCopy(const BundleCopy&) = delete;
  BundleCopy& operator=(const BundleCopy&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path operator/(const std::string& name) const { return dir_ / name; }

  std::string Read(const std::string& name) const {
    std::ifstream in(dir_ / name, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + (dir_ / name).string());
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  // Replaces the file (a new inode: no hard link to the source is written).
  void Write(const std::string& name, const std::string& bytes) const {
    std::filesystem::remove(dir_ / name);
    std::ofstream(dir_ / name, std::ios::binary) << bytes;
  }
  // Replaces the first `from` in file `name` by `to`; throws if absent, so a
  // test never passes on an edit that did not happen.
  void Replace(const std::string& name, const std::string& from, const std::string& to) const {
    std::string s = Read(name);
    size_t at = s.find(from);
    if (at == std::string::npos) {
      throw std::runtime_error("'" + from + "' not in " + name);
    }
    s.replace(at, from.size(), to);
    Write(name, s);
  }
  // Same-length replacement in a binary file (offsets stay valid).
  void Patch(const std::string& name, const std::string& from, const std::string& to) const {
    if (from.size() != to.size()) throw std::runtime_error("Patch: lengths differ");
    Replace(name, from, to);
  }
  void Manifest(const std::string& from, const std::string& to) const {
    Replace("evidence.json", from, to);
  }

 private:
  std::filesystem::path dir_;
};

// Check and rule id -> status ("pass", "fail", ...) of a verify JSON report;
// empty when the text is not one.
inline std::map<std::string, std::string> ReportStatuses(const std::string& json) {
  std::map<std::string, std::string> out;
  rapidjson::Document d;
  d.Parse(json.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("checks") || !d["checks"].IsArray())
    return out;
  for (const auto& c : d["checks"].GetArray()) out[c["id"].GetString()] = c["status"].GetString();
  if (d.HasMember("policy") && d["policy"].IsObject()) {
    for (const auto& x : d["policy"]["rules"].GetArray())
      out[x["id"].GetString()] = x["status"].GetString();
  }
  return out;
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_DEMO_BUNDLE_H_
