// The UEFI variable store of an EDK2 firmware volume (OVMF's *_VARS.fd, the
// NV store QEMU maps as flash): the firmware volume header (PI 1.8 Vol. 3
// 3.2.1 EFI_FIRMWARE_VOLUME_HEADER), EDK2's VARIABLE_STORE_HEADER and its
// variables (MdeModulePkg/Include/Guid/VariableFormat.h: VARIABLE_HEADER or,
// in an authenticated store, AUTHENTICATED_VARIABLE_HEADER). Only variables
// in the ADDED state are returned; deleted ones are skipped, as the
// firmware skips them.
//
// Bytes fields alias the input. Thread-safe: pure functions.
#ifndef CCV_PARSERS_UEFI_VARSTORE_H_
#define CCV_PARSERS_UEFI_VARSTORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/uefi_event.h"

namespace ccv::parsers {

struct StoredVariable {
  Guid vendor_guid;
  std::string name;  // UTF-8
  uint32_t attributes = 0;
  Bytes data;
  uint64_t offset = 0;  // of the variable header
};

struct VariableStore {
  bool authenticated = false;  // gEfiAuthenticatedVariableGuid store
  std::vector<StoredVariable> variables;
  // The last ADDED variable of that name and GUID, or nullptr.
  const StoredVariable* Find(const Guid& guid, std::string_view name) const;
};

// Parses a firmware volume holding a variable store. Errors (offset and
// field): kBadMagic ("_FVH", the FV's file system GUID, the store's GUID),
// kTruncated, kBadLength (header or store sizes that do not fit, a name
// that is not NUL-terminated UTF-16), kBadValue (store not formatted or
// not healthy), kLimitExceeded (more than 4096 variables).
Result<VariableStore> ParseVariableStoreFv(Bytes fv);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_UEFI_VARSTORE_H_
