#include "verifier/crypto/internal/sha_ni_chain.h"

#include <cstdio>
#include <cstdlib>

// GCC and clang on x86-64; elsewhere ShaNiAvailable() is false and the chains
// run on OpenSSL.
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CCV_SHA_NI_BUILT 1
#include <array>
#include <cpuid.h>
#include <immintrin.h>
#include <utility>
#else
#define CCV_SHA_NI_BUILT 0
#endif

// Compiled for SHA-NI with SSSE3 and SSE4.1 whatever the build's baseline;
// called only after ShaNiAvailable().
#define CCV_SHA_NI __attribute__((target("sha,sse4.1,ssse3")))
#define CCV_SHA_NI_INLINE __attribute__((target("sha,sse4.1,ssse3"), always_inline)) inline

namespace ccv::crypto::internal {

#if CCV_SHA_NI_BUILT
namespace {

// Register layouts, as the instructions want them (Intel SHA extensions):
// SHA-1: one vector ABCD with A in the highest dword, E alone in the highest
// dword of another; message words W[4g..4g+3] with W[4g] highest.
// SHA-256: ABEF and CDGH (dword 0 = F and H), message words with W[4g] in
// dword 0.

alignas(16) constexpr uint32_t kK256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

constexpr uint32_t kIv256[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// W[t] + K[t] for SHA-256's second block of a 64-byte message: 0x80, zeros,
// the bit length 512. The same for every step, so computed once.
constexpr std::array<uint32_t, 64> PaddingBlockWk() {
  std::array<uint32_t, 64> w{};
  w[0] = 0x80000000u;
  w[15] = 512;
  for (int t = 16; t < 64; ++t) {
    const uint32_t s0 = Rotr(w[t - 15], 7) ^ Rotr(w[t - 15], 18) ^ (w[t - 15] >> 3);
    const uint32_t s1 = Rotr(w[t - 2], 17) ^ Rotr(w[t - 2], 19) ^ (w[t - 2] >> 10);
    w[t] = w[t - 16] + s0 + w[t - 7] + s1;
  }
  for (int t = 0; t < 64; ++t) w[t] += kK256[t];
  return w;
}
alignas(16) constexpr std::array<uint32_t, 64> kPadWk256 = PaddingBlockWk();

CCV_SHA_NI_INLINE __m128i Bswap32Mask() {
  return _mm_set_epi64x(0x0c0d0e0f08090a0bULL, 0x0405060700010203ULL);
}
CCV_SHA_NI_INLINE __m128i ReverseMask() {
  return _mm_set_epi64x(0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL);
}
CCV_SHA_NI_INLINE __m128i LoadU(const uint8_t* p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
}

// ---- SHA-256 ----

// Four rounds on message-plus-constant words wk.
CCV_SHA_NI_INLINE void Sha256Rounds(__m128i& abef, __m128i& cdgh, __m128i wk) {
  cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
  abef = _mm_sha256rnds2_epu32(abef, cdgh, _mm_shuffle_epi32(wk, 0x0E));
}

// Group j of four rounds; w[j & 3] holds W[4j..4j+3] once scheduled.
template <int J>
CCV_SHA_NI_INLINE void Sha256Group(__m128i& abef, __m128i& cdgh, __m128i (&w)[4]) {
  if constexpr (J >= 4) {
    // W[t] = s1(W[t-2]) + W[t-7] + s0(W[t-15]) + W[t-16], four at a time.
    const __m128i w7 = _mm_alignr_epi8(w[(J + 3) & 3], w[(J + 2) & 3], 4);
    w[J & 3] = _mm_sha256msg2_epu32(
        _mm_add_epi32(_mm_sha256msg1_epu32(w[J & 3], w[(J + 1) & 3]), w7), w[(J + 3) & 3]);
  }
  const __m128i k = _mm_load_si128(reinterpret_cast<const __m128i*>(kK256) + J);
  Sha256Rounds(abef, cdgh, _mm_add_epi32(w[J & 3], k));
}

template <int... J>
CCV_SHA_NI_INLINE void Sha256Groups(__m128i& abef, __m128i& cdgh, __m128i (&w)[4],
                                    std::integer_sequence<int, J...>) {
  (Sha256Group<J>(abef, cdgh, w), ...);
}

template <int... J>
CCV_SHA_NI_INLINE void Sha256PadGroups(__m128i& abef, __m128i& cdgh,
                                       std::integer_sequence<int, J...>) {
  (Sha256Rounds(abef, cdgh, _mm_load_si128(reinterpret_cast<const __m128i*>(kPadWk256.data()) + J)),
   ...);
}

// Words A..D and E..H (dword 0 = A, E) to ABEF / CDGH, and back.
CCV_SHA_NI_INLINE void ToAbef(__m128i abcd, __m128i efgh, __m128i* abef, __m128i* cdgh) {
  const __m128i badc = _mm_shuffle_epi32(abcd, 0xB1);
  const __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1B);
  *abef = _mm_alignr_epi8(badc, hgfe, 8);
  *cdgh = _mm_blend_epi16(hgfe, badc, 0xF0);
}
CCV_SHA_NI_INLINE void FromAbef(__m128i abef, __m128i cdgh, __m128i* abcd, __m128i* efgh) {
  const __m128i abef_words = _mm_shuffle_epi32(abef, 0x1B);  // A B E F
  const __m128i ghcd = _mm_shuffle_epi32(cdgh, 0xB1);        // G H C D
  *abcd = _mm_blend_epi16(abef_words, ghcd, 0xF0);
  *efgh = _mm_alignr_epi8(ghcd, abef_words, 8);
}

// One SHA-256 chain: the register as words A..D, E..H.
struct Sha256Chain {
  __m128i abcd, efgh, iv_abef, iv_cdgh;

