// Generates the synthetic demo bundle in corpus/demo (tests/testing/
// demo_maker.h): a TDX CCEL, a cc-api style IMA list extending RTMR2, a TDX
// quote v4 whose RTMRs and REPORTDATA match them, signed by the ccverify test
// PKI, its collateral and the test root. Every value is ours (no real
// platform's).
// Usage: make_demo DIR [EXTRA_IMA_ENTRIES [VARIANT]]  (extra entries: for
// scale tests; variants: for tests, see DemoVariant)
//
// The collateral and CRLs are valid from 2025-12-22 to 2034-03-20 so that
// `ccverify verify` works at the current time without --at.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tests/testing/demo_maker.h"

int main(int argc, char** argv) {
  using ccv::testing::DemoVariant;
  ccv::testing::DemoOptions o;
  if (argc == 4 && std::string(argv[3]) == "debug") o.variant = DemoVariant::kDebug;
  if (argc == 4 && std::string(argv[3]) == "servicetd") o.variant = DemoVariant::kServiceTd;
  if (argc == 4 && std::string(argv[3]) == "insert-event") o.variant = DemoVariant::kInsertEvent;
  if (argc == 4 && std::string(argv[3]) == "new-cmdline") o.variant = DemoVariant::kNewCmdline;
  if (argc == 4 && std::string(argv[3]) == "diff-peer") o.variant = DemoVariant::kDiffPeer;
  if (argc < 2 || argc > 4 || (argc == 4 && o.variant == DemoVariant::kPlain)) {
    std::fprintf(stderr,
                 "usage: make_demo DIR [EXTRA_IMA_ENTRIES "
                 "[debug|servicetd|insert-event|new-cmdline|diff-peer]]\n");
    return 2;
  }
  o.extra_ima = argc >= 3 ? std::strtoull(argv[2], nullptr, 10) : 0;
  ccv::Status s = ccv::testing::MakeDemoBundle(argv[1], o);
  if (!s.ok()) {
    std::fprintf(stderr, "make_demo: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}
