// A unified kernel image (UKI) booted by UEFI (or systemd-boot through it)
// on OVMF, predicted from the image:
// - PCR 11: for each section the stub measures, present in the image, in its
//   fixed order, two EV_IPL events: the section name with its NUL, then the
//   section's contents (VirtualSize bytes, as the stub reads them from the
//   loaded image); the event data is the name in UTF-16 with its NUL. Which
//   sections depends on the stub's version, read from its .sdmagic section
//   ("#### LoaderInfo: systemd-stub 252.39-1~deb12u2 ####"): up to 252,
//   .linux .osrel .cmdline .initrd .splash .dtb .pcrpkey; from 253 on, .uname
//   and .sbat too (after .dtb); .pcrsig is never measured. An image without a
//   readable version gets the newer list, and the summary says so. The PCR 11
//   value is what `systemd-measure calculate` computes before its first boot
//   phase. A CC measurement register maps PCR 11 to RTMR2.
// - PCR 4: the UKI's Authenticode digest when the firmware loads it; then,
//   for systemd-stub 252 and later, the Authenticode digest of the .linux
//   section, which the stub starts with LoadImage (the firmware measures it).
//   The event data (load address, device path) is not predicted.
// - PCR 9: the Linux EFI stub's events (see direct_boot.h): the load options
//   systemd-stub hands the kernel (the .cmdline section as UTF-16 with the
//   NUL) and the initrd (the .initrd section, through LoadFile2). This
//   assumes the firmware passes the UKI no load options of its own and that
//   no credentials or system extensions lie beside it (the stub would then
//   measure those into PCR 12/13 and hand the kernel a longer initrd).
// - With a variable store: the firmware's PCR 7 events, as for a direct boot,
//   and with Secure Boot on, the db entry that verified the UKI (and the
//   kernel, which LoadImage verifies too: a kernel db does not allow is
//   started through the EFI handover protocol instead, with no PCR 4 event;
//   a UKI db does not allow is refused, kChainInvalid); PCR 7's value when
//   every event is known. The separators and EFI actions either way.
//
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_UKI_H_
#define CCV_VERIFIER_PREDICT_UKI_H_

#include <cstdint>
#include <span>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/pe/pe_image.h"
#include "parsers/uefi_varstore.h"
#include "verifier/predict/direct_boot.h"

namespace ccv::predict {

// The systemd-stub major version named by the image's .sdmagic section
// ("systemd-stub NNN"), 0 when there is none or it does not say.
uint32_t SystemdStubVersion(Bytes uki, const parsers::PeImage& image);

// The UKI sections a systemd-stub of major `version` measures, in its order
// (0: unknown, the newest list).
std::span<const std::string_view> UkiMeasuredSections(uint32_t version);

// The events of a UKI boot and the registers they fix (PCR 9 and 11).
// `firmware_vars` may be null. Errors: the UKI's PE errors (also of its
// .linux section); kNotFound when it has no .linux section (not a UKI).
Result<BootPrediction> PredictUkiBoot(Bytes uki, std::span<const HashAlg> banks,
                                      const parsers::VariableStore* firmware_vars = nullptr);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_UKI_H_
