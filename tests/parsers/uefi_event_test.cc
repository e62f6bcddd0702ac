// UEFI / TCG event-data decoding: malformed structures (error code and
// offset, or a detail error without a crash) outnumber the good ones.
#include "parsers/uefi_event.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/tcg_log_builder.h"

namespace ccv::parsers {
namespace {

using ccv::testing::TcgLogBuilder;

constexpr uint8_t kGlobalGuid[16] = {0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                     0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};

TcgLogBuilder Variable(std::string name, std::vector<uint8_t> value, int64_t name_len = -1,
                       int64_t data_len = -1) {
  TcgLogBuilder b;
  b.Raw(kGlobalGuid).U64(name_len < 0 ? name.size() : uint64_t(name_len));
  b.U64(data_len < 0 ? value.size() : uint64_t(data_len));
  for (char c : name) b.U16(uint16_t(c));
  b.Raw(value);
  return b;
}

const EventField* Field(const EventDetail& d, std::string_view key) {
  for (const EventField& f : d.fields) {
    if (f.key == key) return &f;
  }
  return nullptr;
}
std::string Text(const EventDetail& d, std::string_view key) {
  const EventField* f = Field(d, key);
  if (f == nullptr) return "<absent>";
  if (const auto* s = std::get_if<std::string>(&f->value)) return *s;
  if (const auto* n = std::get_if<uint64_t>(&f->value)) return std::to_string(*n);
  return "<list>";
}

TEST(UefiVariableDataTest, DecodesGuidNameAndData) {
  TcgLogBuilder b = Variable("SecureBoot", {1});
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 1000);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->variable_name.ToString(), "8be4df61-93ca-11d2-aa0d-00e098032b8c");
  EXPECT_EQ(GuidName(v->variable_name), "EFI_GLOBAL_VARIABLE");
  EXPECT_EQ(v->unicode_name, "SecureBoot");
  ASSERT_EQ(v->variable_data.size(), 1u);
  EXPECT_EQ(v->variable_data_offset, 1000u + 32 + 20);
  EXPECT_TRUE(v->trailing.empty());
}

TEST(UefiVariableDataTest, GuidCutShortIsTruncated) {
  TcgLogBuilder b;
  b.Fill(10, 0x61);
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 500);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(v.status().offset(), std::optional<uint64_t>(500));
}

TEST(UefiVariableDataTest, HugeNameLengthIsBadLength) {
  TcgLogBuilder b = Variable("PK", {}, /*name_len=*/uint64_t{1} << 62);
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 100);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(v.status().offset(), std::optional<uint64_t>(116));
}

TEST(UefiVariableDataTest, DataLengthBeyondTheEventIsBadLength) {
  TcgLogBuilder b = Variable("PK", {1, 2}, -1, /*data_len=*/3);
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(v.status().offset(), std::optional<uint64_t>(24));
}

TEST(UefiVariableDataTest, CountsFieldsCutShortAreTruncated) {
  TcgLogBuilder b;
  b.Raw(kGlobalGuid).U32(2);
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 0);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(v.status().offset(), std::optional<uint64_t>(16));
}

TEST(UefiVariableDataTest, BytesAfterTheDataAreKeptAsTrailing) {
  TcgLogBuilder b = Variable("Shim", {7});
  b.Fill(6, 0);
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 0);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->trailing.size(), 6u);
  EventDetail d = DecodeEventData(kEvEfiVariableAuthority, b.span(), 0);
  EXPECT_EQ(Text(d, "trailing_bytes"), "6");
}

TcgLogBuilder ImageLoad(std::vector<uint8_t> path, int64_t path_len = -1) {
  TcgLogBuilder b;
  b.U64(0x7d6a4018).U64(966664).U64(0).U64(path_len < 0 ? path.size() : uint64_t(path_len));
  b.Raw(path);
  return b;
}

std::vector<uint8_t> FilePathNode(std::string file) {
  TcgLogBuilder n;
  n.U8(4).U8(4).U16(uint16_t(4 + 2 * file.size() + 2));
  for (char c : file) n.U16(uint16_t(c));
  n.U16(0);
  return n.bytes();
}

