#include "parsers/core/register_id.h"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace ccv {
namespace {

using Kind = RegisterId::Kind;

std::vector<RegisterId> AllRegisters() {
  std::vector<RegisterId> all = {RegisterId::Mrtd()};
  for (uint32_t i = 0; i < kNumPcrs; ++i) all.push_back(RegisterId::Pcr(i));
  for (uint32_t i = 0; i < kNumRtmrs; ++i) all.push_back(RegisterId::Rtmr(i));
  return all;
}

TEST(RegisterIdTest, NamesAsReportsSpellThem) {
  EXPECT_EQ(RegisterId::Mrtd().Name(), "mrtd");
  EXPECT_EQ(RegisterId::Rtmr(2).Name(), "rtmr2");
  EXPECT_EQ(RegisterId::Pcr(0).Name(), "pcr0");
  EXPECT_EQ(RegisterId::Pcr(10).Name(), "pcr10");
  // A register named by evidence that does not exist keeps its index.
  EXPECT_EQ(RegisterId::Pcr(40).Name(), "pcr40");
  EXPECT_EQ(RegisterId::Rtmr(7).Name(), "rtmr7");
}

TEST(RegisterIdTest, ParseRoundTripsEveryRegisterThatExists) {
  std::vector<RegisterId> all = AllRegisters();
  EXPECT_EQ(all.size(), 1 + kNumPcrs + kNumRtmrs);
  for (const RegisterId& id : all) {
    Result<RegisterId> back = RegisterId::Parse(id.Name());
    ASSERT_TRUE(back.ok()) << id.Name();
    EXPECT_EQ(*back, id) << id.Name();
    EXPECT_EQ(back->Name(), id.Name());
    EXPECT_TRUE(id.Exists()) << id.Name();
  }
}

TEST(RegisterIdTest, ParseFailsOnEveryOtherForm) {
  const std::string with_nul("rtmr2\0", 6);
  for (std::string_view bad :
       std::initializer_list<std::string_view>{"",
                                               "r",
                                               "rtmr",
                                               "pcr",
                                               "mrt",
                                               "mrtdd",
                                               "mrtd0",  // no or extra index
                                               "RTMR2",
                                               "Rtmr2",
                                               "PCR10",
                                               "MRTD",
                                               "rTmr2",  // case
                                               "rtmr02",
                                               "rtmr00",
                                               "pcr010",
                                               "pcr00",
                                               "pcr01",  // leading zeros
                                               "rtmr4",
                                               "rtmr9",
                                               "rtmr10",
                                               "pcr24",
                                               "pcr99",  // out of range
                                               "pcr100",
                                               "pcr4294967306",
                                               "rtmr4294967297",  // long, wrapping
                                               "rtmr-1",
                                               "rtmr+2",
                                               "pcr-0",
                                               "pcr0x1",
                                               "pcr1O",  // not decimal
                                               " rtmr2",
                                               "rtmr2 ",
                                               "rtmr 2",
                                               "pcr\t10",
                                               "pcr10\n",  // white space
                                               "rtmr2x",
                                               "pcr10a",
                                               "mrtd ",
                                               "rtmr_2",
                                               "pcr#10",  // trailing junk
                                               "\xd9\xa2",
                                               "rtmr\xd9\xa2",  // non-ASCII digit
                                               std::string_view(with_nul)}) {
    Result<RegisterId> r = RegisterId::Parse(bad);
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue) << bad;
  }
}

TEST(RegisterIdTest, ExistsOnlyWithinTheRegisterFile) {
  EXPECT_FALSE(RegisterId::Pcr(kNumPcrs).Exists());
  EXPECT_FALSE(RegisterId::Rtmr(kNumRtmrs).Exists());
  EXPECT_FALSE(RegisterId::Pcr(0xFFFFFFFFu).Exists());
  EXPECT_FALSE((RegisterId{Kind::kMrtd, 1}).Exists());
}

TEST(RegisterIdTest, FromCcMrIndexMapsMrtdAndRtmrs) {
  EXPECT_EQ(RegisterId::FromCcMrIndex(0), RegisterId::Mrtd());
  for (uint32_t i = 0; i < kNumRtmrs; ++i)
    EXPECT_EQ(RegisterId::FromCcMrIndex(i + 1), RegisterId::Rtmr(i));
  EXPECT_EQ(RegisterId::FromCcMrIndex(5), std::nullopt);
  EXPECT_EQ(RegisterId::FromCcMrIndex(10), std::nullopt);
  EXPECT_EQ(RegisterId::FromCcMrIndex(0xFFFFFFFFu), std::nullopt);
}

TEST(RegisterIdTest, CcMrIndexIsTheInverse) {
  for (uint32_t mr = 0; mr <= kNumRtmrs; ++mr) {
    std::optional<RegisterId> id = RegisterId::FromCcMrIndex(mr);
    ASSERT_TRUE(id.has_value()) << mr;
    EXPECT_EQ(id->CcMrIndex(), mr);
  }
  EXPECT_EQ(RegisterId::Pcr(1).CcMrIndex(), std::nullopt);
  EXPECT_EQ(RegisterId::Rtmr(kNumRtmrs).CcMrIndex(), std::nullopt);
}

TEST(RegisterIdTest, OrdersByKindThenIndexNumerically) {
  std::vector<RegisterId> want = {RegisterId::Mrtd(),  RegisterId::Pcr(0),  RegisterId::Pcr(2),
                                  RegisterId::Pcr(9),  RegisterId::Pcr(10), RegisterId::Pcr(23),
                                  RegisterId::Pcr(40), RegisterId::Rtmr(0), RegisterId::Rtmr(1),
                                  RegisterId::Rtmr(3), RegisterId::Rtmr(7)};
  std::vector<RegisterId> got = want;
  std::reverse(got.begin(), got.end());
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  EXPECT_LT(RegisterId::Pcr(2), RegisterId::Pcr(10));
  EXPECT_LT(RegisterId::Pcr(23), RegisterId::Rtmr(0));
  EXPECT_NE(RegisterId::Pcr(2), RegisterId::Rtmr(2));
}

TEST(RegisterIdTest, NameOrderMatchesIdOrderForRegistersThatExist) {
  // "mrtd" < "pcr*" < "rtmr*" as strings: reports keyed by name sort alike.
  std::vector<RegisterId> all = AllRegisters();
  for (size_t i = 0; i + 1 < all.size(); ++i) {
    EXPECT_LT(all[i], all[i + 1]);
    if (all[i].kind != all[i + 1].kind) {
      EXPECT_LT(all[i].Name(), all[i + 1].Name());
    }
  }
}

}  // namespace
}  // namespace ccv
