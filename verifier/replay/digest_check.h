// Event-digest checks (DESIGN §2): for the event types whose digest the TCG
// PC Client PFP (rev 1.05, section 10.4) defines as the hash of the event
// data, recompute it per bank and compare. Other types are "not checkable".
// Thread safety: pure functions; a Hasher is per thread.
#ifndef CCV_VERIFIER_REPLAY_DIGEST_CHECK_H_
#define CCV_VERIFIER_REPLAY_DIGEST_CHECK_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/tcg_event_log.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {

enum class DigestCheck { kNotCheckable, kVerified, kMismatched };
// "not_checkable", "verified", "mismatched".
std::string_view DigestCheckName(DigestCheck check);

struct DigestCheckCounts {
  uint64_t verified = 0;
  uint64_t mismatched = 0;
  uint64_t not_checkable = 0;
  void Add(DigestCheck c) {
    if (c == DigestCheck::kVerified) ++verified;
    else if (c == DigestCheck::kMismatched) ++mismatched;
    else ++not_checkable;
  }
};

// The bytes the digest of a `type` event must hash, or nullopt if the digest
// is not defined as a hash of the event data: EV_SEPARATOR, EV_EFI_ACTION,
// EV_EFI_GPT_EVENT(2), EV_EFI_VARIABLE_DRIVER_CONFIG, EV_EFI_VARIABLE_AUTHORITY,
// EV_EFI_VARIABLE_BOOT2 (the whole UEFI_VARIABLE_DATA) and EV_EFI_VARIABLE_BOOT
// (VariableData only). `*out_malformed` is set when the type is checkable but
// its data does not parse (EV_EFI_VARIABLE_BOOT): the check then fails.
std::optional<Bytes> DigestedBytes(uint32_t type, Bytes data, bool* out_malformed);

// One Hasher per bank, made on first use: alternating algorithms on one
// EVP_MD_CTX makes OpenSSL reallocate its state on every switch.
class BankHashers {
 public:
  crypto::Hasher& For(HashAlg alg) {
    auto& h = hashers_[size_t(alg)];
    if (!h) h = std::make_unique<crypto::Hasher>();
    return *h;
  }

 private:
  std::array<std::unique_ptr<crypto::Hasher>, kAllHashAlgs.size()> hashers_;
};

// Verified if every digest of a bank we can hash equals the recomputed one,
// mismatched if any differs (or the data is malformed), else not checkable.
// EV_NO_ACTION records are never checkable.
DigestCheck CheckEventDigest(BankHashers& hashers, const parsers::TcgEvent& event);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_DIGEST_CHECK_H_
