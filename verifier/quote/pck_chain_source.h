// Where a quote's PCK certificate chain comes from: the quote's own
// certification data (type 5, the PEM chain), or a chain supplied beside it
// (--pck-chain, the manifest's pck_chain) when the quote carries only a PCK
// identifier (types 1-3: PPID, CPUSVN, PCE SVN, PCEID) or the leaf alone
// (type 4).
//
// A supplied chain is evidence like the quote: it is verified exactly as an
// embedded one (to the trust anchor, CRLs, validity), and its leaf key must
// verify the QE report signature, which binds it to the quote. A supplied
// chain never overrides what the quote carries: a type 4 leaf or a type 5
// chain must agree with it byte for byte. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_QUOTE_PCK_CHAIN_SOURCE_H_
#define CCV_VERIFIER_QUOTE_PCK_CHAIN_SOURCE_H_

#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "parsers/tdx_quote.h"

namespace ccv::quote {

// A PCK chain given beside the quote: DER, leaf first (or the intermediate
// first, for a type 4 quote); the root is optional.
struct SuppliedPckChain {
  std::vector<std::string> der;
  std::string name;  // the file, for messages
};

// Reads a supplied PEM of 1 to 3 certificates. Errors: kNotFound (no
// certificate), kBadValue naming the certificate that does not parse,
// kLimitExceeded (more than 3); the message names `name`.
Result<SuppliedPckChain> ParseSuppliedPckChain(std::string_view pem, std::string name);
// Reads and parses the PEM file `path` (at most 1 MiB). Errors: the file's
// and ParseSuppliedPckChain's, with the file named.
Result<SuppliedPckChain> ReadSuppliedPckChainFile(const std::string& path);

struct ResolvedPckChain {
  std::vector<std::string> der;  // leaf first; may end before the root
  bool supplied = false;         // some of it came from a SuppliedPckChain
  std::string origin;            // "quote certification data type 5", "pck.pem", ...
  // Not OK when there is no usable chain: the quote's PCK checks fail with it
  // (a type 1-4 quote without a supplied chain, a type 5 chain that differs
  // from the supplied one, an embedded chain that does not decode).
  Status problem;
};

// The chain for `s` given `supplied` (may be null). Errors (input errors,
// not findings): kBadValue when a type 4 quote's leaf and the supplied
// chain's leaf differ (the message names both).
Result<ResolvedPckChain> ResolvePckChain(const parsers::QuoteSignatureData& s,
                                         const SuppliedPckChain* supplied);

}  // namespace ccv::quote

#endif  // CCV_VERIFIER_QUOTE_PCK_CHAIN_SOURCE_H_
