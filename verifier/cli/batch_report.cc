// BundleLine's JSON form and BatchSummary (batch.h).
#include <algorithm>
#include <map>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "verifier/cli/batch.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/schema_version.h"

namespace ccv::cli {

using report::internal::JsonString;
using report::internal::KeyOptBool;
using report::internal::KeyOptString;
using report::internal::KeyString;
using report::internal::KeyStringOrNull;
using report::internal::KeyStrings;
using report::internal::KeyUint;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

// --- the JSON line ------------------------------------------------------------

std::string BundleLine::ToJson() const {
  return report::SchemaJsonLine([&](Writer& w) {
    KeyString(w, "bundle", bundle);
    KeyString(w, "verdict", verdict);
    KeyString(w, "outcome", outcome);
    KeyStrings(w, "failing", failing);
    KeyOptString(w, "tcb_status", tcb_status);
    KeyOptString(w, "mrtd", mrtd);
    w.Key("rtmrs");
    if (rtmrs) {
      w.StartArray();
      for (const std::string& r : *rtmrs) JsonString(w, r);
      w.EndArray();
    } else {
      w.Null();
    }
    KeyOptString(w, "policy", policy);
    KeyOptBool(w, "policy_matched", policy_matched);
    KeyOptString(w, "error", error);
  });
}

namespace {

Status LineError(const std::string& what) {
  return Status(ErrorCode::kBadValue, "batch line: " + what);
}

Result<std::optional<std::string>> OptString(const rapidjson::Value& o, const char* key) {
  if (!o.HasMember(key)) return LineError(std::string("missing \"") + key + "\"");
  const rapidjson::Value& v = o[key];
  if (v.IsNull()) return std::optional<std::string>();
  if (!v.IsString()) return LineError(std::string("\"") + key + "\" is not a string or null");
  return std::optional<std::string>(std::string(v.GetString(), v.GetStringLength()));
}

Result<std::string> String(const rapidjson::Value& o, const char* key) {
  CCV_ASSIGN_OR_RETURN(std::optional<std::string> v, OptString(o, key));
  if (!v) return LineError(std::string("\"") + key + "\" is null");
  return *v;
}

}  // namespace

Result<BundleLine> ParseBundleLine(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) {
    return LineError("not JSON (offset " + std::to_string(d.GetErrorOffset()) + ")");
  }
  if (!d.IsObject()) return LineError("not a JSON object");
  BundleLine l;
  CCV_ASSIGN_OR_RETURN(l.bundle, String(d, "bundle"));
  CCV_ASSIGN_OR_RETURN(l.verdict, String(d, "verdict"));
  if (l.verdict != "pass" && l.verdict != "fail" && l.verdict != "error") {
    return LineError("\"verdict\" is not pass, fail or error");
  }
  CCV_ASSIGN_OR_RETURN(l.outcome, String(d, "outcome"));
  if (!d.HasMember("failing") || !d["failing"].IsArray()) {
    return LineError("\"failing\" is missing or not an array");
  }
  for (const auto& f : d["failing"].GetArray()) {
    if (!f.IsString()) return LineError("\"failing\" holds a non-string");
    l.failing.emplace_back(f.GetString(), f.GetStringLength());
  }
  CCV_ASSIGN_OR_RETURN(l.tcb_status, OptString(d, "tcb_status"));
  CCV_ASSIGN_OR_RETURN(l.mrtd, OptString(d, "mrtd"));
  if (!d.HasMember("rtmrs")) return LineError("missing \"rtmrs\"");
  if (!d["rtmrs"].IsNull()) {
    const auto& r = d["rtmrs"];
    if (!r.IsArray() || r.Size() != 4) return LineError("\"rtmrs\" is not an array of 4");
    std::array<std::string, 4> v;
    for (rapidjson::SizeType i = 0; i < 4; ++i) {
      if (!r[i].IsString()) return LineError("\"rtmrs\" holds a non-string");
      v[i] = std::string(r[i].GetString(), r[i].GetStringLength());
    }
    l.rtmrs = std::move(v);
  }
  CCV_ASSIGN_OR_RETURN(l.policy, OptString(d, "policy"));
  if (!d.HasMember("policy_matched")) return LineError("missing \"policy_matched\"");
  if (d["policy_matched"].IsBool()) {
    l.policy_matched = d["policy_matched"].GetBool();
  } else if (!d["policy_matched"].IsNull()) {
    return LineError("\"policy_matched\" is not a boolean or null");
  }
  CCV_ASSIGN_OR_RETURN(l.error, OptString(d, "error"));
  return l;
}

// --- summary --------------------------------------------------------------------

