#include "verifier/predict/uefi_variables.h"

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "verifier/crypto/digest.h"

namespace ccv::predict {

namespace {

void PutU64Le(uint64_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 8; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

Status BadUtf8(size_t at) {
  return Status(ErrorCode::kInvalidArgument,
                "variable name is not valid UTF-8 (byte " + std::to_string(at) + ")");
}

}  // namespace

parsers::Guid EfiGlobalVariableGuid() { return *ParseGuid("8be4df61-93ca-11d2-aa0d-00e098032b8c"); }
parsers::Guid ImageSecurityDatabaseGuid() {
  return *ParseGuid("d719b2cb-3d3a-4596-a3bc-dad00e67656f");
}

Result<parsers::Guid> ParseGuid(std::string_view text) {
  // 8-4-4-4-12 hex digits; the first three fields are stored little-endian.
  auto bad = [&] {
    return Status(ErrorCode::kInvalidArgument,
                  "expected a GUID as 8-4-4-4-12 hex digits, got '" + std::string(text) + "'");
  };
  if (text.size() != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' ||
      text[23] != '-') {
    return bad();
  }
  std::string hex;
  for (char c : text) {
    if (c != '-') hex += c;
  }
  auto raw = FromHex(hex);
  if (!raw.ok() || raw->size() != 16) return bad();
  parsers::Guid g;
  const std::vector<uint8_t>& b = *raw;
  const size_t order[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  for (size_t i = 0; i < 16; ++i) g.bytes[i] = b[order[i]];
  return g;
}

Result<std::vector<uint8_t>> Utf8ToUtf16Le(std::string_view s) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i < s.size();) {
    const uint8_t c = uint8_t(s[i]);
    uint32_t cp = 0;
    size_t n = 0;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if ((c & 0xe0) == 0xc0) {
      cp = c & 0x1f;
      n = 2;
    } else if ((c & 0xf0) == 0xe0) {
      cp = c & 0x0f;
      n = 3;
    } else if ((c & 0xf8) == 0xf0) {
      cp = c & 0x07;
      n = 4;
    } else {
      return BadUtf8(i);
    }
    if (i + n > s.size()) return BadUtf8(i);
    for (size_t k = 1; k < n; ++k) {
      const uint8_t cc = uint8_t(s[i + k]);
      if ((cc & 0xc0) != 0x80) return BadUtf8(i + k);
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return BadUtf8(i);
    auto put = [&](uint32_t u) {
      out.push_back(uint8_t(u));
      out.push_back(uint8_t(u >> 8));
    };
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(0xd800 + (cp >> 10));
      put(0xdc00 + (cp & 0x3ff));
    } else {
      put(cp);
    }
    i += n;
  }
  return out;
}

Result<std::vector<uint8_t>> EncodeUefiVariableData(const parsers::Guid& guid,
                                                    std::string_view name_utf8, Bytes data) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> name, Utf8ToUtf16Le(name_utf8));
  std::vector<uint8_t> out(guid.bytes.begin(), guid.bytes.end());
  PutU64Le(name.size() / 2, &out);
  PutU64Le(data.size(), &out);
  out.insert(out.end(), name.begin(), name.end());
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

Result<PredictedEvent> VariableDriverConfigEvent(uint32_t pcr, const parsers::Guid& guid,
                                                 std::string_view name_utf8, Bytes data,
                                                 std::span<const HashAlg> algs) {
  PredictedEvent e;
  e.pcr = pcr;
  e.type = parsers::kEvEfiVariableDriverConfig;
  CCV_ASSIGN_OR_RETURN(e.data, EncodeUefiVariableData(guid, name_utf8, data));
  for (HashAlg alg : algs) e.digests.push_back(crypto::Hash(alg, e.data));
  e.description = std::string(name_utf8) + " variable";
  return e;
}

std::optional<bool> SecureBootEnabled(const parsers::VariableStore& store) {
  // EFI_SECURE_BOOT_ENABLE_DISABLE (EDK2 SecureBootConfigImpl).
  const parsers::Guid enable_guid = *ParseGuid("f0a30bc7-af08-4556-99c4-001009c93a44");
  const parsers::StoredVariable* pk = store.Find(EfiGlobalVariableGuid(), "PK");
  const parsers::StoredVariable* enable = store.Find(enable_guid, "SecureBootEnable");
  if (pk == nullptr && enable == nullptr) return std::nullopt;
  return pk != nullptr && !pk->data.empty() && enable != nullptr && enable->data.size() == 1 &&
         enable->data[0] == 1;
}

Result<std::vector<PredictedEvent>> SecureBootPolicyEvents(const parsers::VariableStore& store,
                                                           std::span<const HashAlg> algs) {
  const parsers::Guid global = EfiGlobalVariableGuid();
  const parsers::Guid security = ImageSecurityDatabaseGuid();
  const std::optional<bool> enabled = SecureBootEnabled(store);
  const uint8_t secure_boot = enabled.value_or(false) ? 1 : 0;
  std::vector<PredictedEvent> out;
  if (!enabled) {
    PredictedEvent sb;
    sb.pcr = 7;
    sb.type = parsers::kEvEfiVariableDriverConfig;
    sb.description = "SecureBoot variable";
    sb.predicted = false;
    sb.reason =
        "the store has neither PK nor SecureBootEnable: SecureBoot is 0 in a firmware built with "
        "Secure Boot support and absent (no data) in one built without it";
    out.push_back(std::move(sb));
  } else {
    CCV_ASSIGN_OR_RETURN(
        PredictedEvent sb,
        VariableDriverConfigEvent(7, global, "SecureBoot", Bytes(&secure_boot, 1), algs));
    out.push_back(std::move(sb));
  }
  const std::pair<const parsers::Guid*, const char*> vars[] = {
      {&global, "PK"}, {&global, "KEK"}, {&security, "db"}, {&security, "dbx"}};
  for (const auto& [guid, name] : vars) {
    const parsers::StoredVariable* v = store.Find(*guid, name);
    CCV_ASSIGN_OR_RETURN(PredictedEvent e,
                         VariableDriverConfigEvent(7, *guid, name, v ? v->data : Bytes{}, algs));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ccv::predict
