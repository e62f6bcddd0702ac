// One bundle of a batch and the pool that verifies them (batch.h).
#include "verifier/cli/batch.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "parsers/core/hex.h"
#include "verifier/bundle/discover.h"
#include "verifier/bundle/report_data.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/ima_state_files.h"
#include "verifier/cli/verify_options.h"
#include "verifier/report/verify_error.h"
#include "verifier/report/verify_report.h"

namespace ccv::cli {

namespace fs = std::filesystem;

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
  ctx.policy_sha256 = o.policy_sha256;
  ctx.policy_signature = o.policy_signature;
  ctx.policy_signer = o.policy_signer;
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
  vo.replay_threads = 1;  // the pool runs bundles in parallel
  std::optional<ImaStateFiles> state_files;
  if (o.ima_state) {
    auto sf = LoadImaState(BatchImaStatePath(o.ima_state->dir, dir), o.ima_state->key);
    if (!sf.ok()) return ErrorResult(sf.status(), ctx, o);
    state_files = std::move(*sf);
    state_files->Apply(o.ima_state->fallback, &vo);
  }
  auto v = pipeline::Verify(e, vo, o.policy);
  if (!v.ok()) return ErrorResult(state_files ? state_files->Name(v.status()) : v.status(), ctx, o);
  if (state_files) {
    // Saved before the line: a line never stands on a state that is not there.
    Result<bool> saved = state_files->Save(v->facts);
    if (!saved.ok()) return ErrorResult(saved.status(), ctx, o);
  }

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

}  // namespace ccv::cli
