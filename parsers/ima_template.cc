#include "parsers/ima_template.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/ima_format.h"

namespace ccv::ima {
namespace {

using F = FieldId;
using Fmt = FieldFormat;

// ima_template.c supported_fields[] (and the cc-api patches' dep, cg-path).
constexpr std::array<FieldInfo, 19> kFields = {{
    {F::kD, "d", Fmt::kDigest, 0},
    {F::kN, "n", Fmt::kString, 0},
    {F::kDNg, "d-ng", Fmt::kDigestWithAlgo, 0},
    {F::kDNgV2, "d-ngv2", Fmt::kDigestWithTypeAndAlgo, 0},
    {F::kNNg, "n-ng", Fmt::kString, 0},
    {F::kSig, "sig", Fmt::kHex, 0},
    {F::kBuf, "buf", Fmt::kHex, 0},
    {F::kDModsig, "d-modsig", Fmt::kDigestWithAlgo, 0},
    {F::kModsig, "modsig", Fmt::kHex, 0},
    {F::kEvmsig, "evmsig", Fmt::kHex, 0},
    {F::kIuid, "iuid", Fmt::kUint, 4},
    {F::kIgid, "igid", Fmt::kUint, 4},
    {F::kImode, "imode", Fmt::kUint, 2},
    {F::kXattrNames, "xattrnames", Fmt::kString, 0},
    {F::kXattrLengths, "xattrlengths", Fmt::kHex, 0},
    {F::kXattrValues, "xattrvalues", Fmt::kHex, 0},
    {F::kDep, "dep", Fmt::kString, 0},
    {F::kCgPath, "cg-path", Fmt::kString, 0},
    {F::kUnknown, "unknown", Fmt::kHex, 0},
}};

constexpr FieldId kIma[] = {F::kD, F::kN};
constexpr FieldId kImaNg[] = {F::kDNg, F::kNNg};
constexpr FieldId kImaNgV2[] = {F::kDNgV2, F::kNNg};
constexpr FieldId kImaSig[] = {F::kDNg, F::kNNg, F::kSig};
constexpr FieldId kImaSigV2[] = {F::kDNgV2, F::kNNg, F::kSig};
constexpr FieldId kImaBuf[] = {F::kDNg, F::kNNg, F::kBuf};
constexpr FieldId kImaModsig[] = {F::kDNg, F::kNNg, F::kSig, F::kDModsig, F::kModsig};
constexpr FieldId kEvmSig[] = {F::kDNg,        F::kNNg,          F::kEvmsig,
                               F::kXattrNames, F::kXattrLengths, F::kXattrValues,
                               F::kIuid,       F::kIgid,         F::kImode};
constexpr FieldId kImaCgpath[] = {F::kDep, F::kCgPath, F::kDNg, F::kNNg};

// ima_template.c supported_templates[], plus ima-cgpath (cc-api P0009).
const std::array<TemplateDesc, 9> kTemplates = {{
    {"ima", kIma},
    {"ima-ng", kImaNg},
    {"ima-ngv2", kImaNgV2},
    {"ima-sig", kImaSig},
    {"ima-sigv2", kImaSigV2},
    {"ima-buf", kImaBuf},
    {"ima-modsig", kImaModsig},
    {"evm-sig", kEvmSig},
    {"ima-cgpath", kImaCgpath},
}};

struct KernelAlg {
  std::string_view name;
  size_t len;
};
// crypto/hash_info.c hash_algo_name[] / hash_digest_size[].
constexpr KernelAlg kKernelAlgs[] = {
    {"md4", 16},
    {"md5", 16},
    {"sha1", 20},
    {"rmd160", 20},
    {"sha256", 32},
    {"sha384", 48},
    {"sha512", 64},
    {"sha224", 28},
    {"rmd128", 16},
    {"rmd256", 32},
    {"rmd320", 40},
    {"wp256", 32},
    {"wp384", 48},
    {"wp512", 64},
    {"tgr128", 16},
    {"tgr160", 20},
    {"tgr192", 24},
    {"sm3", 32},
    {"streebog256", 32},
    {"streebog512", 64},
    {"sha3-256", 32},
    {"sha3-384", 48},
    {"sha3-512", 64},
    // SM3 as older kernels (4.x: "sm3-256") and TPM tools ("sm3_256") name it.
    {"sm3-256", 32},
    {"sm3_256", 32},
};

// A digest algorithm name as a kernel could print one: 1..32 characters of
// [a-z0-9_-]. Anything else is not a name but a corrupt field.
bool PlausibleAlgName(std::string_view name) {
  if (name.empty() || name.size() > 32) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

Status FieldError(ErrorCode code, const DecodedField& f, uint64_t at, std::string message) {
  return ParseError(code, at, GetFieldInfo(f.id).name, std::move(message));
}

// Decodes "<alg>:" NUL digest (or "<type>:<alg>:" NUL digest).
Status DecodeDigestWithAlgo(DecodedField* f, bool with_type, bool allow_empty) {
  std::string_view s = AsChars(f->raw);
  if (s.empty()) {
    if (allow_empty) return Status::Ok();
    return FieldError(ErrorCode::kBadLength, *f, f->offset, "empty digest field");
  }
  size_t nul = s.find('\0');
  if (nul == std::string_view::npos || nul == 0 || s[nul - 1] != ':') {
    return FieldError(ErrorCode::kBadValue, *f, f->offset,
                      "expected '<algorithm>:' and NUL before the digest");
  }
  std::string_view prefix = s.substr(0, nul - 1);  // without the final ':'
  if (with_type) {
    size_t colon = prefix.find(':');
    if (colon == std::string_view::npos) {
      return FieldError(ErrorCode::kBadValue, *f, f->offset,
                        "expected '<type>:<algorithm>:' before the digest");
    }
    f->digest_type = prefix.substr(0, colon);
    prefix = prefix.substr(colon + 1);
    if (f->digest_type != "ima" && f->digest_type != "verity") {
      return FieldError(ErrorCode::kBadValue, *f, f->offset,
                        "unknown digest type '" + std::string(f->digest_type) + "'");
    }
  }
  f->algo = prefix;
  size_t want = KernelHashAlgDigestLen(prefix);
  f->digest = f->raw.subspan(nul + 1);
  if (want == 0) {
    // An algorithm this table does not know: keep the digest raw.
    if (!PlausibleAlgName(prefix)) {
      return FieldError(ErrorCode::kBadValue, *f, f->offset,
                        "expected a hash algorithm name before ':'");
    }
    if (f->digest.empty() || f->digest.size() > kMaxDigestLen) {
      return FieldError(ErrorCode::kBadLength, *f, f->offset + nul + 1,
                        std::string(prefix) + " digest of " + std::to_string(f->digest.size()) +
                            " bytes, expected 1 to " + std::to_string(kMaxDigestLen));
    }
    f->algo_known = false;
    return Status::Ok();
  }
  if (f->digest.size() != want) {
    return FieldError(ErrorCode::kBadLength, *f, f->offset + nul + 1,
                      std::string(prefix) + " digest of " + std::to_string(f->digest.size()) +
                          " bytes, expected " + std::to_string(want));
  }
  return Status::Ok();
}

Status DecodeField(DecodedField* f, Endian endian) {
  const FieldInfo& info = GetFieldInfo(f->id);
  switch (info.format) {
    case Fmt::kDigest:
      f->algo = "sha1";
      f->digest = f->raw;
      if (f->raw.size() != kLegacyDigestLen) {
        return FieldError(ErrorCode::kBadLength, *f, f->offset, "legacy digest is not 20 bytes");
      }
      return Status::Ok();
    case Fmt::kDigestWithAlgo:
      return DecodeDigestWithAlgo(f, false, f->id == F::kDModsig);
    case Fmt::kDigestWithTypeAndAlgo:
      return DecodeDigestWithAlgo(f, true, false);
    case Fmt::kString: {
      if (f->raw.empty()) return Status::Ok();
      std::string_view s = AsChars(f->raw);
      if (s.back() != '\0') {
        return FieldError(ErrorCode::kBadValue, *f, f->offset + s.size() - 1,
                          "string field not NUL-terminated");
      }
      s.remove_suffix(1);
      if (s.find('\0') != std::string_view::npos) {
        return FieldError(ErrorCode::kBadValue, *f, f->offset + s.find('\0'),
                          "NUL inside string field");
      }
      f->text = s;
      return Status::Ok();
    }
    case Fmt::kHex:
      return Status::Ok();
    case Fmt::kUint: {
      size_t n = f->raw.size();
      const uint8_t* p = f->raw.data();
      if (n == 0) return Status::Ok();
      if (n != 1 && n != 2 && n != 4 && n != 8) {
        return FieldError(ErrorCode::kBadLength, *f, f->offset,
                          "integer field of " + std::to_string(n) + " bytes");
      }
      uint64_t v = 0;
      for (size_t i = 0; i < n; ++i) {
        size_t k = endian == Endian::kLittle ? n - 1 - i : i;
        v = (v << 8) | p[k];
      }
      f->uint_value = v;
      return Status::Ok();
    }
  }
  return Status::Ok();
}

void AppendBytes(std::span<const uint8_t> b, std::vector<uint8_t>* out) {
  out->insert(out->end(), b.begin(), b.end());
}

// Appends the hex `token` decoded; false on bad hex.
bool AppendHexToken(std::string_view token, std::vector<uint8_t>* out) {
  if (token.size() % 2 != 0) return false;
  size_t at = out->size();
  out->resize(at + token.size() / 2);
  if (!DecodeHexInto(token, std::span<uint8_t>(out->data() + at, token.size() / 2))) {
    out->resize(at);
    return false;
  }
  return true;
}

}  // namespace

const FieldInfo& GetFieldInfo(FieldId id) { return kFields[static_cast<size_t>(id)]; }

const TemplateDesc* FindTemplate(std::string_view name) {
  for (const TemplateDesc& t : kTemplates) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

std::span<const TemplateDesc> KnownTemplates() { return kTemplates; }

namespace {

// A name of at most 8 characters as one integer (byte i in bits 8i..8i+7,
// zero beyond its end): every entry of a list names its digest algorithm,
// and comparing integers costs less than a string compare per table row.
constexpr uint64_t PackShortName(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < s.size(); ++i) v |= uint64_t(uint8_t(s[i])) << (8 * i);
  return v;
}

// The table's rows in the order they are tried: the names lists use most
// first (a list names one algorithm on every entry), then the rest.
constexpr std::array<uint8_t, std::size(kKernelAlgs)> MakeScanOrder() {
  std::array<uint8_t, std::size(kKernelAlgs)> order{};
  size_t k = 0;
  for (std::string_view common : {"sha256", "sha1", "sha384", "sha512"}) {
    for (size_t i = 0; i < std::size(kKernelAlgs); ++i) {
      if (kKernelAlgs[i].name == common) order[k++] = uint8_t(i);
    }
  }
  for (size_t i = 0; i < std::size(kKernelAlgs); ++i) {
    bool listed = false;
    for (size_t j = 0; j < k; ++j) listed = listed || order[j] == i;
    if (!listed) order[k++] = uint8_t(i);
  }
  return order;
}

struct PackedAlgs {
  std::array<uint64_t, std::size(kKernelAlgs)> key{};
  std::array<uint8_t, std::size(kKernelAlgs)> size{};
  std::array<uint8_t, std::size(kKernelAlgs)> len{};  // digest length
};

constexpr PackedAlgs MakePackedAlgs() {
  PackedAlgs t;
  const std::array<uint8_t, std::size(kKernelAlgs)> order = MakeScanOrder();
  for (size_t k = 0; k < order.size(); ++k) {
    const KernelAlg& a = kKernelAlgs[order[k]];
    t.key[k] = a.name.size() <= 8 ? PackShortName(a.name) : 0;
    t.size[k] = uint8_t(a.name.size());
    t.len[k] = uint8_t(a.len);
  }
  return t;
}
constexpr PackedAlgs kPackedAlgs = MakePackedAlgs();

}  // namespace

size_t KernelHashAlgDigestLen(std::string_view name) {
  if (name.empty() || name.size() > 8) {
    for (const KernelAlg& a : kKernelAlgs) {
      if (a.name == name) return a.len;
    }
    return 0;
  }
  const uint64_t key = PackShortName(name);
  for (size_t i = 0; i < kPackedAlgs.key.size(); ++i) {
    if (kPackedAlgs.key[i] == key && kPackedAlgs.size[i] == name.size()) return kPackedAlgs.len[i];
  }
  return 0;
}

void AppendU32(uint32_t v, Endian endian, std::vector<uint8_t>* out) {
  uint8_t b[4];
  StoreU32(b, v, endian);
  out->insert(out->end(), b, b + 4);
}

Status WalkFields(Bytes template_data, uint64_t base_offset, Endian endian, size_t expected_count,
                  std::vector<DecodedField>* out) {
  out->clear();
  ByteReader r(template_data, base_offset);
  while (!r.Empty()) {
    if (out->size() >= kMaxTemplateFields) {
      return r.Error(ErrorCode::kLimitExceeded, "template_data",
                     "more than " + std::to_string(kMaxTemplateFields) + " fields");
    }
    const uint64_t len_at = r.Offset();
    CCV_ASSIGN_OR_RETURN(uint32_t len, ReadU32(&r, endian, "field_len"));
    if (len > r.Remaining()) {
      return ParseError(ErrorCode::kTruncated, len_at, "field_len",
                        "field of " + std::to_string(len) + " bytes, " +
                            std::to_string(r.Remaining()) + " left in template data");
    }
    DecodedField f;
    f.offset = r.Offset();
    CCV_ASSIGN_OR_RETURN(f.raw, r.ReadBytes(len, "field"));
    out->push_back(f);
  }
  if (expected_count != 0 && out->size() != expected_count) {
    return ParseError(
        ErrorCode::kBadLength, r.Offset(), "template_data",
        std::to_string(out->size()) + " fields, template has " + std::to_string(expected_count));
  }
  return Status::Ok();
}

Result<std::vector<DecodedField>> DecodeTemplateData(std::string_view template_name,
                                                     Bytes template_data, uint64_t base_offset,
                                                     Endian endian) {
  std::vector<DecodedField> fields;
  CCV_RETURN_IF_ERROR(
      DecodeTemplateDataInto(template_name, template_data, base_offset, endian, &fields));
  return fields;
}

Status DecodeTemplateDataInto(std::string_view template_name, Bytes template_data,
                              uint64_t base_offset, Endian endian, std::vector<DecodedField>* out) {
  return DecodeTemplateDataInto(FindTemplate(template_name), template_data, base_offset, endian,
                                out);
}

Status DecodeTemplateDataInto(const TemplateDesc* desc, Bytes template_data, uint64_t base_offset,
                              Endian endian, std::vector<DecodedField>* out) {
  std::vector<DecodedField>& fields = *out;
  fields.clear();
  if (desc != nullptr && desc->legacy_ima()) {
    if (template_data.size() != kLegacyHashInputLen) {
      return ParseError(ErrorCode::kBadLength, base_offset, "template_data",
                        "legacy ima template data of " + std::to_string(template_data.size()) +
                            " bytes, expected 276");
    }
    DecodedField d;
    d.id = F::kD;
    d.raw = template_data.first(kLegacyDigestLen);
    d.offset = base_offset;
    d.algo = "sha1";
    d.digest = d.raw;
    DecodedField nf;
    nf.id = F::kN;
    nf.raw = template_data.subspan(kLegacyDigestLen);
    nf.offset = base_offset + kLegacyDigestLen;
    std::string_view s = AsChars(nf.raw);
    nf.text = s.substr(0, s.find('\0'));
    fields.push_back(d);
    fields.push_back(nf);
    return Status::Ok();
  }
  CCV_RETURN_IF_ERROR(WalkFields(template_data, base_offset, endian,
                                 desc != nullptr ? desc->fields.size() : 0, &fields));
  if (desc == nullptr) return Status::Ok();
  for (size_t i = 0; i < fields.size(); ++i) {
    fields[i].id = desc->fields[i];
    CCV_RETURN_IF_ERROR(DecodeField(&fields[i], endian));
  }
  return Status::Ok();
}

bool RebuiltDataDecodes(const TemplateDesc& desc, std::span<const std::string_view> tokens) {
  if (desc.legacy_ima()) return true;  // the rebuild makes exactly 20 + 256 bytes
  if (tokens.size() != desc.fields.size()) return false;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view t = tokens[i];
    switch (GetFieldInfo(desc.fields[i]).format) {
      case Fmt::kDigestWithAlgo:  // algorithm known, digest of its length
      case Fmt::kHex:
        break;
      case Fmt::kDigestWithTypeAndAlgo: {
        std::string_view type = t.substr(0, t.find(':'));
        if (type != "ima" && type != "verity") return false;
        break;
      }
      case Fmt::kString:
        if (std::memchr(t.data(), '\0', t.size()) != nullptr) return false;
        break;
      case Fmt::kDigest:
        if (t.size() != 2 * kLegacyDigestLen) return false;
        break;
      case Fmt::kUint:
        return false;
    }
  }
  return true;
}

bool TemplateDataDecodes(const TemplateDesc& desc, Bytes template_data, Endian endian) {
  if (desc.legacy_ima()) return false;
  const uint8_t* p = template_data.data();
  size_t left = template_data.size();
  for (FieldId id : desc.fields) {
    // WalkFields: a length and that many bytes.
    if (left < 4) return false;
    const uint32_t len = LoadU32(p, endian);
    if (len > left - 4) return false;
    std::string_view s(reinterpret_cast<const char*>(p + 4), len);
    p += 4 + size_t{len};
    left -= 4 + size_t{len};
    // DecodeField, for the forms that need no table beyond the algorithms.
    switch (GetFieldInfo(id).format) {
      case Fmt::kDigest:
        if (len != kLegacyDigestLen) return false;
        break;
      case Fmt::kDigestWithAlgo: {
        if (len == 0) {
          if (id != F::kDModsig) return false;
          break;
        }
        // The NUL after "<alg>:", a few characters in.
        size_t at = 0;
        while (at < s.size() && s[at] != '\0') ++at;
        if (at == s.size() || at == 0 || s[at - 1] != ':') return false;
        const size_t want = KernelHashAlgDigestLen(s.substr(0, at - 1));
        if (want == 0 || len - at - 1 != want) return false;
        break;
      }
      case Fmt::kString:
        if (len > 0 && (s.back() != '\0' || ContainsEither(s.substr(0, len - 1), '\0', '\0'))) {
          return false;
        }
        break;
      case Fmt::kHex:
        break;
      case Fmt::kDigestWithTypeAndAlgo:
      case Fmt::kUint:
        return false;
    }
  }
  return left == 0;
}

void ShortText::Set(std::string_view t) {
  text_.assign(t);
  bits_ = 0;
  mask_ = 0;
  if (t.size() > 8) return;
  std::memcpy(&bits_, t.data(), t.size());
  mask_ = t.size() == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * t.size())) - 1;
}

