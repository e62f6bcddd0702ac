// ccverify as a library: the three things the command line does that other
// programs want to call in-process (docs/api.md).
//
//   Verify       `ccverify verify`: an evidence bundle or files, with an
//                optional policy, to a verdict with every check and rule.
//   Replay       `ccverify replay`: event logs replayed into registers,
//                compared with a quote when one is given.
//   VerifyQuote  `ccverify quote verify`: a DCAP quote against collateral.
//
// Each returns the same JSON document the command prints for the same inputs
// (`--format json` / `--json`, docs/json.md), plus the parts a caller most
// often needs as plain fields. Verdicts are findings, not errors: an
// UNTRUSTED result has `ok()` true. `ok()` is false when the inputs could not
// be evaluated (unreadable or malformed file, bad option value); `error` then
// names the file, offset or option, as the command's message does.
//
// Stability: only names in this header are the interface. Structs may gain
// fields (initialise them by name); fields are never renamed or removed
// within a major version. The JSON follows docs/json.md's schema_version.
//
// Thread safety: no function keeps state between calls. Concurrent calls are
// not tested yet: serialise them (docs/api.md).
#ifndef CCVERIFY_CCVERIFY_H_
#define CCVERIFY_CCVERIFY_H_

#include <optional>
#include <string>
#include <vector>

namespace ccverify {

// The library's version, "MAJOR.MINOR.PATCH" (the same as `ccverify --version`).
const char* Version();

// How a run ended; the value is the command's exit code.
enum class Status {
  kTrusted = 0,    // verified (and the policy passed): exit 0
  kUntrusted = 1,  // a check or policy rule failed: exit 1
  kUsage = 2,      // an option value is invalid: exit 2
  kInput = 3,      // a file is missing or malformed: exit 3
  kInternal = 4,   // internal error: exit 4
};

// One verification check ("quote.signature") or policy rule ("rtmr.mrtd").
struct Finding {
  std::string id;
  std::string status;  // "pass", "fail", "warn", "waived" or "skipped"
  std::string detail;  // what was found, or why it failed
};

// What every call returns.
struct Result {
  Status status = Status::kInternal;
  std::string error;  // set when !ok(): the message the command prints
  std::string json;   // the command's JSON document; "" when !ok()

  bool ok() const { return status == Status::kTrusted || status == Status::kUntrusted; }
  bool trusted() const { return status == Status::kTrusted; }
};

// --- verify -------------------------------------------------------------

// The inputs of `ccverify verify` (docs/cli.md). Paths are files unless
// named otherwise; an unset file takes the bundle's, if a bundle is given.
struct VerifyOptions {
  std::string bundle_dir;                 // "" for files alone
  std::optional<std::string> policy;      // YAML policy; none: baseline only
  std::optional<std::string> at;          // RFC 3339 verification time; none: now
  std::optional<std::string> root_ca;     // PEM trust anchor replacing Intel's root
  std::optional<std::string> collateral;  // collateral JSON
  std::optional<std::string> pck_chain;   // PEM PCK chain (certification data types 1-4)
  std::optional<std::string> nonce_hex;   // REPORTDATA = SHA-512(nonce || user data)
  std::optional<std::string> user_data_hex;
  std::optional<std::string> report_data_hex;  // the exact 64 bytes expected
  std::optional<std::string> quote;
  std::optional<std::string> ccel;
  std::optional<std::string> ccel_table;
  std::optional<std::string> ima;
  std::optional<std::string> ima_register;  // "rtmr2" or "pcr10"
  std::optional<std::string> tpm_log;
  std::optional<std::string> cel;
  std::optional<std::string> dstack_log;
};

struct VerifyResult : Result {
  // "TRUSTED", "VERIFIED" (no policy: the baseline held) or "UNTRUSTED";
  // "" when !ok().
  std::string outcome;
  std::vector<Finding> checks;  // verification checks, in report order
  std::vector<Finding> rules;   // policy rules; empty without a policy
};

VerifyResult Verify(const VerifyOptions& options);

// --- replay -------------------------------------------------------------

// The inputs of `ccverify replay`; at least one log.
struct ReplayOptions {
  std::optional<std::string> ccel;
  std::optional<std::string> tpm_log;
  std::optional<std::string> ima;
  std::optional<std::string> ima_register;  // "rtmr2" or "pcr10"; none: from the list
  std::optional<std::string> cel;
  std::optional<std::string> dstack_log;
  std::optional<std::string> quote;  // TDX quote whose RTMRs the replay must give
};

struct ReplayResult : Result {
  // Replayed register values, lowercase hex: {"rtmr0", "..."}, {"pcr0:sha256", "..."}.
  std::vector<std::pair<std::string, std::string>> registers;
};

// kUntrusted when a quote was given and the replay does not reproduce it, a
// runtime event contradicts its data, or an IMA signature fails.
ReplayResult Replay(const ReplayOptions& options);

// --- quote verify -------------------------------------------------------

struct QuoteOptions {
  std::string quote;                         // the quote file
  std::string collateral;                    // its collateral JSON
  std::optional<std::string> at;             // RFC 3339; none: now
  std::optional<std::string> root_ca;        // PEM trust anchor replacing Intel's root
  std::optional<std::string> pck_chain;      // PEM PCK chain (types 1-4)
  std::vector<std::string> accept_tcb = {};  // TCB statuses that pass; empty: UpToDate
};

struct QuoteResult : Result {
  std::string tcb_status;       // "UpToDate", "OutOfDate", ...; "" if not evaluated
  std::vector<Finding> checks;  // quote_signature, pck_chain, tcb_status, ...
};

QuoteResult VerifyQuote(const QuoteOptions& options);

}  // namespace ccverify

#endif  // CCVERIFY_CCVERIFY_H_
