// Test helpers for the command line. RunCcverify calls the ccverify
// subcommands in this process (ccv::cli::Main, library ccv_cli_testing) with
// standard input at /dev/null and standard output and error captured;
// RunProgram runs a program of the build tree through /bin/sh, for the few
// tests that must exercise a real executable (the ccverify binary itself,
// ccverify-agent, documentation examples).
#ifndef CCV_TESTS_TESTING_CLI_H_
#define CCV_TESTS_TESTING_CLI_H_

#include <cstdlib>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/corpus.h"
#include "tests/testing/files.h"

namespace ccv::testing {

struct CliRun {
  int code = -1;    // exit status; -1 when a signal ended the process
  std::string out;  // standard output (and standard error with kMerged)
  std::string err;  // standard error with kSeparate
};

enum class Stderr {
  kSeparate,  // into CliRun::err
  kMerged,    // into CliRun::out, interleaved as written (2>&1)
  kDiscard,   // to /dev/null
};

// One shell word: 'text' with every ' written as '\''.
inline std::string Quote(const std::string& text) {
  std::string q = "'";
  for (char c : text) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  q += '\'';
  return q;
}
inline std::string Quote(const std::filesystem::path& p) { return Quote(p.string()); }
inline std::string Quote(const char* text) { return Quote(std::string(text)); }

namespace cli_internal {

// Moves what a run wrote to the files `out` and `err` into `r` (err only
// with kSeparate) and removes both files.
inline void TakeOutput(const std::filesystem::path& out, const std::filesystem::path& err,
                       Stderr stderr_mode, CliRun* r) {
  r->out = ReadText(out);
  if (stderr_mode == Stderr::kSeparate) r->err = ReadText(err);
  std::error_code ec;
  std::filesystem::remove(out, ec);
  std::filesystem::remove(err, ec);
}

}  // namespace cli_internal

// The directory of installed binaries the command-line tests run instead of
// the build tree's (CCV_INSTALLED_BIN_DIR, set by the installed-tree suite),
// or "" for the build tree.
inline std::string InstalledBinDir() {
  const char* env = std::getenv("CCV_INSTALLED_BIN_DIR");
  return env != nullptr ? env : "";
}

// Runs `BinaryDir()/program ARGS`; ARGS is shell text (quote paths with
// Quote()). With CCV_INSTALLED_BIN_DIR set, "ccverify" and "ccverify-agent"
// run from that directory instead.
inline CliRun RunProgram(const std::string& program, const std::string& args,
                         Stderr stderr_mode = Stderr::kSeparate) {
  static int n = 0;
  const std::filesystem::path base =
      std::filesystem::temp_directory_path() /
      ("ccv_cli_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
  const std::filesystem::path out = base.string() + ".out", err = base.string() + ".err";
  const std::filesystem::path exe =
      !InstalledBinDir().empty() && (program == "ccverify" || program == "ccverify-agent")
          ? std::filesystem::path(InstalledBinDir()) / program
          : BinaryDir() / program;
  std::string cmd = Quote(exe) + " " + args + " < /dev/null > " + Quote(out);
  switch (stderr_mode) {
    case Stderr::kSeparate:
      cmd += " 2> " + Quote(err);
      break;
    case Stderr::kMerged:
      cmd += " 2>&1";
      break;
    case Stderr::kDiscard:
      cmd += " 2> /dev/null";
      break;
  }
  const int status = std::system(cmd.c_str());
  CliRun r;
  r.code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  cli_internal::TakeOutput(out, err, stderr_mode, &r);
  return r;
}

// `ccverify ARGS` run in this process: ARGS is split into words as /bin/sh
// would (quote paths with Quote()); redirections, pipes and expansions are
// not supported (std::invalid_argument). Not thread-safe: it redirects this
// process's file descriptors 0, 1 and 2 for the duration of the call. With
// CCV_INSTALLED_BIN_DIR set, the installed `ccverify` runs instead, as a
// process with the same words.
CliRun RunCcverify(const std::string& args, Stderr stderr_mode = Stderr::kSeparate);

// Each `ccverify ARGS` of `args_list` exits with `code`; a failure names the
// ARGS and shows what the run wrote to standard error.
inline void ExpectExitCode(int code, std::initializer_list<std::string> args_list) {
  for (const std::string& args : args_list) {
    CliRun r = RunCcverify(args);
    EXPECT_EQ(r.code, code) << "ccverify " << args << "\n" << r.err;
  }
}

// The words of shell text ('single', "double" with \" \\ \$ \` escapes,
// and backslash escapes); std::invalid_argument for unbalanced quotes or an
// unquoted | & ; < > ( ) $ `.
std::vector<std::string> SplitShellWords(const std::string& text);

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_CLI_H_
