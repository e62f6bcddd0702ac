// Batched hashing: many independent messages in, one digest per message out
// (DESIGN §7). This is the path for work that does not depend on a previous
// result, such as event-digest checks and IMA template hashes; a serial extend
// chain stays on ExtendChain (extend_chain.h), which is faster for one message
// at a time.
//
// Backends: OpenSSL (the reference); when built with libipsec-mb, its
// multi-buffer managers for SSE, AVX2 and AVX-512, which hash 4 to 16
// messages side by side; and our own four-lane AVX2 SHA-384/512
// (internal/sha512_avx2.h). DefaultBatchHasher() picks, once per process, a
// backend per algorithm from the CPU's features (CCV_HASH_BACKEND in the
// environment forces one for all); CreateBatchHasher() builds any one, so
// tests can force each.
//
// Thread safety: BatchHasher objects hold no per-call state (each backend
// keeps its working state per thread), so one object may be used from many
// threads at once.
#ifndef CCV_VERIFIER_CRYPTO_BATCH_HASH_H_
#define CCV_VERIFIER_CRYPTO_BATCH_HASH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "verifier/crypto/digest.h"

namespace ccv::crypto {

enum class HashBackend : uint8_t {
  kOpenSsl,        // OpenSSL 3 low-level digests, one message at a time.
  kIpsecMbSse,     // libipsec-mb SSE manager (uses SHA-NI for SHA-1/256 if present).
  kIpsecMbAvx2,    // libipsec-mb AVX2 manager (8 lanes SHA-1/256, 4 lanes SHA-384/512).
  kIpsecMbAvx512,  // libipsec-mb AVX-512 manager (16 lanes SHA-1/256, 8 lanes SHA-384/512).
  kSha512Avx2,     // SHA-384/512 in 4 AVX2 lanes, our own code; other algorithms via OpenSSL.
};

inline constexpr HashBackend kAllHashBackends[] = {
    HashBackend::kOpenSsl, HashBackend::kIpsecMbSse, HashBackend::kIpsecMbAvx2,
    HashBackend::kIpsecMbAvx512, HashBackend::kSha512Avx2};

// "openssl", "ipsec-mb-sse", "ipsec-mb-avx2", "ipsec-mb-avx512", "sha512-avx2".
std::string_view HashBackendName(HashBackend backend);
std::optional<HashBackend> HashBackendFromName(std::string_view name);

class BatchHasher {
 public:
  BatchHasher() = default;
  BatchHasher(const BatchHasher&) = delete;
  BatchHasher& operator=(const BatchHasher&) = delete;
  virtual ~BatchHasher() = default;

  virtual HashBackend backend() const = 0;
  // The backend that hashes `alg`: backend() except in the default hasher,
  // which may route SHA-1 and SHA-256 to another (DefaultBatchHasher()).
  virtual HashBackend BackendFor(HashAlg) const { return backend(); }

  // out[i] = alg(msgs[i]) for every i. Messages may have any length and may
  // alias each other; results do not depend on the order or grouping of the
  // batch. Algorithms or lengths a backend cannot take (SM3, messages over
  // 65534 bytes for libipsec-mb) go to OpenSSL. Aborts only on an internal
  // library failure (a bug), as Hasher does.
  // REQUIRES: `out` points to msgs.size() writable digests.
  virtual void HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) = 0;
};

// The hasher chosen for this process: the CCV_HASH_BACKEND environment
// variable's backend if it names a supported one; else, per algorithm, the
// fastest the CPU supports (internal::ChooseBackendFor): the widest
// libipsec-mb manager, except that SHA-1 and SHA-256 go to the SSE manager
// where it can use SHA-NI and the widest is AVX2 (libipsec-mb uses SHA-NI in
// its SSE manager only; on such CPUs it hashes those 1.2-1.7x faster than
// AVX2's eight lanes), and SHA-384 and SHA-512 to sha512-avx2 where the CPU
// has AVX2 but the build or CPU no AVX-512 manager (about 1.2x libipsec-mb's
// AVX2 manager on one-block messages, as most IMA template data are; see
// benchmarks/README.md). backend() is the one of SHA-384 and SHA-512.
// Selected on first use and never changed afterwards.
BatchHasher& DefaultBatchHasher();

// kInvalidArgument naming CCV_HASH_BACKEND and the accepted values when
// `value` (the variable's value, null when unset) is set, not empty, and not
// the name of a backend this build and CPU support (the message says why
// a known one is not). The CLI checks it before any work.
Status CheckHashBackendEnv(const char* value);

// A hasher of exactly `backend`. kUnsupported if the build lacks libipsec-mb
// or this CPU lacks the instructions the backend needs; the message says
// which.
Result<std::unique_ptr<BatchHasher>> CreateBatchHasher(HashBackend backend);

// Whether CreateBatchHasher(backend) would succeed; `why_not` (if non-null)
// gets the reason when it would not.
bool HashBackendSupported(HashBackend backend, std::string* why_not = nullptr);

// One line for --version and benchmark output, e.g.
// "ipsec-mb-avx512 (libipsec-mb 1.3.0)", "ipsec-mb-avx2, sha1 and sha256 on
// ipsec-mb-sse with SHA-NI (libipsec-mb 1.3.0)" or "openssl (built without
// libipsec-mb)".
std::string BackendDescription();

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_BATCH_HASH_H_
