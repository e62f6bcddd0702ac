#include "verifier/crypto/batch_hash.h"

// The low-level SHA API is deprecated in OpenSSL 3 but is the fastest way to
// hash short messages there (no EVP dispatch; see PERFORMANCE.md).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "verifier/crypto/digest.h"
#include "verifier/crypto/internal/batch_hash_internal.h"

namespace ccv::crypto {

std::string_view HashBackendName(HashBackend backend) {
  switch (backend) {
    case HashBackend::kOpenSsl: return "openssl";
    case HashBackend::kIpsecMbSse: return "ipsec-mb-sse";
    case HashBackend::kIpsecMbAvx2: return "ipsec-mb-avx2";
    case HashBackend::kIpsecMbAvx512: return "ipsec-mb-avx512";
  }
  return "unknown";
}

std::optional<HashBackend> HashBackendFromName(std::string_view name) {
  for (HashBackend b : kAllHashBackends) {
    if (HashBackendName(b) == name) return b;
  }
  return std::nullopt;
}

namespace internal {

void OpenSslHashOne(HashAlg alg, ByteSpan msg, Digest* out) {
  out->alg = alg;
  out->len = uint8_t(DigestLen(alg));
  uint8_t* md = out->bytes.data();
  switch (alg) {
    case HashAlg::kSha1: {
      SHA_CTX c;
      SHA1_Init(&c);
      SHA1_Update(&c, msg.data(), msg.size());
      SHA1_Final(md, &c);
      return;
    }
    case HashAlg::kSha256: {
      SHA256_CTX c;
      SHA256_Init(&c);
      SHA256_Update(&c, msg.data(), msg.size());
      SHA256_Final(md, &c);
      return;
    }
    case HashAlg::kSha384: {
      SHA512_CTX c;
      SHA384_Init(&c);
      SHA384_Update(&c, msg.data(), msg.size());
      SHA384_Final(md, &c);
      return;
    }
    case HashAlg::kSha512: {
      SHA512_CTX c;
      SHA512_Init(&c);
      SHA512_Update(&c, msg.data(), msg.size());
      SHA512_Final(md, &c);
      return;
    }
    case HashAlg::kSm3_256:
      *out = Hash(alg, msg);  // EVP only; thread-local context.
      return;
  }
}

}  // namespace internal

namespace {

void StoreBe32(uint32_t v, uint8_t* out) {
  for (int i = 0; i < 4; ++i) out[i] = uint8_t(v >> (24 - 8 * i));
}
void StoreBe64(uint64_t v, uint8_t* out) {
  for (int i = 0; i < 8; ++i) out[i] = uint8_t(v >> (56 - 8 * i));
}

// The common extend, a digest of the register's own size: the message
// H(reg || d) has a fixed length, so its padded blocks (FIPS 180-4 §5.1) are
// laid out once and each step is one or two calls of OpenSSL's compression
// function (SHA*_Transform), without Update/Final's buffering per step.
// Message lengths: SHA-1 40 B (one block), SHA-256 64 B (two: the second is
// all padding), SHA-384 96 B (one), SHA-512 128 B (two). Results equal
// Hasher::Extend bit for bit (batch_hash_test). Returns false for other
// algorithms.
template <typename GetBytes, typename T>
bool ExtendChainSameSize(Digest* reg, std::span<const T> digests, GetBytes bytes_of) {
  uint8_t* md = reg->bytes.data();
  switch (reg->alg) {
    case HashAlg::kSha1: {
      alignas(8) uint8_t block[64] = {};
      block[40] = 0x80;
      block[62] = 0x01;  // 320 bits
      block[63] = 0x40;
      std::memcpy(block, md, 20);
      SHA_CTX init;
      SHA1_Init(&init);
      for (const T& d : digests) {
        std::memcpy(block + 20, bytes_of(d).data(), 20);
        SHA_CTX c = init;
        SHA1_Transform(&c, block);
        StoreBe32(c.h0, block);
        StoreBe32(c.h1, block + 4);
        StoreBe32(c.h2, block + 8);
        StoreBe32(c.h3, block + 12);
        StoreBe32(c.h4, block + 16);
      }
      std::memcpy(md, block, 20);
      return true;
    }
    case HashAlg::kSha256: {
      alignas(8) uint8_t block[64];
      alignas(8) uint8_t pad[64] = {};
      pad[0] = 0x80;
      pad[62] = 0x02;  // 512 bits
      std::memcpy(block, md, 32);
      SHA256_CTX init;
      SHA256_Init(&init);
      for (const T& d : digests) {
        std::memcpy(block + 32, bytes_of(d).data(), 32);
        SHA256_CTX c = init;
        SHA256_Transform(&c, block);
        SHA256_Transform(&c, pad);
        for (int i = 0; i < 8; ++i) StoreBe32(c.h[i], block + 4 * i);
      }
      std::memcpy(md, block, 32);
      return true;
    }
    case HashAlg::kSha384: {
      alignas(8) uint8_t block[128] = {};
      block[96] = 0x80;
      block[126] = 0x03;  // 768 bits
      std::memcpy(block, md, 48);
      SHA512_CTX init;
      SHA384_Init(&init);
      for (const T& d : digests) {
        std::memcpy(block + 48, bytes_of(d).data(), 48);
        SHA512_CTX c = init;
        SHA512_Transform(&c, block);
        for (int i = 0; i < 6; ++i) StoreBe64(c.h[i], block + 8 * i);
      }
      std::memcpy(md, block, 48);
      return true;
    }
    case HashAlg::kSha512: {
      alignas(8) uint8_t block[128];
      alignas(8) uint8_t pad[128] = {};
      pad[0] = 0x80;
      pad[126] = 0x04;  // 1024 bits
      std::memcpy(block, md, 64);
      SHA512_CTX init;
      SHA512_Init(&init);
      for (const T& d : digests) {
        std::memcpy(block + 64, bytes_of(d).data(), 64);
        SHA512_CTX c = init;
        SHA512_Transform(&c, block);
        SHA512_Transform(&c, pad);
        for (int i = 0; i < 8; ++i) StoreBe64(c.h[i], block + 8 * i);
      }
      std::memcpy(md, block, 64);
      return true;
    }
    case HashAlg::kSm3_256:
      return false;
  }
  return false;
}

template <typename GetBytes, typename T>
void ExtendChainImpl(Digest* reg, std::span<const T> digests, GetBytes bytes_of) {
  uint8_t* md = reg->bytes.data();
  const size_t len = reg->len;
  // Runs of digests of the register's size take the fixed-length path.
  while (!digests.empty() && len == DigestLen(reg->alg)) {
    size_t n = 0;
    while (n < digests.size() && bytes_of(digests[n]).size() == len) ++n;
    if (n == 0) break;
    if (!ExtendChainSameSize(reg, digests.first(n), bytes_of)) break;
    digests = digests.subspan(n);
  }
  if (digests.empty()) return;
  switch (reg->alg) {
    case HashAlg::kSha1:
      for (const T& d : digests) {
        ByteSpan b = bytes_of(d);
        SHA_CTX c;
        SHA1_Init(&c);
        SHA1_Update(&c, md, len);
        SHA1_Update(&c, b.data(), b.size());
        SHA1_Final(md, &c);
      }
      return;
    case HashAlg::kSha256:
      for (const T& d : digests) {
        ByteSpan b = bytes_of(d);
        SHA256_CTX c;
        SHA256_Init(&c);
        SHA256_Update(&c, md, len);
        SHA256_Update(&c, b.data(), b.size());
        SHA256_Final(md, &c);
      }
      return;
    case HashAlg::kSha384:
      for (const T& d : digests) {
        ByteSpan b = bytes_of(d);
        SHA512_CTX c;
        SHA384_Init(&c);
        SHA384_Update(&c, md, len);
        SHA384_Update(&c, b.data(), b.size());
        SHA384_Final(md, &c);
      }
      return;
    case HashAlg::kSha512:
      for (const T& d : digests) {
        ByteSpan b = bytes_of(d);
        SHA512_CTX c;
        SHA512_Init(&c);
        SHA512_Update(&c, md, len);
        SHA512_Update(&c, b.data(), b.size());
        SHA512_Final(md, &c);
      }
      return;
    case HashAlg::kSm3_256: {
      Hasher h;
      for (const T& d : digests) h.Extend(reg, bytes_of(d));
      return;
    }
  }
}

class OpenSslBatchHasher final : public BatchHasher {
 public:
  HashBackend backend() const override { return HashBackend::kOpenSsl; }
  void HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) override {
    for (size_t i = 0; i < msgs.size(); ++i) internal::OpenSslHashOne(alg, msgs[i], &out[i]);
  }
};

// Fastest first.
constexpr HashBackend kPreference[] = {HashBackend::kIpsecMbAvx512, HashBackend::kIpsecMbAvx2,
                                       HashBackend::kIpsecMbSse, HashBackend::kOpenSsl};

}  // namespace

