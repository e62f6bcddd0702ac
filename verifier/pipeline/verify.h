// The verify pipeline: the one place a verdict is decided (DESIGN §8).
//
// It reads every file of an evidence bundle, parses and replays each log,
// compares all four replayed RTMRs with the quote (RTMR2 through the IMA
// prefix match; a register no log extends replays as zero), verifies the
// quote against its collateral, checks the REPORTDATA binding, marks every
// fact bound or unbound and its event data verified or not, applies the
// baseline (debug TD, MRSERVICETD, TCB UpToDate, every log bound) and, with
// a policy, evaluates it. The CLI parses flags and renders the result.
//
// Check ids: quote.present, quote.tee, quote.collateral, quote.<verifier
// check> (quote_signature, pck_chain, tcb_status, ... see quote_verifier.h),
// report_data.binding, td.debug, td.mr_servicetd, ccel.table,
// ccel|tpm|cel.event_digests, cel.template_hashes, replay.rtmr0..3,
// ima.template_hashes, ima.boot_aggregate, ccel|tpm|cel|ima.bound,
// containers.binding, ima.container_attribution; with TPM quotes
// tpm.ak_attributes, tpm.ak_trust, tpm.quote<N>_signature|_nonce|_pcr_digest
// (verifier/tpm/quote_verify.h's checks as AREA.NAME under "tpm."; the log's
// binding is tpm.bound).
//
// TPM quotes: a quote whose signature verifies with a trusted AK (pinned by
// the policy's tpm.ak, or its certificate chained to --tpm-root-ca at `at`,
// the bundle's tpm.ak_chain linking only), whose extraData is the expected
// nonce and whose PCR digest matches authenticates the PCR values it selects.
// The TPM log's events on a PCR are bound when every bank the log extends it
// in replays to an authenticated value; an IMA list on PCR10 is bound up to
// the entry whose replay gives the quoted PCR10; boot_aggregate is checked
// against the authenticated PCR0-9. Nothing else binds a PCR.
//
// Errors (non-OK Status) mean the evidence could not be read: a missing or
// malformed file, named with its offset or line. Thread safety: pure
// function of its inputs (reads files).
#ifndef CCV_VERIFIER_PIPELINE_VERIFY_H_
#define CCV_VERIFIER_PIPELINE_VERIFY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "policies/evaluator.h"
#include "policies/policy.h"
#include "verifier/bundle/evidence.h"
#include "verifier/result/facts.h"

namespace ccv::quote {
class SharedCollateral;  // verifier/quote/shared_collateral.h
}  // namespace ccv::quote

namespace ccv::pipeline {

struct VerifyOptions {
  // Verification time, to the nanosecond: every certificate, CRL, TCB info
  // and QE identity must be valid then. Policy expiry and waivers take its
  // whole seconds (`at.seconds`).
  Time at;
  std::optional<std::string> root_ca_pem;  // replaces the Intel SGX Root CA
  // Trust anchors of a TPM AK certificate (--tpm-root-ca), each a file's
  // text (PEM, one or more certificates, or one DER certificate).
  std::vector<std::string> tpm_root_ca = {};
  // The extraData every TPM quote must carry (--tpm-nonce): the verifier's.
  std::optional<std::vector<uint8_t>> tpm_nonce = {};
  // Non-null: collateral documents are prepared through this cache, once
  // per document, anchor and time, and shared with every other verification
  // using it (batch verify). The verdict is the same either way.
  quote::SharedCollateral* shared_collateral = nullptr;
  // --ima-state: the facts carry the state to save for the next run
  // (Facts::ima_state_out) and how the list was replayed (ima_resume).
  // Refused (kInvalidArgument) with a policy that judges IMA entries
  // (ima:, kernel:, containers:): an incremental run does not see them all.
  bool ima_state = false;
  // The state to resume from, its MAC already verified (ParseImaState):
  // only the entries after its offset are replayed, from its register
  // values. A state that does not apply to this list and quote (another
  // list format or register, another boot, the list shorter than the
  // offset or another entry before it, or a replay that does not reach the
  // quote) is refused: kBadValue, "IMA state refused: WHY".
  std::shared_ptr<const replay::ImaState> ima_resume = nullptr;
  // A refused state is replaced by a full replay of the list (reported in
  // ImaResumeFact::refused) instead of failing the verification.
  bool ima_resume_fallback = false;
  // Threads an IMA replay may use (replay::ImaReplayOptions::num_threads;
  // 0: the process default). Batch verify sets 1: its pool already runs
  // bundles in parallel. The facts do not depend on it.
  int replay_threads = 0;
};

// The whole decision: the facts verification established, the policy's
// rule verdicts (and the checks after policy options and waivers), and the
// outcome.
struct Verification {
  result::Facts facts;
  policy::Evaluation evaluation;
  result::Outcome outcome = result::Outcome::kUntrusted;
};

// Whether an incremental IMA replay (VerifyOptions::ima_state or
// ima_resume) may serve `policy` (null: none): not if it judges IMA entries
// (ima:, kernel:, containers:), since the replay does not see the entries
// before the state's offset. Errors: kInvalidArgument saying so.
Status ImaStateFitsPolicy(const policy::Policy* policy);

// Verifies `evidence` and judges it by `policy` (null: the baseline only,
// and the outcome is at best kVerified).
Result<Verification> Verify(const bundle::Evidence& evidence, const VerifyOptions& options,
                            const policy::Policy* policy);

// The facts alone (Verify's first half). `policy` only selects what is
// collected and how the baseline treats it: TCB status left to
// platform.tcb_status, informational logs, a pinned MRSERVICETD, an allowed
// debug TD, the container view of `containers:` rules.
Result<result::Facts> CollectFacts(const bundle::Evidence& evidence, const VerifyOptions& options,
                                   const policy::Policy* policy = nullptr);

}  // namespace ccv::pipeline

#endif  // CCV_VERIFIER_PIPELINE_VERIFY_H_
