// libFuzzer harness: evidence.json of an evidence bundle.
#include <cstddef>
#include <cstdint>
#include <string>

#include "tests/fuzz/fuzz_util.h"
#include "verifier/bundle/evidence.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto ev = ccv::bundle::ParseEvidenceJson(ccv::fuzz::AsText(data, size), "/bundle");
  if (!ev.ok()) {
    ccv::fuzz::CheckParseStatus(ev.status());
    return 0;
  }
  // File names may not leave the bundle directory.
  for (const auto* path : {&ev->quote, &ev->ccel_data, &ev->ccel_table, &ev->ima, &ev->tpm_eventlog,
                           &ev->cel, &ev->collateral}) {
    if (!path->has_value()) continue;
    CCV_FUZZ_CHECK((*path)->rfind("/bundle/", 0) == 0);
    CCV_FUZZ_CHECK((*path)->find("/../") == std::string::npos);
    CCV_FUZZ_CHECK(!(*path)->ends_with("/.."));
  }
  if (ev->nonce) CCV_FUZZ_CHECK(ev->nonce->size() <= ccv::bundle::kMaxNonceLen);
  if (ev->report_data) CCV_FUZZ_CHECK(ev->report_data->size() == 64);
  return 0;
}
