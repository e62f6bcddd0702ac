#include "parsers/ima_register.h"

#include <utility>
#include <vector>

namespace ccv::ima {
namespace {

constexpr RegisterId kTdxImaRegister = RegisterId::Rtmr(2);
constexpr RegisterId kTpmImaRegister = RegisterId::Pcr(10);

}  // namespace

bool IsImaRegister(RegisterId reg) { return reg == kTdxImaRegister || reg == kTpmImaRegister; }

Result<RegisterId> ParseImaRegister(std::string_view name) {
  Result<RegisterId> reg = RegisterId::Parse(name);
  if (reg.ok() && IsImaRegister(*reg)) return reg;
  return Status(ErrorCode::kBadValue, "the verifier replays IMA into rtmr2 (TDX) or pcr10 (TPM)");
}

Result<std::optional<ImaListHead>> ReadImaListHead(ChunkSource source, ReadOptions options) {
  options.max_batch = 1;
  options.initial_buffer = 4096;  // grows for a longer first entry
  LogReader reader(std::move(source), options);
  std::vector<Entry> first;
  CCV_RETURN_IF_ERROR(reader.NextBatch(&first));
  if (first.empty()) return std::optional<ImaListHead>();
  return std::optional<ImaListHead>(ImaListHead{first[0].pcr, first[0].listed_hash.alg});
}

RegisterId ImaRegisterOf(std::optional<RegisterId> given, bool tdx,
                         std::optional<ImaListHead> head) {
  if (given) return *given;
  if (!head) return tdx ? kTdxImaRegister : kTpmImaRegister;
  const bool cc_api = tdx || head->listed_alg == HashAlg::kSha384;
  if (cc_api && head->untrusted_pcr < kNumRtmrs) return RegisterId::Rtmr(head->untrusted_pcr);
  return RegisterId::Pcr(head->untrusted_pcr);
}

}  // namespace ccv::ima
