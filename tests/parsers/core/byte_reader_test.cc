#include "parsers/core/byte_reader.h"

#include <array>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

namespace ccv {
namespace {

TEST(ByteReaderTest, ReadsLittleAndBigEndian) {
  std::vector<uint8_t> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                            0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e};
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

TEST(ByteReaderTest, ReadIntoCopiesExactlyTheArraySize) {
  std::vector<uint8_t> b = {1, 2, 3, 4, 5};
  ByteReader r(b, 100);
  std::array<uint8_t, 4> out{};
  ASSERT_TRUE(r.ReadInto(out, "mr").ok());
  EXPECT_EQ(out, (std::array<uint8_t, 4>{1, 2, 3, 4}));
  EXPECT_EQ(r.Offset(), 104u);
  std::array<uint8_t, 1> last{};
  ASSERT_TRUE(r.ReadInto(last, "last").ok());
  EXPECT_EQ(last[0], 5);
  EXPECT_TRUE(r.Empty());
}

TEST(ByteReaderTest, ReadIntoFailsOnShortInputWithoutTouchingTheOutput) {
  std::vector<uint8_t> b = {1, 2, 3, 4, 5};
  ByteReader r(b, 100);
  ASSERT_TRUE(r.Skip(2, "pad").ok());
  std::array<uint8_t, 4> out = {9, 9, 9, 9};
  Status s = r.ReadInto(out, "rtmr0");
  EXPECT_EQ(s.code(), ErrorCode::kTruncated);
  EXPECT_EQ(s.offset(), std::optional<uint64_t>(102));
  EXPECT_EQ(s.field(), "rtmr0");
  EXPECT_EQ(out, (std::array<uint8_t, 4>{9, 9, 9, 9}));
  EXPECT_EQ(r.Offset(), 102u) << "a failed read must not advance";
}

TEST(ByteReaderTest, ReadIntoAnEmptySpanAlwaysSucceeds) {
  ByteReader r(Bytes{}, 7);
  EXPECT_TRUE(r.ReadInto(std::span<uint8_t>(), "none").ok());
  EXPECT_EQ(r.Offset(), 7u);
}

// One row per length-prefixed getter and input; the error (if any) is
// asserted by code and absolute offset, the sub-reader by size and offset.
struct LengthPrefixedCase {
  const char* name;
  int width;  // 1, 2 or 4
  std::vector<uint8_t> input;
  ErrorCode code;             // kOk: the read succeeds
  uint64_t error_offset = 0;  // absolute, base offset 1000
  size_t sub_len = 0;         // on success
  size_t left_after = 0;      // on success: bytes after the sub-reader
};

Result<ByteReader> ReadPrefixed(ByteReader* r, int width) {
  switch (width) {
    case 1:
      return r->ReadU8LengthPrefixed("field");
    case 2:
      return r->ReadU16LengthPrefixed("field");
    default:
      return r->ReadU32LengthPrefixed("field");
  }
}

TEST(ByteReaderTest, LengthPrefixedReadsTable) {
  const LengthPrefixedCase kCases[] = {
      {"u8 empty input", 1, {}, ErrorCode::kTruncated, 1000},
      {"u8 zero length", 1, {0, 'x'}, ErrorCode::kOk, 0, 0, 1},
      {"u8 exact length", 1, {3, 'a', 'b', 'c'}, ErrorCode::kOk, 0, 3, 0},
      {"u8 one byte short", 1, {3, 'a', 'b'}, ErrorCode::kBadLength, 1000},
      {"u8 largest length, no data", 1, {0xff}, ErrorCode::kBadLength, 1000},
      {"u16 length cut short", 2, {2}, ErrorCode::kTruncated, 1000},
      {"u16 exact length", 2, {2, 0, 'a', 'b', 'z'}, ErrorCode::kOk, 0, 2, 1},
      {"u16 little-endian length", 2, {0, 1, 'a'}, ErrorCode::kBadLength, 1000},
      {"u16 largest length", 2, {0xff, 0xff, 'a'}, ErrorCode::kBadLength, 1000},
      {"u32 length cut short", 4, {1, 0, 0}, ErrorCode::kTruncated, 1000},
      {"u32 exact length", 4, {1, 0, 0, 0, 'a'}, ErrorCode::kOk, 0, 1, 0},
      {"u32 one byte short", 4, {2, 0, 0, 0, 'a'}, ErrorCode::kBadLength, 1000},
      {"u32 largest length", 4, {0xff, 0xff, 0xff, 0xff, 'a'}, ErrorCode::kBadLength, 1000},
  };
  for (const LengthPrefixedCase& c : kCases) {
    ByteReader r(c.input, 1000);
    Result<ByteReader> sub = ReadPrefixed(&r, c.width);
    if (c.code == ErrorCode::kOk) {
      ASSERT_TRUE(sub.ok()) << c.name << ": " << sub.status().ToString();
      EXPECT_EQ(sub->Remaining(), c.sub_len) << c.name;
      EXPECT_EQ(sub->Offset(), 1000u + unsigned(c.width)) << c.name;
      EXPECT_EQ(r.Remaining(), c.left_after) << c.name;
      continue;
    }
    ASSERT_FALSE(sub.ok()) << c.name;
    EXPECT_EQ(sub.status().code(), c.code) << c.name << ": " << sub.status().ToString();
    EXPECT_EQ(sub.status().offset(), std::optional<uint64_t>(c.error_offset)) << c.name;
    EXPECT_EQ(sub.status().field(), "field") << c.name;
    EXPECT_EQ(r.Offset(), 1000u) << c.name << ": a failed read must not advance";
  }
}

TEST(ByteReaderTest, LengthPrefixedErrorsPointIntoTheEnclosingInput) {
  std::vector<uint8_t> b = {0, 0, 0, 0, 2, 0, 'a', 'b', 9, 'c'};
  ByteReader r(b, 500);
  ASSERT_TRUE(r.Skip(4, "pad").ok());
  Result<ByteReader> outer = r.ReadU16LengthPrefixed("outer");
  ASSERT_TRUE(outer.ok());
  EXPECT_EQ(outer->Offset(), 506u);
  Result<ByteReader> inner = r.ReadU8LengthPrefixed("inner");
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(inner.status().offset(), std::optional<uint64_t>(508));
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
