#include "policies/bounded_regex.h"

#include <algorithm>
#include <string>
#include <utility>

#include <re2/re2.h>

namespace ccv::policy {

namespace {

RE2::Options BoundedOptions() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingLatin1);
  o.set_max_mem(Regex::kMaxMem);
  o.set_log_errors(false);
  o.set_never_capture(true);  // Search reports no groups
  return o;
}

}  // namespace

Result<Regex> Regex::Compile(std::string_view pattern) {
  auto re = std::make_shared<const RE2>(re2::StringPiece(pattern.data(), pattern.size()),
                                        BoundedOptions());
  if (re->error_code() == RE2::ErrorPatternTooLarge) {
    return Status(ErrorCode::kLimitExceeded,
                  "regular expression is too large: its program exceeds RE2's memory bound of " +
                      std::to_string(kMaxMem >> 20) + " MiB");
  }
  if (!re->ok()) {
    return Status(ErrorCode::kBadValue,
                  "regular expression does not compile as RE2 syntax "
                  "(https://github.com/google/re2/wiki/Syntax; no backreferences, lookaround or "
                  "possessive quantifiers): " +
                      re->error());
  }
  // The reverse program serves searches for `$`-anchored patterns; RE2
  // builds it on first use. Building it here makes a pattern that is too
  // large for it fail now, not fall back to the slow path during a verdict.
  int forward = re->ProgramSize();
  int reverse = re->ReverseProgramSize();
  if (reverse < 0) {
    return Status(ErrorCode::kLimitExceeded,
                  "regular expression is too large: its reverse program exceeds RE2's memory "
                  "bound of " +
                      std::to_string(kMaxMem >> 20) + " MiB");
  }
  if (forward > kMaxProgramSize || reverse > kMaxProgramSize) {
    return Status(ErrorCode::kLimitExceeded, "regular expression is too large: its program has " +
                                                 std::to_string(std::max(forward, reverse)) +
                                                 " instructions, at most " +
                                                 std::to_string(kMaxProgramSize) + " are allowed");
  }
  return Regex(std::move(re));
}

Regex::Regex(std::shared_ptr<const RE2> re) : re_(std::move(re)) {}

Regex::~Regex() = default;

bool Regex::Search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

const std::string& Regex::pattern() const { return re_->pattern(); }

}  // namespace ccv::policy
