#include "verifier/replay/digest_check.h"

#include <algorithm>

#include "parsers/core/hash_alg.h"
#include "parsers/event_types.h"
#include "parsers/core/byte_reader.h"

namespace ccv::replay {

std::string_view DigestCheckName(DigestCheck check) {
  switch (check) {
    case DigestCheck::kNotCheckable: return "not_checkable";
    case DigestCheck::kVerified: return "verified";
    case DigestCheck::kMismatched: return "mismatched";
  }
  return "unknown";
}

std::optional<Bytes> DigestedBytes(uint32_t type, Bytes data, bool* out_malformed) {
  *out_malformed = false;
  switch (type) {
    case parsers::kEvSeparator:
    case parsers::kEvEfiAction:
    case parsers::kEvEfiGptEvent:
    case parsers::kEvEfiGptEvent2:
    case parsers::kEvEfiVariableDriverConfig:
    case parsers::kEvEfiVariableAuthority:
    case parsers::kEvEfiVariableBoot2:
      return data;
    case parsers::kEvEfiVariableBoot: {
      // UEFI_VARIABLE_DATA (PFP 10.4.2): GUID, u64 name length (CHAR16s),
      // u64 data length, name, data. Only the data span is needed here.
      constexpr size_t kFixed = 16 + 8 + 8;
      if (data.size() < kFixed) {
        *out_malformed = true;
        return std::nullopt;
      }
      uint64_t name_len = LoadU64Le(data.data() + 16);
      uint64_t data_len = LoadU64Le(data.data() + 24);
      size_t rest = data.size() - kFixed;
      if (name_len > rest / 2 || data_len > rest - name_len * 2) {
        *out_malformed = true;
        return std::nullopt;
      }
      return data.subspan(kFixed + size_t(name_len) * 2, size_t(data_len));
    }
    default:
      return std::nullopt;
  }
}

DigestCheck CheckEventDigest(BankHashers& hashers, const parsers::TcgEvent& e) {
  if (e.untrusted_type == parsers::kEvNoAction) return DigestCheck::kNotCheckable;
  bool malformed = false;
  std::optional<Bytes> msg = DigestedBytes(e.untrusted_type, e.data, &malformed);
  if (malformed) return DigestCheck::kMismatched;
  if (!msg) return DigestCheck::kNotCheckable;
  bool any = false;
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    std::optional<HashAlg> alg = HashAlgFromTpmAlgId(e.digests[i].algorithm_id);
    if (!alg || !crypto::HashAlgAvailable(*alg)) continue;
    Digest d = hashers.For(*alg).Hash(*alg, *msg);
    Bytes want = e.digests[i].digest;
    if (want.size() != d.len || !std::equal(want.begin(), want.end(), d.bytes.begin())) {
      return DigestCheck::kMismatched;
    }
    any = true;
  }
  return any ? DigestCheck::kVerified : DigestCheck::kNotCheckable;
}

}  // namespace ccv::replay
