#include "parsers/core/hex.h"

#include <array>
#include <string>

#include <gtest/gtest.h>

namespace ccv {
namespace {

TEST(HexTest, RoundTrips) {
  std::vector<uint8_t> b = {0x00, 0x7f, 0xab, 0xff};
  EXPECT_EQ(ToHex(b), "007fabff");
  auto back = FromHex("007FabFF");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, b);
}

TEST(HexTest, FromHexFailsOnOddLength) {
  auto r = FromHex("abc");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadLength);
}

TEST(HexTest, FromHexNamesPositionOfBadCharacter) {
  auto r = FromHex("00g0");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(r.status().offset(), 2u);
}

TEST(HexTest, DecodeHexIntoRejectsBadInput) {
  std::array<uint8_t, 2> out;
  EXPECT_TRUE(DecodeHexInto("beef", out));
  EXPECT_EQ(out[0], 0xbe);
  EXPECT_FALSE(DecodeHexInto("bee", out));
  EXPECT_FALSE(DecodeHexInto("be-f", out));
  EXPECT_FALSE(DecodeHexInto("bee f", out));
  EXPECT_FALSE(DecodeHexInto("zzzz", out));
}

TEST(HexTest, AllBytesEqual) {
  std::vector<uint8_t> z(8, 0);
  EXPECT_TRUE(AllBytesEqual(z, 0));
  z[7] = 1;
  EXPECT_FALSE(AllBytesEqual(z, 0));
}

// ContainsEither against string_view::find for every length to 40 (whole
// 16-byte steps, tails, both), the byte at every position, and bytes that
// differ from the wanted ones only in their sign bit.
TEST(HexTest, ContainsEitherMatchesFind) {
  for (size_t n = 0; n <= 40; ++n) {
    const std::string clean(n, 'a');
    EXPECT_FALSE(ContainsEither(clean, ' ', '\0')) << n;
    EXPECT_FALSE(ContainsEither(clean, char(0xE1), char(0x80))) << n;
    for (size_t pos = 0; pos < n; ++pos) {
      for (char c : {' ', '\0'}) {
        std::string s = clean;
        s[pos] = c;
        EXPECT_TRUE(ContainsEither(s, ' ', '\0')) << n << " at " << pos;
        EXPECT_EQ(ContainsEither(s, c, c), s.find(c) != std::string::npos);
        EXPECT_FALSE(ContainsEither(s, 'b', char(c ^ 0x80))) << n << " at " << pos;
      }
    }
  }
}

}  // namespace
}  // namespace ccv
