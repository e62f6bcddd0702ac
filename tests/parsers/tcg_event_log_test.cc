// TCG event log parser: a catalogue of malformed logs (each asserting the
// error code and byte offset) and a few well-formed ones.
#include "parsers/tcg_event_log.h"

#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/ccel.h"
#include "parsers/chunked_source.h"
#include "parsers/core/hash_alg.h"
#include "parsers/event_types.h"
#include "parsers/log_detect.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/testing/sliced_source.h"

namespace ccv::parsers {
namespace {

using Alg = testing::TcgLogBuilder::Alg;

const std::vector<Alg> kSha1Sha256 = {{kTpmAlgSha1, 20}, {kTpmAlgSha256, 32}};
// Layout of a log built by Agile(): record 0 (Spec ID, 2 banks) is 69 bytes;
// record 1 starts at 69: pcr 69, type 73, count 77, alg 81, sha1 83, alg 103,
// sha256 105, event_size 137, data 141.
constexpr uint64_t kRec1 = 69, kRec1Count = 77, kRec1Alg0 = 81, kRec1Digest0 = 83, kRec1Alg1 = 103,
                   kRec1Size = 137, kRec1Data = 141;

testing::TcgLogBuilder Agile() {
  testing::TcgLogBuilder b;
  b.SpecIdHeader(kSha1Sha256);
  return b;
}
std::vector<std::pair<uint16_t, std::vector<uint8_t>>> TwoDigests() {
  return {{kTpmAlgSha1, testing::Filled(20, 0x11)}, {kTpmAlgSha256, testing::Filled(32, 0x22)}};
}
const std::vector<uint8_t> kData = {1, 2, 3, 4};

// Parses in memory and again streamed in 5-byte reads (with the input's size,
// as a regular file gives it); both must agree on the status.
Status ParseStatus(Bytes data, TcgReadOptions opts = {}) {
  Result<TcgLog> mem = ParseTcgLog(data, opts);
  testing::SlicedSource tiny(data, 5);
  ChunkedSource src(&tiny, 4096);
  TcgEventReader reader(&src, opts);
  Status streamed;
  while (true) {
    Result<const TcgEvent*> e = reader.Next();
    if (!e.ok()) {
      streamed = e.status();
      break;
    }
    if (*e == nullptr) break;
  }
  EXPECT_EQ(mem.status().code(), streamed.code()) << streamed.ToString();
  EXPECT_EQ(mem.status().offset(), streamed.offset()) << streamed.ToString();
  return mem.status();
}

void ExpectError(Bytes data, ErrorCode code, uint64_t offset, TcgReadOptions opts = {}) {
  Status s = ParseStatus(data, opts);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), code) << s.ToString();
  ASSERT_TRUE(s.offset().has_value()) << s.ToString();
  EXPECT_EQ(*s.offset(), offset) << s.ToString();
}

// --- record 0 / Spec ID header ---

TEST(TcgEventLogTest, EmptyInputIsTruncatedAtOffsetZero) {
  ExpectError({}, ErrorCode::kTruncated, 0);
}

TEST(TcgEventLogTest, Record0ShorterThanItsHeaderIsTruncated) {
  testing::TcgLogBuilder b;
  b.U32(0).U32(3).Fill(12, 0xAB);  // 20 of 32 header bytes
  ExpectError(b.span(), ErrorCode::kTruncated, 0);
}

TEST(TcgEventLogTest, Record0EventSizeBeyondTheDataIsTruncatedAtTheSizeField) {
  testing::TcgLogBuilder b;
  b.Event1(0, 3, {}, kData, /*event_size=*/0x7265680a);
  ExpectError(b.span(), ErrorCode::kTruncated, 28);
}

TEST(TcgEventLogTest, SpecIdAlgorithmCountBeyondTheDataIsBadLength) {
  testing::TcgLogBuilder d;
  d.Str(std::string_view("Spec ID Event03\0", 16)).U32(0).U8(0).U8(2).U8(0).U8(2).U32(1000);
  d.U16(kTpmAlgSha256).U16(32).U8(0);
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, d.span());
  ExpectError(b.span(), ErrorCode::kBadLength, 32 + 24);
}

TEST(TcgEventLogTest, SpecIdWithMoreAlgorithmsThanSupportedIsLimitExceeded) {
  std::vector<Alg> algs;
  for (uint16_t i = 0; i < 17; ++i) algs.push_back({uint16_t(0x100 + i), 32});
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, testing::TcgLogBuilder::SpecIdData(algs));
  ExpectError(b.span(), ErrorCode::kLimitExceeded, 32 + 24);
}

