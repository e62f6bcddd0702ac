// The boot_aggregate entry of an IMA list (DESIGN §2): the digest IMA
// records first, computed from the boot-time registers, which binds the list
// to the boot that produced it. Finding the entry, and computing and
// comparing its expected value. Thread-safe: pure functions (each caller
// passes its own Hasher).
#ifndef CCV_VERIFIER_REPLAY_IMA_BOOT_AGGREGATE_H_
#define CCV_VERIFIER_REPLAY_IMA_BOOT_AGGREGATE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/register_id.h"
#include "parsers/ima_template.h"
#include "verifier/crypto/digest.h"
#include "verifier/replay/register_set.h"
#include "verifier/result/verdict.h"

namespace ccv::replay {

// kPass (the entry matches), kFail (it does not) or kSkipped (not checked).
using CheckStatus = result::Verdict;
// "match", "mismatch", "not_checked" (the report's names).
std::string_view CheckStatusName(CheckStatus s);

struct BootAggregateCheck {
  CheckStatus status = CheckStatus::kSkipped;
  bool present = false;  // the list has a boot_aggregate entry
  uint64_t index = 0;    // of the first one
  std::string algo;      // digest algorithm of the entry, e.g. "sha384"
  std::string listed;    // hex digest in the entry
  std::string expected;  // hex of the form that matched, else the first form tried
  std::string form;      // "sha384(mrtd||rtmr0||rtmr1||rtmr2)", "pcr0-9", "pcr0-7"
  std::string why;       // when not checked
  uint64_t entries = 0;  // boot_aggregate entries in the list
  uint64_t mismatches = 0;
};

// The cheap filter before the template is decoded and its name compared:
// false only if FindBootAggregate cannot find a boot_aggregate in the
// decoded `template_data`. With `desc` (the entry's template, if known) it
// compares the name fields only, found through the field lengths (in
// `endian` order); without, it looks for "boot_aggregate" anywhere.
bool MayBeBootAggregate(const ima::TemplateDesc* desc, Bytes template_data, ima::Endian endian);

// The digest of a decoded entry named "boot_aggregate"; nullopt for any other
// entry. `algo` and `digest` alias `fields`.
struct BootAggregateDigest {
  std::string_view algo;  // e.g. "sha384"
  Bytes digest;
};
std::optional<BootAggregateDigest> FindBootAggregate(std::span<const ima::DecodedField> fields);

// Compares `listed` with what the boot registers give: for kRtmr,
// sha384(MRTD || RTMR0 || RTMR1 || RTMR2) (RTMR2 before any IMA extend); for
// kPcr, H(PCR0 || ... || PCR9) or H(PCR0 || ... || PCR7) in the entry's bank
// (ima_calc_boot_aggregate; absent PCRs count as zero). Fills status, algo,
// listed, expected, form and why (kNotChecked when `boot_registers` is null
// or lacks what the form needs); not present, index or the counts.
BootAggregateCheck CompareBootAggregate(RegisterId::Kind kind, const RegisterSet* boot_registers,
                                        const BootAggregateDigest& listed, crypto::Hasher* hasher);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_IMA_BOOT_AGGREGATE_H_
