// Helpers shared by the libFuzzer harnesses. A harness may only fail by
// crashing (a sanitizer report, an abort from FuzzCheck): any input, valid
// or not, must give a value or a Status.
#ifndef CCV_TESTS_FUZZ_FUZZ_UTIL_H_
#define CCV_TESTS_FUZZ_FUZZ_UTIL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string_view>

#include "parsers/chunked_source.h"
#include "parsers/core/byte_reader.h"
#include "parsers/core/status.h"

namespace ccv::fuzz {

inline Bytes AsInput(const uint8_t* data, size_t size) { return Bytes(data, size); }
inline std::string_view AsText(const uint8_t* data, size_t size) {
  return std::string_view(reinterpret_cast<const char*>(data), size);
}

// An invariant a harness checks on top of "no crash" (a round trip, an
// error that must carry an offset inside the input ...).
#define CCV_FUZZ_CHECK(cond)                                                                 \
  do {                                                                                       \
    if (!(cond)) {                                                                           \
      std::fprintf(stderr, "%s:%d: fuzz invariant failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                          \
    }                                                                                        \
  } while (0)

// Every non-OK Status from a parser must name a code other than kOk and
// kInternal: kInternal means "a bug of ours" and is a finding.
inline void CheckParseStatus(const Status& s) {
  CCV_FUZZ_CHECK(!s.ok());
  CCV_FUZZ_CHECK(s.code() != ErrorCode::kInternal);
}

// Streams `data` to the parsers in small, uneven pieces so that the
// ChunkedSource refill paths are exercised as well as the in-memory path.
class SlicedSource : public parsers::ByteSource {
 public:
  SlicedSource(Bytes data, size_t piece) : data_(data), piece_(piece ? piece : 1) {}
  Result<size_t> Read(uint8_t* buf, size_t len) override {
    size_t n = std::min({len, piece_, data_.size() - pos_});
    if (n) std::memcpy(buf, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  // As a regular file would: lets the reader compare declared sizes with
  // the input size instead of its streaming limit.
  std::optional<uint64_t> SizeHint() const override { return data_.size(); }

 private:
  Bytes data_;
  size_t piece_;
  size_t pos_ = 0;
};

}  // namespace ccv::fuzz

#endif  // CCV_TESTS_FUZZ_FUZZ_UTIL_H_
