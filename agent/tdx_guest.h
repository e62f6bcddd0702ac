// TDREPORT through the Linux TDX guest driver (/dev/tdx_guest, ioctl
// TDX_CMD_GET_REPORT0 of include/uapi/linux/tdx-guest.h): the TD's own
// 1024-byte TDREPORT_STRUCT for 64 bytes of REPORTDATA, MAC'ed by the CPU,
// not signed. The agent uses it where no quote service answers.
//
// Fake trees (tests): when `allow_fake_file` is set and the device path is a
// regular file, its content is returned as the TDREPORT the device would give.
// Thread safety: stateless.
#ifndef CCV_AGENT_TDX_GUEST_H_
#define CCV_AGENT_TDX_GUEST_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::agent {

inline constexpr size_t kTdReportDataLen = 64;
inline constexpr size_t kTdReportLen = 1024;

// `device` is relative to `root` (guest_paths.h); no link below the root is
// followed, and the device must be a character device (or, with
// `allow_fake_file`, a regular file).
// Errors: kNotFound (no such device), kIo (the ioctl or read failed, or a
// link or wrong file type, field internal::kFileTypeField), kBadLength (a
// fake file that is not 1024 bytes).
Result<std::vector<uint8_t>> GetTdReport(const std::string& root, std::string_view device,
                                         const std::array<uint8_t, kTdReportDataLen>& report_data,
                                         bool allow_fake_file);

}  // namespace ccv::agent

#endif  // CCV_AGENT_TDX_GUEST_H_
