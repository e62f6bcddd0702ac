#include "verifier/cli/command_line.h"

#include <cstdio>
#include <sstream>

#include "verifier/cli/exit_codes.h"

namespace ccv::cli {

namespace po = boost::program_options;

std::string UsageWithOptions(std::string_view synopsis, const po::options_description& options) {
  std::ostringstream os;
  os << synopsis << options;
  return os.str();
}

OptionsHelp::OptionsHelp(std::string_view name, std::string_view synopsis,
                         const po::options_description& options)
    : CommandHelp{name, {}}, text_(UsageWithOptions(synopsis, options)) {
  usage = text_;
}

po::positional_options_description OnePositional(const char* name) {
  po::positional_options_description pos;
  pos.add(name, 1);
  return pos;
}

int UsageMessage(const CommandHelp& help, std::string_view why) {
  std::fprintf(stderr, "ccverify %.*s: %.*s\n", int(help.name.size()), help.name.data(),
               int(why.size()), why.data());
  return kExitUsage;
}

int UsageError(const CommandHelp& help, std::string_view why) {
  if (!why.empty()) UsageMessage(help, why);
  std::fwrite(help.usage.data(), 1, help.usage.size(), stderr);
  return kExitUsage;
}

std::optional<int> ParseCommandLine(const Args& args, const CommandHelp& help,
                                    const po::options_description& options, po::variables_map* vm,
                                    const po::positional_options_description* positional) {
  try {
    po::command_line_parser parser(args);
    parser.options(options);
    if (positional != nullptr) parser.positional(*positional);
    po::store(parser.run(), *vm);
    po::notify(*vm);
  } catch (const po::error& e) {
    return UsageError(help, e.what());
  }
  if (vm->count("help")) {
    std::fwrite(help.usage.data(), 1, help.usage.size(), stdout);
    return kExitTrusted;
  }
  return std::nullopt;
}

}  // namespace ccv::cli
