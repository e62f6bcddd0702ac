// `ccverify replay` output: a replay run as text or as one JSON document
// (docs/json.md). Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPORT_REPLAY_REPORT_H_
#define CCV_VERIFIER_REPORT_REPLAY_REPORT_H_

#include <string>

#include "verifier/pipeline/replay.h"

namespace ccv::report {

std::string ReplayReportText(const pipeline::ReplayRun& run);
// Pretty-printed (indent 1), ending in a newline.
std::string ReplayReportJson(const pipeline::ReplayRun& run);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_REPLAY_REPORT_H_
