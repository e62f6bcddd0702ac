#include "parsers/ima_register.h"

#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

#include "tests/verifier/replay/ima_test_util.h"

namespace ccv::ima {
namespace {

using namespace ::ccv::testing;  // NOLINT: test helpers

TEST(ImaRegisterTest, ParseTakesRtmr2AndPcr10) {
  Result<RegisterId> rtmr = ParseImaRegister("rtmr2");
  ASSERT_TRUE(rtmr.ok());
  EXPECT_EQ(*rtmr, RegisterId::Rtmr(2));
  Result<RegisterId> pcr = ParseImaRegister("pcr10");
  ASSERT_TRUE(pcr.ok());
  EXPECT_EQ(*pcr, RegisterId::Pcr(10));
}

TEST(ImaRegisterTest, ParseRefusesEveryOtherName) {
  // Registers that exist but IMA is not replayed into, and names that are
  // no register at all.
  for (std::string_view bad : std::initializer_list<std::string_view>{
           "rtmr0",  "rtmr1", "rtmr3", "pcr0",   "pcr2",   "pcr11", "pcr23",
           "mrtd",   "RTMR2", "PCR10", "rtmr02", "pcr010", "",      "rtmr2 ",
           " pcr10", "pcr1O", "rtmr",  "pcr",    "rtmr4",  "pcr24"}) {
    Result<RegisterId> r = ParseImaRegister(bad);
    ASSERT_FALSE(r.ok()) << "'" << bad << "'";
    EXPECT_EQ(r.status().code(), ErrorCode::kBadValue) << bad;
  }
}

TEST(ImaRegisterTest, OnlyRtmr2AndPcr10AreImaRegisters) {
  EXPECT_TRUE(IsImaRegister(RegisterId::Rtmr(2)));
  EXPECT_TRUE(IsImaRegister(RegisterId::Pcr(10)));
  for (RegisterId other : {RegisterId::Mrtd(), RegisterId::Rtmr(0), RegisterId::Rtmr(3),
                           RegisterId::Pcr(2), RegisterId::Pcr(11), RegisterId::Rtmr(10)}) {
    EXPECT_FALSE(IsImaRegister(other)) << other.Name();
  }
}

TEST(ImaRegisterTest, ReadsTheFirstEntryOfEitherForm) {
  TEntry e = NgEntry("/bin/true");
  e.pcr = 2;
  std::string ascii = e.Ascii(HashAlg::kSha384);
  auto a = ReadImaListHead(SpanSource(AsBytes(ascii)), {});
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(a->has_value());
  EXPECT_EQ((*a)->untrusted_pcr, 2u);
  EXPECT_EQ((*a)->listed_alg, HashAlg::kSha384);
  e.pcr = 10;
  std::string binary = e.Binary();
  ReadOptions ro;
  ro.format = LogFormat::kBinary;
  auto b = ReadImaListHead(SpanSource(AsBytes(binary)), ro);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_TRUE(b->has_value());
  EXPECT_EQ((*b)->untrusted_pcr, 10u);
  EXPECT_EQ((*b)->listed_alg, HashAlg::kSha1);
}

TEST(ImaRegisterTest, EmptyListHasNoHead) {
  auto h = ReadImaListHead(SpanSource(Bytes()), {});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_FALSE(h->has_value());
}

TEST(ImaRegisterTest, MalformedFirstEntryIsTheReadersError) {
  std::string list = "x " + std::string(40, 'a') + " ima-ng sha1:00 /a\n";
  auto h = ReadImaListHead(SpanSource(AsBytes(list)), {});
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(h.status().line(), 1u);
  EXPECT_EQ(h.status().column(), 1u);
}

TEST(ImaRegisterTest, OnlyTheFirstEntryIsRead) {
  std::string list = NgEntry("/a").Ascii() + "not an entry\n";
  auto h = ReadImaListHead(SpanSource(AsBytes(list)), {});
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_TRUE(h->has_value());
  EXPECT_EQ((*h)->untrusted_pcr, 10u);
}

TEST(ImaRegisterTest, RegisterOfFollowsTheRule) {
  const HashAlg kSha1 = HashAlg::kSha1, kSha384 = HashAlg::kSha384;
  struct Case {
    const char* name;
    std::optional<RegisterId> given;
    bool tdx;
    std::optional<ImaListHead> head;
    RegisterId want;
  } cases[] = {
      {"given wins over the list", RegisterId::Pcr(10), true, ImaListHead{2, kSha384},
       RegisterId::Pcr(10)},
      {"given without a list", RegisterId::Rtmr(2), false, std::nullopt, RegisterId::Rtmr(2)},
      {"cc-api on a TD", std::nullopt, true, ImaListHead{2, kSha384}, RegisterId::Rtmr(2)},
      {"cc-api form, TEE unknown", std::nullopt, false, ImaListHead{2, kSha384},
       RegisterId::Rtmr(2)},
      {"low index, SHA-1, TEE unknown", std::nullopt, false, ImaListHead{2, kSha1},
       RegisterId::Pcr(2)},
      {"low index, SHA-1, on a TD", std::nullopt, true, ImaListHead{3, kSha1}, RegisterId::Rtmr(3)},
      {"vTPM PCR10 on a TD", std::nullopt, true, ImaListHead{10, kSha1}, RegisterId::Pcr(10)},
      {"RTMR count is the bound", std::nullopt, true, ImaListHead{kNumRtmrs, kSha384},
       RegisterId::Pcr(kNumRtmrs)},
      {"TPM host", std::nullopt, false, ImaListHead{10, kSha1}, RegisterId::Pcr(10)},
      {"other PCR", std::nullopt, false, ImaListHead{11, kSha1}, RegisterId::Pcr(11)},
      {"empty list on a TD", std::nullopt, true, std::nullopt, RegisterId::Rtmr(2)},
      {"empty list elsewhere", std::nullopt, false, std::nullopt, RegisterId::Pcr(10)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ImaRegisterOf(c.given, c.tdx, c.head), c.want) << c.name;
  }
}

}  // namespace
}  // namespace ccv::ima
