#include "verifier/result/verdict.h"

namespace ccv::result {

int VerdictRank(Verdict v) {
  switch (v) {
    case Verdict::kFail:
      return 0;
    case Verdict::kWarn:
      return 1;
    case Verdict::kWaived:
      return 2;
    case Verdict::kSkipped:
      return 3;
    case Verdict::kPass:
      return 4;
  }
  return 5;
}

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass:
      return "pass";
    case Verdict::kFail:
      return "fail";
    case Verdict::kWarn:
      return "warn";
    case Verdict::kWaived:
      return "waived";
    case Verdict::kSkipped:
      return "skipped";
  }
  return "fail";
}

std::string_view ShortVerdictName(Verdict v) {
  return v == Verdict::kSkipped ? "skip" : VerdictName(v);
}

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kTrusted:
      return "trusted";
    case Outcome::kVerified:
      return "verified";
    case Outcome::kUntrusted:
      return "untrusted";
  }
  return "untrusted";
}

}  // namespace ccv::result
