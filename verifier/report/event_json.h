// RapidJSON writers for replayed registers and parsed log records, shared by
// `ccverify replay`, `dump` and `verify`. Every function takes any RapidJSON
// writer (Writer or PrettyWriter over any output stream) and writes one JSON
// value. Digests are lowercase hex (DESIGN §2). Thread safety: as the writer.
#ifndef CCV_VERIFIER_REPORT_EVENT_JSON_H_
#define CCV_VERIFIER_REPORT_EVENT_JSON_H_

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <rapidjson/document.h>
#include <rapidjson/rapidjson.h>
#include <rapidjson/writer.h>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_log.h"
#include "verifier/replay/digest_check.h"
#include "verifier/replay/register_set.h"
#include "verifier/replay/tcg_replay.h"
#include "verifier/report/event_detail.h"
#include "verifier/report/internal/json_writer.h"

namespace ccv::report {

// {"rtmr0": {"sha384": "<hex>"}, "pcr0": {"sha1": ..., "sha256": ...}, ...}
template <typename W>
void WriteRegistersJson(const replay::RegisterSet& registers, W& w);

// {"verified": n, "mismatched": n, "not_checkable": n,
//  "conventions": {"<convention>": n, ...}}  (verified events per convention,
//  non-zero counts only; the member is omitted when there are none)
template <typename W>
void WriteDigestCheckCountsJson(const replay::DigestCheckCounts& c, W& w);

// {"records": n, "extended": n, "no_action": n, "not_replayed": n}
template <typename W>
void WriteReplayCountsJson(const replay::ReplayCounts& c, W& w);

// The decoded fields of an event: {"kind": ..., <fields>..., "error": ...}.
template <typename W>
void WriteEventDetailJson(const EventDetail& d, W& w);

// The register name a record's index denotes ("pcr7", "rtmr1", "mrtd"), or
// "" if none (virtual PCR, out of range).
std::string EventRegisterName(replay::RegisterSpace space, uint32_t index);

// One record: {"record", "offset", "register", "pcr_index", "event_type",
// "event_type_name", "digests": [{"alg", "alg_id", "digest"}], "event_size",
// "digest_check", "digest_convention", "verified_text", "detail": {...},
// "data_hex"}. "digest_check" and "digest_convention" (the convention that
// verified the digest, else null) are written when `check` is not null;
// "verified_text" only when the check authenticated printable text.
template <typename W>
void WriteTcgEventJson(const parsers::TcgEvent& e, replay::RegisterSpace space,
                       const replay::EventDataCheck* check, const EventDetail& detail, W& w);

// A buffered FILE* output stream for RapidJSON writers that can also append
// hex directly into its buffer (no per-character escape scan), and a Writer
// that uses it for digests and raw data. For dumping logs of millions of
// records; WriteHex() below picks HexString() when the writer has it.
class JsonFileStream {
 public:
  using Ch = char;
  explicit JsonFileStream(FILE* f) : f_(f) {}
  ~JsonFileStream() { Flush(); }
  JsonFileStream(const JsonFileStream&) = delete;
  JsonFileStream& operator=(const JsonFileStream&) = delete;
  void Put(char c) {
    if (len_ == sizeof(buf_)) Flush();
    buf_[len_++] = c;
  }
  void Flush() {
    if (len_ != 0) std::fwrite(buf_, 1, len_, f_);
    len_ = 0;
  }
  void AppendHex(Bytes b) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (uint8_t c : b) {
      if (len_ + 2 > sizeof(buf_)) Flush();
      buf_[len_] = kHex[c >> 4];
      buf_[len_ + 1] = kHex[c & 15];
      len_ += 2;
    }
  }
  // Unused by Writer, required by the stream concept.
  char Peek() const { return 0; }
  char Take() { return 0; }
  size_t Tell() const { return 0; }
  char* PutBegin() { return nullptr; }
  size_t PutEnd(char*) { return 0; }

 private:
  FILE* f_;
  char buf_[1 << 16];
  size_t len_ = 0;
};

class FastJsonWriter : public rapidjson::Writer<JsonFileStream> {
 public:
  explicit FastJsonWriter(JsonFileStream& os) : rapidjson::Writer<JsonFileStream>(os) {}
  void HexString(Bytes b) {
    Prefix(rapidjson::kStringType);
    os_->Put('"');
    os_->AppendHex(b);
    os_->Put('"');
  }
};

// Implementation details follow.

inline std::string AlgIdName(uint16_t alg_id) {
  if (auto a = HashAlgFromTpmAlgId(alg_id)) return std::string(HashAlgName(*a));
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%04x", alg_id);
  return buf;
}

// Hex needs no JSON escaping: written raw (quotes included), which skips the
// writer's per-character escape scan.
template <typename W>
void WriteHex(Bytes b, W& w) {
  if constexpr (requires { w.HexString(b); }) {
    w.HexString(b);
    return;
  }
  thread_local std::string s;
  s.assign(1, '"');
  AppendHex(b, &s);
  s.push_back('"');
  w.RawValue(s.data(), s.size(), rapidjson::kStringType);
}

