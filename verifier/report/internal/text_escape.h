// Module-private: making evidence text safe for the report formats that do
// not escape it themselves. Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_INTERNAL_TEXT_ESCAPE_H_
#define CCV_VERIFIER_REPORT_INTERNAL_TEXT_ESCAPE_H_

#include <string>
#include <string_view>

namespace ccv::report::internal {

// `s` with every byte that does not start a valid UTF-8 sequence replaced by
// `replacement` (RapidJSON writes the bytes it is given, and such bytes make
// XML malformed; evidence text may hold any).
inline std::string ValidUtf8(std::string_view s, std::string_view replacement = "\xef\xbf\xbd") {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n != 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (!ok) {
      out += replacement;
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

// One line of plain text: control bytes (newlines too) become '.'.
inline std::string OneLine(std::string_view s) {
  std::string out;
  for (unsigned char c : s) out += (c < 0x20 || c == 0x7f) ? '.' : char(c);
  return out;
}

}  // namespace ccv::report::internal

#endif  // CCV_VERIFIER_REPORT_INTERNAL_TEXT_ESCAPE_H_