  CCV_SHA_NI_INLINE void Load(const uint8_t* reg) {
    abcd = _mm_shuffle_epi8(LoadU(reg), Bswap32Mask());
    efgh = _mm_shuffle_epi8(LoadU(reg + 16), Bswap32Mask());
    const __m128i iv_abcd = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIv256));
    const __m128i iv_efgh = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kIv256 + 4));
    ToAbef(iv_abcd, iv_efgh, &iv_abef, &iv_cdgh);
  }
  CCV_SHA_NI_INLINE void Store(uint8_t* reg) const {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(reg), _mm_shuffle_epi8(abcd, Bswap32Mask()));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(reg + 16), _mm_shuffle_epi8(efgh, Bswap32Mask()));
  }
  // reg = SHA-256(reg || d): the register and d are the first block's
  // words, the second block is all padding.
  CCV_SHA_NI_INLINE void Step(const uint8_t* d) {
    __m128i w[4] = {abcd, efgh, _mm_shuffle_epi8(LoadU(d), Bswap32Mask()),
                    _mm_shuffle_epi8(LoadU(d + 16), Bswap32Mask())};
    __m128i abef = iv_abef, cdgh = iv_cdgh;
    Sha256Groups(abef, cdgh, w, std::make_integer_sequence<int, 16>{});
    abef = _mm_add_epi32(abef, iv_abef);
    cdgh = _mm_add_epi32(cdgh, iv_cdgh);
    const __m128i abef1 = abef, cdgh1 = cdgh;
    Sha256PadGroups(abef, cdgh, std::make_integer_sequence<int, 16>{});
    FromAbef(_mm_add_epi32(abef, abef1), _mm_add_epi32(cdgh, cdgh1), &abcd, &efgh);
  }
};

// ---- SHA-1 ----

// Group g of four rounds; w[g & 3] holds W[4g..4g+3] once scheduled; `prev`
// is the state before the previous group (E for group 0).
template <int G>
CCV_SHA_NI_INLINE void Sha1Group(__m128i& abcd, __m128i& prev, __m128i (&w)[4]) {
  if constexpr (G >= 4) {
    // W[t] = rol1(W[t-3] ^ W[t-8] ^ W[t-14] ^ W[t-16]), four at a time.
    w[G & 3] = _mm_sha1msg2_epu32(
        _mm_xor_si128(_mm_sha1msg1_epu32(w[G & 3], w[(G + 1) & 3]), w[(G + 2) & 3]),
        w[(G + 3) & 3]);
  }
  const __m128i e = G == 0 ? _mm_add_epi32(prev, w[0]) : _mm_sha1nexte_epu32(prev, w[G & 3]);
  prev = abcd;
  abcd = _mm_sha1rnds4_epu32(abcd, e, G / 5);
}

template <int... G>
CCV_SHA_NI_INLINE void Sha1Groups(__m128i& abcd, __m128i& prev, __m128i (&w)[4],
                                  std::integer_sequence<int, G...>) {
  (Sha1Group<G>(abcd, prev, w), ...);
}

// One SHA-1 chain: the register as ABCD and E (highest dwords).
struct Sha1Chain {
  __m128i abcd, e, iv_abcd, iv_e, pad_w2_low, pad_w3;

