#include "verifier/crypto/jws.h"

#include <string>

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "verifier/crypto/internal/openssl_ptr.h"
#include "verifier/crypto/signature.h"

namespace ccv::crypto {

namespace {

// Bytes of R and of S for an ECDSA algorithm; 0 for EdDSA.
size_t EcHalf(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kEs256:
      return 32;
    case JwsAlg::kEs384:
      return 48;
    case JwsAlg::kEdDsa:
      return 0;
  }
  return 0;
}

// SHA-256 / SHA-384 for ECDSA; none (nullptr) for Ed25519, which hashes
// the message itself.
const char* MdName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kEs256:
      return "SHA256";
    case JwsAlg::kEs384:
      return "SHA384";
    case JwsAlg::kEdDsa:
      return nullptr;
  }
  return nullptr;
}

Result<JwsAlg> AlgOf(EVP_PKEY* pkey) {
  if (pkey != nullptr && EVP_PKEY_is_a(pkey, "ED25519")) return JwsAlg::kEdDsa;
  if (pkey != nullptr && EVP_PKEY_is_a(pkey, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, "group", group, sizeof(group), &len) == 1) {
      std::string g(group, len);
      if (g == "prime256v1" || g == "P-256") return JwsAlg::kEs256;
      if (g == "secp384r1" || g == "P-384") return JwsAlg::kEs384;
      return Status(ErrorCode::kUnsupported,
                    "EC curve " + g + ": results are signed with P-256, P-384 or Ed25519");
    }
  }
  return Status(ErrorCode::kUnsupported,
                "key type: results are signed with EC P-256, EC P-384 or Ed25519 keys");
}

}  // namespace

std::string_view JwsAlgName(JwsAlg alg) {
  switch (alg) {
    case JwsAlg::kEs256:
      return "ES256";
    case JwsAlg::kEs384:
      return "ES384";
    case JwsAlg::kEdDsa:
      return "EdDSA";
  }
  return "";
}

Result<JwsAlg> JwsAlgForKey(const PublicKey& key) { return AlgOf(key.get()); }

JwsSigningKey::~JwsSigningKey() { EVP_PKEY_free(pkey_); }

JwsSigningKey& JwsSigningKey::operator=(JwsSigningKey&& o) noexcept {
  if (this != &o) {
    internal::MoveOwned<EVP_PKEY_free>(&pkey_, &o.pkey_);
    alg_ = o.alg_;
  }
  return *this;
}

Result<JwsSigningKey> JwsSigningKey::FromPem(std::string_view pem) {
  internal::BioPtr bio(BIO_new_mem_buf(pem.data(), int(pem.size())));
  // No passphrase callback: an encrypted key fails to decode.
  EVP_PKEY* pkey = bio ? PEM_read_bio_PrivateKey(
                             bio.get(), nullptr, [](char*, int, int, void*) { return 0; }, nullptr)
                       : nullptr;
  if (pkey == nullptr) {
    return Status(ErrorCode::kBadValue, "not an unencrypted PEM private key");
  }
  JwsSigningKey k;
  k.pkey_ = pkey;
  CCV_ASSIGN_OR_RETURN(k.alg_, AlgOf(pkey));
  return k;
}

Result<PublicKey> JwsSigningKey::Public() const {
  unsigned char* der = nullptr;
  const int len = i2d_PUBKEY(pkey_, &der);
  const internal::OpensslBytesPtr owned_der(der);
  if (len <= 0) return Status(ErrorCode::kInternal, "cannot encode the public key");
  return PublicKeyFromPemOrDer(std::vector<uint8_t>(der, der + len));
}

Result<std::vector<uint8_t>> JwsSigningKey::Sign(std::span<const uint8_t> input) const {
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit_ex(ctx.get(), nullptr, MdName(alg_), nullptr, nullptr, pkey_,
                                    nullptr) != 1) {
    return Status(ErrorCode::kInternal, "cannot start signing");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, input.data(), input.size()) != 1) {
    return Status(ErrorCode::kInternal, "cannot size the signature");
  }
  std::vector<uint8_t> sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, input.data(), input.size()) != 1) {
    return Status(ErrorCode::kInternal, "signing failed");
  }
  sig.resize(len);
  const size_t half = EcHalf(alg_);
  if (half == 0) return sig;
  // DER ECDSA-Sig-Value -> R || S, each left-padded to the curve's size.
  const unsigned char* p = sig.data();
  internal::EcdsaSigPtr es(d2i_ECDSA_SIG(nullptr, &p, long(sig.size())));
  if (!es) return Status(ErrorCode::kInternal, "signature does not decode");
  std::vector<uint8_t> raw(2 * half);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(es.get()), raw.data(), int(half)) != int(half) ||
      BN_bn2binpad(ECDSA_SIG_get0_s(es.get()), raw.data() + half, int(half)) != int(half)) {
    return Status(ErrorCode::kInternal, "signature does not fit the curve");
  }
  return raw;
}

bool VerifyJwsSignature(const PublicKey& key, JwsAlg alg, std::span<const uint8_t> input,
                        std::span<const uint8_t> signature) {
  Result<JwsAlg> key_alg = JwsAlgForKey(key);
  if (!key_alg.ok() || *key_alg != alg) return false;
  const size_t half = EcHalf(alg);
  if (half != 0) {
    if (signature.size() != 2 * half) return false;
    return VerifyEcdsaRs(key, alg == JwsAlg::kEs256 ? HashAlg::kSha256 : HashAlg::kSha384, input,
                         signature.first(half), signature.subspan(half));
  }
  if (signature.size() != 64) return false;
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return ctx &&
         EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, key.get(),
                                 nullptr) == 1 &&
         EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), input.data(),
                          input.size()) == 1;
}

}  // namespace ccv::crypto
