// X.509 certificates and CRLs (RFC 5280) through OpenSSL: parsing (DER, PEM
// chains), signature checks against an issuer, validity at a given time,
// revocation, and the names and extensions DCAP verification reads.
//
// Certificate and Crl are move-only RAII owners; copies share nothing.
// Const methods may be called from several threads at once.
#ifndef CCV_VERIFIER_CRYPTO_X509_H_
#define CCV_VERIFIER_CRYPTO_X509_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "parsers/core/time.h"
#include "verifier/crypto/ecdsa.h"

typedef struct x509_st X509;
typedef struct X509_crl_st X509_CRL;

namespace ccv::crypto {

class Certificate {
 public:
  Certificate() = default;
  explicit Certificate(X509* x) : x_(x) {}  // takes ownership
  ~Certificate();
  Certificate(Certificate&& o) noexcept : x_(o.x_) { o.x_ = nullptr; }
  Certificate& operator=(Certificate&& o) noexcept;
  Certificate(const Certificate&) = delete;
  Certificate& operator=(const Certificate&) = delete;
  Certificate Clone() const;

  static Result<Certificate> FromDer(std::span<const uint8_t> der);
  // Every certificate of a PEM text, in order. Text after the last END line
  // (NUL padding in quotes) is ignored. Errors: kBadValue naming the index of
  // a certificate that does not parse, kNotFound if there is none.
  static Result<std::vector<Certificate>> ParsePemChain(std::string_view pem);
  // The DER of every certificate of a PEM text, without parsing it (cheap:
  // lets callers reuse certificates they already hold).
  static Result<std::vector<std::string>> PemChainToDer(std::string_view pem);

  X509* get() const { return x_; }
  std::string SubjectCommonName() const;
  std::string IssuerCommonName() const;
  std::string SubjectOneLine() const;
  // Subject / issuer as an RFC 2253 string ("CN=...,O=...,C=US"), UTF-8.
  std::string SubjectRfc2253() const;
  std::string IssuerRfc2253() const;
  // DER of the subject / issuer Name (byte-exact comparisons).
  std::string SubjectDer() const;
  std::string IssuerDer() const;
  bool IsSelfIssued() const;
  // notBefore / notAfter as Unix seconds.
  int64_t NotBefore() const;
  int64_t NotAfter() const;
  // notBefore <= t <= notAfter: a fraction of a second outside is outside.
  bool ValidAt(Time t) const { return WithinWindow(t, NotBefore(), NotAfter()); }
  std::string SerialHex() const;
  bool IsCa() const;
  std::array<uint8_t, 32> Sha256Fingerprint() const;
  std::string Der() const;
  std::string Pem() const;
  // True if `issuer`'s key verifies this certificate's signature.
  bool SignatureVerifiesWith(const Certificate& issuer) const;
  Result<PublicKey> GetPublicKey() const;
  // The DER content (extnValue) of the extension with this dotted OID.
  Result<std::string> ExtensionValue(const char* oid) const;
  // The URIs of the CRL distribution points (RFC 5280 4.2.1.13: every
  // DistributionPoint's fullName entries of type uniformResourceIdentifier),
  // in order; empty when the extension is absent. Errors: kBadValue when the
  // extension does not decode.
  Result<std::vector<std::string>> CrlDistributionPointUris() const;

 private:
  X509* x_ = nullptr;
};

class Crl {
 public:
  Crl() = default;
  explicit Crl(X509_CRL* c) : c_(c) {}
  ~Crl();
  Crl(Crl&& o) noexcept : c_(o.c_) { o.c_ = nullptr; }
  Crl& operator=(Crl&& o) noexcept;
  Crl(const Crl&) = delete;
  Crl& operator=(const Crl&) = delete;

  static Result<Crl> FromDer(std::span<const uint8_t> der);
  // DER or PEM.
  static Result<Crl> FromBytes(std::span<const uint8_t> data);

  X509_CRL* get() const { return c_; }
  std::string IssuerCommonName() const;
  std::string IssuerDer() const;
  int64_t ThisUpdate() const;
  // INT64_MAX when absent.
  int64_t NextUpdate() const;
  // thisUpdate <= t <= nextUpdate: a fraction of a second outside is outside.
  bool ValidAt(Time t) const { return WithinWindow(t, ThisUpdate(), NextUpdate()); }
  bool SignatureVerifiesWith(const Certificate& issuer) const;
  // True if `cert`'s serial number is listed.
  bool Revokes(const Certificate& cert) const;
  size_t NumRevoked() const;
  std::string Der() const;

 private:
  X509_CRL* c_ = nullptr;
};

// "2025-07-19T10:01:17Z" (RFC 3339 date and time, ParseRfc3339Time's
// grammar without a date alone) -> Unix seconds, the fraction dropped (the
// floor). Errors: kBadValue.
Result<int64_t> ParseRfc3339(std::string_view text);
// "2025-07-19T10:01:17Z", with the fraction when `t` has one
// ("2025-07-19T10:01:17.5Z").
std::string FormatRfc3339(Time t);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_X509_H_
