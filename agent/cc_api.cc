#include "agent/cc_api.h"

#include <algorithm>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::agent {

Result<CcReplayResult> CcApi::ReplayCcEventlog(std::span<const CcEvent> events) const {
  return ReplayCcEvents(events);
}

Result<CcReplayResult> ReplayCcEvents(std::span<const CcEvent> events) {
  CcReplayResult out;
  crypto::Hasher hasher;
  for (size_t i = 0; i < events.size(); ++i) {
    const CcEvent& e = events[i];
    if (e.event_type == kEvNoAction || e.imr_index == kImrMrtd) continue;
    for (const Digest& d : e.digests) {
      if (d.len != DigestLen(d.alg)) {
        return Status(ErrorCode::kBadLength, "event " + std::to_string(i) + ": " +
                                                 std::string(HashAlgName(d.alg)) + " digest of " +
                                                 std::to_string(d.len) + " bytes");
      }
      if (!crypto::HashAlgAvailable(d.alg)) {
        return Status(
            ErrorCode::kUnsupported,
            "event " + std::to_string(i) + ": libcrypto has no " + std::string(HashAlgName(d.alg)));
      }
      auto& banks = out[e.imr_index];
      auto it = banks.find(d.alg);
      if (it == banks.end()) it = banks.emplace(d.alg, Digest::Zero(d.alg)).first;
      // An IMA violation (all-zero template hash) is extended as all 0xFF.
      Digest ff = Digest::Filled(d.alg, 0xFF);
      bool violation = e.source == CcEventSource::kIma && AllBytesEqual(d.span(), 0);
      hasher.Extend(&it->second, violation ? ff.span() : d.span());
    }
  }
  return out;
}

std::array<uint8_t, 64> ReportDataFor(std::span<const uint8_t> nonce,
                                      std::span<const uint8_t> data) {
  // SHA-512 is in every libcrypto; Hasher aborts only on a broken library.
  crypto::Hasher hasher;
  Digest d = hasher.Hash2(HashAlg::kSha512, nonce, data);
  std::array<uint8_t, 64> out{};
  std::copy(d.bytes.begin(), d.bytes.begin() + 64, out.begin());
  return out;
}

Result<std::vector<CcEvent>> SliceCcEvents(const std::vector<CcEvent>& all, size_t start,
                                           std::optional<size_t> count) {
  if (start > all.size()) {
    return Status(ErrorCode::kInvalidArgument, "start " + std::to_string(start) + " is past the " +
                                                   std::to_string(all.size()) + " events");
  }
  size_t n = count.value_or(all.size() - start);
  if (n > all.size() - start) {
    return Status(ErrorCode::kInvalidArgument, "count " + std::to_string(n) + " from " +
                                                   std::to_string(start) + " runs past the " +
                                                   std::to_string(all.size()) + " events");
  }
  return std::vector<CcEvent>(all.begin() + static_cast<std::ptrdiff_t>(start),
                              all.begin() + static_cast<std::ptrdiff_t>(start + n));
}

}  // namespace ccv::agent
