// Small helpers over a RapidJSON writer (Writer or PrettyWriter) shared by
// the JSON reports: strings are written with their length (so NUL bytes
// survive) and made valid UTF-8 first, since evidence text may hold any byte.
//
// Thread safety: free functions over the caller's writer.
#ifndef CCV_VERIFIER_REPORT_INTERNAL_JSON_WRITER_H_
#define CCV_VERIFIER_REPORT_INTERNAL_JSON_WRITER_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <rapidjson/rapidjson.h>

#include "parsers/core/hex.h"
#include "verifier/report/internal/text_escape.h"

namespace ccv::report::internal {

template <typename W>
void JsonString(W& w, std::string_view s) {
  bool ascii = true;
  for (char c : s) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    w.String(s.data(), rapidjson::SizeType(s.size()));
    return;
  }
  std::string v = ValidUtf8(s);
  w.String(v.data(), rapidjson::SizeType(v.size()));
}

// "key": "value"
template <typename W>
void KeyString(W& w, const char* key, std::string_view value) {
  w.Key(key);
  JsonString(w, value);
}

// "key": n
template <typename W>
void KeyUint(W& w, const char* key, uint64_t n) {
  w.Key(key);
  w.Uint64(n);
}

// "key": "value", or "key": null when `value` is empty.
template <typename W>
void KeyStringOrNull(W& w, const char* key, std::string_view value) {
  w.Key(key);
  if (value.empty()) {
    w.Null();
  } else {
    JsonString(w, value);
  }
}

// "key": "value", or "key": null when there is none.
template <typename W>
void KeyOptString(W& w, const char* key, const std::optional<std::string>& value) {
  w.Key(key);
  if (value) {
    JsonString(w, *value);
  } else {
    w.Null();
  }
}

// "key": n, or "key": null when there is none.
template <typename W>
void KeyOptUint(W& w, const char* key, std::optional<uint64_t> n) {
  w.Key(key);
  if (n) {
    w.Uint64(*n);
  } else {
    w.Null();
  }
}

// "key": true/false, or "key": null when unknown.
template <typename W>
void KeyOptBool(W& w, const char* key, std::optional<bool> b) {
  w.Key(key);
  if (b) {
    w.Bool(*b);
  } else {
    w.Null();
  }
}

// "key": "lowercase hex of bytes"
template <typename W>
void KeyHex(W& w, const char* key, std::span<const uint8_t> bytes) {
  KeyString(w, key, ToHex(bytes));
}

// "key": ["a", "b", ...]
template <typename W, typename Range>
void KeyStrings(W& w, const char* key, const Range& values) {
  w.Key(key);
  w.StartArray();
  for (const auto& v : values) JsonString(w, v);
  w.EndArray();
}

// "key": [{...}, {...}] with `members(w, item)` writing each object's members.
template <typename W, typename Range, typename Members>
void KeyObjects(W& w, const char* key, const Range& items, Members&& members) {
  w.Key(key);
  w.StartArray();
  for (const auto& item : items) {
    w.StartObject();
    members(w, item);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace ccv::report::internal

#endif  // CCV_VERIFIER_REPORT_INTERNAL_JSON_WRITER_H_