TEST(TcgEventLogTest, SpecIdWithZeroAlgorithmsIsBadValue) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, testing::TcgLogBuilder::SpecIdData({}));
  ExpectError(b.span(), ErrorCode::kBadValue, 32 + 24);
}

TEST(TcgEventLogTest, SpecIdKnownAlgorithmWithWrongSizeIsBadValue) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {},
           testing::TcgLogBuilder::SpecIdData({{kTpmAlgSha1, 20}, {kTpmAlgSha256, 20}}));
  ExpectError(b.span(), ErrorCode::kBadValue, 32 + 28 + 4 + 2);
}

TEST(TcgEventLogTest, SpecIdDigestSizeZeroIsBadValue) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, testing::TcgLogBuilder::SpecIdData({{0x0027, 0}}));
  ExpectError(b.span(), ErrorCode::kBadValue, 32 + 28 + 2);
}

TEST(TcgEventLogTest, SpecIdHugeDigestSizeIsBadValue) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, testing::TcgLogBuilder::SpecIdData({{0x0027, 0xFFFF}}));
  ExpectError(b.span(), ErrorCode::kBadValue, 32 + 28 + 2);
}

TEST(TcgEventLogTest, SpecIdDuplicateAlgorithmIsBadValue) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {},
           testing::TcgLogBuilder::SpecIdData({{kTpmAlgSha1, 20}, {kTpmAlgSha1, 20}}));
  ExpectError(b.span(), ErrorCode::kBadValue, 32 + 28 + 4);
}

TEST(TcgEventLogTest, SpecIdBytesAfterVendorInfoAreBadLength) {
  std::vector<uint8_t> d = testing::TcgLogBuilder::SpecIdData(kSha1Sha256, {0xAA});
  d.push_back(0xBB);
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, d);
  ExpectError(b.span(), ErrorCode::kBadLength, 32 + d.size() - 1);
}

TEST(TcgEventLogTest, SpecIdCutInsideTheFixedFieldsIsTruncated) {
  std::vector<uint8_t> d = testing::TcgLogBuilder::SpecIdData(kSha1Sha256);
  d.resize(22);  // signature + platform class + 2 of 4 version bytes
  testing::TcgLogBuilder b;
  b.Event1(0, kEvNoAction, {}, d);
  ExpectError(b.span(), ErrorCode::kTruncated, 32 + 22);
}

// --- TCG_PCR_EVENT2 records ---

TEST(TcgEventLogTest, DigestCutShortIsTruncatedAtTheDigest) {
  testing::TcgLogBuilder b = Agile();
  b.U32(0).U32(kEvIpl).U32(2).U16(kTpmAlgSha1).Fill(10, 0x11);
  ExpectError(b.span(), ErrorCode::kTruncated, kRec1Digest0);
}

TEST(TcgEventLogTest, HashAlgCutShortIsTruncatedAtTheAlgorithm) {
  testing::TcgLogBuilder b = Agile();
  b.U32(0).U32(kEvIpl).U32(2).U16(kTpmAlgSha1).Fill(20, 0x11).U8(0x0b);
  ExpectError(b.span(), ErrorCode::kTruncated, kRec1Alg1);
}

TEST(TcgEventLogTest, HugeDigestCountIsLimitExceeded) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, TwoDigests(), kData, /*count=*/0xFFFFFFFF);
  ExpectError(b.span(), ErrorCode::kLimitExceeded, kRec1Count);
}

TEST(TcgEventLogTest, DigestCountAboveTheHeaderBanksIsBadValue) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, TwoDigests(), kData, /*count=*/3);
  ExpectError(b.span(), ErrorCode::kBadValue, kRec1Count);
}

TEST(TcgEventLogTest, DigestCountBeyondTheDataIsTruncated) {
  testing::TcgLogBuilder b = Agile();
  b.U32(0).U32(kEvIpl).U32(2).U16(kTpmAlgSha1).Fill(20, 0x11);
  b.U16(kTpmAlgSha256).U16(0);  // 2 of the 32 bytes of the second digest
  ExpectError(b.span(), ErrorCode::kTruncated, kRec1Alg1 + 2);
}

TEST(TcgEventLogTest, AlgorithmNotInTheSpecIdHeaderIsBadValue) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, {{0x0099, testing::Filled(20, 1)}, {kTpmAlgSha256, testing::Filled(32, 2)}},
           kData);
  ExpectError(b.span(), ErrorCode::kBadValue, kRec1Alg0);
}

TEST(TcgEventLogTest, SameAlgorithmTwiceInOneRecordIsBadValue) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl,
           {{kTpmAlgSha1, testing::Filled(20, 1)}, {kTpmAlgSha1, testing::Filled(20, 2)}}, kData);
  ExpectError(b.span(), ErrorCode::kBadValue, kRec1Alg1);
}

