#include "agent/tdx_guest.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "agent/internal/fs_util.h"
#include "parsers/core/file_io.h"

namespace ccv::agent {
namespace {

// include/uapi/linux/tdx-guest.h (Linux >= 6.2).
struct TdxReportReq {
  uint8_t reportdata[kTdReportDataLen];
  uint8_t tdreport[kTdReportLen];
};
static_assert(sizeof(TdxReportReq) == kTdReportDataLen + kTdReportLen);
constexpr unsigned long kTdxCmdGetReport0 = _IOWR('T', 1, TdxReportReq);

}  // namespace

Result<std::vector<uint8_t>> GetTdReport(
    const std::string& device, const std::array<uint8_t, kTdReportDataLen>& report_data,
    bool allow_fake_file) {
  struct stat st;
  if (::stat(device.c_str(), &st) != 0) {
    return Status(ErrorCode::kNotFound, "no TDX guest device (not a TDX guest, or the "
                                        "tdx_guest driver is not loaded)")
        .WithFile(device);
  }
  if (allow_fake_file && S_ISREG(st.st_mode)) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> report, ReadFileBytes(device, kTdReportLen + 1));
    if (report.size() != kTdReportLen) {
      return Status(ErrorCode::kBadLength, "TDREPORT is " + std::to_string(report.size()) +
                                               " bytes, expected 1024")
          .WithFile(device);
    }
    return report;
  }
  int fd = ::open(device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return internal::ErrnoStatus(ErrorCode::kIo, "cannot open", device);
  TdxReportReq req;
  std::memcpy(req.reportdata, report_data.data(), kTdReportDataLen);
  std::memset(req.tdreport, 0, kTdReportLen);
  int rc;
  do {
    rc = ::ioctl(fd, kTdxCmdGetReport0, &req);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    Status s = internal::ErrnoStatus(ErrorCode::kIo, "TDX_CMD_GET_REPORT0 failed", device);
    ::close(fd);
    return s;
  }
  ::close(fd);
  return std::vector<uint8_t>(req.tdreport, req.tdreport + kTdReportLen);
}

}  // namespace ccv::agent
