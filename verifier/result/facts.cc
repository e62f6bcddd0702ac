#include "verifier/result/facts.h"

namespace ccv::result {

const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kWarn: return "warn";
    case Verdict::kWaived: return "waived";
    case Verdict::kSkipped: return "skipped";
  }
  return "fail";
}

}  // namespace ccv::result
