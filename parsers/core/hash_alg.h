// Hash algorithms of measurement banks: names, TPM_ALG_ID values and digest
// sizes (TCG Algorithm Registry). Std-only, so parsers can use it without
// OpenSSL. Thread-safe: constants and pure functions.
#ifndef CCV_PARSERS_CORE_HASH_ALG_H_
#define CCV_PARSERS_CORE_HASH_ALG_H_

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ccv {

enum class HashAlg : uint8_t { kSha1, kSha256, kSha384, kSha512, kSm3_256 };

inline constexpr std::array<HashAlg, 5> kAllHashAlgs = {
    HashAlg::kSha1, HashAlg::kSha256, HashAlg::kSha384, HashAlg::kSha512, HashAlg::kSm3_256};

// TPM_ALG_ID values (TCG Algorithm Registry, Table 3).
inline constexpr uint16_t kTpmAlgSha1 = 0x0004;
inline constexpr uint16_t kTpmAlgSha256 = 0x000B;
inline constexpr uint16_t kTpmAlgSha384 = 0x000C;
inline constexpr uint16_t kTpmAlgSha512 = 0x000D;
inline constexpr uint16_t kTpmAlgSm3_256 = 0x0012;

inline constexpr size_t kMaxDigestLen = 64;

constexpr size_t DigestLen(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return 20;
    case HashAlg::kSha256:
      return 32;
    case HashAlg::kSha384:
      return 48;
    case HashAlg::kSha512:
      return 64;
    case HashAlg::kSm3_256:
      return 32;
  }
  return 0;
}

constexpr uint16_t TpmAlgId(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return kTpmAlgSha1;
    case HashAlg::kSha256:
      return kTpmAlgSha256;
    case HashAlg::kSha384:
      return kTpmAlgSha384;
    case HashAlg::kSha512:
      return kTpmAlgSha512;
    case HashAlg::kSm3_256:
      return kTpmAlgSm3_256;
  }
  return 0;
}

constexpr std::optional<HashAlg> HashAlgFromTpmAlgId(uint16_t id) {
  switch (id) {
    case kTpmAlgSha1:
      return HashAlg::kSha1;
    case kTpmAlgSha256:
      return HashAlg::kSha256;
    case kTpmAlgSha384:
      return HashAlg::kSha384;
    case kTpmAlgSha512:
      return HashAlg::kSha512;
    case kTpmAlgSm3_256:
      return HashAlg::kSm3_256;
    default:
      return std::nullopt;
  }
}

// Bank names of DESIGN §2: "sha1", "sha256", "sha384", "sha512", "sm3_256".
constexpr std::string_view HashAlgName(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return "sha1";
    case HashAlg::kSha256:
      return "sha256";
    case HashAlg::kSha384:
      return "sha384";
    case HashAlg::kSha512:
      return "sha512";
    case HashAlg::kSm3_256:
      return "sm3_256";
  }
  return "unknown";
}

// Accepts the bank names above, plus "sm3" and "sm3-256" as IMA prints them.
std::optional<HashAlg> HashAlgFromName(std::string_view name);

// A digest of at most 64 bytes, held inline (no allocation).
struct Digest {
  HashAlg alg = HashAlg::kSha256;
  uint8_t len = 0;
  std::array<uint8_t, kMaxDigestLen> bytes{};

  std::span<const uint8_t> span() const { return {bytes.data(), len}; }
  std::span<uint8_t> mutable_span() { return {bytes.data(), len}; }
  bool operator==(const Digest& o) const {
    return alg == o.alg && span().size() == o.span().size() &&
           std::equal(span().begin(), span().end(), o.span().begin());
  }
  // Zero-filled digest of `alg`'s size.
  static Digest Zero(HashAlg alg) {
    Digest d;
    d.alg = alg;
    d.len = uint8_t(DigestLen(alg));
    return d;
  }
  // `bytes` as a digest of `alg`; nullopt unless it is exactly DigestLen(alg)
  // bytes long.
  static std::optional<Digest> FromBytes(HashAlg alg, std::span<const uint8_t> bytes) {
    if (bytes.size() != DigestLen(alg)) return std::nullopt;
    Digest d = Zero(alg);
    std::copy(bytes.begin(), bytes.end(), d.bytes.begin());
    return d;
  }
  static Digest Filled(HashAlg alg, uint8_t value) {
    Digest d = Zero(alg);
    for (size_t i = 0; i < d.len; ++i) d.bytes[i] = value;
    return d;
  }
};

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_HASH_ALG_H_
