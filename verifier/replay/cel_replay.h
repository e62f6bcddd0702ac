// Replay of a TCG Canonical Event Log, and conversion of an IMA list to CEL
// records. Each record's digests are extended, per bank, into the register
// its index names: PCR N -> "pcrN"; CCMR (go-eventlog CC MR index) 1..4 ->
// "rtmr0".."rtmr3" (MR index 0 is MRTD and is not extended); NV-index records
// are not extended. IMA_TEMPLATE content is checked: each digest must be the
// bank's hash of the template data (all-0xFF digests are violations).
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPLAY_CEL_REPLAY_H_
#define CCV_VERIFIER_REPLAY_CEL_REPLAY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/cel.h"
#include "parsers/ima_log.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/register_set.h"

namespace ccv::replay {

struct CelReplayResult {
  RegisterSet registers;
  uint64_t records = 0;
  uint64_t not_extended = 0;  // NV-index and CCMR 0 records
  uint64_t template_hashes_verified = 0;
  uint64_t template_hashes_mismatched = 0;
  std::vector<uint64_t> mismatched_recnums;  // first 100
};

// The register a record's index names: PCR N (any N), or the register of a
// CC MR index (RegisterId::FromCcMrIndex); nullopt for NV indexes and CC MR
// indexes beyond 4.
std::optional<RegisterId> CelRegister(const cel::Record& record);

// Errors: kUnsupported for a bank this build cannot hash.
Result<CelReplayResult> ReplayCel(const std::vector<cel::Record>& records);

// Reads a CEL file in either encoding. Errors name the file; kBadValue if it
// is neither TLV nor JSON.
Result<std::vector<cel::Record>> ReadCelFile(const std::string& path);
// The same over bytes already read; `path` names them in errors.
Result<std::vector<cel::Record>> ParseCel(Bytes data, const std::string& path);

// Converts an IMA list to CEL records with IMA_TEMPLATE content: one digest per
// bank (the listed hash for its own bank, the computed template hash for the
// others, all 0xFF for violations); index PCR N, or for kRtmr the CC MR
// index of RTMR N (kBadValue at an entry on an RTMR beyond 3).
// Banks empty: DefaultImaBanks(kind).
Result<std::vector<cel::Record>> ImaToCel(ima::LogReader* reader, RegisterId::Kind kind,
                                          std::vector<HashAlg> banks = {});

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_CEL_REPLAY_H_
