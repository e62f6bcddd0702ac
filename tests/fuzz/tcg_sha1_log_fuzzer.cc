// libFuzzer harness: SHA1-legacy (TCG_PCR_EVENT) event logs.
#include <cstddef>
#include <cstdint>

#include "parsers/log_detect.h"
#include "tests/fuzz/tcg_log_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The format sniffer sees the same bytes as the parser.
  (void)ccv::parsers::DetectFormat(ccv::fuzz::AsInput(data, size), size);
  ccv::fuzz::FuzzTcgLog(data, size, /*ccel=*/false);
  return 0;
}
