#include "parsers/pe/pe_image.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "parsers/pe/pe_format.h"

namespace ccv::parsers {

namespace fmt = pe_format;

namespace {

std::string Hex(uint64_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[v & 0xf]);
    v >>= 4;
  } while (v != 0);
  return "0x" + out;
}

// Names "/N" of sections: the NUL-terminated string at offset N (decimal) of
// the COFF string table at `strings`, whose first 4 bytes are its length.
// Whatever does not lie within the table and the file is left unnamed.
void ResolveLongNames(Bytes file, uint64_t strings, std::vector<PeSection>* sections) {
  if (strings == 0 || strings >= file.size()) return;
  ByteReader r(file.subspan(size_t(strings)), strings);
  auto len = r.ReadU32Le("COFF string table size");
  if (!len.ok()) return;
  const Bytes table =
      file.subspan(size_t(strings)).first(size_t(std::min<uint64_t>(*len, file.size() - strings)));
  for (PeSection& s : *sections) {
    if (s.name.size() < 2 || s.name[0] != '/') continue;
    uint64_t at = 0;
    for (char c : std::string_view(s.name).substr(1)) {
      if (c < '0' || c > '9' || at >= table.size()) {
        at = table.size();
        break;
      }
      at = at * 10 + uint64_t(c - '0');
    }
    if (at < 4 || at >= table.size()) continue;
    const Bytes text = table.subspan(size_t(at));
    const auto nul = std::find(text.begin(), text.end(), uint8_t{0});
    if (nul == text.end()) continue;
    s.long_name.assign(text.begin(), nul);
  }
}

// A reader positioned at `offset` of `file`, or kTruncated naming `field`.
Result<ByteReader> At(Bytes file, uint64_t offset, std::string_view field) {
  if (offset > file.size()) {
    return ParseError(ErrorCode::kTruncated, offset, field,
                      "offset " + Hex(offset) + " is past the end of the file (" +
                          std::to_string(file.size()) + " bytes)");
  }
  return ByteReader(file.subspan(size_t(offset)), offset);
}

Result<PeSection> ReadSectionHeader(ByteReader* r) {
  PeSection s;
  s.header_offset = r->Offset();
  CCV_ASSIGN_OR_RETURN(Bytes name, r->ReadBytes(8, "section Name"));
  for (uint8_t c : name) {
    if (c == 0) break;
    s.name.push_back(char(c));
  }
  CCV_ASSIGN_OR_RETURN(s.virtual_size, r->ReadU32Le("section VirtualSize"));
  CCV_ASSIGN_OR_RETURN(s.virtual_address, r->ReadU32Le("section VirtualAddress"));
  CCV_ASSIGN_OR_RETURN(s.size_of_raw_data, r->ReadU32Le("section SizeOfRawData"));
  CCV_ASSIGN_OR_RETURN(s.pointer_to_raw_data, r->ReadU32Le("section PointerToRawData"));
  // PointerToRelocations, PointerToLinenumbers, NumberOfRelocations,
  // NumberOfLinenumbers: not used by the loader of an image.
  CCV_RETURN_IF_ERROR(r->Skip(12, "section relocations/line numbers"));
  CCV_ASSIGN_OR_RETURN(s.characteristics, r->ReadU32Le("section Characteristics"));
  return s;
}

std::string SectionLabel(const PeSection& s, size_t index) {
  return "section " + std::to_string(index) + " '" + s.name + "'";
}

}  // namespace

