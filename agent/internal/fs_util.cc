#include "agent/internal/fs_util.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

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
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
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
