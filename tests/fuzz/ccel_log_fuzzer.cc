// libFuzzer harness: TDX CCEL log areas (CC MR indices).
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/tcg_log_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::fuzz::FuzzTcgLog(data, size, /*ccel=*/true);
  return 0;
}
