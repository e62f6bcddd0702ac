#include "verifier/crypto/ecdsa.h"

#include <cstring>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::crypto {

namespace {

const EVP_MD* Sha256Md() {
  static const EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// Thread-local digest-verify context, reused across calls.
EVP_MD_CTX* ThreadCtx() {
  thread_local internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_MD_CTX_reset(ctx.get());
  return ctx.get();
}

Result<EVP_PKEY*> BuildP256(std::span<const uint8_t> pub_xy, const BIGNUM* priv) {
  uint8_t point[65];
  point[0] = 0x04;
  std::memcpy(point + 1, pub_xy.data(), 64);
  internal::OsslParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld) return Status(ErrorCode::kInternal, "OSSL_PARAM_BLD_new");
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point));
  if (priv != nullptr) OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, priv);
  const internal::OsslParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  bld.reset();
  static EVP_PKEY_CTX* const kCtx = EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr);
  // EVP_PKEY_fromdata on a shared ctx is not thread-safe: use a local one.
  internal::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_dup(kCtx));
  EVP_PKEY* raw = nullptr;
  const bool ok = params && ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &raw, priv ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY,
                                    params.get()) == 1;
  internal::EvpPkeyPtr pkey(raw);
  if (!ok) return Status(ErrorCode::kBadSignature, "not a valid P-256 public key");
  return pkey.release();
}

}  // namespace

PublicKey::~PublicKey() { EVP_PKEY_free(pkey_); }

PublicKey& PublicKey::operator=(PublicKey&& other) noexcept {
  internal::MoveOwned<EVP_PKEY_free>(&pkey_, &other.pkey_);
  return *this;
}

Result<PublicKey> PublicKey::FromRawP256(std::span<const uint8_t> xy) {
  if (xy.size() != 64) return Status(ErrorCode::kBadLength, "P-256 public key must be 64 bytes");
  CCV_ASSIGN_OR_RETURN(EVP_PKEY * raw, BuildP256(xy, nullptr));
  internal::EvpPkeyPtr pkey(raw);
  // Point decoding rejects points off the curve; check it explicitly too.
  internal::EvpPkeyCtxPtr check(EVP_PKEY_CTX_new(pkey.get(), nullptr));
  if (!check || EVP_PKEY_public_check_quick(check.get()) != 1) {
    return Status(ErrorCode::kBadSignature, "point is not on P-256");
  }
  return PublicKey(pkey.release());
}

Result<PublicKey> PublicKey::FromSpkiDer(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (pkey == nullptr) return Status(ErrorCode::kBadValue, "bad SubjectPublicKeyInfo");
  return PublicKey(pkey);
}

static Result<RawP256Key> RawFromPkey(EVP_PKEY* pkey) {
  uint8_t buf[65];
  size_t len = 0;
  if (pkey == nullptr ||
      EVP_PKEY_get_octet_string_param(pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, buf, sizeof(buf),
                                      &len) != 1 ||
      len != 65 || buf[0] != 0x04) {
    return Status(ErrorCode::kUnsupported, "not an uncompressed P-256 key");
  }
  RawP256Key out;
  std::memcpy(out.data(), buf + 1, 64);
  return out;
}

Result<RawP256Key> PublicKey::RawP256() const { return RawFromPkey(pkey_); }

bool PublicKey::VerifyDer(std::span<const uint8_t> message, std::span<const uint8_t> der_sig,
                          const char* digest) const {
  if (pkey_ == nullptr) return false;
  EVP_MD_CTX* ctx = ThreadCtx();
  const EVP_MD* md = Sha256Md();
  internal::EvpMdPtr fetched;
  if (std::strcmp(digest, "SHA256") != 0) {
    fetched.reset(EVP_MD_fetch(nullptr, digest, nullptr));
    md = fetched.get();
  }
  return md != nullptr && EVP_DigestVerifyInit(ctx, nullptr, md, nullptr, pkey_) == 1 &&
         EVP_DigestVerify(ctx, der_sig.data(), der_sig.size(), message.data(), message.size()) == 1;
}

