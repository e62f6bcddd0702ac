// Minimal JUnit XML writer (the testsuites/testsuite/testcase shape Jenkins,
// GitLab and GitHub read): one testcase per named outcome, with <failure>,
// <skipped> or <system-out> children. Thread safety: a value type.
#ifndef CCV_VERIFIER_REPORT_JUNIT_H_
#define CCV_VERIFIER_REPORT_JUNIT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "verifier/result/facts.h"

namespace ccv::report {

struct JUnitCase {
  enum class Outcome { kPass, kFailure, kError, kSkipped };
  std::string classname;
  std::string name;
  Outcome outcome = Outcome::kPass;
  std::string message;  // one line, for the failure/skipped message attribute
  std::string body;     // element text (failure details or system-out)
  // <properties><property name=".." value=".."/></properties>, written first.
  std::vector<std::pair<std::string, std::string>> properties = {};
  std::string system_err = {};  // <system-err> text, written last if not empty
};

struct JUnitSuite {
  std::string name;
  std::string timestamp;  // ISO 8601, may be empty
  std::vector<JUnitCase> cases;
};

// Writes <?xml ...?><testsuites ...> with every suite. Text is escaped, and
// characters XML 1.0 cannot hold (C0 controls but tab/CR/LF) become '?'.
std::string WriteJUnit(std::string_view name, const std::vector<JUnitSuite>& suites);

// One verification check or policy rule as a test case. CI dashboards know
// passed, failed, errored and skipped only, so:
//   pass    -> passed; `body` (if any) in <system-out>
//   fail    -> <failure message="why">body</failure>
//   warn    -> <properties><property name="status" value="warn"/></properties>,
//              <skipped message="warn: why"/>, <system-out>body</system-out>,
//              <system-err>NAME: warn: why</system-err>
//   waived  -> as warn with value="waived" and the message
//              "waived until UNTIL: reason" (read from `why`, where the
//              evaluator records it; "waived: reason" when it is not there)
//   skipped -> <properties> status=skipped, <skipped message="why"/>,
//              <system-out>body</system-out>
// A warning or waiver so shows as skipped in Jenkins and GitLab, with its
// reason, instead of as a plain pass.
JUnitCase VerdictCase(std::string classname, std::string name, result::Verdict status,
                      std::string_view why, std::string_view waiver, std::string body);

// XML-escapes `s` for text or attribute content.
std::string XmlEscape(std::string_view s);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_JUNIT_H_
