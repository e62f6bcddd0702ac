// The command-line plumbing every subcommand shares: how a usage error and
// --help are printed, and the parse that ends in one or the other.
//
// Thread safety: free functions writing to stdout/stderr.
#ifndef CCV_VERIFIER_CLI_COMMAND_LINE_H_
#define CCV_VERIFIER_CLI_COMMAND_LINE_H_

#include <optional>
#include <string>
#include <string_view>

#include <boost/program_options.hpp>

#include "verifier/cli/commands.h"

namespace ccv::cli {

// A command's name in messages ("quote verify") and the usage text its
// --help prints (ending in a newline).
struct CommandHelp {
  std::string_view name;
  std::string_view usage;
};

// `synopsis` followed by the table Boost prints for `options`: the usage
// text of a command whose --help lists its options.
std::string UsageWithOptions(std::string_view synopsis,
                             const boost::program_options::options_description& options);

// The help of a command whose --help prints `synopsis` and then the table of
// its `options` (UsageWithOptions), holding that text. Not copyable: `usage`
// views the text it holds.
class OptionsHelp : public CommandHelp {
 public:
  OptionsHelp(std::string_view name, std::string_view synopsis,
              const boost::program_options::options_description& options);
  OptionsHelp(const OptionsHelp&) = delete;
  OptionsHelp& operator=(const OptionsHelp&) = delete;

 private:
  std::string text_;
};

// The positional argument `name`, at most once: "ccverify verify DIR" is
// "--bundle DIR".
boost::program_options::positional_options_description OnePositional(const char* name);

// Prints "ccverify NAME: WHY" (when `why` is not empty) and the usage to
// stderr; returns kExitUsage.
int UsageError(const CommandHelp& help, std::string_view why);
// Prints only "ccverify NAME: WHY" to stderr; returns kExitUsage. For a
// mistake in one flag's value, where the whole usage would hide the line.
int UsageMessage(const CommandHelp& help, std::string_view why);

// Parses `args` into `vm`. Returns nullopt when the command should run, or
// the exit code when it is done: kExitTrusted after printing --help (the
// option "help" must be declared), kExitUsage after a parse error.
std::optional<int> ParseCommandLine(
    const Args& args, const CommandHelp& help,
    const boost::program_options::options_description& options,
    boost::program_options::variables_map* vm,
    const boost::program_options::positional_options_description* positional = nullptr);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_COMMAND_LINE_H_
