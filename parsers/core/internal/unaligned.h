// Module-private: loads and stores of fixed-width integers at a raw pointer,
// with no bounds check. ByteReader reads every untrusted byte through these
// after it has checked the length (byte_reader.h includes this header for
// its inline getters); encoders that build bytes to be hashed store through
// them. No other code calls them: parsers read input through ByteReader.
//
// REQUIRES (every function): `p` points at enough bytes for the width.
#ifndef CCV_PARSERS_CORE_INTERNAL_UNALIGNED_H_
#define CCV_PARSERS_CORE_INTERNAL_UNALIGNED_H_

#include <cstdint>

namespace ccv::internal {

inline uint16_t LoadU16Le(const uint8_t* p) { return uint16_t(p[0] | (p[1] << 8)); }
inline uint32_t LoadU32Le(const uint8_t* p) {
  return uint32_t(p[0]) | (uint32_t(p[1]) << 8) | (uint32_t(p[2]) << 16) | (uint32_t(p[3]) << 24);
}
inline uint64_t LoadU64Le(const uint8_t* p) {
  return uint64_t(LoadU32Le(p)) | (uint64_t(LoadU32Le(p + 4)) << 32);
}

inline uint16_t LoadU16Be(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }
inline uint32_t LoadU32Be(const uint8_t* p) {
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | uint32_t(p[3]);
}
inline uint64_t LoadU64Be(const uint8_t* p) {
  return (uint64_t(LoadU32Be(p)) << 32) | uint64_t(LoadU32Be(p + 4));
}

inline void StoreU32Le(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * i));
}
inline void StoreU32Be(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (8 * (3 - i)));
}

}  // namespace ccv::internal

#endif  // CCV_PARSERS_CORE_INTERNAL_UNALIGNED_H_
