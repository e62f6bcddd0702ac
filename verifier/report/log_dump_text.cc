#include "verifier/report/log_dump_text.h"

#include <cstdio>
#include <variant>
#include <vector>

#include "parsers/core/hex.h"

namespace ccv::report {

void HexDump(Bytes data, std::string* out) {
  static const char* kHex = "0123456789abcdef";
  char line[96];
  for (size_t i = 0; i < data.size(); i += 16) {
    int n = std::snprintf(line, sizeof(line), "    %08zx  ", i);
    std::string s(line, size_t(n));
    for (size_t j = 0; j < 16; ++j) {
      if (i + j < data.size()) {
        s.push_back(kHex[data[i + j] >> 4]);
        s.push_back(kHex[data[i + j] & 15]);
        s.push_back(' ');
      } else {
        s += "   ";
      }
      if (j == 7) s.push_back(' ');
    }
    s += " |";
    for (size_t j = 0; j < 16 && i + j < data.size(); ++j) {
      uint8_t c = data[i + j];
      s.push_back(c >= 0x20 && c < 0x7f ? char(c) : '.');
    }
    s += "|\n";
    *out += s;
  }
}

void DetailText(const EventDetail& d, std::string* out) {
  for (const EventField& f : d.fields) {
    *out += "  " + f.key + ": ";
    if (const auto* s = std::get_if<std::string>(&f.value)) {
      *out += *s + "\n";
    } else if (const auto* n = std::get_if<uint64_t>(&f.value)) {
      *out += std::to_string(*n) + "\n";
    } else if (const auto* list = std::get_if<std::vector<std::string>>(&f.value)) {
      *out += std::to_string(list->size()) + " entries\n";
      for (const std::string& item : *list) *out += "    - " + item + "\n";
    } else {
      const auto& recs = std::get<std::vector<FieldRecord>>(f.value);
      *out += std::to_string(recs.size()) + " entries\n";
      for (const FieldRecord& rec : recs) {
        const char* lead = "    - ";
        for (const auto& [k, v] : rec) {
          *out += lead + k + ": " + v + "\n";
          lead = "      ";
        }
      }
    }
  }
  if (!d.error.empty()) *out += "  decode error: " + d.error + "\n";
}

std::string TcgEventText(const parsers::TcgEvent& e, bool ccel, std::string_view reg,
                         std::string_view type, const replay::EventDataCheck* check,
                         const EventDetail& detail) {
  char head[160];
  std::snprintf(
      head, sizeof(head), "\n#%llu  offset %llu (0x%llx)  %s %u%s%.*s%s  ",
      static_cast<unsigned long long>(e.record), static_cast<unsigned long long>(e.offset),
      static_cast<unsigned long long>(e.offset), ccel ? "MR" : "PCR", e.untrusted_pcr_index,
      reg.empty() ? "" : " (", int(reg.size()), reg.data(), reg.empty() ? "" : ")");
  std::string text = head;
  text += type;
  text += "  " + std::to_string(e.data.size()) + " bytes\n";
  for (uint32_t i = 0; i < e.num_digests; ++i) {
    char d[16];
    std::snprintf(d, sizeof(d), "  %-8s", AlgIdName(e.digests[i].algorithm_id).c_str());
    text += d;
    AppendHex(e.digests[i].digest, &text);
    text += "\n";
  }
  if (check != nullptr && check->status != replay::DigestCheck::kNotCheckable) {
    text += "  digest check: " + std::string(replay::DigestCheckName(check->status));
    if (check->status == replay::DigestCheck::kVerified) {
      text += " (" + std::string(replay::DigestConventionName(check->convention)) + ")";
    }
    text += "\n";
    if (!check->verified_text.empty()) text += "  verified text: " + check->verified_text + "\n";
  }
  DetailText(detail, &text);
  if (!e.data.empty()) {
    text += "  data:\n";
    HexDump(e.data, &text);
  }
  return text;
}

}  // namespace ccv::report
