#include "verifier/replay/internal/event_conventions.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>
#include <string_view>

#include "parsers/core/hex.h"
#include "parsers/event_types.h"
#include "parsers/tcg_event_data.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_text.h"

namespace ccv::replay::internal {
namespace {

namespace p = parsers;

constexpr uint8_t kNul[1] = {0};

void Add(Candidates* out, DigestConvention conv, Bytes data, size_t offset, size_t len,
         Bytes suffix = {}) {
  if (out->num == out->list.size()) return;
  Candidate& c = out->list[out->num++];
  c.convention = conv;
  c.a = data.subspan(offset, len);
  c.b = suffix;
  c.covered_offset = offset;
  c.covered_len = len;
}

// Where VariableData sits in a UEFI_VARIABLE_DATA (PFP 10.4.2).
struct VariableData {
  size_t data_offset = 0;
  size_t data_len = 0;
  size_t end = 0;  // end of the structure; the event data may hold more
};
std::optional<VariableData> ParseVariableData(Bytes data) {
  Result<p::UefiVariableData> v = p::ParseUefiVariableData(data, 0);
  if (!v.ok()) return std::nullopt;
  VariableData out;
  out.data_offset = size_t(v->variable_data_offset);
  out.data_len = v->variable_data.size();
  out.end = data.size() - v->trailing.size();
  return out;
}

// A DER SEQUENCE with a two-byte length that fills `b` exactly (an X.509
// certificate as shim logs it, without the EFI_SIGNATURE_DATA owner GUID).
bool IsBareDerCertificate(Bytes b) {
  return b.size() >= 4 && b[0] == 0x30 && b[1] == 0x82 &&
         size_t((b[2] << 8) | b[3]) + 4 == b.size();
}

// GRUB's measured-string prefixes: grub-core/commands/tpm.c (grub_cmd,
// kernel_cmdline, module_cmdline) and the older Fedora/RHEL patch
// (0224-Rework-TPM-measurements.patch: "grub_cmd ", "grub_kernel_cmdline ").
constexpr std::string_view kGrubPrefixes[] = {
    "grub_cmd: ", "kernel_cmdline: ", "module_cmdline: ", "grub_kernel_cmdline ", "grub_cmd "};

size_t GrubPrefixLen(Bytes data) {
  for (std::string_view pre : kGrubPrefixes) {
    if (data.size() >= pre.size() && std::memcmp(data.data(), pre.data(), pre.size()) == 0) {
      return pre.size();
    }
  }
  return 0;
}

// td-shim TD_SHIM_PLATFORM_CONFIG_INFO descriptors (td-shim
// td-shim/src/event_log.rs), NUL padded to 16 bytes.
constexpr std::string_view kTdShimDescriptors[] = {"td_hob", "td_payload_info", "secure_policy_db",
                                                   "secure_authority", "td_payload_svn"};
// A TD_SHIM_PLATFORM_CONFIG_INFO with a known descriptor (named in
// `out_descriptor`): where its info is.
std::optional<p::TdShimPlatformConfigInfo> TdShimConfigInfo(Bytes data,
                                                            std::string_view* out_descriptor) {
  Result<p::TdShimPlatformConfigInfo> c = p::ParseTdShimPlatformConfigInfo(data, 0);
  if (!c.ok()) return std::nullopt;
  for (std::string_view d : kTdShimDescriptors) {
    std::array<uint8_t, 16> want = {};
    std::memcpy(want.data(), d.data(), d.size());
    if (want == c->descriptor) {
      *out_descriptor = d;
      return *c;
    }
  }
  return std::nullopt;
}

bool PrintableCodePoint(uint32_t cp) {
  if (cp == '\t' || cp == '\n' || cp == '\r') return true;
  if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0)) return false;
  return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

// Every UTF-16LE code unit is an ASCII character (or NUL). Text in UTF-16 is
// only recognised in this form: binary data read as UTF-16 is too often
// "printable" (a GUID decodes to CJK characters).
bool IsAsciiUtf16(Bytes data) {
  if (data.size() % 2 != 0) return false;
  for (size_t i = 1; i < data.size(); i += 2) {
    if (data[i] != 0 || data[i - 1] >= 0x80) return false;
  }
  return true;
}

// ASCII text in UTF-16LE, at least one printable character, and exactly one
// NUL terminator at the end (the form systemd logs).
bool IsTerminatedUtf16Text(Bytes data) {
  if (!IsAsciiUtf16(data)) return false;
  if (data.size() < 4 || data.size() % 2 != 0) return false;
  if (data[data.size() - 2] != 0 || data[data.size() - 1] != 0) return false;
  Bytes body = data.first(data.size() - 2);
  ByteReader r(body);
  while (!r.Empty()) {
    Result<uint16_t> c = r.ReadU16Le("char16");
    if (!c.ok() || *c == 0) return false;
  }
  return !Utf16Text(body).empty();
}

}  // namespace

