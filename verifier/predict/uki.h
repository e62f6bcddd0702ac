// The measurements systemd-stub makes of a unified kernel image (UKI): for
// each section it knows, present in the image, in its fixed order (.linux,
// .osrel, .cmdline, .initrd, .splash, .dtb, .uname, .sbat, .pcrpkey; .pcrsig
// is not measured), two EV_IPL events into PCR 11 (a CC measurement
// register maps it to RTMR2): the section name with its NUL, then the
// section's contents (VirtualSize bytes, as the stub reads them from the
// loaded image). Event data is the name as UTF-16 with its NUL. The PCR 11
// value is what `systemd-measure calculate` computes before its first
// boot phase.
//
// PCR 4 gets the UKI's Authenticode digest when the firmware loads it (its
// event data, load address and device path, is not predicted).
//
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_UKI_H_
#define CCV_VERIFIER_PREDICT_UKI_H_

#include <span>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "verifier/predict/direct_boot.h"

namespace ccv::predict {

// The UKI sections systemd-stub measures, in its order.
std::span<const std::string_view> UkiMeasuredSections();

// The PCR 11 events of `uki` and the PCR 11 value (PredictUkiBoot's
// registers[11]). Errors: the UKI's PE errors; kNotFound when it has no
// .linux section (not a UKI).
Result<BootPrediction> PredictUkiBoot(Bytes uki, std::span<const HashAlg> banks);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_UKI_H_
