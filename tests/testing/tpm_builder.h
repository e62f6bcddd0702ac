// Test helper: synthetic TPM 2.0 quote structures (TPMT_PUBLIC, TPMS_ATTEST,
// TPMT_SIGNATURE) for keys generated on the spot, marshalled big-endian as a
// TPM would, so tests can build quotes a real TPM would never sign (an AK
// that is not restricted, a selection that omits a PCR, another key).
#ifndef CCV_TESTS_TESTING_TPM_BUILDER_H_
#define CCV_TESTS_TESTING_TPM_BUILDER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "parsers/core/hash_alg.h"
#include "parsers/tpm2_format.h"
#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::testing {

namespace tpmf = parsers::tpm2_format;

using TestKey = crypto::internal::EvpPkeyPtr;

inline TestKey GenerateRsaKey(int bits = 2048) {
  return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(bits)));
}
// "P-256" or "P-384".
inline TestKey GenerateEcKey(const char* curve) {
  return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
}

class TpmWriter {
 public:
  TpmWriter& U8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  TpmWriter& U16(uint16_t v) { return U8(uint8_t(v >> 8)).U8(uint8_t(v)); }
  TpmWriter& U32(uint32_t v) { return U16(uint16_t(v >> 16)).U16(uint16_t(v)); }
  TpmWriter& U64(uint64_t v) { return U32(uint32_t(v >> 32)).U32(uint32_t(v)); }
  TpmWriter& Raw(const std::vector<uint8_t>& d) {
    b_.insert(b_.end(), d.begin(), d.end());
    return *this;
  }
  TpmWriter& B(const std::vector<uint8_t>& d) { return U16(uint16_t(d.size())).Raw(d); }
  std::vector<uint8_t> bytes() const { return b_; }

 private:
  std::vector<uint8_t> b_;
};

// An AK's usual attributes: fixedTPM, fixedParent, sensitiveDataOrigin,
// userWithAuth, restricted, sign.
inline constexpr uint32_t kAkAttributes = 0x00050072;

// TPMT_PUBLIC of `key` with name algorithm SHA-256 and scheme NULL.
inline std::vector<uint8_t> TpmtPublicOf(EVP_PKEY* key, uint32_t attributes = kAkAttributes) {
  TpmWriter w;
  if (EVP_PKEY_is_a(key, "RSA")) {
    BIGNUM* n = nullptr;
    EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &n);
    std::vector<uint8_t> mod(size_t(BN_num_bytes(n)));
    BN_bn2bin(n, mod.data());
    BN_free(n);
    w.U16(tpmf::kAlgRsa).U16(kTpmAlgSha256).U32(attributes).U16(0);
    w.U16(tpmf::kAlgNull).U16(tpmf::kAlgNull).U16(uint16_t(mod.size() * 8)).U32(0).B(mod);
  } else {
    uint8_t point[97];
    size_t len = 0;
    EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof(point),
                                    &len);
    size_t c = (len - 1) / 2;
    std::vector<uint8_t> x(point + 1, point + 1 + c), y(point + 1 + c, point + len);
    w.U16(tpmf::kAlgEcc).U16(kTpmAlgSha256).U32(attributes).U16(0);
    w.U16(tpmf::kAlgNull)
        .U16(tpmf::kAlgNull)
        .U16(c == 32 ? tpmf::kEccNistP256 : tpmf::kEccNistP384)
        .U16(tpmf::kAlgNull)
        .B(x)
        .B(y);
  }
  return w.bytes();
}

struct TestSelection {
  HashAlg bank;
  std::vector<uint32_t> pcrs;
};

// TPMS_ATTEST of a quote.
inline std::vector<uint8_t> QuoteAttest(const std::vector<uint8_t>& extra_data,
                                        const std::vector<TestSelection>& selection,
                                        const std::vector<uint8_t>& pcr_digest) {
  TpmWriter w;
  w.U32(tpmf::kTpmGeneratedValue).U16(tpmf::kStAttestQuote);
  w.B(std::vector<uint8_t>(34, 0x5a));  // qualifiedSigner
  w.B(extra_data);
  w.U64(123456).U32(7).U32(0).U8(1).U64(0x2016051100162800ull);
  w.U32(uint32_t(selection.size()));
  for (const TestSelection& s : selection) {
    std::vector<uint8_t> bits(3, 0);
    for (uint32_t p : s.pcrs) bits[p / 8] |= uint8_t(1u << (p % 8));
    w.U16(TpmAlgId(s.bank)).U8(3).Raw(bits);
  }
  w.B(pcr_digest);
  return w.bytes();
}

inline const char* MdName(HashAlg h) {
  return h == HashAlg::kSha1 ? "SHA1" : h == HashAlg::kSha384 ? "SHA384" : "SHA256";
}

// TPMT_SIGNATURE over `message` with `key`: scheme tpmf::kAlgRsaSsa,
// kAlgRsaPss or kAlgEcdsa.
inline std::vector<uint8_t> SignQuote(EVP_PKEY* key, uint16_t scheme, HashAlg hash,
                                      const std::vector<uint8_t>& message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit_ex(ctx, &pctx, MdName(hash), nullptr, nullptr, key, nullptr);
  if (scheme == tpmf::kAlgRsaPss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, message.data(), message.size());
  std::vector<uint8_t> sig(len);
  EVP_DigestSign(ctx, sig.data(), &len, message.data(), message.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  TpmWriter w;
  w.U16(scheme).U16(TpmAlgId(hash));
  if (scheme != tpmf::kAlgEcdsa) return w.B(sig).bytes();
  const unsigned char* p = sig.data();
  ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, long(sig.size()));
  const BIGNUM *r = nullptr, *s = nullptr;
  ECDSA_SIG_get0(es, &r, &s);
  int n = EVP_PKEY_get_bits(key) / 8;
  std::vector<uint8_t> rb(size_t(n), 0), sb(size_t(n), 0);
  BN_bn2binpad(r, rb.data(), n);
  BN_bn2binpad(s, sb.data(), n);
  ECDSA_SIG_free(es);
  return w.B(rb).B(sb).bytes();
}

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_TPM_BUILDER_H_
