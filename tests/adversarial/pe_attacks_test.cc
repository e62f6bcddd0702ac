// Hostile PE/COFF images against `ccverify measure authenticode`: layouts
// that would let bytes escape the Authenticode hash (so a predicted
// measurement would not cover them) or make the parser read outside the file
// are input errors (exit 3) naming the file, offset and field; a signature
// taken from another image never "matches" this one.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/core/file_io.h"
#include "tests/parsers/pe_builder.h"
#include "tests/testing/cli.h"
#include "tests/testing/corpus.h"

namespace ccv {
namespace {

namespace fs = std::filesystem;

class PeAttackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccv_pe_attack_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path Write(const std::string& name, const std::vector<uint8_t>& bytes) {
    fs::path p = dir_ / name;
    EXPECT_TRUE(WriteFileBytes(p.string(), bytes.data(), bytes.size()).ok());
    return p;
  }
  fs::path dir_;
};

struct Attack {
  const char* name;
  const char* field;  // the field the error must name
  void (*apply)(testing::PeBuilder& b, std::vector<uint8_t>& f);
};

const Attack kAttacks[] = {
    {"overlapping sections: one byte range hashed twice", "section PointerToRawData",
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 40 + 20,
                                  uint32_t(b.section_data_offsets[0] + 8));
     }},
    {"section past the end of the file", "section SizeOfRawData",
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 40 + 16, 0x7ffff000);
     }},
    {"certificate table pointing inside the sections", "Certificate Table VirtualAddress",
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) {
       const uint32_t off = uint32_t(b.section_data_offsets[1]);
       testing::PeBuilder::PutU32(&f, b.cert_dir_offset, off);
       testing::PeBuilder::PutU32(&f, b.cert_dir_offset + 4, uint32_t(f.size() - off));
     }},
    {"payload appended after the certificate table", "Certificate Table VirtualAddress",
     [](testing::PeBuilder&, std::vector<uint8_t>& f) { f.insert(f.end(), 512, 0x90); }},
    {"65535 sections", "COFF NumberOfSections",
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) {
       testing::PeBuilder::PutU16(&f, b.coff_offset + 2, 0xffff);
     }},
    {"e_lfanew far past the end", "PE signature (e_lfanew)",
     [](testing::PeBuilder&, std::vector<uint8_t>& f) {
       testing::PeBuilder::PutU32(&f, 0x3c, 0xfffffff0);
     }},
    {"section data hidden in the headers", "section PointerToRawData",
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 20, 0x100);
     }},
};

TEST_F(PeAttackTest, HostileLayoutsAreInputErrorsNamingTheField) {
  for (const Attack& a : kAttacks) {
    SCOPED_TRACE(a.name);
    testing::PeBuilder b = testing::PeBuilder::Default();
    b.cert_blob = std::vector<uint8_t>(32, 0x30);
    std::vector<uint8_t> f = b.Build();
    a.apply(b, f);
    const fs::path p = Write("attack.efi", f);
    testing::CliRun r =
        testing::RunCcverify("measure authenticode " + testing::Quote(p) + " --json");
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_TRUE(r.out.empty()) << "no partial result: " << r.out;
    EXPECT_NE(r.err.find(p.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(a.field), std::string::npos) << r.err;
  }
}

// A valid signature of another image, transplanted: it decodes and its own
// signature verifies, but it does not sign this image.
TEST_F(PeAttackTest, TransplantedSignatureDoesNotMatchTheImage) {
  CCV_REQUIRE_CORPUS(corpus);
  auto donor = ReadFileBytes((corpus / "pe/authenticode-rs/tiny64.signed.efi").string());
  ASSERT_TRUE(donor.ok());
  // The donor's certificate table (PE32+: the entry at optional header
  // offset 112 + 4 * 8), as our builder's table body.
  const size_t lfanew = size_t((*donor)[0x3c]) | size_t((*donor)[0x3d]) << 8;
  const size_t cert_dir = lfanew + 4 + 20 + 112 + 32;
  const uint32_t off = uint32_t((*donor)[cert_dir]) | uint32_t((*donor)[cert_dir + 1]) << 8 |
                       uint32_t((*donor)[cert_dir + 2]) << 16 |
                       uint32_t((*donor)[cert_dir + 3]) << 24;
  const uint32_t dw_len = uint32_t((*donor)[off]) | uint32_t((*donor)[off + 1]) << 8 |
                          uint32_t((*donor)[off + 2]) << 16 | uint32_t((*donor)[off + 3]) << 24;
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob.assign(donor->begin() + off + 8, donor->begin() + off + dw_len);
  const fs::path p = Write("transplant.efi", b.Build());
  testing::CliRun r = testing::RunCcverify("measure authenticode " + testing::Quote(p) + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"digest_matches_image\":false"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"signature_valid\":true"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"digest_matches_image\":true"), std::string::npos) << r.out;
}

// Garbage where a PKCS#7 signature should be: reported per signature, and
// the digest is still given (it does not depend on the signature).
TEST_F(PeAttackTest, GarbageSignatureIsReportedNotTrusted) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob = std::vector<uint8_t>(64, 0x41);
  const fs::path p = Write("garbage.efi", b.Build());
  testing::CliRun r = testing::RunCcverify("measure authenticode " + testing::Quote(p) + " --json");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("\"error\":\"Authenticode signature: not a DER PKCS#7"), std::string::npos)
      << r.out;
  EXPECT_EQ(r.out.find("digest_matches_image"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ccv
