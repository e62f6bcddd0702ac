#include "parsers/td_report.h"

#include <string>

#include "parsers/core/register_id.h"

namespace ccv::parsers {

namespace qf = quote_format;

namespace {

// The SEAM module's fields of TEE_TCB_INFO, in the order that both the
// quote's TD report body and TDREPORT_STRUCT hold them.
template <typename Report>
Status ReadSeamFields(ByteReader* r, Report* t) {
  CCV_RETURN_IF_ERROR(r->ReadInto(t->mr_seam, "mr_seam"));
  CCV_RETURN_IF_ERROR(r->ReadInto(t->mr_signer_seam, "mr_signer_seam"));
  return r->ReadInto(t->seam_attributes, "seam_attributes");
}

// TD_INFO's attributes and measurements, likewise shared.
template <typename Report>
Status ReadTdInfoFields(ByteReader* r, Report* t) {
  CCV_RETURN_IF_ERROR(r->ReadInto(t->td_attributes, "td_attributes"));
  CCV_RETURN_IF_ERROR(r->ReadInto(t->xfam, "xfam"));
  CCV_RETURN_IF_ERROR(r->ReadInto(t->mr_td, "mr_td"));
  CCV_RETURN_IF_ERROR(r->ReadInto(t->mr_config_id, "mr_config_id"));
  CCV_RETURN_IF_ERROR(r->ReadInto(t->mr_owner, "mr_owner"));
  CCV_RETURN_IF_ERROR(r->ReadInto(t->mr_owner_config, "mr_owner_config"));
  for (size_t i = 0; i < qf::kNumRtmrs; ++i) {
    CCV_RETURN_IF_ERROR(r->ReadInto(t->rtmr[i], RegisterId::Rtmr(uint32_t(i)).Name()));
  }
  return Status::Ok();
}

}  // namespace

Result<TdReportBody> ReadTdReportBody(ByteReader* r, bool is_v15) {
  TdReportBody b;
  b.is_v15 = is_v15;
  CCV_RETURN_IF_ERROR(r->ReadInto(b.tee_tcb_svn, "tee_tcb_svn"));
  CCV_RETURN_IF_ERROR(ReadSeamFields(r, &b));
  CCV_RETURN_IF_ERROR(ReadTdInfoFields(r, &b));
  CCV_RETURN_IF_ERROR(r->ReadInto(b.report_data, "report_data"));
  if (is_v15) {
    CCV_RETURN_IF_ERROR(r->ReadInto(b.tee_tcb_svn2, "tee_tcb_svn2"));
    CCV_RETURN_IF_ERROR(r->ReadInto(b.mr_servicetd, "mr_servicetd"));
  }
  return b;
}

uint64_t TdAttributesBits(std::span<const uint8_t, quote_format::kTdAttributesLen> td_attributes) {
  ByteReader r(td_attributes);
  Result<uint64_t> bits = r.ReadU64Le("td_attributes");
  return bits.ok() ? *bits : 0;  // never fails: the span holds 8 bytes
}

bool LooksLikeTdReport(Bytes data) {
  if (data.size() != qf::kTdReportLen) return false;
  ByteReader r(data);
  Result<uint8_t> type = r.ReadU8("report_type.type");
  return type.ok() && *type == qf::kReportTypeTdx;
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
  CCV_RETURN_IF_ERROR(r.ReadInto(t.cpu_svn, "cpu_svn"));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.tee_tcb_info_hash, "tee_tcb_info_hash"));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.tee_info_hash, "tee_info_hash"));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.report_data, "report_data"));
  CCV_RETURN_IF_ERROR(r.Skip(qf::kReportMacReserved2Len, "reserved"));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.mac, "mac"));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.tee_tcb_info_valid, "tee_tcb_info.valid"));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.tee_tcb_svn, "tee_tcb_svn"));
  CCV_RETURN_IF_ERROR(ReadSeamFields(&r, &t));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.tee_tcb_svn2, "tee_tcb_svn2"));
  CCV_RETURN_IF_ERROR(r.Skip(qf::kTeeTcbInfoReservedLen - 16, "tee_tcb_info.reserved"));
  CCV_RETURN_IF_ERROR(r.Skip(qf::kTdReportReservedLen, "reserved"));
  CCV_RETURN_IF_ERROR(ReadTdInfoFields(&r, &t));
  CCV_RETURN_IF_ERROR(r.ReadInto(t.servtd_hash, "servtd_hash"));
  CCV_RETURN_IF_ERROR(r.Skip(qf::kTdInfoReservedLen, "td_info.reserved"));
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("TDREPORT"));
  return t;
}

}  // namespace ccv::parsers
