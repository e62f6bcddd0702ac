#include "parsers/uefi_varstore.h"

#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"

namespace ccv::parsers {
namespace {

namespace fs = std::filesystem;

const char* kOvmfMsVars = "/usr/share/OVMF/OVMF_VARS_4M.ms.fd";

// A firmware volume with an authenticated variable store holding `vars`
// ({name, data} under one GUID), each in `state`.
struct TestVar {
  std::string name;
  std::vector<uint8_t> data;
  uint8_t state = 0x3f;
};

void PutU16(std::vector<uint8_t>* b, size_t at, uint16_t v) {
  (*b)[at] = uint8_t(v);
  (*b)[at + 1] = uint8_t(v >> 8);
}
void PutU32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*b)[at + size_t(i)] = uint8_t(v >> (8 * i));
}

std::vector<uint8_t> BuildFv(const std::vector<TestVar>& vars, size_t size = 0x4000) {
  std::vector<uint8_t> b(size, 0xff);
  std::fill(b.begin(), b.begin() + 72, 0);
  const uint8_t fv_guid[16] = {0x8d, 0x2b, 0xf1, 0xff, 0x96, 0x76, 0x8b, 0x4c,
                               0xa9, 0x85, 0x27, 0x47, 0x07, 0x5b, 0x4f, 0x50};
  std::memcpy(&b[16], fv_guid, 16);
  for (int i = 0; i < 8; ++i) b[32 + size_t(i)] = uint8_t(uint64_t(size) >> (8 * i));
  std::memcpy(&b[40], "_FVH", 4);
  PutU16(&b, 48, 72);
  const uint8_t store_guid[16] = {0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43,
                                  0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92};
  std::memcpy(&b[72], store_guid, 16);
  PutU32(&b, 88, uint32_t(size - 72));
  b[92] = 0x5a;
  b[93] = 0xfe;
  std::fill(b.begin() + 94, b.begin() + 100, 0);
  size_t at = 100;
  for (const TestVar& v : vars) {
    std::fill(b.begin() + long(at), b.begin() + long(at + 60), 0);
    PutU16(&b, at, 0x55aa);
    b[at + 2] = v.state;
    PutU32(&b, at + 4, 0x27);
    const uint32_t name_size = uint32_t(2 * (v.name.size() + 1));
    PutU32(&b, at + 36, name_size);
    PutU32(&b, at + 40, uint32_t(v.data.size()));
    b[at + 44] = 0x61;  // some GUID
    size_t p = at + 60;
    for (char c : v.name) {
      b[p++] = uint8_t(c);
      b[p++] = 0;
    }
    b[p++] = 0;
    b[p++] = 0;
    std::copy(v.data.begin(), v.data.end(), b.begin() + long(p));
    p += v.data.size();
    at = (p + 3) & ~size_t{3};
  }
  return b;
}

TEST(VariableStoreTest, ReadsAddedVariablesAndSkipsDeletedOnes) {
  auto fv = BuildFv({{"PK", {1, 2, 3}, 0x3c}, {"PK", {4, 5}}, {"db", {9}, 0x3d}, {"KEK", {7}}});
  auto s = ParseVariableStoreFv(fv);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->authenticated);
  ASSERT_EQ(s->variables.size(), 2u);
  EXPECT_EQ(s->variables[0].name, "PK");
  EXPECT_EQ(std::vector<uint8_t>(s->variables[0].data.begin(), s->variables[0].data.end()),
            (std::vector<uint8_t>{4, 5}));
  EXPECT_EQ(s->variables[1].name, "KEK");
  EXPECT_EQ(s->Find(s->variables[0].vendor_guid, "db"), nullptr);
}

TEST(VariableStoreTest, CorruptStoresFailWithCodeAndOffset) {
  const std::vector<TestVar> one = {{"PK", {1, 2, 3}}};
  struct Case {
    const char* name;
    size_t at;
    uint8_t value;
    ErrorCode code;
    uint64_t offset;
  };
  const Case cases[] = {
      {"no _FVH", 40, 'X', ErrorCode::kBadMagic, 40},
      {"not a variable FV", 16, 0, ErrorCode::kBadMagic, 16},
      {"HeaderLength past the end", 49, 0xff, ErrorCode::kBadLength, 48},
      {"unknown store GUID", 72, 0, ErrorCode::kBadMagic, 72},
      {"store size past the volume", 91, 0x7f, ErrorCode::kBadLength, 88},
      {"store not healthy", 93, 0x00, ErrorCode::kBadValue, 92},
      {"name size past the store", 100 + 39, 0x7f, ErrorCode::kBadLength, 136},
      {"odd name size", 100 + 36, 5, ErrorCode::kBadLength, 136},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto fv = BuildFv(one);
    fv[c.at] = c.value;
    auto s = ParseVariableStoreFv(fv);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), c.code) << s.status().ToString();
    EXPECT_EQ(s.status().offset(), c.offset) << s.status().ToString();
  }
  for (size_t n : {0u, 20u, 60u, 90u}) {
    auto fv = BuildFv(one);
    fv.resize(n);
    EXPECT_FALSE(ParseVariableStoreFv(fv).ok()) << n;
  }
}

// Debian's OVMF with Microsoft's keys enrolled (package ovmf; skipped
// without it): PK, KEK, db and dbx are signature lists whose sizes add up.
TEST(VariableStoreTest, ReadsDebianOvmfSecureBootKeys) {
  if (!fs::exists(kOvmfMsVars)) GTEST_SKIP() << kOvmfMsVars << " not installed (package ovmf)";
  auto bytes = ReadFileBytes(kOvmfMsVars);
  ASSERT_TRUE(bytes.ok());
  auto s = ParseVariableStoreFv(*bytes);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  int found = 0;
  for (const char* name : {"PK", "KEK", "db", "dbx"}) {
    SCOPED_TRACE(name);
    const StoredVariable* v = nullptr;
    for (const StoredVariable& sv : s->variables) {
      if (sv.name == name) v = &sv;
    }
    ASSERT_NE(v, nullptr);
    ByteReader r(v->data, v->offset);
    size_t lists = 0;
    while (!r.Empty()) {
      auto l = ReadEfiSignatureList(&r);
      ASSERT_TRUE(l.ok()) << l.status().ToString();
      ++lists;
    }
    EXPECT_GE(lists, 1u);
    ++found;
  }
  EXPECT_EQ(found, 4);
}

}  // namespace
}  // namespace ccv::parsers