bool PublicKey::VerifyP256Sha256(std::span<const uint8_t> message,
                                 std::span<const uint8_t> raw_sig) const {
  auto der = RawSignatureToDer(raw_sig);
  if (!der.ok()) return false;
  return VerifyDer(message, std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(der->data()),
                                                     der->size()));
}

Result<RawP256Signature> DerSignatureToRaw(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  internal::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, long(der.size())));
  if (!sig) return Status(ErrorCode::kBadSignature, "bad DER ECDSA signature");
  RawP256Signature out{};
  const BIGNUM* r = ECDSA_SIG_get0_r(sig.get());
  const BIGNUM* s = ECDSA_SIG_get0_s(sig.get());
  if (BN_bn2binpad(r, out.data(), 32) != 32 || BN_bn2binpad(s, out.data() + 32, 32) != 32) {
    return Status(ErrorCode::kBadSignature, "ECDSA signature component too large");
  }
  return out;
}

Result<std::string> RawSignatureToDer(std::span<const uint8_t> raw) {
  if (raw.size() != 64)
    return Status(ErrorCode::kBadLength, "raw P-256 signature must be 64 bytes");
  internal::EcdsaSigPtr sig(ECDSA_SIG_new());
  internal::BignumPtr r(BN_bin2bn(raw.data(), 32, nullptr));
  internal::BignumPtr s(BN_bin2bn(raw.data() + 32, 32, nullptr));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return Status(ErrorCode::kInternal, "ECDSA_SIG_set0");
  }
  // The signature owns both numbers now.
  (void)r.release();
  (void)s.release();
  unsigned char buf[80];
  unsigned char* p = buf;
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0 || len > int(sizeof(buf))) return Status(ErrorCode::kInternal, "i2d_ECDSA_SIG");
  i2d_ECDSA_SIG(sig.get(), &p);
  return std::string(reinterpret_cast<char*>(buf), size_t(len));
}

PrivateKey::~PrivateKey() { EVP_PKEY_free(pkey_); }

PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  internal::MoveOwned<EVP_PKEY_free>(&pkey_, &other.pkey_);
  return *this;
}

Result<PrivateKey> PrivateKey::GenerateP256() {
  EVP_PKEY* pkey = EVP_EC_gen("P-256");
  if (pkey == nullptr) return Status(ErrorCode::kInternal, "EVP_EC_gen failed");
  return PrivateKey(pkey);
}

Result<PrivateKey> PrivateKey::FromP256Scalar(std::span<const uint8_t> d) {
  if (d.size() != 32) return Status(ErrorCode::kBadLength, "P-256 scalar must be 32 bytes");
  internal::BignumPtr priv(BN_bin2bn(d.data(), 32, nullptr));
  const internal::EcGroupPtr group(EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1));
  const internal::EcPointPtr pub(group ? EC_POINT_new(group.get()) : nullptr);
  uint8_t point[65];
  const bool ok =
      priv && group && pub && !BN_is_zero(priv.get()) &&
      EC_POINT_mul(group.get(), pub.get(), priv.get(), nullptr, nullptr, nullptr) == 1 &&
      EC_POINT_point2oct(group.get(), pub.get(), POINT_CONVERSION_UNCOMPRESSED, point, 65,
                         nullptr) == 65;
  if (!ok) return Status(ErrorCode::kInvalidArgument, "bad P-256 scalar");
  CCV_ASSIGN_OR_RETURN(EVP_PKEY * pkey,
                       BuildP256(std::span<const uint8_t>(point + 1, 64), priv.get()));
  return PrivateKey(pkey);
}

Result<RawP256Key> PrivateKey::PublicRaw() const { return RawFromPkey(pkey_); }

Result<RawP256Signature> PrivateKey::SignP256Sha256(std::span<const uint8_t> message) const {
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  unsigned char der[80];
  len = sizeof(der);
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, Sha256Md(), nullptr, pkey_) != 1 ||
      EVP_DigestSign(ctx.get(), der, &len, message.data(), message.size()) != 1) {
    return Status(ErrorCode::kInternal, "ECDSA signing failed");
  }
  return DerSignatureToRaw(std::span<const uint8_t>(der, len));
}

}  // namespace ccv::crypto
