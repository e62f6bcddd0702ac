// The verify pipeline: reads every file of an evidence bundle, parses and
// replays each log, compares every replayed RTMR with the quote (RTMR2
// through the IMA prefix match), verifies the quote against its collateral
// and checks the REPORTDATA binding. The result is a result::Facts: the
// verification findings as `checks` (authentic + consistent) and the facts a
// policy evaluates. Policy evaluation and reporting are the caller's.
//
// Check ids: quote.present, quote.tee, quote.collateral, quote.<verifier
// check> (quote_signature, pck_chain, tcb_status, ... see quote_verifier.h),
// report_data.binding, ccel.table, ccel.event_digests, tpm.event_digests,
// cel.template_hashes,
// replay.rtmr0..3, ima.template_hashes, ima.boot_aggregate.
//
// Errors (non-OK Status) mean the evidence could not be read: a missing or
// malformed file, named with its offset or line. Thread safety: pure
// function of its inputs (reads files).
#ifndef CCV_VERIFIER_PIPELINE_VERIFY_H_
#define CCV_VERIFIER_PIPELINE_VERIFY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "verifier/result/facts.h"
#include "verifier/bundle/evidence.h"

namespace ccv::pipeline {

struct VerifyOptions {
  // Verification time, to the nanosecond: every certificate, CRL, TCB info
  // and QE identity must be valid then. Policy expiry and waivers take its
  // whole seconds (`at.seconds`).
  Time at;
  std::optional<std::string> root_ca_pem;  // replaces the Intel SGX Root CA
  // When a policy rule judges the TCB status (platform.tcb_status), the
  // quote verifier's own tcb_status check (UpToDate only) is left out.
  bool tcb_decided_by_policy = false;
};

Result<result::Facts> CollectFacts(const bundle::Evidence& evidence, const VerifyOptions& options);

}  // namespace ccv::pipeline

#endif  // CCV_VERIFIER_PIPELINE_VERIFY_H_
