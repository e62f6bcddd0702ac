// Test-only builder of TCG event logs whose every field can be set to any
// value, including inconsistent ones (Intel QuoteV4Generator in spirit).
#ifndef CCV_TESTS_PARSERS_TCG_LOG_BUILDER_H_
#define CCV_TESTS_PARSERS_TCG_LOG_BUILDER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"

namespace ccv::testing {

class TcgLogBuilder {
 public:
  struct Alg {
    uint16_t id;
    uint16_t size;
  };

  TcgLogBuilder& U8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  TcgLogBuilder& U16(uint16_t v) {
    b_.push_back(uint8_t(v));
    b_.push_back(uint8_t(v >> 8));
    return *this;
  }
  TcgLogBuilder& U32(uint32_t v) {
    for (int i = 0; i < 4; ++i) b_.push_back(uint8_t(v >> (8 * i)));
    return *this;
  }
  TcgLogBuilder& U64(uint64_t v) {
    for (int i = 0; i < 8; ++i) b_.push_back(uint8_t(v >> (8 * i)));
    return *this;
  }
  TcgLogBuilder& Raw(std::span<const uint8_t> v) {
    for (uint8_t c : v) b_.push_back(c);
    return *this;
  }
  TcgLogBuilder& Str(std::string_view s) {
    b_.insert(b_.end(), s.begin(), s.end());
    return *this;
  }
  TcgLogBuilder& Fill(size_t n, uint8_t v) {
    b_.insert(b_.end(), n, v);
    return *this;
  }

  // Spec ID Event03 data for `algs` (sizes as given) and vendor info.
  static std::vector<uint8_t> SpecIdData(const std::vector<Alg>& algs,
                                         std::vector<uint8_t> vendor = {}, int vendor_size = -1) {
    TcgLogBuilder d;
    d.Str(std::string_view("Spec ID Event03\0", 16)).U32(0).U8(0).U8(2).U8(0).U8(2);
    d.U32(uint32_t(algs.size()));
    for (const Alg& a : algs) d.U16(a.id).U16(a.size);
    d.U8(uint8_t(vendor_size < 0 ? vendor.size() : size_t(vendor_size)));
    d.Raw(vendor);
    return d.bytes();
  }

  // TCG_PCR_EVENT (SHA1 format). event_size < 0: the data's length.
  TcgLogBuilder& Event1(uint32_t pcr, uint32_t type, std::vector<uint8_t> sha1,
                        std::span<const uint8_t> data, int64_t event_size = -1) {
    U32(pcr).U32(type);
    sha1.resize(20);
    Raw(sha1);
    U32(uint32_t(event_size < 0 ? data.size() : uint64_t(event_size)));
    return Raw(data);
  }
  TcgLogBuilder& SpecIdHeader(const std::vector<Alg>& algs, uint32_t pcr = 0) {
    std::vector<uint8_t> d = SpecIdData(algs);
    return Event1(pcr, 3, {}, d);
  }
  // TCG_PCR_EVENT2 with the given (alg id, digest) list.
  TcgLogBuilder& Event2(uint32_t pcr, uint32_t type,
                        const std::vector<std::pair<uint16_t, std::vector<uint8_t>>>& digests,
                        std::span<const uint8_t> data, int64_t count = -1,
                        int64_t event_size = -1) {
    U32(pcr).U32(type).U32(uint32_t(count < 0 ? digests.size() : uint64_t(count)));
    for (const auto& [id, d] : digests) U16(id).Raw(d);
    U32(uint32_t(event_size < 0 ? data.size() : uint64_t(event_size)));
    return Raw(data);
  }

  size_t size() const { return b_.size(); }
  const std::vector<uint8_t>& bytes() const { return b_; }
  Bytes span() const { return b_; }

 private:
  std::vector<uint8_t> b_;
};

inline std::vector<uint8_t> Filled(size_t n, uint8_t v) { return std::vector<uint8_t>(n, v); }

// Sets the checksum byte (offset 9) of an ACPI table so its bytes sum to 0.
inline void SetAcpiChecksum(std::vector<uint8_t>* table) {
  (*table)[9] = 0;
  uint8_t sum = 0;
  for (uint8_t b : *table) sum = uint8_t(sum + b);
  (*table)[9] = uint8_t(0 - sum);
}

// An ACPI CCEL table (TDX, CC type 2) whose header declares `length` bytes,
// describing a log area of `laml` bytes at `lasa`; checksum byte 0 (see
// SetAcpiChecksum).
inline std::vector<uint8_t> CcelTableBytes(uint32_t length, uint64_t laml, uint64_t lasa) {
  TcgLogBuilder t;
  t.Str("CCEL")
      .U32(length)
      .U8(1)
      .U8(0)
      .Str("CCVOEM")
      .Str("CCVTABLE")
      .U32(1)
      .Str("CCV ")
      .U32(1)
      .U8(2)
      .U8(0)
      .U16(0)
      .U64(laml)
      .U64(lasa);
  return t.bytes();
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_PARSERS_TCG_LOG_BUILDER_H_
