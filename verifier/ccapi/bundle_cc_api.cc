#include "verifier/ccapi/bundle_cc_api.h"

#include <algorithm>

#include "agent/cc_eventlog.h"
#include "parsers/core/hex.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"
#include "verifier/bundle/evidence.h"
#include "verifier/bundle/evidence_file.h"

namespace ccv::verifier {
namespace {

constexpr uint64_t kMaxReportLen = 1 << 20;
constexpr uint64_t kMaxLogLen = uint64_t{2} << 30;

Digest FromMeasurement(const parsers::Measurement& m) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(m.begin(), m.end(), d.bytes.begin());
  return d;
}

}  // namespace

Result<std::unique_ptr<BundleCcApi>> BundleCcApi::Open(const std::string& dir) {
  // The verifier's own manifest reader: the same strict evidence.json
  // (duplicate and unknown keys refused) and the same rule for bundle files
  // (regular files inside the bundle, links resolved beneath it).
  CCV_ASSIGN_OR_RETURN(bundle::Evidence e, bundle::LoadEvidenceDir(dir));
  const std::string json_path = dir + "/" + bundle::kEvidenceFileName;

  std::unique_ptr<BundleCcApi> api(new BundleCcApi());
  // The report: a quote, else a TDREPORT.
  if (e.quote) {
    CCV_ASSIGN_OR_RETURN(api->report_.bytes, bundle::ReadEvidenceFile(e, *e.quote, kMaxReportLen));
    Result<parsers::Quote> q = parsers::ParseQuote(api->report_.bytes);
    if (!q.ok()) return q.status().WithFile(*e.quote);
    if (!q->td_body) return Status(ErrorCode::kBadValue, "not a TDX quote").WithFile(*e.quote);
    api->report_.kind = agent::CcReport::Kind::kQuote;
    api->report_.report_data = q->td_body->report_data;
    for (uint32_t i = 0; i < agent::kTdxImrCount; ++i) {
      api->rtmr_[i] = FromMeasurement(q->td_body->rtmr[i]);
    }
  } else if (e.td_report) {
    CCV_ASSIGN_OR_RETURN(api->report_.bytes,
                         bundle::ReadEvidenceFile(e, *e.td_report, kMaxReportLen));
    Result<parsers::TdReport> td = parsers::ParseTdReport(api->report_.bytes);
    if (!td.ok()) return td.status().WithFile(*e.td_report);
    api->report_.kind = agent::CcReport::Kind::kTdReport;
    api->report_.report_data = td->report_data;
    for (uint32_t i = 0; i < agent::kTdxImrCount; ++i) {
      api->rtmr_[i] = FromMeasurement(td->rtmr[i]);
    }
  } else {
    return Status(ErrorCode::kNotFound, "the bundle has neither a quote nor a td_report")
        .WithFile(json_path);
  }

  // The event log: CCEL log area, then the IMA list.
  if (!e.ccel_data) {
    return Status(ErrorCode::kNotFound, "the bundle has no CCEL log")
        .WithFile(json_path)
        .WithField("ccel");
  }
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> ccel_data,
                       bundle::ReadEvidenceFile(e, *e.ccel_data, kMaxLogLen));
  std::optional<std::vector<uint8_t>> ima;
  if (e.ima) {
    CCV_ASSIGN_OR_RETURN(ima, bundle::ReadEvidenceFile(e, *e.ima, kMaxLogLen));
  }
  std::optional<Bytes> ima_bytes;
  if (ima) ima_bytes = Bytes(*ima);
  Result<std::vector<agent::CcEvent>> events = agent::BuildCcEventlog(ccel_data, ima_bytes);
  if (!events.ok()) return events.status();
  api->events_ = std::move(events).value();
  return api;
}

Result<Digest> BundleCcApi::GetCcMeasurement(uint32_t index, HashAlg alg) {
  if (index >= agent::kTdxImrCount) {
    return Status(ErrorCode::kInvalidArgument,
                  "IMR index " + std::to_string(index) + ", TDX has 0..3 (RTMR0..3)");
  }
  if (alg != HashAlg::kSha384) {
    return Status(ErrorCode::kUnsupported,
                  std::string("TDX RTMRs have no ") + std::string(HashAlgName(alg)) + " bank");
  }
  return rtmr_[index];
}

Result<agent::CcReport> BundleCcApi::GetCcReport(std::span<const uint8_t> nonce,
                                                 std::span<const uint8_t> data) {
  std::array<uint8_t, 64> want = agent::ReportDataFor(nonce, data);
  if (want != report_.report_data) {
    return Status(ErrorCode::kUnsupported, "an offline bundle holds one report, whose REPORTDATA " +
                                               ToHex(report_.report_data) +
                                               " is not SHA-512(nonce || data)");
  }
  return report_;
}

Result<std::vector<agent::CcEvent>> BundleCcApi::GetCcEventlog(size_t start,
                                                               std::optional<size_t> count) {
  return agent::SliceCcEvents(events_, start, count);
}

}  // namespace ccv::verifier
