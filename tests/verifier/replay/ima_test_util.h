// Test-only helpers for IMA tests: a list builder whose entries and fields
// can be corrupted, and readers for the corpus's expected-value JSON.
#ifndef CCV_TESTS_VERIFIER_REPLAY_IMA_TEST_UTIL_H_
#define CCV_TESTS_VERIFIER_REPLAY_IMA_TEST_UTIL_H_

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/register_set.h"

namespace ccv::testing {

// One field: its bytes in the template data and its ascii form.
struct TField {
  std::string raw;
  std::string ascii;
};

inline std::string Raw(std::span<const uint8_t> b) { return std::string(AsChars(b)); }

inline TField DNg(std::string_view alg, std::span<const uint8_t> digest) {
  return {std::string(alg) + ":" + std::string(1, '\0') + Raw(digest),
          std::string(alg) + ":" + ToHex(digest)};
}
inline TField DNgV2(std::string_view type, std::string_view alg, std::span<const uint8_t> digest) {
  return {std::string(type) + ":" + std::string(alg) + ":" + std::string(1, '\0') + Raw(digest),
          std::string(type) + ":" + std::string(alg) + ":" + ToHex(digest)};
}
inline TField Str(std::string_view s) {
  return {std::string(s) + std::string(1, '\0'), std::string(s)};
}
inline TField HexField(std::span<const uint8_t> b) { return {Raw(b), ToHex(b)}; }
inline TField Empty() { return {"", ""}; }
inline TField U32(uint32_t v) {
  std::string r(4, '\0');
  for (int i = 0; i < 4; ++i) r[i] = char(v >> (8 * i));
  return {r, std::to_string(v)};
}
inline TField U16(uint16_t v) {
  return {std::string{char(v & 0xff), char(v >> 8)}, std::to_string(v)};
}

inline std::vector<uint8_t> Vec(std::string_view s) { return {s.begin(), s.end()}; }

inline std::string LeU32(uint32_t v) {
  std::string r(4, '\0');
  for (int i = 0; i < 4; ++i) r[i] = char(v >> (8 * i));
  return r;
}
inline std::string BeU32(uint32_t v) {
  std::string r(4, '\0');
  for (int i = 0; i < 4; ++i) r[i] = char(v >> (8 * (3 - i)));
  return r;
}

struct TEntry {
  uint32_t pcr = 10;
  std::string name = "ima-ng";
  std::vector<TField> fields;
  bool violation = false;             // listed hash all zero
  std::optional<std::string> listed;  // raw listed hash override
  bool big_endian = false;

  // Template data as the kernel hashes it (u32 len || bytes per field; legacy
  // "ima": digest || name padded to 256).
  std::string TemplateData() const {
    std::string d;
    if (name == "ima") {
      d = fields[0].raw;
      std::string n = fields[1].raw;
      n.resize(256, '\0');
      return d + n;
    }
    for (const TField& f : fields) {
      d += big_endian ? BeU32(uint32_t(f.raw.size())) : LeU32(uint32_t(f.raw.size()));
      d += f.raw;
    }
    return d;
  }
  std::string Listed(HashAlg alg) const {
    if (listed) return *listed;
    if (violation) return std::string(DigestLen(alg), '\0');
    return Raw(crypto::Hash(alg, AsBytes(TemplateData())).span());
  }
  std::string Binary(HashAlg alg = HashAlg::kSha1) const {
    auto u32 = [&](uint32_t v) { return big_endian ? BeU32(v) : LeU32(v); };
    std::string out = u32(pcr) + Listed(alg) + u32(uint32_t(name.size())) + name;
    if (name == "ima") {
      out += fields[0].raw;
      std::string n = fields[1].raw;  // written without its NUL (strlen)
      if (!n.empty() && n.back() == '\0') n.pop_back();
      out += u32(uint32_t(n.size())) + n;
      return out;
    }
    std::string data = TemplateData();
    return out + u32(uint32_t(data.size())) + data;
  }
  std::string Ascii(HashAlg alg = HashAlg::kSha1) const {
    char pcr_s[16];
    std::snprintf(pcr_s, sizeof pcr_s, "%2u", pcr);
    std::string out = std::string(pcr_s) + " " + ToHex(AsBytes(Listed(alg))) + " " + name;
    for (const TField& f : fields) out += " " + f.ascii;
    return out + "\n";
  }
};

inline TEntry NgEntry(std::string path, std::string_view content = "x") {
  TEntry e;
  e.fields = {DNg("sha256", crypto::Hash(HashAlg::kSha256, AsBytes(content)).span()), Str(path)};
  return e;
}

// Expected JSON of the corpus.
inline rapidjson::Document LoadJson(const std::filesystem::path& p) {
  auto text = ReadFileText(p.string());
  rapidjson::Document d;
  if (text.ok()) d.Parse(text->c_str());
  return d;
}

inline std::optional<Digest> DigestFromHex(HashAlg alg, std::string_view hex) {
  Digest d = Digest::Zero(alg);
  if (!DecodeHexInto(hex, d.mutable_span())) return std::nullopt;
  return d;
}

// {"pcr10": {"sha1": "..."}} -> RegisterSet. A name that is not a register
// fails the test.
inline replay::RegisterSet RegistersFromJson(const rapidjson::Value& v) {
  replay::RegisterSet rs;
  if (!v.IsObject()) return rs;
  for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
    Result<RegisterId> reg = RegisterId::Parse(it->name.GetString());
    EXPECT_TRUE(reg.ok()) << it->name.GetString();
    if (!reg.ok()) continue;
    for (auto jt = it->value.MemberBegin(); jt != it->value.MemberEnd(); ++jt) {
      auto alg = HashAlgFromName(jt->name.GetString());
      if (!alg || !jt->value.IsString()) continue;
      auto d = DigestFromHex(*alg, jt->value.GetString());
      if (d) rs.Set(*reg, *d);
    }
  }
  return rs;
}

inline std::string HexOf(const replay::RegisterSet& rs, RegisterId reg, HashAlg alg) {
  auto d = rs.Get(reg, alg);
  return d ? ToHex(d->span()) : std::string("<absent>");
}

// TD quote v4: 48-byte header, then the TD report body. Body offsets (Intel
// TDX DCAP Quote Generation Library, TD report body 1.0): MRTD at 136, RTMR0-3
// at 328 + 48 * i.
inline std::optional<Digest> QuoteV4Field(const std::vector<uint8_t>& quote, size_t body_offset) {
  size_t at = 48 + body_offset;
  if (quote.size() < at + 48) return std::nullopt;
  Digest d = Digest::Zero(HashAlg::kSha384);
  std::copy(quote.begin() + at, quote.begin() + at + 48, d.bytes.begin());
  return d;
}
inline constexpr size_t kQuoteMrtd = 136;
inline constexpr size_t QuoteRtmr(size_t i) { return 328 + 48 * i; }

}  // namespace ccv::testing

#endif  // CCV_TESTS_VERIFIER_REPLAY_IMA_TEST_UTIL_H_
