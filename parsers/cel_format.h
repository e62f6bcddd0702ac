// TCG Canonical Event Log (CEL) v1.0 constants: TLV encoding (type u8,
// length u32 big-endian, value) and the record/content type numbers, plus the
// CC measurement-register extension of google/go-eventlog (type 108).
#ifndef CCV_PARSERS_CEL_FORMAT_H_
#define CCV_PARSERS_CEL_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ccv::cel {

inline constexpr size_t kTlvTypeLen = 1;
inline constexpr size_t kTlvLengthLen = 4;
inline constexpr size_t kTlvHeaderLen = kTlvTypeLen + kTlvLengthLen;
static_assert(kTlvHeaderLen == 5, "CEL TLV header is u8 type + u32 length");

// Record field types (CEL spec, "CEL Record" TLV types).
inline constexpr uint8_t kTypeRecnum = 0;
inline constexpr uint8_t kTypePcr = 1;
inline constexpr uint8_t kTypeNvIndex = 2;
inline constexpr uint8_t kTypeDigests = 3;
// Content types.
inline constexpr uint8_t kContentCelMgt = 4;
inline constexpr uint8_t kContentPcClientStd = 5;
inline constexpr uint8_t kContentImaTemplate = 7;
inline constexpr uint8_t kContentImaTlv = 8;
// google/go-eventlog CC measurement register (not in the TCG spec): value is
// the CC MR index, 1..4 = RTMR0..3.
inline constexpr uint8_t kTypeCcmr = 108;

// Nested types of PCCLIENT_STD and IMA_TEMPLATE content.
inline constexpr uint8_t kPcClientEventType = 0;
inline constexpr uint8_t kPcClientEventData = 1;
inline constexpr uint8_t kImaTemplateName = 0;
inline constexpr uint8_t kImaTemplateData = 1;

// Our limits.
inline constexpr size_t kMaxRecords = size_t{1} << 24;
inline constexpr size_t kMaxDigestsPerRecord = 16;
inline constexpr size_t kMaxValueLen = size_t{64} << 20;

}  // namespace ccv::cel

#endif  // CCV_PARSERS_CEL_FORMAT_H_
