#include "parsers/core/hex.h"

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
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

bool DecodeHexInto(std::string_view hex, std::span<uint8_t> out) {
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
  int bad = 0;
  for (; i < out.size(); ++i) {
    int8_t hi = kTable[p[2 * i]];
    int8_t lo = kTable[p[2 * i + 1]];
    bad |= hi | lo;
    out[i] = uint8_t((hi << 4) | (lo & 15));
  }
  return bad >= 0;
}

}  // namespace ccv
