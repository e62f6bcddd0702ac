// ccverify: offline verifier and replay engine for confidential-computing
// evidence. The subcommands are the ccv_cli library (verifier/cli/commands.h).
#include <string>

#include "verifier/cli/commands.h"

int main(int argc, char** argv) { return ccv::cli::Main(ccv::cli::Args(argv + 1, argv + argc)); }
