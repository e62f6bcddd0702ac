// Message digests for every measurement bank through OpenSSL 3.
//
// Hasher keeps a pre-fetched EVP_MD per algorithm and one EVP_MD_CTX, so a
// hash costs no implicit fetch (see PERFORMANCE.md). A Hasher is not
// thread-safe: use one per thread. The free functions use a thread-local
// Hasher and are safe to call from any thread.
#ifndef CCV_VERIFIER_CRYPTO_DIGEST_H_
#define CCV_VERIFIER_CRYPTO_DIGEST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::crypto {

using ByteSpan = std::span<const uint8_t>;

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  // H(data). Aborts only if OpenSSL fails on a supported algorithm (a bug).
  Digest Hash(HashAlg alg, std::span<const uint8_t> data);
  // H(a || b), e.g. an extend: H(register || digest).
  Digest Hash2(HashAlg alg, std::span<const uint8_t> a, std::span<const uint8_t> b);
  // register = H(register || digest).
  void Extend(Digest* reg, std::span<const uint8_t> digest);

  // Incremental use.
  void Init(HashAlg alg);
  void Update(std::span<const uint8_t> data);
  Digest Final();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Thread-local convenience wrappers.
Digest Hash(HashAlg alg, std::span<const uint8_t> data);
void Extend(Digest* reg, std::span<const uint8_t> digest);

// HMAC-SHA-256 (RFC 2104) of `data` under `key`.
Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data);

// a == b in time independent of where they differ (MAC comparison).
bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b);

// True if this OpenSSL build provides `alg` (SM3 may be absent).
bool HashAlgAvailable(HashAlg alg);

// The algorithm of an OpenSSL digest NID (NID_sha256, ...), or nullopt for
// one outside our banks (MD5, SHA-224, ...).
std::optional<HashAlg> HashAlgFromNid(int nid);

// OpenSSL's name of `alg` ("SHA256", "SM3"), as EVP_MD_fetch and
// EVP_DigestSignInit_ex take it.
const char* OpenSslDigestName(HashAlg alg);

// The OpenSSL library version in use, e.g. "OpenSSL 3.0.19 27 Jan 2026".
const char* OpenSslVersion();

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_DIGEST_H_
