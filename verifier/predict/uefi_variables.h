// The events UEFI firmware logs for variables it measures, predicted from
// the variables themselves: UEFI_VARIABLE_DATA (TCG PC Client PFP rev 1.05
// section 10.4.2, Table 17) and the EV_EFI_VARIABLE_DRIVER_CONFIG events of
// the Secure Boot policy (PFP 3.3.4.8: SecureBoot, PK, KEK, db, dbx into
// PCR 7, digest = H(UEFI_VARIABLE_DATA)).
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_PREDICT_UEFI_VARIABLES_H_
#define CCV_VERIFIER_PREDICT_UEFI_VARIABLES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_varstore.h"

namespace ccv::predict {

// EFI_GLOBAL_VARIABLE (8be4df61-93ca-11d2-aa0d-00e098032b8c): SecureBoot,
// PK, KEK, Boot####. EFI_IMAGE_SECURITY_DATABASE_GUID
// (d719b2cb-3d3a-4596-a3bc-dad00e67656f): db, dbx.
parsers::Guid EfiGlobalVariableGuid();
parsers::Guid ImageSecurityDatabaseGuid();

// "8be4df61-93ca-11d2-aa0d-00e098032b8c" -> Guid. Errors: kInvalidArgument.
Result<parsers::Guid> ParseGuid(std::string_view text);

// UTF-8 to UTF-16LE without a terminating NUL. Errors: kInvalidArgument for
// malformed UTF-8.
Result<std::vector<uint8_t>> Utf8ToUtf16Le(std::string_view utf8);

// UEFI_VARIABLE_DATA: VariableName (16), UnicodeNameLength (u64, CHAR16
// count without the NUL), VariableDataLength (u64), UnicodeName, VariableData.
// Errors: those of Utf8ToUtf16Le.
Result<std::vector<uint8_t>> EncodeUefiVariableData(const parsers::Guid& guid,
                                                    std::string_view name_utf8, Bytes data);

// A measured event as a prediction holds it: register, type, event data and
// its digest in each bank asked for.
struct PredictedEvent {
  uint32_t pcr = 0;
  uint32_t type = 0;
  std::vector<uint8_t> data;
  std::vector<Digest> digests;
  std::string description;  // e.g. "SecureBoot variable"
  // False when the event depends on something the inputs do not say; `data`
  // and `digests` are then empty and `reason` says why.
  bool predicted = true;
  std::string reason;
};

// The EV_EFI_VARIABLE_DRIVER_CONFIG event of one variable on `pcr` (7 for
// the Secure Boot policy, 1 for other platform configuration): the digest
// of every bank is H(UEFI_VARIABLE_DATA).
Result<PredictedEvent> VariableDriverConfigEvent(uint32_t pcr, const parsers::Guid& guid,
                                                 std::string_view name_utf8, Bytes data,
                                                 std::span<const HashAlg> algs);

// Whether the store turns Secure Boot on (EDK2: PK enrolled and
// SecureBootEnable 1); nullopt when it holds neither PK nor
// SecureBootEnable (see SecureBootPolicyEvents).
std::optional<bool> SecureBootEnabled(const parsers::VariableStore& store);

// The Secure Boot policy events EDK2 logs into PCR 7 (Tcg2Dxe
// MeasureAllSecureVariables; PFP 3.3.4.8), in its order: SecureBoot, PK,
// KEK, db, dbx, each from `store` (an absent variable is measured with no
// data). SecureBoot is not stored: EDK2 sets it to 1 when PK is enrolled and
// SecureBootEnable is 1. A store with neither PK nor SecureBootEnable does
// not say whether the firmware was built with Secure Boot support (then
// SecureBoot is 0) or without it (then the variable is absent): that event is
// returned unpredicted.
Result<std::vector<PredictedEvent>> SecureBootPolicyEvents(const parsers::VariableStore& store,
                                                           std::span<const HashAlg> algs);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_UEFI_VARIABLES_H_
