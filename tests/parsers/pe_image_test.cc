#include "parsers/pe/pe_image.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/parsers/pe_builder.h"

namespace ccv::parsers {
namespace {

std::vector<uint8_t> Concat(const std::vector<uint8_t>& file, const std::vector<FileRange>& rs) {
  std::vector<uint8_t> out;
  for (const FileRange& r : rs) {
    out.insert(out.end(), file.begin() + long(r.offset), file.begin() + long(r.offset + r.len));
  }
  return out;
}

TEST(PeImageTest, ParsesHeadersAndSections) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  std::vector<uint8_t> f = b.Build();
  auto img = ParsePeImage(f);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_TRUE(img->pe32_plus);
  EXPECT_EQ(img->machine, 0x8664);
  EXPECT_EQ(img->subsystem, 10);
  ASSERT_EQ(img->sections.size(), 3u);
  EXPECT_EQ(img->sections[0].name, ".text");
  EXPECT_EQ(img->sections[2].name, ".bss");
  EXPECT_EQ(img->cert_table.len, 0u);
  ASSERT_NE(FindSection(*img, ".data"), nullptr);
  EXPECT_EQ(SectionData(f, *FindSection(*img, ".data")).size(), 0x200u);
  EXPECT_EQ(FindSection(*img, ".reloc"), nullptr);
}

// The hashed bytes are the file without CheckSum and the certificate
// directory entry: stated from the builder's own offsets.
TEST(PeImageTest, AuthenticodeRangesSkipChecksumAndCertificateEntry) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.trailing = {1, 2, 3, 4, 5};
  std::vector<uint8_t> f = b.Build();
  auto img = ParsePeImage(f);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  std::vector<uint8_t> expected;
  expected.insert(expected.end(), f.begin(), f.begin() + long(b.checksum_offset));
  expected.insert(expected.end(), f.begin() + long(b.checksum_offset + 4),
                  f.begin() + long(b.cert_dir_offset));
  expected.insert(expected.end(), f.begin() + long(b.cert_dir_offset + 8), f.end());
  EXPECT_EQ(Concat(f, img->authenticode_ranges), expected);
}

TEST(PeImageTest, SectionsAreHashedInFileOrderNotTableOrder) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  std::vector<uint8_t> f = b.Build();
  // Swap the two section headers: the data stays where it is.
  std::vector<uint8_t> g = f;
  for (size_t i = 0; i < 40; ++i) {
    std::swap(g[b.section_table_offset + i], g[b.section_table_offset + 40 + i]);
  }
  auto a = ParsePeImage(f);
  auto c = ParsePeImage(g);
  ASSERT_TRUE(a.ok() && c.ok());
  EXPECT_EQ(c->sections[0].name, ".data");
  // The section data ranges come in PointerToRawData order in both.
  ASSERT_EQ(a->authenticode_ranges.size(), c->authenticode_ranges.size());
  for (size_t i = 3; i < a->authenticode_ranges.size(); ++i) {
    EXPECT_EQ(a->authenticode_ranges[i].offset, c->authenticode_ranges[i].offset);
  }
}

TEST(PeImageTest, Pe32AndFewDataDirectories) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.pe32_plus = false;
  b.num_data_directories = 4;  // no certificate entry: only CheckSum is skipped
  std::vector<uint8_t> f = b.Build();
  auto img = ParsePeImage(f);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_FALSE(img->pe32_plus);
  EXPECT_FALSE(img->cert_dir_entry_offset.has_value());
  std::vector<uint8_t> expected(f.begin(), f.begin() + long(b.checksum_offset));
  expected.insert(expected.end(), f.begin() + long(b.checksum_offset + 4), f.end());
  EXPECT_EQ(Concat(f, img->authenticode_ranges), expected);
}

TEST(PeImageTest, CertificateTableIsExcludedAndParsed) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob = {0x30, 0x03, 0x02, 0x01, 0x01};
  std::vector<uint8_t> f = b.Build();
  auto img = ParsePeImage(f);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->cert_table.offset, b.cert_table_offset);
  EXPECT_EQ(img->cert_table.offset + img->cert_table.len, f.size());
  const FileRange& last = img->authenticode_ranges.back();
  EXPECT_LE(last.offset + last.len, b.cert_table_offset);
  auto certs = ParseCertificateTable(f, *img);
  ASSERT_TRUE(certs.ok()) << certs.status().ToString();
  ASSERT_EQ(certs->size(), 1u);
  EXPECT_EQ((*certs)[0].revision, 0x0200);
  EXPECT_EQ((*certs)[0].certificate_type, 0x0002);
  EXPECT_EQ(std::vector<uint8_t>((*certs)[0].certificate.begin(), (*certs)[0].certificate.end()),
            b.cert_blob);
}

