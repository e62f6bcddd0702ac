// Agent-private message digests straight from libcrypto (EVP), so the agent
// and the CC-API library link libcrypto only and no verifier/crypto backend
// (batched hashing, multi-buffer libraries). Thread-safe: each EVP_MD is
// fetched once (thread-safe static init); each call uses its own context.
#ifndef CCV_AGENT_INTERNAL_DIGEST_H_
#define CCV_AGENT_INTERNAL_DIGEST_H_

#include <cstdint>
#include <initializer_list>
#include <span>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::agent::internal {

// H(parts[0] || parts[1] || ...). Errors: kUnsupported when this libcrypto
// lacks `alg` (SM3 may be absent), kInternal if libcrypto fails.
Result<Digest> HashParts(HashAlg alg, std::initializer_list<std::span<const uint8_t>> parts);

}  // namespace ccv::agent::internal

#endif  // CCV_AGENT_INTERNAL_DIGEST_H_
