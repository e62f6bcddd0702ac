// libFuzzer harness: the TPM 2.0 quote structures (TPMS_ATTEST,
// TPMT_SIGNATURE, TPMT_PUBLIC and TPM2B_PUBLIC) and AK loading by content.
// Every input goes to each parser; errors must carry an offset inside it.
#include <cstddef>
#include <cstdint>

#include "parsers/tpm2.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/tpm/ak.h"

namespace {

template <typename T>
void CheckResult(const ccv::Result<T>& r, size_t size) {
  if (r.ok()) return;
  ccv::fuzz::CheckParseStatus(r.status());
  if (r.status().offset()) CCV_FUZZ_CHECK(*r.status().offset() <= size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::Bytes in = ccv::fuzz::AsInput(data, size);
  auto attest = ccv::parsers::ParseTpmAttest(in);
  CheckResult(attest, size);
  if (attest.ok()) {
    for (const auto& s : attest->pcr_select) CCV_FUZZ_CHECK(s.Pcrs().size() <= 32);
  }
  CheckResult(ccv::parsers::ParseTpmSignature(in), size);
  auto pub = ccv::parsers::ParseTpmPublic(in);
  CheckResult(pub, size);
  if (pub.ok()) CCV_FUZZ_CHECK(pub->raw.size() == size);
  CheckResult(ccv::parsers::ParseTpm2bPublic(in), size);
  auto ak = ccv::tpm::LoadAk(in);
  if (ak.ok()) CCV_FUZZ_CHECK(ak->key.valid());
  return 0;
}
