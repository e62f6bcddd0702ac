#include "verifier/report/junit.h"

namespace ccv::report {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      case '\t': out += "&#9;"; break;
      default: out += (c < 0x20 || c == 0x7f) ? '?' : char(c);
    }
  }
  return out;
}

namespace {

// Bytes >= 0x80 that are not valid UTF-8 would make the XML malformed.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    bool ok = n != 0 && i + n <= s.size();
    for (size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) >> 6) == 2;
    if (!ok) {
      out += '?';
      ++i;
      continue;
    }
    out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

std::string Esc(std::string_view s) { return XmlEscape(ValidUtf8(s)); }

}  // namespace

std::string WriteJUnit(std::string_view name, const std::vector<JUnitSuite>& suites) {
  size_t tests = 0, failures = 0, errors = 0, skipped = 0;
  for (const auto& s : suites) {
    for (const auto& c : s.cases) {
      ++tests;
      failures += c.outcome == JUnitCase::Outcome::kFailure;
      errors += c.outcome == JUnitCase::Outcome::kError;
      skipped += c.outcome == JUnitCase::Outcome::kSkipped;
    }
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"" + Esc(name) + "\" tests=\"" + std::to_string(tests) +
       "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) +
       "\" skipped=\"" + std::to_string(skipped) + "\">\n";
  for (const auto& s : suites) {
    size_t f = 0, e = 0, k = 0;
    for (const auto& c : s.cases) {
      f += c.outcome == JUnitCase::Outcome::kFailure;
      e += c.outcome == JUnitCase::Outcome::kError;
      k += c.outcome == JUnitCase::Outcome::kSkipped;
    }
    x += "  <testsuite name=\"" + Esc(s.name) + "\" tests=\"" + std::to_string(s.cases.size()) +
         "\" failures=\"" + std::to_string(f) + "\" errors=\"" + std::to_string(e) +
         "\" skipped=\"" + std::to_string(k) + "\"";
    if (!s.timestamp.empty()) x += " timestamp=\"" + Esc(s.timestamp) + "\"";
    x += ">\n";
    for (const auto& c : s.cases) {
      x += "    <testcase classname=\"" + Esc(c.classname) + "\" name=\"" + Esc(c.name) + "\"";
      switch (c.outcome) {
        case JUnitCase::Outcome::kPass:
          if (c.body.empty()) {
            x += "/>\n";
          } else {
            x += ">\n      <system-out>" + Esc(c.body) + "</system-out>\n    </testcase>\n";
          }
          break;
        case JUnitCase::Outcome::kFailure:
        case JUnitCase::Outcome::kError: {
          const char* tag = c.outcome == JUnitCase::Outcome::kFailure ? "failure" : "error";
          x += ">\n      <" + std::string(tag) + " message=\"" + Esc(c.message) + "\" type=\"" + tag +
               "\">" + Esc(c.body) + "</" + tag + ">\n    </testcase>\n";
          break;
        }
        case JUnitCase::Outcome::kSkipped:
          x += ">\n      <skipped message=\"" + Esc(c.message) + "\"/>\n";
          if (!c.body.empty()) x += "      <system-out>" + Esc(c.body) + "</system-out>\n";
          x += "    </testcase>\n";
          break;
      }
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

}  // namespace ccv::report
