// ccverify verify --batch DIR|LIST|- and ccverify batch merge F... (batch.h,
// docs/cli.md, docs/scale.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <string>
#include <thread>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "policies/policy_parser.h"
#include "policies/time_util.h"
#include "verifier/cli/batch.h"
#include "verifier/cli/command_line.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/ima_state_files.h"
#include "verifier/cli/policy_flags.h"
#include "verifier/cli/verify_options.h"
#include "verifier/pipeline/verify.h"

namespace ccv::cli {

namespace po = boost::program_options;

namespace {

// Where the summary goes (--format text|json, --output, --quiet) and the
// JSON lines (--report jsonl=F, F "-" for standard output).
struct BatchOutputs {
  bool json = false;
  std::optional<std::string> summary_file;
  bool quiet = false;
  std::optional<std::string> jsonl;
};

Result<BatchOutputs> BatchOutputsFromOptions(const po::variables_map& vm, bool allow_jsonl) {
  BatchOutputs out;
  const std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "json") {
    return Status(ErrorCode::kInvalidArgument,
                  "--format: a batch summary is text or json, not '" + format + "'");
  }
  out.json = format == "json";
  if (vm.count("output")) out.summary_file = vm["output"].as<std::string>();
  out.quiet = vm["quiet"].as<bool>();
  if (vm.count("report")) {
    for (const std::string& spec : vm["report"].as<std::vector<std::string>>()) {
      if (!allow_jsonl || spec.rfind("jsonl=", 0) != 0 || spec.size() == 6 || out.jsonl) {
        return Status(ErrorCode::kInvalidArgument,
                      "--report: a batch writes one report, jsonl=PATH (PATH - for standard "
                      "output), not '" +
                          spec + "'");
      }
      out.jsonl = spec.substr(6);
    }
  }
  return out;
}

// Writes the summary where `out` says. Errors: the --output file's.
Status WriteSummary(const BatchOutputs& out, const BatchSummary& summary) {
  std::string text = out.json ? summary.ToJson() + "\n" : summary.ToText();
  if (out.summary_file) return WriteFileAtomically(*out.summary_file, text);
  if (!out.quiet) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }
  return Status::Ok();
}

// The JSON lines, streamed to PATH.partial and renamed to PATH at the end
// (a reader never finds a part of a run, nor an earlier run's lines), or to
// standard output.
class JsonlWriter {
 public:
  Status Open(const std::optional<std::string>& path) {
    if (!path) return Status::Ok();
    if (*path == "-") {
      file_ = stdout;
      return Status::Ok();
    }
    path_ = *path;
    partial_ = *path + ".partial";
    file_ = std::fopen(partial_.c_str(), "wb");
    if (file_ == nullptr) return Status(ErrorCode::kIo, "cannot create").WithFile(partial_);
    return Status::Ok();
  }
  void Write(const std::string& line) {
    if (file_ == nullptr) return;
    if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
        std::fputc('\n', file_) == EOF) {
      failed_ = true;
    }
  }
  // Completes the file; `keep` false removes the partial one.
  Status Close(bool keep) {
    if (file_ == nullptr || file_ == stdout) {
      if (file_ == stdout) std::fflush(stdout);
      return Status::Ok();
    }
    bool ok = std::fflush(file_) == 0 && !failed_;
    ok = std::fclose(file_) == 0 && ok;
    file_ = nullptr;
    if (!keep || !ok || std::rename(partial_.c_str(), path_.c_str()) != 0) {
      std::remove(partial_.c_str());
      if (keep) return Status(ErrorCode::kIo, "cannot write").WithFile(path_);
    }
    return Status::Ok();
  }

 private:
  FILE* file_ = nullptr;
  std::string path_, partial_;
  bool failed_ = false;
};

}  // namespace

