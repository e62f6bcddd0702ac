// RegisterId: one measurement register, TDX MRTD and RTMR0..3 or a TPM's
// PCR0..23, and its name as reports, manifests and policies spell it
// ("mrtd", "rtmr2", "pcr10"). The one mapping from the TDX CC MR index of
// event logs to a register lives here.
//
// A register read from evidence (an IMA entry's PCR field, a CEL record's
// index) may name one that does not exist, such as pcr40: such a RegisterId
// can be built and named, but Parse accepts only registers that exist.
//
// Thread safety: a value type; the functions are pure.
#ifndef CCV_PARSERS_CORE_REGISTER_ID_H_
#define CCV_PARSERS_CORE_REGISTER_ID_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/result.h"

namespace ccv {

// TDX RTMR0..3 (TDX Module ABI, TDREPORT's RTMR[4]).
inline constexpr uint32_t kNumRtmrs = 4;
// TPM PCR0..23 (TCG PC Client Platform TPM Profile, 24 PCRs).
inline constexpr uint32_t kNumPcrs = 24;

struct RegisterId {
  // In name order: kMrtd ("mrtd") < kPcr ("pcr") < kRtmr ("rtmr").
  enum class Kind : uint8_t { kMrtd, kPcr, kRtmr };

  Kind kind = Kind::kPcr;
  uint32_t index = 0;  // 0 for kMrtd

  static constexpr RegisterId Mrtd() { return {Kind::kMrtd, 0}; }
  static constexpr RegisterId Pcr(uint32_t index) { return {Kind::kPcr, index}; }
  static constexpr RegisterId Rtmr(uint32_t index) { return {Kind::kRtmr, index}; }

  // The register a TDX CC MR index names (the MrIndex of CC event log
  // records, the CCMR index of CEL): 0 = MRTD, 1..4 = RTMR0..3 (UEFI 2.10
  // section 38, EFI_CC_MEASUREMENT_PROTOCOL; edk2 CcMeasurement.h
  // TDX_MR_INDEX_*). nullopt beyond 4.
  static std::optional<RegisterId> FromCcMrIndex(uint32_t mr_index);
  // The inverse: nullopt for a PCR or an RTMR beyond 3.
  std::optional<uint32_t> CcMrIndex() const;

  // Parses a name as Name() writes it: "mrtd", "rtmr0".."rtmr3",
  // "pcr0".."pcr23"; lower case, decimal index without leading zeros.
  // Errors: kBadValue naming the registers that exist.
  static Result<RegisterId> Parse(std::string_view name);

  // True for MRTD, RTMR0..3 and PCR0..23.
  bool Exists() const;
  // "mrtd", "rtmr<index>", "pcr<index>".
  std::string Name() const;

  // By kind (in the order above), then by index: pcr2 < pcr10 < rtmr0.
  friend constexpr auto operator<=>(const RegisterId&, const RegisterId&) = default;
};

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_REGISTER_ID_H_
