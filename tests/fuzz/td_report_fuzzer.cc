// libFuzzer harness: TDREPORT_STRUCT (1024 bytes).
#include <cstddef>
#include <cstdint>

#include "parsers/td_report.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::Bytes in = ccv::fuzz::AsInput(data, size);
  (void)ccv::parsers::LooksLikeTdReport(in);
  auto report = ccv::parsers::ParseTdReport(in);
  if (!report.ok()) {
    ccv::fuzz::CheckParseStatus(report.status());
    return 0;
  }
  CCV_FUZZ_CHECK(size == 1024);
  return 0;
}
