// Module-private pieces of batched hashing, shared by batch_hash.cc, the
// libipsec-mb backend and the tests. Not for use outside verifier/crypto and
// its tests.
#ifndef CCV_VERIFIER_CRYPTO_INTERNAL_BATCH_HASH_INTERNAL_H_
#define CCV_VERIFIER_CRYPTO_INTERNAL_BATCH_HASH_INTERNAL_H_

#include <memory>
#include <string>

#include "parsers/core/hash_alg.h"
#include "verifier/crypto/batch_hash.h"

namespace ccv::crypto::internal {

// *out = alg(msg) through OpenSSL (low-level SHA functions; EVP for SM3).
// Thread-safe.
void OpenSslHashOne(HashAlg alg, ByteSpan msg, Digest* out);

// The backend DefaultBatchHasher() uses when CCV_HASH_BACKEND holds
// `env_value` (nullptr when unset): that backend if it is supported here,
// else the best supported one.
HashBackend ChooseDefaultBackend(const char* env_value);

// The backend the default hasher gives `alg` when its widest backend is
// `widest`, `sha_ni` says whether libipsec-mb finds SHA-NI and `avx2`
// whether sha512-avx2 is usable: ipsec-mb-sse for SHA-1 and SHA-256 when
// `widest` is ipsec-mb-avx2 and `sha_ni`; sha512-avx2 for SHA-384 and
// SHA-512 when `avx2` and `widest` is not ipsec-mb-avx512 (its eight lanes);
// else `widest`.
HashBackend ChooseBackendFor(HashAlg alg, HashBackend widest, bool sha_ni, bool avx2);

// libipsec-mb backend (internal/ipsec_mb_hasher.cc). Without libipsec-mb in
// the build, the first returns false with a reason and the second nullptr.
// REQUIRES: backend is one of the kIpsecMb* values.
bool IpsecMbSupported(HashBackend backend, std::string* why_not);
std::unique_ptr<BatchHasher> NewIpsecMbHasher(HashBackend backend);
// Whether libipsec-mb finds SHA-NI on this CPU (false without libipsec-mb).
bool IpsecMbHasShaNi();
// "libipsec-mb 1.3.0", or "" without libipsec-mb in the build.
std::string IpsecMbVersion();

}  // namespace ccv::crypto::internal

#endif  // CCV_VERIFIER_CRYPTO_INTERNAL_BATCH_HASH_INTERNAL_H_
