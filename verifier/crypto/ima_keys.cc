#include "verifier/crypto/ima_keys.h"

#include <algorithm>
#include <filesystem>
#include <string_view>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "verifier/crypto/internal/issuer_serial.h"
#include "verifier/crypto/internal/openssl_ptr.h"
#include "verifier/crypto/signature.h"

namespace ccv::crypto {
namespace {

constexpr uint64_t kMaxKeyFileLen = 1 << 20;

const EVP_MD* MdOf(HashAlg alg) {
  switch (alg) {
    case HashAlg::kSha1:
      return EVP_sha1();
    case HashAlg::kSha256:
      return EVP_sha256();
    case HashAlg::kSha384:
      return EVP_sha384();
    case HashAlg::kSha512:
      return EVP_sha512();
    case HashAlg::kSm3_256:
      return EVP_get_digestbyname("SM3");
  }
  return nullptr;
}

uint32_t Last4(const unsigned char* p, size_t len) {
  if (len < 4) return 0;
  p += len - 4;
  return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}

// SHA-1 over the subjectPublicKey bits (evmctl calc_keyid_v2; RFC 5280
// 4.2.1.2 method 1), empty if the key does not encode.
std::vector<uint8_t> SpkiSha1(EVP_PKEY* pkey) {
  X509_PUBKEY* raw = nullptr;
  const bool set = X509_PUBKEY_set(&raw, pkey) == 1;
  const internal::X509PubkeyPtr pk(raw);
  std::vector<uint8_t> out;
  const unsigned char* bits = nullptr;
  int len = 0;
  if (set && X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, pk.get()) == 1) {
    out.resize(SHA_DIGEST_LENGTH);
    SHA1(bits, size_t(len), out.data());
  }
  return out;
}

// The certificate's SubjectKeyIdentifier, or SHA-1 of its key bits.
std::vector<uint8_t> CertSkid(X509* x) {
  const ASN1_OCTET_STRING* skid = X509_get0_subject_key_id(x);
  if (skid != nullptr && ASN1_STRING_length(skid) >= 4) {
    const unsigned char* p = ASN1_STRING_get0_data(skid);
    return std::vector<uint8_t>(p, p + ASN1_STRING_length(skid));
  }
  return SpkiSha1(X509_get0_pubkey(x));
}

uint32_t CertKeyId(X509* x) {
  std::vector<uint8_t> skid = CertSkid(x);
  return Last4(skid.data(), skid.size());
}

std::string SubjectOf(X509* x) {
  const internal::BioPtr b(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(b.get(), X509_get_subject_name(x), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, size_t(n));
}

ImaKey FromCert(X509* x, const std::string& source) {
  ImaKey k;
  EVP_PKEY* pkey = X509_get_pubkey(x);  // a new reference
  k.key = std::make_shared<const PublicKey>(pkey);
  k.skid = CertSkid(x);
  k.keyid = Last4(k.skid.data(), k.skid.size());
  k.issuer_serial = internal::IssuerSerialKey(X509_get_issuer_name(x), X509_get0_serialNumber(x));
  k.subject = SubjectOf(x);
  k.source = source;
  k.kind = DescribeKey(*k.key);
  return k;
}

ImaKey FromPkey(EVP_PKEY* pkey, const std::string& source) {
  ImaKey k;
  k.key = std::make_shared<const PublicKey>(pkey);
  k.skid = SpkiSha1(pkey);
  k.keyid = Last4(k.skid.data(), k.skid.size());
  k.source = source;
  k.kind = DescribeKey(*k.key);
  return k;
}

}  // namespace

Result<uint32_t> CertificateKeyId(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  const internal::X509Ptr x(d2i_X509(nullptr, &p, long(der.size())));
  if (!x) return Status(ErrorCode::kBadValue, "not a DER X.509 certificate");
  return CertKeyId(x.get());
}

Result<std::vector<ImaKey>> LoadImaKeys(std::span<const uint8_t> data, const std::string& source) {
  std::vector<ImaKey> out;
  const std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN ") != std::string_view::npos) {
    const internal::BioPtr bio(BIO_new_mem_buf(data.data(), int(data.size())));
    size_t n = 0;
    while (true) {
      char* name = nullptr;
      char* header = nullptr;
      unsigned char* der = nullptr;
      long len = 0;
      const bool read = PEM_read_bio(bio.get(), &name, &header, &der, &len) == 1;
      const internal::OpensslCharsPtr owned_name(name), owned_header(header);
      const internal::OpensslBytesPtr owned_der(der);
      if (!read) break;
      const std::string label(name);
      const std::string where = source + " #" + std::to_string(n++);
      const unsigned char* p = der;
      if (label == "CERTIFICATE") {
        const internal::X509Ptr x(d2i_X509(nullptr, &p, len));
        if (x) out.push_back(FromCert(x.get(), where));
      } else if (label == "PUBLIC KEY") {
        EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, len);
        if (pkey != nullptr) out.push_back(FromPkey(pkey, where));
      }
    }
    ERR_clear_error();
  } else {
    const unsigned char* p = data.data();
    if (const internal::X509Ptr x(d2i_X509(nullptr, &p, long(data.size()))); x) {
      out.push_back(FromCert(x.get(), source));
    } else {
      p = data.data();
      if (EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &p, long(data.size())); pkey != nullptr) {
        out.push_back(FromPkey(pkey, source));
      }
    }
    ERR_clear_error();
  }
  if (out.empty()) {
    return Status(ErrorCode::kBadValue,
                  "no key: expected PEM or DER X.509 certificates or public keys")
        .WithFile(source);
  }
  return out;
}

