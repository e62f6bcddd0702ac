#include "agent/internal/fs_util.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

namespace ccv::agent::internal {

Status ErrnoStatus(ErrorCode code, std::string_view what, const std::string& path) {
  return Status(code, std::string(what) + ": " + std::strerror(errno)).WithFile(path);
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

Result<std::vector<std::string>> ListDir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return ErrnoStatus(ErrorCode::kIo, "cannot open directory", dir);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(d)) {
    std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    names.emplace_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

Status WriteAllFd(int fd, const void* data, size_t len, const std::string& path) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(ErrorCode::kIo, "write failed", path);
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Status WriteExisting(const std::string& path, const void* data, size_t len) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(ErrorCode::kIo, "cannot open for writing", path);
  Status s = WriteAllFd(fd, data, len, path);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(ErrorCode::kIo, "close failed", path);
  return s;
}

Status WriteNewFileSynced(const std::string& path, const void* data, size_t len) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(ErrorCode::kIo, "cannot create", path);
  Status s = WriteAllFd(fd, data, len, path);
  if (s.ok() && ::fsync(fd) != 0) s = ErrnoStatus(ErrorCode::kIo, "fsync failed", path);
  if (::close(fd) != 0 && s.ok()) s = ErrnoStatus(ErrorCode::kIo, "close failed", path);
  return s;
}

Status SyncDir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(ErrorCode::kIo, "cannot open directory", dir);
  Status s;
  if (::fsync(fd) != 0 && errno != EINVAL) {
    s = ErrnoStatus(ErrorCode::kIo, "fsync failed", dir);
  }
  ::close(fd);
  return s;
}

void RemoveFlatDir(const std::string& dir) {
  if (Result<std::vector<std::string>> names = ListDir(dir); names.ok()) {
    for (const std::string& n : *names) ::unlink((dir + "/" + n).c_str());
  }
  ::rmdir(dir.c_str());
}

}  // namespace ccv::agent::internal

namespace ccv::agent::internal {
namespace {

const char* KindName(FileKind kind) {
  return kind == FileKind::kRegular ? "a regular file" : "a regular file or a FIFO";
}

bool KindOk(mode_t mode, FileKind kind) {
  return S_ISREG(mode) || (kind == FileKind::kRegularOrFifo && S_ISFIFO(mode));
}

std::string TypeName(mode_t mode) {
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a regular file";
}

Status WrongKind(mode_t mode, FileKind kind, const std::string& path) {
  return Status(ErrorCode::kIo,
                "refusing " + TypeName(mode) + " where " + KindName(kind) + " is expected")
      .WithFile(path)
      .WithField(kFileTypeField);
}

// Splits "a/b/c" into its non-empty components.
std::vector<std::string> Components(std::string_view rel) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string_view::npos) slash = rel.size();
    if (slash > start) out.emplace_back(rel.substr(start, slash - start));
    start = slash + 1;
  }
  return out;
}

std::string Join(const std::string& root, std::string_view rel) {
  std::string out = root;
  if (out.empty() || out.back() != '/') out += '/';
  out += rel;
  return out;
}

}  // namespace

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

ScopedFd& ScopedFd::operator=(ScopedFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.fd_;
    o.fd_ = -1;
  }
  return *this;
}

Result<int> OpenDirBeneath(const std::string& root, std::string_view relative) {
  int fd = ::open(root.empty() ? "/" : root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoStatus(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                       "cannot open the root directory", root);
  }
  std::string walked = root;
  for (const std::string& c : Components(relative)) {
    walked = Join(walked, c);
    int next = ::openat(fd, c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int err = errno;
    if (next < 0) {
      ::close(fd);
      errno = err;
      if (err == ENOENT) return ErrnoStatus(ErrorCode::kNotFound, "absent", walked);
      if (err == ELOOP || err == ENOTDIR) {
        return Status(ErrorCode::kIo,
                      "not a directory (a symbolic link or another file type "
                      "on the way is refused)")
            .WithFile(walked)
            .WithField(kFileTypeField);
      }
      return ErrnoStatus(ErrorCode::kIo, "cannot open directory", walked);
    }
    ::close(fd);
    fd = next;
  }
  return fd;
}

bool ExistsAt(int dir_fd, const std::string& name) {
  struct stat st;
  return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

bool ExistsBeneath(const std::string& root, std::string_view relative) {
  std::vector<std::string> parts = Components(relative);
  if (parts.empty()) return true;
  std::string last = parts.back();
  std::string dir(
      relative.substr(0, relative.rfind('/') == std::string_view::npos ? 0 : relative.rfind('/')));
  Result<int> fd = OpenDirBeneath(root, dir);
  if (!fd.ok()) return fd.status().code() != ErrorCode::kNotFound;
  ScopedFd d(*fd);
  return ExistsAt(d.get(), last);
}

Status CheckKindAt(int dir_fd, const std::string& name, FileKind kind, const std::string& path) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo, "cannot stat",
                       path);
  }
  if (!KindOk(st.st_mode, kind)) return WrongKind(st.st_mode, kind, path);
  return Status::Ok();
}

