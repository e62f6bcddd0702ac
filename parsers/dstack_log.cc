#include "parsers/dstack_log.h"

#include <set>
#include <string>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/hex.h"

namespace ccv::dstack {
namespace {

Status EntryError(size_t i, std::string_view member, std::string msg) {
  std::string field = "events[" + std::to_string(i) + "]";
  if (!member.empty()) field += "." + std::string(member);
  return Status(ErrorCode::kBadValue, std::move(msg)).WithField(std::move(field));
}

Result<std::vector<uint8_t>> HexMember(const rapidjson::Value& v, size_t i, std::string_view m) {
  if (!v.IsString()) return EntryError(i, m, "expected a hex string");
  std::string_view s(v.GetString(), v.GetStringLength());
  Result<std::vector<uint8_t>> b = FromHex(s);
  if (!b.ok()) return EntryError(i, m, "expected a hex string: " + b.status().message());
  return b;
}

Result<uint32_t> U32Member(const rapidjson::Value& v, size_t i, std::string_view m) {
  if (!v.IsUint()) return EntryError(i, m, "expected an unsigned 32-bit integer");
  return v.GetUint();
}

Result<Event> ParseEntry(const rapidjson::Value& o, size_t i) {
  if (!o.IsObject()) return EntryError(i, "", "expected an object");
  static const std::set<std::string_view> kKnown = {
      "imr", "event_type", "digest", "event", "event_payload", "version", "hash_input"};
  std::set<std::string_view> seen;
  for (auto it = o.MemberBegin(); it != o.MemberEnd(); ++it) {
    std::string_view name(it->name.GetString(), it->name.GetStringLength());
    if (!kKnown.count(name)) {
      return EntryError(i, name,
                        "unknown member (expected imr, event_type, digest, event, event_payload, "
                        "version, hash_input)");
    }
    if (!seen.insert(name).second) return EntryError(i, name, "member given twice");
  }
  for (std::string_view required : {"imr", "event_type", "event_payload"}) {
    if (!seen.count(required)) return EntryError(i, required, "missing");
  }
  Event e;
  e.index = i;
  CCV_ASSIGN_OR_RETURN(e.untrusted_imr, U32Member(o["imr"], i, "imr"));
  if (e.untrusted_imr >= kNumImrs) {
    return EntryError(i, "imr",
                      "imr " + std::to_string(e.untrusted_imr) + " is not an RTMR index 0..3");
  }
  CCV_ASSIGN_OR_RETURN(e.untrusted_type, U32Member(o["event_type"], i, "event_type"));
  CCV_ASSIGN_OR_RETURN(e.payload, HexMember(o["event_payload"], i, "event_payload"));
  if (seen.count("event")) {
    const rapidjson::Value& ev = o["event"];
    if (!ev.IsString()) return EntryError(i, "event", "expected a string");
    e.event.assign(ev.GetString(), ev.GetStringLength());
  } else if (e.IsRuntimeEvent()) {
    return EntryError(i, "event", "missing (a runtime event needs its name)");
  }
  if (seen.count("digest")) {
    CCV_ASSIGN_OR_RETURN(e.digest, HexMember(o["digest"], i, "digest"));
  }
  if (e.digest.empty() ? !e.IsRuntimeEvent() : e.digest.size() != kDigestLen) {
    return EntryError(i, "digest",
                      "expected a SHA-384 digest of 48 bytes, got " +
                          std::to_string(e.digest.size()) +
                          (e.IsRuntimeEvent() ? "" : " (only a runtime event may omit it)"));
  }
  if (seen.count("version")) {
    CCV_ASSIGN_OR_RETURN(e.version, U32Member(o["version"], i, "version"));
    if (e.version != 1 && e.version != 2) {
      return EntryError(i, "version",
                        "event log version " + std::to_string(e.version) + " (expected 1 or 2)");
    }
    e.has_version = true;
  }
  if (seen.count("hash_input")) {
    CCV_ASSIGN_OR_RETURN(e.hash_input, HexMember(o["hash_input"], i, "hash_input"));
  }
  return e;
}

}  // namespace

Result<std::vector<Event>> ParseLog(std::string_view json) {
  rapidjson::Document doc;
  // Iterative: nesting costs heap, not stack. UTF-8 is validated: event
  // names are hashed as their UTF-8 bytes.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag>(json.data(),
                                                                                    json.size());
  if (doc.HasParseError()) {
    return ParseError(ErrorCode::kBadValue, doc.GetErrorOffset(), "json",
                      rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsArray()) {
    return Status(ErrorCode::kBadValue, "expected a JSON array of events").WithField("events");
  }
  if (doc.Size() > kMaxEvents) {
    return Status(ErrorCode::kLimitExceeded, "more than " + std::to_string(kMaxEvents) + " events")
        .WithField("events");
  }
  std::vector<Event> out;
  out.reserve(doc.Size());
  for (rapidjson::SizeType i = 0; i < doc.Size(); ++i) {
    CCV_ASSIGN_OR_RETURN(Event e, ParseEntry(doc[i], i));
    out.push_back(std::move(e));
  }
  return out;
}

bool LooksLikeLog(Bytes head) {
  size_t i = 0;
  auto skip_ws = [&] {
    while (i < head.size() &&
           (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
      ++i;
  };
  skip_ws();
  if (i >= head.size() || head[i++] != '[') return false;
  skip_ws();
  if (i >= head.size() || head[i++] != '{') return false;
  skip_ws();
  constexpr std::string_view kImr = "\"imr\"";
  return head.size() - i >= kImr.size() && AsChars(head.subspan(i, kImr.size())) == kImr;
}

std::string JcsString(std::string_view s) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < 0x20) {
          out += "\\u00";
          out += kHexDigits[u >> 4];
          out += kHexDigits[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::vector<uint8_t> RuntimeEventHashInput(std::string_view event, Bytes payload,
                                           uint32_t version) {
  std::vector<uint8_t> out;
  if (version == 2) {
    // Members in RFC 8785 order (event < event_type < payload < version).
    std::string j = "{\"event\":" + JcsString(event) +
                    ",\"event_type\":" + std::to_string(kRuntimeEventType) + ",\"payload\":\"" +
                    ToHex(payload) + "\",\"version\":2}";
    out.assign(j.begin(), j.end());
    return out;
  }
  out.reserve(4 + 1 + event.size() + 1 + payload.size());
  for (int k = 0; k < 4; ++k) out.push_back(uint8_t(kRuntimeEventType >> (8 * k)));
  out.push_back(':');
  out.insert(out.end(), event.begin(), event.end());
  out.push_back(':');
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

}  // namespace ccv::dstack
