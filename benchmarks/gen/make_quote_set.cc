// Writes a synthetic TDX quote signed by the ccverify test PKI, its collateral
// (QuoteCollateralV3 JSON), the test root CA and expected.json into a
// directory: input for demos and whole-process benchmarks. Nothing it writes
// chains to Intel's root; verify with --root-ca DIR/root_ca.pem --at <at>.
//
//   make_quote_set OUT_DIR
#include <cstdio>

#include "tests/testing/quote_pki.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_quote_set OUT_DIR\n");
    return 2;
  }
  ccv::Status s = ccv::testing::WriteSyntheticQuoteSet(argv[1]);
  if (!s.ok()) {
    std::fprintf(stderr, "make_quote_set: %s\n", s.ToString().c_str());
    return 3;
  }
  return 0;
}
