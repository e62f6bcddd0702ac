// SHA-384 and SHA-512 of many messages, four side by side in the 64-bit
// lanes of AVX2 registers: the sha512-avx2 batch backend (batch_hash.h).
// Each lane takes the next message as soon as its last one is done, so
// messages of any mix of lengths keep the four lanes busy; a message's
// final block (and a second one where the padding does not fit) is laid out
// in a lane-local buffer, the blocks before it are read in place. Nothing
// is read outside a message's bytes.
//
// libipsec-mb's AVX2 manager has the same four lanes; for the one-block
// messages of IMA lists its job interface (a submit, a completion and a
// padded copy per message) costs about a sixth of the time, which this loop
// does without (benchmarks/README.md).
//
// Module-private: for verifier/crypto and its tests.
#ifndef CCV_VERIFIER_CRYPTO_INTERNAL_SHA512_AVX2_H_
#define CCV_VERIFIER_CRYPTO_INTERNAL_SHA512_AVX2_H_

#include <span>

#include "parsers/core/hash_alg.h"
#include "verifier/crypto/digest.h"

namespace ccv::crypto::internal {

// Whether this build has the code (GCC or clang on x86-64) and this CPU
// has AVX2 (probed once).
bool Sha512Avx2Available();

// out[i] = alg(msgs[i]) for every i.
// REQUIRES: Sha512Avx2Available(); alg is kSha384 or kSha512; `out` points
// to msgs.size() writable digests.
void Sha512Avx2HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out);

}  // namespace ccv::crypto::internal

#endif  // CCV_VERIFIER_CRYPTO_INTERNAL_SHA512_AVX2_H_
