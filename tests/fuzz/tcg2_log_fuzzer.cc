// libFuzzer harness: TCG PC Client crypto-agile (TCG2) event logs.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/tcg_log_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::fuzz::FuzzTcgLog(data, size, /*ccel=*/false);
  return 0;
}
