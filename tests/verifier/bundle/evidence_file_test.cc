// Bundle files that cannot be abused: links out of the bundle, FIFOs,
// devices, directories and sockets are refused before a byte is read, with
// errors that name the file and never echo its content.
#include "verifier/bundle/evidence_file.h"

#include <chrono>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/chunked_source.h"
#include "parsers/core/file_io.h"
#include "tests/testing/files.h"
#include "tests/verifier/pipeline/bundle_fixture.h"

namespace ccv::bundle {
namespace {

namespace fs = std::filesystem;

constexpr char kMarker[] = "SECRET-MARKER-7f3a";

bool Openat2Available() {
  testing::TempDir t("openat2_probe");
  testing::WriteText(t.path() / "f", "x");
  auto r = InputFile::OpenBeneath(t.path().string(), "f", BeneathMethod::kOpenat2);
  return r.ok() || r.status().code() != ErrorCode::kUnsupported;
}

// Runs `open` on another thread; fails (and unblocks a FIFO reader by opening
// the writing end) if it does not return within five seconds.
Result<InputFile> OpenPromptly(const std::function<Result<InputFile>()>& open,
                               const fs::path& fifo) {
  auto fut = std::async(std::launch::async, open);
  if (fut.wait_for(std::chrono::seconds(5)) == std::future_status::timeout) {
    ADD_FAILURE() << "opening " << fifo << " blocked";
    int w = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
    if (w >= 0) ::close(w);
  }
  return fut.get();
}

// A bundle at <tmp>/bundle next to <tmp>/outside, which holds a file with
// the marker string.
class BeneathTest : public ::testing::TestWithParam<BeneathMethod> {
 protected:
  void SetUp() override {
    if (GetParam() == BeneathMethod::kOpenat2 && !Openat2Available()) {
      GTEST_SKIP() << "openat2(RESOLVE_BENEATH) not available";
    }
    testing::WriteText(root_ / "quote.bin", "quote bytes");
    testing::WriteText(outside_ / "secret", std::string(kMarker) + "\n");
  }
  Result<InputFile> Open(const std::string& rel) {
    return InputFile::OpenBeneath(root_.string(), rel, GetParam());
  }
  // The error names the file, is of `code`, and holds no byte of the target.
  void ExpectRefused(const std::string& rel, ErrorCode code) {
    auto r = Open(rel);
    ASSERT_FALSE(r.ok()) << rel;
    EXPECT_EQ(r.status().code(), code) << rel << ": " << r.status().ToString();
    EXPECT_EQ(r.status().file(), (root_ / rel).string()) << r.status().ToString();
    EXPECT_EQ(r.status().ToString().find(kMarker), std::string::npos) << r.status().ToString();
  }

