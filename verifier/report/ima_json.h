// JSON for IMA replay results and decoded IMA entries (RapidJSON writers).
// Header-only templates over the writer type, like event_json.h.
#ifndef CCV_VERIFIER_REPORT_IMA_JSON_H_
#define CCV_VERIFIER_REPORT_IMA_JSON_H_

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/rapidjson.h>

#include "parsers/core/hex.h"
#include "parsers/ima_template.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/report/internal/json_writer.h"

namespace ccv::report {

// True if `s` is well-formed UTF-8 (JSON strings must be).
inline bool IsUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    uint8_t c = uint8_t(s[i]);
    size_t len;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 2;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 3;
    } else {
      return false;
    }
    if (n - i - 1 < len) return false;
    for (size_t k = 1; k <= len; ++k) {
      if ((uint8_t(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += len + 1;
  }
  return true;
}

// One field as the ascii list prints it ("sha256:<hex>", path, hex, number).
inline std::string ImaFieldText(const ima::DecodedField& f) {
  switch (ima::GetFieldInfo(f.id).format) {
    case ima::FieldFormat::kDigest:
      return ToHex(f.digest);
    case ima::FieldFormat::kDigestWithAlgo:
      if (f.raw.empty()) return "";
      return std::string(f.algo) + ":" + ToHex(f.digest);
    case ima::FieldFormat::kDigestWithTypeAndAlgo:
      return std::string(f.digest_type) + ":" + std::string(f.algo) + ":" + ToHex(f.digest);
    case ima::FieldFormat::kString:
      return std::string(f.text);
    case ima::FieldFormat::kHex:
      return ToHex(f.raw);
    case ima::FieldFormat::kUint:
      return f.raw.empty() ? "" : std::to_string(f.uint_value);
  }
  return ToHex(f.raw);
}

// {"d-ng": "sha256:...", "n-ng": "/path", ...}; a string that is not UTF-8
// is written with U+FFFD for bad bytes plus "<name>_hex" with its bytes.
template <typename W>
void WriteImaFieldsJson(const std::vector<ima::DecodedField>& fields, W& w) {
  w.StartObject();
  for (size_t i = 0; i < fields.size(); ++i) {
    const ima::DecodedField& f = fields[i];
    std::string key = f.id == ima::FieldId::kUnknown ? "field" + std::to_string(i)
                                                     : std::string(ima::GetFieldInfo(f.id).name);
    std::string text = f.id == ima::FieldId::kUnknown ? ToHex(f.raw) : ImaFieldText(f);
    w.Key(key.c_str(), rapidjson::SizeType(key.size()));
    if (ima::GetFieldInfo(f.id).format == ima::FieldFormat::kUint && !f.raw.empty()) {
      w.Uint64(f.uint_value);
    } else if (IsUtf8(text)) {
      w.String(text.data(), rapidjson::SizeType(text.size()));
    } else {
      std::string clean;
      for (char c : text)
        clean += (uint8_t(c) < 0x80) ? std::string(1, c) : std::string("\xEF\xBF\xBD");
      w.String(clean.data(), rapidjson::SizeType(clean.size()));
      std::string hk = key + "_hex";
      w.Key(hk.c_str(), rapidjson::SizeType(hk.size()));
      std::string hx = ToHex(AsBytes(text));
      w.String(hx.data(), rapidjson::SizeType(hx.size()));
    }
  }
  w.EndObject();
}

template <typename W>
void WriteImaReplayJson(const replay::ImaReplayResult& r, W& w) {
  internal::KeyUint(w, "records", r.entries);
  w.Key("listed_hash");
  std::string_view lh = r.listed_alg ? HashAlgName(*r.listed_alg) : std::string_view("");
  w.String(lh.data(), rapidjson::SizeType(lh.size()));
  w.Key("templates");
  w.StartObject();
  for (const auto& [name, n] : r.templates) {
    w.Key(name.c_str(), rapidjson::SizeType(name.size()));
    w.Uint64(n);
  }
  w.EndObject();
  internal::KeyUint(w, "violations", r.violations);
  w.Key("template_hashes");
  w.StartObject();
  internal::KeyUint(w, "verified", r.hashes_verified);
  internal::KeyUint(w, "mismatched", r.hashes_mismatched);
  w.EndObject();
  const replay::BootAggregateCheck& b = r.boot_aggregate;
  w.Key("boot_aggregate");
  w.StartObject();
  w.Key("present");
  w.Bool(b.present);
  internal::KeyString(w, "status", replay::CheckStatusName(b.status));
  if (b.present) {
    internal::KeyUint(w, "index", b.index);
    internal::KeyString(w, "algorithm", b.algo);
    internal::KeyString(w, "listed", b.listed);
    if (!b.expected.empty()) {
      internal::KeyString(w, "expected", b.expected);
      internal::KeyString(w, "form", b.form);
    }
    if (!b.why.empty()) internal::KeyString(w, "why", b.why);
    internal::KeyUint(w, "entries", b.entries);
    internal::KeyUint(w, "mismatches", b.mismatches);
  }
  w.EndObject();
  internal::KeyObjects(w, "quote_prefix", r.prefix, [](auto& w, const replay::PrefixMatch& p) {
    internal::KeyString(w, "register", p.reg.Name());
    internal::KeyString(w, "bank", HashAlgName(p.alg));
    w.Key("found");
    w.Bool(p.found);
    if (p.found) {
      internal::KeyUint(w, "matched_entries", p.matched_entries);
      internal::KeyUint(w, "added_after", p.added_after);
    }
    internal::KeyString(w, "description", p.Describe());
  });
  internal::KeyObjects(w, "findings", r.findings, [](auto& w, const replay::ImaFinding& f) {
    internal::KeyUint(w, "index", f.index);
    if (f.line != 0) {
      internal::KeyUint(w, "line", f.line);
    } else {
      internal::KeyUint(w, "offset", f.offset);
    }
    internal::KeyString(w, "kind", f.kind);
    internal::KeyString(w, "detail", f.detail);
  });
}

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_IMA_JSON_H_