TEST(TcgEventLogTest, HugeEventSizeIsTruncatedAtTheSizeField) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, TwoDigests(), kData, -1, /*event_size=*/0xFFFFFFFF);
  ExpectError(b.span(), ErrorCode::kTruncated, kRec1Size);
}

TEST(TcgEventLogTest, EventSizeOneByteBeyondTheDataIsTruncated) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, TwoDigests(), kData, -1, /*event_size=*/5);
  ExpectError(b.span(), ErrorCode::kTruncated, kRec1Size);
}

TEST(TcgEventLogTest, EventSizeFieldCutShortIsTruncated) {
  testing::TcgLogBuilder b = Agile();
  b.U32(0).U32(kEvIpl).U32(2).U16(kTpmAlgSha1).Fill(20, 0x11).U16(kTpmAlgSha256).Fill(32, 0x22);
  b.U16(4);
  ExpectError(b.span(), ErrorCode::kTruncated, kRec1Size);
}

TEST(TcgEventLogTest, SecondRecordErrorOffsetsCountFromTheFileStart) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, TwoDigests(), kData);
  uint64_t rec2 = b.size();
  b.Event2(0, kEvIpl, TwoDigests(), kData, /*count=*/7);
  ExpectError(b.span(), ErrorCode::kBadValue, rec2 + 8);
}

TEST(TcgEventLogTest, Sha1LogRecordWithEventSizeBeyondTheDataIsTruncated) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvSeparator, testing::Filled(20, 1), kData);
  uint64_t rec1 = b.size();
  b.Event1(1, kEvSeparator, testing::Filled(20, 1), kData, /*event_size=*/100);
  ExpectError(b.span(), ErrorCode::kTruncated, rec1 + 28);
}

TEST(TcgEventLogTest, CcelLogInSha1FormatIsBadMagic) {
  testing::TcgLogBuilder b;
  b.Event1(1, kEvSeparator, testing::Filled(20, 1), kData);
  ExpectError(b.span(), ErrorCode::kBadMagic, 0, TcgReadOptions{.ccel = true});
}

TEST(TcgEventLogTest, CcelSpecIdHeaderAtMrIndexTwoIsBadValue) {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{kTpmAlgSha384, 48}}, /*pcr=*/2);
  ExpectError(b.span(), ErrorCode::kBadValue, 0, TcgReadOptions{.ccel = true});
}

TEST(TcgEventLogTest, StreamedEventAboveTheStreamingLimitIsLimitExceeded) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(0, kEvIpl, TwoDigests(), kData, -1, /*event_size=*/200u << 20);
  b.Fill(64, 0);
  testing::SlicedSource tiny(b.span(), 5, /*size_hint=*/false);  // cannot know the input is short
  ChunkedSource src(&tiny, 4096);
  TcgEventReader reader(&src);
  ASSERT_TRUE(reader.Next().ok());
  Result<const TcgEvent*> e = reader.Next();
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kLimitExceeded);
  EXPECT_EQ(e.status().offset(), std::optional<uint64_t>(kRec1Size));
}

// --- well-formed logs ---

TEST(TcgEventLogTest, CryptoAgileRecordsExposeOffsetsDigestsAndData) {
  testing::TcgLogBuilder b = Agile();
  b.Event2(7, kEvEfiAction, TwoDigests(), kData);
  b.Event2(0xFFFFFFFF, kEvNoAction, TwoDigests(), {});  // zero-length event data
  Result<TcgLog> log = ParseTcgLog(b.span());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ(log->format, TcgLogFormat::kCryptoAgile);
  ASSERT_TRUE(log->spec_id.has_value());
  EXPECT_EQ(log->spec_id->algorithms.size(), 2u);
  ASSERT_EQ(log->events.size(), 3u);
  const TcgEventRecord& e = log->events[1];
  EXPECT_EQ(e.record, 1u);
  EXPECT_EQ(e.offset, kRec1);
  EXPECT_EQ(e.untrusted_pcr_index, 7u);
  EXPECT_EQ(e.untrusted_type, kEvEfiAction);
  ASSERT_EQ(e.digests.size(), 2u);
  EXPECT_EQ(e.digests[1].algorithm_id, kTpmAlgSha256);
  EXPECT_EQ(e.digests[1].digest, testing::Filled(32, 0x22));
  EXPECT_EQ(e.data, kData);
  EXPECT_EQ(e.data_offset, kRec1Data);
  EXPECT_TRUE(log->events[2].data.empty());
  EXPECT_EQ(log->events[2].untrusted_pcr_index, 0xFFFFFFFFu);
  EXPECT_EQ(log->end, TcgLogEnd::kEndOfData);
}

