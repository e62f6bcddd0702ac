#include "agent/live_cc_api.h"

#include <algorithm>

#include "agent/cc_eventlog.h"
#include "agent/collector.h"
#include "agent/configfs_tsm.h"
#include "agent/internal/fs_util.h"
#include "agent/tdx_guest.h"
#include "parsers/core/file_io.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote.h"

namespace ccv::agent {
namespace {

Digest FromMeasurement(const parsers::Measurement& m) {
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(m.begin(), m.end(), d.bytes.begin());
  return d;
}

}  // namespace

Result<Digest> LiveCcApi::GetCcMeasurement(uint32_t index, HashAlg alg) {
  if (index >= kTdxImrCount) {
    return Status(ErrorCode::kInvalidArgument,
                  "IMR index " + std::to_string(index) + ", TDX has 0..3 (RTMR0..3)");
  }
  if (alg != HashAlg::kSha384) {
    return Status(ErrorCode::kUnsupported,
                  std::string("TDX RTMRs have no ") + std::string(HashAlgName(alg)) + " bank");
  }
  // 1. TSM measurement registers: raw 48-byte values.
  std::string mr =
      paths_.Resolve(kTdxMeasurementsDir) + "/rtmr" + std::to_string(index) + ":sha384";
  if (internal::Exists(mr)) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> v, ReadFileBytes(mr, 64));
    if (v.size() != DigestLen(alg)) {
      return Status(ErrorCode::kBadLength, std::to_string(v.size()) + " bytes, expected 48")
          .WithFile(mr);
    }
    Digest d = Digest::Zero(alg);
    std::copy(v.begin(), v.end(), d.bytes.begin());
    return d;
  }
  // 2. The TDREPORT: local, no quote service involved.
  Result<std::vector<uint8_t>> td =
      GetTdReport(paths_.root(), kTdxGuestDevice, {}, paths_.is_fake());
  if (td.ok()) {
    CCV_ASSIGN_OR_RETURN(parsers::TdReport report, parsers::ParseTdReport(*td));
    return FromMeasurement(report.rtmr[index]);
  }
  if (td.status().code() != ErrorCode::kNotFound) return td.status();
  // 3. The TD report body of a fresh quote.
  Evidence e;
  e.report_data = ReportDataFor({}, {});
  Result<TsmReport> tsm = GetTsmReport(paths_.Resolve(kTsmReportDir), e.report_data);
  if (!tsm.ok()) {
    return Status(ErrorCode::kNotFound, "no RTMR source: no measurement registers in sysfs, " +
                                            td.status().ToString() + "; " +
                                            tsm.status().ToString());
  }
  CCV_ASSIGN_OR_RETURN(parsers::Quote q, parsers::ParseQuote(tsm->outblob));
  if (!q.td_body) return Status(ErrorCode::kBadValue, "the quote is not a TDX quote");
  return FromMeasurement(q.td_body->rtmr[index]);
}

Result<CcReport> LiveCcApi::GetCcReport(std::span<const uint8_t> nonce,
                                        std::span<const uint8_t> data) {
  Evidence e;
  e.report_data = ReportDataFor(nonce, data);
  CCV_RETURN_IF_ERROR(CollectReport(paths_, &e));
  CcReport r;
  r.report_data = e.report_data;
  if (e.quote) {
    r.kind = CcReport::Kind::kQuote;
    r.bytes = std::move(*e.quote);
  } else {
    r.kind = CcReport::Kind::kTdReport;
    r.bytes = std::move(*e.td_report);
  }
  return r;
}

Result<std::vector<CcEvent>> LiveCcApi::GetCcEventlog(size_t start, std::optional<size_t> count) {
  Evidence e;
  CCV_RETURN_IF_ERROR(CollectCcel(paths_, &e));
  CCV_RETURN_IF_ERROR(CollectIma(paths_, &e));
  std::optional<Bytes> ima;
  if (e.ima_ascii) {
    ima = Bytes(*e.ima_ascii);
  } else if (e.ima_binary) {
    ima = Bytes(*e.ima_binary);
  }
  CCV_ASSIGN_OR_RETURN(std::vector<CcEvent> all, BuildCcEventlog(e.ccel_data, ima));
  return SliceCcEvents(all, start, count);
}

}  // namespace ccv::agent
