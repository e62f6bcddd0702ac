#include "parsers/core/byte_reader.h"

#include <gtest/gtest.h>

#include <vector>

namespace ccv {
namespace {

TEST(ByteReaderTest, ReadsLittleAndBigEndian) {
  std::vector<uint8_t> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                            0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};
  ByteReader r(b);
  EXPECT_EQ(*r.ReadU16Le("a"), 0x0201);
  EXPECT_EQ(*r.ReadU32Le("b"), 0x06050403u);
  EXPECT_EQ(*r.ReadU32Be("c"), 0x0708090au);
  EXPECT_EQ(*r.ReadU16Be("d"), 0x0b0c);
  EXPECT_EQ(r.Remaining(), 2u);
  EXPECT_EQ(r.Offset(), 12u);
}

TEST(ByteReaderTest, ReadU32LeFailsWithThreeBytesLeft) {
  std::vector<uint8_t> b = {1, 2, 3, 4, 5, 6, 7};
  ByteReader r(b);
  ASSERT_TRUE(r.ReadU32Le("first").ok());
  auto v = r.ReadU32Le("second");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(v.status().offset(), 4u);
  EXPECT_EQ(v.status().field(), "second");
  EXPECT_EQ(r.Offset(), 4u) << "a failed read must not advance";
}

TEST(ByteReaderTest, SubReaderKeepsAbsoluteOffsets) {
  std::vector<uint8_t> b(32, 0);
  ByteReader r(b, 1000);
  ASSERT_TRUE(r.Skip(10, "pad").ok());
  auto sub = r.ReadSub(4, "sub");
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->Offset(), 1010u);
  ASSERT_TRUE(sub->ReadU16Le("x").ok());
  auto bad = sub->ReadU32Le("y");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().offset(), 1012u);
  EXPECT_EQ(r.Offset(), 1014u);
}

TEST(ByteReaderTest, LengthPrefixedFailsWhenLengthExceedsData) {
  std::vector<uint8_t> b = {5, 0, 0, 0, 'a', 'b'};
  ByteReader r(b);
  auto sub = r.ReadU32LengthPrefixed("field");
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(r.Offset(), 0u);
}

TEST(ByteReaderTest, LengthPrefixedFailsOnHugeLength) {
  std::vector<uint8_t> b = {0xff, 0xff, 0xff, 0xff, 'a'};
  ByteReader r(b);
  auto sub = r.ReadU32LengthPrefixed("field");
  ASSERT_FALSE(sub.ok());
  EXPECT_EQ(sub.status().code(), ErrorCode::kBadLength);
}

TEST(ByteReaderTest, LengthPrefixedReadsExactBytes) {
  std::vector<uint8_t> b = {2, 0, 0, 0, 'a', 'b', 'c'};
  ByteReader r(b);
  auto sub = r.ReadU32LengthPrefixed("field");
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->Remaining(), 2u);
  EXPECT_EQ(r.Remaining(), 1u);
}

TEST(ByteReaderTest, ReadBytesBeyondEndFails) {
  std::vector<uint8_t> b = {1, 2};
  ByteReader r(b);
  auto v = r.ReadBytes(3, "blob");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(v.status().offset(), 0u);
}

TEST(ByteReaderTest, ReadArrayOnEmptyFails) {
  ByteReader r(Bytes{});
  auto v = r.ReadArray<48>("rtmr");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kTruncated);
  EXPECT_FALSE(r.ReadU8("x").ok());
  EXPECT_FALSE(r.ReadU64Le("x").ok());
  EXPECT_FALSE(r.ReadU64Be("x").ok());
  EXPECT_FALSE(r.Skip(1, "x").ok());
}

TEST(ByteReaderTest, ExpectEmptyReportsLeftover) {
  std::vector<uint8_t> b = {1, 2, 3};
  ByteReader r(b);
  ASSERT_TRUE(r.ReadU8("x").ok());
  Status s = r.ExpectEmpty("record");
  EXPECT_EQ(s.code(), ErrorCode::kBadLength);
  EXPECT_EQ(s.offset(), 1u);
}

}  // namespace
}  // namespace ccv
