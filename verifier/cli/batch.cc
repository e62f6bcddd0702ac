#include "verifier/cli/batch.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <span>
#include <thread>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/hash_alg.h"
#include "parsers/core/hex.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/report_data.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/verify_options.h"
#include "verifier/crypto/digest.h"
#include "verifier/report/internal/json_writer.h"
#include "verifier/report/schema_version.h"
#include "verifier/report/verify_error.h"
#include "verifier/report/verify_report.h"

namespace ccv::cli {

namespace fs = std::filesystem;
using report::internal::JsonString;
using report::internal::KeyString;
using report::internal::KeyStrings;
using report::internal::KeyUint;

namespace {

constexpr uint64_t kMaxShards = 1000000;
constexpr size_t kMaxListLine = 4096;

Result<uint64_t> ParseCount(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return Status(ErrorCode::kInvalidArgument, "not a number");
  }
  return v;
}

}  // namespace

Result<Shard> ParseShard(std::string_view text) {
  const Status bad(ErrorCode::kInvalidArgument,
                   "--shard: expected K/N with 0 <= K < N <= 1000000 (e.g. 0/4), not '" +
                       std::string(text) + "'");
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return bad;
  auto k = ParseCount(text.substr(0, slash));
  auto n = ParseCount(text.substr(slash + 1));
  if (!k.ok() || !n.ok() || *n == 0 || *n > kMaxShards || *k >= *n) return bad;
  return Shard{*k, *n};
}

uint64_t ShardOf(std::string_view path, uint64_t count) {
  const Digest d = crypto::Hash(
      HashAlg::kSha256,
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(path.data()), path.size()));
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | d.bytes[i];
  return count == 0 ? 0 : v % count;
}

// --- the JSON line ------------------------------------------------------------

namespace {

template <typename W>
void KeyOptString(W& w, const char* key, const std::optional<std::string>& v) {
  w.Key(key);
  if (v) {
    JsonString(w, *v);
  } else {
    w.Null();
  }
}

}  // namespace

std::string BundleLine::ToJson() const {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  report::WriteSchemaVersion(w);
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
  w.Key("policy_matched");
  if (policy_matched) {
    w.Bool(*policy_matched);
  } else {
    w.Null();
  }
  KeyOptString(w, "error", error);
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
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

// --- one bundle -----------------------------------------------------------------

namespace {

BundleResult ErrorResult(const Status& s, const report::VerifyReportContext& ctx,
                         const BatchOptions& o) {
  BundleResult r;
  r.line.bundle = ctx.bundle;
  r.line.verdict = "error";
  r.line.outcome = report::ErrorOutcomeName(s);
  r.line.error = s.ToString();
  if (o.policy != nullptr) r.line.policy_matched = false;
  r.exit_code = ExitCodeFor(s);
  if (o.keep_report_json) r.report_json = report::VerifyErrorJson(s, ctx);
  return r;
}

}  // namespace

BundleResult VerifyBundle(const std::string& dir, const BatchOptions& o,
                          quote::SharedCollateral* shared) {
  // What `ccverify verify DIR` does with the batch's flags (cmd_verify.cc).
  report::VerifyReportContext ctx;
  ctx.bundle = dir;
  ctx.policy_path = o.policy_path;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return ErrorResult(
        Status(ErrorCode::kIo, "not a directory (expected an evidence bundle)").WithFile(dir), ctx,
        o);
  }
  auto d = bundle::LoadOrDiscoverEvidenceDir(dir);
  if (!d.ok()) return ErrorResult(d.status(), ctx, o);
  bundle::Evidence& e = d->evidence;
  if (o.collateral) e.collateral = *o.collateral;
  bundle::ApplyVerifierBinding(&e, std::nullopt, std::nullopt, std::nullopt);
  ctx.at = o.at_text;
  if (o.collateral_cache) {
    Status filled = FillCollateralFromCache(*o.collateral_cache, &e);
    if (!filled.ok()) return ErrorResult(filled, ctx, o);
  }
  pipeline::VerifyOptions vo = o.verify;
  vo.shared_collateral = shared;
  auto v = pipeline::Verify(e, vo, o.policy);
  if (!v.ok()) return ErrorResult(v.status(), ctx, o);

  BundleResult r;
  BundleLine& l = r.line;
  l.bundle = dir;
  l.verdict = report::VerdictWord(v->evaluation);
  l.outcome = result::OutcomeName(v->outcome);
  for (const result::Check& c : v->evaluation.checks) {
    if (c.status == result::Verdict::kFail) l.failing.push_back(c.id);
  }
  bool rules_pass = true;
  for (const policy::RuleResult& rule : v->evaluation.rules) {
    if (rule.status == result::Verdict::kFail) {
      l.failing.push_back(rule.id);
      rules_pass = false;
    }
  }
  l.tcb_status = v->facts.collateral.tcb_status;
  if (v->facts.quote.present) {
    l.mrtd = ToHex(v->facts.quote.mr_td);
    std::array<std::string, 4> rt;
    for (size_t i = 0; i < 4; ++i) rt[i] = ToHex(v->facts.quote.rtmr[i]);
    l.rtmrs = std::move(rt);
  }
  if (v->evaluation.has_policy) {
    l.policy = v->evaluation.name;
    l.policy_matched = rules_pass;
  }
  r.exit_code = v->outcome == result::Outcome::kUntrusted ? kExitUntrusted : kExitTrusted;
  if (o.keep_report_json) {
    r.report_json = report::VerifyReportJson(v->facts, v->evaluation, ctx);
  }
  return r;
}

