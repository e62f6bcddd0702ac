#include "parsers/core/status.h"

#include <gtest/gtest.h>

#include "parsers/core/result.h"

namespace ccv {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return Status(ErrorCode::kBadValue, "odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  CCV_ASSIGN_OR_RETURN(int h, Half(v));
  CCV_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

TEST(StatusTest, ToStringNamesFileOffsetAndField) {
  Status s =
      ParseError(ErrorCode::kTruncated, 0x10, "event_size", "need 4 bytes").WithFile("log.bin");
  EXPECT_EQ(s.ToString(), "log.bin: offset 16 (0x10): field 'event_size': Truncated: need 4 bytes");
  EXPECT_EQ(s.ShiftOffset(4).offset(), 20u);
}

TEST(StatusTest, WithFileIfUnsetKeepsTheInnermostFile) {
  const Status bare = Status(ErrorCode::kBadValue, "bad");
  EXPECT_EQ(bare.WithFileIfUnset("outer.json").file(), "outer.json");
  const Status named = bare.WithFile("inner.bin");
  EXPECT_EQ(named.WithFileIfUnset("outer.json").file(), "inner.bin");
  EXPECT_EQ(named.WithFileIfUnset("outer.json").ToString(), "inner.bin: BadValue: bad");
}

TEST(StatusTest, LineAndColumn) {
  Status s = Status(ErrorCode::kBadValue, "bad").WithLine(3, 7);
  EXPECT_EQ(s.ToString(), "line 3, column 7: BadValue: bad");
}

TEST(ResultTest, MacrosPropagateErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  auto r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadValue);
}

TEST(ResultTest, OkStatusBecomesInternalError) {
  Result<int> r{Status::Ok()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInternal);
}

}  // namespace
}  // namespace ccv
