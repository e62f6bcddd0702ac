// Event data as display text: every malformed structure gives a detail with
// an error (never a crash), and the good ones read as before.
#include "verifier/report/event_detail.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/parsers/uefi_event_builder.h"

namespace ccv::report {
namespace {

namespace p = parsers;
namespace tb = ccv::testing;  // the event data builders

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

TEST(DevicePathToTextTest, PrintsTheNodesOfAHardDiskBootPath) {
  tb::TcgLogBuilder path;
  path.U8(2).U8(1).U16(12).U32(0x0A0341D0).U32(0);           // PciRoot(0x0)
  path.U8(1).U8(1).U16(6).U8(0).U8(3);                       // Pci(0x3,0x0)
  path.U8(4).U8(1).U16(42).U32(1).U64(0x800).U64(0x100000);  // HD(1,GPT,...)
  for (int i = 0; i < 16; ++i) path.U8(uint8_t(i));
  path.U8(2).U8(2);
  path.Raw(tb::FilePathNode("\\EFI\\BOOT\\BOOTX64.EFI"));
  path.U8(0x7f).U8(0xff).U16(4);
  EXPECT_EQ(DevicePathToText(path.span()),
            "PciRoot(0x0)/Pci(0x3,0x0)/HD(1,GPT,03020100-0504-0706-0809-0a0b0c0d0e0f,0x800,"
            "0x100000)/\\EFI\\BOOT\\BOOTX64.EFI");
  tb::TcgLogBuilder b = tb::ImageLoad(path.bytes());
  EventDetail d = DescribeEventData(p::kEvEfiBootServicesApplication, b.span(), 0);
  EXPECT_EQ(d.kind, "image_load");
  EXPECT_TRUE(d.error.empty());
  EXPECT_EQ(Text(d, "device_path").rfind("PciRoot(0x0)/", 0), 0u);
}

TEST(DevicePathToTextTest, MessagingAndMediaNodes) {
  tb::TcgLogBuilder path;
  path.U8(2).U8(1).U16(12).U32(0x060341D0).U32(1);      // Acpi(PNP0603,0x1)
  path.U8(3).U8(18).U16(10).U16(1).U16(0xFFFF).U16(0);  // Sata(0x1,0xffff,0x0)
  path.U8(3).U8(23).U16(16).U32(1).Fill(8, 0xee);       // NVMe(0x1,eeee...)
  path.U8(4).U8(8).U16(24).U32(0).U64(0x10).U64(0x20);  // Offset(0x10,0x20)
  path.U8(4).U8(6).U16(20).Raw(tb::kGlobalGuid);        // FvFile(guid)
  EXPECT_EQ(DevicePathToText(path.span()),
            "Acpi(PNP0603,0x1)/Sata(0x1,0xffff,0x0)/NVMe(0x1,eeeeeeeeeeeeeeee)/"
            "Offset(0x10,0x20)/FvFile(8be4df61-93ca-11d2-aa0d-00e098032b8c)");
}

TEST(DevicePathToTextTest, NodeShorterThanItsHeaderIsMarkedMalformed) {
  tb::TcgLogBuilder path;
  path.Raw(tb::FilePathNode("a"));
  path.U8(4).U8(4).U16(2);  // length 2 < 4
  EXPECT_EQ(DevicePathToText(path.span()), "a<malformed at +8>");
}

TEST(DevicePathToTextTest, NodeLongerThanThePathIsMarkedMalformed) {
  tb::TcgLogBuilder path;
  path.U8(4).U8(4).U16(0xFFFF).U16('a');
  EXPECT_EQ(DevicePathToText(path.span()), "<malformed at +0>");
}

TEST(DevicePathToTextTest, UnknownNodesPrintRawAndInstancesSeparate) {
  tb::TcgLogBuilder path;
  path.U8(9).U8(9).U16(6).U8(0xab).U8(0xcd);
  path.U8(0x7f).U8(0x01).U16(4);
  path.Raw(tb::FilePathNode("b"));
  EXPECT_EQ(DevicePathToText(path.span()), "Path(9,9,abcd),b");
}

TEST(DevicePathToTextTest, KnownNodeShorterThanItsLayoutPrintsRaw) {
  tb::TcgLogBuilder path;
  path.U8(4).U8(1).U16(8).U32(1);  // a hard drive node needs 38 bytes of data
  EXPECT_EQ(DevicePathToText(path.span()), "Path(4,1,01000000)");
}

TEST(DevicePathToTextTest, TruncatedTailIsMarkedMalformed) {
  tb::TcgLogBuilder path;
  path.U8(4).U8(4);
  EXPECT_EQ(DevicePathToText(path.span()), "<malformed at +0>");
}

TEST(DescribeEventDataTest, VariableBytesAfterTheDataAreCounted) {
  tb::TcgLogBuilder b = tb::Variable("Shim", {7});
  b.Fill(6, 0);
  EventDetail d = DescribeEventData(p::kEvEfiVariableAuthority, b.span(), 0);
  EXPECT_EQ(Text(d, "trailing_bytes"), "6");
}

TEST(DescribeEventDataTest, VariableLengthBeyondTheDataIsAnErrorNamingTheOffset) {
  tb::TcgLogBuilder b = tb::Variable("PK", {1, 2}, -1, /*data_len=*/3);
  EventDetail d = DescribeEventData(p::kEvEfiVariableDriverConfig, b.span(), 1000);
  EXPECT_EQ(d.kind, "uefi_variable");
  EXPECT_NE(d.error.find("offset 1024"), std::string::npos) << d.error;
}

TEST(DescribeEventDataTest, ImageLoadPathLengthBeyondTheEventIsAnError) {
  tb::TcgLogBuilder b = tb::ImageLoad(tb::FilePathNode("x"), /*path_len=*/1000);
  EventDetail d = DescribeEventData(p::kEvEfiBootServicesDriver, b.span(), 64);
  EXPECT_FALSE(d.error.empty());
}

TEST(DescribeEventDataTest, StartupLocalityOfWrongLengthIsAnError) {
  std::string data("StartupLocality\0\3\4", 18);
  EventDetail d = DescribeEventData(p::kEvNoAction, AsBytes(data), 0);
  EXPECT_EQ(d.kind, "startup_locality");
  EXPECT_FALSE(d.error.empty());
  EventDetail ok = DescribeEventData(p::kEvNoAction, AsBytes(data).first(17), 0);
  EXPECT_EQ(Text(ok, "startup_locality"), "3");
}

TEST(DescribeEventDataTest, ShortNoActionDataStaysNoAction) {
  std::string data("Spec ID", 7);
  EventDetail d = DescribeEventData(p::kEvNoAction, AsBytes(data), 0);
  EXPECT_EQ(d.kind, "no_action");
  EXPECT_TRUE(d.error.empty());
}

TEST(DescribeEventDataTest, Sp800155EventCutShortIsAnError) {
  tb::TcgLogBuilder b;
  b.Str("SP800-155 Event3").U32(1);
  EventDetail d = DescribeEventData(p::kEvNoAction, b.span(), 0);
  EXPECT_EQ(d.kind, "sp800_155_event");
  EXPECT_EQ(Text(d, "signature"), "SP800-155 Event3");
  EXPECT_FALSE(d.error.empty());
}

TEST(DescribeEventDataTest, HandoffTableCountBeyondTheDataIsAnErrorNotAnAllocation) {
  tb::TcgLogBuilder b;
  b.U64(uint64_t{1} << 60);
  EventDetail d = DescribeEventData(p::kEvEfiHandoffTables, b.span(), 0);
  EXPECT_EQ(d.kind, "handoff_tables");
  EXPECT_FALSE(d.error.empty());
  EXPECT_EQ(Field(d, "tables"), nullptr);
}

TEST(DescribeEventDataTest, HandoffTablesAreListed) {
  tb::TcgLogBuilder b;
  b.U64(1).Raw(tb::kGlobalGuid).U64(0x7fb5e000);
  EventDetail d = DescribeEventData(p::kEvEfiHandoffTables, b.span(), 0);
  ASSERT_NE(Field(d, "tables"), nullptr);
  EXPECT_EQ(std::get<std::vector<std::string>>(Field(d, "tables")->value),
            (std::vector<std::string>{
                "8be4df61-93ca-11d2-aa0d-00e098032b8c (EFI_GLOBAL_VARIABLE) at 0x7fb5e000"}));
}

TEST(DescribeEventDataTest, GptPartitionCountBeyondTheDataIsAnError) {
  tb::TcgLogBuilder b;
  b.Str("EFI PART").Fill(76, 0).U32(128).Fill(4, 0).U64(1000000);
  EventDetail d = DescribeEventData(p::kEvEfiGptEvent, b.span(), 0);
  EXPECT_EQ(d.kind, "gpt");
  EXPECT_FALSE(d.error.empty());
}

TEST(DescribeEventDataTest, GptWithoutSignatureIsAnError) {
  tb::TcgLogBuilder b;
  b.Fill(100, 0);
  EventDetail d = DescribeEventData(p::kEvEfiGptEvent, b.span(), 0);
  EXPECT_FALSE(d.error.empty());
}

TEST(DescribeEventDataTest, EventTagLengthBeyondTheDataIsAnError) {
  tb::TcgLogBuilder b;
  b.U32(0x8f3b22ed).U32(100).Str("short");
  EventDetail d = DescribeEventData(p::kEvEventTag, b.span(), 0);
  EXPECT_EQ(d.kind, "event_tag");
  EXPECT_FALSE(d.error.empty());
}

TEST(DescribeEventDataTest, UntaggedEventTagTextIsReadAsAString) {
  std::string data = std::string("LOADED_IMAGE::LoadOptions") + '\0';
  EventDetail d = DescribeEventData(p::kEvEventTag, AsBytes(data), 0);
  EXPECT_EQ(d.kind, "string");
  EXPECT_EQ(Text(d, "string"), "LOADED_IMAGE::LoadOptions");
  EXPECT_TRUE(d.error.empty());
}

TEST(DescribeEventDataTest, FirmwareBlobWithTrailingBytesIsAnError) {
  tb::TcgLogBuilder b;
  b.U64(0xffc00000).U64(0x84000).U8(0);
  EventDetail d = DescribeEventData(p::kEvEfiPlatformFirmwareBlob, b.span(), 0);
  EXPECT_FALSE(d.error.empty());
  EventDetail good = DescribeEventData(p::kEvEfiPlatformFirmwareBlob, b.span().first(16), 0);
  EXPECT_TRUE(good.error.empty());
  EXPECT_EQ(Text(good, "blob_base"), "0xffc00000");
}

TEST(DescribeEventDataTest, Blob2DescriptionBeyondTheDataIsAnError) {
  tb::TcgLogBuilder b;
  b.U8(200).Str("Fv");
  EventDetail d = DescribeEventData(p::kEvEfiPlatformFirmwareBlob2, b.span(), 0);
  EXPECT_FALSE(d.error.empty());
}

TEST(DescribeEventDataTest, PostCodeIsABlobOrAString) {
  tb::TcgLogBuilder blob;
  blob.U64(0xffc00000).U64(0x84000);
  EventDetail d = DescribeEventData(p::kEvPostCode, blob.span(), 0);
  EXPECT_EQ(d.kind, "post_code");
  EXPECT_EQ(Text(d, "blob_length"), "0x84000");
  std::string acpi = "ACPI DATA";
  EXPECT_EQ(Text(DescribeEventData(p::kEvPostCode, AsBytes(acpi), 0), "string"), acpi);
}

TEST(DescribeEventDataTest, TdShimPlatformConfigShowsDescriptorAndInfo) {
  tb::TcgLogBuilder b;
  b.Str("td_payload_info").Fill(1, 0).U32(4).Str("info");
  EventDetail d = DescribeEventData(p::kEvPlatformConfigFlags, b.span(), 0);
  EXPECT_EQ(d.kind, "platform_config");
  EXPECT_EQ(Text(d, "descriptor"), "td_payload_info");
  EXPECT_EQ(Text(d, "info"), "info");
  tb::TcgLogBuilder bad;
  bad.Str("td_payload_info").Fill(1, 0).U32(40).Str("info");
  EXPECT_NE(DescribeEventData(p::kEvPlatformConfigFlags, bad.span(), 0).kind, "platform_config");
}

TEST(DescribeEventDataTest, SeparatorAndStringsAndBootOrder) {
  std::vector<uint8_t> sep = {0xff, 0xff, 0xff, 0xff};
  EXPECT_EQ(Text(DescribeEventData(p::kEvSeparator, sep, 0), "value"), "0xffffffff");
  std::vector<uint8_t> odd = {0, 0, 0};
  EXPECT_EQ(DescribeEventData(p::kEvSeparator, odd, 0).kind, "raw");
  std::string action = "Exit Boot Services Invocation";
  EXPECT_EQ(Text(DescribeEventData(p::kEvEfiAction, AsBytes(action), 0), "string"), action);
  tb::TcgLogBuilder order = tb::Variable("BootOrder", {1, 0, 0x10, 0});
  EventDetail d = DescribeEventData(p::kEvEfiVariableBoot, order.span(), 0);
  const EventField* f = Field(d, "boot_order");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(std::get<std::vector<std::string>>(f->value),
            (std::vector<std::string>{"Boot0001", "Boot0010"}));
}

TEST(DescribeEventDataTest, BootOptionShowsItsDescriptionAndPath) {
  tb::TcgLogBuilder option;
  std::vector<uint8_t> path = tb::FilePathNode("\\vmlinuz");
  option.U32(1).U16(uint16_t(path.size()));
  for (char c : std::string("Linux")) option.U16(uint16_t(c));
  option.U16(0).Raw(path);
  tb::TcgLogBuilder v = tb::Variable("Boot0001", option.bytes());
  EventDetail d = DescribeEventData(p::kEvEfiVariableBoot, v.span(), 0);
  EXPECT_EQ(Text(d, "load_option.description"), "Linux");
  EXPECT_EQ(Text(d, "load_option.device_path"), "\\vmlinuz");
}

TEST(DescribeEventDataTest, SecureBootShowsWhetherItIsEnabled) {
  tb::TcgLogBuilder v = tb::Variable("SecureBoot", {1});
  EXPECT_EQ(Text(DescribeEventData(p::kEvEfiVariableDriverConfig, v.span(), 0), "enabled"), "yes");
}

TEST(DescribeEventDataTest, DbxSignatureListsAreCounted) {
  std::vector<uint8_t> lists = tb::Sha256List(3);
  std::vector<uint8_t> two = tb::Sha256List(2);
  lists.insert(lists.end(), two.begin(), two.end());
  tb::TcgLogBuilder v = tb::Variable("dbx", lists);
  EventDetail d = DescribeEventData(p::kEvEfiVariableDriverConfig, v.span(), 0);
  const EventField* f = Field(d, "signature_lists");
  ASSERT_NE(f, nullptr);
  const auto& items = std::get<std::vector<std::string>>(f->value);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].rfind("EFI_CERT_SHA256: 3 entries of 32 bytes", 0), 0u) << items[0];
  EXPECT_EQ(items[1].rfind("EFI_CERT_SHA256: 2 entries", 0), 0u) << items[1];
  EXPECT_EQ(Field(d, "signature_lists_error"), nullptr);
}

