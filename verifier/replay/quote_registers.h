// The registers a TDX quote authenticates, as a register set a replay is
// compared with: MRTD and RTMR0..3, sha384.
// Thread safety: pure functions.
#ifndef CCV_VERIFIER_REPLAY_QUOTE_REGISTERS_H_
#define CCV_VERIFIER_REPLAY_QUOTE_REGISTERS_H_

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/tdx_quote.h"
#include "verifier/replay/register_set.h"

namespace ccv::replay {

// A 48-byte TD measurement as a sha384 digest.
Digest MeasurementDigest(const parsers::Measurement& m);

// MRTD and RTMR0..3 of `quote`. Errors: kBadValue for a quote that is not TDX.
Result<RegisterSet> QuoteRegisters(const parsers::Quote& quote);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_QUOTE_REGISTERS_H_
