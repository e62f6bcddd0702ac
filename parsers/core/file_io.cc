#include "parsers/core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ccv {
namespace {

Status IoError(const std::string& path, const char* what) {
  return Status(ErrorCode::kIo, std::string(what) + ": " + std::strerror(errno))
      .WithFile(path);
}

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
      return Status(ErrorCode::kLimitExceeded,
                    "file is " + std::to_string(st.st_size) + " bytes, limit " +
                        std::to_string(max_len))
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

}  // namespace ccv