TEST(UefiImageLoadTest, DecodesTheDevicePath) {
  TcgLogBuilder p;
  p.U8(2).U8(1).U16(12).U32(0x0A0341D0).U32(0);            // PciRoot(0x0)
  p.U8(1).U8(1).U16(6).U8(0).U8(3);                         // Pci(0x3,0x0)
  p.U8(4).U8(1).U16(42).U32(1).U64(0x800).U64(0x100000);   // HD(1,GPT,...)
  for (int i = 0; i < 16; ++i) p.U8(uint8_t(i));
  p.U8(2).U8(2);
  p.Raw(FilePathNode("\\EFI\\BOOT\\BOOTX64.EFI"));
  p.U8(0x7f).U8(0xff).U16(4);
  TcgLogBuilder b = ImageLoad(p.bytes());
  Result<UefiImageLoadEvent> e = ParseUefiImageLoadEvent(b.span(), 0);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(DevicePathToText(e->device_path),
            "PciRoot(0x0)/Pci(0x3,0x0)/HD(1,GPT,03020100-0504-0706-0809-0a0b0c0d0e0f,0x800,"
            "0x100000)/\\EFI\\BOOT\\BOOTX64.EFI");
  EventDetail d = DecodeEventData(kEvEfiBootServicesApplication, b.span(), 0);
  EXPECT_EQ(d.kind, "image_load");
  EXPECT_TRUE(d.error.empty());
}

TEST(UefiImageLoadTest, DevicePathLengthBeyondTheEventIsBadLength) {
  TcgLogBuilder b = ImageLoad(FilePathNode("x"), /*path_len=*/1000);
  Result<UefiImageLoadEvent> e = ParseUefiImageLoadEvent(b.span(), 64);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(e.status().offset(), std::optional<uint64_t>(64 + 24));
  EventDetail d = DecodeEventData(kEvEfiBootServicesDriver, b.span(), 64);
  EXPECT_FALSE(d.error.empty());
}

TEST(UefiImageLoadTest, HeaderCutShortIsTruncated) {
  TcgLogBuilder b;
  b.U64(1).U64(2);
  Result<UefiImageLoadEvent> e = ParseUefiImageLoadEvent(b.span(), 8);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), ErrorCode::kTruncated);
  EXPECT_EQ(e.status().offset(), std::optional<uint64_t>(24));
}

TEST(DevicePathTest, NodeShorterThanItsHeaderIsMarkedMalformed) {
  TcgLogBuilder p;
  p.Raw(FilePathNode("a"));
  p.U8(4).U8(4).U16(2);  // length 2 < 4
  EXPECT_EQ(DevicePathToText(p.span()), "a<malformed at +8>");
}

TEST(DevicePathTest, NodeLongerThanThePathIsMarkedMalformed) {
  TcgLogBuilder p;
  p.U8(4).U8(4).U16(0xFFFF).U16('a');
  EXPECT_EQ(DevicePathToText(p.span()), "<malformed at +0>");
}

TEST(DevicePathTest, UnknownNodesPrintRawAndInstancesSeparate) {
  TcgLogBuilder p;
  p.U8(9).U8(9).U16(6).U8(0xab).U8(0xcd);
  p.U8(0x7f).U8(0x01).U16(4);
  p.Raw(FilePathNode("b"));
  EXPECT_EQ(DevicePathToText(p.span()), "Path(9,9,abcd),b");
}

TEST(DevicePathTest, TruncatedTailIsMarkedMalformed) {
  TcgLogBuilder p;
  p.U8(4).U8(4);
  EXPECT_EQ(DevicePathToText(p.span()), "<malformed at +0>");
}

TEST(Utf16Test, SurrogatePairsDecodeAndLoneSurrogatesAreReplaced) {
  TcgLogBuilder b;
  b.U16(0xD83D).U16(0xDE00).U16('x').U16(0xDC00).U16(0);
  EXPECT_EQ(Utf16LeToUtf8(b.span()), std::string("\xF0\x9F\x98\x80") + "x" + "\xEF\xBF\xBD");
}

TEST(EventTextTest, AsciiUtf16AndBinary) {
  std::string grub = std::string("grub_cmd: linux /vmlinuz") + '\0';
  EXPECT_EQ(EventText(AsBytes(grub)), "grub_cmd: linux /vmlinuz");
  TcgLogBuilder u;
  for (char c : std::string("initrd")) u.U16(uint16_t(c));
  u.U16(0);
  EXPECT_EQ(EventText(u.span()), "initrd");
  std::vector<uint8_t> bin = {0x01, 0x9f, 0x00, 0xff};
  EXPECT_EQ(EventText(bin), "");
}