// --- negative cases: error code and offset ---

struct Corruption {
  const char* name;
  ErrorCode code;
  // Returns the offset the error must name.
  uint64_t (*apply)(testing::PeBuilder& b, std::vector<uint8_t>& f);
};

const Corruption kCorruptions[] = {
    {"no MZ", ErrorCode::kBadMagic,
     [](testing::PeBuilder&, std::vector<uint8_t>& f) -> uint64_t {
       f[0] = 'X';
       return 0;
     }},
    {"e_lfanew past the end", ErrorCode::kTruncated,
     [](testing::PeBuilder&, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, 0x3c, 0x7fffffff);
       return 0x7fffffff;
     }},
    {"no PE signature", ErrorCode::kBadMagic,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       f[b.lfanew + 1] = 'X';
       return b.lfanew;
     }},
    {"unknown optional header magic", ErrorCode::kBadMagic,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU16(&f, b.opt_offset, 0x107);
       return b.opt_offset;
     }},
    {"65535 sections", ErrorCode::kLimitExceeded,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU16(&f, b.coff_offset + 2, 0xffff);
       return b.coff_offset + 2;
     }},
    {"SizeOfOptionalHeader too small", ErrorCode::kBadLength,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU16(&f, b.coff_offset + 16, 100);
       return b.coff_offset + 16;
     }},
    {"SizeOfOptionalHeader past the end", ErrorCode::kTruncated,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU16(&f, b.coff_offset + 16, 0xffff);
       f.resize(0x1000);
       return b.opt_offset;
     }},
    {"17 data directories", ErrorCode::kLimitExceeded,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.opt_offset + 108, 17);
       return b.opt_offset + 108;
     }},
    {"SizeOfHeaders before the section table", ErrorCode::kBadLength,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.opt_offset + 60, uint32_t(b.section_table_offset + 40));
       return b.opt_offset + 60;
     }},
    {"SizeOfHeaders past the end", ErrorCode::kTruncated,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.opt_offset + 60, 0x100000);
       return b.opt_offset + 60;
     }},
    {"section past the end of the file", ErrorCode::kTruncated,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 40 + 16, 0x10000);
       return b.section_table_offset + 40 + 16;
     }},
    {"section size wraps 32 bits", ErrorCode::kTruncated,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 16, 0xffffff00);
       return b.section_table_offset + 16;
     }},
    {"overlapping sections", ErrorCode::kBadValue,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       // .data starts inside .text.
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 40 + 20,
                                  uint32_t(b.section_data_offsets[0] + 0x100));
       return b.section_table_offset + 40 + 20;
     }},
    {"two sections at one offset", ErrorCode::kBadValue,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 40 + 20,
                                  uint32_t(b.section_data_offsets[0]));
       return b.section_table_offset + 40 + 20;
     }},
    {"section data inside the headers", ErrorCode::kBadValue,
     [](testing::PeBuilder& b, std::vector<uint8_t>& f) -> uint64_t {
       testing::PeBuilder::PutU32(&f, b.section_table_offset + 20, 0x40);
       return b.section_table_offset + 20;
     }},
};

TEST(PeImageTest, CorruptHeadersFailWithCodeAndOffset) {
  for (const Corruption& c : kCorruptions) {
    SCOPED_TRACE(c.name);
    testing::PeBuilder b = testing::PeBuilder::Default();
    std::vector<uint8_t> f = b.Build();
    const uint64_t offset = c.apply(b, f);
    auto img = ParsePeImage(f);
    ASSERT_FALSE(img.ok());
    EXPECT_EQ(img.status().code(), c.code) << img.status().ToString();
    EXPECT_EQ(img.status().offset(), offset) << img.status().ToString();
    EXPECT_FALSE(img.status().field().empty());
  }
}

TEST(PeImageTest, EveryTruncationFailsCleanly) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob = std::vector<uint8_t>(40, 0x30);
  const std::vector<uint8_t> f = b.Build();
  for (size_t n = 0; n < f.size(); n += 7) {
    std::vector<uint8_t> g(f.begin(), f.begin() + long(n));
    auto img = ParsePeImage(g);
    EXPECT_FALSE(img.ok()) << "prefix of " << n << " bytes parsed";
  }
}

