#include "verifier/replay/ima_state.h"

#include <charconv>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {
namespace {

constexpr std::string_view kMagic = "ccverify-ima-state 1";
constexpr std::string_view kMacPrefix = "mac hmac-sha256:";

std::string DigestText(const Digest& d) {
  return std::string(HashAlgName(d.alg)) + ":" + ToHex(d.span());
}

// The lines of a state, in order: "key value".
class Lines {
 public:
  explicit Lines(std::string_view text) : text_(text) {}

  // The value of the next line, which must be `key`. Errors: kBadValue.
  Result<std::string_view> Next(std::string_view key) {
    const size_t line_no = ++line_;
    if (text_.empty()) return Bad(key, line_no, "missing");
    size_t end = text_.find('\n');
    std::string_view line = text_.substr(0, end);
    text_ = end == std::string_view::npos ? std::string_view() : text_.substr(end + 1);
    if (!line.starts_with(key) || line.size() <= key.size() || line[key.size()] != ' ') {
      return Bad(key, line_no, "expected '" + std::string(key) + " VALUE'");
    }
    return line.substr(key.size() + 1);
  }
  bool PeekIs(std::string_view key) const {
    return text_.starts_with(key) && text_.size() > key.size() && text_[key.size()] == ' ';
  }
  bool Done() const { return text_.empty(); }
  size_t line() const { return line_; }

  static Status Bad(std::string_view key, size_t line_no, const std::string& why) {
    return Status(ErrorCode::kBadValue, "IMA state line " + std::to_string(line_no) + " (" +
                                            std::string(key) + "): " + why)
        .WithField(std::string(key));
  }

 private:
  std::string_view text_;
  size_t line_ = 0;
};

Result<uint64_t> ParseU64(Lines* lines, std::string_view key) {
  CCV_ASSIGN_OR_RETURN(std::string_view v, lines->Next(key));
  uint64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty() ||
      (v.size() > 1 && v[0] == '0')) {
    return Lines::Bad(key, lines->line(), "expected a decimal number");
  }
  // No list has 2^48 bytes or entries; the bound keeps sums of counts exact.
  if (n > kMaxImaStateCount) {
    return Lines::Bad(key, lines->line(), "larger than " + std::to_string(kMaxImaStateCount));
  }
  return n;
}

Result<Digest> ParseDigest(std::string_view v, std::string_view key, size_t line) {
  const size_t colon = v.find(':');
  std::optional<HashAlg> alg =
      colon == std::string_view::npos ? std::nullopt : HashAlgFromName(v.substr(0, colon));
  if (!alg) return Lines::Bad(key, line, "expected ALG:HEX");
  Result<std::vector<uint8_t>> bytes = FromHex(v.substr(colon + 1));
  std::optional<Digest> d = bytes.ok() ? Digest::FromBytes(*alg, *bytes) : std::optional<Digest>();
  if (!d) return Lines::Bad(key, line, "not a " + std::string(HashAlgName(*alg)) + " digest");
  return *d;
}

Result<Digest> NextDigest(Lines* lines, std::string_view key) {
  CCV_ASSIGN_OR_RETURN(std::string_view v, lines->Next(key));
  return ParseDigest(v, key, lines->line());
}

}  // namespace

std::string SerializeImaState(const ImaState& s, std::span<const uint8_t> key) {
  std::string t;
  t += kMagic;
  t += "\nformat " + s.format;
  t += "\nregister " + s.reg.Name();
  t += "\nlisted_alg " + std::string(HashAlgName(s.listed_alg));
  t += std::string("\nendian ") + (s.big_endian ? "big" : "little");
  t += "\nentries " + std::to_string(s.entries);
  t += "\noffset " + std::to_string(s.offset);
  t += "\nline " + std::to_string(s.line);
  t += "\nanchor_offset " + std::to_string(s.anchor_offset);
  t += "\nanchor " + DigestText(s.anchor);
  t += "\nboot " + DigestText(s.boot);
  for (const Digest& v : s.values) t += "\nvalue " + DigestText(v);
  // Free text as hex: the format stays one token per field.
  t += "\nboot_aggregate " + s.boot_aggregate + ":" + ToHex(AsBytes(s.boot_aggregate_detail));
  t += "\n";
  const std::string mac = ToHex(crypto::HmacSha256(key, AsBytes(t)).span());
  t += kMacPrefix;
  t += mac + "\n";
  return t;
}

