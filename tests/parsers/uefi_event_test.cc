// UEFI event-data decoders: malformed structures (error code and offset)
// outnumber the good ones. The text they are shown as is tested in
// tests/verifier/report/event_detail_test.cc.
#include "parsers/uefi_event.h"

#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/parsers/uefi_event_builder.h"
#include "tests/testing/parse_error.h"

namespace ccv::parsers {
namespace {

TEST(UefiVariableDataTest, DecodesGuidNameAndData) {
  testing::TcgLogBuilder b = testing::Variable("SecureBoot", {1});
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
  testing::TcgLogBuilder b;
  b.Fill(10, 0x61);
  testing::ExpectParseError(ParseUefiVariableData(b.span(), 500), ErrorCode::kTruncated, 500);
}

TEST(UefiVariableDataTest, HugeNameLengthIsBadLength) {
  testing::TcgLogBuilder b = testing::Variable("PK", {}, /*name_len=*/uint64_t{1} << 62);
  testing::ExpectParseError(ParseUefiVariableData(b.span(), 100), ErrorCode::kBadLength, 116);
}

TEST(UefiVariableDataTest, DataLengthBeyondTheEventIsBadLength) {
  testing::TcgLogBuilder b = testing::Variable("PK", {1, 2}, -1, /*data_len=*/3);
  testing::ExpectParseError(ParseUefiVariableData(b.span(), 0), ErrorCode::kBadLength, 24);
}

TEST(UefiVariableDataTest, CountsFieldsCutShortAreTruncated) {
  testing::TcgLogBuilder b;
  b.Raw(testing::kGlobalGuid).U32(2);
  testing::ExpectParseError(ParseUefiVariableData(b.span(), 0), ErrorCode::kTruncated, 16);
}

TEST(UefiVariableDataTest, BytesAfterTheDataAreKeptAsTrailing) {
  testing::TcgLogBuilder b = testing::Variable("Shim", {7});
  b.Fill(6, 0);
  Result<UefiVariableData> v = ParseUefiVariableData(b.span(), 0);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->trailing.size(), 6u);
}

TEST(UefiImageLoadTest, DecodesTheHeaderAndKeepsTheDevicePath) {
  std::vector<uint8_t> path = testing::FilePathNode("\\EFI\\BOOT\\BOOTX64.EFI");
  testing::TcgLogBuilder b = testing::ImageLoad(path);
  b.Fill(3, 0);  // padding after the path is ignored
  Result<UefiImageLoadEvent> e = ParseUefiImageLoadEvent(b.span(), 10);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->image_location_in_memory, 0x7d6a4018u);
  EXPECT_EQ(e->image_length_in_memory, 966664u);
  EXPECT_EQ(e->length_of_device_path, path.size());
  EXPECT_EQ(e->device_path.size(), path.size());
  EXPECT_EQ(e->device_path_offset, 10u + 32);
}

TEST(UefiImageLoadTest, DevicePathLengthBeyondTheEventIsBadLength) {
  testing::TcgLogBuilder b = testing::ImageLoad(testing::FilePathNode("x"), /*path_len=*/1000);
  testing::ExpectParseError(ParseUefiImageLoadEvent(b.span(), 64), ErrorCode::kBadLength, 64 + 24);
}

TEST(UefiImageLoadTest, HeaderCutShortIsTruncated) {
  testing::TcgLogBuilder b;
  b.U64(1).U64(2);
  testing::ExpectParseError(ParseUefiImageLoadEvent(b.span(), 8), ErrorCode::kTruncated, 24);
}

TEST(DevicePathNodeTest, ReadsNodesInOrderWithTheirOffsets) {
  testing::TcgLogBuilder p;
  p.U8(1).U8(1).U16(6).U8(0).U8(3);  // Pci(0x3,0x0)
  p.U8(0x7f).U8(0xff).U16(4);
  ByteReader r(p.span(), 200);
  Result<DevicePathNode> pci = ReadDevicePathNode(&r);
  ASSERT_TRUE(pci.ok());
  EXPECT_EQ(pci->type, 1);
  EXPECT_EQ(pci->subtype, 1);
  EXPECT_EQ(pci->data.size(), 2u);
  EXPECT_EQ(pci->offset, 200u);
  Result<DevicePathNode> end = ReadDevicePathNode(&r);
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(end->type, 0x7f);
  EXPECT_EQ(end->offset, 206u);
  EXPECT_TRUE(end->data.empty());
  EXPECT_TRUE(r.Empty());
}

