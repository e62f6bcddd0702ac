// A boot through shim and GRUB (Debian's signed shim 16 and GRUB 2.06, from an
// EFI system partition, on OVMF), predicted from the artifacts:
// - PCR 4: the Authenticode digests of shim (the firmware loads it), GRUB
//   (shim loads it) and the kernel (GRUB starts it through shim; GRUB 2.06 with
//   shim 16 logs it twice, shim's loader and the firmware's).
// - PCR 8: GRUB's command strings. A command is measured as its words joined by
//   one space, digest over that text, event data "grub_cmd: " + text with its
//   NUL; `linux` adds "kernel_cmdline: " + the kernel path and arguments.
//   Predicted for the lines of the given grub.cfg that GRUB runs verbatim (no
//   variables, quotes, blocks or escapes); the commands of GRUB's embedded
//   configuration name the disk and prefix GRUB finds at boot and are not
//   predicted, so neither is the register.
// - PCR 9: the files GRUB reads: grub.cfg, the kernel and the initrd, digest
//   over the file. The register is predicted when every line of grub.cfg is a
//   command that reads no other file (set, linux, initrd, boot, echo).
// - PCR 7: the Secure Boot variables from a variable store, as for a direct
//   boot, then the authority events: the db entry that verified shim, shim's
//   SbatLevel and the entry that verified GRUB and the kernel; PCR 14: shim's
//   MOK lists (secure_boot_authority.h says when they are predicted). Both
//   registers are predicted when every event is.
//
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_GRUB_BOOT_H_
#define CCV_VERIFIER_PREDICT_GRUB_BOOT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/uefi_varstore.h"
#include "verifier/predict/direct_boot.h"

namespace ccv::predict {

struct GrubBootInputs {
  Bytes shim;                   // REQUIRED: PE/COFF
  Bytes grub;                   // REQUIRED: PE/COFF
  Bytes kernel;                 // REQUIRED: PE/COFF (the file `linux` loads)
  std::optional<Bytes> initrd;  // the file `initrd` loads
  std::string_view grub_cfg;    // REQUIRED: the grub.cfg GRUB sources
  // The device GRUB finds the EFI system partition as, "(hd0)" or
  // "(hd0,gpt1)": with it, the commands of Debian's embedded configuration.
  std::optional<std::string> grub_root;
  const parsers::VariableStore* firmware_vars = nullptr;  // may be null
  std::vector<HashAlg> banks = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384};
};

// Errors: the PE errors of shim, GRUB or the kernel (field and offset; the
// caller names the file); kInvalidArgument when grub.cfg has an `initrd`
// line but no initrd was given, or no `linux` line.
Result<BootPrediction> PredictGrubBoot(const GrubBootInputs& in);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_GRUB_BOOT_H_
