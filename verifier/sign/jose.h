// Signed JSON objects: compact JWS (RFC 7515 §7.1) for signed results, and
// the two detached forms a signed policy may come in, a JWS with a detached
// payload (RFC 7515 Appendix F) and a DSSE envelope (secure-systems-lab
// DSSE v1, as keylime signs runtime policies).
//
// The algorithm is the key's (crypto/jws.h); a header naming another one,
// "none", or a "crit" parameter (RFC 7515 §4.1.11: extensions this code
// does not understand) is refused. Header parameters such as x5c are
// reported, never trusted: the caller supplies the key.
//
// Errors: kBadValue for a token that is not well formed (parts, base64url,
// header JSON), naming what was expected; kBadSignature when it is well
// formed but does not verify with the key. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_SIGN_JOSE_H_
#define CCV_VERIFIER_SIGN_JOSE_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/crypto/jws.h"

namespace ccv::sign {

// Limits on what is read.
inline constexpr size_t kMaxTokenLen = 64 << 20;
inline constexpr size_t kMaxHeaderLen = 64 << 10;

// `typ` ("JWT", "JOSE" ...) and the certificates (DER, leaf first) that
// go in the protected header as "x5c"; none: no x5c.
struct JwsHeaderParams {
  std::string typ;
  std::vector<std::string> x5c_der = {};
};

// BASE64URL(header) "." BASE64URL(payload) "." BASE64URL(signature).
Result<std::string> SignCompactJws(const crypto::JwsSigningKey& key, const JwsHeaderParams& header,
                                   std::span<const uint8_t> payload);

struct VerifiedJws {
  crypto::JwsAlg alg = crypto::JwsAlg::kEs256;
  std::string header_json;  // the protected header as decoded
  std::string typ;          // its "typ", "" if absent
  size_t num_x5c = 0;       // certificates in its "x5c"
  std::vector<uint8_t> payload;
};

// A compact JWS, surrounding white space allowed.
Result<VerifiedJws> VerifyCompactJws(std::string_view token, const crypto::PublicKey& key);

// A JWS whose payload part is empty ("header..signature") over `payload`.
Result<VerifiedJws> VerifyDetachedJws(std::string_view token, std::span<const uint8_t> payload,
                                      const crypto::PublicKey& key);

struct VerifiedDsse {
  std::string payload_type;
  std::vector<uint8_t> payload;
  std::string keyid;  // of the signature that verified ("" if none given)
};

// {"payloadType", "payload": base64, "signatures": [{"keyid"?, "sig": base64}]}:
// some signature must verify over PAE(payloadType, payload) = "DSSEv1" SP
// LEN(type) SP type SP LEN(body) SP body. ECDSA signatures are DER (as
// securesystemslib and sigstore write them), Ed25519 ones the raw 64 bytes.
Result<VerifiedDsse> VerifyDsse(std::string_view envelope_json, const crypto::PublicKey& key);

// A key that verifies signatures, with how the report names it.
struct VerificationKey {
  crypto::PublicKey key;
  // "key sha256:<SHA-256 of its SubjectPublicKeyInfo>", or for a
  // certificate "certificate <subject> sha256:<certificate SHA-256>".
  std::string signer;
};

// A PEM public key ("PUBLIC KEY") or a PEM X.509 certificate, whose key is
// taken as given: no chain, no validity period is checked. Errors:
// kBadValue when neither decodes, kUnsupported for a key that signs no JWS
// algorithm here.
Result<VerificationKey> ReadVerificationKey(std::string_view pem);

// "JWS" if `text` looks like a compact or detached JWS, "DSSE" if like a
// JSON envelope, "" otherwise.
std::string_view DetectSignatureForm(std::string_view text);

}  // namespace ccv::sign

#endif  // CCV_VERIFIER_SIGN_JOSE_H_
