// Where the reports of `ccverify verify` go: --format/--output (one report,
// on stdout or in a file), --report FORMAT=PATH (repeatable), --quiet and
// --failures-only. Internal to the CLI (cmd_verify.cc).
#ifndef CCV_VERIFIER_CLI_VERIFY_REPORTS_H_
#define CCV_VERIFIER_CLI_VERIFY_REPORTS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "parsers/core/result.h"
#include "policies/evaluator.h"
#include "verifier/crypto/jws.h"
#include "verifier/report/report_format.h"
#include "verifier/report/signed_report.h"
#include "verifier/result/facts.h"

namespace ccv::cli {

struct ReportFile {
  report::ReportFormat format;
  std::string path;
};

// The key and certificates that sign jws and ear reports (--sign-key,
// --sign-cert).
struct ReportSigning {
  crypto::JwsSigningKey key;
  std::vector<std::string> x5c_der;  // leaf first
};

struct ReportPlan {
  std::optional<report::ReportFormat> to_stdout;  // nullopt: nothing on stdout
  std::vector<ReportFile> files;                  // --output first, then each --report
  bool failures_only = false;
  // Set by LoadReportSigning when a jws or ear report is asked for.
  std::shared_ptr<const ReportSigning> signing;
  // The verifier's nonce (EAR eat_nonce); empty: none.
  std::vector<uint8_t> nonce;
  bool Signs() const;  // a jws or ear report is asked for
};

// Adds --format, --output, --report, --quiet, --failures-only, --sign-key
// and --sign-cert.
void AddReportOptions(boost::program_options::options_description* desc);

// Errors: kInvalidArgument (a usage error) for an unknown format, a
// --report without FORMAT=PATH, two reports naming one path, a jws or ear
// report without --sign-key, or --sign-key/--sign-cert with nothing to sign.
Result<ReportPlan> ReportPlanFromOptions(const boost::program_options::variables_map& vm);

// Reads --sign-key (a PEM private key: EC P-256, P-384 or Ed25519) and
// --sign-cert (PEM, the key's certificate first) into `plan` when it signs.
// Errors (input errors, exit 3): unreadable files, a key of another type, a
// certificate whose key is not the signing key.
Status LoadReportSigning(const boost::program_options::variables_map& vm, ReportPlan* plan);

// Writes every report of `plan` (files atomically, then stdout; colour only
// on a terminal without NO_COLOR). A file that cannot be written is named
// on stderr and the others are still written. Returns the first such error.
Status WriteVerifyReports(const ReportPlan& plan, const result::Facts& facts,
                          const policy::Evaluation& eval, const report::VerifyReportContext& ctx);

// The same for a verification that could not run. A text report on stdout
// is left out: the error is on stderr already.
Status WriteErrorReports(const ReportPlan& plan, const Status& error,
                         const report::VerifyReportContext& ctx);

}  // namespace ccv::cli

#endif  // CCV_VERIFIER_CLI_VERIFY_REPORTS_H_
