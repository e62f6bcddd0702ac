// Small string helpers: joining a list with a separator and appending
// printf-formatted text. Thread-safe: pure functions.
#ifndef CCV_PARSERS_CORE_STRINGS_H_
#define CCV_PARSERS_CORE_STRINGS_H_

#include <string>
#include <string_view>

namespace ccv {

// The elements of `parts` (anything a std::string can be appended from)
// with `sep` between them: StrJoin({"a", "b"}, ", ") == "a, b".
template <typename Range>
std::string StrJoin(const Range& parts, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out += sep;
    first = false;
    out += p;
  }
  return out;
}

// The same with each element rendered by `fmt(element)` first.
template <typename Range, typename Format>
std::string StrJoin(const Range& parts, std::string_view sep, Format&& fmt) {
  std::string out;
  bool first = true;
  for (const auto& p : parts) {
    if (!first) out += sep;
    first = false;
    out += fmt(p);
  }
  return out;
}

// Appends printf-style formatted text to `out`.
void StrAppendF(std::string* out, const char* format, ...) __attribute__((format(printf, 2, 3)));

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_STRINGS_H_
