#include "parsers/core/byte_reader.h"

#include <string>

namespace ccv {

Status ByteReader::Error(ErrorCode code, std::string_view field,
                         std::string message) const {
  return ParseError(code, Offset(), field, std::move(message));
}

Status ByteReader::Truncated(size_t n, std::string_view field) const {
  return Error(ErrorCode::kTruncated, field,
               "expected " + std::to_string(n) + " bytes, " +
                   std::to_string(Remaining()) + " left");
}

Status ByteReader::ExpectEmpty(std::string_view what) const {
  if (Empty()) return Status::Ok();
  return Error(ErrorCode::kBadLength, what,
               std::to_string(Remaining()) + " unexpected trailing bytes");
}

Result<uint8_t> ByteReader::ReadU8(std::string_view field) {
  if (Remaining() < 1) return Truncated(1, field);
  return data_[pos_++];
}

Result<uint16_t> ByteReader::ReadU16Le(std::string_view field) {
  if (Remaining() < 2) return Truncated(2, field);
  uint16_t v = LoadU16Le(data_.data() + pos_);
  pos_ += 2;
  return v;
}

Result<uint32_t> ByteReader::ReadU32Le(std::string_view field) {
  if (Remaining() < 4) return Truncated(4, field);
  uint32_t v = LoadU32Le(data_.data() + pos_);
  pos_ += 4;
  return v;
}

Result<uint64_t> ByteReader::ReadU64Le(std::string_view field) {
  if (Remaining() < 8) return Truncated(8, field);
  uint64_t v = LoadU64Le(data_.data() + pos_);
  pos_ += 8;
  return v;
}

Result<uint16_t> ByteReader::ReadU16Be(std::string_view field) {
  if (Remaining() < 2) return Truncated(2, field);
  const uint8_t* p = data_.data() + pos_;
  pos_ += 2;
  return uint16_t((p[0] << 8) | p[1]);
}

Result<uint32_t> ByteReader::ReadU32Be(std::string_view field) {
  if (Remaining() < 4) return Truncated(4, field);
  const uint8_t* p = data_.data() + pos_;
  pos_ += 4;
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) |
         uint32_t(p[3]);
}

Result<uint64_t> ByteReader::ReadU64Be(std::string_view field) {
  if (Remaining() < 8) return Truncated(8, field);
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | data_[pos_ + i];
  pos_ += 8;
  return v;
}

Result<Bytes> ByteReader::ReadBytes(size_t n, std::string_view field) {
  if (Remaining() < n) return Truncated(n, field);
  Bytes out = data_.subspan(pos_, n);
  pos_ += n;
  return out;
}

Result<ByteReader> ByteReader::ReadSub(size_t n, std::string_view field) {
  uint64_t start = Offset();
  CCV_ASSIGN_OR_RETURN(Bytes b, ReadBytes(n, field));
  return ByteReader(b, start);
}

Result<ByteReader> ByteReader::ReadU32LengthPrefixed(std::string_view field) {
  ByteReader save = *this;
  CCV_ASSIGN_OR_RETURN(uint32_t n, ReadU32Le(field));
  if (Remaining() < n) {
    Status s = Error(ErrorCode::kBadLength, field,
                     "declared length " + std::to_string(n) + " exceeds the " +
                         std::to_string(Remaining()) + " bytes left");
    *this = save;
    return s;
  }
  return ReadSub(n, field);
}

Status ByteReader::Skip(size_t n, std::string_view field) {
  if (Remaining() < n) return Truncated(n, field);
  pos_ += n;
  return Status::Ok();
}

Result<uint32_t> ByteReader::PeekU32Le(std::string_view field) const {
  if (Remaining() < 4) return Truncated(4, field);
  return LoadU32Le(data_.data() + pos_);
}

}  // namespace ccv