TEST(DescribeEventDataTest, EveryHashEntryIsListedWithItsOwner) {
  tb::TcgLogBuilder v = tb::Variable("dbx", tb::Sha256List(3));
  EventDetail d = DescribeEventData(p::kEvEfiVariableDriverConfig, v.span(), 0);
  const EventField* f = Field(d, "signatures");
  ASSERT_NE(f, nullptr);
  const auto& recs = std::get<std::vector<FieldRecord>>(f->value);
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(
      recs[2],
      (FieldRecord{{"list", "0"},
                   {"type", "sha256"},
                   {"hash", "0202020202020202020202020202020202020202020202020202020202020202"},
                   {"owner", "8be4df61-93ca-11d2-aa0d-00e098032b8c"}}));
}

// shim's SbatLevel is text, measured as an authority; text in other
// variables reads as text too; a binary value does not.
TEST(DescribeEventDataTest, TextVariablesReadAsText) {
  std::string sbat = "sbat,1,2021030218\n";
  tb::TcgLogBuilder v = tb::Variable("SbatLevel", {sbat.begin(), sbat.end()});
  EventDetail d = DescribeEventData(p::kEvEfiVariableAuthority, v.span(), 0);
  EXPECT_EQ(Text(d, "text"), sbat);
  EXPECT_EQ(Field(d, "signature_owner"), nullptr);
  tb::TcgLogBuilder padded = tb::Variable("Label", {'a', 'b', 0, 0});
  EXPECT_EQ(Text(DescribeEventData(p::kEvEfiVariableBoot, padded.span(), 0), "text"), "ab");
  tb::TcgLogBuilder binary = tb::Variable("Timeout", {'a', 0x01});
  EXPECT_EQ(Field(DescribeEventData(p::kEvEfiVariableBoot, binary.span(), 0), "text"), nullptr);
  // A signature list is never read as text, even when its bytes are printable.
  tb::TcgLogBuilder db = tb::Variable("db", {'a', 'b', 'c'});
  EXPECT_EQ(Field(DescribeEventData(p::kEvEfiVariableDriverConfig, db.span(), 0), "text"), nullptr);
}