int RunVerifyBatch(const po::variables_map& vm, const CommandHelp& help) {
  auto given = [&](const char* flag) {
    return vm.count(flag) && !vm[flag].defaulted() &&
           !(vm[flag].value().type() == typeid(bool) && !vm[flag].as<bool>());
  };
  // Flags naming one bundle's evidence have no meaning for a fleet.
  for (const char* flag : {"bundle",  "pck-chain", "nonce",       "user-data",  "report-data",
                           "quote",   "ccel",      "ccel-table",  "ima",        "ima-register",
                           "tpm-log", "cel",       "dstack-log",  "tpm-attest", "tpm-signature",
                           "tpm-ak",  "tpm-pcrs",  "tpm-root-ca", "tpm-nonce",  "failures-only"}) {
    if (given(flag)) {
      return UsageError(help, std::string("--") + flag +
                                  " cannot be used with --batch (each bundle brings its own)");
    }
  }
  // A batch writes no report to sign (JSON lines and a summary): refused
  // rather than ignored, so that a signature asked for is never missing.
  for (const char* flag : {"sign-key", "sign-cert"}) {
    if (given(flag)) {
      return UsageError(help, std::string("--") + flag + " is not supported with --batch");
    }
  }
  auto outputs = BatchOutputsFromOptions(vm, true);
  if (!outputs.ok()) return UsageError(help, outputs.status().message());
  BatchOptions o;
  o.jobs = vm.count("jobs") ? vm["jobs"].as<int>()
                            : std::max(1, int(std::thread::hardware_concurrency()));
  if (o.jobs < 1 || o.jobs > 256) return UsageError(help, "--jobs: expected 1 to 256");
  if (vm.count("shard")) {
    auto shard = ParseShard(vm["shard"].as<std::string>());
    if (!shard.ok()) return UsageError(help, shard.status().message());
    o.shard = *shard;
  }
  std::optional<policy::Policy> pol;
  if (vm.count("policy")) {
    // Loaded, and its signature verified, once for every bundle.
    report::VerifyReportContext policy_ctx;
    auto p = LoadPolicyFromOptions(vm, &policy_ctx);
    if (!p.ok()) return ReportError(p.status());
    pol = std::move(*p);
    o.policy = &*pol;
    o.policy_path = vm["policy"].as<std::string>();
    o.policy_sha256 = std::move(policy_ctx.policy_sha256);
    o.policy_signature = std::move(policy_ctx.policy_signature);
    o.policy_signer = std::move(policy_ctx.policy_signer);
  }
  if (vm.count("ima-state")) {
    // An IMA state belongs to one machine's list: with --batch, --ima-state
    // is a directory holding one state per bundle path.
    if (Status fits = pipeline::ImaStateFitsPolicy(pol ? &*pol : nullptr); !fits.ok()) {
      return UsageError(help, fits.message());
    }
    BatchImaState st;
    st.dir = vm["ima-state"].as<std::string>();
    std::error_code ec;
    std::filesystem::create_directories(st.dir, ec);
    if (!std::filesystem::is_directory(st.dir, ec)) {
      return ReportError(
          Status(ErrorCode::kIo, "--ima-state with --batch: expected a directory (or none)")
              .WithFile(st.dir));
    }
    auto key = ReadImaStateKey(vm["state-key"].as<std::string>());
    if (!key.ok()) return ReportError(key.status());
    st.key = std::move(*key);
    st.fallback = vm["ima-state-fallback"].as<bool>();
    o.ima_state = std::move(st);
  }
  o.verify.at = TimeNow();
  if (vm.count("at")) {
    auto t = ParseRfc3339Time(vm["at"].as<std::string>());
    if (!t.ok()) return UsageError(help, "--at: " + t.status().message());
    o.verify.at = *t;
  }
  o.at_text = FormatRfc3339Time(o.verify.at);
  if (vm.count("root-ca")) {
    auto pem = ReadFileText(vm["root-ca"].as<std::string>(), 1 << 20);
    if (!pem.ok()) return ReportError(pem.status());
    o.verify.root_ca_pem = std::move(*pem);
  }
  if (vm.count("collateral")) o.collateral = vm["collateral"].as<std::string>();
  if (vm.count("collateral-cache")) o.collateral_cache = vm["collateral-cache"].as<std::string>();

  auto source = OpenBundleSource(vm["batch"].as<std::string>());
  if (!source.ok()) {
    if (source.status().code() == ErrorCode::kInvalidArgument) {
      return UsageError(help, source.status().message());
    }
    return ReportError(source.status());
  }
  // Each bundle allocates and frees the same buffers (files, log chunks,
  // per-entry facts): kept by the allocator rather than returned to the
  // kernel after every bundle, they cost no page faults the next time.
  // Memory still does not grow with the number of bundles.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  JsonlWriter jsonl;
  if (Status s = jsonl.Open(outputs->jsonl); !s.ok()) return ReportError(s);
  BatchSummary summary;
  auto stats = RunBatch(source->get(), o, [&](const BundleResult& r) {
    jsonl.Write(r.line.ToJson());
    summary.Add(r.line);
  });
  if (!stats.ok()) {
    (void)jsonl.Close(false);
    return ReportError(stats.status());
  }
  if (Status s = jsonl.Close(true); !s.ok()) return ReportError(s);
  if (Status s = WriteSummary(*outputs, summary); !s.ok()) return ReportError(s);
  return summary.ExitCode();
}

namespace {

constexpr char kMergeUsage[] =
    "usage: ccverify batch merge F.jsonl... [--format text|json] [--output F] [--quiet]\n"
    "  merges the JSON lines of batch runs (e.g. one per shard) into one summary\n"
    "  -h [ --help ]        show this help\n"
    "  --format arg (=text) the summary's format: text or json\n"
    "  --output arg         write the summary to F instead of stdout\n"
    "  -q [ --quiet ]       write nothing on stdout\n";

}  // namespace

int RunBatchMerge(const Args& args) {
  const CommandHelp help{"batch merge", kMergeUsage};
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "format", po::value<std::string>()->default_value("text"), "text or json")(
      "output", po::value<std::string>(), "summary file")("quiet,q", po::bool_switch(), "quiet")(
      "files", po::value<std::vector<std::string>>(), "JSON-lines files");
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  if (auto done = ParseCommandLine(args, help, desc, &vm, &pos)) return *done;
  auto outputs = BatchOutputsFromOptions(vm, false);
  if (!outputs.ok()) return UsageError(help, outputs.status().message());
  if (!vm.count("files")) return UsageError(help, "give the JSON-lines files to merge");
  BatchSummary summary;
  for (const std::string& path : vm["files"].as<std::vector<std::string>>()) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return ReportError(Status(ErrorCode::kIo, "cannot open").WithFile(path));
    std::string line;
    uint64_t line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty()) continue;
      auto parsed = ParseBundleLine(line);
      if (!parsed.ok()) {
        return ReportError(Status(parsed.status().code(), "line " + std::to_string(line_no) + ": " +
                                                              parsed.status().message())
                               .WithFile(path));
      }
      summary.Add(*parsed);
    }
    if (in.bad()) {
      return ReportError(Status(ErrorCode::kIo, "read failed after line " + std::to_string(line_no))
                             .WithFile(path));
    }
  }
  if (Status s = WriteSummary(*outputs, summary); !s.ok()) return ReportError(s);
  return summary.ExitCode();
}

}  // namespace ccv::cli
