#include "verifier/crypto/authenticode_signature.h"

#include <cstring>

#include <openssl/asn1.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "verifier/crypto/digest.h"
#include "verifier/crypto/internal/openssl_ptr.h"
#include "verifier/crypto/x509.h"

namespace ccv::crypto {

namespace {

// SPC_INDIRECT_DATA_OBJID (Authenticode PE, "Authenticode-Specific Structures").
constexpr const char* kSpcIndirectDataOid = "1.3.6.1.4.1.311.2.1.4";

Status Bad(std::string message) {
  return Status(ErrorCode::kBadValue, "Authenticode signature: " + std::move(message));
}

std::string OidText(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof(buf), obj, 1);
  return n > 0 ? std::string(buf, size_t(std::min(n, int(sizeof(buf) - 1)))) : "?";
}

// One DER TLV header at *p (within `len` bytes): advances *p past the
// header and returns the content length. Fails on indefinite lengths.
bool ReadHeader(const unsigned char** p, long len, int want_tag, long* content_len) {
  int tag = 0;
  int cls = 0;
  int r = ASN1_get_object(p, content_len, &tag, &cls, len);
  if ((r & 0x80) != 0 || r == 0x21 || cls != V_ASN1_UNIVERSAL || tag != want_tag) return false;
  return true;
}

AuthenticodeCertificate Describe(X509* x, bool signer) {
  Certificate c(X509_dup(x));
  AuthenticodeCertificate out;
  out.subject = c.SubjectRfc2253();
  out.issuer = c.IssuerRfc2253();
  out.serial_hex = c.SerialHex();
  out.sha256_fingerprint = c.Sha256Fingerprint();
  out.not_before = c.NotBefore();
  out.not_after = c.NotAfter();
  out.signer = signer;
  return out;
}

// PKCS#7 (RFC 2315 9.3) as Authenticode uses it: the messageDigest
// attribute is the hash of the content octets of the SpcIndirectDataContent
// (without its SEQUENCE tag and length), and the signature covers the DER of
// the authenticated attributes as a SET.
void CheckSignature(PKCS7_SIGNER_INFO* si, X509* signer, const unsigned char* content,
                    size_t content_len, AuthenticodeSignature* out) {
  const EVP_MD* md = EVP_get_digestbyobj(si->digest_alg->algorithm);
  if (md == nullptr) {
    out->signature_detail =
        "unknown SignerInfo digest algorithm " + OidText(si->digest_alg->algorithm);
    return;
  }
  ASN1_OCTET_STRING* attr_md = PKCS7_digest_from_attributes(si->auth_attr);
  if (attr_md == nullptr) {
    out->signature_detail = "no messageDigest authenticated attribute";
    return;
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(content, content_len, digest, &digest_len, md, nullptr) != 1 ||
      attr_md->length != int(digest_len) || std::memcmp(attr_md->data, digest, digest_len) != 0) {
    out->signature_detail = "messageDigest attribute differs from the hash of the content";
    return;
  }
  unsigned char* der = nullptr;
  int der_len = ASN1_item_i2d(reinterpret_cast<ASN1_VALUE*>(si->auth_attr), &der,
                              ASN1_ITEM_rptr(PKCS7_ATTR_VERIFY));
  internal::OpensslBytesPtr der_owner(der);
  if (der_len <= 0) {
    out->signature_detail = "authenticated attributes do not encode";
    return;
  }
  internal::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY* key = X509_get0_pubkey(signer);
  if (ctx == nullptr || key == nullptr ||
      EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key) != 1 ||
      EVP_DigestVerify(ctx.get(), si->enc_digest->data, size_t(si->enc_digest->length), der,
                       size_t(der_len)) != 1) {
    out->signature_detail = "the signer certificate's key does not verify the SignerInfo signature";
    return;
  }
  out->signature_valid = true;
}

}  // namespace