Result<PeImage> ParsePeImage(Bytes file) {
  PeImage img;
  ByteReader dos(file);
  CCV_ASSIGN_OR_RETURN(uint16_t mz, dos.ReadU16Le("MS-DOS e_magic"));
  if (mz != fmt::kDosMagic) {
    return ParseError(ErrorCode::kBadMagic, 0, "MS-DOS e_magic",
                      "expected \"MZ\" (a PE/COFF image)");
  }
  CCV_RETURN_IF_ERROR(dos.Skip(fmt::kDosLfanewOffset - 2, "MS-DOS header"));
  CCV_ASSIGN_OR_RETURN(uint32_t lfanew, dos.ReadU32Le("MS-DOS e_lfanew"));

  CCV_ASSIGN_OR_RETURN(ByteReader r, At(file, lfanew, "PE signature (e_lfanew)"));
  CCV_ASSIGN_OR_RETURN(uint32_t sig, r.ReadU32Le("PE signature"));
  if (sig != fmt::kPeSignature) {
    return ParseError(ErrorCode::kBadMagic, lfanew, "PE signature", "expected \"PE\\0\\0\"");
  }
  CCV_ASSIGN_OR_RETURN(img.machine, r.ReadU16Le("COFF Machine"));
  const uint64_t num_sections_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint16_t num_sections, r.ReadU16Le("COFF NumberOfSections"));
  if (num_sections > fmt::kMaxSections) {
    return ParseError(ErrorCode::kLimitExceeded, num_sections_offset, "COFF NumberOfSections",
                      std::to_string(num_sections) + " sections, at most " +
                          std::to_string(fmt::kMaxSections) + " allowed");
  }
  CCV_RETURN_IF_ERROR(r.Skip(4, "COFF TimeDateStamp"));
  CCV_ASSIGN_OR_RETURN(uint32_t symbol_table, r.ReadU32Le("COFF PointerToSymbolTable"));
  CCV_ASSIGN_OR_RETURN(uint32_t num_symbols, r.ReadU32Le("COFF NumberOfSymbols"));
  const uint64_t opt_size_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint16_t opt_size, r.ReadU16Le("COFF SizeOfOptionalHeader"));
  CCV_RETURN_IF_ERROR(r.Skip(2, "COFF Characteristics"));

  const uint64_t opt_offset = r.Offset();
  CCV_ASSIGN_OR_RETURN(ByteReader opt, r.ReadSub(opt_size, "optional header"));
  CCV_ASSIGN_OR_RETURN(uint16_t magic, opt.ReadU16Le("optional header Magic"));
  if (magic == fmt::kPe32PlusMagic) {
    img.pe32_plus = true;
  } else if (magic != fmt::kPe32Magic) {
    return ParseError(ErrorCode::kBadMagic, opt_offset, "optional header Magic",
                      "expected 0x10b (PE32) or 0x20b (PE32+), got " + Hex(magic));
  }
  const size_t nrva_at =
      img.pe32_plus ? fmt::kOptNumberOfRvaAndSizesPe32Plus : fmt::kOptNumberOfRvaAndSizesPe32;
  const size_t dirs_at =
      img.pe32_plus ? fmt::kOptDataDirectoriesPe32Plus : fmt::kOptDataDirectoriesPe32;
  if (opt_size < dirs_at) {
    return ParseError(ErrorCode::kBadLength, opt_size_offset, "COFF SizeOfOptionalHeader",
                      std::to_string(opt_size) + " bytes cannot hold the " +
                          (img.pe32_plus ? "PE32+" : "PE32") + " optional header (" +
                          std::to_string(dirs_at) + " bytes before the data directories)");
  }
  ByteReader o(opt.Data(), opt_offset);
  CCV_RETURN_IF_ERROR(o.Skip(fmt::kOptSizeOfImage, "optional header"));
  CCV_ASSIGN_OR_RETURN(img.size_of_image, o.ReadU32Le("optional header SizeOfImage"));
  const uint64_t soh_offset = o.Offset();
  CCV_ASSIGN_OR_RETURN(img.size_of_headers, o.ReadU32Le("optional header SizeOfHeaders"));
  img.checksum_offset = o.Offset();
  CCV_RETURN_IF_ERROR(o.Skip(4, "optional header CheckSum"));
  CCV_ASSIGN_OR_RETURN(img.subsystem, o.ReadU16Le("optional header Subsystem"));
  CCV_RETURN_IF_ERROR(o.Skip(nrva_at - fmt::kOptSubsystem - 2, "optional header"));
  const uint64_t nrva_offset = o.Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t num_dirs, o.ReadU32Le("optional header NumberOfRvaAndSizes"));
  if (num_dirs > fmt::kMaxDataDirectories) {
    return ParseError(ErrorCode::kLimitExceeded, nrva_offset, "optional header NumberOfRvaAndSizes",
                      std::to_string(num_dirs) + " data directories, at most 16 allowed");
  }
  if (uint64_t{opt_size} < dirs_at + uint64_t{num_dirs} * fmt::kDataDirectoryLen) {
    return ParseError(ErrorCode::kBadLength, opt_size_offset, "COFF SizeOfOptionalHeader",
                      std::to_string(opt_size) + " bytes cannot hold " + std::to_string(num_dirs) +
                          " data directories");
  }
  if (num_dirs > fmt::kCertificateTableIndex) {
    ByteReader d(opt.Data().subspan(dirs_at + fmt::kCertificateTableIndex * fmt::kDataDirectoryLen),
                 opt_offset + dirs_at + fmt::kCertificateTableIndex * fmt::kDataDirectoryLen);
    img.cert_dir_entry_offset = d.Offset();
    CCV_ASSIGN_OR_RETURN(uint32_t cert_off, d.ReadU32Le("Certificate Table VirtualAddress"));
    CCV_ASSIGN_OR_RETURN(uint32_t cert_len, d.ReadU32Le("Certificate Table Size"));
    if (cert_len != 0) img.cert_table = {cert_off, cert_len};
  }

  // The section table follows the optional header and must lie inside
  // SizeOfHeaders, which the hash covers and which must fit in the file.
  const uint64_t table_offset = opt_offset + opt_size;
  const uint64_t table_end = table_offset + uint64_t{num_sections} * fmt::kSectionHeaderLen;
  const uint64_t hashed_header_min = img.cert_dir_entry_offset
                                         ? *img.cert_dir_entry_offset + fmt::kDataDirectoryLen
                                         : img.checksum_offset + 4;
  if (img.size_of_headers < std::max(table_end, hashed_header_min)) {
    return ParseError(ErrorCode::kBadLength, soh_offset, "optional header SizeOfHeaders",
                      Hex(img.size_of_headers) + " ends before the section table (which ends at " +
                          Hex(table_end) + ")");
  }
  if (img.size_of_headers > file.size()) {
    return ParseError(ErrorCode::kTruncated, soh_offset, "optional header SizeOfHeaders",
                      Hex(img.size_of_headers) + " is past the end of the file (" +
                          std::to_string(file.size()) + " bytes)");
  }
  CCV_ASSIGN_OR_RETURN(ByteReader st, At(file, table_offset, "section table"));
  img.sections.reserve(num_sections);
  for (uint16_t i = 0; i < num_sections; ++i) {
    CCV_ASSIGN_OR_RETURN(PeSection s, ReadSectionHeader(&st));
    img.sections.push_back(std::move(s));
  }
  ResolveLongNames(file, uint64_t{symbol_table} + 18 * uint64_t{num_symbols}, &img.sections);

  // Sections with file data, in PointerToRawData order (stable, as EDK2's
  // insertion sort), each inside the file, after the headers, and not
  // overlapping the one before.
  std::vector<size_t> order;
  for (size_t i = 0; i < img.sections.size(); ++i) {
    const PeSection& s = img.sections[i];
    if (s.size_of_raw_data == 0) continue;
    const uint64_t end = uint64_t{s.pointer_to_raw_data} + s.size_of_raw_data;
    if (end > file.size()) {
      return ParseError(ErrorCode::kTruncated, s.header_offset + 16, "section SizeOfRawData",
                        SectionLabel(s, i) + ": data [" + Hex(s.pointer_to_raw_data) + ", " +
                            Hex(end) + ") runs past the end of the file (" +
                            std::to_string(file.size()) + " bytes)");
    }
    if (s.pointer_to_raw_data < img.size_of_headers) {
      return ParseError(ErrorCode::kBadValue, s.header_offset + 20, "section PointerToRawData",
                        SectionLabel(s, i) + ": data at " + Hex(s.pointer_to_raw_data) +
                            " lies inside the headers (SizeOfHeaders " + Hex(img.size_of_headers) +
                            ")");
    }
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return img.sections[a].pointer_to_raw_data < img.sections[b].pointer_to_raw_data;
  });
  uint64_t sum_of_bytes_hashed = img.size_of_headers;
  uint64_t data_end = img.size_of_headers;
  for (size_t k = 0; k < order.size(); ++k) {
    const PeSection& s = img.sections[order[k]];
    if (k > 0) {
      const PeSection& prev = img.sections[order[k - 1]];
      const uint64_t prev_end = uint64_t{prev.pointer_to_raw_data} + prev.size_of_raw_data;
      if (s.pointer_to_raw_data < prev_end) {
        return ParseError(ErrorCode::kBadValue, s.header_offset + 20, "section PointerToRawData",
                          SectionLabel(s, order[k]) + ": data at " + Hex(s.pointer_to_raw_data) +
                              " overlaps " + SectionLabel(prev, order[k - 1]) + " (to " +
                              Hex(prev_end) + ")");
      }
    }
    sum_of_bytes_hashed += s.size_of_raw_data;
    data_end = std::max(data_end, uint64_t{s.pointer_to_raw_data} + s.size_of_raw_data);
  }

  // The certificate table must be the last thing in the file and must not
  // overlap the headers or any section: the hash skips it, so anything it
  // covered would go unmeasured.
  uint64_t hashed_end = file.size();
  if (img.cert_table.len != 0) {
    const uint64_t off = img.cert_table.offset;
    const uint64_t end = off + img.cert_table.len;
    if (img.cert_table.len > fmt::kMaxCertificateTableLen) {
      return ParseError(ErrorCode::kLimitExceeded, *img.cert_dir_entry_offset + 4,
                        "Certificate Table Size",
                        std::to_string(img.cert_table.len) + " bytes, at most " +
                            std::to_string(fmt::kMaxCertificateTableLen) + " allowed");
    }
    if (end != file.size()) {
      return ParseError(ErrorCode::kBadValue, *img.cert_dir_entry_offset,
                        "Certificate Table VirtualAddress",
                        "certificate table [" + Hex(off) + ", " + Hex(end) +
                            ") must end at the end of the file (" + Hex(file.size()) + ")");
    }
    if (off < data_end || off < sum_of_bytes_hashed) {
      return ParseError(ErrorCode::kBadValue, *img.cert_dir_entry_offset,
                        "Certificate Table VirtualAddress",
                        "certificate table at " + Hex(off) +
                            " overlaps the headers or section data (which end at " +
                            Hex(std::max(data_end, sum_of_bytes_hashed)) + ")");
    }
    hashed_end = off;
  }

  // Headers without CheckSum and the Certificate Table entry.
  auto& ranges = img.authenticode_ranges;
  ranges.push_back({0, img.checksum_offset});
  if (img.cert_dir_entry_offset) {
    const uint64_t after_sum = img.checksum_offset + 4;
    ranges.push_back({after_sum, *img.cert_dir_entry_offset - after_sum});
    const uint64_t after_dir = *img.cert_dir_entry_offset + fmt::kDataDirectoryLen;
    ranges.push_back({after_dir, img.size_of_headers - after_dir});
  } else {
    const uint64_t after_sum = img.checksum_offset + 4;
    ranges.push_back({after_sum, img.size_of_headers - after_sum});
  }
  for (size_t i : order) {
    const PeSection& s = img.sections[i];
    ranges.push_back({s.pointer_to_raw_data, s.size_of_raw_data});
  }
  // Extra data (Authenticode PE, step 14): from SUM_OF_BYTES_HASHED, taken
  // as a file offset as the specification and EDK2 do, to the certificate
  // table or the end of the file.
  if (hashed_end > sum_of_bytes_hashed) {
    ranges.push_back({sum_of_bytes_hashed, hashed_end - sum_of_bytes_hashed});
  }
  std::erase_if(ranges, [](const FileRange& fr) { return fr.len == 0; });
  return img;
}

