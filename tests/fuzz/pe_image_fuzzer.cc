// libFuzzer harness: PE/COFF images (Authenticode digest, certificate table,
// PKCS#7 signatures). Every range the parser returns must lie in the input.
#include <cstddef>
#include <cstdint>

#include "parsers/pe/pe_image.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/predict/authenticode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::Bytes in = ccv::fuzz::AsInput(data, size);
  auto img = ccv::parsers::ParsePeImage(in);
  if (!img.ok()) {
    ccv::fuzz::CheckParseStatus(img.status());
    return 0;
  }
  for (const ccv::parsers::FileRange& r : img->authenticode_ranges) {
    CCV_FUZZ_CHECK(r.len > 0 && r.offset <= size && r.len <= size - r.offset);
  }
  for (const ccv::parsers::PeSection& s : img->sections) {
    CCV_FUZZ_CHECK(ccv::parsers::SectionData(in, s).size() == s.size_of_raw_data);
  }
  const ccv::HashAlg algs[] = {ccv::HashAlg::kSha256};
  auto m = ccv::predict::MeasureAuthenticode(in, algs);
  if (!m.ok()) ccv::fuzz::CheckParseStatus(m.status());
  return 0;
}
