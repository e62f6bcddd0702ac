// Tamper suites: systematic single-byte (or single-value) edits of real
// evidence, each of which the verifier must reject or detect.
//
// A mutation of a byte that something signs or digests (a quote's signed
// regions, an event's digest, the data of an event whose digest covers its
// own data, an IMA template hash or template data, a value of the signed TCB
// info or QE identity JSON) is "covered": it must be detected (the input is
// rejected with a Status, a signature, chain or digest check fails, or the
// replayed registers change). A mutation of a byte nothing covers (EV_IPL
// event data, EV_NO_ACTION digests, the PEM text of a certificate chain ...)
// is counted apart: it must only not crash.
//
// Every suite takes a `stride`: 1 tries every byte, N every N-th (the CI test
// uses a bounded sample), and a `shard`: shard k of n tries the k-th of every
// n mutations the stride selects, so n processes (k = 0..n-1) together try
// each mutation exactly once and their Counts add up to the whole suite's.
// Thread safety: none needed; pure functions.
#ifndef CCV_TESTS_TAMPER_TAMPER_H_
#define CCV_TESTS_TAMPER_TAMPER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "verifier/quote/quote_verifier.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/tcg_replay.h"

namespace ccv::tamper {

struct Counts {
  uint64_t tried = 0;     // covered mutations
  uint64_t detected = 0;  // covered mutations detected (must equal tried)
  uint64_t rejected = 0;  // of those detected, rejected by the parser (a Status)
  uint64_t uncovered_tried = 0;
  uint64_t uncovered_detected = 0;
  std::vector<std::string> missed;  // first few undetected covered mutations

  void Add(const Counts& o);
  uint64_t undetected() const { return tried - detected; }
};

struct Shard {
  size_t index = 0;  // k, from 0
  size_t count = 1;  // n
  // Whether the `n`-th mutation (from 0, in the suite's order) is this shard's.
  bool Mine(size_t n) const { return count <= 1 || n % count == index; }
};

// Flips (XOR 0xFF) every byte of a quote's signed regions: header and body
// (attestation key), signature and attestation key, QE report and its
// signature (PCK key), QE authentication data (QE report data). Flips of the
// PEM certification data count as uncovered. Errors: the unmodified quote
// does not parse or is not authentic against `collateral`.
Result<Counts> TamperQuote(Bytes quote, const quote::PreparedCollateral& collateral, size_t stride,
                           Shard shard = {});

// Edits every value (string, number, literal) of the signed TCB info and QE
// identity JSON of `collateral`; each edit must make a collateral check fail
// (signature) or the verification of `quote` not authentic. Errors: the
// unmodified collateral does not verify `quote`.
Result<Counts> TamperCollateral(Bytes quote, const quote::QuoteCollateral& collateral,
                                const std::string& root_pem, int64_t at, size_t stride,
                                Shard shard = {});

// Flips every digest byte of every record and every byte of event data whose
// digest covers it (replay::DigestedBytes, events whose digest verified
// unmodified). Digest flips of records that are never extended (EV_NO_ACTION,
// virtual or out-of-range registers) and flips of other data are uncovered.
// Errors: the unmodified log does not replay.
Result<Counts> TamperTcgLog(Bytes log, replay::RegisterSpace space, size_t stride,
                            Shard shard = {});

// IMA lists. Binary: flips of every template-hash byte and template-data
// byte. Ascii: each hex digit of the template-hash column replaced by another
// hex digit, and flips (XOR 0x01) of every byte of the template-data columns.
// Other bytes (PCR and template-name fields) count as uncovered. Errors: the
// unmodified list does not replay.
Result<Counts> TamperImaLog(Bytes list, ima::LogFormat format, size_t stride, Shard shard = {});

}  // namespace ccv::tamper

#endif  // CCV_TESTS_TAMPER_TAMPER_H_
