// Keys that verify IMA signatures (`ccverify replay --ima-keys`): X.509
// certificates or bare public keys, PEM (several per file) or DER, each with
// the 4-byte key id an IMA signature names (the last 4 bytes of the
// certificate's SubjectKeyIdentifier, as the kernel's asymmetric key id;
// without one, of SHA-1 over the subjectPublicKey bits, as evmctl computes
// it and as RFC 5280 method 1 makes the SKID), and the check of a signature
// over a digest the caller computed (the kernel's asymmetric_verify: RSA
// PKCS#1 v1.5 over the DigestInfo of that digest, ECDSA DER (r, s)).
// Thread safety: keys are immutable once loaded.
#ifndef CCV_VERIFIER_CRYPTO_IMA_KEYS_H_
#define CCV_VERIFIER_CRYPTO_IMA_KEYS_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "verifier/crypto/ecdsa.h"

namespace ccv::crypto {

struct ImaKey {
  std::shared_ptr<const PublicKey> key;
  uint32_t keyid = 0;
  std::string source;   // file (and index) it came from
  std::string subject;  // certificate subject, "" for a bare key
  std::string kind;     // DescribeKey(): "rsa-2048", "ec-p256", ...
  // How a PKCS#7 SignerInfo names the key (appended signatures,
  // crypto/ima_modsig.h): the certificate's SubjectKeyIdentifier (SHA-1 of
  // the key bits without one, or for a bare key), and a certificate's issuer
  // and serial number (internal/issuer_serial.h form; "" for a bare key).
  std::vector<uint8_t> skid;
  std::string issuer_serial;
};

// Keys of one file's bytes: PEM certificates and PUBLIC KEY blocks (any
// number, in order), or one DER certificate or SubjectPublicKeyInfo.
// Errors: kBadValue naming `source` when nothing in it is a key.
Result<std::vector<ImaKey>> LoadImaKeys(std::span<const uint8_t> data, const std::string& source);
// Every regular file of a directory (sorted by name), or one file.
Result<std::vector<ImaKey>> LoadImaKeysFromPath(const std::string& path);

// The key id of a DER certificate as above. Errors: kBadValue.
Result<uint32_t> CertificateKeyId(std::span<const uint8_t> der);

// True if `sig` is `key`'s signature over `digest` (of algorithm `alg`).
bool VerifyDigestSignature(const PublicKey& key, HashAlg alg, std::span<const uint8_t> digest,
                           std::span<const uint8_t> sig);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_IMA_KEYS_H_
