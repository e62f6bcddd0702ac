// The verdict is decided once, in the library: pipeline::Verify and the
// ccverify binary give the same outcome, exit code and JSON report for the
// demo bundle and for altered copies of it (accepted, rejected and policy
// failures alike).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "parsers/core/time.h"
#include "policies/policy_parser.h"
#include "tests/testing/corpus.h"
#include "verifier/bundle/evidence.h"
#include "verifier/pipeline/verify.h"
#include "verifier/report/verify_report.h"

namespace ccv::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr char kAt[] = "2026-01-02T00:00:00Z";

struct Variant {
  const char* name;
  bool with_policy;
  std::function<void(const fs::path&)> alter;
};

void Replace(const fs::path& file, const std::string& from, const std::string& to) {
  std::string s = *ReadFileText(file.string());
  size_t at = s.find(from);
  ASSERT_NE(at, std::string::npos);
  s.replace(at, from.size(), to);
  fs::remove(file);
  std::ofstream(file, std::ios::binary) << s;
}

TEST(LibraryCliTest, SameVerdictAndJsonThroughTheLibraryAndTheCli) {
  const fs::path demo = ::ccv::testing::SourceDir() / "corpus/demo";
  std::vector<Variant> variants = {
      {"demo", true, [](const fs::path&) {}},
      {"demo-no-policy", false, [](const fs::path&) {}},
      {"tampered-cmdline", true,
       [](const fs::path& d) { Replace(d / "CCEL.data", "sig_enforce=1", "sig_enforce=0"); }},
      {"no-logs", false,
       [](const fs::path& d) {
         Replace(d / "evidence.json", "\"ccel\": {\"table\": \"CCEL\", \"data\": \"CCEL.data\"},", "");
       }},
      {"tpm-log", true,
       [](const fs::path& d) {
         fs::copy_file(::ccv::testing::SourceDir() / "corpus/tcg/synthetic-sha1-legacy.bin", d / "tpm.bin");
         Replace(d / "evidence.json", "\"collateral\":", "\"tpm_eventlog\": \"tpm.bin\", \"collateral\":");
       }},
  };
  int n = 0;
  for (const Variant& v : variants) {
    fs::path dir = fs::temp_directory_path() /
                   ("ccv_libcli_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& f : fs::directory_iterator(demo)) fs::copy_file(f.path(), dir / f.path().filename());
    v.alter(dir);
    std::string policy_path = v.with_policy ? (dir / "policy.yaml").string() : "";

    // Library.
    auto e = bundle::LoadEvidenceDir(dir.string());
    ASSERT_TRUE(e.ok()) << v.name << ": " << e.status().ToString();
    VerifyOptions o;
    o.at = *ParseRfc3339Time(kAt);
    o.root_ca_pem = *ReadFileText((dir / "root_ca.pem").string());
    std::optional<policy::Policy> pol;
    if (v.with_policy) pol = *policy::LoadPolicyFile(policy_path);
    auto lib = Verify(*e, o, pol ? &*pol : nullptr);
    ASSERT_TRUE(lib.ok()) << v.name << ": " << lib.status().ToString();
    report::VerifyReportContext ctx{dir.string(), FormatRfc3339Time(o.at), policy_path};
    std::string lib_json = report::VerifyReportJson(lib->facts, lib->evaluation, ctx);

    // CLI.
    fs::path out = dir / "report.json";
    std::string cmd = (::ccv::testing::BinaryDir() / "ccverify").string() + " verify '" + dir.string() +
                      "' --root-ca '" + (dir / "root_ca.pem").string() + "' --at " + kAt +
                      " --format json --output '" + out.string() + "'" +
                      (v.with_policy ? " --policy '" + policy_path + "'" : "");
    int rc = std::system(cmd.c_str());
    ASSERT_TRUE(WIFEXITED(rc)) << v.name;
    int want = lib->outcome == result::Outcome::kUntrusted ? 1 : 0;
    EXPECT_EQ(WEXITSTATUS(rc), want) << v.name;
    EXPECT_EQ(*ReadFileText(out.string()), lib_json) << v.name;
    fs::remove_all(dir);
  }
}

}  // namespace
}  // namespace ccv::pipeline
