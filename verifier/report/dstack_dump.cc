#include "verifier/report/dstack_dump.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/hex.h"
#include "parsers/core/strings.h"
#include "parsers/event_types.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_text.h"
#include "verifier/replay/dstack_replay.h"
#include "verifier/report/dump_filter.h"
#include "verifier/report/event_json.h"
#include "verifier/report/internal/dump_json.h"
#include "verifier/report/internal/json_writer.h"

namespace ccv::report {

using internal::KeyUint;

namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

std::string TypeName(const dstack::Event& e) {
  if (e.IsRuntimeEvent()) return "DSTACK_RUNTIME_EVENT";
  std::string_view n = parsers::EventTypeName(e.untrusted_type);
  if (!n.empty()) return std::string(n);
  char b[16];
  std::snprintf(b, sizeof(b), "0x%08x", e.untrusted_type);
  return b;
}

std::string Summary(const dstack::Event& e) {
  if (e.IsRuntimeEvent()) return e.event + ": " + replay::AppFactValue(e.event, e.payload);
  std::string t = parsers::EventText(e.payload);
  if (!t.empty()) return t;
  std::string hex = ToHex(e.payload);
  return hex.size() > 64 ? hex.substr(0, 64) + "..." : hex;
}

}  // namespace

Status DumpDstackLog(const std::string& path, const DumpOptions& options, std::FILE* out) {
  CCV_ASSIGN_OR_RETURN(replay::DstackFile f, replay::ReplayDstackFile(path));
  const replay::DstackReplayResult& r = f.replay;
  std::string text;
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.SetIndent(' ', 1);
  if (options.json) {
    internal::BeginDumpJson(w, path, kDstackFormatName);
    KeyUint(w, "records", f.events.size());
    w.Key("events");
    w.StartArray();
  } else if (!options.brief) {
    StrAppendF(&text, "%s: dstack-json, %zu records, runtime events %llu (%llu verified)\n",
               path.c_str(), f.events.size(), static_cast<unsigned long long>(r.runtime_events),
               static_cast<unsigned long long>(r.runtime_verified));
  }
  for (size_t i = 0; i < f.events.size(); ++i) {
    const dstack::Event& e = f.events[i];
    const replay::DstackEventOutcome& o = r.events[i];
    const RegisterId reg = RegisterId::Rtmr(o.rtmr);
    std::optional<uint32_t> tcg_type;
    if (!e.IsRuntimeEvent()) tcg_type = e.untrusted_type;
    if (!options.filter.Keeps(reg, tcg_type, "", i)) continue;
    const std::string digest = ToHex(o.extended_digest.span());
    const std::string check(replay::DigestCheckName(o.check));
    if (options.json) {
      w.StartObject();
      KeyUint(w, "index", i);
      KeyUint(w, "imr", o.rtmr);
      internal::KeyString(w, "register", reg.Name());
      KeyUint(w, "event_type", e.untrusted_type);
      internal::KeyString(w, "event_type_name", TypeName(e));
      internal::KeyString(w, "event", e.event);
      internal::KeyString(w, "digest", digest);
      w.Key("digest_logged");
      w.Bool(!e.digest.empty());
      internal::KeyString(w, "digest_check", check);
      internal::KeyString(w, "convention", o.convention_name);
      if (e.IsRuntimeEvent()) {
        KeyUint(w, "version", e.version);
      }
      internal::KeyString(w, "payload_hex", ToHex(e.payload));
      internal::KeyString(w, "summary", Summary(e));
      w.EndObject();
    } else if (options.brief) {
      text += BriefLine(i, reg.Name(), TypeName(e), o.extended_digest.span(), Summary(e));
    } else {
      StrAppendF(&text, "#%zu %s %s digest %s%s: %s%s\n", i, reg.Name().c_str(),
                 TypeName(e).c_str(), digest.c_str(), e.digest.empty() ? " (derived)" : "",
                 check.c_str(),
                 o.convention_name.empty() ? "" : (" (" + o.convention_name + ")").c_str());
      StrAppendF(&text, "    %s\n", Summary(e).c_str());
    }
  }
  if (options.json) {
    w.EndArray();
    w.EndObject();
    text.assign(sb.GetString(), sb.GetSize());
    text += '\n';
  }
  std::fwrite(text.data(), 1, text.size(), out);
  return Status::Ok();
}

}  // namespace ccv::report
