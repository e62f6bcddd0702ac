// Test helper: the synthetic demo bundle (corpus/demo, make_demo) as a
// library: a TDX CCEL, a cc-api style IMA list extending RTMR2 and a TDX
// quote v4 whose RTMRs and REPORTDATA match them, signed by the ccverify test
// PKI, with its collateral and the test root. Options vary it for tests: the
// variants of attack and diff tests, longer IMA lists, a quote covering only
// a prefix of the list, one changed entry.
#ifndef CCV_TESTS_TESTING_DEMO_MAKER_H_
#define CCV_TESTS_TESTING_DEMO_MAKER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "parsers/core/result.h"
#include "tests/testing/quote_pki.h"

namespace ccv::testing {

// The published demo is kPlain. kDebug and kServiceTd change the quote
// (attack tests); kInsertEvent and kNewCmdline are the rebuilds a golden
// policy meets: one more GRUB command measured before the pinned ones, and a
// changed kernel command line. kDiffPeer differs from kPlain by exactly one
// event (an EV_IPL in RTMR3), one IMA file (/usr/bin/bash) and one TD field
// (MRCONFIGID), for `ccverify diff`.
enum class DemoVariant { kPlain, kDebug, kServiceTd, kInsertEvent, kNewCmdline, kDiffPeer };

struct DemoOptions {
  DemoVariant variant = DemoVariant::kPlain;
  // Entries after the six of the demo (boot_aggregate and five files).
  uint64_t extra_ima = 0;
  // The quote's RTMR2 is the replay of the first N IMA entries (the rest
  // were added after the quote). Unset: all of them.
  std::optional<uint64_t> quoted_ima_entries;
  // The file digest of this entry (from 0) is changed, and the quote follows.
  std::optional<uint64_t> changed_entry;
  // Prefixed to the content of the extra entries: another salt, another list.
  std::string salt;
  // Signs with this PKI (DemoPki()); null: a new one.
  const TestPki* pki = nullptr;
};

// The PKI the demo is signed with: collateral and CRLs valid from 2025-12-22
// to 2034-03-20.
Result<TestPki> DemoPki();

// Writes the bundle files into the existing directory `dir`.
Status MakeDemoBundle(const std::string& dir, const DemoOptions& options = {});

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_DEMO_MAKER_H_