TEST(PeImageTest, CertificateTableInsideSectionsIsRejected) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob = std::vector<uint8_t>(24, 0x30);
  std::vector<uint8_t> f = b.Build();
  // Point the table at .text, keeping it "at the end" impossible: the size
  // reaches the end of the file from inside the sections.
  const uint32_t off = uint32_t(b.section_data_offsets[0]);
  testing::PeBuilder::PutU32(&f, b.cert_dir_offset, off);
  testing::PeBuilder::PutU32(&f, b.cert_dir_offset + 4, uint32_t(f.size() - off));
  auto img = ParsePeImage(f);
  ASSERT_FALSE(img.ok());
  EXPECT_EQ(img.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(img.status().offset(), b.cert_dir_offset);
}

TEST(PeImageTest, DataAfterTheCertificateTableIsRejected) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob = std::vector<uint8_t>(24, 0x30);
  std::vector<uint8_t> f = b.Build();
  f.insert(f.end(), 64, 0xcc);  // would be neither hashed nor part of the table
  auto img = ParsePeImage(f);
  ASSERT_FALSE(img.ok());
  EXPECT_EQ(img.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(img.status().offset(), b.cert_dir_offset);
}

TEST(PeImageTest, CertificateEntryLengthsAreChecked) {
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.cert_blob = std::vector<uint8_t>(24, 0x30);
  std::vector<uint8_t> f = b.Build();
  for (uint32_t bad : {0u, 7u, 0x10000u}) {
    SCOPED_TRACE(bad);
    std::vector<uint8_t> g = f;
    testing::PeBuilder::PutU32(&g, b.cert_table_offset, bad);
    auto img = ParsePeImage(g);
    ASSERT_TRUE(img.ok());
    auto certs = ParseCertificateTable(g, *img);
    ASSERT_FALSE(certs.ok());
    EXPECT_EQ(certs.status().code(), ErrorCode::kBadLength);
    EXPECT_EQ(certs.status().offset(), b.cert_table_offset);
  }
}

// Names "/N" resolve through the COFF string table after the symbol table;
// an offset past the table, a name without its NUL inside the table, or a
// non-decimal offset leaves the section without a long name.
TEST(PeImageTest, LongSectionNamesComeFromTheStringTable) {
  const std::string names = std::string(".vendor_cert") + '\0' + ".unterminated";
  std::vector<uint8_t> strings(4 + names.size());
  testing::PeBuilder::PutU32(&strings, 0, uint32_t(strings.size()));
  std::copy(names.begin(), names.end(), strings.begin() + 4);
  testing::PeBuilder b = testing::PeBuilder::Default();
  b.sections.push_back({"/4", std::vector<uint8_t>(16, 1)});
  b.sections.push_back({"/17", std::vector<uint8_t>(16, 2)});
  b.sections.push_back({"/400", std::vector<uint8_t>(16, 3)});
  b.sections.push_back({"/4x", std::vector<uint8_t>(16, 4)});
  b.trailing = strings;
  std::vector<uint8_t> f = b.Build();
  testing::PeBuilder::PutU32(&f, b.coff_offset + 8, uint32_t(f.size() - strings.size()));
  testing::PeBuilder::PutU32(&f, b.coff_offset + 12, 0);
  auto img = ParsePeImage(f);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  const size_t first = img->sections.size() - 4;
  EXPECT_EQ(img->sections[first].name, "/4");
  EXPECT_EQ(img->sections[first].long_name, ".vendor_cert");
  EXPECT_EQ(img->sections[first + 1].long_name, "");
  EXPECT_EQ(img->sections[first + 2].long_name, "");
  EXPECT_EQ(img->sections[first + 3].long_name, "");
  EXPECT_EQ(FindSection(*img, ".vendor_cert"), nullptr);  // the loader's names are 8 bytes

  // A symbol table pointer past the end: no long names, and the image still parses.
  testing::PeBuilder::PutU32(&f, b.coff_offset + 8, 0xfffffff0u);
  img = ParsePeImage(f);
  ASSERT_TRUE(img.ok()) << img.status().ToString();
  EXPECT_EQ(img->sections[first].long_name, "");
}

}  // namespace
}  // namespace ccv::parsers
