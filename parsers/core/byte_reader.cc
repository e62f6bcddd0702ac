#include "parsers/core/byte_reader.h"

#include <algorithm>
#include <string>

#include "parsers/core/internal/unaligned.h"

namespace ccv {

Status ByteReader::Error(ErrorCode code, std::string_view field, std::string message) const {
  return ParseError(code, Offset(), field, std::move(message));
}

Status ByteReader::Truncated(size_t n, std::string_view field) const {
  return Error(
      ErrorCode::kTruncated, field,
      "expected " + std::to_string(n) + " bytes, " + std::to_string(Remaining()) + " left");
}

Status ByteReader::ExpectEmpty(std::string_view what) const {
  if (Empty()) return Status::Ok();
  return Error(ErrorCode::kBadLength, what,
               std::to_string(Remaining()) + " unexpected trailing bytes");
}

Result<uint16_t> ByteReader::ReadU16Be(std::string_view field) {
  if (Remaining() < 2) return Truncated(2, field);
  uint16_t v = internal::LoadU16Be(data_.data() + pos_);
  pos_ += 2;
  return v;
}

Result<uint32_t> ByteReader::ReadU32Be(std::string_view field) {
  if (Remaining() < 4) return Truncated(4, field);
  uint32_t v = internal::LoadU32Be(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<uint64_t> ByteReader::ReadU64Be(std::string_view field) {
  if (Remaining() < 8) return Truncated(8, field);
  uint64_t v = internal::LoadU64Be(data_.data() + pos_);
  pos_ += 8;
  return v;
}

Status ByteReader::ReadInto(std::span<uint8_t> out, std::string_view field) {
  if (Remaining() < out.size()) return Truncated(out.size(), field);
  std::copy_n(data_.begin() + ptrdiff_t(pos_), out.size(), out.begin());
  pos_ += out.size();
  return Status::Ok();
}

Result<ByteReader> ByteReader::ReadSub(size_t n, std::string_view field) {
  uint64_t start = Offset();
  CCV_ASSIGN_OR_RETURN(Bytes b, ReadBytes(n, field));
  return ByteReader(b, start);
}

Result<ByteReader> ByteReader::ReadLengthPrefixed(size_t len_width, std::string_view field) {
  if (Remaining() < len_width) return Truncated(len_width, field);
  const uint8_t* p = data_.data() + pos_;
  uint64_t n = len_width == 1   ? p[0]
               : len_width == 2 ? internal::LoadU16Le(p)
                                : internal::LoadU32Le(p);
  size_t after = Remaining() - len_width;
  if (n > after) {
    return Error(ErrorCode::kBadLength, field,
                 "declared length " + std::to_string(n) + " exceeds the " + std::to_string(after) +
                     " bytes left");
  }
  pos_ += len_width;
  return ReadSub(size_t(n), field);
}

Result<ByteReader> ByteReader::ReadU8LengthPrefixed(std::string_view field) {
  return ReadLengthPrefixed(1, field);
}

Result<ByteReader> ByteReader::ReadU16LengthPrefixed(std::string_view field) {
  return ReadLengthPrefixed(2, field);
}

Result<ByteReader> ByteReader::ReadU32LengthPrefixed(std::string_view field) {
  return ReadLengthPrefixed(4, field);
}

Result<uint32_t> ByteReader::PeekU32Le(std::string_view field) const {
  if (Remaining() < 4) return Truncated(4, field);
  return internal::LoadU32Le(data_.data() + pos_);
}

}  // namespace ccv
