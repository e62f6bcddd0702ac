// libFuzzer harness: IMA binary measurement lists.
#include <cstddef>
#include <cstdint>

#include "tests/fuzz/ima_log_fuzz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::fuzz::FuzzImaLog(data, size, ccv::ima::LogFormat::kBinary);
  return 0;
}