bool HashBackendSupported(HashBackend backend, std::string* why_not) {
  if (backend == HashBackend::kOpenSsl) return true;
  std::string reason;
  bool ok = internal::IpsecMbSupported(backend, &reason);
  if (!ok && why_not != nullptr) *why_not = reason;
  return ok;
}

Result<std::unique_ptr<BatchHasher>> CreateBatchHasher(HashBackend backend) {
  std::string why_not;
  if (!HashBackendSupported(backend, &why_not)) {
    return Status(ErrorCode::kUnsupported,
                  std::string(HashBackendName(backend)) + ": " + why_not);
  }
  if (backend == HashBackend::kOpenSsl) {
    return std::unique_ptr<BatchHasher>(std::make_unique<OpenSslBatchHasher>());
  }
  std::unique_ptr<BatchHasher> h = internal::NewIpsecMbHasher(backend);
  if (h == nullptr) {
    return Status(ErrorCode::kInternal,
                  std::string(HashBackendName(backend)) + ": manager set-up failed");
  }
  return h;
}

namespace internal {

HashBackend ChooseDefaultBackend(const char* env_value) {
  if (env_value != nullptr && *env_value != '\0') {
    std::optional<HashBackend> b = HashBackendFromName(env_value);
    if (b && HashBackendSupported(*b)) return *b;
  }
  for (HashBackend b : kPreference) {
    if (HashBackendSupported(b)) return b;
  }
  return HashBackend::kOpenSsl;
}

}  // namespace internal

