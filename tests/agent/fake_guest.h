// Test-only fake TDX guest tree for ccverify-agent: a temporary directory laid
// out like a guest's /sys and /dev (used with --root), plus a fake configfs-tsm
// "kernel" that serves report entries through FIFOs (see agent/configfs_tsm.h).
#ifndef CCV_TESTS_AGENT_FAKE_GUEST_H_
#define CCV_TESTS_AGENT_FAKE_GUEST_H_

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <signal.h>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <rapidjson/document.h>

#include "gtest/gtest.h"
#include "tests/testing/corpus.h"
#include "tests/testing/files.h"

namespace ccv::testing {

namespace fs = std::filesystem;

inline fs::path MakeTempDir(const std::string& tag) {
  std::string tmpl = (fs::temp_directory_path() / ("ccv-" + tag + "-XXXXXX")).string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) std::abort();
  return fs::path(buf.data());
}

// The shared corpus's ccapi-td evidence: sets `*dir` to it and parses its
// expected.json into `*expected`; false when the corpus is absent.
inline bool LoadCcapiTd(fs::path* dir, rapidjson::Document* expected) {
  auto corpus = CorpusDir();
  if (!corpus) return false;
  *dir = *corpus / "evidence" / "ccapi-td";
  const std::string text = ReadText(*dir / "expected.json");
  expected->Parse(text.c_str(), text.size());
  return true;
}

// A 56-byte ACPI CCEL table (TDX, CC type 2) describing a log area of
// `laml` bytes at `lasa`, with a correct checksum. Layout: ACPI header (36)
// + CC type (1) + CC subtype (1) + reserved (2) + LAML u64 + LASA u64.
inline std::vector<uint8_t> MakeCcelTable(uint64_t laml, uint64_t lasa) {
  std::vector<uint8_t> t(56, 0);
  const char sig[] = "CCEL";
  for (int i = 0; i < 4; ++i) t[i] = uint8_t(sig[i]);
  t[4] = 56;  // length u32le
  t[8] = 1;   // revision
  const char oem[] = "INTEL EDK2    ";
  for (int i = 0; i < 6; ++i) t[10 + i] = uint8_t(oem[i]);
  for (int i = 0; i < 8; ++i) t[16 + i] = uint8_t(oem[6 + i]);
  t[24] = 2;  // OEM revision
  t[36] = 2;  // CC type: TDX
  for (int i = 0; i < 8; ++i) t[40 + i] = uint8_t(laml >> (8 * i));
  for (int i = 0; i < 8; ++i) t[48 + i] = uint8_t(lasa >> (8 * i));
  uint8_t sum = 0;
  for (uint8_t b : t) sum = uint8_t(sum + b);
  t[9] = uint8_t(0 - sum);
  return t;
}

// A 1024-byte TDREPORT_STRUCT (TDX Module ABI): REPORTTYPE.TYPE 0x81 at 0,
// REPORTDATA at 128, RTMR0..3 at 720 + 48 i; every other byte zero.
inline std::vector<uint8_t> MakeTdReport(const std::vector<uint8_t>& report_data,
                                         const std::vector<std::vector<uint8_t>>& rtmrs = {}) {
  std::vector<uint8_t> t(1024, 0);
  t[0] = 0x81;
  for (size_t i = 0; i < report_data.size() && i < 64; ++i) t[128 + i] = report_data[i];
  for (size_t r = 0; r < rtmrs.size() && r < 4; ++r) {
    for (size_t i = 0; i < rtmrs[r].size() && i < 48; ++i) t[720 + 48 * r + i] = rtmrs[r][i];
  }
  return t;
}

// Serves configfs-tsm entries of a fake tree: `.template` holds `provider`,
// `generation` (a file) and FIFOs `inblob` and `outblob`. Per request it reads
// the inblob to EOF, adds `bump` to the generation, and writes `outblob`
// (nothing when `outblob` is empty: a quote service that does not answer).
class FakeTsm {
 public:
  FakeTsm(const fs::path& report_dir, std::vector<uint8_t> outblob, uint64_t bump = 1,
          uint64_t start_generation = 7)
      : tmpl_(report_dir / ".template"), outblob_(std::move(outblob)), bump_(bump) {
    ::signal(SIGPIPE, SIG_IGN);
    fs::create_directories(tmpl_);
    WriteText(tmpl_ / "provider", "tdx_guest\n");
    generation_ = start_generation;
    WriteText(tmpl_ / "generation", std::to_string(generation_) + "\n");
    if (::mkfifo((tmpl_ / "inblob").c_str(), 0600) != 0 ||
        ::mkfifo((tmpl_ / "outblob").c_str(), 0600) != 0) {
      std::abort();
    }
    thread_ = std::thread([this] { Serve(); });
  }
  FakeTsm(const FakeTsm&) = delete;
  FakeTsm& operator=(const FakeTsm&) = delete;
  ~FakeTsm() { Stop(); }

