#include "verifier/crypto/digest.h"

#include <array>
#include <cstdio>
#include <cstdlib>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>

#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::crypto {
namespace {

// Fetched once per process; EVP_MD objects are immutable and shareable.
const EVP_MD* FetchedMd(HashAlg alg) {
  static const std::array<internal::EvpMdPtr, 5> mds = [] {
    std::array<internal::EvpMdPtr, 5> out;
    for (HashAlg a : kAllHashAlgs) {
      out[static_cast<size_t>(a)].reset(EVP_MD_fetch(nullptr, OpenSslDigestName(a), nullptr));
    }
    return out;
  }();
  return mds[static_cast<size_t>(alg)].get();
}

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "ccverify: internal error: OpenSSL %s failed\n", what);
  std::abort();
}

}  // namespace

struct Hasher::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  HashAlg alg = HashAlg::kSha256;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Hasher::Hasher() : impl_(std::make_unique<Impl>()) {
  if (impl_->ctx == nullptr) Die("EVP_MD_CTX_new");
}
Hasher::~Hasher() = default;

void Hasher::Init(HashAlg alg) {
  const EVP_MD* md = FetchedMd(alg);
  if (md == nullptr) Die("fetch of a digest (unsupported algorithm)");
  impl_->alg = alg;
  if (EVP_DigestInit_ex2(impl_->ctx, md, nullptr) != 1) Die("EVP_DigestInit_ex2");
}

void Hasher::Update(std::span<const uint8_t> data) {
  if (EVP_DigestUpdate(impl_->ctx, data.data(), data.size()) != 1) Die("EVP_DigestUpdate");
}

Digest Hasher::Final() {
  Digest d = Digest::Zero(impl_->alg);
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, d.bytes.data(), &len) != 1) Die("EVP_DigestFinal_ex");
  if (len != d.len) Die("digest length");
  return d;
}

Digest Hasher::Hash(HashAlg alg, std::span<const uint8_t> data) {
  Init(alg);
  Update(data);
  return Final();
}

Digest Hasher::Hash2(HashAlg alg, std::span<const uint8_t> a, std::span<const uint8_t> b) {
  Init(alg);
  Update(a);
  Update(b);
  return Final();
}

void Hasher::Extend(Digest* reg, std::span<const uint8_t> digest) {
  *reg = Hash2(reg->alg, reg->span(), digest);
}

namespace {
Hasher& ThreadHasher() {
  thread_local Hasher hasher;
  return hasher;
}
}  // namespace

Digest Hash(HashAlg alg, std::span<const uint8_t> data) { return ThreadHasher().Hash(alg, data); }

void Extend(Digest* reg, std::span<const uint8_t> digest) { ThreadHasher().Extend(reg, digest); }

bool HashAlgAvailable(HashAlg alg) { return FetchedMd(alg) != nullptr; }

Digest HmacSha256(std::span<const uint8_t> key, std::span<const uint8_t> data) {
  Digest d = Digest::Zero(HashAlg::kSha256);
  unsigned int len = 0;
  static const uint8_t kEmpty = 0;
  if (HMAC(EVP_sha256(), key.empty() ? &kEmpty : key.data(), int(key.size()),
           data.empty() ? &kEmpty : data.data(), data.size(), d.bytes.data(), &len) == nullptr ||
      len != d.len) {
    Die("HMAC");
  }
  return d;
}

bool ConstantTimeEqual(std::span<const uint8_t> a, std::span<const uint8_t> b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<HashAlg> HashAlgFromNid(int nid) {
  switch (nid) {
    case NID_sha1:
      return HashAlg::kSha1;
    case NID_sha256:
      return HashAlg::kSha256;
    case NID_sha384:
      return HashAlg::kSha384;
    case NID_sha512:
      return HashAlg::kSha512;
    case NID_sm3:
      return HashAlg::kSm3_256;
    default:
      return std::nullopt;
  }
}

const char* OpenSslDigestName(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return "SHA1";
    case HashAlg::kSha256:
      return "SHA256";
    case HashAlg::kSha384:
      return "SHA384";
    case HashAlg::kSha512:
      return "SHA512";
    case HashAlg::kSm3_256:
      return "SM3";
  }
  return "";
}

const char* OpenSslVersion() { return OpenSSL_version(OPENSSL_VERSION); }

}  // namespace ccv::crypto
