// IMA template descriptors and template fields: which fields each template the
// kernel ships has, how a field is encoded in the template data, and decoding
// of field values (digest with algorithm, path, signature, buffer, cgroup
// path, ...). References: linux security/integrity/ima/ima_template.c
// (supported_templates[], supported_fields[]), ima_template_lib.c (field
// init/show), and the cc-api kernel patch adding ima-cgpath (dep|cg-path|d-ng|n-ng).
//
// Template data of every template but the legacy "ima" one is, for each
// field in order, u32 length (kernel byte order) || field bytes. For "ima" the
// hashed template data is the 20-byte digest || the path NUL-padded to 256
// bytes (no lengths).
//
// Thread safety: the tables are constants; functions are pure.
#ifndef CCV_PARSERS_IMA_TEMPLATE_H_
#define CCV_PARSERS_IMA_TEMPLATE_H_

#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/internal/unaligned.h"
#include "parsers/core/result.h"

namespace ccv::ima {

enum class Endian : uint8_t { kLittle, kBig };

enum class FieldId : uint8_t {
  kD,
  kN,
  kDNg,
  kDNgV2,
  kNNg,
  kSig,
  kBuf,
  kDModsig,
  kModsig,
  kEvmsig,
  kIuid,
  kIgid,
  kImode,
  kXattrNames,
  kXattrLengths,
  kXattrValues,
  kDep,
  kCgPath,
  kUnknown,
};

// How a field's bytes are encoded and printed in the ascii list.
enum class FieldFormat : uint8_t {
  kDigest,                 // raw digest bytes, printed as hex ("d")
  kDigestWithAlgo,         // "<alg>:" NUL digest, printed "<alg>:<hex>"
  kDigestWithTypeAndAlgo,  // "<type>:<alg>:" NUL digest, printed "<type>:<alg>:<hex>"
  kString,                 // bytes + NUL (spaces as '_'), printed up to the NUL
  kHex,                    // opaque bytes printed as hex
  kUint,                   // 1/2/4/8-byte integer printed in decimal
};

struct FieldInfo {
  FieldId id;
  std::string_view name;  // kernel field id, e.g. "d-ng"
  FieldFormat format;
  uint8_t uint_len;  // kUint: width the kernel writes (uid_t 4, umode_t 2)
};

struct TemplateDesc {
  std::string_view name;  // e.g. "ima-ng"
  std::span<const FieldId> fields;
  bool legacy_ima() const { return name == "ima"; }
};

const FieldInfo& GetFieldInfo(FieldId id);
// The kernel's template of that name (and "ima-cgpath"), or nullptr.
const TemplateDesc* FindTemplate(std::string_view name);
// Every known template, in the kernel's order.
std::span<const TemplateDesc> KnownTemplates();

// Digest size of a kernel hash algorithm name as d-ng prints it
// (crypto/hash_info.c hash_algo_name[]), or 0 if the name is unknown.
size_t KernelHashAlgDigestLen(std::string_view name);

// One decoded field. Views alias the template data passed to the decoder.
struct DecodedField {
  FieldId id = FieldId::kUnknown;
  Bytes raw;                     // field bytes as in the template data
  uint64_t offset = 0;           // absolute offset of `raw`
  std::string_view digest_type;  // d-ngv2: "ima" or "verity"
  std::string_view algo;         // digest fields: "sha256", ...; "d": "sha1"
  // False when `algo` is a name no kernel table lists: the digest is kept
  // raw (its length unchecked, 1..kMaxDigestLen bytes) and cannot match a
  // reference value; the template hash over the field is still checked.
  bool algo_known = true;
  Bytes digest;             // digest fields
  std::string_view text;    // string fields, without the NUL
  uint64_t uint_value = 0;  // kUint fields with a value
};

// Walks the length-prefixed fields of non-legacy template data. Checks each
// length against the bytes left and, when expected_count > 0, the number of
// fields. Errors: kTruncated (a length or field runs past the end, offset of
// that length), kBadLength (field count differs, offset of the end),
// kLimitExceeded (more than kMaxTemplateFields).
Status WalkFields(Bytes template_data, uint64_t base_offset, Endian endian, size_t expected_count,
                  std::vector<DecodedField>* out);

// Splits and decodes every field of one entry's template data. For a known
// template the field count and each field's encoding are checked (digest
// algorithm known and digest length right, strings NUL-terminated, ...); an
// unknown template yields kUnknown fields with `raw` only. `template_data` is
// the hashed form (for "ima": 276 bytes). Errors carry absolute offsets
// (base_offset + position) and the field name.
Result<std::vector<DecodedField>> DecodeTemplateData(std::string_view template_name,
                                                     Bytes template_data, uint64_t base_offset,
                                                     Endian endian);

// As DecodeTemplateData, reusing *out (no allocation once it has capacity).
Status DecodeTemplateDataInto(std::string_view template_name, Bytes template_data,
                              uint64_t base_offset, Endian endian, std::vector<DecodedField>* out);
// The same for a template already looked up: FindTemplate(template_name),
// nullptr for an unknown one (as ima::Entry::desc holds).
Status DecodeTemplateDataInto(const TemplateDesc* desc, Bytes template_data, uint64_t base_offset,
                              Endian endian, std::vector<DecodedField>* out);

// Rebuilds the template data of a known template from the ascii fields
// (tokens in order), appending it to *out. The legacy "ima" form is 276 bytes.
// On error, *bad_token is the index of the offending token; the Status has no
// location (the caller adds line and column).
Status RebuildTemplateData(const TemplateDesc& desc, std::span<const std::string_view> tokens,
                           Endian endian, std::vector<uint8_t>* out, size_t* bad_token);

// True if DecodeTemplateDataInto is sure to accept the data that
// RebuildTemplateData has just built (successfully) from `tokens` for `desc`:
// a sufficient test, much cheaper than the decode. The rebuild already checks
// digest algorithms and lengths; this adds what only the decode checks (no
// NUL inside a string, a known d-ngv2 type, a 20-byte legacy digest). False
// means "decode to find out", not "invalid".
bool RebuiltDataDecodes(const TemplateDesc& desc, std::span<const std::string_view> tokens);

// True if DecodeTemplateDataInto is sure to accept `template_data` (not the
// legacy "ima" form) for `desc`: the same checks, without building the
// fields, for the binary reader's entries that are well-formed, as nearly all
// are. False means "decode to find out" (and report), not "invalid".
bool TemplateDataDecodes(const TemplateDesc& desc, Bytes template_data, Endian endian);

// Short text the readers expect at a place in an entry (a template name, a
// digest algorithm prefix), compared as one masked 64-bit word where it is
// at most 8 bytes long and 8 bytes are readable.
class ShortText {
 public:
  void Set(std::string_view t);
  const std::string& text() const { return text_; }
  size_t size() const { return text_.size(); }
  // Whether `p`, with `avail` bytes readable, starts with text().
  bool At(const char* p, size_t avail) const {
    if (avail < text_.size()) return false;
    if (text_.size() <= 8 && avail >= 8) {
      uint64_t x;
      std::memcpy(&x, p, 8);  // bytes in memory order, as bits_ holds them
      return ((x ^ bits_) & mask_) == 0;
    }
    return std::string_view(p, text_.size()) == text_;
  }

