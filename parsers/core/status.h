// Status: the outcome of an operation that can fail ("could not evaluate").
//
// A Status is OK or holds a closed ErrorCode, a short message and, for parse
// errors, where the problem is: the file, the byte offset (binary input) or
// line and column (text input), and the field being read. Findings of a
// verification (a bad signature, a register mismatch) are not Statuses; they
// are recorded in the verifier's results.
//
// Thread safety: a Status is a value type; const methods may be called
// concurrently.
#ifndef CCV_PARSERS_CORE_STATUS_H_
#define CCV_PARSERS_CORE_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccv {

enum class ErrorCode {
  kOk = 0,
  kTruncated,           // input ends before a field it declares
  kBadLength,           // a declared length or count is inconsistent
  kBadValue,            // a field holds a value the format does not allow
  kBadMagic,            // signature / magic / format marker wrong
  kBadChecksum,         // checksum over the input is wrong
  kUnsupportedVersion,  // a version this implementation does not read
  kUnsupported,         // a feature or algorithm this build does not support
  kBadSignature,        // cannot evaluate a signature (malformed key, ...)
  kChainInvalid,        // cannot build a certificate chain
  kNotFound,            // a required item is absent
  kLimitExceeded,       // input exceeds a resource limit of ours
  kIo,                  // the operating system refused a read or write
  kInvalidArgument,     // the caller passed something unusable
  kInternal,            // a bug or an unexpected library failure
};

// Returns the enumerator name without the leading 'k', e.g. "Truncated".
std::string_view ErrorCodeName(ErrorCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(ErrorCode code, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& file() const { return file_; }
  const std::string& field() const { return field_; }
  std::optional<uint64_t> offset() const { return offset_; }
  std::optional<uint64_t> line() const { return line_; }
  std::optional<uint64_t> column() const { return column_; }

  // Builders; each returns a copy with one more piece of location.
  Status WithFile(std::string file) const;
  Status WithField(std::string field) const;
  Status WithOffset(uint64_t offset) const;
  Status WithLine(uint64_t line, std::optional<uint64_t> column = {}) const;
  // Adds `base` to the byte offset (if any): for errors from a sub-range.
  Status ShiftOffset(uint64_t base) const;
  // Prefixes the message with `context` and ": ".
  Status WithContext(std::string_view context) const;

  // "FILE: offset 123 (0x7b): field 'x': Truncated: message".
  std::string ToString() const;

 private:
  ErrorCode code_ = ErrorCode::kOk;
  std::string message_;
  std::string file_;
  std::string field_;
  std::optional<uint64_t> offset_;
  std::optional<uint64_t> line_;
  std::optional<uint64_t> column_;
};

// Shorthand for a parse error at a byte offset.
Status ParseError(ErrorCode code, uint64_t offset, std::string_view field,
                  std::string message);

}  // namespace ccv

#define CCV_STATUS_CONCAT_INNER_(a, b) a##b
#define CCV_STATUS_CONCAT_(a, b) CCV_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define CCV_RETURN_IF_ERROR(expr)                  \
  do {                                             \
    ::ccv::Status ccv_status_ = (expr);            \
    if (!ccv_status_.ok()) return ccv_status_;     \
  } while (0)

// `lhs` = value of `rexpr` (a Result<T>), or returns its Status.
#define CCV_ASSIGN_OR_RETURN(lhs, rexpr) \
  CCV_ASSIGN_OR_RETURN_IMPL_(CCV_STATUS_CONCAT_(ccv_result_, __LINE__), lhs, rexpr)
#define CCV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // CCV_PARSERS_CORE_STATUS_H_
