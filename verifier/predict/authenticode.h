// The Authenticode digest of a PE/COFF image, as UEFI firmware logs it for
// EV_EFI_BOOT_SERVICES_APPLICATION (TCG PC Client PFP 10.4.4 with the
// Authenticode PE specification's "Calculating the PE Image Hash"), in any
// bank, and the Authenticode signatures the image carries.
//
// The digest is computed from the image bytes alone: a signature inside the
// image is decoded and compared with it, never believed. Thread-safe: pure
// functions.
#ifndef CCV_VERIFIER_PREDICT_AUTHENTICODE_H_
#define CCV_VERIFIER_PREDICT_AUTHENTICODE_H_

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"
#include "parsers/pe/pe_image.h"
#include "verifier/crypto/authenticode_signature.h"

namespace ccv::predict {

// H(the ranges image.authenticode_ranges names).
// REQUIRES: `image` was parsed from `file`.
Digest AuthenticodeDigest(Bytes file, const parsers::PeImage& image, HashAlg alg);

// One entry of the certificate table and what it says.
struct EmbeddedSignature {
  uint64_t offset = 0;  // file offset of the WIN_CERTIFICATE
  uint16_t revision = 0;
  uint16_t certificate_type = 0;
  Bytes pkcs7;  // bCertificate (aliases the file)
  // Decoded when the entry is a PKCS#7 SignedData that decodes; else
  // `error` says why not.
  std::optional<crypto::AuthenticodeSignature> signature;
  std::string error;
  // The signed digest equals our digest of the image in the same algorithm.
  bool digest_matches_image = false;
};

struct AuthenticodeMeasurement {
  parsers::PeImage image;
  std::vector<Digest> digests;  // one per requested bank, in request order
  std::vector<EmbeddedSignature> signatures;
};

// Parses `file`, hashes it in each of `algs` and decodes its signatures.
// Errors: those of ParsePeImage and ParseCertificateTable (a malformed
// signature is reported in its EmbeddedSignature, not as an error).
Result<AuthenticodeMeasurement> MeasureAuthenticode(Bytes file, std::span<const HashAlg> algs);

}  // namespace ccv::predict

#endif  // CCV_VERIFIER_PREDICT_AUTHENTICODE_H_
