#include "verifier/report/replay_report.h"

#include <cctype>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/hex.h"
#include "parsers/core/strings.h"
#include "verifier/report/event_json.h"
#include "verifier/report/ima_json.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {

using internal::KeyUint;

namespace {

using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

const char* LogFormatName(const pipeline::LogReplay& l) {
  return l.option == "ccel"                                ? "ccel"
         : l.result.format == parsers::TcgLogFormat::kSha1 ? "tcg-sha1-legacy"
                                                           : "tcg2";
}

std::string EndText(const replay::TcgReplayResult& r) {
  switch (r.end) {
    case parsers::TcgLogEnd::kEndOfData:
      return "ends at the end of the data";
    case parsers::TcgLogEnd::kPaddingFF:
      return "ends at 0xFF padding at offset " + std::to_string(r.end_offset);
    case parsers::TcgLogEnd::kPaddingZero:
      return "ends at zero padding at offset " + std::to_string(r.end_offset);
    case parsers::TcgLogEnd::kTrailingBytes:
      return "ends with " + std::to_string(r.trailing_len) + " trailing bytes at offset " +
             std::to_string(r.end_offset);
  }
  return "";
}

const char* KindName(RegisterId::Kind kind) {
  return kind == RegisterId::Kind::kRtmr ? "rtmr" : "pcr";
}

void AppendImaSignaturesText(const pipeline::ImaStep& s, std::string* out);

void AppendImaStepText(const pipeline::ImaStep& s, std::string* out) {
  const replay::ImaReplayResult& r = s.result;
  std::string templates = StrJoin(
      r.templates, ", ", [](const auto& t) { return t.first + " " + std::to_string(t.second); });
  StrAppendF(out, "--ima %s: %s, %llu entries (%s), template hashes %s, register kind %s\n",
             s.file.c_str(), s.format.c_str(), static_cast<unsigned long long>(r.entries),
             templates.c_str(),
             r.listed_alg ? std::string(HashAlgName(*r.listed_alg)).c_str() : "-",
             KindName(s.kind));
  StrAppendF(out, "  template hashes: %llu verified, %llu mismatched; %llu violations\n",
             static_cast<unsigned long long>(r.hashes_verified),
             static_cast<unsigned long long>(r.hashes_mismatched),
             static_cast<unsigned long long>(r.violations));
  const replay::BootAggregateCheck& b = r.boot_aggregate;
  if (b.present) {
    StrAppendF(out, "  boot_aggregate (entry %llu, %s): %s%s%s\n",
               static_cast<unsigned long long>(b.index), b.algo.c_str(),
               std::string(replay::CheckStatusName(b.status)).c_str(),
               b.form.empty() ? "" : (" (" + b.form + ")").c_str(),
               b.why.empty() ? "" : (": " + b.why).c_str());
    if (b.status == replay::CheckStatus::kFail) {
      StrAppendF(out, "    listed   %s\n    expected %s\n", b.listed.c_str(), b.expected.c_str());
    }
  }
  for (const replay::PrefixMatch& p : r.prefix) {
    StrAppendF(out, "  quote %s\n", p.Describe().c_str());
  }
  for (const replay::ImaFinding& f : r.findings) {
    StrAppendF(out, "  entry %llu (%s %llu): %s: %s\n", static_cast<unsigned long long>(f.index),
               f.line ? "line" : "offset",
               static_cast<unsigned long long>(f.line ? f.line : f.offset), f.kind.c_str(),
               f.detail.c_str());
  }
  AppendImaSignaturesText(s, out);
}

std::string KeyIdText(uint32_t id) {
  char b[9];
  std::snprintf(b, sizeof(b), "%08x", id);
  return b;
}

void AppendImaSignaturesText(const pipeline::ImaStep& s, std::string* out) {
  if (!s.signatures) return;
  const replay::ImaSigReport& r = *s.signatures;
  StrAppendF(out,
             "  signatures (%zu keys): %llu verified, %llu failed, %llu unknown key, %llu "
             "unsigned, %llu malformed\n",
             s.keys.size(), static_cast<unsigned long long>(r.verified),
             static_cast<unsigned long long>(r.failed),
             static_cast<unsigned long long>(r.unknown_key),
             static_cast<unsigned long long>(r.unsigned_entries),
             static_cast<unsigned long long>(r.malformed));
  for (const replay::ImaSigEntry& e : r.findings) {
    if (e.status == replay::ImaSigStatus::kUnsigned) continue;
    const bool has_keyid = e.status != replay::ImaSigStatus::kMalformed;
    StrAppendF(out, "    entry %llu %s: %s%s: %s\n", static_cast<unsigned long long>(e.index),
               e.path.c_str(), std::string(replay::ImaSigStatusName(e.status)).c_str(),
               has_keyid ? (" (key id " + KeyIdText(e.keyid) + ")").c_str() : "", e.detail.c_str());
  }
  for (const replay::KeyringLoad& k : r.keyring_loads) {
    StrAppendF(out, "    entry %llu: key load into %s: %s%s\n",
               static_cast<unsigned long long>(k.index), k.keyring.c_str(), k.detail.c_str(),
               k.subject.empty() ? "" : (", " + k.subject).c_str());
  }
}

void WriteImaSignaturesJson(const pipeline::ImaStep& s, JsonWriter& w) {
  const replay::ImaSigReport& r = *s.signatures;
  w.Key("signatures");
  w.StartObject();
  KeyUint(w, "verified", r.verified);
  KeyUint(w, "failed", r.failed);
  KeyUint(w, "unknown_key", r.unknown_key);
  KeyUint(w, "unsigned", r.unsigned_entries);
  KeyUint(w, "malformed", r.malformed);
  internal::KeyObjects(w, "keys", s.keys, [](JsonWriter& w, const crypto::ImaKey& k) {
    internal::KeyString(w, "source", k.source);
    internal::KeyString(w, "keyid", KeyIdText(k.keyid));
    internal::KeyString(w, "kind", k.kind);
    internal::KeyString(w, "subject", k.subject);
  });
  w.Key("failing");
  w.StartArray();
  for (const replay::ImaSigEntry& e : r.findings) {
    if (e.status == replay::ImaSigStatus::kUnsigned) continue;
    w.StartObject();
    KeyUint(w, "index", e.index);
    if (e.line != 0) {
      KeyUint(w, "line", e.line);
    }
    internal::KeyString(w, "path", e.path);
    internal::KeyString(w, "status", replay::ImaSigStatusName(e.status));
    internal::KeyString(w, "keyid", KeyIdText(e.keyid));
    internal::KeyString(w, "detail", e.detail);
    w.EndObject();
  }
  w.EndArray();
  internal::KeyObjects(w, "keyring_loads", r.keyring_loads,
                       [](JsonWriter& w, const replay::KeyringLoad& k) {
                         KeyUint(w, "index", k.index);
                         internal::KeyString(w, "keyring", k.keyring);
                         internal::KeyString(w, "subject", k.subject);
                         internal::KeyString(w, "keyid", KeyIdText(k.keyid));
                         internal::KeyString(w, "detail", k.detail);
                       });
  w.EndObject();
}

void AppendCelStepText(const pipeline::CelStep& s, std::string* out) {
  StrAppendF(out, "--cel %s: %s, %llu records (%llu not extended)", s.file.c_str(),
             s.format.c_str(), static_cast<unsigned long long>(s.result.records),
             static_cast<unsigned long long>(s.result.not_extended));
  if (s.result.template_hashes_verified + s.result.template_hashes_mismatched != 0) {
    StrAppendF(out, ", IMA template hashes %llu verified, %llu mismatched",
               static_cast<unsigned long long>(s.result.template_hashes_verified),
               static_cast<unsigned long long>(s.result.template_hashes_mismatched));
  }
  *out += "\n";
}

// Opens a step's object with its "option", "file" and "format" members.
void BeginStepJson(std::string_view option, std::string_view file, std::string_view format,
                   JsonWriter& w) {
  w.StartObject();
  internal::KeyString(w, "option", option);
  internal::KeyString(w, "file", file);
  internal::KeyString(w, "format", format);
}

void WriteImaStepJson(const pipeline::ImaStep& s, JsonWriter& w) {
  BeginStepJson("ima", s.file, s.format, w);
  w.Key("register_kind");
  w.String(KindName(s.kind));
  WriteImaReplayJson(s.result, w);
  if (s.signatures) WriteImaSignaturesJson(s, w);
  w.EndObject();
}

void WriteCelStepJson(const pipeline::CelStep& s, JsonWriter& w) {
  BeginStepJson("cel", s.file, s.format, w);
  KeyUint(w, "records", s.result.records);
  KeyUint(w, "not_extended", s.result.not_extended);
  w.Key("template_hashes");
  w.StartObject();
  KeyUint(w, "verified", s.result.template_hashes_verified);
  KeyUint(w, "mismatched", s.result.template_hashes_mismatched);
  w.EndObject();
  w.EndObject();
}

// The app facts of a dstack log: name -> value for each name logged once by
// a verified RTMR3 runtime event; names logged more than once are left out
// (AmbiguousAppNames lists them).
std::vector<std::pair<std::string, std::string>> AppValues(const replay::DstackFile& f) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, idx] : replay::AppEventIndex(f.events, f.replay)) {
    if (idx.size() != 1 || !replay::IsAppFactName(name)) continue;
    const dstack::Event& e = f.events[idx[0]];
    out.emplace_back(name, replay::AppFactValue(name, e.payload));
  }
  return out;
}

