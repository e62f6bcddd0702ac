#include "verifier/crypto/x509.h"

#include <climits>
#include <cstring>
#include <ctime>
#include <memory>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "verifier/crypto/internal/openssl_ptr.h"

namespace ccv::crypto {

namespace {

using internal::BioPtr;

// Calls `each(block, body)` for every "-----BEGIN CERTIFICATE-----" ...
// "-----END CERTIFICATE-----" block of `pem` in order (`body` is the base64
// between the two lines) and stops at its first error. Text outside the
// blocks is ignored. Errors also: kTruncated for a block with no END line,
// kLimitExceeded past 16 certificates, kNotFound when there is none.
template <typename F>
Status ForEachPemCertificate(std::string_view pem, F&& each) {
  static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  size_t count = 0;
  size_t pos = 0;
  while (true) {
    const size_t b = pem.find(kBegin, pos);
    if (b == std::string_view::npos) break;
    const size_t body = b + kBegin.size();
    const size_t e = pem.find(kEnd, body);
    if (e == std::string_view::npos) {
      return Status(ErrorCode::kTruncated,
                    "certificate " + std::to_string(count) + " of the PEM chain has no END line");
    }
    pos = e + kEnd.size();
    CCV_RETURN_IF_ERROR(each(pem.substr(b, pos - b), pem.substr(body, e - body)));
    if (++count > 16) return Status(ErrorCode::kLimitExceeded, "more than 16 certificates");
  }
  if (count == 0) return Status(ErrorCode::kNotFound, "no PEM certificate found");
  return Status::Ok();
}

std::string CommonName(const X509_NAME* name) {
  if (name == nullptr) return "";
  int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (idx < 0) return "";
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  unsigned char* utf8 = nullptr;
  const int len = ASN1_STRING_to_UTF8(&utf8, s);
  const internal::OpensslBytesPtr owned(utf8);
  if (len < 0) return "";
  return std::string(reinterpret_cast<char*>(utf8), size_t(len));
}

std::string NameDer(const X509_NAME* name) {
  const unsigned char* der = nullptr;
  size_t len = 0;
  if (name == nullptr || X509_NAME_get0_der(const_cast<X509_NAME*>(name), &der, &len) != 1) {
    return "";
  }
  return std::string(reinterpret_cast<const char*>(der), len);
}

int64_t AsnTimeToUnix(const ASN1_TIME* t, int64_t fallback) {
  struct tm tm {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return fallback;
  return int64_t(timegm(&tm));
}

template <typename T, int (*I2d)(const T*, unsigned char**)>
std::string ToDer(const T* obj) {
  int len = I2d(obj, nullptr);
  if (len <= 0) return "";
  std::string out(size_t(len), '\0');
  unsigned char* p = reinterpret_cast<unsigned char*>(out.data());
  I2d(obj, &p);
  return out;
}

int I2dX509(const X509* x, unsigned char** p) { return i2d_X509(x, p); }
int I2dCrl(const X509_CRL* c, unsigned char** p) {
  return i2d_X509_CRL(const_cast<X509_CRL*>(c), p);
}

}  // namespace

// --- Certificate ---

Certificate::~Certificate() { X509_free(x_); }

Certificate& Certificate::operator=(Certificate&& o) noexcept {
  internal::MoveOwned<X509_free>(&x_, &o.x_);
  return *this;
}

Certificate Certificate::Clone() const {
  if (x_ != nullptr) X509_up_ref(x_);
  return Certificate(x_);
}

Result<Certificate> Certificate::FromDer(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  internal::X509Ptr x(d2i_X509(nullptr, &p, long(der.size())));
  if (!x) return Status(ErrorCode::kBadValue, "certificate DER does not parse");
  if (p != der.data() + der.size()) {
    return Status(ErrorCode::kBadLength, "bytes after the certificate DER");
  }
  return Certificate(x.release());
}

Result<std::vector<Certificate>> Certificate::ParsePemChain(std::string_view pem) {
  std::vector<Certificate> out;
  CCV_RETURN_IF_ERROR(ForEachPemCertificate(pem, [&](std::string_view block, std::string_view) {
    BioPtr bio(BIO_new_mem_buf(block.data(), int(block.size())));
    X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
    if (x == nullptr) {
      return Status(ErrorCode::kBadValue, "certificate " + std::to_string(out.size()) +
                                              " of the PEM chain does not parse");
    }
    out.emplace_back(x);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<std::string>> Certificate::PemChainToDer(std::string_view pem) {
  std::vector<std::string> out;
  CCV_RETURN_IF_ERROR(ForEachPemCertificate(pem, [&](std::string_view, std::string_view body) {
    std::string der(body.size() / 4 * 3 + 3, '\0');
    const internal::EvpEncodeCtxPtr ctx(EVP_ENCODE_CTX_new());
    EVP_DecodeInit(ctx.get());
    int len = 0, fin = 0;
    const int rc =
        EVP_DecodeUpdate(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len,
                         reinterpret_cast<const unsigned char*>(body.data()), int(body.size()));
    const bool ok =
        rc >= 0 &&
        EVP_DecodeFinal(ctx.get(), reinterpret_cast<unsigned char*>(der.data()) + len, &fin) == 1;
    if (!ok) {
      return Status(ErrorCode::kBadValue, "certificate " + std::to_string(out.size()) +
                                              " of the PEM chain is not valid base64");
    }
    der.resize(size_t(len) + size_t(fin));
    out.push_back(std::move(der));
    return Status::Ok();
  }));
  return out;
}

std::string Certificate::SubjectCommonName() const { return CommonName(X509_get_subject_name(x_)); }
std::string Certificate::IssuerCommonName() const { return CommonName(X509_get_issuer_name(x_)); }
std::string Certificate::SubjectOneLine() const {
  char buf[512];
  X509_NAME_oneline(X509_get_subject_name(x_), buf, sizeof(buf));
  return buf;
}
namespace {
std::string NameRfc2253(const X509_NAME* name) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0) {
    return "";
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return n > 0 ? std::string(data, size_t(n)) : std::string();
}
}  // namespace

std::string Certificate::SubjectRfc2253() const { return NameRfc2253(X509_get_subject_name(x_)); }
std::string Certificate::IssuerRfc2253() const { return NameRfc2253(X509_get_issuer_name(x_)); }
std::string Certificate::SubjectDer() const { return NameDer(X509_get_subject_name(x_)); }
std::string Certificate::IssuerDer() const { return NameDer(X509_get_issuer_name(x_)); }
bool Certificate::IsSelfIssued() const { return SubjectDer() == IssuerDer(); }
int64_t Certificate::NotBefore() const { return AsnTimeToUnix(X509_get0_notBefore(x_), INT64_MAX); }
int64_t Certificate::NotAfter() const { return AsnTimeToUnix(X509_get0_notAfter(x_), INT64_MIN); }

std::string Certificate::SerialHex() const {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x_);
  const internal::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  const internal::OpensslCharsPtr hex(bn ? BN_bn2hex(bn.get()) : nullptr);
  return hex ? std::string(hex.get()) : std::string();
}

bool Certificate::IsCa() const { return X509_check_ca(x_) > 0; }

std::array<uint8_t, 32> Certificate::Sha256Fingerprint() const {
  std::array<uint8_t, 32> out{};
  unsigned int len = 0;
  X509_digest(x_, EVP_sha256(), out.data(), &len);
  return out;
}

std::string Certificate::Der() const { return ToDer<X509, I2dX509>(x_); }

std::string Certificate::Pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x_);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(len));
}

bool Certificate::SignatureVerifiesWith(const Certificate& issuer) const {
  EVP_PKEY* key = X509_get0_pubkey(issuer.x_);
  return key != nullptr && X509_verify(x_, key) == 1;
}

Result<PublicKey> Certificate::GetPublicKey() const {
  EVP_PKEY* key = X509_get_pubkey(x_);
  if (key == nullptr) return Status(ErrorCode::kBadValue, "certificate has no usable public key");
  return PublicKey(key);
}

Result<std::string> Certificate::ExtensionValue(const char* oid) const {
  const internal::AsnObjectPtr obj(OBJ_txt2obj(oid, 1));
  if (!obj) return Status(ErrorCode::kInternal, "bad OID");
  const int idx = X509_get_ext_by_OBJ(x_, obj.get(), -1);
  if (idx < 0) return Status(ErrorCode::kNotFound, std::string("no extension ") + oid);
  const ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(X509_get_ext(x_, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(v)),
                     size_t(ASN1_STRING_length(v)));
}

Result<std::vector<std::string>> Certificate::CrlDistributionPointUris() const {
  std::vector<std::string> uris;
  int crit = 0;
  const internal::CrlDistPointsPtr dps(static_cast<CRL_DIST_POINTS*>(
      X509_get_ext_d2i(x_, NID_crl_distribution_points, &crit, nullptr)));
  if (!dps) {
    // -1: absent; anything else: present but undecodable (or repeated).
    if (crit == -1) return uris;
    return Status(ErrorCode::kBadValue, "CRL distribution points extension does not decode");
  }
  for (int i = 0; i < sk_DIST_POINT_num(dps.get()); ++i) {
    const DIST_POINT* dp = sk_DIST_POINT_value(dps.get(), i);
    if (dp->distpoint == nullptr || dp->distpoint->type != 0) continue;  // not a fullName
    const GENERAL_NAMES* names = dp->distpoint->name.fullname;
    for (int k = 0; k < sk_GENERAL_NAME_num(names); ++k) {
      const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, k);
      if (gn->type != GEN_URI) continue;
      const ASN1_IA5STRING* uri = gn->d.uniformResourceIdentifier;
      uris.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                        size_t(ASN1_STRING_length(uri)));
    }
  }
  return uris;
}