Result<ImaState> ParseImaState(std::string_view text, std::span<const uint8_t> key) {
  if (text.size() > kMaxImaStateLen) {
    return Status(ErrorCode::kLimitExceeded,
                  "IMA state larger than " + std::to_string(kMaxImaStateLen) + " bytes");
  }
  // The MAC line closes the file; everything before it is what it covers.
  const size_t mac_at = text.rfind(std::string("\n") + std::string(kMacPrefix));
  if (mac_at == std::string_view::npos || !text.ends_with("\n")) {
    return Status(ErrorCode::kBadSignature, "IMA state has no MAC line: not a state, or cut off");
  }
  const std::string_view covered = text.substr(0, mac_at + 1);
  const std::string_view mac_hex = text.substr(mac_at + 1 + kMacPrefix.size(),
                                               text.size() - (mac_at + 1 + kMacPrefix.size()) - 1);
  Result<std::vector<uint8_t>> mac = FromHex(mac_hex);
  const Digest expected = crypto::HmacSha256(key, AsBytes(covered));
  if (!mac.ok() || !crypto::ConstantTimeEqual(*mac, expected.span())) {
    return Status(ErrorCode::kBadSignature,
                  "IMA state MAC does not verify with the --state-key key: the state was "
                  "changed, or written under another key");
  }
  // Authentic from here; the fields are still read strictly.
  Lines lines(covered);
  ImaState s;
  {
    const size_t end = covered.find('\n');
    if (covered.substr(0, end) != kMagic) {
      return Lines::Bad("magic", 1, "expected '" + std::string(kMagic) + "'");
    }
    (void)lines.Next("ccverify-ima-state");
  }
  CCV_ASSIGN_OR_RETURN(std::string_view format, lines.Next("format"));
  if (format != "ima-ascii" && format != "ima-binary") {
    return Lines::Bad("format", lines.line(), "expected ima-ascii or ima-binary");
  }
  s.format = std::string(format);
  CCV_ASSIGN_OR_RETURN(std::string_view reg, lines.Next("register"));
  Result<RegisterId> r = RegisterId::Parse(reg);
  if (!r.ok()) return Lines::Bad("register", lines.line(), "not a register name");
  s.reg = *r;
  CCV_ASSIGN_OR_RETURN(std::string_view listed, lines.Next("listed_alg"));
  std::optional<HashAlg> la = HashAlgFromName(listed);
  if (!la) return Lines::Bad("listed_alg", lines.line(), "not a hash algorithm");
  s.listed_alg = *la;
  CCV_ASSIGN_OR_RETURN(std::string_view endian, lines.Next("endian"));
  if (endian != "little" && endian != "big") {
    return Lines::Bad("endian", lines.line(), "expected little or big");
  }
  s.big_endian = endian == "big";
  CCV_ASSIGN_OR_RETURN(s.entries, ParseU64(&lines, "entries"));
  CCV_ASSIGN_OR_RETURN(s.offset, ParseU64(&lines, "offset"));
  CCV_ASSIGN_OR_RETURN(s.line, ParseU64(&lines, "line"));
  CCV_ASSIGN_OR_RETURN(s.anchor_offset, ParseU64(&lines, "anchor_offset"));
  if (s.entries == 0 || s.anchor_offset >= s.offset) {
    return Lines::Bad("anchor_offset", lines.line(),
                      "the state must end after at least one entry before its offset");
  }
  CCV_ASSIGN_OR_RETURN(s.anchor, NextDigest(&lines, "anchor"));
  CCV_ASSIGN_OR_RETURN(s.boot, NextDigest(&lines, "boot"));
  while (lines.PeekIs("value")) {
    CCV_ASSIGN_OR_RETURN(Digest v, NextDigest(&lines, "value"));
    s.values.push_back(v);
  }
  if (s.values.empty()) return Lines::Bad("value", lines.line() + 1, "no register value");
  CCV_ASSIGN_OR_RETURN(std::string_view ba, lines.Next("boot_aggregate"));
  const size_t colon = ba.find(':');
  Result<std::vector<uint8_t>> detail =
      colon == std::string_view::npos
          ? Result<std::vector<uint8_t>>(Status(ErrorCode::kBadValue, ""))
          : FromHex(ba.substr(colon + 1));
  s.boot_aggregate = std::string(ba.substr(0, colon));
  if (!detail.ok() ||
      (s.boot_aggregate != "pass" && s.boot_aggregate != "fail" && s.boot_aggregate != "skipped")) {
    return Lines::Bad("boot_aggregate", lines.line(), "expected pass|fail|skipped:HEX");
  }
  s.boot_aggregate_detail = std::string(AsChars(*detail));
  if (!lines.Done()) return Lines::Bad("end", lines.line() + 1, "unexpected line");
  return s;
}

Digest BootRegistersDigest(const RegisterSet& regs) {
  std::string t;
  for (const auto& [reg, banks] : regs.registers()) {
    for (const auto& [alg, value] : banks) t += reg.Name() + " " + DigestText(value) + "\n";
  }
  return crypto::Hash(HashAlg::kSha256, AsBytes(t));
}

}  // namespace ccv::replay