std::vector<std::string> AmbiguousAppNames(const replay::DstackFile& f) {
  std::vector<std::string> out;
  for (const auto& [name, idx] : replay::AppEventIndex(f.events, f.replay)) {
    if (idx.size() > 1 && replay::IsAppFactName(name)) out.push_back(name);
  }
  return out;
}

void AppendDstackStepText(const pipeline::DstackStep& s, std::string* out) {
  const replay::DstackReplayResult& r = s.log.replay;
  StrAppendF(out,
             "--dstack-log %s: dstack-json, %llu records, runtime events %llu (%llu verified, "
             "%llu mismatched)\n",
             s.file.c_str(), static_cast<unsigned long long>(r.events.size()),
             static_cast<unsigned long long>(r.runtime_events),
             static_cast<unsigned long long>(r.runtime_verified),
             static_cast<unsigned long long>(r.runtime_mismatched));
  for (size_t i : r.mismatched) {
    const dstack::Event& e = s.log.events[i];
    const replay::DstackEventOutcome& o = r.events[i];
    StrAppendF(out, "  entry %llu (imr %u, %s): digest mismatch: logged %s, data gives %s\n",
               static_cast<unsigned long long>(i), o.rtmr,
               o.runtime ? ("runtime event \"" + e.event + "\"").c_str() : "boot event",
               ToHex(o.extended_digest.span()).c_str(),
               o.runtime ? ToHex(o.expected_digest.span()).c_str() : "(no convention)");
  }
  for (const auto& [name, value] : AppValues(s.log)) {
    StrAppendF(out, "  app %s: %s\n", name.c_str(), value.c_str());
  }
  for (const std::string& name : AmbiguousAppNames(s.log)) {
    StrAppendF(out, "  app %s: logged more than once, no value taken\n", name.c_str());
  }
}

