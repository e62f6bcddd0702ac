#include "parsers/td_report.h"

#include <string>

#include "parsers/core/register_id.h"

namespace ccv::parsers {

namespace qf = quote_format;

#define CCV_READ_INTO(dst, reader, field)                            \
  do {                                                               \
    auto ccv_r_ = (reader)->ReadArray<sizeof(dst)>(field);           \
    if (!ccv_r_.ok()) return ccv_r_.status();                        \
    (dst) = *ccv_r_;                                                 \
  } while (0)

Result<TdReportBody> ReadTdReportBody(ByteReader* r, bool is_v15) {
  TdReportBody b;
  b.is_v15 = is_v15;
  CCV_READ_INTO(b.tee_tcb_svn, r, "tee_tcb_svn");
  CCV_READ_INTO(b.mr_seam, r, "mr_seam");
  CCV_READ_INTO(b.mr_signer_seam, r, "mr_signer_seam");
  CCV_READ_INTO(b.seam_attributes, r, "seam_attributes");
  CCV_READ_INTO(b.td_attributes, r, "td_attributes");
  CCV_READ_INTO(b.xfam, r, "xfam");
  CCV_READ_INTO(b.mr_td, r, "mr_td");
  CCV_READ_INTO(b.mr_config_id, r, "mr_config_id");
  CCV_READ_INTO(b.mr_owner, r, "mr_owner");
  CCV_READ_INTO(b.mr_owner_config, r, "mr_owner_config");
  for (size_t i = 0; i < qf::kNumRtmrs; ++i) {
    CCV_READ_INTO(b.rtmr[i], r, RegisterId::Rtmr(uint32_t(i)).Name());
  }
  CCV_READ_INTO(b.report_data, r, "report_data");
  if (is_v15) {
    CCV_READ_INTO(b.tee_tcb_svn2, r, "tee_tcb_svn2");
    CCV_READ_INTO(b.mr_servicetd, r, "mr_servicetd");
  }
  return b;
}

bool LooksLikeTdReport(Bytes data) {
  return data.size() == qf::kTdReportLen && data[0] == qf::kReportTypeTdx;
}

Result<TdReport> ParseTdReport(Bytes data) {
  if (data.size() != qf::kTdReportLen) {
    return ParseError(ErrorCode::kBadLength, 0, "TDREPORT",
                      "a TDREPORT is 1024 bytes, got " + std::to_string(data.size()));
  }
  ByteReader r(data);
  TdReport t;
  CCV_ASSIGN_OR_RETURN(t.report_type, r.ReadU8("report_type.type"));
  if (t.report_type != qf::kReportTypeTdx) {
    return ParseError(ErrorCode::kBadMagic, 0, "report_type.type",
                      "expected 0x81 (TDX), got " + std::to_string(t.report_type));
  }
  CCV_ASSIGN_OR_RETURN(t.report_subtype, r.ReadU8("report_type.subtype"));
  CCV_ASSIGN_OR_RETURN(t.report_version, r.ReadU8("report_type.version"));
  CCV_RETURN_IF_ERROR(r.Skip(1 + qf::kReportMacReserved1Len, "reserved"));
  CCV_READ_INTO(t.cpu_svn, &r, "cpu_svn");
  CCV_READ_INTO(t.tee_tcb_info_hash, &r, "tee_tcb_info_hash");
  CCV_READ_INTO(t.tee_info_hash, &r, "tee_info_hash");
  CCV_READ_INTO(t.report_data, &r, "report_data");
  CCV_RETURN_IF_ERROR(r.Skip(qf::kReportMacReserved2Len, "reserved"));
  CCV_READ_INTO(t.mac, &r, "mac");
  CCV_READ_INTO(t.tee_tcb_info_valid, &r, "tee_tcb_info.valid");
  CCV_READ_INTO(t.tee_tcb_svn, &r, "tee_tcb_svn");
  CCV_READ_INTO(t.mr_seam, &r, "mr_seam");
  CCV_READ_INTO(t.mr_signer_seam, &r, "mr_signer_seam");
  CCV_READ_INTO(t.seam_attributes, &r, "seam_attributes");
  CCV_READ_INTO(t.tee_tcb_svn2, &r, "tee_tcb_svn2");
  CCV_RETURN_IF_ERROR(r.Skip(qf::kTeeTcbInfoReservedLen - 16, "tee_tcb_info.reserved"));
  CCV_RETURN_IF_ERROR(r.Skip(qf::kTdReportReservedLen, "reserved"));
  CCV_READ_INTO(t.td_attributes, &r, "td_attributes");
  CCV_READ_INTO(t.xfam, &r, "xfam");
  CCV_READ_INTO(t.mr_td, &r, "mr_td");
  CCV_READ_INTO(t.mr_config_id, &r, "mr_config_id");
  CCV_READ_INTO(t.mr_owner, &r, "mr_owner");
  CCV_READ_INTO(t.mr_owner_config, &r, "mr_owner_config");
  for (size_t i = 0; i < qf::kNumRtmrs; ++i) {
    CCV_READ_INTO(t.rtmr[i], &r, RegisterId::Rtmr(uint32_t(i)).Name());
  }
  CCV_READ_INTO(t.servtd_hash, &r, "servtd_hash");
  CCV_RETURN_IF_ERROR(r.Skip(qf::kTdInfoReservedLen, "td_info.reserved"));
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("TDREPORT"));
  return t;
}

}  // namespace ccv::parsers