TEST(DevicePathNodeTest, HeaderCutShortIsTruncated) {
  testing::TcgLogBuilder p;
  p.U8(4).U8(4).U8(8);
  ByteReader r(p.span(), 50);
  testing::ExpectParseError(ReadDevicePathNode(&r), ErrorCode::kTruncated, 50);
  EXPECT_EQ(r.Offset(), 50u);
}

TEST(DevicePathNodeTest, LengthBelowTheHeaderIsBadLength) {
  testing::TcgLogBuilder p;
  p.Raw(testing::FilePathNode("a"));
  p.U8(4).U8(4).U16(2);
  ByteReader r(p.span(), 0);
  ASSERT_TRUE(ReadDevicePathNode(&r).ok());
  testing::ExpectParseError(ReadDevicePathNode(&r), ErrorCode::kBadLength, 8);
}

TEST(DevicePathNodeTest, LengthBeyondThePathIsBadLength) {
  testing::TcgLogBuilder p;
  p.U8(4).U8(4).U16(0xFFFF).U16('a');
  ByteReader r(p.span(), 0);
  testing::ExpectParseError(ReadDevicePathNode(&r), ErrorCode::kBadLength, 0);
}

testing::TcgLogBuilder LoadOption(const std::string& description, std::vector<uint8_t> path,
                                  int64_t path_len = -1) {
  testing::TcgLogBuilder b;
  b.U32(1).U16(uint16_t(path_len < 0 ? path.size() : uint64_t(path_len)));
  for (char c : description) b.U16(uint16_t(c));
  b.U16(0);
  b.Raw(path);
  return b;
}

TEST(EfiLoadOptionTest, DecodesDescriptionPathAndOptionalData) {
  std::vector<uint8_t> path = testing::FilePathNode("a");
  testing::TcgLogBuilder b = LoadOption("ubuntu", path);
  b.U8(0xaa).U8(0xbb);
  Result<EfiLoadOption> o = ParseEfiLoadOption(b.span(), 0);
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->attributes, 1u);
  EXPECT_EQ(o->description, "ubuntu");
  EXPECT_EQ(o->file_path_list.size(), path.size());
  EXPECT_EQ(o->file_path_list_offset, 6u + 14);
  EXPECT_EQ(ToHex(o->optional_data), "aabb");
}

TEST(EfiLoadOptionTest, DescriptionWithoutTerminatorIsTruncated) {
  testing::TcgLogBuilder b;
  b.U32(1).U16(0).U16('a').U16('b');
  testing::ExpectParseError(ParseEfiLoadOption(b.span(), 0), ErrorCode::kTruncated, 10);
}

TEST(EfiLoadOptionTest, FilePathListBeyondTheDataIsTruncated) {
  testing::TcgLogBuilder b = LoadOption("x", testing::FilePathNode("a"), /*path_len=*/500);
  testing::ExpectParseError(ParseEfiLoadOption(b.span(), 0), ErrorCode::kTruncated, 10);
}

TEST(EfiLoadOptionTest, HeaderCutShortIsTruncated) {
  testing::TcgLogBuilder b;
  b.U32(1).U8(0);
  testing::ExpectParseError(ParseEfiLoadOption(b.span(), 30), ErrorCode::kTruncated, 34);
}

TEST(BootOrderTest, ReadsTheOptionNumbers) {
  std::vector<uint8_t> data = {1, 0, 0x10, 0};
  Result<std::vector<uint16_t>> order = ParseBootOrder(data, 0);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(*order, (std::vector<uint16_t>{1, 0x10}));
}

TEST(BootOrderTest, OddLengthIsBadLength) {
  std::vector<uint8_t> data = {1, 0, 2};
  testing::ExpectParseError(ParseBootOrder(data, 40), ErrorCode::kBadLength, 40);
}

TEST(EfiSignatureListTest, ReadsListsAndTheirEntries) {
  std::vector<uint8_t> lists = testing::Sha256List(3);
  std::vector<uint8_t> two = testing::Sha256List(2);
  lists.insert(lists.end(), two.begin(), two.end());
  ByteReader r(lists, 100);
  Result<EfiSignatureList> first = ReadEfiSignatureList(&r);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(GuidName(first->signature_type), "EFI_CERT_SHA256");
  EXPECT_EQ(first->num_signatures, 3u);
  EXPECT_EQ(first->signature_size, 48u);
  EXPECT_EQ(first->signatures.Offset(), 100u + 28);
  ByteReader entries = first->signatures;
  Result<EfiSignatureData> entry = ReadEfiSignatureData(&entries, first->signature_size);
  ASSERT_TRUE(entry.ok());
  EXPECT_EQ(GuidName(entry->signature_owner), "EFI_GLOBAL_VARIABLE");
  EXPECT_EQ(entry->signature_data.size(), 32u);
  Result<EfiSignatureList> second = ReadEfiSignatureList(&r);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->num_signatures, 2u);
  EXPECT_TRUE(r.Empty());
}

