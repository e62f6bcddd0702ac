// ACPI CCEL table parser: corrupt tables (code + offset) and a good one.
#include "parsers/ccel.h"

#include <vector>

#include <gtest/gtest.h>

#include "parsers/ccel_format.h"
#include "tests/parsers/tcg_log_builder.h"
#include "tests/testing/parse_error.h"

namespace ccv::parsers {
namespace {

// A valid table (TDX, LAML 64 KiB) with a correct checksum.
std::vector<uint8_t> GoodTable() {
  testing::TcgLogBuilder b;
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
  testing::SetAcpiChecksum(&t);
  return t;
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

// Each corruption of the good table fails with its code at the offset of the
// field at fault.
TEST(CcelTableTest, CorruptTablesFailWithCodeAndOffset) {
  using Table = std::vector<uint8_t>;
  struct Case {
    const char* name;
    void (*corrupt)(Table*);
    ErrorCode code;
    uint64_t offset;
  };
  const Case cases[] = {
      {"wrong checksum: at the checksum field", [](Table* t) { (*t)[9] ^= 1; },
       ErrorCode::kBadChecksum, 9},
      {"flipped body byte (LAML)", [](Table* t) { (*t)[40] ^= 0x80; }, ErrorCode::kBadChecksum, 9},
      {"wrong signature", [](Table* t) { (*t)[0] = 'T'; }, ErrorCode::kBadMagic, 0},
      {"empty input", [](Table* t) { t->clear(); }, ErrorCode::kTruncated, 0},
      {"cut table: at the length field", [](Table* t) { t->resize(40); }, ErrorCode::kTruncated, 4},
      {"length below the table size", [](Table* t) { (*t)[4] = 36; }, ErrorCode::kBadLength, 4},
      {"huge length", [](Table* t) { (*t)[7] = 0xFF; }, ErrorCode::kTruncated, 4},
      {"trailing bytes beyond the length", [](Table* t) { t->push_back(0); }, ErrorCode::kBadLength,
       4},
      {"revision zero, checksum kept right",
       [](Table* t) {
         (*t)[8] = 0;
         (*t)[9] = uint8_t((*t)[9] + 1);
       },
       ErrorCode::kUnsupportedVersion, 8},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Table t = GoodTable();
    c.corrupt(&t);
    ::ccv::testing::ExpectParseError(ParseCcelAcpiTable(t), c.code, c.offset);
  }
}

}  // namespace
}  // namespace ccv::parsers
