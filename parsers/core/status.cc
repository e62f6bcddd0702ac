#include "parsers/core/status.h"

#include <cinttypes>
#include <cstdio>
#include <utility>

namespace ccv {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "Ok";
    case ErrorCode::kTruncated:
      return "Truncated";
    case ErrorCode::kBadLength:
      return "BadLength";
    case ErrorCode::kBadValue:
      return "BadValue";
    case ErrorCode::kBadMagic:
      return "BadMagic";
    case ErrorCode::kBadChecksum:
      return "BadChecksum";
    case ErrorCode::kUnsupportedVersion:
      return "UnsupportedVersion";
    case ErrorCode::kUnsupported:
      return "Unsupported";
    case ErrorCode::kBadSignature:
      return "BadSignature";
    case ErrorCode::kChainInvalid:
      return "ChainInvalid";
    case ErrorCode::kNotFound:
      return "NotFound";
    case ErrorCode::kLimitExceeded:
      return "LimitExceeded";
    case ErrorCode::kIo:
      return "Io";
    case ErrorCode::kInvalidArgument:
      return "InvalidArgument";
    case ErrorCode::kInternal:
      return "Internal";
  }
  return "Unknown";
}

Status::Status(ErrorCode code, std::string message) : code_(code) {
  if (!message.empty()) {
    rep_ = std::make_unique<Rep>();
    rep_->message = std::move(message);
  }
}

const std::string& Status::EmptyString() {
  static const std::string* const empty = new std::string();
  return *empty;
}

Status Status::WithRep() const {
  Status s = *this;
  if (!s.rep_) s.rep_ = std::make_unique<Rep>();
  return s;
}

Status Status::WithFile(std::string file) const {
  Status s = WithRep();
  s.rep_->file = std::move(file);
  return s;
}

Status Status::WithFileIfUnset(std::string file) const {
  return this->file().empty() ? WithFile(std::move(file)) : *this;
}

Status Status::WithField(std::string field) const {
  Status s = WithRep();
  s.rep_->field = std::move(field);
  return s;
}

Status Status::WithOffset(uint64_t offset) const {
  Status s = WithRep();
  s.rep_->offset = offset;
  return s;
}

Status Status::WithLine(uint64_t line, std::optional<uint64_t> column) const {
  Status s = WithRep();
  s.rep_->line = line;
  s.rep_->column = column;
  return s;
}

Status Status::ShiftOffset(uint64_t base) const {
  Status s = *this;
  if (s.rep_ && s.rep_->offset) *s.rep_->offset += base;
  return s;
}

Status Status::WithContext(std::string_view context) const {
  Status s = WithRep();
  s.rep_->message = std::string(context) + ": " + s.rep_->message;
  return s;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out;
  if (!file().empty()) out += file() + ": ";
  if (offset()) {
    char buf[64];
    std::snprintf(buf, sizeof(buf), "offset %" PRIu64 " (0x%" PRIx64 "): ", *offset(), *offset());
    out += buf;
  }
  if (line()) {
    out += "line " + std::to_string(*line());
    if (column()) out += ", column " + std::to_string(*column());
    out += ": ";
  }
  if (!field().empty()) out += "field '" + field() + "': ";
  out += ErrorCodeName(code_);
  if (!message().empty()) out += ": " + message();
  return out;
}

Status ParseError(ErrorCode code, uint64_t offset, std::string_view field, std::string message) {
  return Status(code, std::move(message)).WithOffset(offset).WithField(std::string(field));
}

}  // namespace ccv