Result<std::vector<ImaKey>> LoadImaKeysFromPath(const std::string& path) {
  std::error_code ec;
  std::vector<std::string> files;
  if (std::filesystem::is_directory(path, ec)) {
    for (std::filesystem::directory_iterator it(path, ec), end; !ec && it != end;
         it.increment(ec)) {
      if (it->is_regular_file()) files.push_back(it->path().string());
    }
    if (ec) return Status(ErrorCode::kIo, "cannot list: " + ec.message()).WithFile(path);
    std::sort(files.begin(), files.end());
    if (files.empty()) return Status(ErrorCode::kNotFound, "no key files").WithFile(path);
  } else {
    files.push_back(path);
  }
  std::vector<ImaKey> out;
  for (const std::string& f : files) {
    CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, ReadFileBytes(f, kMaxKeyFileLen));
    CCV_ASSIGN_OR_RETURN(std::vector<ImaKey> keys, LoadImaKeys(bytes, f));
    for (ImaKey& k : keys) out.push_back(std::move(k));
  }
  return out;
}

bool VerifyDigestSignature(const PublicKey& key, HashAlg alg, std::span<const uint8_t> digest,
                           std::span<const uint8_t> sig) {
  const EVP_MD* md = MdOf(alg);
  if (md == nullptr || !key.valid() || digest.size() != size_t(EVP_MD_get_size(md))) return false;
  const internal::EvpPkeyCtxPtr owned(EVP_PKEY_CTX_new(key.get(), nullptr));
  EVP_PKEY_CTX* ctx = owned.get();
  bool ok = ctx != nullptr && EVP_PKEY_verify_init(ctx) == 1;
  if (ok && IsRsaKey(key)) ok = EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1;
  if (ok) ok = EVP_PKEY_CTX_set_signature_md(ctx, md) == 1;
  if (ok) ok = EVP_PKEY_verify(ctx, sig.data(), sig.size(), digest.data(), digest.size()) == 1;
  ERR_clear_error();
  return ok;
}

namespace internal {

std::string IssuerSerialKey(const X509_NAME* issuer, const ASN1_INTEGER* serial) {
  unsigned char* der = nullptr;
  const int len = issuer != nullptr ? i2d_X509_NAME(issuer, &der) : 0;
  const OpensslBytesPtr owned_der(der);
  const BignumPtr bn(serial != nullptr ? ASN1_INTEGER_to_BN(serial, nullptr) : nullptr);
  if (len <= 0 || !bn) return "";
  std::vector<uint8_t> sn(size_t(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), sn.data());
  return ToHex(std::span<const uint8_t>(der, size_t(len))) + ":" + ToHex(sn);
}

}  // namespace internal
}  // namespace ccv::crypto
