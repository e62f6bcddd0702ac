// The Secure Boot authority events of a boot, predicted from the variable
// store and the signed images: which db entry verified each image the
// firmware starts, and what shim measures of its own policy.
//
// - Firmware (EDK2 DxeImageVerificationLib, PFP 3.3.4.8): when Secure Boot is
//   on, an image whose Authenticode signature verifies under an X.509 entry
//   of db gets one EV_EFI_VARIABLE_AUTHORITY event in PCR 7: the
//   UEFI_VARIABLE_DATA of db (EFI_IMAGE_SECURITY_DATABASE_GUID) whose data is
//   that entry's EFI_SIGNATURE_DATA (owner GUID and certificate). The first
//   entry in db order that verifies is the one logged; the same entry is
//   logged once a boot.
// - shim 16 (Debian's shim-signed 16.1, checked against a real boot): PCR 14
//   EV_IPL "MokList" = H(its vendor certificate as an EFI_SIGNATURE_LIST),
//   "MokListX" = H(its vendor dbx), "MokListTrusted" = H(0x01); PCR 7
//   "SbatLevel" (SHIM_LOCK_GUID) = the "previous" revocation string of its
//   .sbatlevel section; and for each image it verifies (GRUB, the kernel),
//   the entry that verified it: db first (as the firmware), then MokListRT,
//   which holds the vendor certificate with SHIM_LOCK_GUID as owner; shim
//   logs each distinct authority once.
// These hold for a machine whose store has no shim variables (MokList,
// SbatLevel, SbatPolicy, MokListTrustedNV...): any variable of
// SHIM_LOCK_GUID in the store makes shim's events unpredicted, as does a
// vendor certificate section that is not one DER certificate.
//
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_SECURE_BOOT_AUTHORITY_H_
#define CCV_VERIFIER_PREDICT_SECURE_BOOT_AUTHORITY_H_

#include <span>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_varstore.h"
#include "verifier/predict/direct_boot.h"

namespace ccv::predict {

// SHIM_LOCK_GUID (605dab50-e046-4300-abb6-3dd810dd8b23).
parsers::Guid ShimLockGuid();

// One X.509 entry of a signature database.
struct SignatureDbEntry {
  parsers::Guid owner;
  Bytes certificate;                    // DER (aliases the variable data)
  std::vector<uint8_t> signature_data;  // EFI_SIGNATURE_DATA: owner, certificate
};

// The X.509 entries of the EFI_SIGNATURE_LISTs in `data`, in order;
// `other_entries` (may be null) counts the entries of other types (hashes).
// Errors: those of ReadEfiSignatureList (the offset relative to `data`).
Result<std::vector<SignatureDbEntry>> X509SignatureEntries(Bytes data,
                                                           size_t* other_entries = nullptr);

// A variable whose X.509 entries may verify an image (db; shim's MokListRT).
struct AuthoritySource {
  std::string variable;  // "db", "MokListRT"
  parsers::Guid guid;
  std::vector<SignatureDbEntry> entries;
  size_t other_entries = 0;  // hash entries, which may allow an image by its digest
};

// Logs authority events and remembers which it logged (the firmware and
// shim each log a given authority once a boot).
class AuthorityLog {
 public:
  explicit AuthorityLog(std::span<const HashAlg> banks) : banks_(banks.begin(), banks.end()) {}

  // The EV_EFI_VARIABLE_AUTHORITY event (PCR 7) for the first entry, in
  // source order, under which one of `image`'s signatures (whose signed
  // digest is the image's) verifies; none when that authority was logged
  // before. Without such an entry: an unpredicted event when a source has
  // hash entries (which may allow the image by its digest; not modelled),
  // else kChainInvalid (Secure Boot refuses the image: no such boot).
  // Errors: also the image's PE errors (`what` names it).
  Result<std::vector<BootEvent>> Verify(Bytes image, const std::string& what,
                                        std::span<const AuthoritySource> sources);

 private:
  std::vector<HashAlg> banks_;
  std::vector<std::vector<uint8_t>> logged_;
};

// The firmware's authority event for `image` (PCR 7, from db), none when
// the store turns Secure Boot off, an unpredicted event without a store or
// when the store does not say. `log` (may be null) carries the authorities
// the firmware logged before (EDK2 logs each once a boot).
// Errors: those of AuthorityLog::Verify (kChainInvalid: Secure Boot refuses
// the image).
Result<std::vector<BootEvent>> FirmwareAuthorityEvents(const parsers::VariableStore* store,
                                                       Bytes image, const std::string& what,
                                                       std::span<const HashAlg> banks,
                                                       AuthorityLog* log = nullptr);

// What shim logs between its start and GRUB's image event, and the
// authority events of the images it then verifies.
struct ShimEvents {
  std::vector<BootEvent> startup;  // MokList, MokListX, SbatLevel, MokListTrusted
  std::vector<BootEvent> grub;     // authority that verified GRUB
  std::vector<BootEvent> kernel;   // authority that verified the kernel
};

// Errors: the PE errors of `shim`, `grub` or `kernel`.
Result<ShimEvents> PredictShimEvents(const parsers::VariableStore* store, Bytes shim, Bytes grub,
                                     Bytes kernel, std::span<const HashAlg> banks);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_SECURE_BOOT_AUTHORITY_H_
