#include "verifier/crypto/signature.h"

#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "verifier/crypto/digest.h"
#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::crypto {

namespace {

Result<PublicKey> FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  internal::OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  internal::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  const bool ok = params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) == 1;
  internal::EvpPkeyPtr pkey(raw);
  if (!ok) return Status(ErrorCode::kBadValue, std::string("not a valid ") + type + " public key");
  return PublicKey(pkey.release());
}

// EVP_DigestVerify with `hash`; `setup` configures padding on the pkey ctx.
template <typename Setup>
bool DigestVerify(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                  std::span<const uint8_t> sig, Setup setup) {
  if (!key.valid()) return false;
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit_ex(ctx.get(), &pctx, OpenSslDigestName(hash), nullptr, nullptr,
                                      key.get(), nullptr) != 1) {
    return false;
  }
  if (!setup(pctx)) return false;
  return EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), message.data(), message.size()) == 1;
}

}  // namespace

Result<PublicKey> PublicKeyFromRsa(std::span<const uint8_t> modulus, uint32_t exponent) {
  if (modulus.size() < 128) {
    return Status(ErrorCode::kBadValue, "RSA modulus of " + std::to_string(modulus.size() * 8) +
                                            " bits: at least 1024 expected");
  }
  if (exponent == 0) exponent = 65537;
  if (exponent % 2 == 0 || exponent < 3) {
    return Status(ErrorCode::kBadValue, "RSA exponent " + std::to_string(exponent) + " is invalid");
  }
  internal::BignumPtr n(BN_bin2bn(modulus.data(), int(modulus.size()), nullptr));
  internal::BignumPtr e(BN_new());
  internal::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || BN_set_word(e.get(), exponent) != 1) {
    return Status(ErrorCode::kInternal, "out of memory building an RSA key");
  }
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get());
  return FromParams("RSA", bld.get());
}

Result<PublicKey> PublicKeyFromEcPoint(EcCurve curve, std::span<const uint8_t> x,
                                       std::span<const uint8_t> y) {
  size_t len = curve == EcCurve::kP256 ? 32 : 48;
  if (x.size() > len || y.size() > len) {
    return Status(ErrorCode::kBadValue,
                  "EC coordinate longer than the curve's " + std::to_string(len) + " bytes");
  }
  // Uncompressed point 04 || x || y, coordinates left-padded to the field size.
  std::vector<uint8_t> point(1 + 2 * len, 0);
  point[0] = 0x04;
  std::copy(x.begin(), x.end(), point.begin() + 1 + (len - x.size()));
  std::copy(y.begin(), y.end(), point.begin() + 1 + len + (len - y.size()));
  internal::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) return Status(ErrorCode::kInternal, "out of memory building an EC key");
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                  curve == EcCurve::kP256 ? "prime256v1" : "secp384r1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  return FromParams("EC", bld.get());
}

Result<PublicKey> PublicKeyFromPemOrDer(std::span<const uint8_t> data) {
  static constexpr std::string_view kPemBegin = "-----BEGIN PUBLIC KEY-----";
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find(kPemBegin) != std::string_view::npos) {
    internal::BioPtr bio(BIO_new_mem_buf(data.data(), int(data.size())));
    EVP_PKEY* pkey = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
    if (pkey == nullptr) return Status(ErrorCode::kBadValue, "PEM PUBLIC KEY does not decode");
    return PublicKey(pkey);
  }
  const unsigned char* p = data.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, long(data.size()));
  if (pkey == nullptr) return Status(ErrorCode::kBadValue, "not a SubjectPublicKeyInfo");
  PublicKey key(pkey);
  if (p != data.data() + data.size()) {
    return Status(ErrorCode::kBadValue, std::to_string(data.data() + data.size() - p) +
                                            " trailing bytes after the SubjectPublicKeyInfo");
  }
  return key;
}

bool IsRsaKey(const PublicKey& key) { return key.valid() && EVP_PKEY_is_a(key.get(), "RSA"); }
bool IsEcKey(const PublicKey& key) { return key.valid() && EVP_PKEY_is_a(key.get(), "EC"); }

std::string DescribeKey(const PublicKey& key) {
  if (IsRsaKey(key)) return "rsa-" + std::to_string(EVP_PKEY_get_bits(key.get()));
  if (IsEcKey(key)) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) == 1) {
      std::string g(group, len);
      if (g == "prime256v1" || g == "P-256") return "ec-p256";
      if (g == "secp384r1" || g == "P-384") return "ec-p384";
      return "ec-" + g;
    }
  }
  return "other";
}

std::vector<uint8_t> SpkiDer(const PublicKey& key) {
  if (!key.valid()) return {};
  int len = i2d_PUBKEY(key.get(), nullptr);
  if (len <= 0) return {};
  std::vector<uint8_t> out(static_cast<size_t>(len));
  unsigned char* p = out.data();
  if (i2d_PUBKEY(key.get(), &p) != len) return {};
  return out;
}

bool SamePublicKey(const PublicKey& a, const PublicKey& b) {
  return a.valid() && b.valid() && EVP_PKEY_eq(a.get(), b.get()) == 1;
}

bool VerifyRsaPkcs1(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                    std::span<const uint8_t> sig) {
  if (!IsRsaKey(key)) return false;
  return DigestVerify(key, hash, message, sig, [](EVP_PKEY_CTX* p) {
    return EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PADDING) == 1;
  });
}

bool VerifyRsaPss(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                  std::span<const uint8_t> sig) {
  if (!IsRsaKey(key)) return false;
  return DigestVerify(key, hash, message, sig, [](EVP_PKEY_CTX* p) {
    return EVP_PKEY_CTX_set_rsa_padding(p, RSA_PKCS1_PSS_PADDING) == 1 &&
           EVP_PKEY_CTX_set_rsa_pss_saltlen(p, RSA_PSS_SALTLEN_AUTO) == 1;
  });
}

bool VerifyEcdsaRs(const PublicKey& key, HashAlg hash, std::span<const uint8_t> message,
                   std::span<const uint8_t> r, std::span<const uint8_t> s) {
  if (!IsEcKey(key) || r.empty() || s.empty()) return false;
  internal::EcdsaSigPtr sig(ECDSA_SIG_new());
  internal::BignumPtr br(BN_bin2bn(r.data(), int(r.size()), nullptr));
  internal::BignumPtr bs(BN_bin2bn(s.data(), int(s.size()), nullptr));
  if (!sig || !br || !bs || ECDSA_SIG_set0(sig.get(), br.get(), bs.get()) != 1) return false;
  // The signature owns both numbers now.
  (void)br.release();
  (void)bs.release();
  unsigned char* der = nullptr;
  const int der_len = i2d_ECDSA_SIG(sig.get(), &der);
  const internal::OpensslBytesPtr owned_der(der);
  if (der_len <= 0) return false;
  const std::vector<uint8_t> der_sig(der, der + der_len);
  return DigestVerify(key, hash, message, der_sig, [](EVP_PKEY_CTX*) { return true; });
}

}  // namespace ccv::crypto