  CCV_SHA_NI_INLINE void Load(const uint8_t* reg) {
    abcd = _mm_shuffle_epi8(LoadU(reg), ReverseMask());
    const uint32_t e_word = uint32_t(reg[16]) << 24 | uint32_t(reg[17]) << 16 |
                            uint32_t(reg[18]) << 8 | uint32_t(reg[19]);
    e = _mm_set_epi32(int(e_word), 0, 0, 0);
    iv_abcd = _mm_set_epi32(0x67452301, int(0xefcdab89), int(0x98badcfe), 0x10325476);
    iv_e = _mm_set_epi32(int(0xc3d2e1f0), 0, 0, 0);
    // The 40-byte message's padding: W[10] = 0x80000000, W[15] = 320 bits.
    pad_w2_low = _mm_set_epi32(0, 0, int(0x80000000), 0);
    pad_w3 = _mm_set_epi32(0, 0, 0, 320);
  }
  CCV_SHA_NI_INLINE void Store(uint8_t* reg) const {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(reg), _mm_shuffle_epi8(abcd, ReverseMask()));
    const uint32_t e_word = uint32_t(_mm_extract_epi32(e, 3));
    reg[16] = uint8_t(e_word >> 24);
    reg[17] = uint8_t(e_word >> 16);
    reg[18] = uint8_t(e_word >> 8);
    reg[19] = uint8_t(e_word);
  }
  // reg = SHA-1(reg || d), one block: W[0..4] the register, W[5..9] d.
  CCV_SHA_NI_INLINE void Step(const uint8_t* d) {
    const __m128i d0_3 = _mm_shuffle_epi8(LoadU(d), ReverseMask());      // d0 highest
    const __m128i d1_4 = _mm_shuffle_epi8(LoadU(d + 4), ReverseMask());  // d1 highest
    __m128i w[4] = {
        abcd,                                               // W0..3 = A..D
        _mm_blend_epi16(_mm_srli_si128(d0_3, 4), e, 0xC0),  // E, d0, d1, d2
        _mm_or_si128(_mm_slli_si128(d1_4, 8), pad_w2_low),  // d3, d4, 0x80.., 0
        pad_w3,                                             // 0, 0, 0, 320
    };
    __m128i next = iv_abcd, prev = iv_e;
    Sha1Groups(next, prev, w, std::make_integer_sequence<int, 20>{});
    e = _mm_sha1nexte_epu32(prev, iv_e);
    abcd = _mm_add_epi32(next, iv_abcd);
  }
};

template <typename Chain, typename T, typename BytesOf>
CCV_SHA_NI void RunChain(uint8_t* reg, std::span<const T> digests, BytesOf bytes_of) {
  Chain c;
  c.Load(reg);
  for (const T& d : digests) c.Step(bytes_of(d));
  c.Store(reg);
}

const uint8_t* DigestBytes(const Digest& d) { return d.bytes.data(); }
const uint8_t* SpanBytes(const ByteSpan& d) { return d.data(); }

}  // namespace

bool ShaNiAvailable() {
  static const bool available = [] {
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (__get_cpuid(1, &a, &b, &c, &d) == 0) return false;
    const bool ssse3 = (c & bit_SSSE3) != 0, sse41 = (c & bit_SSE4_1) != 0;
    if (__get_cpuid_max(0, nullptr) < 7) return false;
    __cpuid_count(7, 0, a, b, c, d);
    const bool sha = (b & (1u << 29)) != 0;
    return ssse3 && sse41 && sha;
  }();
  return available;
}

void ShaNiExtendChainSha1(uint8_t reg[20], std::span<const Digest> digests) {
  RunChain<Sha1Chain>(reg, digests, DigestBytes);
}
void ShaNiExtendChainSha1(uint8_t reg[20], std::span<const ByteSpan> digests) {
  RunChain<Sha1Chain>(reg, digests, SpanBytes);
}
void ShaNiExtendChainSha256(uint8_t reg[32], std::span<const Digest> digests) {
  RunChain<Sha256Chain>(reg, digests, DigestBytes);
}
void ShaNiExtendChainSha256(uint8_t reg[32], std::span<const ByteSpan> digests) {
  RunChain<Sha256Chain>(reg, digests, SpanBytes);
}

CCV_SHA_NI void ShaNiExtendChainsSha1Sha256(uint8_t reg1[20], std::span<const Digest> d1,
                                            uint8_t reg256[32], std::span<const Digest> d256) {
  Sha1Chain a;
  Sha256Chain b;
  a.Load(reg1);
  b.Load(reg256);
  // Independent steps side by side: the core overlaps their rounds.
  for (size_t i = 0; i < d1.size(); ++i) {
    a.Step(d1[i].bytes.data());
    b.Step(d256[i].bytes.data());
  }
  a.Store(reg1);
  b.Store(reg256);
}

#else  // !CCV_SHA_NI_BUILT

bool ShaNiAvailable() { return false; }

namespace {
[[noreturn]] void NotBuilt() {
  std::fprintf(stderr, "ccverify: internal error: SHA-NI chains are not built for this target\n");
  std::abort();
}
}  // namespace

void ShaNiExtendChainSha1(uint8_t*, std::span<const Digest>) { NotBuilt(); }
void ShaNiExtendChainSha1(uint8_t*, std::span<const ByteSpan>) { NotBuilt(); }
void ShaNiExtendChainSha256(uint8_t*, std::span<const Digest>) { NotBuilt(); }
void ShaNiExtendChainSha256(uint8_t*, std::span<const ByteSpan>) { NotBuilt(); }
void ShaNiExtendChainsSha1Sha256(uint8_t*, std::span<const Digest>, uint8_t*,
                                 std::span<const Digest>) {
  NotBuilt();
}

#endif  // CCV_SHA_NI_BUILT

}  // namespace ccv::crypto::internal
