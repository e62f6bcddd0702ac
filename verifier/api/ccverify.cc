// The public C++ API (include/ccverify/ccverify.h): thin wrappers that run
// the same library code as `ccverify verify`, `replay` and `quote verify`
// and render the same JSON.
#include "ccverify/ccverify.h"

#include <cctype>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "parsers/core/status.h"
#include "parsers/core/time.h"
#include "policies/policy_parser.h"
#include "verifier/bundle/report_data.h"
#include "verifier/cli/commands.h"
#include "verifier/cli/exit_codes.h"
#include "verifier/cli/verify_options.h"
#include "verifier/crypto/digest.h"
#include "verifier/pipeline/replay.h"
#include "verifier/pipeline/verify.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/pck_chain_source.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/quote/tcb_eval.h"
#include "verifier/report/quote_json.h"
#include "verifier/report/replay_report.h"
#include "verifier/report/verify_report.h"

namespace ccverify {

namespace {

namespace po = boost::program_options;

// Fills `out` with the error of a run that could not be evaluated.
void SetError(const ccv::Status& s, Result* out) {
  out->status = static_cast<Status>(ccv::cli::ExitCodeFor(s));
  out->error = s.ToString();
  out->json.clear();
}

// An option value the command line would reject: exit 2, as there.
void SetUsage(const std::string& why, Result* out) {
  out->status = Status::kUsage;
  out->error = why;
  out->json.clear();
}

// Runs `body`, turning an escaping exception into kInternal as ccverify's
// main() does.
template <typename R, typename F>
R Guarded(F body) {
  R r;
  try {
    body(&r);
  } catch (const std::exception& e) {
    r = R();
    r.status = Status::kInternal;
    r.error = std::string("internal error: ") + e.what();
  }
  return r;
}

void AddFlag(ccv::cli::Args* args, const char* name, const std::optional<std::string>& value) {
  if (!value) return;
  args->push_back(std::string("--") + name);
  args->push_back(*value);
}

}  // namespace

const char* Version() { return CCV_VERSION; }

VerifyResult Verify(const VerifyOptions& o) {
  return Guarded<VerifyResult>([&](VerifyResult* r) {
    // The evidence options go through the command's own parser, so a
    // library call reads, discovers and overrides exactly as the CLI does.
    ccv::cli::Args args;
    if (!o.bundle_dir.empty()) {
      args.push_back("--bundle");
      args.push_back(o.bundle_dir);
    }
    AddFlag(&args, "at", o.at);
    AddFlag(&args, "root-ca", o.root_ca);
    AddFlag(&args, "collateral", o.collateral);
    AddFlag(&args, "pck-chain", o.pck_chain);
    AddFlag(&args, "nonce", o.nonce_hex);
    AddFlag(&args, "user-data", o.user_data_hex);
    AddFlag(&args, "report-data", o.report_data_hex);
    AddFlag(&args, "quote", o.quote);
    AddFlag(&args, "ccel", o.ccel);
    AddFlag(&args, "ccel-table", o.ccel_table);
    AddFlag(&args, "ima", o.ima);
    AddFlag(&args, "ima-register", o.ima_register);
    AddFlag(&args, "tpm-log", o.tpm_log);
    AddFlag(&args, "cel", o.cel);
    AddFlag(&args, "dstack-log", o.dstack_log);
    po::options_description desc;
    ccv::cli::AddEvidenceOptions(&desc);
    po::variables_map vm;
    try {
      po::store(po::command_line_parser(args).options(desc).run(), vm);
      po::notify(vm);
    } catch (const po::error& e) {
      return SetUsage(e.what(), r);
    }
    ccv::report::VerifyReportContext ctx;
    std::optional<ccv::policy::Policy> pol;
    if (o.policy) {
      // As `verify --policy` reads it: the report names the file by its digest.
      ctx.policy_path = *o.policy;
      auto text = ccv::ReadFileText(*o.policy, uint64_t{64} << 20);
      if (!text.ok()) return SetError(text.status(), r);
      ctx.policy_sha256 =
          ccv::ToHex(ccv::crypto::Hash(ccv::HashAlg::kSha256, ccv::AsBytes(*text)).span());
      auto p = ccv::policy::ParsePolicyFileText(*o.policy, *text, /*refuse_file_references=*/false);
      if (!p.ok()) return SetError(p.status(), r);
      pol = std::move(*p);
    }
    auto req = ccv::cli::EvidenceFromOptions(vm);
    if (!req.ok()) return SetError(req.status(), r);
    ctx.bundle = req->source;
    ctx.at = req->at_text;
    auto v = ccv::pipeline::Verify(req->evidence, req->options, pol ? &*pol : nullptr);
    if (!v.ok()) return SetError(v.status(), r);
    r->status =
        v->outcome == ccv::result::Outcome::kUntrusted ? Status::kUntrusted : Status::kTrusted;
    r->json = ccv::report::VerifyReportJson(v->facts, v->evaluation, ctx);
    std::string outcome = ccv::result::OutcomeName(v->outcome);
    for (char& c : outcome) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    r->outcome = std::move(outcome);
    for (const ccv::result::Check& c : v->evaluation.checks) {
      r->checks.push_back({c.id, ccv::result::VerdictName(c.status), c.detail});
    }
    for (const ccv::policy::RuleResult& rule : v->evaluation.rules) {
      r->rules.push_back({rule.id, ccv::result::VerdictName(rule.status), rule.why});
    }
  });
}

ReplayResult Replay(const ReplayOptions& o) {
  return Guarded<ReplayResult>([&](ReplayResult* r) {
    ccv::pipeline::ReplayRequest req;
    req.ccel = o.ccel;
    req.tpm_log = o.tpm_log;
    req.ima = o.ima;
    req.cel = o.cel;
    req.dstack_log = o.dstack_log;
    req.quote = o.quote;
    if (!req.ccel && !req.tpm_log && !req.ima && !req.cel && !req.dstack_log) {
      return SetUsage("give at least one log (ccel, tpm_log, ima, cel or dstack_log)", r);
    }
    if (o.ima_register) {
      auto reg = ccv::bundle::ParseImaRegisterOption(*o.ima_register);
      if (!reg.ok()) return SetUsage(reg.status().message(), r);
      req.ima_options.given = *reg;
    }
    auto run = ccv::pipeline::ReplayLogs(req);
    if (!run.ok()) return SetError(run.status(), r);
    r->status = run->ReproducesQuote() && run->RuntimeEventsConsistent() && run->ImaSignaturesHold()
                    ? Status::kTrusted
                    : Status::kUntrusted;
    r->json = ccv::report::ReplayReportJson(*run);
    for (const auto& [reg, banks] : run->registers.registers()) {
      for (const auto& [alg, digest] : banks) {
        std::string name = reg.Name();
        if (reg.kind != ccv::RegisterId::Kind::kRtmr && reg.kind != ccv::RegisterId::Kind::kMrtd) {
          name += ":" + std::string(ccv::HashAlgName(alg));
        }
        r->registers.emplace_back(std::move(name), ccv::ToHex(digest.span()));
      }
    }
  });
}

QuoteResult VerifyQuote(const QuoteOptions& o) {
  return Guarded<QuoteResult>([&](QuoteResult* r) {
    ccv::Time at = ccv::TimeNow();
    if (o.at) {
      auto t = ccv::ParseRfc3339Time(*o.at);
      if (!t.ok()) return SetUsage("at: " + t.status().message(), r);
      at = *t;
    }
    ccv::quote::VerifyOptions options;
    if (!o.accept_tcb.empty()) {
      options.accept_tcb.clear();
      for (const std::string& name : o.accept_tcb) {
        auto s = ccv::quote::TcbStatusFromName(name);
        if (!s) return SetUsage("accept_tcb: unknown TCB status '" + name + "'", r);
        options.accept_tcb.push_back(*s);
      }
    }
    auto quote_bytes = ccv::ReadFileBytes(o.quote, 1 << 20);
    if (!quote_bytes.ok()) return SetError(quote_bytes.status(), r);
    if (o.pck_chain) {
      auto chain = ccv::quote::ReadSuppliedPckChainFile(*o.pck_chain);
      if (!chain.ok()) return SetError(chain.status(), r);
      options.pck_chain = std::move(*chain);
    }
    auto coll_text = ccv::ReadFileText(o.collateral, 16 << 20);
    if (!coll_text.ok()) return SetError(coll_text.status(), r);
    auto collateral = ccv::quote::ParseCollateralJson(*coll_text);
    if (!collateral.ok()) return SetError(collateral.status().WithFile(o.collateral), r);
    std::optional<std::string> root_pem;
    if (o.root_ca) {
      auto pem = ccv::ReadFileText(*o.root_ca, 1 << 20);
      if (!pem.ok()) return SetError(pem.status(), r);
      root_pem = std::move(*pem);
    }
    auto anchor = root_pem ? ccv::quote::LoadTrustAnchor(*root_pem) : ccv::quote::LoadTrustAnchor();
    if (!anchor.ok()) return SetError(anchor.status(), r);
    auto prepared = ccv::quote::PrepareCollateral(*collateral, std::move(*anchor), at);
    if (!prepared.ok()) return SetError(prepared.status().WithFile(o.collateral), r);
    auto v = ccv::quote::VerifyQuote(*quote_bytes, *prepared, options);
    if (!v.ok()) return SetError(v.status().WithFile(o.quote), r);
    r->status = v->pass ? Status::kTrusted : Status::kUntrusted;
    r->json = ccv::report::QuoteVerificationToJson(*v);
    if (v->tcb_status) r->tcb_status = std::string(ccv::quote::TcbStatusName(*v->tcb_status));
    for (const ccv::quote::Check& c : v->checks) {
      r->checks.push_back({c.id, std::string(ccv::result::ShortVerdictName(c.status)), c.detail});
    }
  });
}

}  // namespace ccverify
