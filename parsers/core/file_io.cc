#include "parsers/core/file_io.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

#if defined(__linux__) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#if defined(SYS_openat2)
#define CCV_HAVE_OPENAT2 1
#endif
#endif

namespace ccv {
namespace {

Status IoError(const std::string& path, const char* what, int err = errno) {
  return Status(ErrorCode::kIo, std::string(what) + ": " + std::strerror(err)).WithFile(path);
}

// Opened for reading without side effects a FIFO or terminal could have:
// O_NONBLOCK so that open() of a FIFO returns at once, O_NOCTTY so that a
// terminal never becomes ours. Regular files ignore both.
constexpr int kReadFlags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC;
constexpr size_t kReadChunk = size_t{1} << 16;

const char* KindOf(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISFIFO(m)) return "a FIFO (named pipe)";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISSOCK(m)) return "a socket";
  if (S_ISLNK(m)) return "a symbolic link";
  return "not a regular file";
}

Status NotRegular(const std::string& path, mode_t m) {
  return Status(ErrorCode::kIo, std::string("is ") + KindOf(m) + ", expected a regular file")
      .WithFile(path);
}

Status LeavesRoot(const std::string& display, const std::string& root) {
  return Status(ErrorCode::kBadValue,
                "leads out of the directory '" + root +
                    "' (through a link, an absolute path or '..'): expected a file inside it")
      .WithFile(display);
}

// True when canonical path `p` is `root` or lies below it (by components).
bool IsBeneath(const std::filesystem::path& root, const std::filesystem::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *q != *r) return false;
  }
  return true;
}

std::optional<std::string> RealPath(const std::string& path) {
  char* r = ::realpath(path.c_str(), nullptr);
  if (r == nullptr) return std::nullopt;
  std::string out(r);
  std::free(r);
  return out;
}

// Closes the descriptor on every early return.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

template <typename Container>
Result<Container> ReadAll(const std::string& path, uint64_t max_len) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoError(path, "cannot open");
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    Status s = IoError(path, "cannot stat");
    ::close(fd);
    return s;
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::kIo, "is a directory, expected a file").WithFile(path);
  }
  Container out;
  if (S_ISREG(st.st_mode)) {
    if (static_cast<uint64_t>(st.st_size) > max_len) {
      ::close(fd);
      return Status(ErrorCode::kLimitExceeded, "file is " + std::to_string(st.st_size) +
                                                   " bytes, limit " + std::to_string(max_len))
          .WithFile(path);
    }
    out.reserve(static_cast<size_t>(st.st_size));
  }
  // Read until EOF: sysfs files report size 4096 or 0 whatever they hold.
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = IoError(path, "read failed");
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_len) {
      ::close(fd);
      return Status(ErrorCode::kLimitExceeded,
                    "file exceeds the limit of " + std::to_string(max_len) + " bytes")
          .WithFile(path);
    }
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

}  // namespace

// The steps every open shares: probe (stat without opening), open with
// kReadFlags, confirm on the descriptor that it is the probed regular file.
struct InputFileOpener {
  // Takes `fd`; `probed`: what the probe saw (the descriptor must show the
  // same file, else the path changed between probe and open).
  static Result<InputFile> Finish(int fd, const std::string& display, const struct stat& probed) {
    FdCloser closer(fd);
    struct stat st;
    if (::fstat(fd, &st) != 0) return IoError(display, "cannot stat");
    if (!S_ISREG(st.st_mode)) return NotRegular(display, st.st_mode);
    if (st.st_dev != probed.st_dev || st.st_ino != probed.st_ino) {
      return Status(ErrorCode::kIo, "changed while being opened").WithFile(display);
    }
    int fl = ::fcntl(fd, F_GETFL);
    if (fl >= 0) (void)::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return InputFile(closer.release(), display, static_cast<uint64_t>(st.st_size));
  }