void BatchSummary::Add(const BundleLine& l) {
  ++bundles_;
  ++verdicts_[l.verdict];
  ++outcomes_[l.outcome];
  ++tcb_statuses_[l.tcb_status.value_or("none")];
  if (l.mrtd && l.rtmrs) {
    MeasurementSet key{*l.mrtd, *l.rtmrs, l.tcb_status.value_or("")};
    auto it = sets_.find(key);
    if (it != sets_.end()) {
      ++it->second;
    } else if (sets_.size() < kMaxMeasurementSets) {
      sets_.emplace(std::move(key), 1);
    } else {
      ++sets_over_limit_;
    }
  }
  if (l.policy_matched && !*l.policy_matched) {
    ++unmatched_;
    unmatched_listed_.insert(l.bundle);
    if (unmatched_listed_.size() > kMaxListed)
      unmatched_listed_.erase(std::prev(unmatched_listed_.end()));
  }
}

int BatchSummary::ExitCode() const {
  for (const auto& [outcome, n] : outcomes_) {
    if (outcome != "trusted" && outcome != "verified" && n > 0) return kExitUntrusted;
  }
  return kExitTrusted;
}

namespace {

// Most bundles first, then by value: the order does not depend on the
// order the lines came in.
template <typename Map>
std::vector<std::pair<typename Map::key_type, uint64_t>> ByCount(const Map& m) {
  std::vector<std::pair<typename Map::key_type, uint64_t>> v(m.begin(), m.end());
  std::stable_sort(v.begin(), v.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return v;
}

template <typename W>
void KeyCounts(W& w, const char* key, const std::map<std::string, uint64_t>& counts) {
  w.Key(key);
  w.StartObject();
  for (const auto& [name, n] : counts) KeyUint(w, name.c_str(), n);
  w.EndObject();
}

}  // namespace

std::string BatchSummary::ToJson() const {
  return report::SchemaJsonLine([&](Writer& w) {
    KeyUint(w, "bundles", bundles_);
    KeyCounts(w, "verdicts", verdicts_);
    KeyCounts(w, "outcomes", outcomes_);
    KeyCounts(w, "tcb_statuses", tcb_statuses_);
    report::internal::KeyObjects(w, "measurement_sets", ByCount(sets_),
                                 [&](Writer& w, const auto& item) {
                                   const auto& [set, n] = item;
                                   KeyString(w, "mrtd", std::get<0>(set));
                                   KeyStrings(w, "rtmrs", std::get<1>(set));
                                   KeyStringOrNull(w, "tcb_status", std::get<2>(set));
                                   KeyUint(w, "bundles", n);
                                 });
    KeyUint(w, "measurement_sets_over_limit", sets_over_limit_);
    w.Key("policy_unmatched");
    w.StartObject();
    KeyUint(w, "count", unmatched_);
    KeyStrings(w, "bundles", unmatched_listed_);
    w.EndObject();
  });
}

std::string BatchSummary::ToText() const {
  std::string out = "bundles: " + std::to_string(bundles_) + "\n";
  auto counts = [&](const char* title, const std::map<std::string, uint64_t>& m) {
    out += title;
    out += ":";
    for (const auto& [name, n] : m) out += " " + name + " " + std::to_string(n);
    out += "\n";
  };
  counts("verdicts", verdicts_);
  counts("outcomes", outcomes_);
  counts("tcb statuses", tcb_statuses_);
  out += "measurement sets: " + std::to_string(sets_.size()) + "\n";
  for (const auto& [set, n] : ByCount(sets_)) {
    out += "  " + std::to_string(n) + " bundle" + (n == 1 ? "" : "s") + ": mrtd " +
           std::get<0>(set).substr(0, 16) + "...";
    for (size_t i = 0; i < 4; ++i) {
      out += " rtmr" + std::to_string(i) + " " + std::get<1>(set)[i].substr(0, 16) + "...";
    }
    out += " tcb " + (std::get<2>(set).empty() ? std::string("none") : std::get<2>(set)) + "\n";
  }
  if (sets_over_limit_ > 0) {
    out += "  (" + std::to_string(sets_over_limit_) + " bundles in sets over the limit of " +
           std::to_string(kMaxMeasurementSets) + ")\n";
  }
  out += "matching no policy: " + std::to_string(unmatched_) + "\n";
  for (const std::string& b : unmatched_listed_) out += "  " + b + "\n";
  if (unmatched_ > unmatched_listed_.size()) {
    out += "  (first " + std::to_string(unmatched_listed_.size()) +
           " in byte order; every one is in the JSON lines)\n";
  }
  return out;
}

}  // namespace ccv::cli