namespace {

// Opens `name` with O_NOFOLLOW and checks its type with fstat. A FIFO is
// opened blocking only where one is expected (the fake tree's peer answers);
// anything else is opened O_NONBLOCK so an unexpected FIFO cannot stall us.
Result<int> OpenChecked(int dir_fd, const std::string& name, int access, FileKind kind,
                        const std::string& path) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoStatus(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo, "cannot stat",
                       path);
  }
  if (!KindOk(st.st_mode, kind)) return WrongKind(st.st_mode, kind, path);
  int flags = access | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY;
  if (!S_ISFIFO(st.st_mode)) flags |= O_NONBLOCK;
  int fd = ::openat(dir_fd, name.c_str(), flags);
  if (fd < 0) {
    if (errno == ELOOP) {
      return Status(ErrorCode::kIo, "refusing a symbolic link where " +
                                        std::string(KindName(kind)) + " is expected")
          .WithFile(path)
          .WithField(kFileTypeField);
    }
    return ErrnoStatus(ErrorCode::kIo, "cannot open", path);
  }
  // The name may have been replaced between the lstat and the open.
  if (::fstat(fd, &st) != 0 || !KindOk(st.st_mode, kind)) {
    ::close(fd);
    return WrongKind(st.st_mode, kind, path);
  }
  if (!S_ISFIFO(st.st_mode)) {
    int fl = ::fcntl(fd, F_GETFL);
    if (fl >= 0) (void)::fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  }
  return fd;
}

}  // namespace

Result<std::vector<uint8_t>> ReadAt(int dir_fd, const std::string& name, FileKind kind,
                                    uint64_t max_len, const std::string& path) {
  CCV_ASSIGN_OR_RETURN(int raw, OpenChecked(dir_fd, name, O_RDONLY, kind, path));
  ScopedFd fd(raw);
  std::vector<uint8_t> out;
  uint8_t buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(ErrorCode::kIo, "read failed", path);
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > max_len) {
      return Status(ErrorCode::kLimitExceeded,
                    "file exceeds the limit of " + std::to_string(max_len) + " bytes")
          .WithFile(path);
    }
    out.insert(out.end(), buf, buf + n);
  }
  return out;
}

Result<std::vector<uint8_t>> ReadBeneath(const std::string& root, std::string_view relative,
                                         uint64_t max_len) {
  size_t slash = relative.rfind('/');
  std::string dir(slash == std::string_view::npos ? "" : relative.substr(0, slash));
  std::string name(slash == std::string_view::npos ? relative : relative.substr(slash + 1));
  CCV_ASSIGN_OR_RETURN(int raw, OpenDirBeneath(root, dir));
  ScopedFd d(raw);
  return ReadAt(d.get(), name, FileKind::kRegular, max_len, Join(root, relative));
}

Status WriteExistingAt(int dir_fd, const std::string& name, FileKind kind, long require_fs_magic,
                       const void* data, size_t len, const std::string& path) {
  CCV_ASSIGN_OR_RETURN(int raw, OpenChecked(dir_fd, name, O_WRONLY, kind, path));
  ScopedFd fd(raw);
  if (require_fs_magic != 0) {
    struct statfs sfs;
    if (::fstatfs(fd.get(), &sfs) != 0 || static_cast<long>(sfs.f_type) != require_fs_magic) {
      return Status(ErrorCode::kIo,
                    "refusing to write: not an attribute of the expected "
                    "file system")
          .WithFile(path)
          .WithField(kFileTypeField);
    }
  }
  Status s = WriteAllFd(fd.get(), data, len, path);
  // configfs commits a binary attribute on release: close errors count.
  if (::close(fd.release()) != 0 && s.ok()) s = ErrnoStatus(ErrorCode::kIo, "close failed", path);
  return s;
}

}  // namespace ccv::agent::internal