TEST(DescribeEventDataTest, SignatureListSizeBeyondTheDataIsNoted) {
  tb::TcgLogBuilder v = tb::Variable("db", tb::Sha256List(1, /*list_size=*/5000));
  EventDetail d = DescribeEventData(p::kEvEfiVariableDriverConfig, v.span(), 0);
  EXPECT_EQ(Text(d, "signature_lists_error"), "inconsistent list sizes at +0");
}

TEST(DescribeEventDataTest, SignatureListHeaderCutShortIsNoted) {
  std::vector<uint8_t> lists = tb::Sha256List(1);
  lists.resize(lists.size() + 10, 0);
  tb::TcgLogBuilder v = tb::Variable("db", lists);
  EventDetail d = DescribeEventData(p::kEvEfiVariableDriverConfig, v.span(), 0);
  EXPECT_EQ(Text(d, "signature_lists_error"), "list header cut short at +76");
}

TEST(DescribeEventDataTest, SignatureListEntriesNotDividingTheListAreNoted) {
  tb::TcgLogBuilder v = tb::Variable("KEK", tb::Sha256List(1, /*list_size=*/28 + 47));
  std::vector<uint8_t> data = v.bytes();
  EventDetail d = DescribeEventData(p::kEvEfiVariableDriverConfig, data, 0);
  EXPECT_NE(Field(d, "signature_lists_error"), nullptr);
}

TEST(DescribeEventDataTest, VariableAuthorityShowsTheSignatureOwner) {
  std::vector<uint8_t> sig(tb::kGlobalGuid, tb::kGlobalGuid + 16);
  sig.resize(16 + 100, 0x30);
  tb::TcgLogBuilder v = tb::Variable("db", sig);
  EventDetail d = DescribeEventData(p::kEvEfiVariableAuthority, v.span(), 0);
  EXPECT_EQ(Text(d, "signature_owner"),
            "8be4df61-93ca-11d2-aa0d-00e098032b8c (EFI_GLOBAL_VARIABLE)");
  EXPECT_EQ(Text(d, "signature_data_length"), "100");
}

TEST(DescribeEventDataTest, UnknownTypesStayRaw) {
  std::vector<uint8_t> data = {1, 2, 3};
  EventDetail d = DescribeEventData(0x12345678, data, 0);
  EXPECT_EQ(d.kind, "raw");
  EXPECT_TRUE(d.fields.empty());
}

}  // namespace
}  // namespace ccv::report