bool IsPrintableUtf8(Bytes s) {
  if (s.empty()) return false;
  size_t i = 0;
  while (i < s.size()) {
    uint8_t c = s[i];
    uint32_t cp;
    size_t n;
    if (c < 0x80) {
      cp = c;
      n = 1;
    } else if (c >= 0xC2 && c <= 0xDF) {
      cp = c & 0x1F;
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      cp = c & 0x0F;
      n = 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      cp = c & 0x07;
      n = 4;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    // Overlong forms.
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return false;
    if (!PrintableCodePoint(cp)) return false;
    i += n;
  }
  return true;
}

std::string AsciiText(Bytes data) {
  size_t n = data.size();
  while (n > 0 && data[n - 1] == 0) --n;
  Bytes t = data.first(n);
  if (!IsPrintableUtf8(t)) return "";
  return std::string(t.begin(), t.end());
}

std::string Utf16Text(Bytes data) {
  if (data.size() % 2 != 0) return "";
  std::string out;
  ByteReader r(data);
  while (!r.Empty()) {
    Result<uint16_t> unit = r.ReadU16Le("char16");  // the size is even
    if (!unit.ok() || *unit == 0) break;
    uint32_t u = *unit;
    if (u >= 0xD800 && u <= 0xDBFF) {
      Result<uint16_t> lo = r.ReadU16Le("char16");
      if (!lo.ok() || *lo < 0xDC00 || *lo > 0xDFFF) return "";
      u = 0x10000 + ((u - 0xD800) << 10) + (*lo - 0xDC00);
    }
    if (!PrintableCodePoint(u)) return "";
    p::AppendUtf8(u, &out);
  }
  if (!AllBytesEqual(r.Rest(), 0)) return "";
  return out;
}

void ListCandidates(uint32_t type, Bytes data, Candidates* out) {
  out->required = false;
  out->num = 0;
  const size_t n = data.size();
  switch (type) {
    case p::kEvSeparator:
    case p::kEvAction:
    case p::kEvEfiAction:
    case p::kEvEfiGptEvent:
    case p::kEvEfiGptEvent2:
    case p::kEvSCrtmVersion:
    case p::kEvOmitBootDeviceEvents:
    case p::kEvEfiVariableBoot2:
      out->required = true;
      Add(out, DigestConvention::kPfp, data, 0, n);
      return;
    case p::kEvEfiVariableDriverConfig:
    case p::kEvEfiVariableBoot: {
      out->required = true;
      Add(out, DigestConvention::kPfp, data, 0, n);
      if (std::optional<VariableData> v = ParseVariableData(data)) {
        Add(out, DigestConvention::kVariableDataOnly, data, v->data_offset, v->data_len);
      }
      return;
    }
    case p::kEvEfiVariableAuthority: {
      out->required = true;
      Add(out, DigestConvention::kPfp, data, 0, n);
      std::optional<VariableData> v = ParseVariableData(data);
      if (v && v->end < n && IsBareDerCertificate(data.subspan(v->data_offset, v->data_len))) {
        Add(out, DigestConvention::kShimExtraByte, data, 0, n - 1);
      }
      return;
    }
    case p::kEvIpl: {
      if (size_t pre = GrubPrefixLen(data)) {
        out->required = true;
        if (n > pre && data[n - 1] == 0) {
          Add(out, DigestConvention::kGrubString, data, pre, n - pre - 1);
          Add(out, DigestConvention::kGrubStringNul, data, pre, n - pre);
        } else {
          Add(out, DigestConvention::kGrubString, data, pre, n - pre);
        }
        return;
      }
      if (IsTerminatedUtf16Text(data)) {
        Add(out, DigestConvention::kSystemdUtf16, data, 0, n);
        Add(out, DigestConvention::kSystemdUtf16NoNul, data, 0, n - 2);
        {
          out->owned.clear();
          // One byte per character, the terminator included.
          for (size_t i = 0; i < n; i += 2) out->owned.push_back(data[i]);
          Candidate& c = out->list[out->num++];
          c.convention = DigestConvention::kSystemdSectionName;
          c.a = out->owned;
          c.b = {};
          c.covered_offset = 0;
          c.covered_len = n;
        }
        return;
      }
      Add(out, DigestConvention::kEventData, data, 0, n);
      if (n >= 3 && n % 2 == 1 && data[n - 1] == 0 && IsAsciiUtf16(data.first(n - 1)) &&
          !Utf16Text(data.first(n - 1)).empty() && !AllBytesEqual(data.subspan(n - 3, 2), 0)) {
        Add(out, DigestConvention::kSystemdUtf16ShortNul, data, 0, n, Bytes(kNul, 1));
      }
      return;
    }
    case p::kEvPlatformConfigFlags: {
      std::string_view descriptor;
      if (std::optional<p::TdShimPlatformConfigInfo> c = TdShimConfigInfo(data, &descriptor)) {
        out->required = true;
        Add(out, DigestConvention::kTdShimConfigInfo, data, size_t(c->info_offset), c->info.size());
      } else {
        Add(out, DigestConvention::kEventData, data, 0, n);
      }
      return;
    }
    case p::kEvEventTag:
    case p::kEvCompactHash:
    case p::kEvNonhostConfig:
    case p::kEvNonhostInfo:
    case p::kEvTableOfDevices:
      Add(out, DigestConvention::kEventData, data, 0, n);
      return;
    default:
      return;
  }
}

std::string VerifiedText(DigestConvention c, uint32_t type, Bytes data) {
  switch (c) {
    case DigestConvention::kPfp:
      if (type == p::kEvAction || type == p::kEvEfiAction || type == p::kEvOmitBootDeviceEvents) {
        return AsciiText(data);
      }
      if (type == p::kEvSCrtmVersion) {
        return IsAsciiUtf16(data) ? Utf16Text(data) : AsciiText(data);
      }
      return "";
    case DigestConvention::kEventData:
      return IsAsciiUtf16(data) ? Utf16Text(data) : AsciiText(data);
    case DigestConvention::kGrubString:
    case DigestConvention::kGrubStringNul: {
      Bytes t = !data.empty() && data.back() == 0 ? data.first(data.size() - 1) : data;
      return IsPrintableUtf8(t) ? std::string(t.begin(), t.end()) : "";
    }
    case DigestConvention::kSystemdUtf16:
    case DigestConvention::kSystemdUtf16NoNul:
    case DigestConvention::kSystemdSectionName:
      return Utf16Text(data);
    case DigestConvention::kSystemdUtf16ShortNul:
      return data.size() % 2 == 0 ? "" : Utf16Text(data.first(data.size() - 1));
    case DigestConvention::kTdShimConfigInfo: {
      std::string_view descriptor;
      std::optional<p::TdShimPlatformConfigInfo> c = TdShimConfigInfo(data, &descriptor);
      if (!c || descriptor != "td_payload_info") return "";
      return AsciiText(c->info);
    }
    default:
      return "";
  }
}

}  // namespace ccv::replay::internal
