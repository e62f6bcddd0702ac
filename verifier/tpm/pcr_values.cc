#include "verifier/tpm/pcr_values.h"

#include <string>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/hex.h"
#include "parsers/core/register_id.h"

namespace ccv::tpm {

namespace {

constexpr size_t kMaxPcrsJson = 1 << 20;

Result<uint32_t> ParsePcrIndex(std::string_view s) {
  if (s.substr(0, 3) == "pcr") s.remove_prefix(3);
  if (s.empty() || s.size() > 2) return Status(ErrorCode::kBadValue, "");
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Status(ErrorCode::kBadValue, "");
    v = v * 10 + uint32_t(c - '0');
  }
  if (v >= kNumPcrs || (s.size() == 2 && s[0] == '0')) return Status(ErrorCode::kBadValue, "");
  return v;
}

}  // namespace

std::optional<Digest> PcrValues::Get(HashAlg bank, uint32_t index) const {
  auto it = banks_.find(bank);
  if (it == banks_.end()) return std::nullopt;
  auto jt = it->second.find(index);
  if (jt == it->second.end()) return std::nullopt;
  return jt->second;
}

Result<PcrValues> ParsePcrValuesJson(std::string_view text) {
  if (text.size() > kMaxPcrsJson) {
    return Status(ErrorCode::kLimitExceeded, "PCR values JSON above 1 MiB");
  }
  rapidjson::Document doc;
  doc.Parse(text.data(), text.size());
  if (doc.HasParseError()) {
    return ParseError(
        ErrorCode::kBadValue, doc.GetErrorOffset(), "",
        std::string("malformed JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) {
    return Status(ErrorCode::kBadValue,
                  "expected an object {\"sha256\": {\"0\": \"hex\", ...}, ...}");
  }
  PcrValues out;
  const rapidjson::Value& root = doc;
  for (auto bank_it = root.MemberBegin(); bank_it != root.MemberEnd(); ++bank_it) {
    const auto& bank = *bank_it;
    std::string bank_name(bank.name.GetString(), bank.name.GetStringLength());
    std::optional<HashAlg> alg = HashAlgFromName(bank_name);
    if (!alg) {
      return Status(ErrorCode::kBadValue, "unknown bank '" + bank_name + "'").WithField(bank_name);
    }
    if (!bank.value.IsObject()) {
      return Status(ErrorCode::kBadValue, "expected an object of PCR index -> hex")
          .WithField(bank_name);
    }
    for (auto pcr_it = bank.value.MemberBegin(); pcr_it != bank.value.MemberEnd(); ++pcr_it) {
      const auto& pcr = *pcr_it;
      std::string key(pcr.name.GetString(), pcr.name.GetStringLength());
      std::string field = bank_name + "." + key;
      auto index = ParsePcrIndex(key);
      if (!index.ok()) {
        return Status(ErrorCode::kBadValue, "PCR index must be 0..23").WithField(field);
      }
      if (!pcr.value.IsString()) {
        return Status(ErrorCode::kBadValue, "expected a hex string").WithField(field);
      }
      Digest d = Digest::Zero(*alg);
      std::string_view hex(pcr.value.GetString(), pcr.value.GetStringLength());
      if (hex.size() != 2 * d.len || !DecodeHexInto(hex, d.mutable_span())) {
        return Status(ErrorCode::kBadValue,
                      "expected " + std::to_string(d.len) + " bytes of hex for " + bank_name)
            .WithField(field);
      }
      if (out.Get(*alg, *index)) {
        return Status(ErrorCode::kBadValue, "PCR given twice").WithField(field);
      }
      out.Set(*index, d);
    }
  }
  return out;
}

PcrValues PcrValuesFromRegisters(const replay::RegisterSet& regs) {
  PcrValues out;
  for (const auto& [reg, banks] : regs.registers()) {
    if (reg.kind != RegisterId::Kind::kPcr || reg.index >= kNumPcrs) continue;
    for (const auto& [alg, d] : banks) out.Set(reg.index, d);
  }
  return out;
}

Digest InitialPcrValue(HashAlg bank, uint32_t index, uint8_t startup_locality) {
  if (index >= 17 && index <= 22) return Digest::Filled(bank, 0xff);
  Digest d = Digest::Zero(bank);
  if (index == 0 && startup_locality != 0) d.bytes[d.len - 1] = startup_locality;
  return d;
}

}  // namespace ccv::tpm
