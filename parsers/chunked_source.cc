#include "parsers/chunked_source.h"

#include <algorithm>
#include <cstring>

namespace ccv::parsers {

ChunkedSource::ChunkedSource(ByteSource* source, size_t chunk_len)
    : source_(source), chunk_len_(std::max<size_t>(chunk_len, 4096)) {}

std::optional<uint64_t> ChunkedSource::TotalSize() const {
  if (memory_) return data_.size();
  return source_->SizeHint();
}

Result<Bytes> ChunkedSource::Peek(size_t n) {
  if (memory_) return data_.subspan(size_t(offset_));
  if (end_ - begin_ >= n || eof_) {
    return Bytes(buf_.data() + begin_, end_ - begin_);
  }
  // Move what is left to the front and make room for n bytes plus a chunk.
  if (begin_ > 0) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  size_t want = std::max(n, chunk_len_) + chunk_len_;
  // A small file needs no more than its size (and one byte to see its end):
  // no chunk-sized buffer to allocate and clear for it.
  if (std::optional<uint64_t> size = source_->SizeHint(); size && *size >= offset_) {
    want = std::max<size_t>(n, size_t(std::min<uint64_t>(want, *size - offset_ + 1)));
  }
  if (buf_.size() < want) buf_.resize(want);
  while (end_ < n && !eof_) {
    CCV_ASSIGN_OR_RETURN(size_t got, source_->Read(buf_.data() + end_, buf_.size() - end_));
    if (got == 0) eof_ = true;
    end_ += got;
  }
  return Bytes(buf_.data(), end_);
}

void ChunkedSource::Consume(size_t n) {
  offset_ += n;
  if (!memory_) begin_ += n;
}

}  // namespace ccv::parsers
