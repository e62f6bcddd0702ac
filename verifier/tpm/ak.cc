#include "verifier/tpm/ak.h"

#include <string_view>

#include "parsers/core/hex.h"
#include "parsers/tpm2_format.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/signature.h"

namespace ccv::tpm {

namespace fmt = parsers::tpm2_format;

namespace {

constexpr std::string_view kPemCert = "-----BEGIN CERTIFICATE-----";
constexpr std::string_view kPemKey = "-----BEGIN PUBLIC KEY-----";
constexpr size_t kMaxChainDepth = 8;

Result<Ak> AkFromTpmPublic(Bytes data, bool tpm2b) {
  CCV_ASSIGN_OR_RETURN(parsers::TpmPublic pub,
                       tpm2b ? parsers::ParseTpm2bPublic(data) : parsers::ParseTpmPublic(data));
  if (!pub.name_alg || !crypto::HashAlgAvailable(*pub.name_alg)) {
    return Status(ErrorCode::kUnsupported,
                  "name algorithm " + std::to_string(pub.name_alg_id) + " is not one we can hash");
  }
  Ak ak;
  ak.form = AkForm::kTpmPublic;
  if (pub.type == parsers::TpmKeyType::kRsa) {
    CCV_ASSIGN_OR_RETURN(ak.key, crypto::PublicKeyFromRsa(pub.rsa_modulus, pub.rsa_exponent));
  } else {
    crypto::EcCurve curve;
    if (pub.ecc_curve == fmt::kEccNistP256) {
      curve = crypto::EcCurve::kP256;
    } else if (pub.ecc_curve == fmt::kEccNistP384) {
      curve = crypto::EcCurve::kP384;
    } else {
      return Status(ErrorCode::kUnsupported,
                    "ECC curve " + std::to_string(pub.ecc_curve) + ": P-256 or P-384 expected");
    }
    CCV_ASSIGN_OR_RETURN(ak.key, crypto::PublicKeyFromEcPoint(curve, pub.ecc_x, pub.ecc_y));
  }
  Digest h = crypto::Hash(*pub.name_alg, pub.raw);
  ak.name = {uint8_t(pub.name_alg_id >> 8), uint8_t(pub.name_alg_id)};
  ak.name.insert(ak.name.end(), h.span().begin(), h.span().end());
  ak.tpm_public = std::move(pub);
  ak.key_description = crypto::DescribeKey(ak.key);
  return ak;
}

Result<Ak> AkFromCertificate(crypto::Certificate cert) {
  Ak ak;
  ak.form = AkForm::kCertificate;
  CCV_ASSIGN_OR_RETURN(ak.key, cert.GetPublicKey());
  ak.certificate = std::move(cert);
  ak.key_description = crypto::DescribeKey(ak.key);
  return ak;
}

bool IsDerSequence(Bytes data) { return data.size() >= 2 && data[0] == 0x30; }

}  // namespace

std::string_view AkFormName(AkForm f) {
  switch (f) {
    case AkForm::kTpmPublic:
      return "tpmt_public";
    case AkForm::kPublicKey:
      return "public_key";
    case AkForm::kCertificate:
      return "certificate";
  }
  return "unknown";
}

Result<Ak> LoadAk(Bytes data) {
  std::string_view text = AsChars(data);
  if (text.find(kPemCert) != std::string_view::npos) {
    CCV_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> certs,
                         crypto::Certificate::ParsePemChain(text));
    if (certs.size() != 1) {
      return Status(ErrorCode::kBadValue, "expected one AK certificate, found " +
                                              std::to_string(certs.size()) +
                                              " (give issuers with --ak-root)");
    }
    return AkFromCertificate(std::move(certs[0]));
  }
  if (text.find(kPemKey) != std::string_view::npos) {
    Ak ak;
    CCV_ASSIGN_OR_RETURN(ak.key, crypto::PublicKeyFromPemOrDer(data));
    ak.key_description = crypto::DescribeKey(ak.key);
    return ak;
  }
  if (parsers::LooksLikeTpm2bPublic(data)) return AkFromTpmPublic(data, true);
  if (parsers::LooksLikeTpmPublic(data)) return AkFromTpmPublic(data, false);
  if (IsDerSequence(data)) {
    auto cert = crypto::Certificate::FromDer(data);
    if (cert.ok() && AsChars(Bytes(data)) == cert->Der()) {
      return AkFromCertificate(std::move(cert).value());
    }
    Ak ak;
    auto key = crypto::PublicKeyFromPemOrDer(data);
    if (key.ok()) {
      ak.key = std::move(key).value();
      ak.key_description = crypto::DescribeKey(ak.key);
      return ak;
    }
  }
  return Status(ErrorCode::kBadValue,
                "expected an AK as TPMT_PUBLIC, PEM/DER public key or X.509 certificate");
}

