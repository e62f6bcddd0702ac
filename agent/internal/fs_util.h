// Agent-private file-system helpers (POSIX). Not for use outside agent/.
#ifndef CCV_AGENT_INTERNAL_FS_UTIL_H_
#define CCV_AGENT_INTERNAL_FS_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::agent::internal {

// Status with `code`, "what: strerror(errno)", naming `path`.
Status ErrnoStatus(ErrorCode code, std::string_view what, const std::string& path);

// True if `path` exists (any type; symlinks are followed).
bool Exists(const std::string& path);

// Names in `dir` except "." and "..", sorted.
Result<std::vector<std::string>> ListDir(const std::string& dir);

// Writes `len` bytes to an existing file (no O_CREAT, no O_TRUNC: works for
// configfs attributes and FIFOs).
Status WriteExisting(const std::string& path, const void* data, size_t len);

// Creates `path` (O_CREAT|O_EXCL|O_NOFOLLOW: never through an existing name
// or link), writes all bytes, fsyncs and closes.
Status WriteNewFileSynced(const std::string& path, const void* data, size_t len);

// fsync on a directory (makes renames and creations inside it durable).
Status SyncDir(const std::string& dir);

// --- Opening under a root without following links -------------------------
//
// `root` itself is opened as given (the operator names it; "/" on a guest);
// every component of `relative` below it is opened with O_NOFOLLOW, the
// directories with O_DIRECTORY, so a symbolic link anywhere below the root
// is refused rather than followed. Returned descriptors are O_CLOEXEC and
// owned by the caller.

// The field of every refusal of a link or a wrong file type: such a refusal
// is never a reason to fall back to another source.
inline constexpr char kFileTypeField[] = "file_type";

// Kind of file an attribute must be.
enum class FileKind : uint8_t {
  kRegular,        // a regular file
  kRegularOrFifo,  // a fake tree's attribute served through a FIFO
};

// The directory `relative` (may be "") under `root`. Errors: kNotFound when a
// component is absent; kIo naming the path when a component is a symbolic
// link or not a directory.
Result<int> OpenDirBeneath(const std::string& root, std::string_view relative);

// Whether `name` exists in `dir_fd` (lstat: a link counts as existing, so
// reading it then fails). Only ENOENT means absent.
bool ExistsAt(int dir_fd, const std::string& name);
// Whether `relative` exists under `root`; a link or non-directory on the way
// counts as existing (opening it then reports the problem).
bool ExistsBeneath(const std::string& root, std::string_view relative);

// Checks the type of `name` in `dir_fd` without following a link: kIo
// naming `path` when it is a link or not of `kind`, kNotFound when absent.
Status CheckKindAt(int dir_fd, const std::string& name, FileKind kind, const std::string& path);

// Reads `name` in `dir_fd` (O_NOFOLLOW; O_NONBLOCK unless a FIFO is
// expected) after checking with fstat that it is of `kind`. `path` names it
// in errors. kLimitExceeded past `max_len` bytes.
Result<std::vector<uint8_t>> ReadAt(int dir_fd, const std::string& name, FileKind kind,
                                    uint64_t max_len, const std::string& path);
// ReadAt for `relative` under `root` (OpenDirBeneath for its directory).
Result<std::vector<uint8_t>> ReadBeneath(const std::string& root, std::string_view relative,
                                         uint64_t max_len);

// Writes `len` bytes in one write(2) to the existing `name` in `dir_fd`
// (O_WRONLY|O_NOFOLLOW, no O_CREAT, no O_TRUNC) after checking with fstat
// that it is of `kind`, and, if `require_fs_magic` is non-zero, that it lives
// on the file system with that statfs magic.
Status WriteExistingAt(int dir_fd, const std::string& name, FileKind kind, long require_fs_magic,
                       const void* data, size_t len, const std::string& path);

// Closes a descriptor on scope exit.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ~ScopedFd();
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ScopedFd(ScopedFd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  ScopedFd& operator=(ScopedFd&& o) noexcept;
  int get() const { return fd_; }
  // Gives up ownership.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

// Removes a directory and the regular files and links directly inside it.
// Best effort; used to clean up after a failure.
void RemoveFlatDir(const std::string& dir);

}  // namespace ccv::agent::internal

#endif  // CCV_AGENT_INTERNAL_FS_UTIL_H_
