// ByteReader: a bounds-checked cursor over untrusted bytes (BoringSSL CBS in
// spirit). Every getter checks the remaining length first and advances only
// on success; failures carry the absolute byte offset and the field name.
//
// A ByteReader aliases the bytes it was given: they must outlive it and every
// span it returns. Sub-readers keep absolute offsets, so errors inside a
// nested structure point into the original file. Not thread-safe.
#ifndef CCV_PARSERS_CORE_BYTE_READER_H_
#define CCV_PARSERS_CORE_BYTE_READER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "parsers/core/result.h"
#include "parsers/core/status.h"

namespace ccv {

using Bytes = std::span<const uint8_t>;

class ByteReader {
 public:
  // `base_offset` is the absolute offset of data[0] in the enclosing input.
  explicit ByteReader(Bytes data, uint64_t base_offset = 0)
      : data_(data), base_(base_offset) {}
  ByteReader(const ByteReader&) = default;
  ByteReader& operator=(const ByteReader&) = default;

  size_t Remaining() const { return data_.size() - pos_; }
  bool Empty() const { return Remaining() == 0; }
  // Absolute offset of the next byte to be read.
  uint64_t Offset() const { return base_ + pos_; }
  size_t Position() const { return pos_; }
  size_t Size() const { return data_.size(); }
  Bytes Rest() const { return data_.subspan(pos_); }
  Bytes Data() const { return data_; }

  Result<uint8_t> ReadU8(std::string_view field);
  Result<uint16_t> ReadU16Le(std::string_view field);
  Result<uint32_t> ReadU32Le(std::string_view field);
  Result<uint64_t> ReadU64Le(std::string_view field);
  Result<uint16_t> ReadU16Be(std::string_view field);
  Result<uint32_t> ReadU32Be(std::string_view field);
  Result<uint64_t> ReadU64Be(std::string_view field);
  // Returns a view of the next n bytes.
  Result<Bytes> ReadBytes(size_t n, std::string_view field);
  template <size_t N>
  Result<std::array<uint8_t, N>> ReadArray(std::string_view field);
  // Returns a reader over the next n bytes and skips them.
  Result<ByteReader> ReadSub(size_t n, std::string_view field);
  // u32le length, then that many bytes as a sub-reader.
  Result<ByteReader> ReadU32LengthPrefixed(std::string_view field);
  Status Skip(size_t n, std::string_view field);

  // Peeks without advancing; same checks.
  Result<uint32_t> PeekU32Le(std::string_view field) const;

  // Error at the current offset.
  Status Error(ErrorCode code, std::string_view field, std::string message) const;
  // Status for "need n bytes" at the current offset.
  Status Truncated(size_t n, std::string_view field) const;
  // OK if all bytes were consumed, else kBadLength naming the leftover count.
  Status ExpectEmpty(std::string_view what) const;

 private:
  Bytes data_;
  uint64_t base_;
  size_t pos_ = 0;
};

// Implementation details follow.

template <size_t N>
Result<std::array<uint8_t, N>> ByteReader::ReadArray(std::string_view field) {
  if (Remaining() < N) return Truncated(N, field);
  std::array<uint8_t, N> out;
  std::memcpy(out.data(), data_.data() + pos_, N);
  pos_ += N;
  return out;
}

// Little-endian loads from a buffer known to be long enough (no checks).
inline uint16_t LoadU16Le(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t LoadU32Le(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) |
         (uint32_t(p[3]) << 24);
}
inline uint64_t LoadU64Le(const uint8_t* p) {
  return uint64_t(LoadU32Le(p)) | (uint64_t(LoadU32Le(p + 4)) << 32);
}
inline void StoreU16Le(uint8_t* p, uint16_t v) { p[0] = uint8_t(v); p[1] = uint8_t(v >> 8); }
inline void StoreU32Le(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
inline void StoreU64Le(uint8_t* p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = uint8_t(v >> (8 * i));
}

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_BYTE_READER_H_
