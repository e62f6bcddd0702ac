// `ccverify replay` as a library: replays the given logs from their files in
// order (CCEL, TPM log, then the IMA list on the registers they give, then a
// CEL file) and compares the result with a quote's RTMRs. Replay reports; it
// does not judge: digest mismatches are counted, the verdict is Verify's.
// Thread safety: pure functions over the files they read.
#ifndef CCV_VERIFIER_PIPELINE_REPLAY_H_
#define CCV_VERIFIER_PIPELINE_REPLAY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"
#include "parsers/ima_log.h"
#include "verifier/replay/cel_replay.h"
#include "verifier/replay/dstack_replay.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_signatures.h"
#include "verifier/replay/register_set.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::pipeline {

// One replayed boot log.
struct LogReplay {
  std::string option;  // "ccel", "tpm_log"
  std::string file;
  replay::TcgReplayResult result;
};

struct ImaStep {
  std::string file;
  std::string format;  // "ima-ascii" or "ima-binary"
  RegisterId::Kind kind = RegisterId::Kind::kPcr;
  replay::ImaReplayResult result;
  // With --ima-keys: the keys and every entry's signature check.
  std::vector<crypto::ImaKey> keys;
  std::optional<replay::ImaSigReport> signatures;
};

struct ImaStepOptions {
  std::optional<RegisterId> given;  // --ima-register
  bool tdx = false;                 // a CCEL or TD quote is replayed beside the list
  bool big_endian = false;          // list from a big-endian kernel without ima_canonical_fmt
  std::vector<HashAlg> banks;       // --banks; empty: sha1+sha256 (pcr) or sha384 (rtmr)
};

struct CelStep {
  std::string file;
  std::string format;  // "cel-tlv" or "cel-json"
  replay::CelReplayResult result;
};

struct DstackStep {
  std::string file;
  replay::DstackFile log;
};

// The IMA list format of a file from its first bytes.
Result<ima::LogFormat> DetectImaFile(const std::string& path);
// "ima-ascii" or "ima-binary".
const char* ImaFormatName(ima::LogFormat f);

// Replays the IMA list at `path` on the register ima::ImaRegisterOf names.
// With `given`, every entry must extend it; without, each entry is replayed
// on the register of that kind its PCR field names. `before`: registers
// replayed from the boot logs (initial values and boot_aggregate inputs);
// `quoted`: registers from a quote (MRTD, RTMR0..3), may be empty.
Result<ImaStep> ReplayImaStep(const std::string& path, const ImaStepOptions& options,
                              const replay::RegisterSet& before, const replay::RegisterSet& quoted);
Result<CelStep> ReplayCelStep(const std::string& path);

// MRTD and RTMR0-3 (sha384) of a TDX quote file. Errors name the file: the
// quote parser's, kBadValue for a quote that is not TDX.
Result<replay::RegisterSet> QuoteFileRegisters(const std::string& path);

struct ReplayRequest {
  std::optional<std::string> ccel;     // CCEL log area
  std::optional<std::string> tpm_log;  // TPM event log
  std::optional<std::string> ima;      // IMA list
  std::optional<std::string> cel;      // CEL file (TLV or JSON)
  // dstack event log (JSON): replays RTMR0..3 itself, so it is not combined
  // with a CCEL, TPM log or CEL (kInvalidArgument).
  std::optional<std::string> dstack_log;
  // Keys (a file or a directory) to check the IMA list's signatures with.
  std::optional<std::string> ima_keys;
  std::optional<std::string> quote;  // TDX quote to compare with
  ImaStepOptions ima_options;        // `tdx` is set from ccel/quote
  // TPM quotes to compare with (--tpm-quote ATTEST:SIG), checked with the
  // AK file `tpm_ak` (taken as given: replay judges no trust) and, when
  // given, the nonce.
  std::vector<std::pair<std::string, std::string>> tpm_quotes = {};
  std::optional<std::string> tpm_ak = {};
  std::optional<std::vector<uint8_t>> tpm_nonce = {};
};

// One check of a TPM quote against the replay: "quote0.signature",
// "quote0.nonce", "quote0.pcr_digest" (tpm/quote_verify.h).
struct TpmQuoteCheck {
  std::string id;
  std::string status;  // "pass", "fail", "skip"
  std::string detail;
};

struct ReplayRun {
  std::vector<LogReplay> logs;
  std::optional<ImaStep> ima;
  std::optional<CelStep> cel;
  std::optional<DstackStep> dstack;
  std::optional<replay::RegisterSet> quoted;
  // --tpm-quote: the quotes' checks against the replayed PCRs (every log,
  // IMA's PCR10 included; a PCR no log extends at its initial value).
  std::vector<TpmQuoteCheck> tpm_checks;
  // Every log merged, and the counts summed over them.
  replay::RegisterSet registers;
  replay::ReplayCounts counts;
  replay::DigestCheckCounts checks;

  // Quoted RTMR -> whether the replay gives it (an unextended register is
  // zero). Empty without a quote.
  std::vector<std::pair<std::string, bool>> QuoteMatches() const;
  // False if a quote was given and a quoted RTMR differs, or a TPM quote's
  // signature, nonce or PCR digest check failed.
  bool ReproducesQuote() const;
  // False if a dstack runtime event's digest is not the one its data gives
  // (a runtime event's digest is defined by its data: the log contradicts itself).
  bool RuntimeEventsConsistent() const;
  // False if an IMA signature was checked and failed or did not decode.
  bool ImaSignaturesHold() const;
};

// Errors name the file, the offset and what was expected.
Result<ReplayRun> ReplayLogs(const ReplayRequest& request);

}  // namespace ccv::pipeline

#endif  // CCV_VERIFIER_PIPELINE_REPLAY_H_
