// Test-only builder of PE/COFF images with corruptible fields: a PE32+ (or
// PE32) EFI application with the sections given, file alignment 0x200,
// optional trailing data and an optional certificate table. Build() lays the
// image out; tests then patch fields through the offsets it records.
#ifndef CCV_TESTS_PARSERS_PE_BUILDER_H_
#define CCV_TESTS_PARSERS_PE_BUILDER_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace ccv::testing {

struct PeBuilderSection {
  std::string name;
  std::vector<uint8_t> data;
};

class PeBuilder {
 public:
  bool pe32_plus = true;
  uint32_t num_data_directories = 16;
  uint32_t size_of_headers = 0x400;
  std::vector<PeBuilderSection> sections;
  std::vector<uint8_t> trailing;   // after the last section, before the certificates
  std::vector<uint8_t> cert_blob;  // bCertificate of one WIN_CERTIFICATE; empty: unsigned
  uint32_t checksum = 0x12345678;

  // Filled by Build().
  size_t lfanew = 0x80;
  size_t coff_offset = 0;      // after "PE\0\0"
  size_t opt_offset = 0;       // optional header
  size_t checksum_offset = 0;  // CheckSum
  size_t cert_dir_offset = 0;  // Certificate Table directory entry
  size_t section_table_offset = 0;
  std::vector<size_t> section_data_offsets;
  size_t cert_table_offset = 0;

  static void PutU16(std::vector<uint8_t>* b, size_t at, uint16_t v) {
    (*b)[at] = uint8_t(v);
    (*b)[at + 1] = uint8_t(v >> 8);
  }
  static void PutU32(std::vector<uint8_t>* b, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) (*b)[at + size_t(i)] = uint8_t(v >> (8 * i));
  }

  std::vector<uint8_t> Build() {
    const size_t opt_len = (pe32_plus ? 112 : 96) + 8 * size_t(num_data_directories);
    coff_offset = lfanew + 4;
    opt_offset = coff_offset + 20;
    checksum_offset = opt_offset + 64;
    cert_dir_offset = opt_offset + (pe32_plus ? 112 : 96) + 4 * 8;
    section_table_offset = opt_offset + opt_len;
    std::vector<uint8_t> b(size_of_headers, 0);
    // Headers are filled with a pattern so that skipped bytes matter.
    for (size_t i = 0x40; i < lfanew; ++i) b[i] = uint8_t(i * 7);
    b[0] = 'M';
    b[1] = 'Z';
    PutU32(&b, 0x3c, uint32_t(lfanew));
    std::memcpy(&b[lfanew], "PE\0\0", 4);
    PutU16(&b, coff_offset, pe32_plus ? 0x8664 : 0x14c);
    PutU16(&b, coff_offset + 2, uint16_t(sections.size()));
    PutU16(&b, coff_offset + 16, uint16_t(opt_len));
    PutU16(&b, coff_offset + 18, 0x0206);
    PutU16(&b, opt_offset, pe32_plus ? 0x20b : 0x10b);
    PutU32(&b, opt_offset + 32, 0x1000);  // SectionAlignment
    PutU32(&b, opt_offset + 36, 0x200);   // FileAlignment
    PutU32(&b, opt_offset + 60, size_of_headers);
    PutU32(&b, checksum_offset, checksum);
    PutU16(&b, opt_offset + 68, 10);  // EFI application
    PutU32(&b, opt_offset + (pe32_plus ? 108 : 92), num_data_directories);
    // A non-zero data directory before and after the certificate entry.
    PutU32(&b, opt_offset + (pe32_plus ? 112 : 96), 0x2000);
    PutU32(&b, opt_offset + (pe32_plus ? 112 : 96) + 5 * 8, 0x3000);
    size_t file_pos = size_of_headers;
    uint32_t va = 0x1000;
    section_data_offsets.clear();
    for (size_t i = 0; i < sections.size(); ++i) {
      const size_t h = section_table_offset + 40 * i;
      std::memcpy(&b[h], sections[i].name.data(), std::min<size_t>(8, sections[i].name.size()));
      const uint32_t raw = uint32_t((sections[i].data.size() + 0x1ff) & ~size_t(0x1ff));
      PutU32(&b, h + 8, uint32_t(sections[i].data.size()));
      PutU32(&b, h + 12, va);
      PutU32(&b, h + 16, raw);
      PutU32(&b, h + 20, raw == 0 ? 0 : uint32_t(file_pos));
      PutU32(&b, h + 36, 0x60000020);
      section_data_offsets.push_back(file_pos);
      file_pos += raw;
      va += (uint32_t(sections[i].data.size()) + 0xfff) & ~0xfffu;
    }
    PutU32(&b, opt_offset + 56, va);  // SizeOfImage
    b.resize(file_pos, 0);
    for (size_t i = 0; i < sections.size(); ++i) {
      std::copy(sections[i].data.begin(), sections[i].data.end(),
                b.begin() + long(section_data_offsets[i]));
    }
    b.insert(b.end(), trailing.begin(), trailing.end());
    if (!cert_blob.empty()) {
      while (b.size() % 8 != 0) b.push_back(0);
      cert_table_offset = b.size();
      const uint32_t len = uint32_t(8 + cert_blob.size());
      b.resize(b.size() + 8);
      PutU32(&b, cert_table_offset, len);
      PutU16(&b, cert_table_offset + 4, 0x0200);
      PutU16(&b, cert_table_offset + 6, 0x0002);
      b.insert(b.end(), cert_blob.begin(), cert_blob.end());
      while (b.size() % 8 != 0) b.push_back(0);
      PutU32(&b, cert_dir_offset, uint32_t(cert_table_offset));
      PutU32(&b, cert_dir_offset + 4, uint32_t(b.size() - cert_table_offset));
    }
    return b;
  }

  // A default image: .text, .data and an empty .bss.
  static PeBuilder Default() {
    PeBuilder p;
    std::vector<uint8_t> text(0x300), data(0x90);
    for (size_t i = 0; i < text.size(); ++i) text[i] = uint8_t(i * 13 + 1);
    for (size_t i = 0; i < data.size(); ++i) data[i] = uint8_t(i ^ 0x5a);
    p.sections = {{".text", text}, {".data", data}, {".bss", {}}};
    return p;
  }
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_PARSERS_PE_BUILDER_H_
