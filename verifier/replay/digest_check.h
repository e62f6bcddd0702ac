// Event-digest checks (DESIGN §2): is an event's logged digest a hash of (a
// defined part of) its event data? For each event type the TCG PC Client PFP
// (rev 1.05, section 10.4) defines as a hash of its data, and for the text
// events of boot loaders, a list of conventions is tried, the specification's
// first; a convention verifies an event only if it reproduces the digest of
// EVERY bank we can hash. Conventions (stable names, DigestConventionName()):
//
//  pfp                 the whole event data, as the PFP defines it for
//                      EV_SEPARATOR, EV_ACTION, EV_EFI_ACTION, EV_EFI_GPT_EVENT(2),
//                      EV_S_CRTM_VERSION, EV_OMIT_BOOT_DEVICE_EVENTS and the
//                      UEFI_VARIABLE_DATA of EV_EFI_VARIABLE_DRIVER_CONFIG,
//                      _BOOT, _BOOT2 and _AUTHORITY.
//  variable_data_only  EV_EFI_VARIABLE_BOOT / _DRIVER_CONFIG: only the
//                      VariableData of the UEFI_VARIABLE_DATA (EDK2 boot
//                      variables, TPM 1.2 firmware). The GUID and name are NOT
//                      covered by the digest.
//  shim_extra_byte     EV_EFI_VARIABLE_AUTHORITY of shim before rhboot/shim
//                      8a27a48: a bare DER certificate as VariableData, and the
//                      event data one byte longer than what was hashed
//                      (go-attestation attest/secureboot.go).
//  grub_string         EV_IPL "grub_cmd: ", "kernel_cmdline: ", "module_cmdline: "
//                      (GRUB grub-core/commands/tpm.c) and the older Fedora/RHEL
//                      "grub_cmd ", "grub_kernel_cmdline ": the text after the
//                      prefix without its terminating NUL.
//  grub_string_nul     the same with the NUL (older "grub_cmd ",
//                      google/go-eventlog extract/pcr.go).
//  systemd_utf16       EV_IPL UTF-16LE text with its NUL, hashed as logged
//                      (systemd-boot/-stub kernel command line, strsize16).
//                      The systemd_* forms are recognised for ASCII text only.
//  systemd_utf16_no_nul   the same text without the NUL (systemd
//                      docs/TPM2_PCR_MEASUREMENTS.md).
//  systemd_utf16_short_nul  old systemd-boot logged one byte less than the
//                      UTF-16 string + NUL it hashed: digest = H(data || 00).
//  systemd_section_name  UTF-16 PE section name logged, ASCII name + NUL hashed.
//  td_shim_config_info EV_PLATFORM_CONFIG_FLAGS TD_SHIM_PLATFORM_CONFIG_INFO
//                      (td-shim spec table 3.5-4): the Info after the 20-byte
//                      header.
//  event_data          the whole event data for types whose digest MAY be
//                      a hash of it (EV_EVENT_TAG, EV_COMPACT_HASH, EV_NONHOST_*,
//                      EV_TABLE_OF_DEVICES, EV_PLATFORM_CONFIG_FLAGS, other EV_IPL).
//
// kMismatched means the type's digest is defined as a hash of its data (or the
// data carries a GRUB / td-shim marker that defines it) and no convention
// reproduces it. Types whose digest may or may not cover their data are
// kNotCheckable when none does, as are types whose digest covers something
// else (code, a file, an Authenticode hash) and EV_NO_ACTION.
// Thread safety: pure functions; a BankHashers is per thread.
#ifndef CCV_VERIFIER_REPLAY_DIGEST_CHECK_H_
#define CCV_VERIFIER_REPLAY_DIGEST_CHECK_H_

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/tcg_event_log.h"
#include "verifier/crypto/digest.h"

namespace ccv::replay {

enum class DigestCheck { kNotCheckable, kVerified, kMismatched };
// "not_checkable", "verified", "mismatched".
std::string_view DigestCheckName(DigestCheck check);

enum class DigestConvention : uint8_t {
  kNone,
  kPfp,
  kVariableDataOnly,
  kShimExtraByte,
  kGrubString,
  kGrubStringNul,
  kSystemdUtf16,
  kSystemdUtf16NoNul,
  kSystemdUtf16ShortNul,
  kSystemdSectionName,
  kTdShimConfigInfo,
  kEventData,
};
inline constexpr size_t kNumDigestConventions = 12;
// The names above; "" for kNone.
std::string_view DigestConventionName(DigestConvention c);

struct EventDataCheck {
  DigestCheck status = DigestCheck::kNotCheckable;
  DigestConvention convention = DigestConvention::kNone;  // set iff kVerified
  // The printable text the digest authenticates (UTF-8; UTF-16 data decoded),
  // empty unless verified and the covered bytes are text. GRUB: the logged
  // text "kernel_cmdline: ..." without its NUL (the digest covers what follows
  // the prefix). td-shim payload info: the text before the NUL padding.
  std::string verified_text;
  // The bytes of the event data the verified digest covers.
  size_t covered_offset = 0;
  size_t covered_len = 0;
};

struct DigestCheckCounts {
  uint64_t verified = 0;
  uint64_t mismatched = 0;
  uint64_t not_checkable = 0;
  std::array<uint64_t, kNumDigestConventions> by_convention{};  // verified only
  void Add(DigestCheck c, DigestConvention conv = DigestConvention::kNone) {
    if (c == DigestCheck::kVerified) {
      ++verified;
      ++by_convention[size_t(conv)];
    } else if (c == DigestCheck::kMismatched) {
      ++mismatched;
    } else {
      ++not_checkable;
    }
  }
};

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

// Checks one event (a TCG record or a CEL PCCLIENT_STD record) against its
// digests. Digests of banks this OpenSSL cannot hash are ignored; with none
// left the event is kNotCheckable. `want_text` false skips verified_text.
EventDataCheck CheckEventData(BankHashers& hashers, uint32_t type, Bytes data,
                              std::span<const Digest> digests, bool want_text = true);
EventDataCheck CheckEventData(BankHashers& hashers, const parsers::TcgEvent& event,
                              bool want_text = true);
// CheckEventData(...).status without the text.
DigestCheck CheckEventDigest(BankHashers& hashers, const parsers::TcgEvent& event);

// The message of the first convention for `type` and `data` (always a
// subrange of `data`), for batch hashing. `required`: no match is a mismatch;
// `alternatives`: other conventions exist, so a mismatch of this one must be
// re-checked with CheckEventData(). nullopt: the type is never checkable.
struct PrimaryDigestMessage {
  Bytes message;
  DigestConvention convention = DigestConvention::kNone;
  bool required = false;
  bool alternatives = false;
};
std::optional<PrimaryDigestMessage> PrimaryMessage(uint32_t type, Bytes data);

// PrimaryMessage()'s message (kept for the benchmarks and the tamper suite);
// `*out_malformed` is always false.
std::optional<Bytes> DigestedBytes(uint32_t type, Bytes data, bool* out_malformed);

}  // namespace ccv::replay

#endif  // CCV_VERIFIER_REPLAY_DIGEST_CHECK_H_
