// libFuzzer harness: CEL-TLV. A log that parses must replay, and writing it
// back must give a log that parses to the same records.
#include <cstddef>
#include <cstdint>

#include "parsers/cel.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/replay/cel_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto records = ccv::cel::ParseTlv(ccv::fuzz::AsInput(data, size));
  if (!records.ok()) {
    ccv::fuzz::CheckParseStatus(records.status());
    return 0;
  }
  auto replayed = ccv::replay::ReplayCel(*records);
  if (!replayed.ok()) ccv::fuzz::CheckParseStatus(replayed.status());
  std::vector<uint8_t> again = ccv::cel::WriteTlv(*records);
  auto reparsed = ccv::cel::ParseTlv(again);
  CCV_FUZZ_CHECK(reparsed.ok());
  CCV_FUZZ_CHECK(reparsed->size() == records->size());
  (void)ccv::cel::WriteJson(*records);
  return 0;
}
