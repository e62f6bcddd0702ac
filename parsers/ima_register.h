// Which register an IMA measurement list extends: one rule for the verifier,
// its CLI and the agent, and the one check of a register given for a list
// (--ima-register, the manifest's ima.register).
//
// Linux IMA extends a TPM PCR (CONFIG_IMA_MEASURE_PCR_IDX, 8..14, default 10)
// and writes its index in each entry's PCR field. The cc-api TDX kernel
// extends RTMR2 instead, writes the RTMR index (2) there and hashes templates
// with SHA-384. The verifier replays an IMA list into RTMR2 or PCR10 only.
//
// Thread safety: pure functions.
#ifndef CCV_PARSERS_IMA_REGISTER_H_
#define CCV_PARSERS_IMA_REGISTER_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "parsers/core/hash_alg.h"
#include "parsers/core/register_id.h"
#include "parsers/core/result.h"
#include "parsers/ima_log.h"

namespace ccv::ima {

// True for the registers the verifier replays an IMA list into: RTMR2 (TDX,
// cc-api kernel) and PCR10 (TPM).
bool IsImaRegister(RegisterId reg);

// Parses a register given for an IMA list. Errors: kBadValue when `name` is
// not "rtmr2" or "pcr10"; the message says what is supported and does not
// repeat `name` (callers name it as their input spells it).
Result<RegisterId> ParseImaRegister(std::string_view name);

// What the rule reads from a list: its first entry, as the list claims it.
struct ImaListHead {
  uint32_t untrusted_pcr = 0;           // the PCR field
  HashAlg listed_alg = HashAlg::kSha1;  // the template hash's algorithm
};

// Reads the first entry of a list (options.max_batch is ignored). nullopt for
// an empty list. Errors: the reader's, for a malformed first entry.
Result<std::optional<ImaListHead>> ReadImaListHead(ChunkSource source, ReadOptions options);

// The register an IMA list extends:
//   1. `given` when set (ParseImaRegister's result);
//   2. else, when the list has a first entry: the RTMR its PCR field names if
//      that field is below kNumRtmrs and the list comes from a TDX guest
//      (`tdx`: a TD quote or CCEL is beside it) or hashes templates with
//      SHA-384 (the cc-api kernel); the PCR it names otherwise;
//   3. else (an empty list): RTMR2 on a TDX guest, PCR10 otherwise.
// The answer of 2 may be a register IMA is not replayed into (IsImaRegister).
RegisterId ImaRegisterOf(std::optional<RegisterId> given, bool tdx,
                         std::optional<ImaListHead> head);

}  // namespace ccv::ima

#endif  // CCV_PARSERS_IMA_REGISTER_H_
