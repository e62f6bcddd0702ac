#include "parsers/core/status.h"

#include <cinttypes>
#include <cstdio>
#include <utility>

namespace ccv {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk: return "Ok";
    case ErrorCode::kTruncated: return "Truncated";
    case ErrorCode::kBadLength: return "BadLength";
    case ErrorCode::kBadValue: return "BadValue";
    case ErrorCode::kBadMagic: return "BadMagic";
    case ErrorCode::kBadChecksum: return "BadChecksum";
    case ErrorCode::kUnsupportedVersion: return "UnsupportedVersion";
    case ErrorCode::kUnsupported: return "Unsupported";
    case ErrorCode::kBadSignature: return "BadSignature";
    case ErrorCode::kChainInvalid: return "ChainInvalid";
    case ErrorCode::kNotFound: return "NotFound";
    case ErrorCode::kLimitExceeded: return "LimitExceeded";
    case ErrorCode::kIo: return "Io";
    case ErrorCode::kInvalidArgument: return "InvalidArgument";
    case ErrorCode::kInternal: return "Internal";
  }
  return "Unknown";
}

Status::Status(ErrorCode code, std::string message)
    : code_(code), message_(std::move(message)) {}

Status Status::WithFile(std::string file) const {
  Status s = *this;
  s.file_ = std::move(file);
  return s;
}

Status Status::WithField(std::string field) const {
  Status s = *this;
  s.field_ = std::move(field);
  return s;
}

Status Status::WithOffset(uint64_t offset) const {
  Status s = *this;
  s.offset_ = offset;
  return s;
}

Status Status::WithLine(uint64_t line, std::optional<uint64_t> column) const {
  Status s = *this;
  s.line_ = line;
  s.column_ = column;
  return s;
}

Status Status::ShiftOffset(uint64_t base) const {
  Status s = *this;
  if (s.offset_) *s.offset_ += base;
  return s;
}

Status Status::WithContext(std::string_view context) const {
  Status s = *this;
  s.message_ = std::string(context) + ": " + s.message_;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out;
  if (!file_.empty()) out += file_ + ": ";
  if (offset_) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "offset %" PRIu64 " (0x%" PRIx64 "): ",
                  *offset_, *offset_);
    out += buf;
  }
  if (line_) {
    out += "line " + std::to_string(*line_);
    if (column_) out += ", column " + std::to_string(*column_);
    out += ": ";
  }
  if (!field_.empty()) out += "field '" + field_ + "': ";
  out += ErrorCodeName(code_);
  if (!message_.empty()) out += ": " + message_;
  return out;
}

Status ParseError(ErrorCode code, uint64_t offset, std::string_view field,
                  std::string message) {
  return Status(code, std::move(message))
      .WithOffset(offset)
      .WithField(std::string(field));
}

}  // namespace ccv
