// The measured events of a QEMU direct kernel boot (-kernel, -initrd,
// -append) through OVMF, predicted from the artifacts, register by register
// (TCG PC Client PFP rev 1.05 section 3.3.4; the TDX RTMR mapping is
// PCR 0,1,7 -> RTMR0, 2-6 -> RTMR1, 8-15 -> RTMR2).
//
// What is predicted, and why the rest is not:
// - PCR 9: the Linux EFI stub (Linux 6.1 and later) logs EV_EVENT_TAG events:
//   LOADED_IMAGE::LoadOptions (tag 0x8f3b22ed, digest = H(the UTF-16 load
//   options OVMF hands over, NUL included)) and then, when an initrd is
//   loaded through LINUX_EFI_INITRD_MEDIA_GUID, "Linux initrd" (tag
//   0x8f3b22ec, digest = H(initrd)). Nothing else extends PCR 9 on this
//   path, so its value is predicted.
// - PCR 0-7: the EV_SEPARATOR each gets at ReadyToBoot, EDK2's EV_EFI_ACTION
//   strings (PCR 4 "Calling EFI Application from Boot Option", PCR 5 "Exit
//   Boot Services Invocation" / "...Returned with Success"), and, from a
//   variable store, PCR 7's Secure Boot policy (SecureBoot, PK, KEK, db,
//   dbx as EV_EFI_VARIABLE_DRIVER_CONFIG). Their registers are not
//   predicted: firmware blobs, ACPI tables, the HOB, boot variables and
//   option ROMs also extend them and depend on the firmware build and the
//   machine (marked "cannot predict").
// - PCR 4, the kernel image: OVMF measures the Authenticode hash of the
//   kernel as QEMU passes it through fw_cfg, after QEMU has patched boot
//   protocol fields of its setup header (loader type, command line and
//   initrd addresses), which the hash covers. The file's own Authenticode
//   digest is given for reference, marked "cannot predict".
//
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_DIRECT_BOOT_H_
#define CCV_VERIFIER_PREDICT_DIRECT_BOOT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/uefi_varstore.h"

namespace ccv::predict {

// Where OVMF puts "initrd=initrd" in the kernel's load options when QEMU
// gives an initrd: after the command line (" initrd=initrd", edk2 before
// stable202508) or before it ("initrd=initrd ", edk2 since then).
enum class OvmfInitrdOption { kSuffix, kPrefix };

struct DirectBootInputs {
  Bytes kernel;                        // REQUIRED: a PE/COFF image (EFI stub)
  std::optional<Bytes> initrd;         // -initrd
  std::optional<std::string> cmdline;  // -append (ASCII)
  OvmfInitrdOption initrd_option = OvmfInitrdOption::kSuffix;
  // The firmware's variable store (OVMF_VARS.fd): PCR 7's Secure Boot
  // policy events are predicted from it. Must outlive the call.
  const parsers::VariableStore* firmware_vars = nullptr;
  std::vector<HashAlg> banks = {HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384};
};

struct BootEvent {
  uint32_t pcr = 0;
  uint32_t type = 0;
  std::vector<uint8_t> data;    // the event data as logged
  std::vector<Digest> digests;  // per bank; empty when !predicted
  bool predicted = true;
  std::string description;
  std::string reason;  // why it cannot be predicted
  // For the kernel image: the file's Authenticode digest per bank.
  std::vector<Digest> reference_digests;
};

struct BootPrediction {
  std::string boot;               // "direct"
  std::vector<BootEvent> events;  // in the order the firmware logs them
  // PCRs whose every event is predicted: pcr -> value per bank.
  std::map<uint32_t, std::vector<Digest>> registers;
};

// The load options OVMF passes to the kernel, as UTF-16LE with the NUL.
// Errors: kInvalidArgument for a command line that is not ASCII.
Result<std::vector<uint8_t>> OvmfLoadOptions(const DirectBootInputs& in);

// Errors: kInvalidArgument (cmdline not ASCII), and the kernel's PE errors
// (offset and field; the caller names the file).
Result<BootPrediction> PredictDirectBoot(const DirectBootInputs& in);

// An event whose digests are H(`measured`) in each bank.
BootEvent HashedEvent(std::span<const HashAlg> banks, uint32_t pcr, uint32_t type,
                      std::vector<uint8_t> data, Bytes measured, std::string description);
// An event the artifacts do not determine, with the reason.
BootEvent UnpredictedEvent(uint32_t pcr, uint32_t type, std::string description,
                           std::string reason);

// The building blocks of an OVMF boot path, shared by the boot paths:
// PCR 0 and 1 (not predicted) and PCR 7's Secure Boot policy from
// `firmware_vars` (or one "cannot predict" event without it).
Result<std::vector<BootEvent>> FirmwareConfigEvents(const parsers::VariableStore* firmware_vars,
                                                    std::span<const HashAlg> banks);
// At ReadyToBoot: PCR 4's "Calling EFI Application from Boot Option" and
// the separators of PCR 0-7.
std::vector<BootEvent> ReadyToBootEvents(std::span<const HashAlg> banks);
// The Linux EFI stub's PCR 9 events: its load options (UTF-16 with the NUL,
// none when empty), then the initrd it loads through LoadFile2.
std::vector<BootEvent> LinuxStubEvents(std::span<const HashAlg> banks, Bytes load_options,
                                       std::optional<Bytes> initrd);
// PCR 5: "Exit Boot Services Invocation", "...Returned with Success".
std::vector<BootEvent> ExitBootServicesEvents(std::span<const HashAlg> banks);
// Sets p->registers[pcr] when `pcr` has events and every one is predicted;
// returns whether it did.
bool PredictRegister(BootPrediction* p, uint32_t pcr, std::span<const HashAlg> banks);

// "pcr9" -> "rtmr2"; nullopt for PCRs without an RTMR (16 and above).
std::optional<std::string> RtmrForPcr(uint32_t pcr);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_DIRECT_BOOT_H_