bool NgDataCheck::Decodes(Bytes template_data, Endian endian) {
  const uint8_t* p = template_data.data();
  const size_t n = template_data.size();
  // Two lengths, the d-ng field between them.
  if (n < 8) return false;
  const uint32_t d_len = LoadU32(p, endian);
  if (d_len > n - 8) return false;
  const char* d = reinterpret_cast<const char*>(p + 4);
  if (prefix_.size() == 0 || d_len != prefix_.size() + digest_len_ || !prefix_.At(d, d_len)) {
    // Another prefix: the whole check, then remember this one (the first NUL
    // ends it; the digest is the rest of the field).
    static const TemplateDesc* const ng = FindTemplate("ima-ng");
    if (!TemplateDataDecodes(*ng, template_data, endian)) return false;
    const size_t at = std::string_view(d, d_len).find('\0');
    prefix_.Set(std::string_view(d, at + 1));
    digest_len_ = d_len - at - 1;
    return true;
  }
  // n-ng: the rest of the data, NUL-terminated, without a NUL before.
  const size_t at = 4 + size_t{d_len};
  const uint32_t n_len = LoadU32(p + at, endian);
  if (n_len != n - at - 4) return false;
  if (n_len == 0) return true;
  const std::string_view name(reinterpret_cast<const char*>(p + at + 4), n_len);
  return name.back() == '\0' && !ContainsEither(name.substr(0, n_len - 1), '\0', '\0');
}

