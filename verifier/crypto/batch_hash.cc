#include "verifier/crypto/batch_hash.h"

// The low-level SHA API is deprecated in OpenSSL 3 but is the fastest way to
// hash short messages there (no EVP dispatch; see PERFORMANCE.md).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>

#include <openssl/sha.h>

#include "verifier/crypto/digest.h"
#include "verifier/crypto/internal/batch_hash_internal.h"
#include "verifier/crypto/internal/sha512_avx2.h"

namespace ccv::crypto {

std::string_view HashBackendName(HashBackend backend) {
  switch (backend) {
    case HashBackend::kOpenSsl:
      return "openssl";
    case HashBackend::kIpsecMbSse:
      return "ipsec-mb-sse";
    case HashBackend::kIpsecMbAvx2:
      return "ipsec-mb-avx2";
    case HashBackend::kIpsecMbAvx512:
      return "ipsec-mb-avx512";
    case HashBackend::kSha512Avx2:
      return "sha512-avx2";
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

class OpenSslBatchHasher final : public BatchHasher {
 public:
  HashBackend backend() const override { return HashBackend::kOpenSsl; }
  void HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) override {
    for (size_t i = 0; i < msgs.size(); ++i) internal::OpenSslHashOne(alg, msgs[i], &out[i]);
  }
};

// SHA-384 and SHA-512 four at a time in AVX2 (internal/sha512_avx2.h); the
// other algorithms through OpenSSL.
class Sha512Avx2BatchHasher final : public BatchHasher {
 public:
  HashBackend backend() const override { return HashBackend::kSha512Avx2; }
  void HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) override {
    if (alg == HashAlg::kSha384 || alg == HashAlg::kSha512) {
      internal::Sha512Avx2HashMany(alg, msgs, out);
      return;
    }
    for (size_t i = 0; i < msgs.size(); ++i) internal::OpenSslHashOne(alg, msgs[i], &out[i]);
  }
};

// The default hasher when one backend is not the fastest for every
// algorithm: SHA-1 and SHA-256 on one backend, the rest on the other.
class PerAlgorithmHasher final : public BatchHasher {
 public:
  PerAlgorithmHasher(std::unique_ptr<BatchHasher> wide, std::unique_ptr<BatchHasher> short_word)
      : wide_(std::move(wide)), short_word_(std::move(short_word)) {}

  HashBackend backend() const override { return wide_->backend(); }
  HashBackend BackendFor(HashAlg alg) const override { return Pick(alg).backend(); }
  void HashMany(HashAlg alg, std::span<const ByteSpan> msgs, Digest* out) override {
    Pick(alg).HashMany(alg, msgs, out);
  }

 private:
  static bool ShortWord(HashAlg alg) { return alg == HashAlg::kSha1 || alg == HashAlg::kSha256; }
  BatchHasher& Pick(HashAlg alg) const { return ShortWord(alg) ? *short_word_ : *wide_; }

  const std::unique_ptr<BatchHasher> wide_;        // SHA-384, SHA-512, SM3
  const std::unique_ptr<BatchHasher> short_word_;  // SHA-1, SHA-256
};

// Fastest first.
constexpr HashBackend kPreference[] = {HashBackend::kIpsecMbAvx512, HashBackend::kIpsecMbAvx2,
                                       HashBackend::kIpsecMbSse, HashBackend::kOpenSsl};

}  // namespace

bool HashBackendSupported(HashBackend backend, std::string* why_not) {
  if (backend == HashBackend::kOpenSsl) return true;
  if (backend == HashBackend::kSha512Avx2) {
    const bool ok = internal::Sha512Avx2Available();
    if (!ok && why_not != nullptr) *why_not = "this build or CPU lacks AVX2 (x86-64 only)";
    return ok;
  }
  std::string reason;
  bool ok = internal::IpsecMbSupported(backend, &reason);
  if (!ok && why_not != nullptr) *why_not = reason;
  return ok;
}