TEST(EfiSignatureListTest, HeaderCutShortIsTruncated) {
  std::vector<uint8_t> list = testing::Sha256List(1);
  ByteReader r(Bytes(list).first(20), 7);
  testing::ExpectParseError(ReadEfiSignatureList(&r), ErrorCode::kTruncated, 7);
}

TEST(EfiSignatureListTest, ListSizeBeyondTheDataIsBadLength) {
  std::vector<uint8_t> list = testing::Sha256List(1, /*list_size=*/5000);
  ByteReader r(list, 7);
  testing::ExpectParseError(ReadEfiSignatureList(&r), ErrorCode::kBadLength, 7);
  EXPECT_EQ(r.Offset(), 7u);
}

TEST(EfiSignatureListTest, EntriesNotDividingTheListAreBadLength) {
  std::vector<uint8_t> list = testing::Sha256List(1, /*list_size=*/28 + 47);
  ByteReader r(list, 0);
  testing::ExpectParseError(ReadEfiSignatureList(&r), ErrorCode::kBadLength, 0);
}

TEST(EfiSignatureListTest, ListSizeBelowItsHeaderIsBadLength) {
  std::vector<uint8_t> list = testing::Sha256List(1, /*list_size=*/27);
  ByteReader r(list, 0);
  testing::ExpectParseError(ReadEfiSignatureList(&r), ErrorCode::kBadLength, 0);
}

TEST(EfiSignatureDataTest, DataShorterThanTheOwnerIsTruncated) {
  std::vector<uint8_t> data(10, 0);
  ByteReader r(data, 3);
  testing::ExpectParseError(ReadEfiSignatureData(&r, r.Remaining()), ErrorCode::kTruncated, 3);
}

TEST(UefiFirmwareBlobTest, ReadsBaseAndLength) {
  testing::TcgLogBuilder b;
  b.U8(2).Str("Fv").U64(0xffc00000).U64(0x84000);
  Result<UefiFirmwareBlob> blob = ParseUefiFirmwareBlob(b.span(), 0, /*with_description=*/true);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(AsChars(blob->blob_description), "Fv");
  EXPECT_EQ(blob->blob_base, 0xffc00000u);
  EXPECT_EQ(blob->blob_length, 0x84000u);
}

TEST(UefiFirmwareBlobTest, TrailingBytesAreBadLength) {
  testing::TcgLogBuilder b;
  b.U64(0xffc00000).U64(0x84000).U8(0);
  testing::ExpectParseError(ParseUefiFirmwareBlob(b.span(), 0, false), ErrorCode::kBadLength, 16);
}

TEST(UefiFirmwareBlobTest, DescriptionBeyondTheDataIsBadLength) {
  testing::TcgLogBuilder b;
  b.U8(200).Str("Fv");
  testing::ExpectParseError(ParseUefiFirmwareBlob(b.span(), 5, true), ErrorCode::kBadLength, 5);
}

TEST(UefiFirmwareBlobTest, LengthCutShortIsTruncated) {
  testing::TcgLogBuilder b;
  b.U64(1).U32(2);
  testing::ExpectParseError(ParseUefiFirmwareBlob(b.span(), 0, false), ErrorCode::kTruncated, 8);
}

TEST(UefiHandoffTablesTest, ReadsTheTables) {
  testing::TcgLogBuilder b;
  b.U8(3).Str("abc").U64(2);
  b.Raw(testing::kGlobalGuid).U64(0x1000).Raw(testing::kGlobalGuid).U64(0x2000);
  Result<UefiHandoffTables> h = ParseUefiHandoffTables(b.span(), 0, /*with_description=*/true);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(AsChars(h->table_description), "abc");
  ASSERT_EQ(h->tables.size(), 2u);
  EXPECT_EQ(h->tables[1].vendor_table, 0x2000u);
}

TEST(UefiHandoffTablesTest, CountBeyondTheDataIsBadLengthBeforeAnyAllocation) {
  testing::TcgLogBuilder b;
  b.U64(uint64_t{1} << 60);
  testing::ExpectParseError(ParseUefiHandoffTables(b.span(), 9, false), ErrorCode::kBadLength, 9);
}

TEST(UefiHandoffTablesTest, TrailingBytesAreBadLength) {
  testing::TcgLogBuilder b;
  b.U64(1).Raw(testing::kGlobalGuid).U64(0x1000).U8(0);
  testing::ExpectParseError(ParseUefiHandoffTables(b.span(), 0, false), ErrorCode::kBadLength, 32);
}

