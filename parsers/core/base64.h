// Base64 (RFC 4648 §4) and base64url (§5) encoding and decoding.
// Thread-safe: pure functions.
#ifndef CCV_PARSERS_CORE_BASE64_H_
#define CCV_PARSERS_CORE_BASE64_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccv {

// Standard alphabet with '=' padding.
std::string Base64Encode(std::span<const uint8_t> data);
// Standard alphabet, trailing '=' optional; nullopt on a character outside
// the alphabet or a length no encoding has.
std::optional<std::vector<uint8_t>> Base64Decode(std::string_view text);

// URL-safe alphabet without padding, as JOSE writes it (RFC 7515 §2).
std::string Base64UrlEncode(std::span<const uint8_t> data);
// Strict base64url without padding (RFC 7515 §2): nullopt on '=' or any
// character outside the URL-safe alphabet, a length no encoding has, or
// unused low bits that are not zero, so that each byte string has exactly
// one encoding and no character can change without changing the bytes.
std::optional<std::vector<uint8_t>> Base64UrlDecode(std::string_view text);

}  // namespace ccv

#endif  // CCV_PARSERS_CORE_BASE64_H_
