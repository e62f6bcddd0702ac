#include "verifier/report/junit.h"

#include <string>
#include <string_view>
#include <utility>

#include "verifier/report/internal/text_escape.h"

namespace ccv::report {

std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\n':
        out += "&#10;";
        break;
      case '\r':
        out += "&#13;";
        break;
      case '\t':
        out += "&#9;";
        break;
      default:
        out += (c < 0x20 || c == 0x7f) ? '?' : char(c);
    }
  }
  return out;
}

namespace {

// Bytes that are not valid UTF-8 would make the XML malformed.
std::string Esc(std::string_view s) { return XmlEscape(internal::ValidUtf8(s, "?")); }

// "waived until T: reason", the last entry the evaluator appended to `why`.
std::string WaiverMessage(std::string_view why, std::string_view waiver) {
  const std::string tail = ": " + std::string(waiver);
  constexpr std::string_view kPrefix = "waived until ";
  if (why.size() >= tail.size() && why.substr(why.size() - tail.size()) == tail) {
    size_t p = why.substr(0, why.size() - tail.size()).rfind(kPrefix);
    if (p != std::string_view::npos) return std::string(why.substr(p));
  }
  return "waived: " + std::string(waiver);
}

void Children(const JUnitCase& c, std::string* x) {
  if (!c.properties.empty()) {
    *x += "      <properties>\n";
    for (const auto& [k, v] : c.properties) {
      *x += "        <property name=\"" + Esc(k) + "\" value=\"" + Esc(v) + "\"/>\n";
    }
    *x += "      </properties>\n";
  }
  switch (c.outcome) {
    case JUnitCase::Outcome::kPass:
      break;
    case JUnitCase::Outcome::kFailure:
    case JUnitCase::Outcome::kError: {
      const char* tag = c.outcome == JUnitCase::Outcome::kFailure ? "failure" : "error";
      *x += "      <" + std::string(tag) + " message=\"" + Esc(c.message) + "\" type=\"" + tag +
            "\">" + Esc(c.body) + "</" + tag + ">\n";
      break;
    }
    case JUnitCase::Outcome::kSkipped:
      *x += "      <skipped message=\"" + Esc(c.message) + "\"/>\n";
      break;
  }
  bool body_is_out =
      c.outcome != JUnitCase::Outcome::kFailure && c.outcome != JUnitCase::Outcome::kError;
  if (body_is_out && !c.body.empty()) *x += "      <system-out>" + Esc(c.body) + "</system-out>\n";
  if (!c.system_err.empty()) *x += "      <system-err>" + Esc(c.system_err) + "</system-err>\n";
}

}  // namespace

JUnitCase VerdictCase(std::string classname, std::string name, result::Verdict status,
                      std::string_view why, std::string_view waiver, std::string body) {
  JUnitCase jc;
  jc.classname = std::move(classname);
  jc.name = std::move(name);
  jc.body = std::move(body);
  switch (status) {
    case result::Verdict::kPass:
      jc.outcome = JUnitCase::Outcome::kPass;
      return jc;
    case result::Verdict::kFail:
      jc.outcome = JUnitCase::Outcome::kFailure;
      jc.message = std::string(why);
      return jc;
    case result::Verdict::kWarn:
      jc.message = "warn: " + std::string(why);
      break;
    case result::Verdict::kWaived:
      jc.message = WaiverMessage(why, waiver);
      break;
    case result::Verdict::kSkipped:
      jc.message = std::string(why);
      break;
  }
  jc.outcome = JUnitCase::Outcome::kSkipped;
  jc.properties.emplace_back("status", result::VerdictName(status));
  if (status != result::Verdict::kSkipped) jc.system_err = jc.name + ": " + jc.message + "\n";
  return jc;
}

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
      std::string children;
      Children(c, &children);
      if (children.empty()) {
        x += "/>\n";
      } else {
        x += ">\n" + children + "    </testcase>\n";
      }
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  return x;
}

}  // namespace ccv::report
