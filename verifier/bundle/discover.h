// Evidence from a folder without a manifest: each regular file of the folder
// (not its subfolders) is recognised by its content and given one role.
//
//   TD quote (DCAP v4/v5)           -> quote
//   TDREPORT_STRUCT                 -> td_report
//   ACPI CCEL table                 -> ccel.table
//   CCEL log area                   -> ccel.data
//   TPM log (crypto-agile or SHA-1) -> tpm_eventlog
//   IMA list (ascii; binary)        -> ima (a binary list beside an ascii one: ima_binary)
//   CEL (TLV or JSON)               -> cel
//   collateral JSON (our layout)    -> collateral
//   a file named nonce, nonce.bin   -> nonce (bytes; nonce.hex, nonce.txt: hex text)
//
// A nonce of exactly 64 bytes is REPORTDATA itself (report_data "nonce", as
// GCE's tooling writes it); any other length binds as SHA-512(nonce ||
// user_data) (CC-API), as a manifest without `report_data` says. Files of no
// known format are passed over and reported; links that leave the folder,
// FIFOs and devices are refused as in a manifest bundle. Two files for one
// role is an input error naming both: the verifier never picks one.
//
// Thread safety: reads the file system; no shared state.
#ifndef CCV_VERIFIER_BUNDLE_DISCOVER_H_
#define CCV_VERIFIER_BUNDLE_DISCOVER_H_

#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/bundle/evidence.h"

namespace ccv::bundle {

struct Discovered {
  Evidence evidence;
  bool from_manifest = false;  // evidence.json said it all
  // One line per file, in name order: "quote.bin: TD quote (quote)" or
  // "notes.txt: passed over (no known evidence format)".
  std::vector<std::string> taken;
};

// The folder's evidence by content. Errors: kNotFound when no file is
// evidence; kBadValue when two files claim one role (both named) or a file
// leads out of the folder; kIo as InputFile::OpenBeneath.
Result<Discovered> DiscoverEvidenceDir(const std::string& dir);

// The folder's evidence: its evidence.json when it has one, else by content.
Result<Discovered> LoadOrDiscoverEvidenceDir(const std::string& dir);

}  // namespace ccv::bundle

#endif  // CCV_VERIFIER_BUNDLE_DISCOVER_H_
