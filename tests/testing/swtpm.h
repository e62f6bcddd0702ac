// Test helpers for tests that talk to a software TPM: running shell
// commands, and a swtpm of the test's own on unix sockets in a temporary
// directory (`swtpm socket --server type=unixio`, raw TPM commands on the
// data socket; the control socket beside it is named as tpm2-tss's swtpm
// TCTI expects, so tpm2-tools reach it with TPM2TOOLS_TCTI=swtpm:path=...).
// The TPM is not started: the test sends TPM2_Startup. Killed (by its own
// pid) when the object goes away.
#ifndef CCV_TESTS_TESTING_SWTPM_H_
#define CCV_TESTS_TESTING_SWTPM_H_

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <string>
#include <sys/wait.h>
#include <thread>

#include "tests/testing/cli.h"

namespace ccv::testing {

struct Sh {
  int code;
  std::string out;  // standard output and error
};

// Runs shell text with /bin/sh; standard error merged into the output.
inline Sh Shell(const std::string& cmd) {
  std::string full = "(" + cmd + ") 2>&1";
  FILE* p = popen(full.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

inline bool Have(const char* tool) {
  return Shell(std::string("command -v ") + tool + " >/dev/null").code == 0;
}

class SwtpmSocket {
 public:
  // Starts swtpm with its state in `dir`/state and its data socket at
  // `socket` (the control socket at `socket`.ctrl). error() is empty on
  // success.
  SwtpmSocket(const std::filesystem::path& dir, const std::filesystem::path& socket)
      : socket_(socket) {
    std::filesystem::create_directories(dir / "state");
    std::filesystem::create_directories(socket.parent_path());
    Sh s = Shell("swtpm socket --tpm2 --server type=unixio,path=" + Quote(socket) +
                 " --ctrl type=unixio,path=" + Quote(socket.string() + ".ctrl") +
                 " --tpmstate dir=" + Quote(dir / "state") +
                 " --flags not-need-init --pid file=" + Quote(dir / "swtpm.pid") + " --daemon");
    if (s.code != 0) {
      error_ = "swtpm did not start: " + s.out;
      return;
    }
    std::ifstream(dir / "swtpm.pid") >> pid_;
    for (int i = 0; i < 100 && !std::filesystem::exists(socket); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ <= 0 || !std::filesystem::exists(socket)) error_ = "swtpm wrote no pid or socket";
  }
  // Stops the swtpm and waits (up to 2 s) until it has exited: it removes
  // its pid file as it exits, which would race a caller removing the
  // directory. Exited is gone or a zombie (a daemon's parent may never reap
  // it).
  ~SwtpmSocket() {
    if (pid_ <= 0 || kill(pid_, SIGTERM) != 0) return;
    for (int i = 0; i < 400 && Running(pid_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  SwtpmSocket(const SwtpmSocket&) = delete;
  SwtpmSocket& operator=(const SwtpmSocket&) = delete;

  const std::string& error() const { return error_; }
  // Whether process `pid` exists and is not a zombie (/proc/PID/stat).
  static bool Running(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return false;
    const size_t paren = line.rfind(')');  // the command may hold spaces
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] != 'Z';
  }
  const std::filesystem::path& socket() const { return socket_; }
  // "export TPM2TOOLS_TCTI=...; " for tpm2-tools commands.
  std::string ToolsEnv() const {
    return "export TPM2TOOLS_TCTI=" + Quote("swtpm:path=" + socket_.string()) + "; ";
  }

 private:
  std::filesystem::path socket_;
  int pid_ = 0;
  std::string error_;
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_SWTPM_H_
