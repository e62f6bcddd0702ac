#include "verifier/replay/digest_check.h"

#include <algorithm>

#include "parsers/event_types.h"
#include "verifier/replay/internal/event_conventions.h"

namespace ccv::replay {
namespace {

// A logged digest of a bank we can hash.
struct BankDigest {
  HashAlg alg;
  Bytes want;
};

EventDataCheck Check(BankHashers& hashers, uint32_t type, Bytes data,
                     std::span<const BankDigest> banks, bool want_text) {
  EventDataCheck out;
  if (type == parsers::kEvNoAction || banks.empty()) return out;
  internal::Candidates cands;
  internal::ListCandidates(type, data, &cands);
  for (size_t i = 0; i < cands.num; ++i) {
    const internal::Candidate& c = cands.list[i];
    bool all = true;
    for (const BankDigest& bank : banks) {
      crypto::Hasher& h = hashers.For(bank.alg);
      Digest d = c.b.empty() ? h.Hash(bank.alg, c.a) : h.Hash2(bank.alg, c.a, c.b);
      if (bank.want.size() != d.len ||
          !std::equal(bank.want.begin(), bank.want.end(), d.bytes.begin())) {
        all = false;
        break;
      }
    }
    if (!all) continue;
    out.status = DigestCheck::kVerified;
    out.convention = c.convention;
    out.covered_offset = c.covered_offset;
    out.covered_len = c.covered_len;
    if (want_text) out.verified_text = internal::VerifiedText(c.convention, type, data);
    return out;
  }
  if (cands.num != 0 && cands.required) out.status = DigestCheck::kMismatched;
  return out;
}

}  // namespace

std::string_view DigestCheckName(DigestCheck check) {
  switch (check) {
    case DigestCheck::kNotCheckable:
      return "not_checkable";
    case DigestCheck::kVerified:
      return "verified";
    case DigestCheck::kMismatched:
      return "mismatched";
  }
  return "unknown";
}

std::string_view DigestConventionName(DigestConvention c) {
  switch (c) {
    case DigestConvention::kNone:
      return "";
    case DigestConvention::kPfp:
      return "pfp";
    case DigestConvention::kVariableDataOnly:
      return "variable_data_only";
    case DigestConvention::kShimExtraByte:
      return "shim_extra_byte";
    case DigestConvention::kGrubString:
      return "grub_string";
    case DigestConvention::kGrubStringNul:
      return "grub_string_nul";
    case DigestConvention::kSystemdUtf16:
      return "systemd_utf16";
    case DigestConvention::kSystemdUtf16NoNul:
      return "systemd_utf16_no_nul";
    case DigestConvention::kSystemdUtf16ShortNul:
      return "systemd_utf16_short_nul";
    case DigestConvention::kSystemdSectionName:
      return "systemd_section_name";
    case DigestConvention::kTdShimConfigInfo:
      return "td_shim_config_info";
    case DigestConvention::kEventData:
      return "event_data";
  }
  return "";
}

EventDataCheck CheckEventData(BankHashers& hashers, uint32_t type, Bytes data,
                              std::span<const Digest> digests, bool want_text) {
  std::array<BankDigest, kAllHashAlgs.size() * 2> banks;
  size_t n = 0;
  for (const Digest& d : digests) {
    if (!crypto::HashAlgAvailable(d.alg) || n == banks.size()) continue;
    banks[n++] = {d.alg, d.span()};
  }
  return Check(hashers, type, data, std::span<const BankDigest>(banks.data(), n), want_text);
}

EventDataCheck CheckEventData(BankHashers& hashers, const parsers::TcgEvent& e, bool want_text) {
  std::array<BankDigest, parsers::tcg_format::kMaxAlgorithms> banks;
  size_t n = 0;
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e.digests[i].algorithm_id);
    if (!alg || !crypto::HashAlgAvailable(*alg)) continue;
    banks[n++] = {*alg, e.digests[i].digest};
  }
  return Check(hashers, e.untrusted_type, e.data, std::span<const BankDigest>(banks.data(), n),
               want_text);
}

DigestCheck CheckEventDigest(BankHashers& hashers, const parsers::TcgEvent& e) {
  return CheckEventData(hashers, e, /*want_text=*/false).status;
}

std::optional<PrimaryDigestMessage> PrimaryMessage(uint32_t type, Bytes data) {
  if (type == parsers::kEvNoAction) return std::nullopt;
  internal::Candidates cands;
  internal::ListCandidates(type, data, &cands);
  if (cands.num == 0) return std::nullopt;
  PrimaryDigestMessage m;
  m.message = cands.list[0].a;
  m.convention = cands.list[0].convention;
  m.required = cands.required;
  m.alternatives = cands.num > 1;
  return m;
}

std::optional<Bytes> DigestedBytes(uint32_t type, Bytes data, bool* out_malformed) {
  *out_malformed = false;
  std::optional<PrimaryDigestMessage> m = PrimaryMessage(type, data);
  if (!m) return std::nullopt;
  return m->message;
}

}  // namespace ccv::replay
