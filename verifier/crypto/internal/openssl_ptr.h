// Owning pointers to OpenSSL objects: one std::unique_ptr alias per type,
// each freeing with that type's own free function. Every OpenSSL user in the
// tree (verifier/crypto and the test builders) takes its owners from here
// instead of defining deleters of its own. Stateless; thread-compatible as
// std::unique_ptr is.
#ifndef CCV_VERIFIER_CRYPTO_INTERNAL_OPENSSL_PTR_H_
#define CCV_VERIFIER_CRYPTO_INTERNAL_OPENSSL_PTR_H_

#include <memory>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace ccv::crypto::internal {

// Calls Free(p); the deleter of every alias below whose free function is a
// real function (not a macro).
template <auto Free>
struct FreeWith {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using AsnObjectPtr = std::unique_ptr<ASN1_OBJECT, FreeWith<ASN1_OBJECT_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, FreeWith<BN_free>>;
using BioPtr = std::unique_ptr<BIO, FreeWith<BIO_free>>;
using CrlDistPointsPtr = std::unique_ptr<CRL_DIST_POINTS, FreeWith<CRL_DIST_POINTS_free>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, FreeWith<CMS_ContentInfo_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, FreeWith<ECDSA_SIG_free>>;
using EcGroupPtr = std::unique_ptr<EC_GROUP, FreeWith<EC_GROUP_free>>;
using EcPointPtr = std::unique_ptr<EC_POINT, FreeWith<EC_POINT_free>>;
using EvpEncodeCtxPtr = std::unique_ptr<EVP_ENCODE_CTX, FreeWith<EVP_ENCODE_CTX_free>>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, FreeWith<EVP_MD_CTX_free>>;
using EvpMdPtr = std::unique_ptr<EVP_MD, FreeWith<EVP_MD_free>>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, FreeWith<EVP_PKEY_CTX_free>>;
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, FreeWith<EVP_PKEY_free>>;
using OsslParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, FreeWith<OSSL_PARAM_BLD_free>>;
using OsslParamPtr = std::unique_ptr<OSSL_PARAM, FreeWith<OSSL_PARAM_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, FreeWith<PKCS7_free>>;
using X509Ptr = std::unique_ptr<X509, FreeWith<X509_free>>;
using X509PubkeyPtr = std::unique_ptr<X509_PUBKEY, FreeWith<X509_PUBKEY_free>>;
using X509SigPtr = std::unique_ptr<X509_SIG, FreeWith<X509_SIG_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, FreeWith<X509_STORE_CTX_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, FreeWith<X509_STORE_free>>;

// The move assignment of a class that owns one OpenSSL object through a raw
// pointer (its public header declares no OpenSSL types): frees what `*dst`
// held and takes `*src`'s object.
template <auto Free, typename T>
void MoveOwned(T** dst, T** src) noexcept {
  if (dst == src) return;
  Free(*dst);
  *dst = *src;
  *src = nullptr;
}

// OPENSSL_free and the sk_*_free family are macros, so they get deleters of
// their own.
struct OpensslFree {
  void operator()(void* p) const { OPENSSL_free(p); }
};
// Memory OpenSSL allocated for the caller (i2d_* output, BN_bn2hex text).
using OpensslBytesPtr = std::unique_ptr<unsigned char, OpensslFree>;
using OpensslCharsPtr = std::unique_ptr<char, OpensslFree>;

struct X509StackFree {
  void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
// A stack that does not own its certificates (PKCS7_get0_signers).
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

struct X509AttributeStackFree {
  void operator()(STACK_OF(X509_ATTRIBUTE) * s) const { sk_X509_ATTRIBUTE_free(s); }
};
// A stack that does not own its attributes.
using X509AttributeStackPtr = std::unique_ptr<STACK_OF(X509_ATTRIBUTE), X509AttributeStackFree>;

struct AsnSequenceFree {
  void operator()(ASN1_SEQUENCE_ANY* s) const { sk_ASN1_TYPE_pop_free(s, ASN1_TYPE_free); }
};
// A decoded SEQUENCE OF ANY that owns its elements.
using AsnSequencePtr = std::unique_ptr<ASN1_SEQUENCE_ANY, AsnSequenceFree>;

}  // namespace ccv::crypto::internal

#endif  // CCV_VERIFIER_CRYPTO_INTERNAL_OPENSSL_PTR_H_
