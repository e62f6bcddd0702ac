// Text and JSON renderings of golden values computed from build artifacts:
// `ccverify measure authenticode` (docs/json.md, "measure authenticode").
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_PREDICT_REPORT_H_
#define CCV_VERIFIER_REPORT_PREDICT_REPORT_H_

#include <string>

#include "verifier/predict/authenticode.h"
#include "verifier/predict/direct_boot.h"

namespace ccv::report {

// Whole documents with a trailing newline. `file` is the path as given.
std::string AuthenticodeToJson(const std::string& file, const predict::AuthenticodeMeasurement& m);
std::string AuthenticodeToText(const std::string& file, const predict::AuthenticodeMeasurement& m);

// `ccverify predict`: the whole prediction as JSON (prediction.json), the
// predicted events as CEL-JSON (events.cel.json: predicted events only, in
// order, PCR indices), a policy fragment (policy.yaml: one content-matched
// event rule per predicted event) and a text summary. `sources` says what
// the prediction was made from (a line per artifact).
std::string PredictionToJson(const predict::BootPrediction& p,
                             const std::vector<std::string>& sources);
std::string PredictionToCelJson(const predict::BootPrediction& p);
std::string PredictionToPolicy(const predict::BootPrediction& p,
                               const std::vector<std::string>& sources);
std::string PredictionToText(const predict::BootPrediction& p);

// The event rules of PredictionToPolicy alone ("  - id: ..." items), and a
// prediction read back from prediction.json (events with their registers,
// descriptions and digests; event data and types are not needed for rules).
// Errors: kBadValue naming the member that is missing or malformed.
std::string PredictionEventRules(const predict::BootPrediction& p);
Result<predict::BootPrediction> PredictionFromJson(std::string_view text);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_PREDICT_REPORT_H_
