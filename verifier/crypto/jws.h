// The signature part of JSON Web Signatures (RFC 7515) over OpenSSL: a
// signing key read from PEM, the JWS algorithm each key type implies, and
// signing and verifying a JWS Signing Input in the JWS signature encoding.
//   ES256: ECDSA P-256 with SHA-256, signature R || S, 32 bytes each
//          (RFC 7518 §3.4);
//   ES384: ECDSA P-384 with SHA-384, R || S, 48 bytes each;
//   EdDSA: Ed25519, 64 bytes (RFC 8037 §3.1).
// The algorithm always follows from the key, never from a token's header:
// a verifier that took it from the header could be told to use another
// (RFC 8725 §2.1). Thread-safe: keys are immutable once built.
#ifndef CCV_VERIFIER_CRYPTO_JWS_H_
#define CCV_VERIFIER_CRYPTO_JWS_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/crypto/ecdsa.h"

namespace ccv::crypto {

enum class JwsAlg { kEs256, kEs384, kEdDsa };
// "ES256", "ES384", "EdDSA".
std::string_view JwsAlgName(JwsAlg alg);

// The algorithm `key` signs with. Errors: kUnsupported for a key that is not
// P-256, P-384 or Ed25519 (RSA, other curves).
Result<JwsAlg> JwsAlgForKey(const PublicKey& key);

// A private key for signing results: EC P-256, P-384 or Ed25519.
class JwsSigningKey {
 public:
  JwsSigningKey() = default;
  ~JwsSigningKey();
  JwsSigningKey(JwsSigningKey&& o) noexcept : pkey_(o.pkey_), alg_(o.alg_) { o.pkey_ = nullptr; }
  JwsSigningKey& operator=(JwsSigningKey&& o) noexcept;
  JwsSigningKey(const JwsSigningKey&) = delete;
  JwsSigningKey& operator=(const JwsSigningKey&) = delete;

  // A PEM private key ("PRIVATE KEY", "EC PRIVATE KEY"), unencrypted.
  // Errors: kBadValue if it does not decode, kUnsupported for another type.
  static Result<JwsSigningKey> FromPem(std::string_view pem);

  JwsAlg alg() const { return alg_; }
  // Its public key.
  Result<PublicKey> Public() const;
  // The JWS signature of `signing_input`. Errors: kInternal.
  Result<std::vector<uint8_t>> Sign(std::span<const uint8_t> signing_input) const;

 private:
  EVP_PKEY* pkey_ = nullptr;
  JwsAlg alg_ = JwsAlg::kEs256;
};

// True if `signature` is `key`'s JWS signature of `signing_input` under
// `alg`, which must be the key's algorithm (JwsAlgForKey); false otherwise,
// also for a signature of the wrong length.
bool VerifyJwsSignature(const PublicKey& key, JwsAlg alg, std::span<const uint8_t> signing_input,
                        std::span<const uint8_t> signature);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_JWS_H_