Result<AuthenticodeSignature> ParseAuthenticodeSignature(std::span<const uint8_t> pkcs7_der) {
  const unsigned char* p = pkcs7_der.data();
  internal::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, long(pkcs7_der.size())));
  if (p7 == nullptr) return Bad("not a DER PKCS#7 structure");
  if (!PKCS7_type_is_signed(p7.get()) || p7->d.sign == nullptr) {
    return Bad("PKCS#7 content type is not SignedData");
  }
  PKCS7* inner = p7->d.sign->contents;
  if (inner == nullptr || inner->type == nullptr || OidText(inner->type) != kSpcIndirectDataOid) {
    return Bad("SignedData content is not SpcIndirectDataContent (" +
               std::string(kSpcIndirectDataOid) + ")");
  }
  ASN1_TYPE* other = inner->d.other;
  if (other == nullptr || other->type != V_ASN1_SEQUENCE || other->value.sequence == nullptr) {
    return Bad("SpcIndirectDataContent is not a SEQUENCE");
  }
  // SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue,
  //                                       messageDigest DigestInfo }
  const unsigned char* seq = other->value.sequence->data;
  const long seq_len = other->value.sequence->length;
  const unsigned char* q = seq;
  long content_len = 0;
  if (!ReadHeader(&q, seq_len, V_ASN1_SEQUENCE, &content_len) ||
      content_len != seq_len - long(q - seq)) {
    return Bad("SpcIndirectDataContent: malformed SEQUENCE");
  }
  const unsigned char* content = q;
  const unsigned char* end = q + content_len;
  long data_len = 0;
  if (!ReadHeader(&q, long(end - q), V_ASN1_SEQUENCE, &data_len) || data_len > long(end - q)) {
    return Bad("SpcIndirectDataContent: malformed data (SpcAttributeTypeAndOptionalValue)");
  }
  q += data_len;
  internal::X509SigPtr di(d2i_X509_SIG(nullptr, &q, long(end - q)));
  if (di == nullptr || q != end) {
    return Bad("SpcIndirectDataContent: messageDigest is not one DigestInfo");
  }
  const X509_ALGOR* alg = nullptr;
  const ASN1_OCTET_STRING* digest = nullptr;
  X509_SIG_get0(di.get(), &alg, &digest);
  AuthenticodeSignature out;
  const int nid = OBJ_obj2nid(alg->algorithm);
  out.digest_alg = HashAlgFromNid(nid);
  out.digest_alg_name =
      out.digest_alg ? std::string(HashAlgName(*out.digest_alg)) : OidText(alg->algorithm);
  out.image_digest.assign(digest->data, digest->data + digest->length);
  if (out.digest_alg && out.image_digest.size() != DigestLen(*out.digest_alg)) {
    return Bad("messageDigest holds " + std::to_string(out.image_digest.size()) + " bytes, not a " +
               out.digest_alg_name + " digest");
  }

  STACK_OF(PKCS7_SIGNER_INFO)* infos = PKCS7_get_signer_info(p7.get());
  if (infos == nullptr || sk_PKCS7_SIGNER_INFO_num(infos) != 1) {
    return Bad("expected exactly one SignerInfo");
  }
  PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(infos, 0);
  internal::X509StackPtr signers(PKCS7_get0_signers(p7.get(), nullptr, 0));
  if (signers == nullptr || sk_X509_num(signers.get()) != 1) {
    return Status(ErrorCode::kNotFound,
                  "Authenticode signature: the signer's certificate is not in the SignedData");
  }
  X509* signer = sk_X509_value(signers.get(), 0);
  out.certificates.push_back(Describe(signer, true));
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; certs != nullptr && i < sk_X509_num(certs); ++i) {
    X509* x = sk_X509_value(certs, i);
    if (X509_cmp(x, signer) == 0) continue;
    out.certificates.push_back(Describe(x, false));
  }
  CheckSignature(si, signer, content, size_t(content_len), &out);
  return out;
}

Result<bool> AuthenticodeVerifiesUnder(std::span<const uint8_t> pkcs7_der,
                                       std::span<const uint8_t> anchor_der) {
  CCV_ASSIGN_OR_RETURN(AuthenticodeSignature sig, ParseAuthenticodeSignature(pkcs7_der));
  if (!sig.signature_valid) return false;
  const unsigned char* a = anchor_der.data();
  internal::X509Ptr anchor(d2i_X509(nullptr, &a, long(anchor_der.size())));
  if (anchor == nullptr || a != anchor_der.data() + anchor_der.size()) {
    return Status(ErrorCode::kBadValue, "trusted certificate: not one DER X.509 certificate");
  }
  const unsigned char* p = pkcs7_der.data();
  internal::Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, long(pkcs7_der.size())));
  internal::X509StackPtr signers(p7 ? PKCS7_get0_signers(p7.get(), nullptr, 0) : nullptr);
  if (signers == nullptr || sk_X509_num(signers.get()) != 1) return false;
  internal::X509StorePtr store(X509_STORE_new());
  internal::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (store == nullptr || ctx == nullptr || X509_STORE_add_cert(store.get(), anchor.get()) != 1) {
    return Status(ErrorCode::kInternal, "OpenSSL: cannot set up a certificate store");
  }
  // As EDK2's Pkcs7Verify: a trusted intermediate ends a chain; no time or
  // purpose checks (firmware has no trusted clock; Authenticode signers
  // carry code-signing, not S/MIME, key usages).
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN | X509_V_FLAG_NO_CHECK_TIME);
  X509_STORE_set_purpose(store.get(), X509_PURPOSE_ANY);
  if (X509_STORE_CTX_init(ctx.get(), store.get(), sk_X509_value(signers.get(), 0),
                          p7->d.sign->cert) != 1) {
    return Status(ErrorCode::kInternal, "OpenSSL: cannot set up a chain check");
  }
  return X509_verify_cert(ctx.get()) == 1;
}

}  // namespace ccv::crypto
