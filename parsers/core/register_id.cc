#include "parsers/core/register_id.h"

namespace ccv {
namespace {

// The TDX CC MR index of MRTD and of RTMR0 (UEFI 2.10 section 38).
constexpr uint32_t kMrIndexMrtd = 0;
constexpr uint32_t kMrIndexFirstRtmr = 1;

// The decimal index after a name's prefix: digits only, no leading zero, at
// most `limit` - 1.
std::optional<uint32_t> ParseIndex(std::string_view digits, uint32_t limit) {
  if (digits.empty() || digits.size() > 2 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  uint32_t v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + uint32_t(c - '0');
  }
  if (v >= limit) return std::nullopt;
  return v;
}

}  // namespace

std::optional<RegisterId> RegisterId::FromCcMrIndex(uint32_t mr_index) {
  if (mr_index == kMrIndexMrtd) return Mrtd();
  if (mr_index - kMrIndexFirstRtmr < kNumRtmrs) return Rtmr(mr_index - kMrIndexFirstRtmr);
  return std::nullopt;
}

std::optional<uint32_t> RegisterId::CcMrIndex() const {
  if (kind == Kind::kMrtd) return kMrIndexMrtd;
  if (kind == Kind::kRtmr && index < kNumRtmrs) return kMrIndexFirstRtmr + index;
  return std::nullopt;
}

Result<RegisterId> RegisterId::Parse(std::string_view name) {
  constexpr std::string_view kRtmr = "rtmr", kPcr = "pcr";
  std::optional<RegisterId> id;
  if (name == "mrtd") {
    id = Mrtd();
  } else if (name.starts_with(kRtmr)) {
    if (auto i = ParseIndex(name.substr(kRtmr.size()), kNumRtmrs)) id = Rtmr(*i);
  } else if (name.starts_with(kPcr)) {
    if (auto i = ParseIndex(name.substr(kPcr.size()), kNumPcrs)) id = Pcr(*i);
  }
  if (!id)
    return Status(ErrorCode::kBadValue, "expected a register: mrtd, rtmr0..rtmr3 or pcr0..pcr23");
  return *id;
}

bool RegisterId::Exists() const {
  switch (kind) {
    case Kind::kMrtd:
      return index == 0;
    case Kind::kPcr:
      return index < kNumPcrs;
    case Kind::kRtmr:
      return index < kNumRtmrs;
  }
  return false;
}

std::string RegisterId::Name() const {
  switch (kind) {
    case Kind::kMrtd:
      return "mrtd";
    case Kind::kPcr:
      return "pcr" + std::to_string(index);
    case Kind::kRtmr:
      return "rtmr" + std::to_string(index);
  }
  return "";
}

}  // namespace ccv
