// Minimal JUnit XML writer (the testsuites/testsuite/testcase shape Jenkins,
// GitLab and GitHub read): one testcase per named outcome, with <failure>,
// <skipped> or <system-out> children. Thread safety: a value type.
#ifndef CCV_VERIFIER_REPORT_JUNIT_H_
#define CCV_VERIFIER_REPORT_JUNIT_H_

#include <string>
#include <string_view>
#include <vector>

namespace ccv::report {

struct JUnitCase {
  enum class Outcome { kPass, kFailure, kError, kSkipped };
  std::string classname;
  std::string name;
  Outcome outcome = Outcome::kPass;
  std::string message;  // one line, for the failure/skipped message attribute
  std::string body;     // element text (failure details or system-out)
};

struct JUnitSuite {
  std::string name;
  std::string timestamp;  // ISO 8601, may be empty
  std::vector<JUnitCase> cases;
};

// Writes <?xml ...?><testsuites ...> with every suite. Text is escaped, and
// characters XML 1.0 cannot hold (C0 controls but tab/CR/LF) become '?'.
std::string WriteJUnit(std::string_view name, const std::vector<JUnitSuite>& suites);

// XML-escapes `s` for text or attribute content.
std::string XmlEscape(std::string_view s);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_JUNIT_H_