  testing::TempDir tmp_{"beneath"};
  fs::path root_ = tmp_.path() / "bundle";
  fs::path outside_ = tmp_.path() / "outside";
};

TEST_P(BeneathTest, RegularFileInsideIsReadWhole) {
  auto f = Open("quote.bin");
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(f->size(), 11u);
  EXPECT_EQ(f->path(), (root_ / "quote.bin").string());
  auto bytes = f->ReadAllText(100);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(*bytes, "quote bytes");
}

// Links to a file or a directory outside, absolute or relative: what is
// opened through them is refused.
TEST_P(BeneathTest, LinkOutsideIsRefused) {
  struct Link {
    fs::path target;
    const char* name;
    bool directory;
    const char* opened;
  };
  for (const Link& l :
       {Link{outside_ / "secret", "abs.bin", false, "abs.bin"},
        Link{"../outside/secret", "rel.bin", false, "rel.bin"},
        Link{"/etc/passwd", "passwd.bin", false, "passwd.bin"},
        Link{"/", "root", true, "root/etc/passwd"}, Link{outside_, "sub", true, "sub/secret"},
        Link{"..", "up", true, "up/outside/secret"}}) {
    if (l.directory) {
      fs::create_directory_symlink(l.target, root_ / l.name);
    } else {
      fs::create_symlink(l.target, root_ / l.name);
    }
    ExpectRefused(l.opened, ErrorCode::kBadValue);
  }
}

TEST_P(BeneathTest, DanglingLinkOutsideIsRefused) {
  fs::create_symlink("/nonexistent/ccv/file", root_ / "gone.bin");
  // The kernel sees the walk leave the root; the realpath fallback can only
  // tell that the target is missing. Neither opens anything.
  bool by_realpath = GetParam() == BeneathMethod::kRealpath ||
                     (GetParam() == BeneathMethod::kAuto && !Openat2Available());
  ExpectRefused("gone.bin", by_realpath ? ErrorCode::kIo : ErrorCode::kBadValue);
}

TEST_P(BeneathTest, AbsoluteOrDotDotNamesAreRefused) {
  ExpectRefused("../outside/secret", ErrorCode::kBadValue);
  ExpectRefused("a/../../outside/secret", ErrorCode::kBadValue);
  auto r = Open((outside_ / "secret").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
}

TEST_P(BeneathTest, LinksThatStayInsideAreFine) {
  testing::WriteText(root_ / "data" / "q.bin", "inner");
  fs::create_symlink("data/q.bin", root_ / "rel_link.bin");
  fs::create_symlink(root_ / "data" / "q.bin", root_ / "abs_link.bin");
  fs::create_directory_symlink("data", root_ / "alias");
  fs::create_symlink("../quote.bin", root_ / "data" / "up.bin");  // up, but not out
  for (const char* rel : {"rel_link.bin", "abs_link.bin", "alias/q.bin", "data/up.bin"}) {
    auto f = Open(rel);
    ASSERT_TRUE(f.ok()) << rel << ": " << f.status().ToString();
    EXPECT_GT(f->size(), 0u) << rel;
  }
}

TEST_P(BeneathTest, MissingFileIsAnIoErrorNamingIt) {
  ExpectRefused("absent.bin", ErrorCode::kIo);
  EXPECT_NE(Open("absent.bin").status().message().find("cannot open"), std::string::npos);
}

TEST_P(BeneathTest, DirectoryWhereAFileIsExpectedIsRefused) {
  fs::create_directories(root_ / "dir.bin");
  ExpectRefused("dir.bin", ErrorCode::kIo);
  EXPECT_NE(Open("dir.bin").status().message().find("directory"), std::string::npos);
}

TEST_P(BeneathTest, FifoIsRefusedPromptly) {
  ASSERT_EQ(::mkfifo((root_ / "quote.fifo").c_str(), 0600), 0);
  fs::create_symlink("quote.fifo", root_ / "via_link.bin");
  for (const char* rel : {"quote.fifo", "via_link.bin"}) {
    auto r = OpenPromptly([&] { return Open(rel); }, root_ / "quote.fifo");
    ASSERT_FALSE(r.ok()) << rel;
    EXPECT_EQ(r.status().code(), ErrorCode::kIo);
    EXPECT_NE(r.status().message().find("FIFO"), std::string::npos) << r.status().message();
    EXPECT_NE(r.status().message().find("expected a regular file"), std::string::npos);
  }
}

TEST_P(BeneathTest, DeviceIsRefused) {
  // A link to /dev/zero leaves the bundle; a device node inside is refused as
  // a device (mknod needs root: skipped otherwise).
  fs::create_symlink("/dev/zero", root_ / "zero_link");
  ExpectRefused("zero_link", ErrorCode::kBadValue);
  if (::mknod((root_ / "zero").c_str(), S_IFCHR | 0600, makedev(1, 5)) != 0) {
    GTEST_SKIP() << "mknod not permitted";
  }
  ExpectRefused("zero", ErrorCode::kIo);
  EXPECT_NE(Open("zero").status().message().find("character device"), std::string::npos);
}

TEST_P(BeneathTest, SocketIsRefused) {
  fs::path sock = root_ / "s";
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (sock.string().size() >= sizeof(addr.sun_path)) GTEST_SKIP() << "path too long for a socket";
  std::strcpy(addr.sun_path, sock.c_str());
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ExpectRefused("s", ErrorCode::kIo);
  EXPECT_NE(Open("s").status().message().find("socket"), std::string::npos);
  ::close(fd);
}

INSTANTIATE_TEST_SUITE_P(Methods, BeneathTest,
                         ::testing::Values(BeneathMethod::kAuto, BeneathMethod::kOpenat2,
                                           BeneathMethod::kRealpath),
                         [](const auto& info) {
                           switch (info.param) {
                             case BeneathMethod::kAuto:
                               return std::string("Auto");
                             case BeneathMethod::kOpenat2:
                               return std::string("Openat2");
                             case BeneathMethod::kRealpath:
                               return std::string("Realpath");
                           }
                           return std::string("Unknown");
                         });

TEST(InputFileTest, CommandLineFileMayBeAnywhereButMustBeRegular) {
  testing::TempDir t("cmdline");
  testing::WriteText(t.path() / "f.bin", "abc");
  fs::create_symlink(t.path() / "f.bin", t.path() / "link.bin");
  for (const char* name : {"f.bin", "link.bin"}) {
    auto f = InputFile::Open((t.path() / name).string());
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(*f->ReadAllText(10), "abc");
  }
  ASSERT_EQ(::mkfifo((t.path() / "fifo").c_str(), 0600), 0);
  auto fifo = OpenPromptly([&] { return InputFile::Open((t.path() / "fifo").string()); },
                           t.path() / "fifo");
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.status().code(), ErrorCode::kIo);
  EXPECT_EQ(fifo.status().file(), (t.path() / "fifo").string());
  auto zero = InputFile::Open("/dev/zero");
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), ErrorCode::kIo);
  EXPECT_NE(zero.status().message().find("character device"), std::string::npos);
  auto dir = InputFile::Open(t.path().string());
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().code(), ErrorCode::kIo);
}

