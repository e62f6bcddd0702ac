// ECDSA over NIST P-256 with SHA-256, with keys and signatures in the raw
// forms DCAP uses: public key x || y (64 bytes), signature r || s (64 bytes).
//
// PublicKey and PrivateKey are move-only RAII owners of an OpenSSL EVP_PKEY.
// Verifying with one key from several threads at once is safe (OpenSSL 3
// keys are immutable once built); signing is for test code and tools.
#ifndef CCV_VERIFIER_CRYPTO_ECDSA_H_
#define CCV_VERIFIER_CRYPTO_ECDSA_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>

#include "parsers/core/result.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace ccv::crypto {

using RawP256Key = std::array<uint8_t, 64>;
using RawP256Signature = std::array<uint8_t, 64>;

class PublicKey {
 public:
  PublicKey() = default;
  // Takes ownership of `pkey`.
  explicit PublicKey(EVP_PKEY* pkey) : pkey_(pkey) {}
  ~PublicKey();
  PublicKey(PublicKey&& other) noexcept : pkey_(other.pkey_) { other.pkey_ = nullptr; }
  PublicKey& operator=(PublicKey&& other) noexcept;
  PublicKey(const PublicKey&) = delete;
  PublicKey& operator=(const PublicKey&) = delete;

  // x || y of a P-256 point. Errors: kBadSignature if it is not on the curve.
  static Result<PublicKey> FromRawP256(std::span<const uint8_t> xy);
  // SubjectPublicKeyInfo DER.
  static Result<PublicKey> FromSpkiDer(std::span<const uint8_t> der);

  bool valid() const { return pkey_ != nullptr; }
  EVP_PKEY* get() const { return pkey_; }
  // x || y if this is a P-256 key.
  Result<RawP256Key> RawP256() const;

  // True if `sig` (r || s) is a valid ECDSA-SHA256 signature of `message`.
  bool VerifyP256Sha256(std::span<const uint8_t> message, std::span<const uint8_t> raw_sig) const;
  // Same with a DER ECDSA-Sig-Value, any supported digest given by name
  // ("SHA256").
  bool VerifyDer(std::span<const uint8_t> message, std::span<const uint8_t> der_sig,
                 const char* digest = "SHA256") const;

 private:
  EVP_PKEY* pkey_ = nullptr;
};

// A P-256 private key (test PKI, synthetic evidence).
class PrivateKey {
 public:
  PrivateKey() = default;
  explicit PrivateKey(EVP_PKEY* pkey) : pkey_(pkey) {}
  ~PrivateKey();
  PrivateKey(PrivateKey&& other) noexcept : pkey_(other.pkey_) { other.pkey_ = nullptr; }
  PrivateKey& operator=(PrivateKey&& other) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;

  static Result<PrivateKey> GenerateP256();
  // From a 32-byte big-endian scalar (deterministic keys for tests).
  static Result<PrivateKey> FromP256Scalar(std::span<const uint8_t> d);

  EVP_PKEY* get() const { return pkey_; }
  Result<RawP256Key> PublicRaw() const;
  // r || s over SHA-256(message).
  Result<RawP256Signature> SignP256Sha256(std::span<const uint8_t> message) const;

 private:
  EVP_PKEY* pkey_ = nullptr;
};

// DER ECDSA-Sig-Value <-> raw r || s (32 bytes each).
Result<RawP256Signature> DerSignatureToRaw(std::span<const uint8_t> der);
Result<std::string> RawSignatureToDer(std::span<const uint8_t> raw);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_ECDSA_H_