TEST(TcgEventLogTest, UnknownAlgorithmDeclaredInTheHeaderIsKeptWithItsSize) {
  testing::TcgLogBuilder b;
  b.SpecIdHeader({{kTpmAlgSha256, 32}, {0x0027, 40}});
  b.Event2(0, kEvIpl, {{kTpmAlgSha256, testing::Filled(32, 1)}, {0x0027, testing::Filled(40, 2)}},
           kData);
  Result<TcgLog> log = ParseTcgLog(b.span());
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  ASSERT_EQ(log->events.size(), 2u);
  EXPECT_EQ(log->events[1].digests[1].algorithm_id, 0x0027);
  EXPECT_EQ(log->events[1].digests[1].digest.size(), 40u);
  EXPECT_EQ(log->events[1].data, kData);
}

// 0xFF or zero padding after the last event ends the log where it starts.
TEST(TcgEventLogTest, FFOrZeroPaddingEndsTheLog) {
  struct Case {
    uint8_t fill;
    size_t length;
    TcgLogEnd end;
  };
  for (const Case& c :
       {Case{0xFF, 1000, TcgLogEnd::kPaddingFF}, Case{0, 100, TcgLogEnd::kPaddingZero}}) {
    SCOPED_TRACE(int(c.fill));
    testing::TcgLogBuilder b = Agile();
    b.Event2(0, kEvIpl, TwoDigests(), kData);
    uint64_t end = b.size();
    b.Fill(c.length, c.fill);
    Result<TcgLog> log = ParseTcgLog(b.span());
    ASSERT_TRUE(log.ok());
    EXPECT_EQ(log->events.size(), 2u);
    EXPECT_EQ(log->end, c.end);
    EXPECT_EQ(log->end_offset, end);
  }
}

TEST(TcgEventLogTest, TailShorterThanARecordHeaderIsReportedAsTrailingBytes) {
  testing::TcgLogBuilder b = Agile();
  b.U32(0xdeadbeef);
  Result<TcgLog> log = ParseTcgLog(b.span());
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->end, TcgLogEnd::kTrailingBytes);
  EXPECT_EQ(log->end_offset, kRec1);
  EXPECT_EQ(log->trailing_len, 4u);
}

TEST(TcgEventLogTest, LogWithoutSpecIdHeaderIsSha1Format) {
  testing::TcgLogBuilder b;
  b.Event1(0, kEvSCrtmVersion, testing::Filled(20, 3), kData);
  b.Event1(4, kEvSeparator, testing::Filled(20, 4), kData);
  Result<TcgLog> log = ParseTcgLog(b.span());
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->format, TcgLogFormat::kSha1);
  ASSERT_EQ(log->events.size(), 2u);
  EXPECT_EQ(log->events[1].offset, 36u);
  EXPECT_EQ(log->events[1].digests[0].algorithm_id, kTpmAlgSha1);
  EXPECT_EQ(DetectTcgFormat(b.span(), b.size()), LogFormat::kTcgSha1Legacy);
}

TEST(TcgEventLogTest, DetectionTellsCcelFromTpmLogs) {
  testing::TcgLogBuilder tpm = Agile();
  EXPECT_EQ(DetectTcgFormat(tpm.span(), tpm.size()), LogFormat::kTcg2);
  testing::TcgLogBuilder ccel;
  ccel.SpecIdHeader({{kTpmAlgSha384, 48}}, 1);
  EXPECT_EQ(DetectTcgFormat(ccel.span(), ccel.size()), LogFormat::kCcel);
  testing::TcgLogBuilder shim;  // td-shim: header at MR index 0, SHA-384 only
  shim.SpecIdHeader({{kTpmAlgSha384, 48}}, 0);
  EXPECT_EQ(DetectTcgFormat(shim.span(), shim.size()), LogFormat::kCcel);
  testing::TcgLogBuilder text;
  text.Str("10 0000000000000000000000000000000000000000 ima-ng sha1:00 boot_aggregate\n");
  EXPECT_EQ(DetectTcgFormat(text.span(), text.size()), LogFormat::kUnknown);
}

// Zero bytes (a 64-byte nonce, padding) parse as an EV_PREBOOT_CERT record
// at PCR 0; detection does not call them a log.
TEST(TcgEventLogTest, ZeroBytesAreNotALog) {
  for (size_t n : {size_t{32}, size_t{64}, size_t{4096}}) {
    std::vector<uint8_t> zeros(n, 0);
    EXPECT_EQ(DetectTcgFormat(zeros, zeros.size()), LogFormat::kUnknown) << n;
    EXPECT_EQ(DetectFormat(zeros, zeros.size()), LogFormat::kUnknown) << n;
  }
}

}  // namespace
}  // namespace ccv::parsers
