// Sizes, offsets and constants of the Intel DCAP quote (v3, v4, v5), the
// bodies it carries (SGX enclave report, TD report 1.0 and 1.5) and the
// 1024-byte TDREPORT.
//
// Sources: Intel TDX DCAP Quoting Library API (quote format v4, appendix A;
// quote format v5, appendix A.3), Intel SGX ECDSA Quote Library Reference
// (quote format v3, "Quote Format"), Intel TDX Module ABI specification
// (TDREPORT_STRUCT, REPORTMACSTRUCT, TEE_TCB_INFO, TDINFO_STRUCT).
#ifndef CCV_PARSERS_TDX_QUOTE_FORMAT_H_
#define CCV_PARSERS_TDX_QUOTE_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ccv::parsers::quote_format {

// Quote header (48 bytes).
constexpr size_t kVersionLen = 2;
constexpr size_t kAttKeyTypeLen = 2;
constexpr size_t kTeeTypeLen = 4;
constexpr size_t kQeSvnLen = 2;   // v3; reserved in v4/v5
constexpr size_t kPceSvnLen = 2;  // v3; reserved in v4/v5
constexpr size_t kQeVendorIdLen = 16;
constexpr size_t kUserDataLen = 20;
constexpr size_t kHeaderLen = 48;
static_assert(kVersionLen + kAttKeyTypeLen + kTeeTypeLen + kQeSvnLen + kPceSvnLen + kQeVendorIdLen +
                  kUserDataLen ==
              kHeaderLen);

constexpr uint16_t kQuoteVersion3 = 3;
constexpr uint16_t kQuoteVersion4 = 4;
constexpr uint16_t kQuoteVersion5 = 5;
constexpr uint16_t kAttKeyTypeEcdsaP256 = 2;
constexpr uint32_t kTeeTypeSgx = 0x00000000;
constexpr uint32_t kTeeTypeTdx = 0x00000081;

// v5 body descriptor: u16 body type, u32 body size.
constexpr size_t kBodyDescriptorLen = 6;
constexpr uint16_t kBodyTypeSgxReport = 1;
constexpr uint16_t kBodyTypeTdReport10 = 2;
constexpr uint16_t kBodyTypeTdReport15 = 3;

// SGX enclave report body (sgx_report_body_t), 384 bytes; also the QE report.
constexpr size_t kCpuSvnLen = 16;
constexpr size_t kMiscSelectLen = 4;
constexpr size_t kSgxReserved1Len = 28;
constexpr size_t kSgxAttributesLen = 16;
constexpr size_t kMrEnclaveLen = 32;
constexpr size_t kSgxReserved2Len = 32;
constexpr size_t kMrSignerLen = 32;
constexpr size_t kSgxReserved3Len = 96;
constexpr size_t kIsvProdIdLen = 2;
constexpr size_t kIsvSvnLen = 2;
constexpr size_t kSgxReserved4Len = 60;
constexpr size_t kReportDataLen = 64;
constexpr size_t kSgxReportLen = 384;
static_assert(kCpuSvnLen + kMiscSelectLen + kSgxReserved1Len + kSgxAttributesLen + kMrEnclaveLen +
                  kSgxReserved2Len + kMrSignerLen + kSgxReserved3Len + kIsvProdIdLen + kIsvSvnLen +
                  kSgxReserved4Len + kReportDataLen ==
              kSgxReportLen);
// Offsets inside the SGX report used by the verifier.
constexpr size_t kSgxReportDataOffset = kSgxReportLen - kReportDataLen;

// TD report body 1.0 (TD quote body v4), 584 bytes; 1.5 adds 64 bytes.
constexpr size_t kTeeTcbSvnLen = 16;
constexpr size_t kMrSeamLen = 48;
constexpr size_t kMrSignerSeamLen = 48;
constexpr size_t kSeamAttributesLen = 8;
constexpr size_t kTdAttributesLen = 8;
constexpr size_t kXfamLen = 8;
constexpr size_t kMeasurementLen = 48;  // MRTD, MRCONFIGID, MROWNER, ..., RTMRn
constexpr size_t kNumRtmrs = 4;
constexpr size_t kTdReport10Len = 584;
static_assert(kTeeTcbSvnLen + kMrSeamLen + kMrSignerSeamLen + kSeamAttributesLen +
                  kTdAttributesLen + kXfamLen + 4 * kMeasurementLen + kNumRtmrs * kMeasurementLen +
                  kReportDataLen ==
              kTdReport10Len);