// --- sources --------------------------------------------------------------------

namespace {

class DirSource : public BundleSource {
 public:
  explicit DirSource(std::string dir) : dir_(std::move(dir)) {}
  Status Open() {
    std::error_code ec;
    it_ = fs::directory_iterator(dir_, ec);
    if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(dir_);
    return Status::Ok();
  }
  Result<std::optional<std::string>> Next() override {
    std::error_code ec;
    for (; it_ != fs::directory_iterator(); it_.increment(ec)) {
      if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(dir_);
      const fs::directory_entry& entry = *it_;
      const std::string name = entry.path().filename().string();
      if (name.empty() || name[0] == '.' || !entry.is_directory(ec)) continue;
      std::string path = (fs::path(dir_) / name).string();
      it_.increment(ec);
      if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(dir_);
      return std::optional<std::string>(std::move(path));
    }
    return std::optional<std::string>();
  }

 private:
  std::string dir_;
  fs::directory_iterator it_;
};

class LineSource : public BundleSource {
 public:
  LineSource(std::istream* in, std::string name, std::unique_ptr<std::istream> owned = nullptr)
      : owned_(std::move(owned)), in_(in), name_(std::move(name)) {}
  Result<std::optional<std::string>> Next() override {
    std::string line;
    while (std::getline(*in_, line)) {
      ++line_no_;
      if (line.size() > kMaxListLine) {
        return Status(ErrorCode::kBadValue, "line " + std::to_string(line_no_) + " is over " +
                                                std::to_string(kMaxListLine) +
                                                " bytes (expected one bundle path a line)")
            .WithFile(name_);
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      return std::optional<std::string>(std::move(line));
    }
    if (in_->bad()) {
      return Status(ErrorCode::kIo, "read failed after line " + std::to_string(line_no_))
          .WithFile(name_);
    }
    return std::optional<std::string>();
  }

 private:
  std::unique_ptr<std::istream> owned_;
  std::istream* in_;
  std::string name_;
  uint64_t line_no_ = 0;
};

}  // namespace

std::unique_ptr<BundleSource> BundleSourceFromStream(std::istream* in, std::string name) {
  return std::make_unique<LineSource>(in, std::move(name));
}

Result<std::unique_ptr<BundleSource>> OpenBundleSource(const std::string& spec) {
  if (spec == "-") return BundleSourceFromStream(&std::cin, "standard input");
  std::error_code ec;
  if (fs::is_directory(spec, ec)) {
    if (fs::exists(fs::path(spec) / "evidence.json", ec)) {
      return Status(ErrorCode::kInvalidArgument,
                    "--batch " + spec +
                        ": this is one bundle (it holds evidence.json); give the directory "
                        "that holds the bundles, or verify it alone");
    }
    auto src = std::make_unique<DirSource>(spec);
    CCV_RETURN_IF_ERROR(src->Open());
    return std::unique_ptr<BundleSource>(std::move(src));
  }
  auto file = std::make_unique<std::ifstream>(spec);
  if (!*file) return Status(ErrorCode::kIo, "cannot open the bundle list").WithFile(spec);
  std::istream* in = file.get();
  return std::unique_ptr<BundleSource>(std::make_unique<LineSource>(in, spec, std::move(file)));
}

// --- the pool -------------------------------------------------------------------

Result<BatchStats> RunBatch(BundleSource* source, const BatchOptions& options,
                            const std::function<void(const BundleResult&)>& sink) {
  quote::SharedCollateral shared;
  const int jobs = std::max(1, options.jobs);
  // At most `window` bundles are taken and not yet sunk: memory does not
  // grow with the list.
  const uint64_t window = uint64_t(jobs) * 4;
  std::mutex mu;
  std::condition_variable cv;
  uint64_t taken = 0, next_sink = 0;
  bool done = false;
  Status source_error;
  BatchStats stats;
  std::map<uint64_t, BundleResult> ready;

  auto worker = [&] {
    for (;;) {
      std::string path;
      uint64_t seq = 0;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return done || taken - next_sink < window; });
        // Find the next bundle of this shard.
        for (;;) {
          if (done) return;
          auto next = source->Next();
          if (!next.ok()) {
            source_error = next.status();
            done = true;
            cv.notify_all();
            return;
          }
          if (!*next) {
            done = true;
            cv.notify_all();
            return;
          }
          if (options.shard.count > 1 &&
              ShardOf(**next, options.shard.count) != options.shard.index) {
            ++stats.skipped_other_shards;
            continue;
          }
          path = std::move(**next);
          break;
        }
        seq = taken++;
      }
      BundleResult r = VerifyBundle(path, options, &shared);
      std::lock_guard<std::mutex> lock(mu);
      ready.emplace(seq, std::move(r));
      for (auto it = ready.find(next_sink); it != ready.end(); it = ready.find(next_sink)) {
        sink(it->second);
        ready.erase(it);
        ++next_sink;
        ++stats.bundles;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < jobs; ++i) threads.emplace_back(worker);
  worker();
  for (std::thread& t : threads) t.join();
  stats.collateral_preparations = shared.preparations();
  if (!source_error.ok()) return source_error;
  return stats;
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
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  report::WriteSchemaVersion(w);
  KeyUint(w, "bundles", bundles_);
  KeyCounts(w, "verdicts", verdicts_);
  KeyCounts(w, "outcomes", outcomes_);
  KeyCounts(w, "tcb_statuses", tcb_statuses_);
  w.Key("measurement_sets");
  w.StartArray();
  for (const auto& [set, n] : ByCount(sets_)) {
    w.StartObject();
    KeyString(w, "mrtd", std::get<0>(set));
    KeyStrings(w, "rtmrs", std::get<1>(set));
    w.Key("tcb_status");
    if (std::get<2>(set).empty()) {
      w.Null();
    } else {
      JsonString(w, std::get<2>(set));
    }
    KeyUint(w, "bundles", n);
    w.EndObject();
  }
  w.EndArray();
  KeyUint(w, "measurement_sets_over_limit", sets_over_limit_);
  w.Key("policy_unmatched");
  w.StartObject();
  KeyUint(w, "count", unmatched_);
  KeyStrings(w, "bundles", unmatched_listed_);
  w.EndObject();
  w.EndObject();
  return std::string(sb.GetString(), sb.GetSize());
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