Result<std::unique_ptr<BatchHasher>> CreateBatchHasher(HashBackend backend) {
  std::string why_not;
  if (!HashBackendSupported(backend, &why_not)) {
    return Status(ErrorCode::kUnsupported, std::string(HashBackendName(backend)) + ": " + why_not);
  }
  if (backend == HashBackend::kOpenSsl) {
    return std::unique_ptr<BatchHasher>(std::make_unique<OpenSslBatchHasher>());
  }
  if (backend == HashBackend::kSha512Avx2) {
    return std::unique_ptr<BatchHasher>(std::make_unique<Sha512Avx2BatchHasher>());
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

HashBackend ChooseBackendFor(HashAlg alg, HashBackend widest, bool sha_ni, bool avx2) {
  const bool short_word = alg == HashAlg::kSha1 || alg == HashAlg::kSha256;
  const bool long_word = alg == HashAlg::kSha384 || alg == HashAlg::kSha512;
  if (short_word && sha_ni && widest == HashBackend::kIpsecMbAvx2) return HashBackend::kIpsecMbSse;
  if (long_word && avx2 && widest != HashBackend::kIpsecMbAvx512) return HashBackend::kSha512Avx2;
  return widest;
}

}  // namespace internal

Status CheckHashBackendEnv(const char* value) {
  if (value == nullptr || *value == '\0') return Status::Ok();
  std::string names, supported;
  for (HashBackend b : kAllHashBackends) {
    names += (names.empty() ? "" : ", ") + std::string(HashBackendName(b));
    if (HashBackendSupported(b)) {
      supported += (supported.empty() ? "" : ", ") + std::string(HashBackendName(b));
    }
  }
  std::optional<HashBackend> b = HashBackendFromName(value);
  if (!b) {
    return Status(ErrorCode::kInvalidArgument, "CCV_HASH_BACKEND='" + std::string(value) +
                                                   "': expected one of " + names +
                                                   " (supported here: " + supported + ")");
  }
  std::string why;
  if (!HashBackendSupported(*b, &why)) {
    return Status(ErrorCode::kInvalidArgument, "CCV_HASH_BACKEND='" + std::string(value) +
                                                   "' is not usable here (" + why +
                                                   "); supported here: " + supported);
  }
  return Status::Ok();
}

namespace {

std::unique_ptr<BatchHasher> MakeDefaultHasher() {
  const char* env = std::getenv("CCV_HASH_BACKEND");
  const bool forced = env != nullptr && *env != '\0';
  const HashBackend widest = internal::ChooseDefaultBackend(env);
  const bool sha_ni = internal::IpsecMbHasShaNi();
  const bool avx2 = internal::Sha512Avx2Available();
  const HashBackend wide =
      forced ? widest : internal::ChooseBackendFor(HashAlg::kSha384, widest, sha_ni, avx2);
  const HashBackend short_word =
      forced ? widest : internal::ChooseBackendFor(HashAlg::kSha256, widest, sha_ni, avx2);
  Result<std::unique_ptr<BatchHasher>> h = CreateBatchHasher(wide);
  if (!h.ok()) return std::move(CreateBatchHasher(HashBackend::kOpenSsl)).value();
  if (short_word == wide) return std::move(h).value();
  Result<std::unique_ptr<BatchHasher>> s = CreateBatchHasher(short_word);
  if (!s.ok()) return std::move(h).value();
  return std::make_unique<PerAlgorithmHasher>(std::move(h).value(), std::move(s).value());
}

}  // namespace

BatchHasher& DefaultBatchHasher() {
  static BatchHasher* const hasher = MakeDefaultHasher().release();  // lives for the whole process
  return *hasher;
}

std::string BackendDescription() {
  const BatchHasher& h = DefaultBatchHasher();
  std::string out(HashBackendName(h.backend()));
  const HashBackend short_word = h.BackendFor(HashAlg::kSha256);
  if (short_word != h.backend()) {
    out += ", sha1 and sha256 on " + std::string(HashBackendName(short_word));
    if (short_word == HashBackend::kIpsecMbSse && internal::IpsecMbHasShaNi()) {
      out += " with SHA-NI";
    }
  }
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
bool IpsecMbHasShaNi() { return false; }
std::string IpsecMbVersion() { return ""; }
}  // namespace internal
#endif

}  // namespace ccv::crypto
