// Whole-file and chunked reads with errors that name the file. Std-only
// (POSIX and Linux calls); shared by the verifier and the agent (parsers
// themselves never do I/O).
//
// InputFile is the way to open evidence: it refuses anything but a regular
// file before reading a byte (a FIFO would block, a device never ends) and,
// for files of a bundle directory, any path that leaves the directory once
// every link is resolved. ReadFileBytes/ReadFileText keep reading whatever
// the path names (the agent reads FIFOs of a fake configfs tree with them).
//
// Thread-safe: no shared state; one InputFile is not for concurrent reads.
#ifndef CCV_PARSERS_CORE_FILE_IO_H_
#define CCV_PARSERS_CORE_FILE_IO_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/core/result.h"

namespace ccv {

// How InputFile::OpenBeneath keeps a path inside its root. kAuto: the kernel's
// openat2(RESOLVE_BENEATH) where it exists, else kRealpath. kRealpath: the
// path and the root are resolved with realpath(3) and compared by components.
// Both accept links that stay inside the root, relative or absolute. A link
// out of the root to nothing is kBadValue under openat2, kIo (missing) under
// realpath.
enum class BeneathMethod { kAuto, kOpenat2, kRealpath };

class InputFile {
 public:
  // Opens `path`, which may be anywhere (a file named on the command line),
  // following links. Errors: kIo naming the file: cannot open (errno text),
  // or not a regular file ("is a FIFO", "is a directory", ...).
  static Result<InputFile> Open(const std::string& path);
  // Opens `rel` (a relative path) inside directory `root`: every link on the
  // way must resolve to a path inside `root`. Errors name root/rel: kBadValue
  // when the path leads out of `root` (absolute, "..", or a link; the target
  // is not named), else as Open. `method` is for tests.
  static Result<InputFile> OpenBeneath(const std::string& root, const std::string& rel,
                                       BeneathMethod method = BeneathMethod::kAuto);

  InputFile() = default;
  InputFile(InputFile&& other) noexcept;
  InputFile& operator=(InputFile&& other) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  // Reads up to `len` bytes; 0 at the end. Errors: kIo naming the file.
  Result<size_t> Read(uint8_t* buf, size_t len);
  // Moves the read position to byte `offset` (it may lie past the end: a
  // read there returns 0). Errors: kIo naming the file.
  Status Seek(uint64_t offset);
  // Reads from the current position to the end. Errors: kLimitExceeded when
  // the file holds more than `max_len` bytes (checked before reading), kIo.
  Result<std::vector<uint8_t>> ReadAll(uint64_t max_len);
  Result<std::string> ReadAllText(uint64_t max_len);

  bool is_open() const { return fd_ >= 0; }
  uint64_t size() const { return size_; }            // at open time
  const std::string& path() const { return path_; }  // as errors name it

 private:
  InputFile(int fd, std::string path, uint64_t size)
      : fd_(fd), path_(std::move(path)), size_(size) {}
  friend struct InputFileOpener;

  int fd_ = -1;
  std::string path_;
  uint64_t size_ = 0;
};

// Reads the whole file. Errors: kIo (naming the file and errno text),
// kLimitExceeded if it is larger than `max_len`.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path,
                                           uint64_t max_len = uint64_t{1} << 32);
Result<std::string> ReadFileText(const std::string& path, uint64_t max_len = uint64_t{1} << 32);

// Writes `data` to `path` (truncating). Errors: kIo naming the file.
Status WriteFileBytes(const std::string& path, const void* data, size_t len);

// Writes `data` to a new temporary file beside `path` (mode 0644), flushes it
// to disk and renames it over `path`: a reader sees the old file or the whole
// new one, never a part. On any failure the temporary file is removed and
// `path` is left as it was. Errors: kIo naming the file and errno text.
Status WriteFileAtomically(const std::string& path, std::string_view data);

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_FILE_IO_H_