template <typename W>
void WriteKey(std::string_view k, W& w) {
  w.Key(k.data(), rapidjson::SizeType(k.size()));
}

template <typename W>
void WriteRegistersJson(const replay::RegisterSet& registers, W& w) {
  w.StartObject();
  for (const auto& [reg, banks] : registers.registers()) {
    WriteKey(reg.Name(), w);
    w.StartObject();
    for (const auto& [alg, digest] : banks) {
      WriteKey(HashAlgName(alg), w);
      WriteHex(digest.span(), w);
    }
    w.EndObject();
  }
  w.EndObject();
}

template <typename W>
void WriteDigestCheckCountsJson(const replay::DigestCheckCounts& c, W& w) {
  w.StartObject();
  internal::KeyUint(w, "verified", c.verified);
  internal::KeyUint(w, "mismatched", c.mismatched);
  internal::KeyUint(w, "not_checkable", c.not_checkable);
  bool any = false;
  for (size_t i = 0; i < c.by_convention.size(); ++i) {
    if (c.by_convention[i] == 0) continue;
    if (!any) {
      w.Key("conventions");
      w.StartObject();
      any = true;
    }
    WriteKey(replay::DigestConventionName(replay::DigestConvention(i)), w);
    w.Uint64(c.by_convention[i]);
  }
  if (any) w.EndObject();
  w.EndObject();
}

template <typename W>
void WriteReplayCountsJson(const replay::ReplayCounts& c, W& w) {
  w.StartObject();
  internal::KeyUint(w, "records", c.records);
  internal::KeyUint(w, "extended", c.extended);
  internal::KeyUint(w, "no_action", c.no_action);
  internal::KeyUint(w, "not_replayed", c.not_replayed);
  if (c.unhashable_digests != 0) {
    internal::KeyUint(w, "unhashable_digests", c.unhashable_digests);
  }
  w.EndObject();
}

template <typename W>
void WriteEventDetailJson(const EventDetail& d, W& w) {
  w.StartObject();
  internal::KeyString(w, "kind", d.kind);
  for (const EventField& f : d.fields) {
    WriteKey(f.key, w);
    if (const auto* s = std::get_if<std::string>(&f.value)) {
      internal::JsonString(w, *s);
    } else if (const auto* n = std::get_if<uint64_t>(&f.value)) {
      w.Uint64(*n);
    } else if (const auto* list = std::get_if<std::vector<std::string>>(&f.value)) {
      w.StartArray();
      for (const std::string& item : *list) internal::JsonString(w, item);
      w.EndArray();
    } else {
      w.StartArray();
      for (const FieldRecord& rec : std::get<std::vector<FieldRecord>>(f.value)) {
        w.StartObject();
        for (const auto& [k, v] : rec) {
          WriteKey(k, w);
          internal::JsonString(w, v);
        }
        w.EndObject();
      }
      w.EndArray();
    }
  }
  if (!d.error.empty()) {
    internal::KeyString(w, "error", d.error);
  }
  w.EndObject();
}

template <typename W>
void WriteTcgEventJson(const parsers::TcgEvent& e, replay::RegisterSpace space,
                       const replay::EventDataCheck* check, const EventDetail& detail, W& w) {
  w.StartObject();
  internal::KeyUint(w, "record", e.record);
  internal::KeyUint(w, "offset", e.offset);
  w.Key("register");
  std::string reg = EventRegisterName(space, e.untrusted_pcr_index);
  if (reg.empty()) {
    w.Null();
  } else {
    internal::JsonString(w, reg);
  }
  w.Key(space == replay::RegisterSpace::kCcMr ? "mr_index" : "pcr_index");
  w.Uint(e.untrusted_pcr_index);
  internal::KeyUint(w, "event_type", e.untrusted_type);
  w.Key("event_type_name");
  char buf[32];
  internal::JsonString(w, parsers::EventTypeLabel(e.untrusted_type, buf));
  w.Key("digests");
  w.StartArray();
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    w.StartObject();
    internal::KeyString(w, "alg", AlgIdName(e.digests[i].algorithm_id));
    w.Key("digest");
    WriteHex(e.digests[i].digest, w);
    w.EndObject();
  }
  w.EndArray();
  internal::KeyUint(w, "event_size", e.data.size());
  if (check != nullptr) {
    internal::KeyString(w, "digest_check", replay::DigestCheckName(check->status));
    w.Key("digest_convention");
    if (check->status == replay::DigestCheck::kVerified) {
      internal::JsonString(w, replay::DigestConventionName(check->convention));
    } else {
      w.Null();
    }
    if (!check->verified_text.empty()) {
      internal::KeyString(w, "verified_text", check->verified_text);
    }
  }
  w.Key("detail");
  WriteEventDetailJson(detail, w);
  w.Key("data_hex");
  WriteHex(e.data, w);
  w.EndObject();
}

inline std::string EventRegisterName(replay::RegisterSpace space, uint32_t index) {
  std::optional<RegisterId> reg = replay::IndexedRegister(space, index);
  return reg ? reg->Name() : "";
}

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_EVENT_JSON_H_
