// Where a TDX guest exposes its evidence, and the `--root` prefix that lets
// the agent run against a fake guest tree (tests, offline dry runs).
//
// Every path the agent opens is Root() + one of the relative paths below, so a
// directory laid out like a guest's /sys and /dev stands in for a real guest.
// Thread safety: a value type.
#ifndef CCV_AGENT_GUEST_PATHS_H_
#define CCV_AGENT_GUEST_PATHS_H_

#include <string>
#include <string_view>

namespace ccv::agent {

// Relative to the root. ACPI CCEL table and its log area (Linux 6.x exposes
// the log area as a binary table under tables/data/).
inline constexpr std::string_view kCcelTablePath = "sys/firmware/acpi/tables/CCEL";
inline constexpr std::string_view kCcelDataPath = "sys/firmware/acpi/tables/data/CCEL";
// IMA measurement lists: securityfs integrity/ima (Linux >= 6.9) with the
// older ima/ directory as a fallback.
inline constexpr std::string_view kImaDir = "sys/kernel/security/integrity/ima";
inline constexpr std::string_view kImaLegacyDir = "sys/kernel/security/ima";
inline constexpr std::string_view kImaAsciiName = "ascii_runtime_measurements";
inline constexpr std::string_view kImaBinaryName = "binary_runtime_measurements";
// TPM event log (a vTPM next to TDX, or a TPM host).
inline constexpr std::string_view kTpmLogPath = "sys/kernel/security/tpm0/binary_bios_measurements";
// configfs-tsm report directory (Documentation/ABI/testing/configfs-tsm).
inline constexpr std::string_view kTsmReportDir = "sys/kernel/config/tsm/report";
// TDX guest driver: TDX_CMD_GET_REPORT0 ioctl (linux/tdx-guest.h).
inline constexpr std::string_view kTdxGuestDevice = "dev/tdx_guest";
// The TPM's resource-managed device (TPM 2.0, Linux >= 4.12).
inline constexpr std::string_view kTpmDevice = "dev/tpmrm0";
// TSM measurement registers (Linux tsm-mr, "rtmr0:sha384" ... raw bytes).
inline constexpr std::string_view kTdxMeasurementsDir = "sys/class/misc/tdx_guest/measurements";

class GuestPaths {
 public:
  // `root` "/" (or empty) is the live guest; anything else is a fake tree.
  explicit GuestPaths(const std::string& root = "/");

  // Root() joined with `relative` (which has no leading '/').
  std::string Resolve(std::string_view relative) const;
  const std::string& root() const { return root_; }
  // True when running against a fake tree rather than the live guest.
  bool is_fake() const { return fake_; }

 private:
  std::string root_;
  bool fake_ = false;
};

}  // namespace ccv::agent

#endif  // CCV_AGENT_GUEST_PATHS_H_
