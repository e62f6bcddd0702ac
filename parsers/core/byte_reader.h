// ByteReader: a bounds-checked cursor over untrusted bytes (BoringSSL CBS in
// spirit), through which every binary parser reads. Every getter checks the
// remaining length first and advances only on success; a failed read leaves
// the reader where it was. Failures carry the absolute byte offset of the
// field that did not fit and the field name given by the caller:
// kTruncated ("expected N bytes, M left") unless stated otherwise below.
// Multi-byte integers are little-endian unless the name says Be.
//
// A ByteReader aliases the bytes it was given: they must outlive it and every
// span it returns. Sub-readers keep absolute offsets, so errors inside a
// nested structure point into the original file. Not thread-safe.
#ifndef CCV_PARSERS_CORE_BYTE_READER_H_
#define CCV_PARSERS_CORE_BYTE_READER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "parsers/core/internal/unaligned.h"  // for the inline getters below
#include "parsers/core/result.h"
#include "parsers/core/status.h"

namespace ccv {

using Bytes = std::span<const uint8_t>;

class ByteReader {
 public:
  // `base_offset` is the absolute offset of data[0] in the enclosing input.
  explicit ByteReader(Bytes data, uint64_t base_offset = 0) : data_(data), base_(base_offset) {}
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
  // A view of the next n bytes.
  Result<Bytes> ReadBytes(size_t n, std::string_view field);
  // A copy of the next N bytes.
  template <size_t N>
  Result<std::array<uint8_t, N>> ReadArray(std::string_view field);
  // Copies the next out.size() bytes into `out`, typically a fixed-size
  // field of a parsed struct (a std::array converts). `out` is left
  // unchanged on failure.
  Status ReadInto(std::span<uint8_t> out, std::string_view field);
  // A reader over the next n bytes, which are skipped.
  Result<ByteReader> ReadSub(size_t n, std::string_view field);
  // A length field of 1, 2 or 4 bytes (little-endian), then that many bytes,
  // returned as a sub-reader (BoringSSL CBS_get_u8_length_prefixed and
  // friends). Errors: kTruncated at the length field if the field itself
  // does not fit; kBadLength at the length field if the declared length
  // exceeds the bytes after it. Nothing is consumed on failure.
  Result<ByteReader> ReadU8LengthPrefixed(std::string_view field);
  Result<ByteReader> ReadU16LengthPrefixed(std::string_view field);
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
  // Shared by the Read*LengthPrefixed getters; `len_width` is 1, 2 or 4.
  Result<ByteReader> ReadLengthPrefixed(size_t len_width, std::string_view field);

  Bytes data_;
  uint64_t base_;
  size_t pos_ = 0;
};

// Implementation details follow. The getters a parser calls per field are
// inline: a log has millions of records and the failure path stays out of line.

inline Result<uint8_t> ByteReader::ReadU8(std::string_view field) {
  if (Remaining() < 1) return Truncated(1, field);
  return data_[pos_++];
}

inline Result<uint16_t> ByteReader::ReadU16Le(std::string_view field) {
  if (Remaining() < 2) return Truncated(2, field);
  uint16_t v = internal::LoadU16Le(data_.data() + pos_);
  pos_ += 2;
  return v;
}

inline Result<uint32_t> ByteReader::ReadU32Le(std::string_view field) {
  if (Remaining() < 4) return Truncated(4, field);
  uint32_t v = internal::LoadU32Le(data_.data() + pos_);
  pos_ += 4;
  return v;
}

inline Result<uint64_t> ByteReader::ReadU64Le(std::string_view field) {
  if (Remaining() < 8) return Truncated(8, field);
  uint64_t v = internal::LoadU64Le(data_.data() + pos_);
  pos_ += 8;
  return v;
}

inline Result<Bytes> ByteReader::ReadBytes(size_t n, std::string_view field) {
  if (Remaining() < n) return Truncated(n, field);
  Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

inline Status ByteReader::Skip(size_t n, std::string_view field) {
  if (Remaining() < n) return Truncated(n, field);
  pos_ += n;
  return Status::Ok();
}

template <size_t N>
Result<std::array<uint8_t, N>> ByteReader::ReadArray(std::string_view field) {
  std::array<uint8_t, N> out;
  CCV_RETURN_IF_ERROR(ReadInto(out, field));
  return out;
}

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_BYTE_READER_H_
