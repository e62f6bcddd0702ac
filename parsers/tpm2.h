// TPM 2.0 structures of a quote: TPMS_ATTEST (of type TPM_ST_ATTEST_QUOTE),
// TPMT_SIGNATURE and TPMT_PUBLIC, parsed strictly from their marshalled
// (big-endian) bytes. Trailing bytes, a wrong magic or type, and sizes or
// counts above tpm2_format.h's caps are input errors naming the offset.
//
// Parsing authenticates nothing: the attestation's fields are what the
// signer claims until verifier/tpm has checked the signature. Parsed structs
// own copies of their variable-length fields. Thread-safe: pure functions.
#ifndef CCV_PARSERS_TPM2_H_
#define CCV_PARSERS_TPM2_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::parsers {

// TPMS_PCR_SELECTION: one bank and the PCRs selected in it.
struct TpmPcrSelection {
  uint16_t hash_alg_id = 0;     // TPMI_ALG_HASH as marshalled
  std::optional<HashAlg> hash;  // nullopt: an algorithm we do not know
  std::vector<uint8_t> select;  // pcrSelect bitmap, PCR n = bit n%8 of byte n/8
  // Selected PCR indices in ascending order (the order the digest covers).
  std::vector<uint32_t> Pcrs() const;
};

// TPMS_ATTEST with TPMS_QUOTE_INFO.
struct TpmAttest {
  uint32_t magic = 0;
  uint16_t type = 0;
  std::vector<uint8_t> qualified_signer;  // TPM2B_NAME contents
  std::vector<uint8_t> extra_data;        // TPM2B_DATA contents (the nonce)
  uint64_t clock = 0;
  uint32_t reset_count = 0;
  uint32_t restart_count = 0;
  uint8_t safe = 0;
  uint64_t firmware_version = 0;
  std::vector<TpmPcrSelection> pcr_select;  // TPML_PCR_SELECTION, in order
  std::vector<uint8_t> pcr_digest;          // TPM2B_DIGEST contents
};

// Errors: kBadMagic (magic), kBadValue (type is not a quote, a bank's
// sizeofSelect above the cap), kLimitExceeded (a size or count above its
// cap), kTruncated, kBadLength (trailing bytes).
Result<TpmAttest> ParseTpmAttest(Bytes data);

enum class TpmSigScheme { kRsaSsa, kRsaPss, kEcdsa };
std::string_view TpmSigSchemeName(TpmSigScheme s);  // "rsassa", "rsapss", "ecdsa"

// TPMT_SIGNATURE with an RSASSA, RSAPSS or ECDSA signature.
struct TpmSignature {
  TpmSigScheme scheme = TpmSigScheme::kRsaSsa;
  uint16_t hash_alg_id = 0;
  std::optional<HashAlg> hash;
  std::vector<uint8_t> rsa_sig;  // RSA: the signature, big-endian
  std::vector<uint8_t> ecc_r;    // ECDSA: r and s, big-endian
  std::vector<uint8_t> ecc_s;
};

// Errors: kUnsupported (another signature algorithm, e.g. HMAC, SM2, or
// TPM_ALG_NULL), kLimitExceeded, kTruncated, kBadLength (trailing bytes).
Result<TpmSignature> ParseTpmSignature(Bytes data);

enum class TpmKeyType { kRsa, kEcc };

// TPMT_PUBLIC of an RSA or ECC key.
struct TpmPublic {
  TpmKeyType type = TpmKeyType::kRsa;
  uint16_t name_alg_id = 0;
  std::optional<HashAlg> name_alg;
  uint32_t object_attributes = 0;
  std::vector<uint8_t> auth_policy;
  uint16_t symmetric_alg = 0;    // TPM_ALG_NULL for a signing key
  uint16_t scheme = 0;           // TPM_ALG_NULL or the key's fixed scheme
  uint16_t scheme_hash_alg = 0;  // 0 when scheme is TPM_ALG_NULL
  // RSA
  uint16_t rsa_key_bits = 0;
  uint32_t rsa_exponent = 0;  // 0 means 65537
  std::vector<uint8_t> rsa_modulus;
  // ECC
  uint16_t ecc_curve = 0;
  uint16_t ecc_kdf = 0;
  std::vector<uint8_t> ecc_x;
  std::vector<uint8_t> ecc_y;
  // The marshalled bytes the Name hashes (the whole input).
  std::vector<uint8_t> raw;

  bool restricted() const;
  bool sign() const;
  bool decrypt() const;
};

// Errors: kUnsupported (keyedhash/symcipher objects), kBadValue (an RSA
// modulus whose size differs from keyBits), kLimitExceeded, kTruncated,
// kBadLength (trailing bytes).
Result<TpmPublic> ParseTpmPublic(Bytes data);

// TPM2B_PUBLIC (u16 size, then a TPMT_PUBLIC: what tpm2-tools writes by
// default). Errors as ParseTpmPublic, offsets into `data`.
Result<TpmPublic> ParseTpm2bPublic(Bytes data);
bool LooksLikeTpm2bPublic(Bytes data);

// True if `data` starts like a TPMT_PUBLIC of an RSA or ECC key with a known
// name algorithm (to tell it from DER and PEM).
bool LooksLikeTpmPublic(Bytes data);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_TPM2_H_
