#include "parsers/core/hex.h"

#include <array>

namespace ccv {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

constexpr std::array<int8_t, 256> MakeTable() {
  std::array<int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 10; ++i) t['0' + i] = int8_t(i);
  for (int i = 0; i < 6; ++i) {
    t['a' + i] = int8_t(10 + i);
    t['A' + i] = int8_t(10 + i);
  }
  return t;
}
constexpr std::array<int8_t, 256> kTable = MakeTable();

}  // namespace

void AppendHex(std::span<const uint8_t> data, std::string* out) {
  size_t at = out->size();
  out->resize(at + 2 * data.size());
  char* p = out->data() + at;
  for (uint8_t b : data) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 15];
  }
}

std::string ToHex(std::span<const uint8_t> data) {
  std::string out;
  AppendHex(data, &out);
  return out;
}

Result<std::vector<uint8_t>> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) {
    return Status(ErrorCode::kBadLength,
                  "hex string has odd length " + std::to_string(hex.size()));
  }
  std::vector<uint8_t> out(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); ++i) {
    int8_t v = kTable[static_cast<uint8_t>(hex[i])];
    if (v < 0) {
      return Status(ErrorCode::kBadValue, "non-hex character at position " +
                                              std::to_string(i))
          .WithOffset(i);
    }
    if (i % 2 == 0) {
      out[i / 2] = uint8_t(v << 4);
    } else {
      out[i / 2] |= uint8_t(v);
    }
  }
  return out;
}

bool DecodeHexInto(std::string_view hex, std::span<uint8_t> out) {
  if (hex.size() != 2 * out.size()) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(hex.data());
  int bad = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    int8_t hi = kTable[p[2 * i]];
    int8_t lo = kTable[p[2 * i + 1]];
    bad |= hi | lo;
    out[i] = uint8_t((hi << 4) | (lo & 15));
  }
  return bad >= 0;
}

bool AllBytesEqual(std::span<const uint8_t> data, uint8_t value) {
  for (uint8_t b : data) {
    if (b != value) return false;
  }
  return true;
}

}  // namespace ccv
