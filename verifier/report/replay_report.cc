#include "verifier/report/replay_report.h"

#include <cctype>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "parsers/core/hex.h"
#include "parsers/core/strings.h"
#include "verifier/report/event_json.h"
#include "verifier/report/ima_json.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
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
    if (b.status == replay::CheckStatus::kMismatch) {
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

void WriteImaStepJson(const pipeline::ImaStep& s, JsonWriter& w) {
  w.StartObject();
  w.Key("option");
  w.String("ima");
  w.Key("file");
  WriteStr(s.file, w);
  w.Key("format");
  WriteStr(s.format, w);
  w.Key("register_kind");
  w.String(KindName(s.kind));
  WriteImaReplayJson(s.result, w);
  w.EndObject();
}

void WriteCelStepJson(const pipeline::CelStep& s, JsonWriter& w) {
  w.StartObject();
  w.Key("option");
  w.String("cel");
  w.Key("file");
  WriteStr(s.file, w);
  w.Key("format");
  WriteStr(s.format, w);
  w.Key("records");
  w.Uint64(s.result.records);
  w.Key("not_extended");
  w.Uint64(s.result.not_extended);
  w.Key("template_hashes");
  w.StartObject();
  w.Key("verified");
  w.Uint64(s.result.template_hashes_verified);
  w.Key("mismatched");
  w.Uint64(s.result.template_hashes_mismatched);
  w.EndObject();
  w.EndObject();
}

void WriteLogJson(const pipeline::LogReplay& l, JsonWriter& w) {
  w.StartObject();
  w.Key("option");
  WriteStr(l.option, w);
  w.Key("file");
  WriteStr(l.file, w);
  w.Key("format");
  WriteStr(LogFormatName(l), w);
  w.Key("records");
  w.Uint64(l.result.counts.records);
  w.Key("end");
  WriteStr(parsers::TcgLogEndName(l.result.end), w);
  w.Key("end_offset");
  w.Uint64(l.result.end_offset);
  if (l.result.trailing_len != 0) {
    w.Key("trailing_bytes");
    w.Uint64(l.result.trailing_len);
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
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.SetIndent(' ', 1);
  w.StartObject();
  WriteSchemaVersion(w);
  w.Key("registers");
  WriteRegistersJson(run.registers, w);
  w.Key("events");
  WriteReplayCountsJson(run.counts, w);
  w.Key("digest_checks");
  WriteDigestCheckCountsJson(run.checks, w);
  w.Key("logs");
  w.StartArray();
  for (const pipeline::LogReplay& l : run.logs) WriteLogJson(l, w);
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
    w.Key("tpm_quote_checks");
    w.StartArray();
    for (const pipeline::TpmQuoteCheck& c : run.tpm_checks) {
      w.StartObject();
      w.Key("id");
      w.String(c.id.c_str(), rapidjson::SizeType(c.id.size()));
      w.Key("status");
      w.String(c.status.c_str(), rapidjson::SizeType(c.status.size()));
      w.Key("detail");
      w.String(c.detail.c_str(), rapidjson::SizeType(c.detail.size()));
      w.EndObject();
    }
    w.EndArray();
  }
  w.EndObject();
  std::string out(sb.GetString(), sb.GetSize());
  out += '\n';
  return out;
}

}  // namespace ccv::report
