// libFuzzer harness: collateral JSON (QuoteCollateralV3 layout) and the
// signed TCB info and QE identity documents inside it. Collateral that parses
// is prepared against a fixed test PKI and used to verify a quote signed by
// that PKI, so the TCB evaluation sees mutated TCB levels.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/fuzz/fuzz_util.h"
#include "tests/testing/quote_pki.h"
#include "verifier/quote/collateral.h"
#include "verifier/quote/quote_verifier.h"

namespace {

struct Fixture {
  std::string root_pem;
  std::vector<uint8_t> quote;
};

const Fixture& GetFixture() {
  static const Fixture* f = [] {
    auto pki = ccv::testing::TestPki::Create();
    CCV_FUZZ_CHECK(pki.ok());
    ccv::testing::QuoteBuilder b = ccv::testing::DefaultTdxQuote(*pki);
    CCV_FUZZ_CHECK(ccv::testing::SignQuote(*pki, ccv::testing::TestAttestationKey(), &b).ok());
    return new Fixture{pki->RootPem(), b.Build()};
  }();
  return *f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text = ccv::fuzz::AsText(data, size);
  // The signed documents alone (seeds include the bodies extracted from
  // collateral files).
  auto tcb = ccv::quote::ParseTcbInfo(text);
  if (!tcb.ok()) ccv::fuzz::CheckParseStatus(tcb.status());
  auto qe = ccv::quote::ParseEnclaveIdentity(text);
  if (!qe.ok()) ccv::fuzz::CheckParseStatus(qe.status());

  auto c = ccv::quote::ParseCollateralJson(text);
  if (!c.ok()) {
    ccv::fuzz::CheckParseStatus(c.status());
    return 0;
  }
  (void)ccv::quote::CollateralToJson(*c);
  const Fixture& f = GetFixture();
  auto anchor = ccv::quote::LoadTrustAnchor(f.root_pem);
  CCV_FUZZ_CHECK(anchor.ok());
  auto prepared = ccv::quote::PrepareCollateral(*c, std::move(*anchor), ccv::testing::kPkiNow);
  if (!prepared.ok()) {
    ccv::fuzz::CheckParseStatus(prepared.status());
    return 0;
  }
  auto v = ccv::quote::VerifyQuote(f.quote, *prepared);
  CCV_FUZZ_CHECK(v.ok());
  return 0;
}
