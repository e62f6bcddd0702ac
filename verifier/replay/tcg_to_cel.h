// Conversion of a TCG2, SHA1-legacy or CCEL event log to CEL records (the TCG
// twin of ImaToCel in cel_replay.h): PCCLIENT_STD content, PCR indices for a
// TPM log and CC MR indices (CCMR records) for a CCEL. EV_NO_ACTION records
// and records on PCR indices above 23 are left out: they are never extended.
// Thread safety: pure functions over the reader they are given.
#ifndef CCV_VERIFIER_REPLAY_TCG_TO_CEL_H_
#define CCV_VERIFIER_REPLAY_TCG_TO_CEL_H_

#include <cstddef>
#include <string>
#include <vector>

#include "parsers/cel.h"
#include "parsers/core/result.h"
#include "parsers/tcg_event_log.h"

namespace ccv::replay {

struct TcgCelConversion {
  std::vector<cel::Record> records;
  // Records whose digest should hash their data by the convention of their
  // type but does not. A conversion never upgrades trust: a caller must refuse
  // to write the CEL when this is not zero, or the file would hide them.
  size_t num_mismatched = 0;
  std::string mismatched;  // the first ten, "#3, #17"
};

// Reads every record of `reader`. Errors: the reader's (offset and field);
// the caller names the file.
Result<TcgCelConversion> ConvertTcgToCel(parsers::TcgEventReader* reader, bool ccel);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_TCG_TO_CEL_H_
