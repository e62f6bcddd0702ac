// Serial extend chains, the replay of one register over many measurements:
// *reg = H(*reg || d) for each d in turn. SHA-1 and SHA-256 on the x86 SHA
// extensions where the CPU has them, else (and every other algorithm)
// OpenSSL's compression functions; no batch backend: the agent's CC-API
// replay and the verifier's replays share it.
#ifndef CCV_VERIFIER_CRYPTO_EXTEND_CHAIN_H_
#define CCV_VERIFIER_CRYPTO_EXTEND_CHAIN_H_

#include <span>

#include "parsers/core/hash_alg.h"
#include "verifier/crypto/digest.h"

namespace ccv::crypto {

// For each d in `digests`, in order, *reg = H(*reg || d) with H = reg->alg.
// Same results as Hasher::Extend, with less overhead per step (no EVP
// dispatch, the register kept in vector registers on SHA-NI): for replaying
// long logs, where the chain is the part no core count shortens. Thread-safe
// (no shared state).
void ExtendChain(Digest* reg, std::span<const Digest> digests);
void ExtendChain(Digest* reg, std::span<const ByteSpan> digests);

// Several independent chains over the same number of steps: for each i,
// ExtendChain(regs[i], digests[i]). Same results; a SHA-1 and a SHA-256 chain
// (a PCR's two common banks) are stepped side by side on SHA-NI, which
// overlaps their compressions.
// REQUIRES: regs.size() == digests.size() (extra entries of either are
// ignored); chains of different lengths are stepped one after the other.
void ExtendChains(std::span<Digest* const> regs, std::span<const std::span<const Digest>> digests);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_EXTEND_CHAIN_H_
