// The Intel SGX extension of PCK certificates (OID 1.2.840.113741.1.13.1),
// read with OpenSSL's ASN.1 API. Layout: Intel SGX PCK Certificate and
// Certificate Revocation List Profile Specification, section 1.5.
//
//   SGXExtensions ::= SEQUENCE OF SEQUENCE { OID, value }
//     .1 PPID OCTET STRING (16)       .2 TCB SEQUENCE { .2.1-.2.16 INTEGER
//     (SGX TCB components), .2.17 INTEGER (PCESVN), .2.18 OCTET STRING (CPUSVN) }
//     .3 PCE-ID OCTET STRING (2)      .4 FMSPC OCTET STRING (6)
//     .5 SGX Type ENUMERATED          .6 PlatformInstanceID (Platform CA only)
//     .7 Configuration SEQUENCE { .7.1 dynamicPlatform, .7.2 cachedKeys,
//        .7.3 SMTEnabled BOOLEAN }
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_CRYPTO_SGX_EXTENSIONS_H_
#define CCV_VERIFIER_CRYPTO_SGX_EXTENSIONS_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "parsers/core/result.h"
#include "verifier/crypto/x509.h"

namespace ccv::crypto {

inline constexpr const char* kSgxExtensionsOid = "1.2.840.113741.1.13.1";

struct SgxExtensions {
  std::array<uint8_t, 16> ppid{};
  std::array<uint8_t, 16> cpu_svn_components{};  // .2.1 ... .2.16
  uint16_t pce_svn = 0;                          // .2.17
  std::array<uint8_t, 16> cpu_svn{};             // .2.18
  std::array<uint8_t, 2> pce_id{};
  std::array<uint8_t, 6> fmspc{};
  int sgx_type = -1;  // 0 Standard, 1 Scalable, 2 Scalable with integrity
  std::optional<std::array<uint8_t, 16>> platform_instance_id;
};

// Errors: kNotFound if the certificate has no SGX extension; kBadValue naming
// the sub-OID that is missing or malformed.
Result<SgxExtensions> ParseSgxExtensions(const Certificate& cert);

// DER of an SGX extension value with these fields (for the test PKI).
std::string EncodeSgxExtensions(const SgxExtensions& ext);

}  // namespace ccv::crypto

#endif  // CCV_VERIFIER_CRYPTO_SGX_EXTENSIONS_H_
