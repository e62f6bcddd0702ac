#include "verifier/crypto/ima_modsig.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/internal/issuer_serial.h"
#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::crypto {
namespace {

Status Bad(const std::string& message) {
  ERR_clear_error();
  return Status(ErrorCode::kBadValue, "modsig: " + message);
}

std::vector<uint8_t> Bytes(const ASN1_STRING* s) {
  const unsigned char* p = ASN1_STRING_get0_data(s);
  return std::vector<uint8_t>(p, p + ASN1_STRING_length(s));
}

}  // namespace

uint32_t Modsig::KeyId() const {
  if (skid.size() < 4) return 0;
  const uint8_t* p = skid.data() + skid.size() - 4;
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

bool Modsig::Names(const ImaKey& k) const {
  if (!skid.empty()) return k.skid == skid;
  return !issuer_serial.empty() && k.issuer_serial == issuer_serial;
}

Result<Modsig> ParseModsig(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  internal::CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, long(der.size())));
  if (cms == nullptr || p != der.data() + der.size()) {
    return Bad("not one DER PKCS#7/CMS structure");
  }
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed) {
    return Bad("content type is not SignedData");
  }
  if (CMS_is_detached(cms.get()) != 1) {
    return Bad("the signed content is embedded; an appended signature's is detached");
  }
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
  if (infos == nullptr || sk_CMS_SignerInfo_num(infos) != 1) {
    return Bad("expected exactly one SignerInfo");
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
  Modsig out;
  ASN1_OCTET_STRING* keyid = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1) {
    return Bad("the SignerInfo names no signer");
  }
  if (keyid != nullptr) {
    out.skid = Bytes(keyid);
  } else if (issuer != nullptr && serial != nullptr) {
    out.issuer_serial = internal::IssuerSerialKey(issuer, serial);
  }
  X509_ALGOR* dig = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, nullptr);
  if (dig == nullptr) return Bad("the SignerInfo has no digest algorithm");
  const int nid = OBJ_obj2nid(dig->algorithm);
  out.digest_alg = HashAlgFromNid(nid);
  out.digest_alg_name =
      out.digest_alg ? std::string(HashAlgName(*out.digest_alg)) : std::string(OBJ_nid2sn(nid));
  const ASN1_OCTET_STRING* sig = CMS_SignerInfo_get0_signature(si);
  if (sig == nullptr || ASN1_STRING_length(sig) == 0) return Bad("the SignerInfo has no signature");
  out.signature = Bytes(sig);
  const int attrs = CMS_signed_get_attr_count(si);
  if (attrs > 0) {
    auto* md = static_cast<ASN1_OCTET_STRING*>(CMS_signed_get0_data_by_OBJ(
        si, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING));
    if (md == nullptr) return Bad("signed attributes without one messageDigest");
    out.message_digest = Bytes(md);
    // The stack only borrows its attributes from the SignerInfo.
    internal::X509AttributeStackPtr set(sk_X509_ATTRIBUTE_new_null());
    for (int i = 0; set != nullptr && i < attrs; ++i) {
      sk_X509_ATTRIBUTE_push(set.get(), CMS_signed_get_attr(si, i));
    }
    unsigned char* enc = nullptr;
    int len = set ? ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(set.get()), &enc,
                                  ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY))
                  : 0;
    internal::OpensslBytesPtr enc_owner(enc);
    if (len <= 0) return Bad("the signed attributes do not encode");
    out.signed_attrs.assign(enc, enc + len);
  }
  return out;
}

bool VerifyModsig(const Modsig& m, const PublicKey& key, std::span<const uint8_t> content_digest,
                  std::string* why) {
  if (!m.digest_alg) {
    *why = "digest algorithm " + m.digest_alg_name + " is not supported";
    return false;
  }
  if (m.signed_attrs.empty()) {
    if (VerifyDigestSignature(key, *m.digest_alg, content_digest, m.signature)) return true;
    *why = "the signature over the file digest does not verify";
    return false;
  }
  if (m.message_digest.size() != content_digest.size() ||
      !std::equal(m.message_digest.begin(), m.message_digest.end(), content_digest.begin())) {
    *why = "the messageDigest attribute is not the logged d-modsig digest";
    return false;
  }
  Digest d = Hash(*m.digest_alg, m.signed_attrs);
  if (VerifyDigestSignature(key, *m.digest_alg, d.span(), m.signature)) return true;
  *why = "the signature over the signed attributes does not verify";
  return false;
}

}  // namespace ccv::crypto
