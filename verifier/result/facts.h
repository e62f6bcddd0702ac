// Facts: what verification established about one piece of evidence, in the
// plain form the policy engine evaluates (DESIGN §1: verification is kept
// apart from policy). The verify pipeline fills a Facts from the parsers,
// the replay engine and the quote verifier; policies never parse evidence.
//
// `checks` are the verification findings (authentic + consistent); a check
// that could not be made is present with status kFail and a reason (fail
// closed). Everything else is a fact that policy rules compare with
// reference values.
//
// Thread safety: a value type.
#ifndef CCV_VERIFIER_RESULT_FACTS_H_
#define CCV_VERIFIER_RESULT_FACTS_H_

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "verifier/replay/register_set.h"

namespace ccv::containers {
struct ContainerView;  // verifier/containers/container_view.h
}

namespace ccv::result {

// Outcome of a verification check or a policy rule.
enum class Verdict { kPass, kFail, kWarn, kWaived, kSkipped };
// "pass", "fail", "warn", "waived", "skipped".
const char* VerdictName(Verdict v);

// One verification finding, e.g. {"quote.signature", kPass, "..."}.
struct Check {
  std::string id;
  Verdict status = Verdict::kFail;
  std::string detail;
  std::string waiver;  // set by the evaluator when a waiver applied
  // The input whose absence made this check fail ("collateral", "nonce"),
  // so that a policy can explicitly accept its absence; "" otherwise.
  std::string missing = {};
};

// Decoded TD quote body fields (Intel TDX DCAP Quoting Library API, TD
// report body), as bytes in quote order.
struct QuoteFacts {
  bool present = false;
  uint16_t version = 0;
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::array<uint8_t, 48> mr_seam{};
  std::array<uint8_t, 48> mr_signer_seam{};
  std::array<uint8_t, 8> seam_attributes{};
  std::array<uint8_t, 8> td_attributes{};
  std::array<uint8_t, 8> xfam{};
  std::array<uint8_t, 48> mr_td{};
  std::array<uint8_t, 48> mr_config_id{};
  std::array<uint8_t, 48> mr_owner{};
  std::array<uint8_t, 48> mr_owner_config{};
  std::array<std::array<uint8_t, 48>, 4> rtmr{};
  std::array<uint8_t, 64> report_data{};
  std::string fmspc;  // hex, from the PCK certificate ("" if unknown)
};

// Collateral-based facts of quote verification.
struct CollateralFacts {
  bool present = false;
  // Intel QVL TCB status name ("UpToDate", "OutOfDate", "NotSupported", ...)
  // once TCB evaluation ran; absent when it could not run.
  std::optional<std::string> tcb_status;
  std::vector<std::string> advisory_ids;
};

// Replayed value of one register against the value the quote reports.
struct RegisterComparison {
  std::string reg;          // "rtmr0"
  bool matches = false;
  std::string replayed;     // lowercase hex (the value that matched, if any)
  std::string quoted;       // lowercase hex
  std::string detail;       // e.g. "matched after ima#1233 (prefix of 2000)"
};

// One event of a firmware/boot log (CCEL, TPM log or CEL), after replay.
struct EventFact {
  std::string log;          // "ccel", "tpm", "cel": evidence pointer prefix
  uint64_t index = 0;       // record number in that log (0 = first record)
  std::string reg;          // "rtmr1", "pcr4"; "" if never extended
  uint32_t type = 0;
  std::string type_name;    // "EV_IPL"; "" if unknown
  std::vector<Digest> digests;
  std::string text;         // printable rendering of the event data, or ""
  std::string Pointer() const { return log + "#" + std::to_string(index); }
};

// One IMA measurement-list entry.
struct ImaEntryFact {
  uint64_t index = 0;       // entry number (0 = first line)
  std::string template_name;
  std::string path;
  std::string file_alg;     // "sha256" as printed in d-ng ("" for template ima)
  std::vector<uint8_t> file_digest;
  std::string Pointer() const { return "ima#" + std::to_string(index); }
};

struct Facts {
  QuoteFacts quote;
  CollateralFacts collateral;
  replay::RegisterSet replayed;               // every replayed register
  std::vector<RegisterComparison> comparisons;  // replayed vs quote
  bool event_log_present = false;
  std::vector<EventFact> events;
  bool ima_present = false;
  std::vector<ImaEntryFact> ima;
  std::vector<Check> checks;                  // verification findings
  // Per-container view of an ima-cgpath list (container policies), or null.
  std::shared_ptr<const containers::ContainerView> containers;
};

}  // namespace ccv::result

#endif  // CCV_VERIFIER_RESULT_FACTS_H_
