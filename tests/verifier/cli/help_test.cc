// Every ccverify subcommand answers --help with its full usage on stdout and
// exit 0: the synopsis, and a described line for every flag it names. The
// subcommands are read from `ccverify --help`, so a new one is covered.
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/cli.h"

namespace ccv {
namespace {

using ::ccv::testing::CliRun;
using ::ccv::testing::RunCcverify;

// The subcommand names of `ccverify --help` ("  NAME   summary" lines, where
// NAME is one or two words).
std::vector<std::string> Subcommands() {
  CliRun top = RunCcverify("--help");
  EXPECT_EQ(top.code, 0);
  std::vector<std::string> out;
  std::istringstream in(top.out.substr(top.out.find("commands:\n")));
  std::string line;
  std::getline(in, line);
  const std::regex row("^  ([a-z]+(?: [a-z]+)?) {2,}\\S.*$");
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, row)) out.push_back(m[1]);
  }
  return out;
}

TEST(HelpTest, EverySubcommandPrintsItsFullUsage) {
  const std::vector<std::string> commands = Subcommands();
  ASSERT_GE(commands.size(), 8u);
  for (const std::string& cmd : commands) {
    SCOPED_TRACE(cmd);
    for (const char* flag : {" --help", " -h"}) {
      CliRun r = RunCcverify(cmd + flag);
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_TRUE(r.err.empty()) << r.err;
      ASSERT_EQ(r.out.rfind("usage: ccverify " + cmd, 0), 0u) << r.out;
      // The synopsis is the text up to the first blank or option line; every
      // flag it names must have a line of its own in the option list
      // ("  --flag ARG   what it does", "  -h [ --help ]   what it does").
      const std::regex option_line("^\\s+(?:-[a-zA-Z] \\[ )?(--[a-z0-9-]+)\\b.*$");
      std::istringstream in(r.out);
      std::string line, synopsis;
      std::set<std::string> described;
      bool in_synopsis = true;
      while (std::getline(in, line)) {
        std::smatch m;
        const bool is_option = std::regex_match(line, m, option_line);
        if (is_option) described.insert(m[1]);
        if (is_option || line.empty() || line.rfind("options", 0) == 0) in_synopsis = false;
        if (in_synopsis) synopsis += line + "\n";
      }
      const std::regex flag_re("--[a-z0-9-]+");
      int named = 0;
      for (auto it = std::sregex_iterator(synopsis.begin(), synopsis.end(), flag_re);
           it != std::sregex_iterator(); ++it) {
        ++named;
        EXPECT_TRUE(described.count(it->str())) << it->str() << " is not described:\n" << r.out;
      }
      EXPECT_GE(named, 1) << r.out;
    }
  }
}

TEST(HelpTest, TopLevelHelpAndNoArguments) {
  CliRun help = RunCcverify("--help");
  EXPECT_EQ(help.code, 0);
  EXPECT_EQ(help.out.rfind("usage: ccverify COMMAND", 0), 0u);
  CliRun none = RunCcverify("");
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(none.out.empty());
  EXPECT_EQ(none.err, help.out);
  CliRun unknown = RunCcverify("no-such-command");
  EXPECT_EQ(unknown.code, 2);
  EXPECT_NE(unknown.err.find("unknown command 'no-such-command'"), std::string::npos);
}

// The shared helper splits words as the shell does: the test commands mean
// what they say.
TEST(HelpTest, ShellWordsSplitLikeTheShell) {
  using ::ccv::testing::SplitShellWords;
  EXPECT_EQ(SplitShellWords("a  'b c' \"d\\\"e\" f\\ g ''"),
            (std::vector<std::string>{"a", "b c", "d\"e", "f g", ""}));
  EXPECT_EQ(SplitShellWords(::ccv::testing::Quote(std::string("it's"))),
            (std::vector<std::string>{"it's"}));
  EXPECT_THROW(SplitShellWords("a | b"), std::invalid_argument);
  EXPECT_THROW(SplitShellWords("a > f"), std::invalid_argument);
  EXPECT_THROW(SplitShellWords("'open"), std::invalid_argument);
}

}  // namespace
}  // namespace ccv
