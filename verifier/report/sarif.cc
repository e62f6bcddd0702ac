#include "verifier/report/sarif.h"

#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "verifier/report/internal/json_writer.h"
#include "verifier/report/verify_error.h"

#ifndef CCV_VERSION
#define CCV_VERSION "0.0.0"
#endif

namespace ccv::report {
namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;
using internal::JsonString;
using internal::KeyString;
using internal::KeyUint;

void Message(Writer& w, std::string_view text) {
  w.Key("message");
  w.StartObject();
  KeyString(w, "text", text.empty() ? std::string_view("(no detail)") : text);
  w.EndObject();
}

// A relative reference (RFC 3986) for a file path: bytes other than
// unreserved characters and '/' are percent-encoded, so a ':' or '#' in a
// name cannot turn into a scheme or a fragment.
std::string PathUri(std::string_view path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Location {
  std::string file;
  std::optional<uint64_t> line;
  std::optional<uint64_t> byte_offset;
};

void Locations(Writer& w, const Location& loc) {
  if (loc.file.empty()) return;
  w.Key("locations");
  w.StartArray();
  w.StartObject();
  w.Key("physicalLocation");
  w.StartObject();
  w.Key("artifactLocation");
  w.StartObject();
  KeyString(w, "uri", PathUri(loc.file));
  w.EndObject();
  if (loc.line || loc.byte_offset) {
    w.Key("region");
    w.StartObject();
    if (loc.line) {
      KeyUint(w, "startLine", *loc.line);
    }
    if (loc.byte_offset) {
      KeyUint(w, "byteOffset", *loc.byte_offset);
    }
    w.EndObject();
  }
  w.EndObject();
  w.EndObject();
  w.EndArray();
}

struct Finding {
  std::string rule_id;
  std::string description;  // of the rule, for tool.driver.rules
  const char* level;
  std::string message;
  Location location;
  std::vector<std::pair<const char*, std::string>> properties;
};

// The whole log; `run_properties` are written as run.properties.
std::string WriteLog(const std::vector<Finding>& findings, bool execution_successful,
                     const std::vector<std::pair<const char*, std::string>>& run_properties,
                     const std::optional<Finding>& notification) {
  std::map<std::string, size_t> index;
  std::vector<const Finding*> rules;
  for (const Finding& f : findings) {
    if (index.emplace(f.rule_id, rules.size()).second) rules.push_back(&f);
  }
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.SetIndent(' ', 2);
  w.StartObject();
  KeyString(w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
  KeyString(w, "version", "2.1.0");
  w.Key("runs");
  w.StartArray();
  w.StartObject();
  w.Key("tool");
  w.StartObject();
  w.Key("driver");
  w.StartObject();
  KeyString(w, "name", "ccverify");
  KeyString(w, "version", CCV_VERSION);
  w.Key("rules");
  w.StartArray();
  for (const Finding* r : rules) {
    w.StartObject();
    KeyString(w, "id", r->rule_id);
    w.Key("shortDescription");
    w.StartObject();
    KeyString(w, "text", r->description);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  w.Key("invocations");
  w.StartArray();
  w.StartObject();
  w.Key("executionSuccessful");
  w.Bool(execution_successful);
  if (notification) {
    w.Key("toolExecutionNotifications");
    w.StartArray();
    w.StartObject();
    KeyString(w, "level", "error");
    Message(w, notification->message);
    Locations(w, notification->location);
    w.EndObject();
    w.EndArray();
  }
  w.EndObject();
  w.EndArray();
  w.Key("results");
  w.StartArray();
  for (const Finding& f : findings) {
    w.StartObject();
    KeyString(w, "ruleId", f.rule_id);
    KeyUint(w, "ruleIndex", index[f.rule_id]);
    KeyString(w, "level", f.level);
    Message(w, f.message);
    Locations(w, f.location);
    if (!f.properties.empty()) {
      w.Key("properties");
      w.StartObject();
      for (const auto& [k, v] : f.properties) KeyString(w, k, v);
      w.EndObject();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("properties");
  w.StartObject();
  for (const auto& [k, v] : run_properties) KeyString(w, k, v);
  w.EndObject();
  w.EndObject();
  w.EndArray();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize()) + "\n";
}

const char* LevelOf(result::Verdict v) {
  switch (v) {
    case result::Verdict::kFail:
      return "error";
    case result::Verdict::kWarn:
      return "warning";
    default:
      return nullptr;
  }
}

}  // namespace

std::string VerifyReportSarif(const result::Facts& /*facts*/, const policy::Evaluation& ev,
                              const VerifyReportContext& ctx) {
  std::vector<Finding> findings;
  for (const result::Check& c : ev.checks) {
    const char* level = LevelOf(c.status);
    if (level == nullptr) continue;
    findings.push_back({c.id,
                        "ccverify verification check (" + policy::AreaOf(c.id) + ")",
                        level,
                        c.detail,
                        Location{ctx.bundle, {}, {}},
                        {}});
  }
  for (const policy::RuleResult& r : ev.rules) {
    const char* level = LevelOf(r.status);
    if (level == nullptr) continue;
    Location loc{ctx.policy_path, {}, {}};
    if (r.policy_line) loc.line = r.policy_line;
    if (loc.file.empty()) loc.file = ctx.bundle;
    Finding f{r.id, "policy rule (" + r.area + ")", level, r.why, std::move(loc), {}};
    if (f.message.empty()) f.message = "expected " + r.expected + ", actual " + r.actual;
    f.properties = {{"expected", r.expected}, {"actual", r.actual}, {"evidence", r.evidence}};
    if (!r.container.empty()) f.properties.emplace_back("container", r.container);
    findings.push_back(std::move(f));
  }
  std::vector<std::pair<const char*, std::string>> props = {
      {"verdict", VerdictWord(ev)}, {"outcome", result::OutcomeName(ev.Outcome())}};
  if (!ctx.bundle.empty()) props.emplace_back("bundle", ctx.bundle);
  if (!ctx.at.empty()) props.emplace_back("at", ctx.at);
  return WriteLog(findings, true, props, std::nullopt);
}

std::string VerifyErrorSarif(const Status& error, const VerifyReportContext& ctx) {
  Location loc{error.file().empty() ? ctx.bundle : error.file(), error.line(), error.offset()};
  Finding f{ErrorOutcomeName(error), ErrorHeadline(error), "error", error.ToString(), loc, {}};
  std::vector<std::pair<const char*, std::string>> props = {{"verdict", "error"},
                                                            {"outcome", ErrorOutcomeName(error)}};
  if (!ctx.bundle.empty()) props.emplace_back("bundle", ctx.bundle);
  if (!ctx.at.empty()) props.emplace_back("at", ctx.at);
  return WriteLog({f}, false, props, f);
}

}  // namespace ccv::report
