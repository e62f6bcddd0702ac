#include "parsers/uefi_varstore.h"

#include <algorithm>
#include <array>

#include "parsers/uefi_text.h"

namespace ccv::parsers {

namespace {

// EFI_SYSTEM_NV_DATA_FV_GUID fff12b8d-7696-4c8b-a985-2747075b4f50.
constexpr std::array<uint8_t, 16> kNvDataFvGuid = {0x8d, 0x2b, 0xf1, 0xff, 0x96, 0x76, 0x8b, 0x4c,
                                                   0xa9, 0x85, 0x27, 0x47, 0x07, 0x5b, 0x4f, 0x50};
// gEfiAuthenticatedVariableGuid aaf32c78-947b-439a-a180-2e144ec37792.
constexpr std::array<uint8_t, 16> kAuthVariableGuid = {
    0x78, 0x2c, 0xf3, 0xaa, 0x7b, 0x94, 0x9a, 0x43, 0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92};
// gEfiVariableGuid ddcf3616-3275-4164-98b6-fe85707ffe7d.
constexpr std::array<uint8_t, 16> kVariableGuid = {0x16, 0x36, 0xcf, 0xdd, 0x75, 0x32, 0x64, 0x41,
                                                   0x98, 0xb6, 0xfe, 0x85, 0x70, 0x7f, 0xfe, 0x7d};
constexpr uint32_t kFvSignature = 0x4856465f;  // "_FVH"
constexpr size_t kFvHeaderFixedLen = 56;       // up to and including Revision
constexpr size_t kStoreHeaderLen = 28;
constexpr uint8_t kStoreFormatted = 0x5a;
constexpr uint8_t kStoreHealthy = 0xfe;
constexpr uint16_t kVariableStartId = 0x55aa;
constexpr uint8_t kVarAdded = 0x3f;
constexpr uint8_t kVarInDeletedTransition = 0xfe;
constexpr size_t kAuthVariableHeaderLen = 60;
constexpr size_t kVariableHeaderLen = 32;
constexpr size_t kMaxVariables = 4096;

size_t Align4(size_t v) { return (v + 3) & ~size_t{3}; }

}  // namespace

const StoredVariable* VariableStore::Find(const Guid& guid, std::string_view name) const {
  const StoredVariable* found = nullptr;
  for (const StoredVariable& v : variables) {
    if (v.vendor_guid == guid && v.name == name) found = &v;
  }
  return found;
}

Result<VariableStore> ParseVariableStoreFv(Bytes fv) {
  ByteReader r(fv);
  CCV_RETURN_IF_ERROR(r.Skip(16, "FV ZeroVector"));
  const uint64_t guid_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(auto fs_guid, r.ReadArray<16>("FV FileSystemGuid"));
  CCV_ASSIGN_OR_RETURN(uint64_t fv_length, r.ReadU64Le("FV FvLength"));
  const uint64_t sig_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t sig, r.ReadU32Le("FV Signature"));
  if (sig != kFvSignature) {
    return ParseError(ErrorCode::kBadMagic, sig_at, "FV Signature",
                      "expected \"_FVH\" (an EDK2 firmware volume)");
  }
  if (fs_guid != kNvDataFvGuid) {
    return ParseError(ErrorCode::kBadMagic, guid_at, "FV FileSystemGuid",
                      "expected EFI_SYSTEM_NV_DATA_FV_GUID (a variable store volume)");
  }
  CCV_RETURN_IF_ERROR(r.Skip(4, "FV Attributes"));
  const uint64_t hl_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint16_t header_len, r.ReadU16Le("FV HeaderLength"));
  if (header_len < kFvHeaderFixedLen || header_len > fv.size() || fv_length > fv.size()) {
    return ParseError(ErrorCode::kBadLength, hl_at, "FV HeaderLength",
                      "header of " + std::to_string(header_len) + " bytes or volume of " +
                          std::to_string(fv_length) + " bytes does not fit the " +
                          std::to_string(fv.size()) + "-byte file");
  }
  ByteReader store(fv.subspan(header_len, size_t(fv_length) - header_len), header_len);
  const uint64_t store_guid_at = store.Offset();
  CCV_ASSIGN_OR_RETURN(auto store_guid, store.ReadArray<16>("variable store Signature"));
  VariableStore out;
  if (store_guid == kAuthVariableGuid) {
    out.authenticated = true;
  } else if (store_guid != kVariableGuid) {
    return ParseError(ErrorCode::kBadMagic, store_guid_at, "variable store Signature",
                      "expected gEfiAuthenticatedVariableGuid or gEfiVariableGuid");
  }
  const uint64_t size_at = store.Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t store_size, store.ReadU32Le("variable store Size"));
  if (store_size < kStoreHeaderLen || store_size > store.Size()) {
    return ParseError(ErrorCode::kBadLength, size_at, "variable store Size",
                      std::to_string(store_size) + " bytes does not fit the volume (" +
                          std::to_string(store.Size()) + " bytes after its header)");
  }
  const uint64_t fmt_at = store.Offset();
  CCV_ASSIGN_OR_RETURN(uint8_t format, store.ReadU8("variable store Format"));
  CCV_ASSIGN_OR_RETURN(uint8_t state, store.ReadU8("variable store State"));
  if (format != kStoreFormatted || state != kStoreHealthy) {
    return ParseError(ErrorCode::kBadValue, fmt_at, "variable store Format/State",
                      "store is not formatted (0x5a) and healthy (0xfe)");
  }
  ByteReader vars(store.Data().subspan(kStoreHeaderLen, store_size - kStoreHeaderLen),
                  header_len + kStoreHeaderLen);
  const size_t hdr_len = out.authenticated ? kAuthVariableHeaderLen : kVariableHeaderLen;
  while (vars.Remaining() >= hdr_len) {
    const uint64_t at = vars.Offset();
    ByteReader h = vars;
    CCV_ASSIGN_OR_RETURN(uint16_t start_id, h.ReadU16Le("variable StartId"));
    if (start_id != kVariableStartId) break;  // the end of the variables
    if (out.variables.size() == kMaxVariables) {
      return ParseError(ErrorCode::kLimitExceeded, at, "variable",
                        "more than " + std::to_string(kMaxVariables) + " variables");
    }
    CCV_ASSIGN_OR_RETURN(uint8_t var_state, h.ReadU8("variable State"));
    CCV_RETURN_IF_ERROR(h.Skip(1, "variable Reserved"));
    StoredVariable v;
    v.offset = at;
    CCV_ASSIGN_OR_RETURN(v.attributes, h.ReadU32Le("variable Attributes"));
    if (out.authenticated) {
      CCV_RETURN_IF_ERROR(h.Skip(8 + 16 + 4, "variable MonotonicCount/TimeStamp/PubKeyIndex"));
    }
    const uint64_t name_size_at = h.Offset();
    CCV_ASSIGN_OR_RETURN(uint32_t name_size, h.ReadU32Le("variable NameSize"));
    CCV_ASSIGN_OR_RETURN(uint32_t data_size, h.ReadU32Le("variable DataSize"));
    CCV_ASSIGN_OR_RETURN(v.vendor_guid.bytes, h.ReadArray<16>("variable VendorGuid"));
    if (name_size < 2 || name_size % 2 != 0 || uint64_t{name_size} + data_size > h.Remaining()) {
      return ParseError(ErrorCode::kBadLength, name_size_at, "variable NameSize",
                        "name of " + std::to_string(name_size) + " and data of " +
                            std::to_string(data_size) + " bytes do not fit the " +
                            std::to_string(h.Remaining()) + " bytes left in the store");
    }
    CCV_ASSIGN_OR_RETURN(Bytes name, h.ReadBytes(name_size, "variable Name"));
    if (name[name_size - 1] != 0 || name[name_size - 2] != 0) {
      return ParseError(ErrorCode::kBadLength, name_size_at, "variable Name",
                        "name is not NUL-terminated UTF-16");
    }
    v.name = Utf16LeToUtf8(name);
    CCV_ASSIGN_OR_RETURN(v.data, h.ReadBytes(data_size, "variable Data"));
    const size_t used = Align4(hdr_len + name_size + data_size);
    CCV_RETURN_IF_ERROR(vars.Skip(std::min(used, vars.Remaining()), "variable"));
    if (var_state == kVarAdded || var_state == (kVarAdded & kVarInDeletedTransition)) {
      out.variables.push_back(std::move(v));
    }
  }
  return out;
}

}  // namespace ccv::parsers
