#include "verifier/predict/grub_image.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace ccv::predict {

namespace {

// grub-mkimage's object types (include/grub/kernel.h).
constexpr uint32_t kObjMemdisk = 1;
constexpr uint32_t kObjConfig = 2;
constexpr uint32_t kObjPrefix = 3;
constexpr uint32_t kModuleInfoMagic = 0x676d696d;  // "mimg"

uint64_t Le(Bytes b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v |= uint64_t(b[at + i]) << (8 * i);
  return v;
}

std::string UpToNul(Bytes b) {
  const auto nul = std::ranges::find(b, uint8_t(0));
  return std::string(b.begin(), nul);
}

// GRUB.CFG of a FAT12/16 image's root directory (Microsoft FAT specification:
// BPB fields, a fixed root directory, 12- or 16-bit FAT entries).
std::optional<std::string> FatRootFile(Bytes fat, std::string_view name83) {
  if (fat.size() < 512) return std::nullopt;
  const uint64_t bps = Le(fat, 11, 2), spc = Le(fat, 13, 1), reserved = Le(fat, 14, 2);
  const uint64_t nfats = Le(fat, 16, 1), root_entries = Le(fat, 17, 2);
  const uint64_t total16 = Le(fat, 19, 2), fat_sectors = Le(fat, 22, 2);
  const uint64_t total = total16 != 0 ? total16 : Le(fat, 32, 4);
  if (bps < 512 || bps > 4096 || spc == 0 || fat_sectors == 0 || nfats == 0) return std::nullopt;
  const uint64_t root_at = (reserved + nfats * fat_sectors) * bps;
  const uint64_t data_at = root_at + root_entries * 32;
  if (data_at > fat.size() || total * bps < data_at) return std::nullopt;
  const uint64_t clusters = (total * bps - data_at) / (spc * bps);
  const bool fat12 = clusters < 4085;
  if (clusters >= 65525) return std::nullopt;  // FAT32: not a memdisk GRUB makes
  const uint64_t fat_at = reserved * bps;
  for (uint64_t i = 0; i < root_entries; ++i) {
    Bytes e = fat.subspan(size_t(root_at + 32 * i), 32);
    if (e[0] == 0) break;
    if (e[0] == 0xe5 || (e[11] & 0x18) != 0) continue;  // deleted, volume label, directory
    if (!std::equal(name83.begin(), name83.end(), e.begin())) continue;
    uint64_t cluster = Le(e, 26, 2);
    const uint64_t size = Le(e, 28, 4);
    const uint64_t cluster_bytes = spc * bps;
    std::string out;
    std::vector<bool> seen(size_t(clusters + 2), false);
    while (out.size() < size) {
      // A chain that leaves the data area or comes back to a cluster is not a file.
      if (cluster < 2 || cluster >= clusters + 2 || seen[size_t(cluster)]) return std::nullopt;
      seen[size_t(cluster)] = true;
      const uint64_t at = data_at + (cluster - 2) * cluster_bytes;
      if (at + cluster_bytes > fat.size()) return std::nullopt;
      const uint64_t take = std::min(cluster_bytes, size - out.size());
      out.append(fat.begin() + ptrdiff_t(at), fat.begin() + ptrdiff_t(at + take));
      const uint64_t entry_at = fat12 ? fat_at + cluster * 3 / 2 : fat_at + cluster * 2;
      if (entry_at + 2 > fat.size()) return std::nullopt;
      const uint64_t raw = Le(fat, size_t(entry_at), 2);
      cluster = fat12 ? ((cluster & 1) != 0 ? raw >> 4 : raw & 0xfff) : raw;
    }
    return out;
  }
  return std::nullopt;
}

}  // namespace

GrubEmbedded ReadGrubEmbedded(Bytes file, const parsers::PeImage& image) {
  GrubEmbedded out;
  const parsers::PeSection* mods = parsers::FindSection(image, "mods");
  if (mods == nullptr) return out;
  Bytes area = parsers::SectionData(file, *mods);
  area = area.first(std::min<size_t>(area.size(), mods->virtual_size));
  // grub_module_info64: magic, padding, offset and size (from the header).
  if (area.size() < 24 || Le(area, 0, 4) != kModuleInfoMagic) return out;
  const uint64_t first = Le(area, 8, 8), end = Le(area, 16, 8);
  if (end > area.size() || first > end) return out;
  for (uint64_t at = first; at + 8 <= end;) {
    const uint64_t type = Le(area, size_t(at), 4), size = Le(area, size_t(at) + 4, 4);
    if (size < 8 || size > end - at) break;
    Bytes data = area.subspan(size_t(at + 8), size_t(size - 8));
    if (type == kObjConfig) out.config = UpToNul(data);
    if (type == kObjPrefix) out.prefix = UpToNul(data);
    if (type == kObjMemdisk) out.memdisk_grub_cfg = FatRootFile(data, "GRUB    CFG");
    at += size;
  }
  return out;
}

std::string_view DebianMemdiskGrubCfg() {
  return "if [ -z \"$prefix\" -o ! -e \"$prefix\" ]; then\n"
         "\tif ! search --file --set=root /.disk/info; then\n"
         "\t\tsearch --file --set=root /.disk/mini-info\n"
         "\tfi\n"
         "\tset prefix=($root)/boot/grub\n"
         "fi\n"
         "if [ -e $prefix/x86_64-efi/grub.cfg ]; then\n"
         "\tsource $prefix/x86_64-efi/grub.cfg\n"
         "elif [ -e $prefix/grub.cfg ]; then\n"
         "\tsource $prefix/grub.cfg\n"
         "else\n"
         "\tsource $cmdpath/grub.cfg\n"
         "fi\n";
}

}  // namespace ccv::predict
