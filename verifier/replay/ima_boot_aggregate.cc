#include "verifier/replay/ima_boot_aggregate.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <vector>

#include "parsers/core/hex.h"
#include "parsers/ima_format.h"

namespace ccv::replay {
namespace {

constexpr std::string_view kBootAggregate = "boot_aggregate";

bool SameBytes(const Digest& d, Bytes b) {
  return std::equal(d.span().begin(), d.span().end(), b.begin(), b.end());
}

}  // namespace

std::string_view CheckStatusName(CheckStatus s) {
  if (s == CheckStatus::kPass) return "match";
  if (s == CheckStatus::kFail) return "mismatch";
  return "not_checked";
}

// Horspool skips up to the needle's length per step, which beats memmem on
// short template data.
bool MayBeBootAggregate(const ima::TemplateDesc* desc, Bytes template_data, ima::Endian endian) {
  if (desc == nullptr) {
    static const std::boyer_moore_horspool_searcher searcher(kBootAggregate.begin(),
                                                             kBootAggregate.end());
    const char* begin = reinterpret_cast<const char*>(template_data.data());
    const char* end = begin + template_data.size();
    return std::search(begin, end, searcher) != end;
  }
  // The name as decoded: up to the first NUL (legacy "ima": after the
  // 20-byte digest), or the whole string field but its final NUL.
  auto is_name = [](const uint8_t* p, size_t len) {
    return len > kBootAggregate.size() && p[kBootAggregate.size()] == 0 &&
           std::memcmp(p, kBootAggregate.data(), kBootAggregate.size()) == 0;
  };
  if (desc->legacy_ima()) {
    return template_data.size() > ima::kLegacyDigestLen &&
           is_name(template_data.data() + ima::kLegacyDigestLen,
                   template_data.size() - ima::kLegacyDigestLen);
  }
  const uint8_t* p = template_data.data();
  size_t left = template_data.size();
  for (ima::FieldId id : desc->fields) {
    if (left < 4) return true;  // malformed: the decode decides
    const uint32_t len = ima::LoadU32(p, endian);
    if (len > left - 4) return true;
    if ((id == ima::FieldId::kNNg || id == ima::FieldId::kN) && len == kBootAggregate.size() + 1 &&
        is_name(p + 4, len)) {
      return true;
    }
    p += 4 + size_t{len};
    left -= 4 + size_t{len};
  }
  return false;
}

std::optional<BootAggregateDigest> FindBootAggregate(std::span<const ima::DecodedField> fields) {
  const ima::DecodedField* digest = nullptr;
  const ima::DecodedField* name = nullptr;
  for (const auto& f : fields) {
    if (f.id == ima::FieldId::kDNg || f.id == ima::FieldId::kD || f.id == ima::FieldId::kDNgV2) {
      if (digest == nullptr) digest = &f;
    }
    if (f.id == ima::FieldId::kNNg || f.id == ima::FieldId::kN) name = &f;
  }
  if (digest == nullptr || name == nullptr || name->text != kBootAggregate) return std::nullopt;
  return BootAggregateDigest{digest->algo, digest->digest};
}

BootAggregateCheck CompareBootAggregate(RegisterId::Kind kind, const RegisterSet* boot_registers,
                                        const BootAggregateDigest& listed, crypto::Hasher* hasher) {
  BootAggregateCheck c;
  c.algo = std::string(listed.algo);
  c.listed = ToHex(listed.digest);
  if (boot_registers == nullptr) {
    c.why = "no boot registers given";
    return c;
  }
  const RegisterSet& br = *boot_registers;
  if (kind == RegisterId::Kind::kRtmr) {
    c.form = "sha384(mrtd||rtmr0||rtmr1||rtmr2)";
    hasher->Init(HashAlg::kSha384);
    for (RegisterId r :
         {RegisterId::Mrtd(), RegisterId::Rtmr(0), RegisterId::Rtmr(1), RegisterId::Rtmr(2)}) {
      std::optional<Digest> v = br.Get(r, HashAlg::kSha384);
      if (!v) {
        c.why = "boot registers lack " + r.Name();
        (void)hasher->Final();
        return c;
      }
      hasher->Update(v->span());
    }
    Digest d = hasher->Final();
    c.expected = ToHex(d.span());
    c.status = SameBytes(d, listed.digest) ? CheckStatus::kPass : CheckStatus::kFail;
    return c;
  }
  std::optional<HashAlg> alg = HashAlgFromName(c.algo);
  bool any = false;
  if (alg) {
    for (uint32_t i = 0; i < 10; ++i) any = any || br.Get(RegisterId::Pcr(i), *alg).has_value();
  }
  if (!alg || !any || !crypto::HashAlgAvailable(*alg)) {
    c.why = "boot registers have no " + c.algo + " bank";
    return c;
  }
  // ima_calc_boot_aggregate: PCR0-7, plus PCR8-9 for non-SHA1 banks (>= 5.8).
  std::vector<uint32_t> forms =
      *alg == HashAlg::kSha1 ? std::vector<uint32_t>{8} : std::vector<uint32_t>{10, 8};
  for (uint32_t n : forms) {
    hasher->Init(*alg);
    for (uint32_t i = 0; i < n; ++i) {
      std::optional<Digest> v = br.Get(RegisterId::Pcr(i), *alg);
      hasher->Update((v ? *v : Digest::Zero(*alg)).span());
    }
    Digest d = hasher->Final();
    std::string form = n == 10 ? "pcr0-9" : "pcr0-7";
    if (c.expected.empty()) {
      c.expected = ToHex(d.span());
      c.form = form;
    }
    if (SameBytes(d, listed.digest)) {
      c.expected = ToHex(d.span());
      c.form = form;
      c.status = CheckStatus::kPass;
      return c;
    }
  }
  c.status = CheckStatus::kFail;
  return c;
}

}  // namespace ccv::replay
