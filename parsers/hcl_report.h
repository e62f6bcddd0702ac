// The Azure confidential VM's HCL report (the paravisor's attestation report,
// read from vTPM NV index 0x01400001): a 32-byte header ("HCLA"), the
// hardware report (on TDX a 1024-byte TDREPORT_STRUCT in a 1184-byte area),
// the IGVM request-data header and the runtime data: JSON holding the vTPM's
// attestation key (JWK "HCLAkPub") and the VM configuration. REPORTDATA of
// the hardware report binds the runtime data (its SHA-256 in bytes 0..31).
//
// Parsing does not mean trusting: the TD quote that carries the same
// REPORTDATA makes it authentic. Thread-safe: pure functions.
#ifndef CCV_PARSERS_HCL_REPORT_H_
#define CCV_PARSERS_HCL_REPORT_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/td_report.h"

namespace ccv::parsers {

namespace hcl_format {
inline constexpr uint32_t kMagic = 0x414c4348;  // "HCLA", little-endian
inline constexpr size_t kHeaderLen = 32;
inline constexpr size_t kHwReportLen = 1184;
inline constexpr size_t kTdReportLen = 1024;
inline constexpr size_t kRuntimeOffset = kHeaderLen + kHwReportLen;  // 0x4c0
inline constexpr size_t kRuntimeHeaderLen = 20;
inline constexpr uint32_t kReportTypeSnp = 2;
inline constexpr uint32_t kReportTypeTdx = 4;
inline constexpr uint32_t kHashSha256 = 1;
inline constexpr uint32_t kHashSha384 = 2;
inline constexpr uint32_t kHashSha512 = 3;
inline constexpr size_t kMaxRuntimeData = 64 * 1024;
}  // namespace hcl_format

struct HclReport {
  uint32_t version = 0;
  uint32_t report_size = 0;
  uint32_t request_type = 0;
  uint32_t status = 0;
  std::vector<uint8_t> hw_report;     // the 1184-byte area
  std::optional<TdReport> td_report;  // report_type kReportTypeTdx
  // IGVM_REQUEST_DATA
  uint32_t data_size = 0;
  uint32_t data_version = 0;
  uint32_t report_type = 0;           // kReportTypeSnp, kReportTypeTdx
  uint32_t hash_type = 0;             // kHashSha256 ...
  std::vector<uint8_t> runtime_data;  // variable data: the runtime JSON
  uint64_t runtime_data_offset = 0;
};

// Errors: kBadMagic (offset 0), kTruncated naming the field that does not
// fit, kLimitExceeded (runtime data above 64 KiB), the TDREPORT parser's
// (offset 32) for a TDX report.
Result<HclReport> ParseHclReport(Bytes data);

// For format detection: starts with "HCLA" and holds the header and the
// hardware report.
bool LooksLikeHclReport(Bytes data);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_HCL_REPORT_H_