TEST(InputFileTest, ReadAllRefusesAFileOverTheLimitBeforeReading) {
  testing::TempDir t("limit");
  testing::WriteText(t.path() / "big", std::string(5000, 'x') + kMarker);
  auto f = InputFile::Open((t.path() / "big").string());
  ASSERT_TRUE(f.ok());
  auto r = f->ReadAll(4096);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(r.status().ToString().find(kMarker), std::string::npos);
  auto again = InputFile::Open((t.path() / "big").string());
  EXPECT_TRUE(again->ReadAll(5000 + sizeof(kMarker)).ok());
}

// --- Evidence-level API -----------------------------------------------------

class EvidenceFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteText(root_ / "quote.bin", "q");
    testing::WriteText(outside_ / "secret", std::string(kMarker) + "\n");
  }
  Evidence Load(const std::string& json) {
    testing::WriteText(root_ / "evidence.json", json);
    auto e = LoadEvidenceDir(root_.string());
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? *e : Evidence{};
  }
  testing::TempDir tmp_{"evfile"};
  fs::path root_ = tmp_.path() / "bundle";
  fs::path outside_ = tmp_.path() / "outside";
};

TEST_F(EvidenceFileTest, BundleFilesStayInsideTheBundle) {
  fs::create_symlink("/etc/passwd", root_ / "ccel.bin");
  fs::create_symlink(outside_ / "secret", root_ / "ima.txt");
  Evidence e =
      Load(R"({"version": 1, "quote": "quote.bin", "ccel": "ccel.bin", "ima": "ima.txt"})");
  auto q = ReadEvidenceFile(e, *e.quote, 1 << 20);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ(*q, std::vector<uint8_t>{'q'});
  for (const std::string& p : {*e.ccel_data, *e.ima}) {
    auto r = ReadEvidenceFile(e, p, 1 << 20);
    ASSERT_FALSE(r.ok()) << p;
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
    EXPECT_EQ(r.status().file(), p);
    EXPECT_EQ(r.status().ToString().find(kMarker), std::string::npos) << r.status().ToString();
    EXPECT_FALSE(OpenEvidenceSource(e, p).ok());
    EXPECT_FALSE(OpenEvidenceChunks(e, p).ok());
  }
}