Status RebuildTemplateData(const TemplateDesc& desc, std::span<const std::string_view> tokens,
                           Endian endian, std::vector<uint8_t>* out, size_t* bad_token) {
  *bad_token = 0;
  if (tokens.size() != desc.fields.size()) {
    *bad_token = tokens.size() < desc.fields.size() ? tokens.size() : desc.fields.size();
    return Status(ErrorCode::kBadLength, std::to_string(tokens.size()) + " fields, template " +
                                             std::string(desc.name) + " has " +
                                             std::to_string(desc.fields.size()));
  }
  if (desc.legacy_ima()) {
    std::string_view name = tokens[1];
    if (tokens[0].size() != 2 * kLegacyDigestLen || !AppendHexToken(tokens[0], out)) {
      return Status(ErrorCode::kBadValue, "legacy digest is not 40 hex digits");
    }
    if (name.size() > kLegacyNameMaxLen) {
      *bad_token = 1;
      return Status(ErrorCode::kBadLength, "legacy ima name longer than 255 bytes");
    }
    AppendBytes(AsBytes(name), out);
    out->resize(out->size() + kLegacyNameFieldLen - name.size(), 0);
    return Status::Ok();
  }
  for (size_t i = 0; i < tokens.size(); ++i) {
    *bad_token = i;
    std::string_view t = tokens[i];
    const FieldInfo& info = GetFieldInfo(desc.fields[i]);
    size_t len_at = out->size();
    AppendU32(0, endian, out);
    switch (info.format) {
      case Fmt::kDigest:
        if (!AppendHexToken(t, out)) return Status(ErrorCode::kBadValue, "digest is not hex");
        break;
      case Fmt::kDigestWithAlgo:
      case Fmt::kDigestWithTypeAndAlgo: {
        if (t.empty() && info.id == F::kDModsig) break;
        // The last ':' (as rfind), found with memrchr: the byte loop of
        // rfind over the hex digits was the rebuild's largest cost.
        const void* last = t.empty() ? nullptr : ::memrchr(t.data(), ':', t.size());
        size_t colon = last == nullptr ? std::string_view::npos
                                       : size_t(static_cast<const char*>(last) - t.data());
        if (colon == std::string_view::npos) {
          return Status(ErrorCode::kBadValue, "expected '<algorithm>:<hex digest>'");
        }
        std::string_view prefix = t.substr(0, colon);
        std::string_view alg = prefix;
        if (info.format == Fmt::kDigestWithTypeAndAlgo) {
          size_t c2 = prefix.find(':');
          if (c2 == std::string_view::npos) {
            return Status(ErrorCode::kBadValue, "expected '<type>:<algorithm>:<hex digest>'");
          }
          alg = prefix.substr(c2 + 1);
        }
        size_t want = KernelHashAlgDigestLen(alg);
        std::string_view hex = t.substr(colon + 1);
        if (want == 0) {
          // An algorithm the kernel tables do not list: any digest length.
          if (!PlausibleAlgName(alg)) {
            return Status(ErrorCode::kBadValue, "expected a hash algorithm name before ':'");
          }
          if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * kMaxDigestLen) {
            return Status(ErrorCode::kBadLength, std::string(alg) + " digest of " +
                                                     std::to_string(hex.size()) +
                                                     " hex digits, expected an even count up to " +
                                                     std::to_string(2 * kMaxDigestLen));
          }
          want = hex.size() / 2;
        }
        if (hex.size() != 2 * want) {
          return Status(ErrorCode::kBadLength,
                        std::string(alg) + " digest of " + std::to_string(hex.size()) +
                            " hex digits, expected " + std::to_string(2 * want));
        }
        AppendBytes(AsBytes(t.substr(0, colon + 1)), out);
        out->push_back(0);
        if (!AppendHexToken(hex, out)) return Status(ErrorCode::kBadValue, "digest is not hex");
        break;
      }
      case Fmt::kString:
        if (t.empty() && info.id == F::kXattrNames) break;
        AppendBytes(AsBytes(t), out);
        out->push_back(0);
        break;
      case Fmt::kHex:
        if (!AppendHexToken(t, out)) return Status(ErrorCode::kBadValue, "field is not hex");
        break;
      case Fmt::kUint: {
        if (t.empty()) break;
        uint64_t v = 0;
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        if (ec != std::errc() || p != t.data() + t.size() ||
            (info.uint_len < 8 && v >> (8 * info.uint_len) != 0)) {
          return Status(ErrorCode::kBadValue,
                        "not a " + std::to_string(8 * info.uint_len) + "-bit decimal integer");
        }
        for (size_t k = 0; k < info.uint_len; ++k) {
          size_t shift = endian == Endian::kLittle ? k : info.uint_len - 1 - k;
          out->push_back(uint8_t(v >> (8 * shift)));
        }
        break;
      }
    }
    StoreU32(out->data() + len_at, uint32_t(out->size() - len_at - 4), endian);
  }
  return Status::Ok();
}

}  // namespace ccv::ima
