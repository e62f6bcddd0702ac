// The `sig` field of IMA templates (ima-sig, ima-sigv2, ima-modsig): an IMA
// digital signature as the security.ima xattr holds it (linux
// security/integrity/integrity.h, struct signature_v2_hdr):
//   u8 type      3 = EVM_IMA_XATTR_DIGSIG (v2), 6 = IMA_VERITY_DIGSIG (sigv3)
//   u8 version   2, or 3 for the sigv3 form
//   u8 hash_algo kernel enum hash_algo (include/uapi/linux/hash_info.h)
//   u32 keyid    big endian: the last 4 bytes of the signing key's SKID
//   u16 sig_size big endian, then sig_size bytes of signature
// Version 2 signs the file digest itself; version 3 signs
// H(ima_file_id) = H(u8 type || u8 hash_algo || file digest) with the same
// algorithm (ima_appraise.c calc_file_id_hash). RSA signatures are PKCS#1
// v1.5 over that digest, ECDSA ones DER (r, s) (asymmetric_verify).
//
// Thread safety: pure functions; ImaSignature owns its bytes.
#ifndef CCV_PARSERS_IMA_SIG_H_
#define CCV_PARSERS_IMA_SIG_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::ima {

inline constexpr uint8_t kXattrDigsig = 3;        // EVM_IMA_XATTR_DIGSIG
inline constexpr uint8_t kXattrVerityDigsig = 6;  // IMA_VERITY_DIGSIG
inline constexpr size_t kSigHeaderLen = 9;        // type, version, algo, keyid, size

struct ImaSignature {
  uint8_t type = 0;
  uint8_t version = 0;
  uint8_t hash_algo = 0;  // kernel enum hash_algo
  uint32_t keyid = 0;
  std::vector<uint8_t> signature;
};

// The kernel's enum hash_algo: 2 sha1, 4 sha256, 5 sha384, 6 sha512,
// 7 sha224 (not a bank), 17 sm3; nullopt for the others (md5, rmd, wp, tgr,
// streebog...), which no IMA key verifies here.
std::optional<HashAlg> HashAlgFromKernelId(uint8_t id);
// The inverse for the banks above.
std::optional<uint8_t> KernelIdOfHashAlg(HashAlg alg);

// Decodes a `sig` field. An empty field is nullopt (no signature). Errors,
// with `base_offset` + the offset in the field: kTruncated (shorter than
// the header), kBadValue (type not 3 or 6, version not 2 or 3, type and
// version that do not go together), kBadLength (sig_size is not the number
// of bytes that follow, or zero).
Result<std::optional<ImaSignature>> ParseImaSignature(Bytes field, uint64_t base_offset = 0);

// The digest an IMA signature signs over `file_digest` of algorithm `alg`:
// the file digest itself (v2), or the ima_file_id message (v3) to be hashed
// by the caller with `alg`.
std::vector<uint8_t> SignedMessageV3(uint8_t type, uint8_t hash_algo, Bytes file_digest);

}  // namespace ccv::ima

#endif  // CCV_PARSERS_IMA_SIG_H_
