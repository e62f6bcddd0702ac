// DCAP collateral in the QuoteCollateralV3 JSON layout (as Phala's dcap-qvl
// writes it, DESIGN §4), and the signed TCB info and QE identity documents it
// carries, parsed with RapidJSON.
//
// The signed bodies (tcb_info, qe_identity) are kept as the exact bytes that
// were signed; their parsed forms are separate structs. Nothing here checks a
// signature or a date (see quote_verifier.h). Thread-safe: pure functions.
#ifndef CCV_VERIFIER_QUOTE_COLLATERAL_H_
#define CCV_VERIFIER_QUOTE_COLLATERAL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parsers/core/result.h"

namespace ccv::quote {

struct QuoteCollateral {
  std::string pck_crl_issuer_chain;         // PEM
  std::vector<uint8_t> root_ca_crl;         // DER (from hex)
  std::vector<uint8_t> pck_crl;             // DER (from hex)
  std::string tcb_info_issuer_chain;        // PEM
  std::string tcb_info;                     // exact signed JSON text
  std::vector<uint8_t> tcb_info_signature;  // r || s
  std::string qe_identity_issuer_chain;     // PEM
  std::string qe_identity;                  // exact signed JSON text
  std::vector<uint8_t> qe_identity_signature;
};

// Errors: kBadValue naming the member that is missing, not a string, or not
// hex; line/column of a JSON syntax error.
Result<QuoteCollateral> ParseCollateralJson(std::string_view json);
// Inverse of ParseCollateralJson (hex lowercase), for tools and tests.
std::string CollateralToJson(const QuoteCollateral& c);

struct TcbLevel {
  std::array<uint8_t, 16> sgx_components{};
  uint16_t pce_svn = 0;
  bool has_tdx_components = false;
  std::array<uint8_t, 16> tdx_components{};
  std::string tcb_status;
  std::string tcb_date;
  std::vector<std::string> advisory_ids;
};

struct ModuleTcbLevel {
  uint16_t isv_svn = 0;
  std::string tcb_status;
  std::string tcb_date;
  std::vector<std::string> advisory_ids;
};

struct TdxModuleIdentity {
  std::string id;  // "TDX_01"
  std::array<uint8_t, 48> mr_signer{};
  std::array<uint8_t, 8> attributes{};
  std::array<uint8_t, 8> attributes_mask{};
  std::vector<ModuleTcbLevel> tcb_levels;  // in document order
};

// Intel PCS TCB info v2 (SGX) and v3 (SGX, TDX).
struct TcbInfo {
  std::string id;  // "SGX" or "TDX" ("SGX" for v2, which has no id)
  int version = 0;
  int64_t issue_date = 0;
  int64_t next_update = 0;
  std::array<uint8_t, 6> fmspc{};
  std::array<uint8_t, 2> pce_id{};
  int tcb_type = 0;
  int tcb_evaluation_data_number = 0;
  bool has_tdx_module = false;
  TdxModuleIdentity tdx_module;  // "tdxModule" (id empty, no levels)
  std::vector<TdxModuleIdentity> tdx_module_identities;
  std::vector<TcbLevel> tcb_levels;  // in document order
};

// Intel PCS enclave identity v2 (QE, QVE, TD_QE).
struct EnclaveIdentity {
  std::string id;
  int version = 0;
  int64_t issue_date = 0;
  int64_t next_update = 0;
  int tcb_evaluation_data_number = 0;
  std::array<uint8_t, 4> miscselect{};
  std::array<uint8_t, 4> miscselect_mask{};
  std::array<uint8_t, 16> attributes{};
  std::array<uint8_t, 16> attributes_mask{};
  std::array<uint8_t, 32> mr_signer{};
  uint16_t isv_prod_id = 0;
  std::vector<ModuleTcbLevel> tcb_levels;  // in document order
};

// Errors: kBadValue naming the JSON path of the member that is missing or
// malformed; kUnsupportedVersion for a version this code does not read.
Result<TcbInfo> ParseTcbInfo(std::string_view json);
Result<EnclaveIdentity> ParseEnclaveIdentity(std::string_view json);

}  // namespace ccv::quote

#endif  // CCV_VERIFIER_QUOTE_COLLATERAL_H_
