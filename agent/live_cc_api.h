// CC-API on the live TDX guest (or a fake guest tree under GuestPaths' root),
// through the agent's collectors:
//   GetCcMeasurement: the TSM measurement registers in sysfs
//     (measurements/rtmr<i>:sha384, Linux >= 6.16), else the TDREPORT from
//     /dev/tdx_guest, else the TD report body of a fresh quote;
//   GetCcReport: a quote through configfs-tsm, or the TDREPORT where no
//     quote service answers (collector.h CollectReport);
//   GetCcEventlog: the CCEL log and IMA list read now (cc_eventlog.h).
// Not thread-safe (one instance per thread); every call reads the guest anew.
#ifndef CCV_AGENT_LIVE_CC_API_H_
#define CCV_AGENT_LIVE_CC_API_H_

#include "agent/cc_api.h"
#include "agent/guest_paths.h"

namespace ccv::agent {

class LiveCcApi : public CcApi {
 public:
  explicit LiveCcApi(GuestPaths paths = GuestPaths("/")) : paths_(std::move(paths)) {}

  std::vector<HashAlg> GetDefaultAlgorithms() const override { return {HashAlg::kSha384}; }
  uint32_t GetMeasurementCount() const override { return kTdxImrCount; }
  Result<Digest> GetCcMeasurement(uint32_t index, HashAlg alg) override;
  Result<CcReport> GetCcReport(std::span<const uint8_t> nonce,
                               std::span<const uint8_t> data) override;
  Result<std::vector<CcEvent>> GetCcEventlog(size_t start = 0,
                                             std::optional<size_t> count = std::nullopt) override;

 private:
  GuestPaths paths_;
};

}  // namespace ccv::agent

#endif  // CCV_AGENT_LIVE_CC_API_H_
