// The issuer-and-serial identity of a certificate or a CMS SignerInfo, as
// crypto::ImaKey::issuer_serial holds it: hex of the issuer Name's DER, ':',
// hex of the serial number's magnitude ("" if either does not encode).
#ifndef CCV_VERIFIER_CRYPTO_INTERNAL_ISSUER_SERIAL_H_
#define CCV_VERIFIER_CRYPTO_INTERNAL_ISSUER_SERIAL_H_

#include <string>

#include <openssl/x509.h>

namespace ccv::crypto::internal {

std::string IssuerSerialKey(const X509_NAME* issuer, const ASN1_INTEGER* serial);

}  // namespace ccv::crypto::internal

#endif  // CCV_VERIFIER_CRYPTO_INTERNAL_ISSUER_SERIAL_H_
