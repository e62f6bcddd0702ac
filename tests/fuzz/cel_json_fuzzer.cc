// libFuzzer harness: CEL-JSON (and systemd-pcrlock files). A log that parses
// must replay, and writing it back must give a log that parses again.
#include <cstddef>
#include <cstdint>

#include "parsers/cel.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/replay/cel_replay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto records = ccv::cel::ParseJson(ccv::fuzz::AsText(data, size));
  if (!records.ok()) {
    ccv::fuzz::CheckParseStatus(records.status());
    return 0;
  }
  auto replayed = ccv::replay::ReplayCel(*records);
  if (!replayed.ok()) ccv::fuzz::CheckParseStatus(replayed.status());
  std::string again = ccv::cel::WriteJson(*records);
  auto reparsed = ccv::cel::ParseJson(again);
  CCV_FUZZ_CHECK(reparsed.ok());
  CCV_FUZZ_CHECK(reparsed->size() == records->size());
  return 0;
}