  void Stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    // Unblock an open() waiting for a peer on either FIFO.
    for (int i = 0; i < 50 && !done_; ++i) {
      int w = ::open((tmpl_ / "inblob").c_str(), O_WRONLY | O_NONBLOCK);
      if (w >= 0) ::close(w);
      int r = ::open((tmpl_ / "outblob").c_str(), O_RDONLY | O_NONBLOCK);
      if (r >= 0) ::close(r);
      ::usleep(2000);
    }
    thread_.join();
  }

  // Holds each answer after the inblob was read until Release() (a slow quote
  // service). Call before the request.
  void Hold() { hold_ = true; }
  void Release() { hold_ = false; }

  std::vector<std::vector<uint8_t>> inblobs() {
    std::lock_guard<std::mutex> l(mu_);
    return inblobs_;
  }

 private:
  void Serve() {
    while (!stop_) {
      int in = ::open((tmpl_ / "inblob").c_str(), O_RDONLY);
      if (in < 0) break;
      std::vector<uint8_t> got;
      uint8_t buf[256];
      ssize_t n;
      while ((n = ::read(in, buf, sizeof(buf))) > 0) got.insert(got.end(), buf, buf + n);
      ::close(in);
      if (stop_) break;
      {
        std::lock_guard<std::mutex> l(mu_);
        inblobs_.push_back(got);
      }
      while (hold_ && !stop_) ::usleep(1000);
      generation_ += bump_;
      WriteText(tmpl_ / "generation.tmp", std::to_string(generation_) + "\n");
      fs::rename(tmpl_ / "generation.tmp", tmpl_ / "generation");
      int out = ::open((tmpl_ / "outblob").c_str(), O_WRONLY);
      if (out < 0) break;
      size_t off = 0;
      while (off < outblob_.size()) {
        ssize_t w = ::write(out, outblob_.data() + off, outblob_.size() - off);
        if (w <= 0) break;
        off += size_t(w);
      }
      ::close(out);
    }
    done_ = true;
  }

  fs::path tmpl_;
  std::vector<uint8_t> outblob_;
  uint64_t bump_;
  uint64_t generation_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<bool> done_{false};
  std::atomic<bool> hold_{false};
  std::mutex mu_;
  std::vector<std::vector<uint8_t>> inblobs_;
  std::thread thread_;
};

// Relative guest paths (agent/guest_paths.h spells them for the agent).
inline const char kFakeCcelTable[] = "sys/firmware/acpi/tables/CCEL";
inline const char kFakeCcelData[] = "sys/firmware/acpi/tables/data/CCEL";
inline const char kFakeImaAscii[] = "sys/kernel/security/integrity/ima/ascii_runtime_measurements";
inline const char kFakeImaBinary[] =
    "sys/kernel/security/integrity/ima/binary_runtime_measurements";
inline const char kFakeTpmLog[] = "sys/kernel/security/tpm0/binary_bios_measurements";
inline const char kFakeTsmReport[] = "sys/kernel/config/tsm/report";
inline const char kFakeTdxGuest[] = "dev/tdx_guest";

// What a fake guest made from the ccapi-td corpus set presents.
struct CcapiTdGuest {
  std::vector<uint8_t> ccel;   // CCEL log area
  std::vector<uint8_t> ima;    // ascii_runtime_measurements
  std::vector<uint8_t> quote;  // for a FakeTsm to serve as the outblob
};

// Writes the ccapi-td set at `evidence` as a guest tree under `root`: its CCEL
// data behind a CCEL table made for it (the set has none), its IMA list, and
// an empty configfs-tsm report directory.
inline CcapiTdGuest WriteCcapiTdGuest(const fs::path& evidence, const fs::path& root) {
  CcapiTdGuest g{ReadAll(evidence / "ccel_data.bin"),
                 ReadAll(evidence / "ascii_runtime_measurements"), ReadAll(evidence / "quote.bin")};
  WriteAll(root / kFakeCcelTable, MakeCcelTable(g.ccel.size(), 0x7fbf0000));
  WriteAll(root / kFakeCcelData, g.ccel);
  WriteAll(root / kFakeImaAscii, g.ima);
  fs::create_directories(root / kFakeTsmReport);
  return g;
}

// Result of running a program: exit code and captured stdout/stderr.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline RunResult RunCommand(const std::vector<std::string>& argv) {
  fs::path dir = MakeTempDir("run");
  std::string cmd;
  for (const std::string& a : argv) {
    std::string q = "'";
    for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    cmd += q + "' ";
  }
  cmd += "> '" + (dir / "out").string() + "' 2> '" + (dir / "err").string() + "'";
  int rc = std::system(cmd.c_str());
  RunResult r;
  r.exit_code = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  auto o = ReadAll(dir / "out"), e = ReadAll(dir / "err");
  r.out.assign(o.begin(), o.end());
  r.err.assign(e.begin(), e.end());
  fs::remove_all(dir);
  return r;
}

// Names in `dir` (non-recursive).
inline std::vector<std::string> ListNames(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_AGENT_FAKE_GUEST_H_
