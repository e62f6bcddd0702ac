// The appended signature of a file (the `modsig` field of the ima-modsig
// template): a DER PKCS#7 / CMS SignedData with detached content, as
// scripts/sign-file appends to kernel modules and as IMA reads it
// (security/integrity/ima/ima_modsig.c). The d-modsig field is the digest of
// the file without the appended signature, by the SignerInfo's digest
// algorithm. Without signed attributes the signature is over that digest
// (sign-file's default); with them, their messageDigest must equal it and
// the signature is over the DER of the attributes as a SET (RFC 5652 5.4).
// The signer is named by SubjectKeyIdentifier or by issuer and serial
// number; keys are matched against crypto::ImaKey's skid / issuer_serial.
//
// Thread safety: pure functions; Modsig owns its bytes.
#ifndef CCV_VERIFIER_CRYPTO_IMA_MODSIG_H_
#define CCV_VERIFIER_CRYPTO_IMA_MODSIG_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "verifier/crypto/ima_keys.h"

namespace ccv::crypto {

struct Modsig {
  std::optional<HashAlg> digest_alg;  // nullopt: outside our banks (then name holds it)
  std::string digest_alg_name;
  std::vector<uint8_t> skid;            // the SignerInfo's subjectKeyIdentifier, or empty
  std::string issuer_serial;            // or its issuer and serial (ImaKey::issuer_serial form)
  std::vector<uint8_t> signed_attrs;    // DER SET of the signed attributes, empty if none
  std::vector<uint8_t> message_digest;  // their messageDigest
  std::vector<uint8_t> signature;
  // The 4-byte key id as IMA names keys: the last 4 bytes of the SKID
  // (0 when the signer is named by issuer and serial).
  uint32_t KeyId() const;
  // True if `k` is the key the SignerInfo names.
  bool Names(const ImaKey& k) const;
};

// Decodes a modsig field. Errors: kBadValue (not DER CMS SignedData, content
// not detached, not exactly one SignerInfo, signed attributes without a
// messageDigest).
Result<Modsig> ParseModsig(std::span<const uint8_t> der);

// True if `key` signed a file whose digest (without the signature) is
// `content_digest`; `why` says why not.
bool VerifyModsig(const Modsig& m, const PublicKey& key, std::span<const uint8_t> content_digest,
                  std::string* why);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_IMA_MODSIG_H_
