// The Authenticode signature of a PE/COFF image (Windows Authenticode
// Portable Executable Signature Format): a PKCS#7 SignedData whose content is
// an SpcIndirectDataContent carrying the image digest. Through OpenSSL.
//
// Decoding does not make the image trusted: `signature_valid` says only that
// the signer certificate's key signed the authenticated attributes and that
// their messageDigest is the hash of the SpcIndirectDataContent. No chain to
// a root is built here (UEFI firmware checks db/dbx, shim its MOK list).
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_CRYPTO_AUTHENTICODE_SIGNATURE_H_
#define CCV_VERIFIER_CRYPTO_AUTHENTICODE_SIGNATURE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::crypto {

struct AuthenticodeCertificate {
  std::string subject;  // RFC 2253
  std::string issuer;   // RFC 2253
  std::string serial_hex;
  std::array<uint8_t, 32> sha256_fingerprint{};
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  bool signer = false;  // the certificate of the SignerInfo
};

struct AuthenticodeSignature {
  // SpcIndirectDataContent.messageDigest: the image digest the signer signed.
  // `digest_alg` is empty for an algorithm outside our banks (MD5), whose
  // name is then in `digest_alg_name`.
  std::optional<HashAlg> digest_alg;
  std::string digest_alg_name;
  std::vector<uint8_t> image_digest;
  // Every certificate of the SignedData, the signer's first.
  std::vector<AuthenticodeCertificate> certificates;
  // The signer's key verifies the SignerInfo signature over the authenticated
  // attributes, whose messageDigest equals the hash of the content.
  bool signature_valid = false;
  std::string signature_detail;  // why not, when !signature_valid
};

// Decodes the bCertificate of a WIN_CERT_TYPE_PKCS_SIGNED_DATA entry.
// Errors: kBadValue (not DER PKCS#7 SignedData, content type not
// SpcIndirectDataContent 1.3.6.1.4.1.311.2.1.4, no DigestInfo, not exactly
// one SignerInfo), kNotFound (the signer certificate is absent).
Result<AuthenticodeSignature> ParseAuthenticodeSignature(std::span<const uint8_t> pkcs7_der);

// Whether the X.509 certificate `anchor_der` verifies the signature as UEFI
// firmware checks a db entry (EDK2 Pkcs7Verify) and shim a MOK or vendor
// certificate (AuthenticodeVerify): the anchor is the one trusted
// certificate, the signer's certificate chains to it through the
// SignedData's certificates (or is it), partial chains are allowed, validity
// times and key purposes are not checked, and the signer's key verifies the
// SignerInfo (ParseAuthenticodeSignature's `signature_valid`). Whether the
// signed digest is the image's is the caller's check.
// Errors: those of ParseAuthenticodeSignature; kBadValue when `anchor_der`
// is not one DER certificate.
Result<bool> AuthenticodeVerifiesUnder(std::span<const uint8_t> pkcs7_der,
                                       std::span<const uint8_t> anchor_der);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_AUTHENTICODE_SIGNATURE_H_
