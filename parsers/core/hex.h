// Hex encoding and decoding (lowercase output), and small span helpers.
// Thread-safe: pure functions.
#ifndef CCV_PARSERS_CORE_HEX_H_
#define CCV_PARSERS_CORE_HEX_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ccv {

// Lowercase hex of `data`.
std::string ToHex(std::span<const uint8_t> data);
// Appends lowercase hex of `data` to `out`.
void AppendHex(std::span<const uint8_t> data, std::string* out);

// Decodes hex (either case). Errors: kBadLength for an odd length, kBadValue
// naming the offset of the first non-hex character.
Result<std::vector<uint8_t>> FromHex(std::string_view hex);
// Decodes exactly out.size() bytes from hex into `out` (fast path, no
// allocation). Returns false on bad length or a non-hex character.
bool DecodeHexInto(std::string_view hex, std::span<uint8_t> out);

namespace internal {
// DecodeHexInto's two SIMD forms, so tests can check each on any CPU that
// runs them: SSE2 (every x86-64; the table elsewhere) and AVX2 (x86-64 CPUs
// that have it: HexAvx2Available(); DecodeHexInto takes it for 16 bytes or
// more when it is there).
bool DecodeHexIntoSse2(std::string_view hex, std::span<uint8_t> out);
bool DecodeHexIntoAvx2(std::string_view hex, std::span<uint8_t> out);
bool HexAvx2Available();
}  // namespace internal

// True if every byte equals `value`. No early exit: the loop vectorises,
// which beats a compare-and-branch on the short inputs it is used on
// (digests, headers; once per entry of an IMA list).
inline bool AllBytesEqual(std::span<const uint8_t> data, uint8_t value) {
  uint8_t diff = 0;
  for (uint8_t b : data) diff |= uint8_t(b ^ value);
  return diff == 0;
}

// True if `s` holds the byte `a` or the byte `b` (pass a twice for one
// byte): 16 bytes per step on x86-64, without a library call, for the short
// strings of a log entry (paths, names) checked once per entry.
inline bool ContainsEither(std::string_view s, char a, char b) {
  const char* p = s.data();
  size_t n = s.size();
#if defined(__SSE2__)
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b);
  for (; n >= 16; p += 16, n -= 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(c, va), _mm_cmpeq_epi8(c, vb))) != 0) {
      return true;
    }
  }
#endif
  for (; n > 0; ++p, --n) {
    if (*p == a || *p == b) return true;
  }
  return false;
}

inline std::span<const uint8_t> AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsChars(std::span<const uint8_t> b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_HEX_H_
