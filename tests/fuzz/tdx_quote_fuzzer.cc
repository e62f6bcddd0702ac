// libFuzzer harness: DCAP quotes v3/v4/v5. A quote that parses goes through
// the JSON and text renderers and the collateral-free verification
// (attestation-key signature, QE report signature, PCK chain parsing).
#include <cstddef>
#include <cstdint>

#include "parsers/tdx_quote.h"
#include "tests/fuzz/fuzz_util.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/report/quote_json.h"

namespace {
constexpr int64_t kAt = 1767225600;  // 2026-01-01T00:00:00Z
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ccv::Bytes in = ccv::fuzz::AsInput(data, size);
  (void)ccv::parsers::LooksLikeQuote(in);
  auto quote = ccv::parsers::ParseQuote(in);
  if (!quote.ok()) {
    ccv::fuzz::CheckParseStatus(quote.status());
    return 0;
  }
  CCV_FUZZ_CHECK(quote->signed_len <= size);
  (void)ccv::report::QuoteToJson(*quote);
  (void)ccv::report::QuoteToText(*quote);
  auto anchor = ccv::quote::LoadTrustAnchor();
  CCV_FUZZ_CHECK(anchor.ok());
  auto v = ccv::quote::VerifyQuoteWithoutCollateral(in, *anchor, kAt);
  CCV_FUZZ_CHECK(v.ok());  // the quote parsed: only findings from here on
  // Nothing is authentic without collateral.
  CCV_FUZZ_CHECK(!v->pass);
  (void)ccv::report::QuoteVerificationToJson(*v);
  return 0;
}
