// UEFI values as text (UEFI 2.10): EFI_GUID in its registry form and the
// names of well-known ones, CHAR16 (UTF-16LE) strings as UTF-8, and the text
// of action-like event data. No structure is parsed here (uefi_event.h
// decodes the structures and uses these for their strings). Thread-safe: pure
// functions.
#ifndef CCV_PARSERS_UEFI_TEXT_H_
#define CCV_PARSERS_UEFI_TEXT_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"

namespace ccv::parsers {

// EFI_GUID in its in-memory layout (first three fields little-endian).
struct Guid {
  std::array<uint8_t, 16> bytes{};
  // "8be4df61-93ca-11d2-aa0d-00e098032b8c" (lowercase).
  std::string ToString() const;
  bool operator==(const Guid&) const = default;
};
// A short name for well-known GUIDs ("EFI_GLOBAL_VARIABLE", ...), or "".
std::string_view GuidName(const Guid& guid);

// Appends code point `cp` to `out` as UTF-8.
void AppendUtf8(uint32_t cp, std::string* out);

// UTF-16LE (as UEFI stores CHAR16 strings) to UTF-8; stops at a NUL. Bad
// surrogates become U+FFFD; an odd last byte is ignored.
std::string Utf16LeToUtf8(Bytes utf16);

// The text of an EV_IPL / EV_EFI_ACTION / EV_ACTION-like event: ASCII (NULs at
// the end cut) or UTF-16LE when it looks like it; empty if not text.
// E.g. grub's "grub_cmd: linux ..." and "kernel_cmdline: ...".
std::string EventText(Bytes data);
// True if `data` is non-empty printable ASCII (tab, CR and LF allowed).
bool IsPrintableAscii(Bytes data);
// `data` without its trailing NUL bytes.
Bytes TrimTrailingNuls(Bytes data);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_UEFI_TEXT_H_
