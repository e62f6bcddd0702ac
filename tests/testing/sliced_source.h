// A ByteSource over memory that hands out at most `piece` bytes a read, so
// that parsers reading through a ChunkedSource take their refill paths (a
// record split across reads) as well as the in-memory path.
//
// Thread safety: one reader at a time.
#ifndef CCV_TESTS_TESTING_SLICED_SOURCE_H_
#define CCV_TESTS_TESTING_SLICED_SOURCE_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>

#include "parsers/chunked_source.h"
#include "parsers/core/byte_reader.h"

namespace ccv::testing {

class SlicedSource : public parsers::ByteSource {
 public:
  // `size_hint`: report the input's length as a regular file would (the
  // reader then compares declared sizes with it), or not, as a pipe.
  SlicedSource(Bytes data, size_t piece, bool size_hint = true)
      : data_(data), piece_(piece ? piece : 1), size_hint_(size_hint) {}
  Result<size_t> Read(uint8_t* buf, size_t len) override {
    const size_t n = std::min({len, piece_, data_.size() - pos_});
    if (n) std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  std::optional<uint64_t> SizeHint() const override {
    return size_hint_ ? std::optional<uint64_t>(data_.size()) : std::nullopt;
  }

 private:
  Bytes data_;
  size_t piece_;
  bool size_hint_;
  size_t pos_ = 0;
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_SLICED_SOURCE_H_
