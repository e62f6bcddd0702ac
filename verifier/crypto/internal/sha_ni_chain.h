// SHA-1 and SHA-256 extend chains on the x86 SHA extensions (SHA-NI), for
// extend_chain.cc. A chain step H(reg || d) is a message of fixed length, so
// the register stays in vector registers from one step to the next (it is
// the first message words of the next step), and SHA-256's second block, all
// padding, has its message schedule computed once. Two chains stepped
// together (ShaNiExtendChainsSha1Sha256) overlap their compressions, which
// one chain alone leaves waiting on each round's latency.
//
// Module-private: for verifier/crypto and its tests.
#ifndef CCV_VERIFIER_CRYPTO_INTERNAL_SHA_NI_CHAIN_H_
#define CCV_VERIFIER_CRYPTO_INTERNAL_SHA_NI_CHAIN_H_

#include <cstdint>
#include <span>

#include "verifier/crypto/digest.h"

namespace ccv::crypto::internal {

// Whether this CPU has SHA-NI, SSSE3 and SSE4.1 (probed once).
bool ShaNiAvailable();

// *reg = H(*reg || d) for each d in turn, H = SHA-1 (reg 20 bytes) or
// SHA-256 (32 bytes), every d of the register's size.
// REQUIRES: ShaNiAvailable(); each d is reg's size.
void ShaNiExtendChainSha1(uint8_t reg[20], std::span<const Digest> digests);
void ShaNiExtendChainSha1(uint8_t reg[20], std::span<const ByteSpan> digests);
void ShaNiExtendChainSha256(uint8_t reg[32], std::span<const Digest> digests);
void ShaNiExtendChainSha256(uint8_t reg[32], std::span<const ByteSpan> digests);
// Both chains, one step of each in turn.
// REQUIRES: as above, and d1.size() == d256.size().
void ShaNiExtendChainsSha1Sha256(uint8_t reg1[20], std::span<const Digest> d1, uint8_t reg256[32],
                                 std::span<const Digest> d256);

// ExtendChain without SHA-NI (OpenSSL's compression functions), so tests
// check both paths on any CPU (extend_chain.cc).
void OpenSslExtendChain(Digest* reg, std::span<const Digest> digests);

}  // namespace ccv::crypto::internal

#endif  // CCV_VERIFIER_CRYPTO_INTERNAL_SHA_NI_CHAIN_H_
