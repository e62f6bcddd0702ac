// ChunkedSource: a forward-only window over input bytes that come either from
// a memory buffer (zero copy) or from a ByteSource pulled in large chunks
// (e.g. 1 MiB read() calls), so a log can be parsed without holding it whole.
//
// Views returned by Peek() alias the source's buffer (or the caller's
// memory) and stay valid until the next Peek() or Consume(). Not thread-safe.
#ifndef CCV_PARSERS_CHUNKED_SOURCE_H_
#define CCV_PARSERS_CHUNKED_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"

namespace ccv::parsers {

// Pull interface for input bytes (a file, a pipe, a test generator). The
// parsers never open files: the caller supplies the source.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `len` bytes into `buf`; 0 means end of input.
  virtual Result<size_t> Read(uint8_t* buf, size_t len) = 0;
  // Total input length when known (a regular file), for error reporting.
  virtual std::optional<uint64_t> SizeHint() const { return std::nullopt; }
};

class ChunkedSource {
 public:
  // Over memory the caller keeps alive for the source's lifetime.
  explicit ChunkedSource(Bytes data) : data_(data), memory_(true) {}
  // Over `source` (not owned), reading `chunk_len` bytes at a time.
  explicit ChunkedSource(ByteSource* source, size_t chunk_len = size_t{1} << 20);
  ChunkedSource(const ChunkedSource&) = delete;
  ChunkedSource& operator=(const ChunkedSource&) = delete;

  // Makes at least `n` bytes available if the input has them and returns all
  // buffered bytes from the current position (fewer than n only at the end of
  // the input). Errors: the source's read error (kIo).
  Result<Bytes> Peek(size_t n);
  // Advances by n bytes. REQUIRES: n <= size of the last Peek() view.
  void Consume(size_t n);
  // Absolute offset of the next unconsumed byte.
  uint64_t Offset() const { return offset_; }
  // Total input length if known (memory, or a source with a size hint).
  std::optional<uint64_t> TotalSize() const;
  bool in_memory() const { return memory_; }

 private:
  Bytes data_;  // memory mode: the whole input; stream mode: unused
  bool memory_ = false;
  ByteSource* source_ = nullptr;
  size_t chunk_len_ = 0;
  std::vector<uint8_t> buf_;
  size_t begin_ = 0, end_ = 0;  // buffered bytes [begin_, end_)
  bool eof_ = false;
  uint64_t offset_ = 0;
};

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_CHUNKED_SOURCE_H_