  // realpath(3) of root and root/rel compared by components. `after_escape`:
  // the kernel saw the walk leave the root; a target that cannot be resolved
  // is then reported as leaving (not as missing: no probing outside).
  static Result<InputFile> Realpath(const std::string& root, const std::string& rel,
                                    const std::string& display, bool after_escape) {
    std::optional<std::string> root_real = RealPath(root);
    if (!root_real) return IoError(root, "cannot open directory");
    std::optional<std::string> real = RealPath(root + "/" + rel);
    if (!real) {
      if (after_escape) return LeavesRoot(display, root);
      return IoError(display, "cannot open");
    }
    if (!IsBeneath(*root_real, *real)) return LeavesRoot(display, root);
    struct stat st;
    if (::lstat(real->c_str(), &st) != 0) return IoError(display, "cannot open");
    if (!S_ISREG(st.st_mode)) return NotRegular(display, st.st_mode);
    int fd = ::open(real->c_str(), kReadFlags | O_NOFOLLOW);
    if (fd < 0) return IoError(display, "cannot open");
    return Finish(fd, display, st);
  }

  // openat2(RESOLVE_BENEATH): nullopt when the kernel (or a seccomp filter)
  // does not offer it.
  static std::optional<Result<InputFile>> Openat2(const std::string& root, const std::string& rel,
                                                  const std::string& display) {
#ifdef CCV_HAVE_OPENAT2
    int root_fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) return Result<InputFile>(IoError(root, "cannot open directory"));
    FdCloser root_closer(root_fd);
    struct open_how how;
    std::memset(&how, 0, sizeof(how));
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    // Probe with O_PATH: nothing is opened for I/O (no device open, no FIFO
    // wait) until the type is known.
    how.flags = O_PATH | O_CLOEXEC;
    long probe = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
    if (probe < 0) {
      int err = errno;
      if (err == ENOSYS || err == EPERM) return std::nullopt;
      // EXDEV: the walk left the root, e.g. through an absolute link, which
      // may still lead back inside: realpath decides.
      if (err == EXDEV) return Realpath(root, rel, display, /*after_escape=*/true);
      return Result<InputFile>(IoError(display, "cannot open", err));
    }
    FdCloser probe_closer(static_cast<int>(probe));
    struct stat st;
    if (::fstat(probe_closer.get(), &st) != 0)
      return Result<InputFile>(IoError(display, "cannot stat"));
    if (!S_ISREG(st.st_mode)) return Result<InputFile>(NotRegular(display, st.st_mode));
    how.flags = kReadFlags;
    long fd = ::syscall(SYS_openat2, root_fd, rel.c_str(), &how, sizeof(how));
    if (fd < 0) {
      int err = errno;
      if (err == EXDEV) return Result<InputFile>(LeavesRoot(display, root));
      return Result<InputFile>(IoError(display, "cannot open", err));
    }
    return Finish(static_cast<int>(fd), display, st);
#else
    (void)root;
    (void)rel;
    (void)display;
    return std::nullopt;
#endif
  }
};

Result<InputFile> InputFile::Open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return IoError(path, "cannot open");
  if (!S_ISREG(st.st_mode)) return NotRegular(path, st.st_mode);
  int fd = ::open(path.c_str(), kReadFlags);
  if (fd < 0) return IoError(path, "cannot open");
  return InputFileOpener::Finish(fd, path, st);
}

Result<InputFile> InputFile::OpenBeneath(const std::string& root, const std::string& rel,
                                         BeneathMethod method) {
  std::filesystem::path rp(rel);
  std::string display = (std::filesystem::path(root) / rp).string();
  if (rel.empty() || rel.find('\0') != std::string::npos) {
    return Status(ErrorCode::kBadValue, "expected a file name").WithFile(display);
  }
  if (rp.is_absolute()) return LeavesRoot(display, root);
  for (const auto& part : rp) {
    if (part == "..") return LeavesRoot(display, root);
  }
  if (method != BeneathMethod::kRealpath) {
    std::optional<Result<InputFile>> r = InputFileOpener::Openat2(root, rel, display);
    if (r) return std::move(*r);
    if (method == BeneathMethod::kOpenat2) {
      return Status(ErrorCode::kUnsupported, "openat2(RESOLVE_BENEATH) is not available")
          .WithFile(display);
    }
  }
  return InputFileOpener::Realpath(root, rel, display, /*after_escape=*/false);
}