TEST(DecodeEventDataTest, StartupLocalityOfWrongLengthIsAnError) {
  std::string data("StartupLocality\0\3\4", 18);
  EventDetail d = DecodeEventData(kEvNoAction, AsBytes(data), 0);
  EXPECT_EQ(d.kind, "startup_locality");
  EXPECT_FALSE(d.error.empty());
  EventDetail ok = DecodeEventData(kEvNoAction, AsBytes(data).first(17), 0);
  EXPECT_EQ(Text(ok, "startup_locality"), "3");
}

TEST(DecodeEventDataTest, HandoffTableCountBeyondTheDataIsAnErrorNotAnAllocation) {
  TcgLogBuilder b;
  b.U64(uint64_t{1} << 60);
  EventDetail d = DecodeEventData(kEvEfiHandoffTables, b.span(), 0);
  EXPECT_EQ(d.kind, "handoff_tables");
  EXPECT_FALSE(d.error.empty());
  EXPECT_EQ(Field(d, "tables"), nullptr);
}

TEST(DecodeEventDataTest, GptPartitionCountBeyondTheDataIsAnError) {
  TcgLogBuilder b;
  b.Str("EFI PART").Fill(76, 0).U32(128).Fill(4, 0).U64(1000000);
  EventDetail d = DecodeEventData(kEvEfiGptEvent, b.span(), 0);
  EXPECT_EQ(d.kind, "gpt");
  EXPECT_FALSE(d.error.empty());
}

TEST(DecodeEventDataTest, GptWithoutSignatureIsAnError) {
  TcgLogBuilder b;
  b.Fill(100, 0);
  EventDetail d = DecodeEventData(kEvEfiGptEvent, b.span(), 0);
  EXPECT_FALSE(d.error.empty());
}

TEST(DecodeEventDataTest, EventTagLengthBeyondTheDataIsAnError) {
  TcgLogBuilder b;
  b.U32(0x8f3b22ed).U32(100).Str("short");
  EventDetail d = DecodeEventData(kEvEventTag, b.span(), 0);
  EXPECT_EQ(d.kind, "event_tag");
  EXPECT_FALSE(d.error.empty());
}

TEST(DecodeEventDataTest, UntaggedEventTagTextIsReadAsAString) {
  std::string data = std::string("LOADED_IMAGE::LoadOptions") + '\0';
  EventDetail d = DecodeEventData(kEvEventTag, AsBytes(data), 0);
  EXPECT_EQ(d.kind, "string");
  EXPECT_EQ(Text(d, "string"), "LOADED_IMAGE::LoadOptions");
  EXPECT_TRUE(d.error.empty());
}

TEST(DecodeEventDataTest, FirmwareBlobWithTrailingBytesIsAnError) {
  TcgLogBuilder b;
  b.U64(0xffc00000).U64(0x84000).U8(0);
  EventDetail d = DecodeEventData(kEvEfiPlatformFirmwareBlob, b.span(), 0);
  EXPECT_FALSE(d.error.empty());
  EventDetail good = DecodeEventData(kEvEfiPlatformFirmwareBlob, b.span().first(16), 0);
  EXPECT_TRUE(good.error.empty());
  EXPECT_EQ(Text(good, "blob_base"), "0xffc00000");
}

TEST(DecodeEventDataTest, Blob2DescriptionBeyondTheDataIsAnError) {
  TcgLogBuilder b;
  b.U8(200).Str("Fv");
  EventDetail d = DecodeEventData(kEvEfiPlatformFirmwareBlob2, b.span(), 0);
  EXPECT_FALSE(d.error.empty());
}

