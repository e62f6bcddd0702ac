// CC-API over an offline evidence bundle (docs/json.md), the verifier-side
// counterpart of the agent's live implementation (agent/live_cc_api.h):
//   GetCcMeasurement: RTMR[index] of the bundle's TDX quote (or TDREPORT);
//   GetCcReport: the bundle's one report, when asked for the REPORTDATA it
//     binds (SHA-512(nonce || data)); a bundle cannot make new reports;
//   GetCcEventlog: the CCEL records then the IMA entries (agent/cc_eventlog.h).
// The bundle is read and parsed once by Open(); the object holds copies.
// Not thread-safe.
#ifndef CCV_VERIFIER_CCAPI_BUNDLE_CC_API_H_
#define CCV_VERIFIER_CCAPI_BUNDLE_CC_API_H_

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "agent/cc_api.h"

namespace ccv::verifier {

class BundleCcApi : public agent::CcApi {
 public:
  // Reads `bundle_dir`/evidence.json and the files it names (paths relative
  // to the bundle, no "..", no absolute paths). Requires the CCEL log area and
  // a quote or TDREPORT; the IMA list is optional.
  // Errors: kIo / kLimitExceeded (file access, naming the file), kBadValue
  // (evidence.json not JSON or a member of the wrong type, naming the member),
  // kUnsupportedVersion (version != 1), kNotFound (no CCEL or no report),
  // kInvalidArgument (a path leaving the bundle), and the parsers' errors.
  static Result<std::unique_ptr<BundleCcApi>> Open(const std::string& bundle_dir);

  std::vector<HashAlg> GetDefaultAlgorithms() const override { return {HashAlg::kSha384}; }
  uint32_t GetMeasurementCount() const override { return agent::kTdxImrCount; }
  Result<Digest> GetCcMeasurement(uint32_t index, HashAlg alg) override;
  // Errors: kUnsupported when SHA-512(nonce || data) is not the report's
  // REPORTDATA.
  Result<agent::CcReport> GetCcReport(std::span<const uint8_t> nonce,
                                      std::span<const uint8_t> data) override;
  Result<std::vector<agent::CcEvent>> GetCcEventlog(
      size_t start = 0, std::optional<size_t> count = std::nullopt) override;

 private:
  BundleCcApi() = default;

  agent::CcReport report_;
  std::array<Digest, agent::kTdxImrCount> rtmr_{};
  std::vector<agent::CcEvent> events_;
};

}  // namespace ccv::verifier

#endif  // CCV_VERIFIER_CCAPI_BUNDLE_CC_API_H_