// --- Crl ---

Crl::~Crl() { X509_CRL_free(c_); }

Crl& Crl::operator=(Crl&& o) noexcept {
  internal::MoveOwned<X509_CRL_free>(&c_, &o.c_);
  return *this;
}

Result<Crl> Crl::FromDer(std::span<const uint8_t> der) {
  const unsigned char* p = der.data();
  X509_CRL* c = d2i_X509_CRL(nullptr, &p, long(der.size()));
  if (c == nullptr) return Status(ErrorCode::kBadValue, "CRL DER does not parse");
  return Crl(c);
}

Result<Crl> Crl::FromBytes(std::span<const uint8_t> data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN X509 CRL-----") != std::string_view::npos) {
    BioPtr bio(BIO_new_mem_buf(data.data(), int(data.size())));
    X509_CRL* c = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
    if (c == nullptr) return Status(ErrorCode::kBadValue, "PEM CRL does not parse");
    return Crl(c);
  }
  return FromDer(data);
}

std::string Crl::IssuerCommonName() const { return CommonName(X509_CRL_get_issuer(c_)); }
std::string Crl::IssuerDer() const { return NameDer(X509_CRL_get_issuer(c_)); }
int64_t Crl::ThisUpdate() const { return AsnTimeToUnix(X509_CRL_get0_lastUpdate(c_), INT64_MAX); }
int64_t Crl::NextUpdate() const {
  const ASN1_TIME* t = X509_CRL_get0_nextUpdate(c_);
  return t == nullptr ? INT64_MAX : AsnTimeToUnix(t, INT64_MIN);
}

