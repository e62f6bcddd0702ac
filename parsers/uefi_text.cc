#include "parsers/uefi_text.h"

#include "parsers/core/hex.h"
#include "parsers/uefi_event_format.h"

namespace ccv::parsers {
namespace {

namespace uf = uefi_format;

struct KnownGuid {
  const char* text;
  std::string_view name;
};
constexpr KnownGuid kKnownGuids[] = {
    {"8be4df61-93ca-11d2-aa0d-00e098032b8c", "EFI_GLOBAL_VARIABLE"},
    {"d719b2cb-3d3a-4596-a3bc-dad00e67656f", "EFI_IMAGE_SECURITY_DATABASE"},
    {"605dab50-e046-4300-abb6-3dd810dd8b23", "SHIM_LOCK"},
    {"a5c059a1-94e4-4aa7-87b5-ab155c2bf072", "EFI_CERT_X509"},
    {"c1c41626-504c-4092-aca9-41f936934328", "EFI_CERT_SHA256"},
    {"8868e871-e4f1-11d3-bc22-0080c73c8881", "EFI_ACPI_20_TABLE"},
    {"eb9d2d30-2d88-11d3-9a16-0090273fc14d", "ACPI_TABLE"},
    {"eb9d2d31-2d88-11d3-9a16-0090273fc14d", "SMBIOS_TABLE"},
    {"f2fd1544-9794-4a2c-992e-e5bbcf20e394", "SMBIOS3_TABLE"},
    {"4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", "LOADER_INTERFACE (systemd-boot)"},
    {"1428f772-b64a-441e-b8c3-9ebdd7f893c7", "QEMU_KERNEL_LOADER_FS_MEDIA"},
    {"77fa9abd-0359-4d32-bd60-28f4e78f784b", "MICROSOFT_VENDOR"},
    {"3c5766e8-269c-4e34-aa14-ed776e85b3b6", "EFI_CERT_RSA2048"},
    {"826ca512-cf10-4ac9-b187-be01496631bd", "EFI_CERT_SHA1"},
    {"0b6e5233-a65c-44c9-9407-d9ab83bfc8bd", "EFI_CERT_SHA224"},
    {"ff3e5307-9fd0-48c9-85f1-8ad56c701e01", "EFI_CERT_SHA384"},
    {"093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", "EFI_CERT_SHA512"},
    {"3bd2a492-96c0-4079-b420-fcf98ef103ed", "EFI_CERT_X509_SHA256"},
};

}  // namespace

std::string Guid::ToString() const {
  // Data1-3 are little-endian, Data4 is a byte array (UEFI 2.10 Appendix A).
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  static const char* kHex = "0123456789abcdef";
  std::string s;
  s.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back('-');
    uint8_t b = bytes[size_t(kOrder[i])];
    s.push_back(kHex[b >> 4]);
    s.push_back(kHex[b & 15]);
  }
  return s;
}

std::string_view GuidName(const Guid& guid) {
  std::string s = guid.ToString();
  for (const KnownGuid& k : kKnownGuids) {
    if (s == k.text) return k.name;
  }
  return {};
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(char(cp));
  } else if (cp < 0x800) {
    out->push_back(char(0xC0 | (cp >> 6)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(char(0xE0 | (cp >> 12)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(char(0xF0 | (cp >> 18)));
    out->push_back(char(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(char(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(char(0x80 | (cp & 0x3F)));
  }
}

std::string Utf16LeToUtf8(Bytes utf16) {
  std::string out;
  ByteReader r(utf16);
  while (r.Remaining() >= uf::kChar16Len) {
    uint32_t c = *r.ReadU16Le("char16");
    if (c == 0) break;
    if (c >= 0xD800 && c < 0xDC00 && r.Remaining() >= uf::kChar16Len) {
      ByteReader low_reader = r;
      uint32_t low = *low_reader.ReadU16Le("char16");
      if (low >= 0xDC00 && low < 0xE000) {
        AppendUtf8(0x10000 + ((c - 0xD800) << 10) + (low - 0xDC00), &out);
        r = low_reader;
        continue;
      }
    }
    AppendUtf8(c >= 0xD800 && c < 0xE000 ? 0xFFFD : c, &out);
  }
  return out;
}

bool IsPrintableAscii(Bytes data) {
  if (data.empty()) return false;
  for (uint8_t c : data) {
    if (!(c >= 0x20 && c < 0x7f) && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

Bytes TrimTrailingNuls(Bytes data) {
  while (!data.empty() && data.back() == 0) data = data.first(data.size() - 1);
  return data;
}

std::string EventText(Bytes data) {
  Bytes t = TrimTrailingNuls(data);
  if (t.empty()) return {};
  if (IsPrintableAscii(t)) return std::string(AsChars(t));
  // UTF-16LE: even length (after restoring a cut NUL high byte), ASCII in the
  // low bytes, zero high bytes.
  Bytes u = data;
  while (u.size() >= 2 && u[u.size() - 1] == 0 && u[u.size() - 2] == 0) u = u.first(u.size() - 2);
  if (u.size() >= 2 && u.size() % 2 == 0) {
    bool utf16 = true;
    for (size_t i = 0; i < u.size(); i += 2) {
      if (u[i + 1] != 0 || u[i] == 0) {
        utf16 = false;
        break;
      }
    }
    if (utf16) {
      std::string s = Utf16LeToUtf8(u);
      if (IsPrintableAscii(AsBytes(s))) return s;
    }
  }
  return {};
}

}  // namespace ccv::parsers