 private:
  std::string text_;
  uint64_t bits_ = 0, mask_ = 0;  // text_ in memory order, and its bytes
};

// TemplateDataDecodes for ima-ng data (fields d-ng, n-ng), the same answer
// for every input, remembering the last entry's "<alg>:" NUL prefix so that
// an entry repeating it takes one compare instead of the d-ng walk and a
// table search.
// Thread safety: not thread-safe (the remembered prefix).
class NgDataCheck {
 public:
  bool Decodes(Bytes template_data, Endian endian);

 private:
  ShortText prefix_;  // empty: none remembered
  size_t digest_len_ = 0;
};

// u32 in `endian` byte order. AppendU32 and StoreU32 build template data
// (StoreU32: REQUIRES 4 bytes at `p`); ReadU32 reads one through `r` with
// its checks.
void AppendU32(uint32_t v, Endian endian, std::vector<uint8_t>* out);
inline void StoreU32(uint8_t* p, uint32_t v, Endian endian) {
  if (endian == Endian::kLittle) {
    internal::StoreU32Le(p, v);
  } else {
    internal::StoreU32Be(p, v);
  }
}
// u32 at `p` in `endian` byte order. REQUIRES: 4 bytes at `p`.
inline uint32_t LoadU32(const uint8_t* p, Endian endian) {
  return endian == Endian::kLittle ? internal::LoadU32Le(p) : internal::LoadU32Be(p);
}
inline Result<uint32_t> ReadU32(ByteReader* r, Endian endian, std::string_view field) {
  return endian == Endian::kLittle ? r->ReadU32Le(field) : r->ReadU32Be(field);
}

}  // namespace ccv::ima

#endif  // CCV_PARSERS_IMA_TEMPLATE_H_
