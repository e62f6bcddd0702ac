// DecodeHexInto decodes 32 hex characters at a time with SSE2 on x86-64, 64
// with AVX2 where the CPU has it, and the rest with a table: each form (the
// dispatching one and each SIMD form this CPU runs) against FromHex (the
// table-only decoder) on every length, case and bad character position.
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"

namespace ccv {
namespace {

struct Decoder {
  const char* name;
  bool (*decode)(std::string_view, std::span<uint8_t>);
};

std::vector<Decoder> Decoders() {
  std::vector<Decoder> d = {{"DecodeHexInto", &DecodeHexInto},
                            {"sse2", &internal::DecodeHexIntoSse2}};
  if (internal::HexAvx2Available()) d.push_back({"avx2", &internal::DecodeHexIntoAvx2});
  return d;
}

std::string RandomHex(std::mt19937_64& rng, size_t bytes, bool mixed_case) {
  static const char kLower[] = "0123456789abcdef";
  static const char kUpper[] = "0123456789ABCDEF";
  std::string s;
  for (size_t i = 0; i < 2 * bytes; ++i) {
    const char* digits = mixed_case && (rng() & 1) ? kUpper : kLower;
    s.push_back(digits[rng() % 16]);
  }
  return s;
}

TEST(HexDecodeTest, EveryLengthUpTo200BytesMatchesFromHex) {
  for (const Decoder& dec : Decoders()) {
    SCOPED_TRACE(dec.name);
    std::mt19937_64 rng(1);
    for (size_t n = 0; n <= 200; ++n) {
      for (bool mixed : {false, true}) {
        std::string hex = RandomHex(rng, n, mixed);
        Result<std::vector<uint8_t>> want = FromHex(hex);
        ASSERT_TRUE(want.ok());
        std::vector<uint8_t> got(n, 0xee);
        ASSERT_TRUE(dec.decode(hex, got)) << n;
        EXPECT_EQ(got, *want) << "length " << n;
      }
    }
  }
}

TEST(HexDecodeTest, AllDigitPairsDecode) {
  for (const Decoder& dec : Decoders()) {
    SCOPED_TRACE(dec.name);
    // 256 bytes: each value once, upper and lower case, crossing SIMD blocks.
    for (bool upper : {false, true}) {
      std::string hex;
      for (int v = 0; v < 256; ++v) {
        char buf[3];
        std::snprintf(buf, sizeof buf, upper ? "%02X" : "%02x", v);
        hex += buf;
      }
      std::vector<uint8_t> got(256);
      ASSERT_TRUE(dec.decode(hex, got));
      for (int v = 0; v < 256; ++v) EXPECT_EQ(got[size_t(v)], v);
    }
  }
}

TEST(HexDecodeTest, EveryNonHexByteAtEveryPositionIsRejected) {
  for (const Decoder& dec : Decoders()) {
    SCOPED_TRACE(dec.name);
    // 64 bytes: two AVX2 blocks; 48 bytes = 96 characters: three SSE2 blocks
    // of 32 characters or an AVX2 block of 64 and one of 32 (the
    // SHA-384 template hash of an IMA line) and a tail-free length; 40 bytes
    // adds a table-decoded tail.
    std::mt19937_64 rng(2);
    for (size_t n : {size_t{64}, size_t{48}, size_t{40}, size_t{24}, size_t{7}}) {
      const std::string good = RandomHex(rng, n, true);
      std::vector<uint8_t> out(n);
      ASSERT_TRUE(dec.decode(good, out));
      for (int c = 0; c < 256; ++c) {
        const bool is_hex =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (is_hex) continue;
        for (size_t pos = 0; pos < good.size(); ++pos) {
          std::string bad = good;
          bad[pos] = char(c);
          ASSERT_FALSE(dec.decode(bad, out)) << "byte " << c << " at " << pos << " of " << n;
        }
      }
    }
  }
}

TEST(HexDecodeTest, NeighboursOfTheDigitRangesAreRejected) {
  for (const Decoder& dec : Decoders()) {
    SCOPED_TRACE(dec.name);
    // The SIMD range checks use signed compares: test each range's edges.
    for (char c : {'/', ':', '@', 'G', '`', 'g', '\x7f', '\x80', '\xb0', '\xe6', '\xff', '\0', ' ',
                   '\x10', '\xb9'}) {
      std::string hex(64, '0');
      hex[17] = c;
      std::vector<uint8_t> out(32);
      EXPECT_FALSE(dec.decode(hex, out)) << int(uint8_t(c));
    }
  }
}

TEST(HexDecodeTest, WrongLengthIsRejected) {
  for (const Decoder& dec : Decoders()) {
    SCOPED_TRACE(dec.name);
    std::vector<uint8_t> out(32);
    EXPECT_FALSE(dec.decode(std::string(63, '0'), out));
    EXPECT_FALSE(dec.decode(std::string(65, '0'), out));
    EXPECT_FALSE(dec.decode("", out));
    std::vector<uint8_t> none;
    EXPECT_TRUE(dec.decode("", none));
  }
}

}  // namespace
}  // namespace ccv
