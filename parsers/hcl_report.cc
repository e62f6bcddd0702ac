#include "parsers/hcl_report.h"

#include <string>

namespace ccv::parsers {

namespace f = hcl_format;

Result<HclReport> ParseHclReport(Bytes data) {
  ByteReader r(data);
  HclReport h;
  CCV_ASSIGN_OR_RETURN(uint32_t magic, r.ReadU32Le("signature"));
  if (magic != f::kMagic) {
    return ParseError(ErrorCode::kBadMagic, 0, "signature",
                      "not an HCL report (expected \"HCLA\")");
  }
  CCV_ASSIGN_OR_RETURN(h.version, r.ReadU32Le("version"));
  CCV_ASSIGN_OR_RETURN(h.report_size, r.ReadU32Le("report_size"));
  CCV_ASSIGN_OR_RETURN(h.request_type, r.ReadU32Le("request_type"));
  CCV_ASSIGN_OR_RETURN(h.status, r.ReadU32Le("status"));
  CCV_RETURN_IF_ERROR(r.ReadBytes(f::kHeaderLen - 20, "reserved").status());
  CCV_ASSIGN_OR_RETURN(Bytes hw, r.ReadBytes(f::kHwReportLen, "hw_report"));
  h.hw_report.assign(hw.begin(), hw.end());
  CCV_ASSIGN_OR_RETURN(h.data_size, r.ReadU32Le("runtime.data_size"));
  CCV_ASSIGN_OR_RETURN(h.data_version, r.ReadU32Le("runtime.version"));
  CCV_ASSIGN_OR_RETURN(h.report_type, r.ReadU32Le("runtime.report_type"));
  CCV_ASSIGN_OR_RETURN(h.hash_type, r.ReadU32Le("runtime.report_data_hash_type"));
  const uint64_t size_offset = r.Position();
  CCV_ASSIGN_OR_RETURN(uint32_t var_size, r.ReadU32Le("runtime.variable_data_size"));
  if (var_size > f::kMaxRuntimeData) {
    return ParseError(ErrorCode::kLimitExceeded, size_offset, "runtime.variable_data_size",
                      std::to_string(var_size) + " bytes of runtime data, at most " +
                          std::to_string(f::kMaxRuntimeData));
  }
  h.runtime_data_offset = r.Position();
  CCV_ASSIGN_OR_RETURN(Bytes var, r.ReadBytes(var_size, "runtime.variable_data"));
  h.runtime_data.assign(var.begin(), var.end());
  // What follows the runtime data is padding of the NV index.
  if (h.report_type == f::kReportTypeTdx) {
    auto td = ParseTdReport(Bytes(h.hw_report).first(f::kTdReportLen));
    if (!td.ok()) {
      const Status& s = td.status();
      return s.WithOffset(f::kHeaderLen + s.offset().value_or(0));
    }
    h.td_report = std::move(td).value();
  }
  return h;
}

bool LooksLikeHclReport(Bytes data) {
  return data.size() >= f::kRuntimeOffset + f::kRuntimeHeaderLen && data[0] == 'H' &&
         data[1] == 'C' && data[2] == 'L' && data[3] == 'A';
}

}  // namespace ccv::parsers
