#include "tests/testing/cli.h"

#include <cstdio>
#include <fcntl.h>
#include <iostream>
#include <stdexcept>
#include <unistd.h>

#include "verifier/cli/commands.h"

namespace ccv::testing {

std::vector<std::string> SplitShellWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
      continue;
    }
    in_word = true;
    if (c == '\'') {
      size_t end = text.find('\'', i + 1);
      if (end == std::string::npos) throw std::invalid_argument("unbalanced ' in: " + text);
      word += text.substr(i + 1, end - i - 1);
      i = end;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= text.size()) throw std::invalid_argument("unbalanced \" in: " + text);
        if (text[i] == '"') break;
        if (text[i] == '$' || text[i] == '`') {
          throw std::invalid_argument("expansion in: " + text);
        }
        if (text[i] == '\\' && i + 1 < text.size() &&
            std::string_view("\"\\$`").find(text[i + 1]) != std::string_view::npos) {
          ++i;
        }
        word += text[i];
      }
    } else if (c == '\\') {
      if (i + 1 >= text.size()) throw std::invalid_argument("trailing \\ in: " + text);
      word += text[++i];
    } else if (std::string_view("|&;<>()$`").find(c) != std::string_view::npos) {
      throw std::invalid_argument(std::string("shell operator '") + c + "' in: " + text);
    } else {
      word += c;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

namespace {

// Points descriptor `fd` at `to` until destroyed.
class Redirect {
 public:
  Redirect(int fd, int to) : fd_(fd), saved_(::dup(fd)) { ::dup2(to, fd); }
  ~Redirect() {
    ::dup2(saved_, fd_);
    ::close(saved_);
  }
  Redirect(const Redirect&) = delete;
  Redirect& operator=(const Redirect&) = delete;

 private:
  int fd_, saved_;
};

void FlushAll() {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(stdout);
  std::fflush(stderr);
}

}  // namespace

CliRun RunCcverify(const std::string& args, Stderr stderr_mode) {
  const std::vector<std::string> argv = SplitShellWords(args);
  if (!InstalledBinDir().empty()) return RunProgram("ccverify", args, stderr_mode);
  static int n = 0;
  const std::filesystem::path base =
      std::filesystem::temp_directory_path() /
      ("ccv_cli_" + std::to_string(::getpid()) + "_in_" + std::to_string(n++));
  const std::filesystem::path out = base.string() + ".out", err = base.string() + ".err";
  const int out_fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int err_fd = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  const int null_fd = ::open("/dev/null", O_RDWR);
  if (out_fd < 0 || err_fd < 0 || null_fd < 0)
    throw std::runtime_error("cannot open " + base.string());
  CliRun r;
  FlushAll();
  {
    Redirect in(0, null_fd);
    Redirect o(1, out_fd);
    Redirect e(2, stderr_mode == Stderr::kSeparate ? err_fd
                  : stderr_mode == Stderr::kMerged ? out_fd
                                                   : null_fd);
    r.code = ::ccv::cli::Main(argv);
    FlushAll();
  }
  ::close(out_fd);
  ::close(err_fd);
  ::close(null_fd);
  cli_internal::TakeOutput(out, err, stderr_mode, &r);
  return r;
}

}  // namespace ccv::testing
