// Boot facts: what the firmware and boot loader measured about how the
// platform booted, in the plain form a policy's `boot:` section judges —
// the Secure Boot state, the certificates of PK, KEK, db and the dbx entries,
// the boot applications and the kernel command line.
//
// Every fact comes from events that are bound (their register replays to a
// quoted value) and whose data is verified by a convention that covers the
// part the fact is read from: a variable's name and GUID count only when the
// digest hashes the whole UEFI_VARIABLE_DATA (convention `pfp`), never when
// it hashes the VariableData alone. A fact that no such event gives is absent,
// and `notes` say why, so that a rule on it fails with a reason.
//
// Thread safety: a value type.
#ifndef CCV_VERIFIER_RESULT_BOOT_FACTS_H_
#define CCV_VERIFIER_RESULT_BOOT_FACTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccv::result {

// One Secure Boot variable as measured (EV_EFI_VARIABLE_DRIVER_CONFIG).
struct BootVariableFact {
  bool present = false;                  // a bound, verified event measured it
  std::string evidence;                  // "ccel#3"
  uint64_t entries = 0;                  // EFI_SIGNATURE_DATA entries (certificates and hashes)
  std::vector<std::string> x509_sha256;  // certificate SHA-256 fingerprints, lowercase hex
  std::vector<std::string> x509_subjects;
  std::string error;  // the signature lists did not decode (then entries is a lower bound)
};

// One application the firmware loaded (EV_EFI_BOOT_SERVICES_APPLICATION):
// the image's Authenticode digest is bound; the device path is what the
// event data says and is not covered by any digest.
struct BootImageFact {
  std::string evidence;     // "tpm#21"
  std::string reg;          // "pcr4", "rtmr1"
  std::string sha256;       // the logged SHA-256 (or first bank's) digest, "alg:hex"
  std::string device_path;  // unverified label ("" if none)
};

struct BootFacts {
  std::optional<bool> secure_boot;  // the SecureBoot variable (1 = enabled)
  std::string secure_boot_evidence;
  BootVariableFact pk, kek, db, dbx;
  std::vector<BootImageFact> images;  // bound boot applications, in log order
  // The kernel command line from a verified boot-loader event (GRUB's
  // "kernel_cmdline: ", systemd-stub's UTF-16 EV_IPL); the last one logged.
  std::optional<std::string> cmdline;
  std::string cmdline_evidence;
  // Why a fact is absent or partial, e.g. "SecureBoot: ccel#2 is not bound".
  std::vector<std::string> notes;
};

}  // namespace ccv::result

#endif  // CCV_VERIFIER_RESULT_BOOT_FACTS_H_
