// The entries of UEFI signature lists (EFI_SIGNATURE_LIST, UEFI 2.10 section
// 32.4.1: PK, KEK, db, dbx, MokList...) and of a single EFI_SIGNATURE_DATA
// (an EV_EFI_VARIABLE_AUTHORITY event), decoded for display: each X.509
// certificate's subject and issuer (RFC 2253), serial and SHA-256
// fingerprint; each hash entry's hash. Nothing here is verified: the entries
// are what the event data says, evidence only when its digest verified.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_REPORT_SIGNATURE_LIST_H_
#define CCV_VERIFIER_REPORT_SIGNATURE_LIST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "parsers/core/byte_reader.h"

namespace ccv::report {

struct SignatureEntry {
  size_t list = 0;    // index of the EFI_SIGNATURE_LIST in the variable
  std::string type;   // "x509", "sha256", "sha1", ..., else the type GUID
  std::string owner;  // the SignatureOwner GUID
  // x509: RFC 2253 names, serial in hex (upper case, as OpenSSL prints it),
  // SHA-256 of the DER in lower-case hex.
  std::string subject, issuer, serial, sha256_fingerprint;
  std::string hash;   // hash types: the hash in lower-case hex
  std::string error;  // the data does not decode as its type says
};

struct SignatureListDecode {
  std::vector<SignatureEntry> entries;
  // Where the walk stopped when a list header does not fit ("list header cut
  // short at +N"), relative to the variable data.
  std::string error;
};

// Every entry of the EFI_SIGNATURE_LISTs in `data` (a variable's value).
SignatureListDecode DecodeSignatureLists(Bytes data, uint64_t offset);

// The certificate in `der` as an x509 entry; nullopt if it does not parse.
std::optional<SignatureEntry> DescribeX509(Bytes der);

// The entry as named values: list, type, then subject, issuer, serial,
// sha256_fingerprint (x509) or hash, then error when any, owner.
std::vector<std::pair<std::string, std::string>> SignatureEntryRecord(const SignatureEntry& e);

}  // namespace ccv::report

#endif  // CCV_VERIFIER_REPORT_SIGNATURE_LIST_H_