// UEFI_GPT_DATA with `count` declared partitions of `entry_size` bytes and
// `present` entries written.
testing::TcgLogBuilder Gpt(uint64_t count, uint32_t entry_size, uint64_t present) {
  testing::TcgLogBuilder b;
  b.Str("EFI PART").Fill(48, 0).Raw(testing::kGlobalGuid).Fill(12, 0).U32(entry_size).Fill(4, 0);
  b.U64(count);
  for (uint64_t i = 0; i < present; ++i) {
    b.Raw(testing::kGlobalGuid).Raw(testing::kGlobalGuid).U64(0x800).U64(0x1000).U64(0);
    testing::TcgLogBuilder name;
    for (char c : std::string("EFI")) name.U16(uint16_t(c));
    name.Fill(72 - name.bytes().size(), 0);
    b.Raw(name.bytes()).Fill(entry_size - 128, 0);
  }
  return b;
}

TEST(UefiGptDataTest, ReadsTheHeaderAndThePartitions) {
  testing::TcgLogBuilder b = Gpt(1, 128, 1);
  Result<UefiGptData> g = ParseUefiGptData(b.span(), 0);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(GuidName(g->disk_guid), "EFI_GLOBAL_VARIABLE");
  ASSERT_EQ(g->partitions.size(), 1u);
  EXPECT_EQ(g->partitions[0].starting_lba, 0x800u);
  EXPECT_EQ(g->partitions[0].ending_lba, 0x1000u);
  EXPECT_EQ(g->partitions[0].partition_name, "EFI");
}

TEST(UefiGptDataTest, LargerEntriesAreReadByTheirDeclaredSize) {
  testing::TcgLogBuilder b = Gpt(2, 136, 2);
  Result<UefiGptData> g = ParseUefiGptData(b.span(), 0);
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->partitions.size(), 2u);
}

TEST(UefiGptDataTest, WithoutSignatureIsBadMagic) {
  testing::TcgLogBuilder b;
  b.Fill(100, 0);
  testing::ExpectParseError(ParseUefiGptData(b.span(), 70), ErrorCode::kBadMagic, 70);
}

TEST(UefiGptDataTest, HeaderCutShortIsTruncated) {
  testing::TcgLogBuilder b;
  b.Str("EFI PART").Fill(20, 0);
  testing::ExpectParseError(ParseUefiGptData(b.span(), 0), ErrorCode::kTruncated, 0);
}

TEST(UefiGptDataTest, EntrySizeBelowTheEntryLayoutIsBadValue) {
  testing::TcgLogBuilder b = Gpt(0, 64, 0);
  testing::ExpectParseError(ParseUefiGptData(b.span(), 0), ErrorCode::kBadValue, 84);
}

TEST(UefiGptDataTest, PartitionCountBeyondTheDataIsBadLength) {
  testing::TcgLogBuilder b = Gpt(1000000, 128, 1);
  testing::ExpectParseError(ParseUefiGptData(b.span(), 0), ErrorCode::kBadLength, 92);
}

TEST(UefiGptDataTest, TrailingBytesAreBadLength) {
  testing::TcgLogBuilder b = Gpt(1, 128, 1);
  b.U8(0);
  testing::ExpectParseError(ParseUefiGptData(b.span(), 0), ErrorCode::kBadLength, 100 + 128);
}

TEST(Utf16Test, SurrogatePairsDecodeAndLoneSurrogatesAreReplaced) {
  testing::TcgLogBuilder b;
  b.U16(0xD83D).U16(0xDE00).U16('x').U16(0xDC00).U16(0);
  EXPECT_EQ(Utf16LeToUtf8(b.span()), std::string("\xF0\x9F\x98\x80") + "x" + "\xEF\xBF\xBD");
}

TEST(Utf16Test, HighSurrogateAtTheEndAndAnOddByteAreHandled) {
  testing::TcgLogBuilder b;
  b.U16('a').U16(0xD800).U8('z');
  EXPECT_EQ(Utf16LeToUtf8(b.span()), "a\xEF\xBF\xBD");
}

TEST(EventTextTest, AsciiUtf16AndBinary) {
  std::string grub = std::string("grub_cmd: linux /vmlinuz") + '\0';
  EXPECT_EQ(EventText(AsBytes(grub)), "grub_cmd: linux /vmlinuz");
  testing::TcgLogBuilder u;
  for (char c : std::string("initrd")) u.U16(uint16_t(c));
  u.U16(0);
  EXPECT_EQ(EventText(u.span()), "initrd");
  std::vector<uint8_t> bin = {0x01, 0x9f, 0x00, 0xff};
  EXPECT_EQ(EventText(bin), "");
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
