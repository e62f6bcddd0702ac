// Every ccverify subcommand answers --help with its full usage on stdout and
// exit 0: the synopsis, and a described line for every flag it names. The
// subcommands are read from `ccverify --help`, so a new one is covered.
#include <cctype>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/cli.h"

namespace ccv {
namespace {

// Plain scanning rather than std::regex: GCC 12's <regex> trips
// -Wmaybe-uninitialized under the sanitizer build.
bool IsFlagChar(char c) {
  return std::islower(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '-';
}

// The "--flag" at `pos` of `s` (s[pos..pos+1] is "--"), or "" when none.
std::string FlagAt(const std::string& s, size_t pos) {
  if (s.compare(pos, 2, "--") != 0) return "";
  size_t end = pos + 2;
  while (end < s.size() && IsFlagChar(s[end])) ++end;
  return end > pos + 2 ? s.substr(pos, end - pos) : "";
}

// "  NAME   summary" (NAME one or two lower-case words, two or more spaces,
// then text): NAME, else "".
std::string CommandOfRow(const std::string& line) {
  if (line.compare(0, 2, "  ") != 0) return "";
  size_t end = line.find("  ", 2);
  if (end == std::string::npos || end == 2) return "";
  std::string name = line.substr(2, end - 2);
  size_t words = 1;
  for (char c : name) {
    if (c == ' ') {
      ++words;
    } else if (!std::islower(static_cast<unsigned char>(c))) {
      return "";
    }
  }
  if (words > 2 || name.front() == ' ' || name.back() == ' ') return "";
  size_t text = line.find_first_not_of(' ', end);
  return text == std::string::npos ? "" : name;
}

// An option line ("  --flag ARG   what it does", "  -h [ --help ]   ..."):
// its long flag, else "".
std::string FlagOfOptionLine(const std::string& line) {
  size_t i = line.find_first_not_of(" \t");
  if (i == 0 || i == std::string::npos) return "";
  if (line.size() > i + 5 && line[i] == '-' &&
      std::isalpha(static_cast<unsigned char>(line[i + 1])) && line.compare(i + 2, 3, " [ ") == 0) {
    i += 5;
  }
  std::string flag = FlagAt(line, i);
  if (flag.empty()) return "";
  size_t after = i + flag.size();
  return after == line.size() || !IsFlagChar(line[after]) ? flag : "";
}

// The subcommand names of `ccverify --help` ("  NAME   summary" lines, where
// NAME is one or two words).
std::vector<std::string> Subcommands() {
  testing::CliRun top = testing::RunCcverify("--help");
  EXPECT_EQ(top.code, 0);
  std::vector<std::string> out;
  std::istringstream in(top.out.substr(top.out.find("commands:\n")));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    if (std::string name = CommandOfRow(line); !name.empty()) out.push_back(name);
  }
  return out;
}

TEST(HelpTest, EverySubcommandPrintsItsFullUsage) {
  const std::vector<std::string> commands = Subcommands();
  ASSERT_GE(commands.size(), 8u);
  for (const std::string& cmd : commands) {
    SCOPED_TRACE(cmd);
    for (const char* flag : {" --help", " -h"}) {
      testing::CliRun r = testing::RunCcverify(cmd + flag);
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_TRUE(r.err.empty()) << r.err;
      ASSERT_EQ(r.out.rfind("usage: ccverify " + cmd, 0), 0u) << r.out;
      // The synopsis is the text up to the first blank or option line; every
      // flag it names must have a line of its own in the option list
      // ("  --flag ARG   what it does", "  -h [ --help ]   what it does").
      std::istringstream in(r.out);
      std::string line, synopsis;
      std::set<std::string> described;
      bool in_synopsis = true;
      while (std::getline(in, line)) {
        const std::string flag = FlagOfOptionLine(line);
        const bool is_option = !flag.empty();
        if (is_option) described.insert(flag);
        if (is_option || line.empty() || line.rfind("options", 0) == 0) in_synopsis = false;
        if (in_synopsis) synopsis += line + "\n";
      }
      int named = 0;
      for (size_t pos = synopsis.find("--"); pos != std::string::npos;
           pos = synopsis.find("--", pos + 2)) {
        const std::string flag = FlagAt(synopsis, pos);
        if (flag.empty()) continue;
        ++named;
        EXPECT_TRUE(described.count(flag)) << flag << " is not described:\n" << r.out;
        pos += flag.size() - 2;
      }
      EXPECT_GE(named, 1) << r.out;
    }
  }
}

TEST(HelpTest, TopLevelHelpAndNoArguments) {
  testing::CliRun help = testing::RunCcverify("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_EQ(help.out.rfind("usage: ccverify COMMAND", 0), 0u);
  testing::CliRun none = testing::RunCcverify("");
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(none.out.empty());
  EXPECT_EQ(none.err, help.out);
  testing::CliRun unknown = testing::RunCcverify("no-such-command");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'no-such-command'"), std::string::npos);
}

// `ccverify policy --help` lists the group's commands; without a command, or
// with an unknown one, the same list goes to stderr with exit 2.
TEST(HelpTest, CommandGroupsListTheirCommands) {
  for (const char* group : {"policy", "quote", "tpm", "collateral", "batch"}) {
    SCOPED_TRACE(group);
    testing::CliRun help = testing::RunCcverify(std::string(group) + " --help");
    EXPECT_EQ(help.code, 0);
    EXPECT_EQ(help.out.rfind(std::string("usage: ccverify ") + group + " COMMAND", 0), 0u);
    testing::CliRun top = testing::RunCcverify("--help");
    // Every command of the group in the top-level list appears in the group's list.
    std::istringstream lines(top.out);
    std::string line;
    int listed = 0;
    while (std::getline(lines, line)) {
      if (line.rfind(std::string("  ") + group + " ", 0) != 0) continue;
      ++listed;
      EXPECT_NE(help.out.find(line), std::string::npos) << line;
    }
    EXPECT_GE(listed, 1);
    testing::CliRun bare = testing::RunCcverify(group);
    EXPECT_EQ(bare.code, 2);
    EXPECT_TRUE(bare.out.empty());
    EXPECT_NE(bare.err.find("needs a command"), std::string::npos) << bare.err;
    testing::CliRun wrong = testing::RunCcverify(std::string(group) + " frobnicate");
    EXPECT_EQ(wrong.code, 2);
    EXPECT_NE(wrong.err.find(std::string("unknown command '") + group + " frobnicate'"),
              std::string::npos)
        << wrong.err;
  }
}

// The shared helper splits words as the shell does: the test commands mean
// what they say.
TEST(HelpTest, ShellWordsSplitLikeTheShell) {
  EXPECT_EQ(testing::SplitShellWords("a  'b c' \"d\\\"e\" f\\ g ''"),
            (std::vector<std::string>{"a", "b c", "d\"e", "f g", ""}));
  EXPECT_EQ(testing::SplitShellWords(testing::Quote(std::string("it's"))),
            (std::vector<std::string>{"it's"}));
  EXPECT_THROW(testing::SplitShellWords("a | b"), std::invalid_argument);
  EXPECT_THROW(testing::SplitShellWords("a > f"), std::invalid_argument);
  EXPECT_THROW(testing::SplitShellWords("'open"), std::invalid_argument);
}

}  // namespace
}  // namespace ccv
