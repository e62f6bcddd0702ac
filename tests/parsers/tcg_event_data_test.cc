// Decoders of TCG-defined event data (EV_NO_ACTION records, tagged events,
// td-shim's platform configuration): error code and offset for each way the
// data can be wrong, then the good cases.
#include "parsers/tcg_event_data.h"

#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/parsers/uefi_event_builder.h"
#include "tests/testing/parse_error.h"

namespace ccv::parsers {
namespace {

TEST(NoActionSignatureTest, NamesTheFirstSixteenBytesOrNothing) {
  std::string data("StartupLocality\0\3", 17);
  EXPECT_EQ(NoActionSignature(AsBytes(data)), std::string_view("StartupLocality\0", 16));
  EXPECT_EQ(NoActionSignature(AsBytes(data).first(15)), "");
}

TEST(StartupLocalityTest, ReadsTheLocality) {
  std::string data("StartupLocality\0\3", 17);
  Result<uint8_t> locality = ParseStartupLocality(AsBytes(data), 0);
  ASSERT_TRUE(locality.ok());
  EXPECT_EQ(*locality, 3);
}

TEST(StartupLocalityTest, WrongLengthIsBadLength) {
  std::string data("StartupLocality\0\3\4", 18);
  testing::ExpectParseError(ParseStartupLocality(AsBytes(data), 60), ErrorCode::kBadLength, 60);
  testing::ExpectParseError(ParseStartupLocality(AsBytes(data).first(16), 60),
                            ErrorCode::kBadLength, 60);
}

TEST(StartupLocalityTest, OtherSignatureIsBadMagic) {
  std::string data("StartupLocalitY\0\3", 17);
  testing::ExpectParseError(ParseStartupLocality(AsBytes(data), 60), ErrorCode::kBadMagic, 60);
}

// TCG_Sp800_155_PlatformId_Event2 (or Event3 with the locators).
testing::TcgLogBuilder Sp800155(bool event3, uint8_t model_len = 5) {
  testing::TcgLogBuilder b;
  b.Str(event3 ? std::string_view("SP800-155 Event3", 16)
               : std::string_view("SP800-155 Event\0", 16));
  b.U32(0x1234).Raw(testing::kGlobalGuid);
  b.U8(4).Str("ACME").U8(model_len).Str("Model").U8(1).Str("1").U8(4).Str("EDK2");
  b.U32(0x5678).U8(3).Str("1.0");
  if (event3) b.U32(1).U32(3).Str("rim").U32(2).U32(4).Str("cert");
  return b;
}

TEST(Sp800155EventTest, ReadsEvent2Fields) {
  testing::TcgLogBuilder b = Sp800155(false);
  Result<Sp800155PlatformIdEvent> e = ParseSp800155PlatformIdEvent(b.span(), 0);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_FALSE(e->event3);
  EXPECT_EQ(e->platform_manufacturer_id, 0x1234u);
  EXPECT_EQ(AsChars(e->platform_model), "Model");
  EXPECT_EQ(e->firmware_manufacturer_id, 0x5678u);
  EXPECT_EQ(AsChars(e->firmware_version), "1.0");
  EXPECT_TRUE(e->rim_locator.empty());
}

TEST(Sp800155EventTest, ReadsEvent3Locators) {
  testing::TcgLogBuilder b = Sp800155(true);
  Result<Sp800155PlatformIdEvent> e = ParseSp800155PlatformIdEvent(b.span(), 0);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(e->event3);
  EXPECT_EQ(e->rim_locator_type, 1u);
  EXPECT_EQ(AsChars(e->rim_locator), "rim");
  EXPECT_EQ(AsChars(e->platform_cert_locator), "cert");
}

TEST(Sp800155EventTest, StringLengthBeyondTheDataIsBadLength) {
  testing::TcgLogBuilder b = Sp800155(false, /*model_len=*/250);
  // signature 16, manufacturer id 4, GUID 16, "ACME" 5: the model's length.
  testing::ExpectParseError(ParseSp800155PlatformIdEvent(b.span(), 1000), ErrorCode::kBadLength,
                            1041);
}

TEST(Sp800155EventTest, Event3WithoutLocatorsIsTruncated) {
  testing::TcgLogBuilder b = Sp800155(false);
  std::vector<uint8_t> data = b.bytes();
  data[15] = '3';  // "SP800-155 Event3" without the Event3 fields
  testing::ExpectParseError(ParseSp800155PlatformIdEvent(data, 0), ErrorCode::kTruncated,
                            data.size());
}

TEST(Sp800155EventTest, OtherSignatureIsBadMagic) {
  testing::TcgLogBuilder b;
  b.Str("SP800-155 EventX").Fill(40, 0);
  testing::ExpectParseError(ParseSp800155PlatformIdEvent(b.span(), 8), ErrorCode::kBadMagic, 8);
}

TEST(TaggedEventTest, ReadsIdAndData) {
  testing::TcgLogBuilder b;
  b.U32(0x8f3b22ed).U32(5).Str("hello");
  Result<TcgTaggedEvent> t = ParseTcgTaggedEvent(b.span(), 0);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->tagged_event_id, 0x8f3b22edu);
  EXPECT_EQ(AsChars(t->tagged_event_data), "hello");
}

TEST(TaggedEventTest, SizeBeyondTheDataIsBadLength) {
  testing::TcgLogBuilder b;
  b.U32(0x8f3b22ed).U32(100).Str("short");
  testing::ExpectParseError(ParseTcgTaggedEvent(b.span(), 20), ErrorCode::kBadLength, 24);
}

TEST(TaggedEventTest, TrailingBytesAreBadLength) {
  testing::TcgLogBuilder b;
  b.U32(1).U32(2).Str("abc");
  testing::ExpectParseError(ParseTcgTaggedEvent(b.span(), 0), ErrorCode::kBadLength, 10);
}

TEST(TaggedEventTest, IdCutShortIsTruncated) {
  testing::TcgLogBuilder b;
  b.U16(1);
  testing::ExpectParseError(ParseTcgTaggedEvent(b.span(), 0), ErrorCode::kTruncated, 0);
}

testing::TcgLogBuilder TdShimConfig(const std::string& descriptor, const std::string& info,
                                    int64_t info_len = -1) {
  testing::TcgLogBuilder b;
  b.Str(descriptor).Fill(16 - descriptor.size(), 0);
  b.U32(uint32_t(info_len < 0 ? info.size() : uint64_t(info_len))).Str(info);
  return b;
}

TEST(TdShimPlatformConfigInfoTest, ReadsDescriptorAndInfo) {
  testing::TcgLogBuilder b = TdShimConfig("td_payload_info", "info");
  Result<TdShimPlatformConfigInfo> c = ParseTdShimPlatformConfigInfo(b.span(), 100);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(AsChars(c->descriptor).substr(0, 15), "td_payload_info");
  EXPECT_EQ(AsChars(c->info), "info");
  EXPECT_EQ(c->info_offset, 120u);
}

TEST(TdShimPlatformConfigInfoTest, InfoLengthBeyondTheDataIsBadLength) {
  testing::TcgLogBuilder b = TdShimConfig("td_hob", "info", /*info_len=*/5);
  testing::ExpectParseError(ParseTdShimPlatformConfigInfo(b.span(), 0), ErrorCode::kBadLength, 16);
}

TEST(TdShimPlatformConfigInfoTest, InfoLengthShorterThanTheDataIsBadLength) {
  testing::TcgLogBuilder b = TdShimConfig("td_hob", "info", /*info_len=*/3);
  testing::ExpectParseError(ParseTdShimPlatformConfigInfo(b.span(), 0), ErrorCode::kBadLength, 23);
}

TEST(TdShimPlatformConfigInfoTest, DescriptorCutShortIsTruncated) {
  testing::TcgLogBuilder b;
  b.Str("td_hob");
  testing::ExpectParseError(ParseTdShimPlatformConfigInfo(b.span(), 0), ErrorCode::kTruncated, 0);
}

}  // namespace
}  // namespace ccv::parsers