void WriteDstackStepJson(const pipeline::DstackStep& s, JsonWriter& w) {
  const replay::DstackReplayResult& r = s.log.replay;
  BeginStepJson("dstack_log", s.file, "dstack-json", w);
  KeyUint(w, "records", r.events.size());
  w.Key("runtime_events");
  w.StartObject();
  KeyUint(w, "count", r.runtime_events);
  KeyUint(w, "verified", r.runtime_verified);
  KeyUint(w, "mismatched", r.runtime_mismatched);
  w.EndObject();
  w.Key("digest_checks");
  WriteDigestCheckCountsJson(r.boot_checks, w);
  internal::KeyObjects(w, "mismatched_events", r.mismatched, [&](JsonWriter& w, size_t i) {
    const dstack::Event& e = s.log.events[i];
    const replay::DstackEventOutcome& o = r.events[i];
    KeyUint(w, "index", i);
    KeyUint(w, "imr", o.rtmr);
    KeyUint(w, "event_type", e.untrusted_type);
    internal::KeyString(w, "event", e.event);
    internal::KeyString(w, "logged_digest", ToHex(o.extended_digest.span()));
    if (o.runtime) {
      internal::KeyString(w, "expected_digest", ToHex(o.expected_digest.span()));
    }
  });
  w.Key("runtime");
  w.StartArray();
  for (const replay::DstackEventOutcome& o : r.events) {
    if (!o.runtime) continue;
    const dstack::Event& e = s.log.events[o.index];
    w.StartObject();
    KeyUint(w, "index", o.index);
    KeyUint(w, "imr", o.rtmr);
    internal::KeyString(w, "event", e.event);
    KeyUint(w, "version", e.version);
    internal::KeyString(w, "digest_check", replay::DigestCheckName(o.check));
    internal::KeyString(w, "payload_hex", ToHex(e.payload));
    w.EndObject();
  }
  w.EndArray();
  w.Key("app");
  w.StartObject();
  for (const auto& [name, value] : AppValues(s.log)) {
    WriteKey(name, w);
    internal::JsonString(w, value);
  }
  w.EndObject();
  internal::KeyStrings(w, "app_ambiguous", AmbiguousAppNames(s.log));
  w.EndObject();
}

void WriteLogJson(const pipeline::LogReplay& l, JsonWriter& w) {
  BeginStepJson(l.option, l.file, LogFormatName(l), w);
  KeyUint(w, "records", l.result.counts.records);
  internal::KeyString(w, "end", parsers::TcgLogEndName(l.result.end));
  KeyUint(w, "end_offset", l.result.end_offset);
  if (l.result.trailing_len != 0) {
    KeyUint(w, "trailing_bytes", l.result.trailing_len);
  }
  w.Key("digest_checks");
  WriteDigestCheckCountsJson(l.result.digest_checks, w);
  w.EndObject();
}

}  // namespace

