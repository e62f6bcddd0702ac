// Status: the outcome of an operation that can fail ("could not evaluate").
//
// A Status is OK or holds a closed ErrorCode, a short message and, for parse
// errors, where the problem is: the file, the byte offset (binary input) or
// line and column (text input), and the field being read. Findings of a
// verification (a bad signature, a register mismatch) are not Statuses; they
// are recorded in the verifier's results.
//
// An OK Status is one enum and a null pointer: parsers create and drop one
// for every field they read, so that path costs nothing to build or destroy;
// the details of an error live in one heap block.
//
// Thread safety: a Status is a value type; const methods may be called
// concurrently.
#ifndef CCV_PARSERS_CORE_STATUS_H_
#define CCV_PARSERS_CORE_STATUS_H_

#include <cstdint>
#include <memory>
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
  Status(const Status& other)
      : code_(other.code_), rep_(other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr) {}
  Status& operator=(const Status& other) {
    if (this != &other) {
      code_ = other.code_;
      rep_ = other.rep_ ? std::make_unique<Rep>(*other.rep_) : nullptr;
    }
    return *this;
  }
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;
  ~Status() = default;

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  const std::string& message() const { return rep_ ? rep_->message : EmptyString(); }
  const std::string& file() const { return rep_ ? rep_->file : EmptyString(); }
  const std::string& field() const { return rep_ ? rep_->field : EmptyString(); }
  std::optional<uint64_t> offset() const { return rep_ ? rep_->offset : std::nullopt; }
  std::optional<uint64_t> line() const { return rep_ ? rep_->line : std::nullopt; }
  std::optional<uint64_t> column() const { return rep_ ? rep_->column : std::nullopt; }

  // Builders; each returns a copy with one more piece of location.
  Status WithFile(std::string file) const;
  // WithFile unless a file is named already (the innermost name is kept).
  Status WithFileIfUnset(std::string file) const;
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
  struct Rep {
    std::string message;
    std::string file;
    std::string field;
    std::optional<uint64_t> offset;
    std::optional<uint64_t> line;
    std::optional<uint64_t> column;
  };
  static const std::string& EmptyString();
  // A copy of *this whose Rep exists, for the builders.
  Status WithRep() const;

  ErrorCode code_ = ErrorCode::kOk;
  std::unique_ptr<Rep> rep_;  // null: no message and no location
};

// Shorthand for a parse error at a byte offset.
Status ParseError(ErrorCode code, uint64_t offset, std::string_view field, std::string message);

}  // namespace ccv

#define CCV_STATUS_CONCAT_INNER_(a, b) a##b
#define CCV_STATUS_CONCAT_(a, b) CCV_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define CCV_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::ccv::Status ccv_status_ = (expr);        \
    if (!ccv_status_.ok()) return ccv_status_; \
  } while (0)

// `lhs` = value of `rexpr` (a Result<T>), or returns its Status.
#define CCV_ASSIGN_OR_RETURN(lhs, rexpr) \
  CCV_ASSIGN_OR_RETURN_IMPL_(CCV_STATUS_CONCAT_(ccv_result_, __LINE__), lhs, rexpr)
#define CCV_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // CCV_PARSERS_CORE_STATUS_H_
