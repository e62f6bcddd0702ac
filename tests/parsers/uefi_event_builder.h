// Test-only builders of UEFI event data (UEFI_VARIABLE_DATA, image load
// events, device path nodes, signature lists) whose declared lengths can be
// corrupted, for the decoder tests and the rendering tests.
#ifndef CCV_TESTS_PARSERS_UEFI_EVENT_BUILDER_H_
#define CCV_TESTS_PARSERS_UEFI_EVENT_BUILDER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "tests/parsers/tcg_log_builder.h"

namespace ccv::testing {

// EFI_GLOBAL_VARIABLE in its in-memory layout.
inline constexpr uint8_t kGlobalGuid[16] = {0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11,
                                            0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c};

// UEFI_VARIABLE_DATA of EFI_GLOBAL_VARIABLE; a length of -1 is the true one.
inline TcgLogBuilder Variable(std::string name, std::vector<uint8_t> value, int64_t name_len = -1,
                              int64_t data_len = -1) {
  TcgLogBuilder b;
  b.Raw(kGlobalGuid).U64(name_len < 0 ? name.size() : uint64_t(name_len));
  b.U64(data_len < 0 ? value.size() : uint64_t(data_len));
  for (char c : name) b.U16(uint16_t(c));
  b.Raw(value);
  return b;
}

// UEFI_IMAGE_LOAD_EVENT around `path`; a length of -1 is the true one.
inline TcgLogBuilder ImageLoad(std::vector<uint8_t> path, int64_t path_len = -1) {
  TcgLogBuilder b;
  b.U64(0x7d6a4018).U64(966664).U64(0).U64(path_len < 0 ? path.size() : uint64_t(path_len));
  b.Raw(path);
  return b;
}

// A media file path node (type 4, subtype 4) naming `file`.
inline std::vector<uint8_t> FilePathNode(std::string file) {
  TcgLogBuilder n;
  n.U8(4).U8(4).U16(uint16_t(4 + 2 * file.size() + 2));
  for (char c : file) n.U16(uint16_t(c));
  n.U16(0);
  return n.bytes();
}

// EFI_SIGNATURE_LIST with `count` SHA-256 entries; `list_size` overrides.
inline std::vector<uint8_t> Sha256List(uint32_t count, int64_t list_size = -1) {
  constexpr uint8_t kSha256Guid[16] = {0x26, 0x16, 0xc4, 0xc1, 0x4c, 0x50, 0x92, 0x40,
                                       0xac, 0xa9, 0x41, 0xf9, 0x36, 0x93, 0x43, 0x28};
  TcgLogBuilder b;
  b.Raw(kSha256Guid).U32(uint32_t(list_size < 0 ? 28 + count * 48 : list_size)).U32(0).U32(48);
  for (uint32_t i = 0; i < count; ++i) b.Raw(kGlobalGuid).Fill(32, uint8_t(i));
  return b.bytes();
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_PARSERS_UEFI_EVENT_BUILDER_H_
