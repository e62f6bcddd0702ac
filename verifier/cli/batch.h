// Batch verification (`ccverify verify --batch`, `ccverify batch merge`,
// docs/scale.md): many bundles verified in one process against one policy,
// trust anchor and time, with collateral prepared once per document and
// shared (quote::SharedCollateral), on a pool of threads. Each bundle gets
// exactly the verification `ccverify verify BUNDLE` gives it (the same
// pipeline::Verify call and report context); the batch adds one JSON line
// per bundle and a summary of the fleet.
//
// Memory is bounded: the list is read as it is consumed, results leave in
// input order through a window of a few bundles per thread, and the summary
// keeps counts, the distinct measurement sets and at most kMaxListed
// bundle paths.
//
// Thread safety: RunBatch runs its own threads and calls the sink from one
// of them at a time; BatchSummary is not thread-safe.
#ifndef CCV_VERIFIER_CLI_BATCH_H_
#define CCV_VERIFIER_CLI_BATCH_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "parsers/core/result.h"
#include "policies/policy.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/shared_collateral.h"

namespace ccv::cli {

// --shard K/N: bundle paths whose ShardOf(path, N) is K. 0 <= K < N.
struct Shard {
  uint64_t index = 0;
  uint64_t count = 1;
};

// "K/N" with 0 <= K < N <= 1,000,000. Errors: kInvalidArgument.
Result<Shard> ParseShard(std::string_view text);

// The first 8 bytes of SHA-256(path), big-endian, modulo `count`: the same
// on every machine and run, for the path exactly as the list gives it.
uint64_t ShardOf(std::string_view path, uint64_t count);

// One bundle's line of --report jsonl=F (docs/json.md, batch-line schema):
// {"schema_version", "bundle", "verdict": "pass"|"fail"|"error", "outcome", "failing": [ids],
// "tcb_status", "mrtd", "rtmrs": [4 hex], "policy", "policy_matched",
// "error"} with null for what does not apply.
struct BundleLine {
  std::string bundle;
  std::string verdict;               // "pass", "fail", "error"
  std::string outcome;               // "trusted", "verified", "untrusted", or the error's outcome
  std::vector<std::string> failing;  // failed checks, then failed policy rules
  std::optional<std::string> tcb_status;
  std::optional<std::string> mrtd;                  // hex, when the evidence has a TD quote
  std::optional<std::array<std::string, 4>> rtmrs;  // hex, with mrtd
  std::optional<std::string> policy;                // the policy's name, with a policy
  std::optional<bool> policy_matched;               // every rule passed (with a policy)
  std::optional<std::string> error;                 // an input error's text

  std::string ToJson() const;  // one line, no newline
};

// Parses one JSON line as ToJson writes it. Errors: kBadValue naming the
// member that is missing or of the wrong type.
Result<BundleLine> ParseBundleLine(std::string_view json);

// One bundle's result: its line, the exit code `ccverify verify BUNDLE`
// gives (0, 1, or an error's code) and, when asked for, the JSON report
// that command writes with --format json.
struct BundleResult {
  BundleLine line;
  int exit_code = 0;
  std::string report_json;
};

// --ima-state DIR --state-key K [--ima-state-fallback] with --batch: one
// state per bundle in DIR (BatchImaStatePath), read before and written after
// the bundle's verification as `ccverify verify --ima-state` does.
struct BatchImaState {
  std::string dir;
  std::vector<uint8_t> key;
  bool fallback = false;
};

struct BatchOptions {
  pipeline::VerifyOptions verify;  // at, root_ca_pem (shared_collateral set by RunBatch)
  std::string at_text;             // RFC 3339 of verify.at, as verify reports it
  const policy::Policy* policy = nullptr;
  std::string policy_path;  // "" without a policy
  // As verify reports them (report::VerifyReportContext): the policy file's
  // SHA-256, and the form and signer of a verified --policy-signature.
  std::string policy_sha256, policy_signature, policy_signer;
  std::optional<std::string> collateral;        // --collateral: replaces every bundle's
  std::optional<std::string> collateral_cache;  // --collateral-cache DIR
  int jobs = 1;
  Shard shard;
  std::optional<BatchImaState> ima_state;
  bool keep_report_json = false;  // fill BundleResult::report_json
};

// The verification of one bundle directory, as `ccverify verify DIR` does
// it with the batch's flags. `shared` may be null (prepare per bundle).
BundleResult VerifyBundle(const std::string& dir, const BatchOptions& options,
                          quote::SharedCollateral* shared);

// Bundle paths, read as they are consumed: the subdirectories of a
// directory (in the directory's order, names starting with '.' left out),
// or a list, one path per line (blank lines and lines starting with '#'
// left out).
class BundleSource {
 public:
  virtual ~BundleSource() = default;
  // The next path, nullopt at the end. Errors: an unreadable list or a line
  // over 4096 bytes, named by file and line.
  virtual Result<std::optional<std::string>> Next() = 0;
};

// DIR (a directory), LIST (a file) or "-" (standard input).
Result<std::unique_ptr<BundleSource>> OpenBundleSource(const std::string& spec);
// Lines of `in` (named `name` in errors); for tests.
std::unique_ptr<BundleSource> BundleSourceFromStream(std::istream* in, std::string name);

// What RunBatch did besides the sink's lines.
struct BatchStats {
  uint64_t bundles = 0;               // verified (in this shard)
  uint64_t skipped_other_shards = 0;  // listed, left to other shards
  size_t collateral_preparations = 0;
};

// Verifies every bundle of `source` in this shard on options.jobs threads
// and calls `sink` with each result in the order the source gave them.
// Errors: the source's (the bundles verified before it are already sunk).
Result<BatchStats> RunBatch(BundleSource* source, const BatchOptions& options,
                            const std::function<void(const BundleResult&)>& sink);

// The fleet view of a set of lines; the same whatever order they are added
// in, so the merge of shards equals the unsharded run's.
class BatchSummary {
 public:
  static constexpr size_t kMaxListed = 100;
  static constexpr size_t kMaxMeasurementSets = 100000;

  void Add(const BundleLine& line);

  // {"schema_version", "bundles", "verdicts": {...}, "outcomes": {...}, "tcb_statuses":
  // {...}, "measurement_sets": [{"mrtd", "rtmrs", "tcb_status",
  // "bundles"}], "measurement_sets_over_limit", "policy_unmatched":
  // {"count", "bundles": [first kMaxListed paths in byte order]}} on one
  // line (docs/json.md).
  std::string ToJson() const;
  std::string ToText() const;
  uint64_t bundles() const { return bundles_; }
  // 0 when every bundle is trusted or verified, else 1.
  int ExitCode() const;

 private:
  // mrtd, rtmrs, tcb status ("" for none)
  using MeasurementSet = std::tuple<std::string, std::array<std::string, 4>, std::string>;
  uint64_t bundles_ = 0;
  std::map<std::string, uint64_t> verdicts_, outcomes_, tcb_statuses_;
  std::map<MeasurementSet, uint64_t> sets_;
  uint64_t sets_over_limit_ = 0;  // bundles whose set was not kept
  uint64_t unmatched_ = 0;
  std::set<std::string> unmatched_listed_;  // the kMaxListed smallest
};

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_BATCH_H_
