// Intel DCAP quotes: version 3 (SGX), 4 (SGX or TDX, TD report 1.0) and 5
// (body type 1 = SGX report, 2 = TD report 1.0, 3 = TD report 1.5), with
// ECDSA-P256 signature data, certification data type 6 (QE report
// certification data) holding an inner type 1-5, or the QE report part
// directly (v3). Inner types: 1-3 a PCK identifier (PPID clear or RSA
// encrypted, CPUSVN, PCE SVN, PCEID), 4 the PCK leaf certificate alone, 5 the
// PEM PCK certificate chain.
//
// Parsing checks structure only; nothing here is verified (see
// verifier/quote). Bytes after the signature data are allowed (quotes are
// often delivered in fixed-size buffers) and counted in trailing_len.
// A Quote owns copies of every field. Thread-safe: pure functions.
#ifndef CCV_PARSERS_TDX_QUOTE_H_
#define CCV_PARSERS_TDX_QUOTE_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "parsers/td_report.h"
#include "parsers/tdx_quote_format.h"

namespace ccv::parsers {

// sgx_quote_header_t / TD quote header (48 bytes).
struct QuoteHeader {
  uint16_t version = 0;
  uint16_t att_key_type = 0;
  uint32_t tee_type = 0;
  uint16_t qe_svn = 0;   // v3; reserved (0) in v4/v5
  uint16_t pce_svn = 0;  // v3; reserved (0) in v4/v5
  std::array<uint8_t, 16> qe_vendor_id{};
  std::array<uint8_t, 20> user_data{};
};

// sgx_report_body_t (384 bytes): an SGX quote body and the QE report.
struct SgxReportBody {
  std::array<uint8_t, 16> cpu_svn{};
  std::array<uint8_t, 4> misc_select{};  // MISCSELECT bit mask, little-endian
  std::array<uint8_t, 16> attributes{};
  std::array<uint8_t, 32> mr_enclave{};
  std::array<uint8_t, 32> mr_signer{};
  uint16_t isv_prod_id = 0;
  uint16_t isv_svn = 0;
  std::array<uint8_t, 64> report_data{};
  std::array<uint8_t, quote_format::kSgxReportLen> raw{};  // the signed bytes
};

Result<SgxReportBody> ReadSgxReportBody(ByteReader* r);

// ECDSA-256-with-P-256 quote signature data (quote v3/v4/v5).
struct QuoteSignatureData {
  std::array<uint8_t, 64> signature{};        // over header || body, r || s
  std::array<uint8_t, 64> attestation_key{};  // x || y
  // Type 6 in v4/v5; std::nullopt in v3, where the QE report sits directly
  // in the signature data.
  std::optional<uint16_t> outer_cert_data_type;
  uint32_t outer_cert_data_len = 0;
  SgxReportBody qe_report;
  std::array<uint8_t, 64> qe_report_signature{};
  std::vector<uint8_t> qe_auth_data;
  uint16_t cert_data_type = 0;     // 1-5, see CertDataTypeName
  uint32_t cert_data_offset = 0;   // of cert_data in the quote
  std::vector<uint8_t> cert_data;  // type 4/5: PEM (may end with NUL bytes)
};

// Types 1-3: what identifies the platform's PCK certificate.
struct PckIdentifier {
  std::vector<uint8_t> ppid;  // 16 bytes clear, or the RSA-OAEP ciphertext
  std::array<uint8_t, 16> cpu_svn{};
  uint16_t pce_svn = 0;
  uint16_t pce_id = 0;
};

// Reads a type 1-3 payload (its size was checked by ParseQuote).
std::optional<PckIdentifier> ReadPckIdentifier(const QuoteSignatureData& s);

struct Quote {
  QuoteHeader header;
  uint16_t body_type = 0;  // 1 SGX, 2 TD report 1.0, 3 TD report 1.5
  uint32_t body_offset = 0;
  uint32_t body_size = 0;
  std::optional<SgxReportBody> sgx_body;
  std::optional<TdReportBody> td_body;
  // The bytes the attestation key signs: [0, signed_len) of the quote.
  uint32_t signed_len = 0;
  uint32_t signature_data_offset = 0;  // of the u32 length field
  uint32_t signature_data_len = 0;
  QuoteSignatureData signature_data;
  uint64_t trailing_len = 0;  // bytes after the signature data
  uint64_t quote_size = 0;

  bool IsTdx() const { return td_body.has_value(); }
  // Quote-body signed bytes inside `raw`, the buffer Parse was given.
  Bytes SignedBytes(Bytes raw) const { return raw.first(signed_len); }
};

// Parses a quote. Errors name the offset and field: kTruncated, kBadLength
// (a declared size that disagrees with its contents), kUnsupportedVersion
// (version not 3/4/5), kUnsupported (attestation key type other than
// ECDSA-P256, unknown body type or certification data type other than
// 1-5 inside 6), kBadValue (body type inconsistent with TEE type). A type 1-3
// payload of the wrong size is kBadLength.
Result<Quote> ParseQuote(Bytes data);

// True if `data` starts like a DCAP quote (version 3..5, key type 2, TEE type
// SGX or TDX), for format detection.
bool LooksLikeQuote(Bytes data);

std::string_view BodyTypeName(uint16_t body_type);  // "TD report 1.5", ...
std::string_view TeeTypeName(uint32_t tee_type);    // "TDX", "SGX", "unknown"
// "PPID encrypted with RSA-3072", "PCK leaf certificate", ...
std::string_view CertDataTypeName(uint16_t type);

}  // namespace ccv::parsers

#endif  // CCV_PARSERS_TDX_QUOTE_H_