TEST_F(EvidenceFileTest, CommandLineFilesMayBeOutsideTheBundle) {
  Evidence e = Load(R"({"version": 1, "quote": "quote.bin"})");
  std::string flag = (outside_ / "secret").string();  // e.g. --quote outside/secret
  auto r = ReadEvidenceText(e, flag, 1 << 20);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->find(kMarker), 0u);
  // Still only regular files.
  ASSERT_EQ(::mkfifo((outside_ / "fifo").c_str(), 0600), 0);
  auto fifo = OpenPromptly([&] { return OpenEvidenceFile(e, (outside_ / "fifo").string()); },
                           outside_ / "fifo");
  ASSERT_FALSE(fifo.ok());
  EXPECT_EQ(fifo.status().code(), ErrorCode::kIo);
  // Without a bundle directory every path is a command-line path.
  Evidence flags_only;
  EXPECT_TRUE(ReadEvidenceFile(flags_only, (root_ / "quote.bin").string(), 10).ok());
  EXPECT_FALSE(ReadEvidenceFile(flags_only, "/dev/zero", 10).ok());
}

TEST_F(EvidenceFileTest, ManifestItselfMustBeARegularFileInside) {
  testing::WriteText(outside_ / "evidence.json", R"({"version": 1, "quote": "quote.bin"})");
  fs::create_symlink(outside_ / "evidence.json", root_ / "evidence.json");
  auto e = LoadEvidenceDir(root_.string());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(e.status().file(), (root_ / "evidence.json").string());
  fs::remove(root_ / "evidence.json");
  ASSERT_EQ(::mkfifo((root_ / "evidence.json").c_str(), 0600), 0);
  auto fifo = std::async(std::launch::async, [&] { return LoadEvidenceDir(root_.string()); });
  if (fifo.wait_for(std::chrono::seconds(5)) == std::future_status::timeout) {
    ADD_FAILURE() << "LoadEvidenceDir blocked on a FIFO";
    int w = ::open((root_ / "evidence.json").c_str(), O_WRONLY | O_NONBLOCK);
    if (w >= 0) ::close(w);
  }
  auto r = fifo.get();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIo);
}

TEST_F(EvidenceFileTest, ParseErrorsOfALinkedManifestEchoNoContent) {
  // A manifest inside the bundle that is not JSON: the error gives the offset,
  // not the bytes.
  testing::WriteText(root_ / "evidence.json", std::string(kMarker) + " {");
  auto e = LoadEvidenceDir(root_.string());
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(e.status().ToString().find(kMarker), std::string::npos) << e.status().ToString();
}

TEST_F(EvidenceFileTest, StreamingReturnsTheSameBytesInChunks) {
  std::string big;
  big.reserve(3 << 20);
  uint32_t x = 1;
  for (size_t i = 0; i < (3u << 20) + 17; ++i) {
    x = x * 1103515245u + 12345u;
    big += static_cast<char>(x >> 24);
  }
  testing::WriteText(root_ / "log.bin", big);
  Evidence e = Load(R"({"version": 1, "tpm_eventlog": "log.bin"})");
  auto src = OpenEvidenceSource(e, *e.tpm_eventlog);
  ASSERT_TRUE(src.ok()) << src.status().ToString();
  EXPECT_EQ((*src)->SizeHint(), std::optional<uint64_t>(big.size()));
  parsers::ChunkedSource chunked(src->get(), 4096);
  std::string got;
  for (;;) {
    auto view = chunked.Peek(1000);
    ASSERT_TRUE(view.ok());
    if (view->empty()) break;
    size_t n = std::min<size_t>(view->size(), 1000);
    got.append(reinterpret_cast<const char*>(view->data()), n);
    chunked.Consume(n);
  }
  EXPECT_EQ(got.size(), big.size());
  EXPECT_TRUE(got == big);

  auto chunks = OpenEvidenceChunks(e, *e.tpm_eventlog);
  ASSERT_TRUE(chunks.ok());
  std::string via_chunks;
  std::vector<uint8_t> buf(65536);
  size_t calls = 0;
  for (;; ++calls) {
    auto n = (*chunks)(std::span<uint8_t>(buf));
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
    via_chunks.append(reinterpret_cast<const char*>(buf.data()), *n);
  }
  EXPECT_GE(calls, big.size() / buf.size());
  EXPECT_TRUE(via_chunks == big);
}

}  // namespace
}  // namespace ccv::bundle