std::string ReplayReportText(const pipeline::ReplayRun& run) {
  std::string out;
  for (const pipeline::LogReplay& l : run.logs) {
    std::string banks = "sha1";
    if (l.result.spec_id) {
      banks = StrJoin(l.result.spec_id->algorithms, "+",
                      [](const parsers::SpecIdAlgorithm& a) { return AlgIdName(a.algorithm_id); });
    }
    StrAppendF(&out, "%s %s: %s, %s, %llu records, %s\n",
               l.option == "ccel" ? "--ccel" : "--tpm-log", l.file.c_str(), LogFormatName(l),
               banks.c_str(), static_cast<unsigned long long>(l.result.counts.records),
               EndText(l.result).c_str());
  }
  if (run.dstack) AppendDstackStepText(*run.dstack, &out);
  if (run.ima) AppendImaStepText(*run.ima, &out);
  if (run.cel) AppendCelStepText(*run.cel, &out);
  out += "\nregisters:\n";
  if (run.registers.empty()) out += "  (none extended)\n";
  for (const auto& [reg, b] : run.registers.registers()) {
    for (const auto& [alg, d] : b) {
      StrAppendF(&out, "  %-6s %-7s %s\n", reg.Name().c_str(),
                 std::string(HashAlgName(alg)).c_str(), ToHex(d.span()).c_str());
    }
  }
  const replay::ReplayCounts& counts = run.counts;
  StrAppendF(&out, "\nevents: %llu records, %llu extended, %llu EV_NO_ACTION, %llu not replayed\n",
             static_cast<unsigned long long>(counts.records),
             static_cast<unsigned long long>(counts.extended),
             static_cast<unsigned long long>(counts.no_action),
             static_cast<unsigned long long>(counts.not_replayed));
  if (counts.unhashable_digests != 0) {
    StrAppendF(&out, "        %llu digests of banks this build cannot hash were skipped\n",
               static_cast<unsigned long long>(counts.unhashable_digests));
  }
  StrAppendF(&out, "digest checks: %llu verified, %llu mismatched, %llu not checkable\n",
             static_cast<unsigned long long>(run.checks.verified),
             static_cast<unsigned long long>(run.checks.mismatched),
             static_cast<unsigned long long>(run.checks.not_checkable));
  if (run.quoted) {
    out += "quote:";
    for (const auto& [name, ok] : run.QuoteMatches()) {
      StrAppendF(&out, " %s %s", name.c_str(), ok ? "matches" : "DIFFERS");
    }
    out += "\n";
  }
  for (const pipeline::TpmQuoteCheck& c : run.tpm_checks) {
    std::string status = c.status;
    for (char& ch : status) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    StrAppendF(&out, "tpm %s: %s %s\n", c.id.c_str(), status.c_str(), c.detail.c_str());
  }
  return out;
}

std::string ReplayReportJson(const pipeline::ReplayRun& run) {
  return PrettySchemaJson(1, [&](JsonWriter& w) {
    w.Key("registers");
    WriteRegistersJson(run.registers, w);
    w.Key("events");
    WriteReplayCountsJson(run.counts, w);
    w.Key("digest_checks");
    WriteDigestCheckCountsJson(run.checks, w);
    w.Key("logs");
    w.StartArray();
    for (const pipeline::LogReplay& l : run.logs) WriteLogJson(l, w);
    if (run.dstack) WriteDstackStepJson(*run.dstack, w);
    if (run.ima) WriteImaStepJson(*run.ima, w);
    if (run.cel) WriteCelStepJson(*run.cel, w);
    w.EndArray();
    if (run.quoted) {
      w.Key("matches_quote");
      w.StartObject();
      for (const auto& [name, ok] : run.QuoteMatches()) {
        WriteKey(name, w);
        w.Bool(ok);
      }
      w.EndObject();
    }
    if (!run.tpm_checks.empty()) {
      internal::KeyObjects(w, "tpm_quote_checks", run.tpm_checks,
                           [&](JsonWriter& w, const pipeline::TpmQuoteCheck& c) {
                             w.Key("id");
                             w.String(c.id.c_str(), rapidjson::SizeType(c.id.size()));
                             w.Key("status");
                             w.String(c.status.c_str(), rapidjson::SizeType(c.status.size()));
                             w.Key("detail");
                             w.String(c.detail.c_str(), rapidjson::SizeType(c.detail.size()));
                           });
    }
  });
}

}  // namespace ccv::report
