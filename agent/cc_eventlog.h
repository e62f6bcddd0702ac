// The CC-API event log of a TDX guest, built from its evidence with the
// verifier's parsers: every CCEL record (the Spec ID header included) in log
// order, then every IMA list entry. See cc_api.h for the index convention.
// Thread safety: pure function.
#ifndef CCV_AGENT_CC_EVENTLOG_H_
#define CCV_AGENT_CC_EVENTLOG_H_

#include <optional>
#include <vector>

#include "agent/cc_api.h"
#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"

namespace ccv::agent {

// `ccel_data`: the CCEL log area. `ima_list`: an ascii or binary IMA list
// (format detected), whose PCR field is the IMR index (the CC-API TDX kernel
// writes 2 = RTMR2). IMA events carry the listed template hash; for an ascii
// list the event data is the fields after the template name as printed, for a
// binary list the template data.
// Errors: the parsers' (with offsets), kBadValue for a CCEL MR index above 4
// or an IMA register index above 3, kUnsupported for a CCEL bank we do not
// know, kLimitExceeded beyond kMaxCcEvents events.
Result<std::vector<CcEvent>> BuildCcEventlog(Bytes ccel_data, std::optional<Bytes> ima_list);

inline constexpr size_t kMaxCcEvents = size_t{1} << 26;

}  // namespace ccv::agent

#endif  // CCV_AGENT_CC_EVENTLOG_H_
