// The attestation key (AK) a TPM quote is checked with: read from a
// TPMT_PUBLIC (its Name computed, its attributes known), a PEM or DER
// SubjectPublicKeyInfo, or an X.509 certificate (PEM or DER), and how it is
// trusted: pinned (the caller supplied this very key) or by a certificate
// chain to roots the caller supplied, valid at a given time.
// Thread-safe: values once built.
#ifndef CCV_VERIFIER_TPM_AK_H_
#define CCV_VERIFIER_TPM_AK_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "parsers/tpm2.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/crypto/x509.h"

namespace ccv::tpm {

enum class AkForm { kTpmPublic, kPublicKey, kCertificate };
std::string_view AkFormName(AkForm f);  // "tpmt_public", "public_key", "certificate"

struct Ak {
  AkForm form = AkForm::kPublicKey;
  crypto::PublicKey key;
  std::optional<parsers::TpmPublic> tpm_public;    // kTpmPublic
  std::vector<uint8_t> name;                       // kTpmPublic: nameAlg || H(TPMT_PUBLIC)
  std::optional<crypto::Certificate> certificate;  // kCertificate
  std::string key_description;                     // "rsa-2048", "ec-p256", ...
};

// Reads an AK from a file's bytes, by content: TPMT_PUBLIC (or TPM2B_PUBLIC,
// as tpm2-tools writes it), PEM certificate,
// PEM public key, DER certificate or DER SubjectPublicKeyInfo. Errors:
// kBadValue (none of these), the TPMT_PUBLIC parser's (with its offset),
// kUnsupported (an ECC curve other than P-256/P-384, a name algorithm we
// cannot hash).
Result<Ak> LoadAk(Bytes data);

// The certificates of a --ak-root file (PEM, one or more, or one DER).
Result<std::vector<crypto::Certificate>> LoadCertificates(Bytes data);

// How the AK is trusted.
struct AkTrust {
  bool ok = false;
  std::string mode;                // "pinned" or "chain"
  std::string detail;              // what was checked, or why it failed
  std::vector<std::string> chain;  // subjects, AK certificate first (mode "chain")
};

// With no roots: pinned (ok). With roots: the AK must be a certificate issued,
// through certificates among `roots` and `intermediates`, by one of `roots`;
// every certificate on that path valid at `at`, every issuer a CA; every
// root is a trust anchor, no intermediate is (a bundle's certificates link,
// they never anchor). Never fails with a Status: a broken chain is a finding.
AkTrust CheckAkTrust(const Ak& ak, std::span<const crypto::Certificate> roots, Time at,
                     std::span<const crypto::Certificate> intermediates = {});

// Lowercase hex SHA-256 of the AK's DER SubjectPublicKeyInfo: the
// fingerprint a policy pins (`tpm.ak: sha256:HEX`), the same whatever form
// (TPMT_PUBLIC, key or certificate) the AK came in.
std::string AkFingerprint(const Ak& ak);

// Trust by pin: ok when the AK's fingerprint is one of `fingerprints`
// (lowercase hex, as AkFingerprint) or its key equals one of `keys`.
AkTrust CheckAkPin(const Ak& ak, std::span<const std::string> fingerprints,
                   std::span<const crypto::PublicKey* const> keys);

}  // namespace ccv::tpm

#endif  // CCV_VERIFIER_TPM_AK_H_
