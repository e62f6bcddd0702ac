// FileDigestBytes: the inline file digest of an IMA entry fact behaves as
// the byte vector it replaced, and never holds more than kMaxDigestLen bytes.
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "verifier/result/facts.h"

namespace ccv::result {
namespace {

TEST(FileDigestBytesTest, AssignsResizesAndComparesAsAByteVector) {
  FileDigestBytes d;
  EXPECT_TRUE(d.empty());
  const std::vector<uint8_t> v = {1, 2, 3, 0xfe};
  d.assign(v.begin(), v.end());
  EXPECT_EQ(d.size(), 4u);
  EXPECT_EQ(ToHex(d), "010203fe");  // through the span conversion
  d[0] = 9;
  EXPECT_EQ(d[0], 9);
  d.resize(6);
  EXPECT_EQ(ToHex(d), "090203fe0000");
  d.resize(2);
  EXPECT_EQ(ToHex(d), "0902");
  d.assign(3, 0xab);
  EXPECT_EQ(ToHex(d), "ababab");
  FileDigestBytes e;
  e.assign(3, 0xab);
  EXPECT_TRUE(d == e);
  e.resize(4, 0xab);
  EXPECT_FALSE(d == e);
  // Bytes past the length do not take part in the comparison.
  e.resize(3);
  d.resize(3);
  EXPECT_TRUE(d == e);
  std::span<const uint8_t> s = d;
  EXPECT_EQ(s.size(), 3u);
}

TEST(FileDigestBytesTest, MoreThanTheLongestDigestLeavesItEmpty) {
  FileDigestBytes d;
  const std::vector<uint8_t> longest(kMaxDigestLen, 7), longer(kMaxDigestLen + 1, 7);
  d.assign(longest.begin(), longest.end());
  EXPECT_EQ(d.size(), kMaxDigestLen);
  d.assign(longer.begin(), longer.end());
  EXPECT_TRUE(d.empty());
  d.assign(2, 1);
  d.resize(kMaxDigestLen + 1);
  EXPECT_TRUE(d.empty());
  d.assign(kMaxDigestLen + 5, 1);
  EXPECT_TRUE(d.empty());
}

}  // namespace
}  // namespace ccv::result
