#include "verifier/crypto/extend_chain.h"

// The low-level SHA API is deprecated in OpenSSL 3 but is the fastest way to
// run a serial chain there (no EVP dispatch; see PERFORMANCE.md).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <cstring>

#include <openssl/sha.h>

#include "verifier/crypto/digest.h"
#include "verifier/crypto/internal/sha_ni_chain.h"

namespace ccv::crypto {
namespace {

void StoreBe32(uint32_t v, uint8_t* out) {
  for (int i = 0; i < 4; ++i) out[i] = uint8_t(v >> (24 - 8 * i));
}
void StoreBe64(uint64_t v, uint8_t* out) {
  for (int i = 0; i < 8; ++i) out[i] = uint8_t(v >> (56 - 8 * i));
}

// The compression function of one SHA family member, as OpenSSL exposes it,
// and its state words written big-endian (the first len / word bytes).
struct Sha1Fn {
  using Ctx = SHA_CTX;
  static constexpr size_t kBlock = 64, kLenField = 8;
  static void Init(Ctx* c) { SHA1_Init(c); }
  static void Transform(Ctx* c, const uint8_t* b) { SHA1_Transform(c, b); }
  static void Store(const Ctx& c, uint8_t* out, size_t len) {
    const uint32_t h[5] = {c.h0, c.h1, c.h2, c.h3, c.h4};
    for (size_t w = 0; w < len / 4; ++w) StoreBe32(h[w], out + 4 * w);
  }
};
template <int (*kInit)(SHA256_CTX*)>
struct Sha256Fn {
  using Ctx = SHA256_CTX;
  static constexpr size_t kBlock = 64, kLenField = 8;
  static void Init(Ctx* c) { kInit(c); }
  static void Transform(Ctx* c, const uint8_t* b) { SHA256_Transform(c, b); }
  static void Store(const Ctx& c, uint8_t* out, size_t len) {
    for (size_t w = 0; w < len / 4; ++w) StoreBe32(c.h[w], out + 4 * w);
  }
};
template <int (*kInit)(SHA512_CTX*)>
struct Sha512Fn {
  using Ctx = SHA512_CTX;
  static constexpr size_t kBlock = 128, kLenField = 16;
  static void Init(Ctx* c) { kInit(c); }
  static void Transform(Ctx* c, const uint8_t* b) { SHA512_Transform(c, b); }
  static void Store(const Ctx& c, uint8_t* out, size_t len) {
    for (size_t w = 0; w < len / 8; ++w) StoreBe64(c.h[w], out + 8 * w);
  }
};
// The common extend, a digest of the register's own size `len` bytes: the message
// H(reg || d) has the fixed length 2 * len, so its padded blocks (FIPS 180-4
// §5.1: 0x80, zeros, the bit length big-endian at the end) are laid out once
// and each step is one or two calls of OpenSSL's compression function
// (SHA*_Transform), without Update/Final's buffering per step. SHA-1 (40 B)
// and SHA-384 (96 B) fit one block; SHA-256 (64 B) and SHA-512 (128 B) take a
// second, all-padding block. Results equal Hasher::Extend bit for bit
// (batch_hash_test).
template <typename Fn, size_t len, typename GetBytes, typename T>
void FixedExtendChain(Digest* reg, std::span<const T> digests, GetBytes bytes_of) {
  constexpr size_t msg_len = 2 * len;
  constexpr size_t blocks = msg_len + 1 + Fn::kLenField <= Fn::kBlock ? 1 : 2;
  alignas(8) uint8_t buf[2 * Fn::kBlock] = {};
  buf[msg_len] = 0x80;
  const uint64_t bits = uint64_t(msg_len) * 8;
  for (size_t i = 0; i < 8; ++i) buf[blocks * Fn::kBlock - 1 - i] = uint8_t(bits >> (8 * i));
  std::memcpy(buf, reg->bytes.data(), len);
  typename Fn::Ctx init;
  Fn::Init(&init);
  for (const T& d : digests) {
    std::memcpy(buf + len, bytes_of(d).data(), len);
    typename Fn::Ctx c = init;
    for (size_t b = 0; b < blocks; ++b) Fn::Transform(&c, buf + b * Fn::kBlock);
    Fn::Store(c, buf, len);
  }
  std::memcpy(reg->bytes.data(), buf, len);
}

// FixedExtendChain for reg's algorithm; false for one without it (SM3).
// SHA-1 and SHA-256 run on SHA-NI where the CPU has it, unless `openssl_only`.
template <typename GetBytes, typename T>
bool ExtendChainSameSize(Digest* reg, std::span<const T> digests, GetBytes bytes_of,
                         bool openssl_only) {
  const bool sha_ni = !openssl_only && internal::ShaNiAvailable();
  switch (reg->alg) {
    case HashAlg::kSha1:
      if (sha_ni) {
        internal::ShaNiExtendChainSha1(reg->bytes.data(), digests);
      } else {
        FixedExtendChain<Sha1Fn, 20>(reg, digests, bytes_of);
      }
      return true;
    case HashAlg::kSha256:
      if (sha_ni) {
        internal::ShaNiExtendChainSha256(reg->bytes.data(), digests);
      } else {
        FixedExtendChain<Sha256Fn<SHA256_Init>, 32>(reg, digests, bytes_of);
      }
      return true;
    case HashAlg::kSha384:
      FixedExtendChain<Sha512Fn<SHA384_Init>, 48>(reg, digests, bytes_of);
      return true;
    case HashAlg::kSha512:
      FixedExtendChain<Sha512Fn<SHA512_Init>, 64>(reg, digests, bytes_of);
      return true;
    case HashAlg::kSm3_256:
      return false;
  }
  return false;
}

template <typename GetBytes, typename T>
void ExtendChainImpl(Digest* reg, std::span<const T> digests, GetBytes bytes_of,
                     bool openssl_only = false) {
  uint8_t* md = reg->bytes.data();
  const size_t len = reg->len;
  // Runs of digests of the register's size take the fixed-length path.
  while (!digests.empty() && len == DigestLen(reg->alg)) {
    size_t n = 0;
    while (n < digests.size() && bytes_of(digests[n]).size() == len) ++n;
    if (n == 0) break;
    if (!ExtendChainSameSize(reg, digests.first(n), bytes_of, openssl_only)) break;
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

}  // namespace

void ExtendChain(Digest* reg, std::span<const Digest> digests) {
  ExtendChainImpl(reg, digests, [](const Digest& d) { return d.span(); });
}

void ExtendChain(Digest* reg, std::span<const ByteSpan> digests) {
  ExtendChainImpl(reg, digests, [](ByteSpan d) { return d; });
}

void ExtendChains(std::span<Digest* const> regs, std::span<const std::span<const Digest>> digests) {
  if (regs.size() == 2 && digests.size() == 2 && digests[0].size() == digests[1].size() &&
      internal::ShaNiAvailable()) {
    const size_t a = regs[0]->alg == HashAlg::kSha1 ? 0 : 1, b = 1 - a;
    Digest* r1 = regs[a];
    Digest* r256 = regs[b];
    if (r1->alg == HashAlg::kSha1 && r256->alg == HashAlg::kSha256 && r1->len == 20 &&
        r256->len == 32) {
      std::span<const Digest> d1 = digests[a], d256 = digests[b];
      // The leading steps where both digests are of their bank's size.
      size_t n = 0;
      while (n < d1.size() && d1[n].len == 20 && d256[n].len == 32) ++n;
      internal::ShaNiExtendChainsSha1Sha256(r1->bytes.data(), d1.first(n), r256->bytes.data(),
                                            d256.first(n));
      ExtendChain(r1, d1.subspan(n));
      ExtendChain(r256, d256.subspan(n));
      return;
    }
  }
  for (size_t i = 0; i < regs.size() && i < digests.size(); ++i) ExtendChain(regs[i], digests[i]);
}

namespace internal {

void OpenSslExtendChain(Digest* reg, std::span<const Digest> digests) {
  ExtendChainImpl(
      reg, digests, [](const Digest& d) { return d.span(); }, true);
}

}  // namespace internal

}  // namespace ccv::crypto
