#include "parsers/core/hex.h"

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
// An AVX2 decoder beside the SSE2 one, chosen at run time (GCC and clang on
// x86-64).
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define CCV_HEX_AVX2 1
#include <immintrin.h>
#else
#define CCV_HEX_AVX2 0
#endif

namespace ccv {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

constexpr std::array<int8_t, 256> MakeTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = int8_t(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = int8_t(10 + i);
    t['A' + i] = int8_t(10 + i);
  }
  return t;
}
constexpr std::array<int8_t, 256> kTable = MakeTable();

}  // namespace

void AppendHex(std::span<const uint8_t> data, std::string* out) {
  size_t at = out->size();
  out->resize(at + 2 * data.size());
  char* p = out->data() + at;
  for (uint8_t b : data) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 15];
  }
}

std::string ToHex(std::span<const uint8_t> data) {
  std::string out;
  AppendHex(data, &out);
  return out;
}

Result<std::vector<uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status(ErrorCode::kBadLength, "hex string has odd length " + std::to_string(hex.size()));
  }
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); ++i) {
    int8_t v = kTable[static_cast<uint8_t>(hex[i])];
    if (v < 0) {
      return Status(ErrorCode::kBadValue, "non-hex character at position " + std::to_string(i))
          .WithOffset(i);
    }
    if (i % 2 == 0) {
      out[i / 2] = uint8_t(v << 4);
    } else {
      out[i / 2] |= uint8_t(v);
    }
  }
  return out;
}

namespace {

#if defined(__SSE2__)
// Values of 16 hex characters (either case), or false if any is not hex.
// SSE2 is part of x86-64, so this needs no run-time dispatch.
inline bool HexValues16(const uint8_t* p, __m128i* out) {
  const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i lower = _mm_or_si128(c, _mm_set1_epi8(0x20));
  // Signed compares: bytes >= 0x80 are negative and fall in neither range.
  const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8('0' - 1)),
                                      _mm_cmpgt_epi8(_mm_set1_epi8('9' + 1), c));
  const __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                      _mm_cmpgt_epi8(_mm_set1_epi8('f' + 1), lower));
  if (_mm_movemask_epi8(_mm_or_si128(digit, alpha)) != 0xFFFF) return false;
  *out = _mm_or_si128(_mm_and_si128(digit, _mm_sub_epi8(c, _mm_set1_epi8('0'))),
                      _mm_and_si128(alpha, _mm_sub_epi8(lower, _mm_set1_epi8('a' - 10))));
  return true;
}

// 8 bytes from 16 nibble values (high nibble first in memory), in 16-bit lanes.
inline __m128i PackNibbles(__m128i v) {
  return _mm_or_si128(_mm_slli_epi16(_mm_and_si128(v, _mm_set1_epi16(0x00FF)), 4),
                      _mm_srli_epi16(v, 8));
}
#endif

}  // namespace

