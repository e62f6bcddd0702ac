// Public keys built from raw parameters (an RSA modulus and exponent, an EC
// point), read from PEM or DER SubjectPublicKeyInfo, and signature checks
// with a chosen hash: RSASSA-PKCS1-v1_5, RSASSA-PSS and ECDSA with r and s
// as big-endian integers (the forms TPM 2.0 signatures carry).
// Thread-safe: keys are immutable once built.
#ifndef CCV_VERIFIER_CRYPTO_SIGNATURE_H_
#define CCV_VERIFIER_CRYPTO_SIGNATURE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "verifier/crypto/ecdsa.h"

namespace ccv::crypto {

enum class EcCurve { kP256, kP384 };

// Errors: kBadValue (an empty modulus, an even exponent, below 1024 bits).
// An exponent of 0 means 65537 (TPM 2.0 convention).
Result<PublicKey> PublicKeyFromRsa(std::span<const uint8_t> modulus, uint32_t exponent);
// Errors: kBadValue if (x, y) is not a point of `curve`.
Result<PublicKey> PublicKeyFromEcPoint(EcCurve curve, std::span<const uint8_t> x,
                                       std::span<const uint8_t> y);
// A SubjectPublicKeyInfo in PEM ("PUBLIC KEY") or DER, nothing after it.
// Errors: kBadValue.
Result<PublicKey> PublicKeyFromPemOrDer(std::span<const uint8_t> data);

// "rsa-2048", "ec-p256", "ec-p384", or "other".
std::string DescribeKey(const PublicKey& key);
bool IsRsaKey(const PublicKey& key);
bool IsEcKey(const PublicKey& key);
// The key's DER SubjectPublicKeyInfo (empty if it has none).
std::vector<uint8_t> SpkiDer(const PublicKey& key);
// True if both hold the same public key.
bool SamePublicKey(const PublicKey& a, const PublicKey& b);

// True if `sig` is a valid signature of `message` (hashed with `hash`).
bool VerifyRsaPkcs1(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                    std::span<const uint8_t> sig);
// PSS with MGF1 over the same hash; the salt length is read from the
// signature (a TPM uses the largest that fits, or the digest length).
bool VerifyRsaPss(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                  std::span<const uint8_t> sig);
bool VerifyEcdsaRs(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                   std::span<const uint8_t> r, std::span<const uint8_t> s);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_SIGNATURE_H_
