// TD report structures: the TD quote body (TD report 1.0 / 1.5 as carried in
// DCAP quotes v4 and v5) and the 1024-byte TDREPORT_STRUCT that TDG.MR.REPORT
// returns inside a TD. Field names follow the Intel specs in snake_case.
//
// Parsing does not mean trusting: a TD report is authentic only once the quote
// that carries it has been verified. Structs own copies of every field.
// Thread-safe: pure functions.
#ifndef CCV_PARSERS_TD_REPORT_H_
#define CCV_PARSERS_TD_REPORT_H_

#include <array>
#include <cstdint>
#include <span>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/tdx_quote_format.h"

namespace ccv::parsers {

using Measurement = std::array<uint8_t, quote_format::kMeasurementLen>;

// TDATTRIBUTES (8 bytes, little-endian) as the bit mask that the
// quote_format::kTdAttr* constants test.
uint64_t TdAttributesBits(std::span<const uint8_t, quote_format::kTdAttributesLen> td_attributes);

// TD quote body: TD report 1.0 (584 bytes) or 1.5 (648 bytes).
// Intel TDX DCAP Quoting Library API, A.3.2 (TD Quote Body) and A.4.2.
struct TdReportBody {
  std::array<uint8_t, 16> tee_tcb_svn{};
  Measurement mr_seam{};
  Measurement mr_signer_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  std::array<uint8_t, 8> td_attributes{};
  std::array<uint8_t, 8> xfam{};
  Measurement mr_td{};
  Measurement mr_config_id{};
  Measurement mr_owner{};
  Measurement mr_owner_config{};
  std::array<Measurement, 4> rtmr{};
  std::array<uint8_t, 64> report_data{};
  // TD report 1.5 only.
  bool is_v15 = false;
  std::array<uint8_t, 16> tee_tcb_svn2{};
  Measurement mr_servicetd{};

  uint64_t TdAttributesU64() const { return TdAttributesBits(td_attributes); }
};

// Reads a TD report body of 584 (is_v15 false) or 648 bytes from `r`.
// Errors: kTruncated with the offset of the field that does not fit.
Result<TdReportBody> ReadTdReportBody(ByteReader* r, bool is_v15);

// TDREPORT_STRUCT (TDX Module ABI spec, 1024 bytes).
struct TdReport {
  // REPORTMACSTRUCT
  uint8_t report_type = 0;  // 0x81 = TDX
  uint8_t report_subtype = 0;
  uint8_t report_version = 0;  // 0: TDX 1.0, 1: TDX 1.5 (TEE_TCB_SVN2 valid)
  std::array<uint8_t, 16> cpu_svn{};
  std::array<uint8_t, 48> tee_tcb_info_hash{};
  std::array<uint8_t, 48> tee_info_hash{};
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, 32> mac{};
  // TEE_TCB_INFO
  std::array<uint8_t, 8> tee_tcb_info_valid{};
  std::array<uint8_t, 16> tee_tcb_svn{};
  Measurement mr_seam{};
  Measurement mr_signer_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  std::array<uint8_t, 16> tee_tcb_svn2{};
  // TDINFO_STRUCT
  std::array<uint8_t, 8> td_attributes{};
  std::array<uint8_t, 8> xfam{};
  Measurement mr_td{};
  Measurement mr_config_id{};
  Measurement mr_owner{};
  Measurement mr_owner_config{};
  std::array<Measurement, 4> rtmr{};
  Measurement servtd_hash{};
};

// Parses exactly 1024 bytes. Errors: kBadLength if the size differs,
// kBadMagic if REPORTTYPE.TYPE is not 0x81 (offset 0).
Result<TdReport> ParseTdReport(Bytes data);

// True if `data` looks like a TDREPORT (1024 bytes, TYPE 0x81), for format
// detection.
bool LooksLikeTdReport(Bytes data);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_TD_REPORT_H_
