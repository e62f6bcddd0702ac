// Constants of the TPM 2.0 structures a quote carries (TPM 2.0 Library,
// Part 2: Structures): TPMS_ATTEST (10.12.12), TPMS_QUOTE_INFO (10.12.4),
// TPMT_SIGNATURE (11.3.4), TPMT_PUBLIC (12.2.4) and the algorithm ids of the
// TCG Algorithm Registry. Every integer in these structures is big-endian.
#ifndef CCV_PARSERS_TPM2_FORMAT_H_
#define CCV_PARSERS_TPM2_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ccv::parsers::tpm2_format {

// TPM_GENERATED_VALUE: "\xffTCG".
constexpr uint32_t kTpmGeneratedValue = 0xff544347;
// TPM_ST_ATTEST_QUOTE.
constexpr uint16_t kStAttestQuote = 0x8018;

// TPMS_CLOCK_INFO: clock (8), resetCount (4), restartCount (4), safe (1).
constexpr size_t kClockInfoLen = 17;
static_assert(8 + 4 + 4 + 1 == kClockInfoLen);

// Size caps (Part 2 with the reference implementation's limits, rounded up so
// every real TPM fits): a name or extraData holds at most a TPMT_HA (2 + 64
// bytes); a digest at most 64; a PCR select at most 4 bytes (32 PCRs); a
// TPML_PCR_SELECTION at most 16 banks; an RSA modulus or signature at most
// 512 bytes (4096 bits); an ECC coordinate at most 66 bytes (P-521).
constexpr size_t kMaxNameLen = 2 + 64;
constexpr size_t kMaxExtraDataLen = 2 + 64;
constexpr size_t kMaxDigestLen = 64;
constexpr size_t kMaxPcrSelectLen = 4;
constexpr uint32_t kMaxPcrBanks = 16;
constexpr size_t kMaxRsaLen = 512;
constexpr size_t kMaxEccParamLen = 66;

// TPM_ALG_ID values.
constexpr uint16_t kAlgRsa = 0x0001;
constexpr uint16_t kAlgKeyedHash = 0x0008;
constexpr uint16_t kAlgNull = 0x0010;
constexpr uint16_t kAlgRsaSsa = 0x0014;
constexpr uint16_t kAlgRsaPss = 0x0016;
constexpr uint16_t kAlgEcdsa = 0x0018;
constexpr uint16_t kAlgEcdaa = 0x001a;
constexpr uint16_t kAlgEcc = 0x0023;
constexpr uint16_t kAlgSymCipher = 0x0025;

// TPM_ECC_CURVE values.
constexpr uint16_t kEccNistP256 = 0x0003;
constexpr uint16_t kEccNistP384 = 0x0004;

// TPMA_OBJECT bits.
constexpr uint32_t kObjFixedTpm = 1u << 1;
constexpr uint32_t kObjFixedParent = 1u << 4;
constexpr uint32_t kObjSensitiveDataOrigin = 1u << 5;
constexpr uint32_t kObjRestricted = 1u << 16;
constexpr uint32_t kObjDecrypt = 1u << 17;
constexpr uint32_t kObjSign = 1u << 18;
// Bits 0, 3, 8, 9, 12-15 and 19-31 are reserved and must be clear.
constexpr uint32_t kObjReserved = 0xfff8f309;

}  // namespace ccv::parsers::tpm2_format

#endif  // CCV_PARSERS_TPM2_FORMAT_H_