Result<std::vector<crypto::Certificate>> LoadCertificates(Bytes data) {
  std::string_view text = AsChars(data);
  if (text.find(kPemCert) != std::string_view::npos) {
    return crypto::Certificate::ParsePemChain(text);
  }
  CCV_ASSIGN_OR_RETURN(crypto::Certificate cert, crypto::Certificate::FromDer(data));
  if (cert.Der() != text) {
    return Status(ErrorCode::kBadValue, "trailing bytes after the DER certificate");
  }
  std::vector<crypto::Certificate> out;
  out.push_back(std::move(cert));
  return out;
}

std::string AkFingerprint(const Ak& ak) {
  std::vector<uint8_t> der = crypto::SpkiDer(ak.key);
  if (der.empty()) return "";
  Digest d = crypto::Hash(HashAlg::kSha256, der);
  return ToHex(d.span());
}

AkTrust CheckAkPin(const Ak& ak, std::span<const std::string> fingerprints,
                   std::span<const crypto::PublicKey* const> keys) {
  AkTrust t;
  t.mode = "pinned";
  const std::string fp = AkFingerprint(ak);
  for (const std::string& f : fingerprints) {
    if (!fp.empty() && f == fp) {
      t.ok = true;
      t.detail = "AK (" + ak.key_description + ") pinned by the policy: sha256:" + fp;
      return t;
    }
  }
  for (const crypto::PublicKey* k : keys) {
    if (k != nullptr && crypto::SamePublicKey(ak.key, *k)) {
      t.ok = true;
      t.detail = "AK (" + ak.key_description + ") is the public key the policy pins";
      return t;
    }
  }
  t.detail =
      "AK (" + ak.key_description + ", sha256:" + fp + ") is not the key the policy pins (tpm.ak)";
  return t;
}

AkTrust CheckAkTrust(const Ak& ak, std::span<const crypto::Certificate> roots, Time at,
                     std::span<const crypto::Certificate> intermediates) {
  AkTrust t;
  if (roots.empty()) {
    t.ok = true;
    t.mode = "pinned";
    t.detail = "AK pinned: the " + std::string(AkFormName(ak.form)) +
               " given is trusted as is (no --ak-root)";
    return t;
  }
  t.mode = "chain";
  if (!ak.certificate) {
    t.detail =
        "--ak-root needs the AK as an X.509 certificate, got a " + std::string(AkFormName(ak.form));
    return t;
  }
  const crypto::Certificate* cur = &*ak.certificate;
  t.chain.push_back(cur->SubjectOneLine());
  if (!cur->ValidAt(at)) {
    t.detail = "AK certificate not valid at " + FormatRfc3339Time(at);
    return t;
  }
  bool anchored = false;
  for (size_t depth = 0; depth < kMaxChainDepth; ++depth) {
    if (cur->IsSelfIssued() && anchored) break;
    const crypto::Certificate* issuer = nullptr;
    bool issuer_is_root = false;
    for (const crypto::Certificate& r : roots) {
      if (r.SubjectDer() == cur->IssuerDer() && cur->SignatureVerifiesWith(r)) {
        issuer = &r;
        issuer_is_root = true;
        break;
      }
    }
    if (issuer == nullptr && !anchored) {
      for (const crypto::Certificate& r : intermediates) {
        if (r.SubjectDer() == cur->IssuerDer() && cur->SignatureVerifiesWith(r)) {
          issuer = &r;
          break;
        }
      }
    }
    if (issuer == nullptr) break;
    if (issuer == cur) break;  // a self-signed anchor
    if (!issuer->IsCa()) {
      t.detail = "issuer " + issuer->SubjectOneLine() + " is not a CA";
      return t;
    }
    if (!issuer->ValidAt(at)) {
      t.detail = "issuer " + issuer->SubjectOneLine() + " not valid at " + FormatRfc3339Time(at);
      return t;
    }
    anchored = anchored || issuer_is_root;
    cur = issuer;
    t.chain.push_back(cur->SubjectOneLine());
  }
  if (!anchored) {
    t.detail =
        "no trust anchor issued the AK certificate (issuer " +
        (cur == &*ak.certificate ? ak.certificate->IssuerCommonName() : cur->IssuerCommonName()) +
        ")";
    return t;
  }
  t.ok = true;
  t.detail =
      "AK certificate chains to " + cur->SubjectOneLine() + ", valid at " + FormatRfc3339Time(at);
  return t;
}

}  // namespace ccv::tpm
