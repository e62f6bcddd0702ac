#include "agent/cc_api.h"

#include <vector>

#include "gtest/gtest.h"
#include "parsers/core/hex.h"

namespace ccv::agent {
namespace {

Digest Fill(HashAlg alg, uint8_t v) { return Digest::Filled(alg, v); }

CcEvent Event(uint32_t imr, uint32_t type, std::vector<Digest> digests,
              CcEventSource source = CcEventSource::kCcel) {
  CcEvent e;
  e.imr_index = imr;
  e.event_type = type;
  e.digests = std::move(digests);
  e.source = source;
  return e;
}

// Expected values computed independently with Python hashlib:
// sha384(sha384(0^48 || 01^48) || 02^48), sha256(0^32 || 03^32),
// sha384(0^48 || ff^48).
constexpr char kRtmr0[] =
    "11422093d9248558e623cdd803580126f1912db17c838f511a296eb2e7dba838"
    "2ad56767569170322357e1a8fef06eae";
constexpr char kSha256Imr2[] = "a374910806592750e535db78366147f88e164a9102a9b30cafa8eeaf7380cfb4";
constexpr char kViolation[] =
    "7d4fd80ec2887e82b1a453745c5cbd24e2be56273d311fd7ab567c50c7a3a370"
    "65b7328375dc9045fb0fe02e12d34d75";

TEST(ReplayCcEventsTest, ExtendsPerImrAndBankSkippingNoActionAndMrtd) {
  std::vector<CcEvent> events = {
      Event(0, kEvNoAction, {Fill(HashAlg::kSha384, 9)}), Event(0, 1, {Fill(HashAlg::kSha384, 1)}),
      Event(kImrMrtd, 1, {Fill(HashAlg::kSha384, 7)}),    Event(2, 1, {Fill(HashAlg::kSha256, 3)}),
      Event(0, 1, {Fill(HashAlg::kSha384, 2)}),
  };
  Result<CcReplayResult> r = ReplayCcEvents(events);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ(ToHex(r->at(0).at(HashAlg::kSha384).span()), kRtmr0);
  EXPECT_EQ(ToHex(r->at(2).at(HashAlg::kSha256).span()), kSha256Imr2);
  EXPECT_EQ(r->at(0).size(), 1u);
  EXPECT_EQ(r->count(kImrMrtd), 0u);
}

TEST(ReplayCcEventsTest, ImaViolationExtendsAllOnes) {
  std::vector<CcEvent> events = {
      Event(2, kImaMeasurementEvent, {Digest::Zero(HashAlg::kSha384)}, CcEventSource::kIma)};
  Result<CcReplayResult> r = ReplayCcEvents(events);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(ToHex(r->at(2).at(HashAlg::kSha384).span()), kViolation);
}

TEST(ReplayCcEventsTest, ZeroDigestOfAFirmwareEventIsExtendedAsIs) {
  std::vector<CcEvent> events = {Event(2, 1, {Digest::Zero(HashAlg::kSha384)})};
  Result<CcReplayResult> r = ReplayCcEvents(events);
  ASSERT_TRUE(r.ok());
  EXPECT_NE(ToHex(r->at(2).at(HashAlg::kSha384).span()), kViolation);
}

TEST(ReplayCcEventsTest, EmptyInputGivesEmptyResult) {
  Result<CcReplayResult> r = ReplayCcEvents({});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ReplayCcEventsTest, DigestOfTheWrongLengthIsBadLength) {
  Digest bad = Fill(HashAlg::kSha384, 1);
  bad.len = 32;
  std::vector<CcEvent> events = {Event(0, 1, {Fill(HashAlg::kSha384, 1)}), Event(1, 1, {bad})};
  Result<CcReplayResult> r = ReplayCcEvents(events);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kBadLength);
}

std::vector<CcEvent> Numbered(size_t n) {
  std::vector<CcEvent> v(n);
  for (size_t i = 0; i < n; ++i) v[i].rec_num = uint32_t(i);
  return v;
}

TEST(SliceCcEventsTest, SelectsTheRequestedRange) {
  auto all = Numbered(5);
  Result<std::vector<CcEvent>> s = SliceCcEvents(all, 1, 3);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 3u);
  EXPECT_EQ((*s)[0].rec_num, 1u);
  EXPECT_EQ((*s)[2].rec_num, 3u);
  EXPECT_EQ(SliceCcEvents(all, 2, std::nullopt)->size(), 3u);
  EXPECT_EQ(SliceCcEvents(all, 0, std::nullopt)->size(), 5u);
}

TEST(SliceCcEventsTest, StartAtTheEndGivesNothing) {
  auto all = Numbered(5);
  Result<std::vector<CcEvent>> s = SliceCcEvents(all, 5, std::nullopt);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->empty());
}

TEST(SliceCcEventsTest, RangesPastTheEndAreInvalidArguments) {
  auto all = Numbered(5);
  EXPECT_EQ(SliceCcEvents(all, 6, std::nullopt).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SliceCcEvents(all, 4, 2).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SliceCcEvents(all, 0, 6).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(SliceCcEvents(all, 1, SIZE_MAX).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace ccv::agent
