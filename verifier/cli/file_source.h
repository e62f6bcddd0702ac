// FileSource: a parsers::ByteSource over a file read with plain read() calls
// (1 MiB chunks by the ChunkedSource), so large logs stream through a small
// window. Errors name the file. Not thread-safe.
#ifndef CCV_VERIFIER_CLI_FILE_SOURCE_H_
#define CCV_VERIFIER_CLI_FILE_SOURCE_H_

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>
#include <string>

#include "parsers/chunked_source.h"
#include "parsers/core/result.h"

namespace ccv::cli {

class FileSource : public parsers::ByteSource {
 public:
  // Errors: kIo naming the file (missing, unreadable, a directory).
  static Result<FileSource*> Open(const std::string& path, FileSource* storage) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      return Status(ErrorCode::kIo, std::string("cannot open: ") + std::strerror(errno))
          .WithFile(path);
    }
    struct stat st;
    if (::fstat(fd, &st) == 0) {
      if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        return Status(ErrorCode::kIo, "is a directory").WithFile(path);
      }
      if (S_ISREG(st.st_mode)) storage->size_ = uint64_t(st.st_size);
    }
    storage->fd_ = fd;
    storage->path_ = path;
    return storage;
  }
  FileSource() = default;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  ~FileSource() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Result<size_t> Read(uint8_t* buf, size_t len) override {
    while (true) {
      ssize_t n = ::read(fd_, buf, len);
      if (n >= 0) return size_t(n);
      if (errno == EINTR) continue;
      return Status(ErrorCode::kIo, std::string("read failed: ") + std::strerror(errno))
          .WithFile(path_);
    }
  }
  std::optional<uint64_t> SizeHint() const override { return size_; }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
  std::optional<uint64_t> size_;
};

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_FILE_SOURCE_H_
