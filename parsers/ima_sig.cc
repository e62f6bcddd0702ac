#include "parsers/ima_sig.h"

#include <algorithm>
#include <string>

namespace ccv::ima {

std::optional<HashAlg> HashAlgFromKernelId(uint8_t id) {
  switch (id) {
    case 2:
      return HashAlg::kSha1;
    case 4:
      return HashAlg::kSha256;
    case 5:
      return HashAlg::kSha384;
    case 6:
      return HashAlg::kSha512;
    case 17:
      return HashAlg::kSm3_256;
    default:
      return std::nullopt;
  }
}

std::optional<uint8_t> KernelIdOfHashAlg(HashAlg alg) {
  for (uint8_t id : {2, 4, 5, 6, 17}) {
    if (HashAlgFromKernelId(id) == alg) return id;
  }
  return std::nullopt;
}

Result<std::optional<ImaSignature>> ParseImaSignature(Bytes field, uint64_t base_offset) {
  if (field.empty()) return std::optional<ImaSignature>();
  ByteReader r(field, base_offset);
  ImaSignature s;
  CCV_ASSIGN_OR_RETURN(s.type, r.ReadU8("sig.type"));
  CCV_ASSIGN_OR_RETURN(s.version, r.ReadU8("sig.version"));
  CCV_ASSIGN_OR_RETURN(s.hash_algo, r.ReadU8("sig.hash_algo"));
  CCV_ASSIGN_OR_RETURN(s.keyid, r.ReadU32Be("sig.keyid"));
  CCV_ASSIGN_OR_RETURN(uint16_t size, r.ReadU16Be("sig.sig_size"));
  if (s.type != kXattrDigsig && s.type != kXattrVerityDigsig) {
    return ParseError(ErrorCode::kBadValue, base_offset, "sig.type",
                      "signature type " + std::to_string(s.type) +
                          " (expected 3, EVM_IMA_XATTR_DIGSIG, or 6, IMA_VERITY_DIGSIG)");
  }
  const bool v2 = s.type == kXattrDigsig && s.version == 2;
  const bool v3 = s.version == 3;
  if (!v2 && !v3) {
    return ParseError(ErrorCode::kBadValue, base_offset + 1, "sig.version",
                      "type " + std::to_string(s.type) + " with version " +
                          std::to_string(s.version) + " (expected type 3 version 2, or version 3)");
  }
  if (size == 0 || size != r.Remaining()) {
    return ParseError(ErrorCode::kBadLength, base_offset + 7, "sig.sig_size",
                      "sig_size " + std::to_string(size) + " but " + std::to_string(r.Remaining()) +
                          " signature bytes follow");
  }
  CCV_ASSIGN_OR_RETURN(Bytes sig, r.ReadBytes(size, "sig.signature"));
  s.signature.assign(sig.begin(), sig.end());
  return std::optional<ImaSignature>(std::move(s));
}

std::vector<uint8_t> SignedMessageV3(uint8_t type, uint8_t hash_algo, Bytes file_digest) {
  std::vector<uint8_t> m(2 + file_digest.size());
  m[0] = type;
  m[1] = hash_algo;
  std::copy(file_digest.begin(), file_digest.end(), m.begin() + 2);
  return m;
}

}  // namespace ccv::ima