InputFile::InputFile(InputFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)), size_(other.size_) {}

InputFile& InputFile::operator=(InputFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    size_ = other.size_;
  }
  return *this;
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<size_t> InputFile::Read(uint8_t* buf, size_t len) {
  if (fd_ < 0) return Status(ErrorCode::kInternal, "read of a closed file").WithFile(path_);
  for (;;) {
    ssize_t n = ::read(fd_, buf, len);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno == EINTR) continue;
    return IoError(path_, "read failed");
  }
}

Status InputFile::Seek(uint64_t offset) {
  if (fd_ < 0) return Status(ErrorCode::kInternal, "seek in a closed file").WithFile(path_);
  if (offset > uint64_t(INT64_MAX) || ::lseek(fd_, off_t(offset), SEEK_SET) < 0) {
    return IoError(path_, "seek failed");
  }
  return Status::Ok();
}

namespace {

template <typename Container>
Result<Container> ReadRest(InputFile* f, uint64_t max_len) {
  if (f->size() > max_len) {
    return Status(ErrorCode::kLimitExceeded, "file is " + std::to_string(f->size()) +
                                                 " bytes, limit " + std::to_string(max_len))
        .WithFile(f->path());
  }
  // Straight into the result up to the size seen at open, then in chunks
  // (the file may have grown since).
  Container out(static_cast<size_t>(f->size()), 0);
  size_t got = 0;
  while (got < out.size()) {
    CCV_ASSIGN_OR_RETURN(size_t n, f->Read(reinterpret_cast<uint8_t*>(out.data()) + got,
                                           std::min(out.size() - got, size_t{1} << 20)));
    if (n == 0) break;
    got += n;
  }
  out.resize(got);
  uint8_t buf[kReadChunk];
  for (;;) {
    CCV_ASSIGN_OR_RETURN(size_t n, f->Read(buf, sizeof(buf)));
    if (n == 0) break;
    if (out.size() + n > max_len) {
      return Status(ErrorCode::kLimitExceeded,
                    "file exceeds the limit of " + std::to_string(max_len) + " bytes")
          .WithFile(f->path());
    }
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> InputFile::ReadAll(uint64_t max_len) {
  return ReadRest<std::vector<uint8_t>>(this, max_len);
}

Result<std::string> InputFile::ReadAllText(uint64_t max_len) {
  return ReadRest<std::string>(this, max_len);
}

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path, uint64_t max_len) {
  return ReadAll<std::vector<uint8_t>>(path, max_len);
}

Result<std::string> ReadFileText(const std::string& path, uint64_t max_len) {
  return ReadAll<std::string>(path, max_len);
}

Status WriteFileBytes(const std::string& path, const void* data, size_t len) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError(path, "cannot create");
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = IoError(path, "write failed");
      ::close(fd);
      return s;
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return IoError(path, "close failed");
  return Status::Ok();
}

Status WriteFileAtomically(const std::string& path, std::string_view data) {
  // mkstemp's template lives beside `path`, so the rename stays on one file
  // system; the leading '.' keeps it out of plain directory listings.
  std::string dir = ".", base = path;
  size_t slash = path.rfind('/');
  if (slash != std::string::npos) {
    dir = slash == 0 ? "/" : path.substr(0, slash);
    base = path.substr(slash + 1);
  }
  if (base.empty()) return Status(ErrorCode::kIo, "not a file name").WithFile(path);
  std::string tmpl = (dir == "/" ? "" : dir) + "/." + base + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) return IoError(path, "cannot create a temporary file beside it");
  const std::string tmp(name.data());
  // mkstemp creates mode 0600; what is written this way (collateral,
  // reports) is not secret, and other users (a CI runner) read it.
  ::fchmod(fd, 0644);
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return IoError(path, what, err);
  };
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("write failed");
    }
    done += size_t(n);
  }
  if (::fsync(fd) != 0) return fail("fsync failed");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(path, "close failed", err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return IoError(path, "rename failed", err);
  }
  return Status::Ok();
}

}  // namespace ccv
