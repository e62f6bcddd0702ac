// Serial extend chains, the replay of one register over many measurements:
// *reg = H(*reg || d) for each d in turn. OpenSSL only (no batch backend):
// the agent's CC-API replay and the verifier's replays share it.
#ifndef CCV_VERIFIER_CRYPTO_EXTEND_CHAIN_H_
#define CCV_VERIFIER_CRYPTO_EXTEND_CHAIN_H_

#include <span>

#include "parsers/core/hash_alg.h"
#include "verifier/crypto/digest.h"

namespace ccv::crypto {

// For each d in `digests`, in order, *reg = H(*reg || d) with H = reg->alg.
// Same results as Hasher::Extend, with less overhead per step (OpenSSL
// low-level digests, no EVP dispatch): for replaying long logs, where the
// chain is the part no core count shortens. Thread-safe (no shared state).
void ExtendChain(Digest* reg, std::span<const Digest> digests);
void ExtendChain(Digest* reg, std::span<const ByteSpan> digests);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_EXTEND_CHAIN_H_
