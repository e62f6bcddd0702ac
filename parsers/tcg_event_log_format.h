// Fixed layout of TCG PC Client event logs (TCG PC Client Platform Firmware
// Profile Specification rev 1.05: TCG_PCR_EVENT 10.2.1, TCG_PCR_EVENT2
// 10.2.2, TCG_EfiSpecIdEvent 10.4.5.1, StartupLocality 10.4.5.3) and the
// limits this implementation applies to counts read from the input.
#ifndef CCV_PARSERS_TCG_EVENT_LOG_FORMAT_H_
#define CCV_PARSERS_TCG_EVENT_LOG_FORMAT_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parsers/core/register_id.h"

namespace ccv::parsers::tcg_format {

// TCG_PCR_EVENT (SHA1 format): pcrIndex u32, eventType u32, digest[20],
// eventSize u32, event[eventSize].
inline constexpr size_t kPcrIndexLen = 4;
inline constexpr size_t kEventTypeLen = 4;
inline constexpr size_t kSha1DigestLen = 20;
inline constexpr size_t kEventSizeLen = 4;
inline constexpr size_t kPcrEventHeaderLen =
    kPcrIndexLen + kEventTypeLen + kSha1DigestLen + kEventSizeLen;
static_assert(kPcrEventHeaderLen == 32, "TCG_PCR_EVENT header is 32 bytes");

// TCG_PCR_EVENT2: pcrIndex u32, eventType u32, TPML_DIGEST_VALUES
// {count u32, count x {hashAlg u16, digest[size]}}, eventSize u32, event.
inline constexpr size_t kDigestCountLen = 4;
inline constexpr size_t kHashAlgLen = 2;
inline constexpr size_t kPcrEvent2MinLen =
    kPcrIndexLen + kEventTypeLen + kDigestCountLen + kEventSizeLen;
static_assert(kPcrEvent2MinLen == 16, "TCG_PCR_EVENT2 with no digest is 16 bytes");

// TCG_EfiSpecIdEvent: signature[16], platformClass u32, specVersionMinor u8,
// specVersionMajor u8, specErrata u8, uintnSize u8, numberOfAlgorithms u32,
// {algorithmId u16, digestSize u16} x n, vendorInfoSize u8, vendorInfo[n].
inline constexpr size_t kSpecIdSignatureLen = 16;
inline constexpr std::string_view kSpecIdSignature03{"Spec ID Event03\0", 16};
inline constexpr std::string_view kSpecIdSignature02{"Spec ID Event02\0", 16};
inline constexpr size_t kSpecIdFixedLen = kSpecIdSignatureLen + 4 + 1 + 1 + 1 + 1 + 4;
static_assert(kSpecIdFixedLen == 28, "TCG_EfiSpecIdEvent fixed part is 28 bytes");
inline constexpr size_t kSpecIdAlgorithmLen = 4;

// TCG_EfiStartupLocalityEvent: signature[16] "StartupLocality\0", locality u8.
inline constexpr std::string_view kStartupLocalitySignature{"StartupLocality\0", 16};
inline constexpr size_t kStartupLocalityLen = 17;
// SP800-155 Event (10.4.5.2): signature "SP800-155 Event\0"; Event3 variant.
inline constexpr std::string_view kSp800155Signature{"SP800-155 Event\0", 16};
inline constexpr std::string_view kSp800155Event3Signature{"SP800-155 Event3", 16};
// NV index instance data (10.4.5.4, 10.4.5.5).
inline constexpr std::string_view kNvIndexInstanceSignature{"NvIndexInstance\0", 16};
inline constexpr std::string_view kNvIndexDynamicSignature{"NvIndexDynamic\0\0", 16};

// PCR index of records that no PCR receives (Windows writes EV_NO_ACTION
// records there).
inline constexpr uint32_t kVirtualPcrIndex = 0xFFFFFFFF;
inline constexpr uint32_t kMaxPcrIndex = kNumPcrs - 1;

// Limits of ours. A TPM has at most a handful of banks; digests are at most
// 64 bytes for every registered hash, so a declared size above 128 is
// rejected as implausible.
inline constexpr size_t kMaxAlgorithms = 16;
inline constexpr size_t kMaxDigestSize = 128;
// Largest single record a streaming read will buffer.
inline constexpr size_t kMaxStreamedRecordLen = size_t{64} << 20;

}  // namespace ccv::parsers::tcg_format

#endif  // CCV_PARSERS_TCG_EVENT_LOG_FORMAT_H_
