// Every command the documentation shows runs as written: the README's
// examples (from a scratch folder where corpus/ and build/ are the
// repository's), and the commands in the comments of policies/examples,
// with $CORPUS set to the real-evidence corpus. Each must give a verdict
// (exit 0 or 1), never a usage or input error; the documented outcome of
// each policy example is asserted too.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> Lines(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct ShellRun {
  int code = -1;
  std::string output;
};

ShellRun Shell(const std::string& cmd, const fs::path& cwd) {
  fs::path out = fs::temp_directory_path() / ("ccv_example_" + std::to_string(::getpid()) + ".out");
  std::string full = "cd " + testing::Quote(cwd) + " && (" + cmd + ") < /dev/null > " +
                     testing::Quote(out) + " 2>&1";
  int st = std::system(full.c_str());
  ShellRun r;
  r.code = st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  fs::remove(out);
  return r;
}

// The README's sh block of examples: lines starting with "build/ccverify".
TEST(DocExamplesTest, ReadmeExamplesRun) {
  const fs::path src = testing::SourceDir();
  fs::path scratch = fs::temp_directory_path() / ("ccv_readme_" + std::to_string(::getpid()));
  fs::remove_all(scratch);
  fs::create_directories(scratch);
  fs::create_directory_symlink(src / "corpus", scratch / "corpus");
  fs::create_directory_symlink(src / "policies", scratch / "policies");
  fs::create_directory_symlink(testing::BinaryDir(), scratch / "build");
  int run = 0;
  for (const std::string& line : Lines(src / "README.md")) {
    if (line.rfind("build/ccverify ", 0) != 0) continue;
    ShellRun r = Shell(line, scratch);
    EXPECT_TRUE(r.code == 0 || r.code == 1) << line << "\nexit " << r.code << "\n" << r.output;
    ++run;
  }
  EXPECT_GE(run, 5) << "the README's examples were not found";
  fs::remove_all(scratch);
}

// "#   ccverify ..." comment lines (with "\" continuations) of each example
// policy, run from the source folder with $CORPUS set.
TEST(DocExamplesTest, PolicyExampleCommandsRun) {
  CCV_REQUIRE_CORPUS(corpus);
  const fs::path src = testing::SourceDir();
  const std::string bin = (testing::BinaryDir() / "ccverify").string();
  // The outcome each example documents.
  const std::map<std::string, int> want = {{"gcp-cos113.yaml", 0}, {"containers.yaml", 1}};
  int run = 0;
  for (const auto& entry : fs::directory_iterator(src / "policies/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    std::vector<std::string> lines = Lines(entry.path());
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].rfind("#   ccverify ", 0) != 0) continue;
      std::string cmd = lines[i].substr(4);
      while (!cmd.empty() && cmd.back() == '\\' && i + 1 < lines.size()) {
        cmd.pop_back();
        std::string next = lines[++i];
        cmd += next.substr(next.find_first_not_of("# "));
      }
      cmd = "export CORPUS=" + testing::Quote(corpus) + "; " + testing::Quote(bin) +
            cmd.substr(std::string("ccverify").size());
      ShellRun r = Shell(cmd, src);
      const std::string name = entry.path().filename().string();
      auto it = want.find(name);
      if (it != want.end()) {
        EXPECT_EQ(r.code, it->second) << name << ": " << cmd << "\n" << r.output;
      } else {
        EXPECT_TRUE(r.code == 0 || r.code == 1) << name << ": " << cmd << "\n" << r.output;
      }
      ++run;
    }
  }
  EXPECT_GE(run, 2);
}

}  // namespace
}  // namespace ccv