constexpr size_t kMrServiceTdLen = 48;
constexpr size_t kTdReport15Len = 648;
static_assert(kTdReport10Len + kTeeTcbSvnLen + kMrServiceTdLen == kTdReport15Len);

// ECDSA-256-with-P-256 quote signature data.
constexpr size_t kEcdsaSignatureLen = 64;  // r || s, big-endian
constexpr size_t kEcdsaPublicKeyLen = 64;  // x || y, big-endian
constexpr size_t kCertDataHeaderLen = 6;   // u16 type, u32 size
// Certification data types (Intel SGX ECDSA Quote Library API,
// sgx_ql_cert_key_type_t). 1-3 identify the platform (PPID) and the TCB the
// PCK key certified; 4 is the PCK leaf certificate alone; 5 the PEM chain
// (leaf, intermediate, root); 6 wraps the QE report and an inner type 1-5.
constexpr uint16_t kCertDataPpidCleartext = 1;
constexpr uint16_t kCertDataPpidRsa2048 = 2;
constexpr uint16_t kCertDataPpidRsa3072 = 3;
constexpr uint16_t kCertDataPckLeaf = 4;
constexpr uint16_t kCertDataPckCertChain = 5;
constexpr uint16_t kCertDataQeReport = 6;
// Types 1-3: PPID (16 bytes clear, 256 or 384 RSA-OAEP encrypted), CPUSVN
// (16), PCE ISVSVN (u16), PCEID (u16).
constexpr size_t kPpidLen = 16;
constexpr size_t kPpidRsa2048Len = 256;
constexpr size_t kPpidRsa3072Len = 384;
constexpr size_t kPckIdTailLen = 16 + 2 + 2;
// Caps on variable-length parts (real values: 32 bytes of QE authentication
// data, a ~3.7 KB PEM chain).
constexpr size_t kMaxQeAuthDataLen = 4096;
constexpr size_t kMaxCertDataLen = 1 << 20;

// TDREPORT_STRUCT (TDG.MR.REPORT output), 1024 bytes.
constexpr size_t kReportMacStructLen = 256;
constexpr size_t kReportTypeLen = 4;
constexpr size_t kReportMacReserved1Len = 12;
constexpr size_t kTeeTcbInfoHashLen = 48;
constexpr size_t kTeeInfoHashLen = 48;
constexpr size_t kReportMacReserved2Len = 32;
constexpr size_t kMacLen = 32;
static_assert(kReportTypeLen + kReportMacReserved1Len + kCpuSvnLen + kTeeTcbInfoHashLen +
                  kTeeInfoHashLen + kReportDataLen + kReportMacReserved2Len + kMacLen ==
              kReportMacStructLen);
constexpr size_t kTeeTcbInfoLen = 239;
constexpr size_t kTeeTcbInfoValidLen = 8;
constexpr size_t kTeeTcbInfoReservedLen = 111;  // TDX 1.5: TEE_TCB_SVN2 + 95 reserved
static_assert(kTeeTcbInfoValidLen + kTeeTcbSvnLen + kMrSeamLen + kMrSignerSeamLen +
                  kSeamAttributesLen + kTeeTcbInfoReservedLen ==
              kTeeTcbInfoLen);
constexpr size_t kTdReportReservedLen = 17;
constexpr size_t kTdInfoLen = 512;
constexpr size_t kServTdHashLen = 48;
constexpr size_t kTdInfoReservedLen = 64;
static_assert(kTdAttributesLen + kXfamLen + 4 * kMeasurementLen + kNumRtmrs * kMeasurementLen +
                  kServTdHashLen + kTdInfoReservedLen ==
              kTdInfoLen);
constexpr size_t kTdReportLen = 1024;
static_assert(kReportMacStructLen + kTeeTcbInfoLen + kTdReportReservedLen + kTdInfoLen ==
              kTdReportLen);
constexpr uint8_t kReportTypeTdx = 0x81;

// TDATTRIBUTES bits (TDX Module ABI, TD attributes).
constexpr uint64_t kTdAttrDebug = uint64_t{1} << 0;
constexpr uint64_t kTdAttrSeptVeDisable = uint64_t{1} << 28;
constexpr uint64_t kTdAttrPks = uint64_t{1} << 30;
constexpr uint64_t kTdAttrKl = uint64_t{1} << 31;
constexpr uint64_t kTdAttrPerfmon = uint64_t{1} << 63;
// SGX ATTRIBUTES.FLAGS bit 1: DEBUG.
constexpr uint64_t kSgxAttrDebug = uint64_t{1} << 1;

}  // namespace ccv::parsers::quote_format

#endif  // CCV_PARSERS_TDX_QUOTE_FORMAT_H_