namespace {

// The bytes from out[i] on, with the table.
bool DecodeHexTail(const uint8_t* p, std::span<uint8_t> out, size_t i) {
  int bad = 0;
  for (; i < out.size(); ++i) {
    int8_t hi = kTable[p[2 * i]];
    int8_t lo = kTable[p[2 * i + 1]];
    bad |= hi | lo;
    out[i] = uint8_t((hi << 4) | (lo & 15));
  }
  return bad >= 0;
}

#if CCV_HEX_AVX2
// The nibble values of 32 hex characters, false if any is not one. A
// character is classified by its high and low nibble through two byte
// shuffles: '0'-'9' are high nibble 3 with low 0-9, 'A'-'F' and 'a'-'f' high
// nibble 4 or 6 with low 1-6; a letter's value is its low nibble plus 9.
__attribute__((target("avx2"))) inline bool HexValues32(const uint8_t* p, __m256i* out) {
  const __m256i by_high = _mm256_setr_epi8(0, 0, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                           0, 0, 0, 1, 2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i by_low = _mm256_setr_epi8(1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0,  //
                                          1, 3, 3, 3, 3, 3, 3, 1, 1, 1, 0, 0, 0, 0, 0, 0);
  const __m256i letter_add = _mm256_setr_epi8(0, 0, 0, 0, 9, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                              0, 0, 0, 0, 9, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i nibble = _mm256_set1_epi8(0x0F);
  const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i low = _mm256_and_si256(c, nibble);
  const __m256i high = _mm256_and_si256(_mm256_srli_epi16(c, 4), nibble);
  const __m256i cls =
      _mm256_and_si256(_mm256_shuffle_epi8(by_high, high), _mm256_shuffle_epi8(by_low, low));
  if (_mm256_movemask_epi8(_mm256_cmpeq_epi8(cls, _mm256_setzero_si256())) != 0) return false;
  *out = _mm256_add_epi8(low, _mm256_shuffle_epi8(letter_add, high));
  return true;
}

// 16 bytes from 32 nibble values (high nibble first), in 16-bit lanes.
__attribute__((target("avx2"))) inline __m256i PackNibbles32(__m256i v) {
  return _mm256_maddubs_epi16(v, _mm256_set1_epi16(0x0110));
}

bool CpuHasAvx2() {
  static const bool has = __builtin_cpu_supports("avx2");
  return has;
}
#endif

}  // namespace

namespace internal {

bool DecodeHexIntoSse2(std::string_view hex, std::span<uint8_t> out) {
  if (hex.size() != 2 * out.size()) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(hex.data());
  size_t i = 0;
#if defined(__SSE2__)
  for (; i + 16 <= out.size(); i += 16) {
    __m128i a, b;
    if (!HexValues16(p + 2 * i, &a) || !HexValues16(p + 2 * i + 16, &b)) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.data() + i),
                     _mm_packus_epi16(PackNibbles(a), PackNibbles(b)));
  }
#endif
  return DecodeHexTail(p, out, i);
}

#if CCV_HEX_AVX2
__attribute__((target("avx2"))) bool DecodeHexIntoAvx2(std::string_view hex,
                                                       std::span<uint8_t> out) {
  if (hex.size() != 2 * out.size()) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(hex.data());
  size_t i = 0;
  // 64 characters: the packs interleave 128-bit lanes, the permute puts
  // them back in order.
  for (; i + 32 <= out.size(); i += 32) {
    __m256i a, b;
    if (!HexValues32(p + 2 * i, &a) || !HexValues32(p + 2 * i + 32, &b)) return false;
    const __m256i packed = _mm256_packus_epi16(PackNibbles32(a), PackNibbles32(b));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out.data() + i),
                        _mm256_permute4x64_epi64(packed, 0xD8));
  }
  if (i + 16 <= out.size()) {
    __m256i a;
    if (!HexValues32(p + 2 * i, &a)) return false;
    const __m256i n = PackNibbles32(a);
    const __m256i packed = _mm256_permute4x64_epi64(_mm256_packus_epi16(n, n), 0xD8);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.data() + i), _mm256_castsi256_si128(packed));
    i += 16;
  }
  return DecodeHexTail(p, out, i);
}
#endif

#if !CCV_HEX_AVX2
bool DecodeHexIntoAvx2(std::string_view hex, std::span<uint8_t> out) {
  return DecodeHexIntoSse2(hex, out);
}
#endif

bool HexAvx2Available() {
#if CCV_HEX_AVX2
  return CpuHasAvx2();
#else
  return false;
#endif
}

}  // namespace internal

bool DecodeHexInto(std::string_view hex, std::span<uint8_t> out) {
#if CCV_HEX_AVX2
  // Hex digests of a few dozen bytes, once or twice per line of a long
  // ascii IMA list: twice the characters per instruction where the CPU can.
  if (out.size() >= 16 && CpuHasAvx2()) return internal::DecodeHexIntoAvx2(hex, out);
#endif
  return internal::DecodeHexIntoSse2(hex, out);
}

}  // namespace ccv
