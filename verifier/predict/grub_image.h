// What a GRUB EFI image carries besides its code (grub-mkimage's module area,
// the PE section "mods": a grub_module_info64 header, magic "mimg", then
// grub_module_header {type, size} records): the embedded configuration
// (OBJ_TYPE_CONFIG), the prefix (OBJ_TYPE_PREFIX) and a memdisk
// (OBJ_TYPE_MEMDISK), a FAT image whose root directory may hold the
// grub.cfg that an embedded `normal (memdisk)/grub.cfg` runs (Debian's signed
// GRUB does this).
//
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_GRUB_IMAGE_H_
#define CCV_VERIFIER_PREDICT_GRUB_IMAGE_H_

#include <optional>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/pe/pe_image.h"

namespace ccv::predict {

struct GrubEmbedded {
  std::optional<std::string> config;  // OBJ_TYPE_CONFIG, up to its first NUL
  std::optional<std::string> prefix;  // OBJ_TYPE_PREFIX, up to its first NUL
  // GRUB.CFG of the memdisk's root directory (FAT12 or FAT16).
  std::optional<std::string> memdisk_grub_cfg;
};

// Reads the module area of `image` (parsed from `file`). Whatever is absent
// or does not decode (no "mods" section, a record past the area, a memdisk
// that is not FAT12/16, a cluster chain that loops or leaves the image) is
// left empty: the caller then predicts nothing from it.
GrubEmbedded ReadGrubEmbedded(Bytes file, const parsers::PeImage& image);

// The grub.cfg Debian's signed GRUB 2.06 keeps in its memdisk
// (debian/build-efi-images), which finds the configuration under the prefix.
std::string_view DebianMemdiskGrubCfg();

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_GRUB_IMAGE_H_
