#include "parsers/core/time.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace ccv {
namespace {

TEST(TimeTest, ParsesFractionsToTheNanosecond) {
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01T00:00:00Z"), Time(1767225600));
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01T00:00:00.5Z"), Time(1767225600, 500000000));
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01T00:00:00.000000001Z"), Time(1767225600, 1));
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01T00:00:00.123456789Z"), Time(1767225600, 123456789));
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01T01:00:00.25+01:00"), Time(1767225600, 250000000));
  EXPECT_EQ(*ParseRfc3339Time("1969-12-31T23:59:59.5Z"), Time(-1, 500000000));
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01"), Time(1767225600));
  EXPECT_EQ(*ParseRfc3339Time("2026-01-01", true), Time(1767225600 + 86400));
}

TEST(TimeTest, OrdersByFraction) {
  EXPECT_LT(Time(10), Time(10, 1));
  EXPECT_LT(Time(10, 999999999), Time(11));
  EXPECT_TRUE(WithinWindow(Time(10), 10, 20));
  EXPECT_TRUE(WithinWindow(Time(20), 10, 20));
  EXPECT_FALSE(WithinWindow(Time(20, 1), 10, 20));
  EXPECT_FALSE(WithinWindow(Time(9, 999999999), 10, 20));
}

TEST(TimeTest, FormatsTheFractionOnlyWhenThereIsOne) {
  EXPECT_EQ(FormatRfc3339Time(Time(1767225600)), "2026-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Time(Time(1767225600, 500000000)), "2026-01-01T00:00:00.5Z");
  EXPECT_EQ(FormatRfc3339Time(Time(1767225600, 1)), "2026-01-01T00:00:00.000000001Z");
  EXPECT_EQ(FormatRfc3339Time(Time(-1, 500000000)), "1969-12-31T23:59:59.5Z");
  auto t = ParseRfc3339Time("2026-01-01T00:00:00.120Z");
  EXPECT_EQ(FormatRfc3339Time(*t), "2026-01-01T00:00:00.12Z");
}

TEST(TimeTest, FormatsTheExtremesOfItsRangeWithoutOverflow) {
  // A fuzzed certificate validity reaches these; the calendar values are the
  // proleptic Gregorian dates other libraries print for +-2^63 seconds.
  EXPECT_EQ(FormatRfc3339Time(Time(std::numeric_limits<int64_t>::max())),
            "292277026596-12-04T15:30:07Z");
  EXPECT_EQ(FormatRfc3339Time(Time(std::numeric_limits<int64_t>::min())),
            "-292277022657-01-27T08:29:52Z");
  EXPECT_EQ(FormatRfc3339Time(Time(-86400)), "1969-12-31T00:00:00Z");
  EXPECT_EQ(FormatRfc3339Time(Time(-86401)), "1969-12-30T23:59:59Z");
}

TEST(TimeTest, AcceptsRealLeapSecondsAsTheLastNanosecondOfTheDay) {
  // 2016-12-31T23:59:59Z is 1483228799.
  const Time last(1483228799, 999999999);
  EXPECT_EQ(*ParseRfc3339Time("2016-12-31T23:59:60Z"), last);
  EXPECT_EQ(*ParseRfc3339Time("2016-12-31T23:59:60.5Z"), last);
  // The same leap second written in other offsets.
  EXPECT_EQ(*ParseRfc3339Time("2017-01-01T00:59:60+01:00"), last);
  EXPECT_EQ(*ParseRfc3339Time("2016-12-31T18:29:60-05:30"), last);
  EXPECT_LT(*ParseRfc3339Time("2016-12-31T23:59:59.999Z"), last);
  EXPECT_LT(last, *ParseRfc3339Time("2017-01-01T00:00:00Z"));
  // The first and a mid-year one.
  EXPECT_EQ(*ParseRfc3339Time("1972-06-30T23:59:60Z"), Time(78796799, 999999999));
  EXPECT_EQ(*ParseRfc3339Time("2015-06-30T23:59:60Z"), Time(1435708799, 999999999));
}

TEST(TimeTest, RejectsSecond60ThatIsNoLeapSecond) {
  for (const char* bad : {
           "2026-01-01T00:00:60Z",       // not at the end of a day
           "2016-12-30T23:59:60Z",       // a day without one
           "2017-12-31T23:59:60Z",       // none since 2016
           "2016-12-31T23:59:60+01:00",  // 22:59:60 UTC
           "2016-12-31T23:58:60Z",       // not the last minute
           "1971-12-31T23:59:60Z",       // before 1972-06-30
           "2016-12-31T23:59:61Z",
       }) {
    auto t = ParseRfc3339Time(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.status().code(), ErrorCode::kBadValue) << bad;
  }
  EXPECT_EQ(*ParseRfc3339Time("2016-12-30T23:59:60Z").status().column(), 17u);
}

TEST(TimeTest, RejectsBadFractionsWithColumn) {
  struct Case {
    const char* text;
    uint64_t column;
  } cases[] = {
      {"2026-01-01T00:00:00.Z", 20},           {"2026-01-01T00:00:00.", 20},
      {"2026-01-01T00:00:00.1234567890Z", 29},  // 10 digits
      {"2026-01-01T00:00:00.5", 21},           {"2026-01-01T00:00:00.5x", 21},
      {"2026-01-01T00:00:00,5Z", 19},
  };
  for (const Case& c : cases) {
    auto t = ParseRfc3339Time(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.status().code(), ErrorCode::kBadValue) << c.text;
    EXPECT_EQ(*t.status().column(), c.column) << c.text;
  }
  EXPECT_NE(ParseRfc3339Time("2026-01-01T00:00:00.1234567890Z").status().message().find('9'),
            std::string::npos);
}

}  // namespace
}  // namespace ccv
