#include "parsers/core/hex.h"

#include <array>

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

}  // namespace
}  // namespace ccv