Result<std::vector<WinCertificate>> ParseCertificateTable(Bytes file, const PeImage& image) {
  std::vector<WinCertificate> out;
  if (image.cert_table.len == 0) return out;
  CCV_ASSIGN_OR_RETURN(ByteReader all, At(file, image.cert_table.offset, "certificate table"));
  CCV_ASSIGN_OR_RETURN(ByteReader r,
                       all.ReadSub(size_t(image.cert_table.len), "certificate table"));
  constexpr size_t kMaxEntries = 16;
  while (!r.Empty()) {
    if (out.size() == kMaxEntries) {
      return r.Error(ErrorCode::kLimitExceeded, "WIN_CERTIFICATE",
                     "more than " + std::to_string(kMaxEntries) + " certificate entries");
    }
    WinCertificate c;
    c.offset = r.Offset();
    ByteReader start = r;
    CCV_ASSIGN_OR_RETURN(uint32_t len, r.ReadU32Le("WIN_CERTIFICATE dwLength"));
    if (len < fmt::kWinCertificateHeaderLen || len - 4 > r.Remaining()) {
      return start.Error(ErrorCode::kBadLength, "WIN_CERTIFICATE dwLength",
                         "length " + std::to_string(len) + " does not fit the " +
                             std::to_string(start.Remaining()) +
                             " bytes left in the certificate table (header is 8 bytes)");
    }
    CCV_ASSIGN_OR_RETURN(c.revision, r.ReadU16Le("WIN_CERTIFICATE wRevision"));
    CCV_ASSIGN_OR_RETURN(c.certificate_type, r.ReadU16Le("WIN_CERTIFICATE wCertificateType"));
    CCV_ASSIGN_OR_RETURN(c.certificate,
                         r.ReadBytes(len - fmt::kWinCertificateHeaderLen, "WIN_CERTIFICATE"));
    out.push_back(c);
    // Entries start on 8-byte boundaries; the padding of the last one may be
    // missing.
    const size_t pad = (8 - len % 8) % 8;
    CCV_RETURN_IF_ERROR(r.Skip(std::min(pad, r.Remaining()), "WIN_CERTIFICATE padding"));
  }
  return out;
}

Bytes SectionData(Bytes file, const PeSection& section) {
  if (section.size_of_raw_data == 0) return {};
  return file.subspan(section.pointer_to_raw_data, section.size_of_raw_data);
}

const PeSection* FindSection(const PeImage& image, std::string_view name) {
  for (const PeSection& s : image.sections) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace ccv::parsers
