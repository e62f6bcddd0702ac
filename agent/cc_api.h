// CC-API: the confidential-computing evidence interface of cc-api
// (cc-api/evidence-api `EvidenceApi`, cc-trusted-vmsdk), in C++. Two
// implementations: the live guest (agent/live_cc_api.h, through the agent's
// collectors) and an offline evidence bundle (verifier/ccapi/bundle_cc_api.h).
//
// Index convention. An IMR index is 0..3 = RTMR0..RTMR3 (TDX). For events:
//   * CCEL (UEFI CC event log): IMR index = MrIndex - 1. MrIndex is the UEFI
//     CC measurement-register index, 1..4 = RTMR0..3. MrIndex 0 is MRTD, which
//     the log never extends: its records (EV_NO_ACTION: an early td-shim Spec
//     ID header, SP800-155 Event3) get imr_index kImrMrtd.
//   * IMA on the CC-API TDX kernel: the list's PCR field already reads 2 =
//     RTMR2, which is the IMR index.
//   * Older conventions: evidence-api's Python EventLogs (and its replay
//     dictionary) keep the raw CCEL MrIndex, 1..4, and add 1 to the TDX IMA
//     field, so its keys are our index + 1; evidence-api's Rust eventlog.rs
//     subtracts 1 like we do. CIMA's "IMR 3" is a per-container virtual
//     register, not RTMR3, and is not exposed here.
// get_cc_measurement(index, alg) therefore returns RTMR[index] as the TDREPORT
// or quote carries it (vmsdk TdxVM takes rtmrs[index] of the TDREPORT).
//
// Thread safety: implementations are not thread-safe; use one per thread.
// ReplayCcEvents is a pure function.
#ifndef CCV_AGENT_CC_API_H_
#define CCV_AGENT_CC_API_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"

namespace ccv::agent {

inline constexpr uint32_t kTdxImrCount = kNumRtmrs;  // RTMR0..3
inline constexpr uint32_t kImrMrtd = 0xFFFFFFFFu;    // CCEL MrIndex 0 (MRTD): never replayed
inline constexpr uint32_t kEvNoAction = 0x00000003;
// evidence-api's event type for IMA records (TcgEventType.IMA_MEASUREMENT_EVENT).
inline constexpr uint32_t kImaMeasurementEvent = 0x14;

enum class CcEventSource : uint8_t { kCcel, kIma };

// One event of the CC event log: the CCEL records (Spec ID header included),
// then the IMA records, in log order.
struct CcEvent {
  CcEventSource source = CcEventSource::kCcel;
  uint32_t rec_num = 0;         // index in its own log (CCEL record / IMA line)
  uint32_t imr_index = 0;       // 0..3 = RTMR0..3, or kImrMrtd
  uint32_t event_type = 0;      // TCG event type; kImaMeasurementEvent for IMA
  std::vector<Digest> digests;  // CCEL: one per bank; IMA: the template hash
  // CCEL: the event data. IMA: the template fields after the template name,
  // joined by single spaces, as evidence-api passes them on.
  std::vector<uint8_t> event;
  std::string ima_template;  // IMA only: template name, e.g. "ima-ng"
};

// A quote (configfs-tsm outblob) or, where no quote service answers, the
// TDREPORT; REPORTDATA = SHA-512(nonce || data).
struct CcReport {
  enum class Kind : uint8_t { kQuote, kTdReport };
  Kind kind = Kind::kQuote;
  std::vector<uint8_t> bytes;
  std::array<uint8_t, 64> report_data{};
};

// IMR index -> bank -> value (evidence-api replay_cc_eventlog's dictionary).
using CcReplayResult = std::map<uint32_t, std::map<HashAlg, Digest>>;

class CcApi {
 public:
  CcApi() = default;
  CcApi(const CcApi&) = delete;
  CcApi& operator=(const CcApi&) = delete;
  virtual ~CcApi() = default;

  // The banks of the measurement registers ({sha384} on TDX).
  virtual std::vector<HashAlg> GetDefaultAlgorithms() const = 0;
  // Number of IMRs (4 on TDX).
  virtual uint32_t GetMeasurementCount() const = 0;
  // RTMR[index] in bank `alg`. Errors: kInvalidArgument (index >= count),
  // kUnsupported (a bank the platform does not have), or the source's error.
  virtual Result<Digest> GetCcMeasurement(uint32_t index, HashAlg alg) = 0;
  // A report binding SHA-512(nonce || data).
  virtual Result<CcReport> GetCcReport(std::span<const uint8_t> nonce,
                                       std::span<const uint8_t> data) = 0;
  // Events [start, start + count) of the CC event log; count absent = to the
  // end. Errors: kInvalidArgument when start > size or the range ends past it
  // (start == size gives an empty list, as evidence-api does).
  virtual Result<std::vector<CcEvent>> GetCcEventlog(
      size_t start = 0, std::optional<size_t> count = std::nullopt) = 0;
  // Replays `events` (ReplayCcEvents).
  virtual Result<CcReplayResult> ReplayCcEventlog(std::span<const CcEvent> events) const;
};

// evidence-api replay: per IMR and bank, from zero, R = H(R || digest) over
// the events in order; EV_NO_ACTION events and kImrMrtd are skipped; an IMA
// event with an all-zero digest (a violation) extends all 0xFF (DESIGN §2).
// Errors: kBadLength for a digest whose length is not its bank's,
// kUnsupported for a bank this build cannot hash.
Result<CcReplayResult> ReplayCcEvents(std::span<const CcEvent> events);

// REPORTDATA = SHA-512(nonce || data), an absent part contributing nothing
// (CC-API get_cc_report; docs/json.md, evidence.json).
std::array<uint8_t, 64> ReportDataFor(std::span<const uint8_t> nonce,
                                      std::span<const uint8_t> data);

// Selects [start, start + count) of `all` with the GetCcEventlog rules.
Result<std::vector<CcEvent>> SliceCcEvents(const std::vector<CcEvent>& all, size_t start,
                                           std::optional<size_t> count);

}  // namespace ccv::agent

#endif  // CCV_AGENT_CC_API_H_
