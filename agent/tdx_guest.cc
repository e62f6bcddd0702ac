#include "agent/tdx_guest.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

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

Result<std::vector<uint8_t>> GetTdReport(const std::string& root, std::string_view device,
                                         const std::array<uint8_t, kTdReportDataLen>& report_data,
                                         bool allow_fake_file) {
  std::string path = root + (root.ends_with('/') ? "" : "/") + std::string(device);
  size_t slash = device.rfind('/');
  std::string dir(slash == std::string_view::npos ? "" : device.substr(0, slash));
  std::string name(slash == std::string_view::npos ? device : device.substr(slash + 1));
  Result<int> dir_fd = internal::OpenDirBeneath(root, dir);
  struct stat st;
  if (!dir_fd.ok() && dir_fd.status().code() != ErrorCode::kNotFound) return dir_fd.status();
  internal::ScopedFd d(dir_fd.ok() ? *dir_fd : -1);
  if (!dir_fd.ok() || ::fstatat(d.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    return Status(ErrorCode::kNotFound,
                  "no TDX guest device (not a TDX guest, or the "
                  "tdx_guest driver is not loaded)")
        .WithFile(path);
  }
  if (allow_fake_file && S_ISREG(st.st_mode)) {
    CCV_ASSIGN_OR_RETURN(
        std::vector<uint8_t> report,
        internal::ReadAt(d.get(), name, internal::FileKind::kRegular, kTdReportLen + 1, path));
    if (report.size() != kTdReportLen) {
      return Status(ErrorCode::kBadLength,
                    "TDREPORT is " + std::to_string(report.size()) + " bytes, expected 1024")
          .WithFile(path);
    }
    return report;
  }
  if (!S_ISCHR(st.st_mode)) {
    return Status(ErrorCode::kIo,
                  "refusing a file that is not a character device (links are "
                  "not followed)")
        .WithFile(path)
        .WithField(internal::kFileTypeField);
  }
  int fd = ::openat(d.get(), name.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return internal::ErrnoStatus(ErrorCode::kIo, "cannot open", path);
  const std::string& device_path = path;
  if (::fstat(fd, &st) != 0 || !S_ISCHR(st.st_mode)) {
    ::close(fd);
    return Status(ErrorCode::kIo, "not a character device")
        .WithFile(device_path)
        .WithField(internal::kFileTypeField);
  }
  TdxReportReq req;
  std::memcpy(req.reportdata, report_data.data(), kTdReportDataLen);
  std::memset(req.tdreport, 0, kTdReportLen);
  int rc;
  do {
    rc = ::ioctl(fd, kTdxCmdGetReport0, &req);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    Status s = internal::ErrnoStatus(ErrorCode::kIo, "TDX_CMD_GET_REPORT0 failed", device_path);
    ::close(fd);
    return s;
  }
  ::close(fd);
  return std::vector<uint8_t>(req.tdreport, req.tdreport + kTdReportLen);
}

}  // namespace ccv::agent