bool Crl::SignatureVerifiesWith(const Certificate& issuer) const {
  EVP_PKEY* key = X509_get0_pubkey(issuer.get());
  return key != nullptr && X509_CRL_verify(c_, key) == 1;
}

bool Crl::Revokes(const Certificate& cert) const {
  X509_REVOKED* rev = nullptr;
  return X509_CRL_get0_by_serial(
             c_, &rev, const_cast<ASN1_INTEGER*>(X509_get0_serialNumber(cert.get()))) == 1;
}

size_t Crl::NumRevoked() const {
  STACK_OF(X509_REVOKED)* revs = X509_CRL_get_REVOKED(c_);
  return revs == nullptr ? 0 : size_t(sk_X509_REVOKED_num(revs));
}

std::string Crl::Der() const { return ToDer<X509_CRL, I2dCrl>(c_); }

// --- time ---

Result<int64_t> ParseRfc3339(std::string_view text) {
  // A date alone is a policy convenience; collateral carries full times.
  Result<Time> t = Status(ErrorCode::kBadValue, "expected a time of day");
  if (text.size() > 10) t = ParseRfc3339Time(text);
  if (!t.ok()) {
    std::string msg = "'";
    msg.append(text.data(), text.size());
    msg.append("' is not an RFC 3339 time (YYYY-MM-DDTHH:MM:SSZ)");
    return Status(ErrorCode::kBadValue, std::move(msg));
  }
  return t->seconds;
}

std::string FormatRfc3339(Time t) { return FormatRfc3339Time(t); }

}  // namespace ccv::crypto