TEST(DecodeEventDataTest, SeparatorAndStringsAndBootOrder) {
  std::vector<uint8_t> sep = {0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(Text(DecodeEventData(kEvSeparator, sep, 0), "value"), "0xffffffff");
  std::string action = "Exit Boot Services Invocation";
  EXPECT_EQ(Text(DecodeEventData(kEvEfiAction, AsBytes(action), 0), "string"), action);
  TcgLogBuilder order = Variable("BootOrder", {1, 0, 0x10, 0});
  EventDetail d = DecodeEventData(kEvEfiVariableBoot, order.span(), 0);
  const EventField* f = Field(d, "boot_order");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(std::get<std::vector<std::string>>(f->value),
            (std::vector<std::string>{"Boot0001", "Boot0010"}));
}

// EFI_SIGNATURE_LIST with `count` SHA-256 entries; `list_size` overrides.
std::vector<uint8_t> Sha256List(uint32_t count, int64_t list_size = -1) {
  constexpr uint8_t kSha256Guid[16] = {0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
                                       0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};
  TcgLogBuilder b;
  b.Raw(kSha256Guid).U32(uint32_t(list_size < 0 ? 28 + count * 48 : list_size)).U32(0).U32(48);
  for (uint32_t i = 0; i < count; ++i) b.Raw(kGlobalGuid).Fill(32, uint8_t(i));
  return b.bytes();
}

TEST(DecodeEventDataTest, DbxSignatureListsAreCounted) {
  std::vector<uint8_t> lists = Sha256List(3);
  std::vector<uint8_t> two = Sha256List(2);
  lists.insert(lists.end(), two.begin(), two.end());
  TcgLogBuilder v = Variable("dbx", lists);
  EventDetail d = DecodeEventData(kEvEfiVariableDriverConfig, v.span(), 0);
  const EventField* f = Field(d, "signature_lists");
  ASSERT_NE(f, nullptr);
  const auto& items = std::get<std::vector<std::string>>(f->value);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].rfind("EFI_CERT_SHA256: 3 entries of 32 bytes", 0), 0u) << items[0];
  EXPECT_EQ(items[1].rfind("EFI_CERT_SHA256: 2 entries", 0), 0u) << items[1];
  EXPECT_EQ(Field(d, "signature_lists_error"), nullptr);
}

TEST(DecodeEventDataTest, SignatureListSizeBeyondTheDataIsNoted) {
  TcgLogBuilder v = Variable("db", Sha256List(1, /*list_size=*/5000));
  EventDetail d = DecodeEventData(kEvEfiVariableDriverConfig, v.span(), 0);
  EXPECT_EQ(Text(d, "signature_lists_error"), "inconsistent list sizes at +0");
}

TEST(DecodeEventDataTest, SignatureListEntriesNotDividingTheListAreNoted) {
  TcgLogBuilder v = Variable("KEK", Sha256List(1, /*list_size=*/28 + 47));
  std::vector<uint8_t> data = v.bytes();
  EventDetail d = DecodeEventData(kEvEfiVariableDriverConfig, data, 0);
  EXPECT_NE(Field(d, "signature_lists_error"), nullptr);
}

TEST(DecodeEventDataTest, VariableAuthorityShowsTheSignatureOwner) {
  std::vector<uint8_t> sig(kGlobalGuid, kGlobalGuid + 16);
  sig.resize(16 + 100, 0x30);
  TcgLogBuilder v = Variable("db", sig);
  EventDetail d = DecodeEventData(kEvEfiVariableAuthority, v.span(), 0);
  EXPECT_EQ(Text(d, "signature_owner"),
            "8be4df61-93ca-11d2-aa0d-00e098032b8c (EFI_GLOBAL_VARIABLE)");
  EXPECT_EQ(Text(d, "signature_data_length"), "100");
}

TEST(DecodeEventDataTest, UnknownTypesStayRaw) {
  std::vector<uint8_t> data = {1, 2, 3};
  EventDetail d = DecodeEventData(0x12345678, data, 0);
  EXPECT_EQ(d.kind, "raw");
  EXPECT_TRUE(d.fields.empty());
}

TEST(EventTypesTest, NamesRoundTripAndUnknownTypesGetALabel) {
  for (uint32_t t : {kEvNoAction, kEvSeparator, kEvIpl, kEvEfiVariableAuthority, kEvEfiHcrtmEvent,
                     kEvPostCode2, kEvEfiSpdmDeviceAuthority}) {
    std::optional<uint32_t> back = EventTypeFromName(EventTypeName(t));
    ASSERT_TRUE(back.has_value()) << t;
    EXPECT_EQ(*back, t);
  }
  EXPECT_TRUE(EventTypeName(0x14).empty());
  char buf[32];
  EXPECT_EQ(EventTypeLabel(0x80000fff, buf), "EV_UNKNOWN_0x80000fff");
  EXPECT_FALSE(EventTypeFromName("EV_NOT_A_TYPE").has_value());
}

}  // namespace
}  // namespace ccv::parsers