BatchHasher& DefaultBatchHasher() {
  static BatchHasher* const hasher = [] {
    HashBackend b = internal::ChooseDefaultBackend(std::getenv("CCV_HASH_BACKEND"));
    Result<std::unique_ptr<BatchHasher>> h = CreateBatchHasher(b);
    if (!h.ok()) h = CreateBatchHasher(HashBackend::kOpenSsl);
    return std::move(h).value().release();  // lives for the whole process
  }();
  return *hasher;
}

void ExtendChain(Digest* reg, std::span<const Digest> digests) {
  ExtendChainImpl(reg, digests, [](const Digest& d) { return d.span(); });
}

void ExtendChain(Digest* reg, std::span<const ByteSpan> digests) {
  ExtendChainImpl(reg, digests, [](ByteSpan d) { return d; });
}

std::string BackendDescription() {
  std::string out(HashBackendName(DefaultBatchHasher().backend()));
  std::string mb = internal::IpsecMbVersion();
  out += mb.empty() ? " (built without libipsec-mb)" : " (" + mb + ")";
  return out;
}

#ifndef CCV_HAVE_IPSEC_MB
namespace internal {
bool IpsecMbSupported(HashBackend, std::string* why_not) {
  if (why_not != nullptr) *why_not = "built without libipsec-mb";
  return false;
}
std::unique_ptr<BatchHasher> NewIpsecMbHasher(HashBackend) { return nullptr; }
std::string IpsecMbVersion() { return ""; }
}  // namespace internal
#endif

}  // namespace ccv::crypto
