// ACPI CCEL table parser: corrupt tables (code + offset) and a good one.
#include "parsers/ccel.h"

#include <vector>

#include <gtest/gtest.h>

#include "parsers/ccel_format.h"
#include "tests/parsers/tcg_log_builder.h"

namespace ccv::parsers {
namespace {

using ccv::testing::TcgLogBuilder;

// A valid table (TDX, LAML 64 KiB) with a correct checksum.
std::vector<uint8_t> GoodTable() {
  TcgLogBuilder b;
  b.Str("CCEL")
      .U32(56)
      .U8(1)
      .U8(0)
      .Str(std::string_view("INTEL\0", 6))
      .Str("EDK2    ")
      .U32(2)
      .Str("AMZN")
      .U32(0x1000013);
  b.U8(2).U8(0).U16(0).U64(65536).U64(0x7d649000);
  std::vector<uint8_t> t = b.bytes();
  ccv::testing::SetAcpiChecksum(&t);
  return t;
}

void ExpectError(const std::vector<uint8_t>& t, ErrorCode code, uint64_t offset) {
  Result<CcelAcpiTable> r = ParseCcelAcpiTable(t);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_EQ(r.status().offset(), std::optional<uint64_t>(offset)) << r.status().ToString();
}

TEST(CcelTableTest, GoodTableDecodes) {
  Result<CcelAcpiTable> t = ParseCcelAcpiTable(GoodTable());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->cc_type, ccel_format::kCcTypeTdx);
  EXPECT_EQ(CcTypeName(t->cc_type), "TDX");
  EXPECT_EQ(t->laml, 65536u);
  EXPECT_EQ(t->lasa, 0x7d649000u);
  EXPECT_EQ(AcpiIdText(t->oem_id), "INTEL");
  EXPECT_EQ(AcpiIdText(t->oem_table_id), "EDK2");
}

TEST(CcelTableTest, WrongChecksumIsBadChecksumAtTheChecksumField) {
  std::vector<uint8_t> t = GoodTable();
  t[9] ^= 1;
  ExpectError(t, ErrorCode::kBadChecksum, 9);
}

TEST(CcelTableTest, FlippedBodyByteIsBadChecksum) {
  std::vector<uint8_t> t = GoodTable();
  t[40] ^= 0x80;  // LAML
  ExpectError(t, ErrorCode::kBadChecksum, 9);
}

TEST(CcelTableTest, WrongSignatureIsBadMagic) {
  std::vector<uint8_t> t = GoodTable();
  t[0] = 'T';
  ExpectError(t, ErrorCode::kBadMagic, 0);
}

TEST(CcelTableTest, EmptyInputIsTruncated) { ExpectError({}, ErrorCode::kTruncated, 0); }

TEST(CcelTableTest, CutTableIsTruncatedAtTheLengthField) {
  std::vector<uint8_t> t = GoodTable();
  t.resize(40);
  ExpectError(t, ErrorCode::kTruncated, 4);
}

TEST(CcelTableTest, LengthBelowTheTableSizeIsBadLength) {
  std::vector<uint8_t> t = GoodTable();
  t[4] = 36;
  ExpectError(t, ErrorCode::kBadLength, 4);
}

TEST(CcelTableTest, HugeLengthIsTruncated) {
  std::vector<uint8_t> t = GoodTable();
  t[7] = 0xFF;
  ExpectError(t, ErrorCode::kTruncated, 4);
}

TEST(CcelTableTest, TrailingBytesBeyondLengthAreBadLength) {
  std::vector<uint8_t> t = GoodTable();
  t.push_back(0);
  ExpectError(t, ErrorCode::kBadLength, 4);
}

TEST(CcelTableTest, RevisionZeroIsUnsupported) {
  std::vector<uint8_t> t = GoodTable();
  t[8] = 0;
  t[9] = uint8_t(t[9] + 1);  // keep the checksum right
  ExpectError(t, ErrorCode::kUnsupportedVersion, 8);
}

}  // namespace
}  // namespace ccv::parsers
