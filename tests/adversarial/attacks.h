// The attack bundles of tests/adversarial: evidence built from a copy of the
// demo bundle (signed through the ccverify test PKI) and altered the way an
// attacker would, each with the policy and binding flags it is verified
// with and the outcome a fail-closed verifier must give. One table, read by
// the attack tests (which assert the outcome) and by the library-vs-CLI test
// (which asserts that pipeline::Verify and the binary agree on every one).
#ifndef CCV_TESTS_ADVERSARIAL_ATTACKS_H_
#define CCV_TESTS_ADVERSARIAL_ATTACKS_H_

#include <functional>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/demo_bundle.h"

namespace ccv::adversarial {

struct Attack {
  explicit Attack(std::string n) : name(std::move(n)) {}
  // Fluent setters for the table.
  Attack& Build(std::function<void(const testing::BundleCopy&)> f) {
    build = std::move(f);
    return *this;
  }
  Attack& Policy(std::string yaml) {
    policy = std::move(yaml);
    return *this;
  }
  Attack& Nonce(std::string hex) {
    nonce = std::move(hex);
    return *this;
  }
  Attack& UserData(std::string hex) {
    user_data = std::move(hex);
    return *this;
  }
  Attack& ReportData(std::string hex) {
    report_data = std::move(hex);
    return *this;
  }
  Attack& Exits(int code) {
    exit_code = code;
    return *this;
  }
  Attack& Expect(const std::string& id, const std::string& status) {
    statuses[id] = status;
    return *this;
  }
  Attack& Says(std::string text) {
    says = std::move(text);
    return *this;
  }
  Attack& NeverSays(std::string text) {
    never_says = std::move(text);
    return *this;
  }
  Attack& FailingRules(std::set<std::string> ids) {
    failing_rules = std::move(ids);
    return *this;
  }

  std::string name;  // a test-name-safe identifier
  // Alters the copy of the demo bundle; may run make_demo or ccverify.
  std::function<void(const testing::BundleCopy&)> build;
  std::string policy;  // YAML; empty: verified without a policy
  // The verifier's binding flags (hex): --nonce, --user-data, --report-data.
  std::optional<std::string> nonce, user_data, report_data;

  int exit_code = 0;                            // 0 TRUSTED/VERIFIED, 1 UNTRUSTED, 3 input error
  std::map<std::string, std::string> statuses;  // check or rule id -> status in the JSON
  std::string says;                             // text the output holds (for exit 3, the error)
  std::string never_says;                       // text it must not hold
  // If set: exactly these policy rules fail (no cascade of other failures).
  std::optional<std::set<std::string>> failing_rules;
};

// gtest prints a parameter by its name.
inline void PrintTo(const Attack& attack, std::ostream* os) { *os << attack.name; }

// Every attack, and the untouched demo with and without its policy.
const std::vector<Attack>& Attacks();

// `ccverify verify` arguments for an attack on `bundle` (JSON report to
// stdout); the policy, if any, is written into the bundle first.
std::string VerifyArgs(const Attack& attack, const testing::BundleCopy& bundle);

// Where VerifyArgs wrote the attack's policy ("" without one).
std::string PolicyPath(const Attack& attack, const testing::BundleCopy& bundle);

}  // namespace ccv::adversarial

#endif  // CCV_TESTS_ADVERSARIAL_ATTACKS_H_
