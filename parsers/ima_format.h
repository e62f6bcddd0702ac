// Sizes and limits of the Linux IMA runtime measurement lists
// (security/integrity/ima/ima.h, ima_fs.c, ima_template.c, ima_template_lib.c).
//
// Binary list entry (ima_fs.c ima_measurements_show), every u32 in the byte
// order of the kernel that wrote it (little-endian on x86; ima_canonical_fmt
// forces little-endian everywhere):
//   u32 pcr | template hash (20 bytes SHA-1, or the list bank's size) |
//   u32 template_name_len | template name |
//   [u32 template_data_len] | template data
// The template_data_len is absent for the legacy "ima" template, whose data is
// the 20-byte digest followed by u32 name_len + name (no NUL).
#ifndef CCV_PARSERS_IMA_FORMAT_H_
#define CCV_PARSERS_IMA_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ccv::ima {

// TCG_EVENT_NAME_LEN_MAX (include/linux/tpm.h / ima.h): template names.
inline constexpr size_t kMaxTemplateNameLen = 255;
// IMA_EVENT_NAME_LEN_MAX: the legacy "ima" template pads the name field to
// IMA_EVENT_NAME_LEN_MAX + 1 bytes for the template hash.
inline constexpr size_t kLegacyNameFieldLen = 256;
inline constexpr size_t kLegacyNameMaxLen = kLegacyNameFieldLen - 1;
// IMA_DIGEST_SIZE (SHA-1): the legacy "d" field.
inline constexpr size_t kLegacyDigestLen = 20;
// Template data hashed for a legacy "ima" entry: digest || padded name.
inline constexpr size_t kLegacyHashInputLen = kLegacyDigestLen + kLegacyNameFieldLen;
static_assert(kLegacyHashInputLen == 276, "legacy ima template data is 20 + 256 bytes");

// Fixed part of a binary entry before the template name (with a SHA-1 hash).
inline constexpr size_t kPcrFieldLen = 4;
inline constexpr size_t kLenFieldLen = 4;
inline constexpr size_t kMinBinaryEntryLen = kPcrFieldLen + 20 + kLenFieldLen + 1 + kLenFieldLen;
static_assert(kMinBinaryEntryLen == 33, "pcr + sha1 + name len + 1-byte name + data len");

// Our limits (the kernel has none that a reader can rely on): one entry's
// template data, and the number of fields of a template.
inline constexpr size_t kMaxTemplateDataLen = size_t{64} << 20;
inline constexpr size_t kMaxTemplateFields = 64;
// IMA_TEMPLATE_NUM_FIELDS_MAX in ima.h (a template descriptor's field count).
inline constexpr size_t kKernelMaxTemplateFields = 15;

// Register index field value of the cc-api TDX kernel (IMA_TDX_RTMR_IDX).
inline constexpr uint32_t kCcApiRtmrIndex = 2;
// CONFIG_IMA_MEASURE_PCR_IDX default.
inline constexpr uint32_t kDefaultImaPcr = 10;

// Streaming reader chunk (PERFORMANCE.md: read() in 1 MiB chunks).
inline constexpr size_t kReadChunkLen = size_t{1} << 20;

}  // namespace ccv::ima

#endif  // CCV_PARSERS_IMA_FORMAT_H_
