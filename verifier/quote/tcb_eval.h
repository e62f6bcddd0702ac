// TCB status evaluation exactly as Intel's Quote Verification Library
// computes it (QuoteVerifier.cpp 4.1.2.4.17, Checks/TcbLevelCheck.cpp,
// Checks/TdxModuleCheck.cpp, Checks/TDRelaunchCheck.cpp,
// EnclaveReportVerifier.cpp):
//  - TCB levels are ordered by Intel's TcbLevel ordering (SGX components,
//    then PCESVN, then TDX components, all descending; duplicates dropped).
//  - The SGX level is the first whose 16 SGX components and PCESVN are <= the
//    PCK certificate's; for TDX the platform level is the first such level
//    whose TDX components are <= TEE_TCB_SVN (bytes 0 and 1 skipped when byte
//    1 > 0). None: NotSupported.
//  - For TDX with TEE_TCB_SVN[1] > 0 the module identity TDX_%02X gives a
//    module level (first in document order with ISVSVN <= TEE_TCB_SVN[0]);
//    OutOfDate and Revoked module levels downgrade the platform status.
//  - TD report 1.5 may turn OutOfDate into TDRelaunchAdvised(...).
//  - The QE identity level (first with ISVSVN <= the QE's) converges last.
// Thread-safe: pure functions.
#ifndef CCV_VERIFIER_QUOTE_TCB_EVAL_H_
#define CCV_VERIFIER_QUOTE_TCB_EVAL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verifier/quote/collateral.h"

namespace ccv::quote {

enum class TcbStatus {
  kUpToDate,
  kSWHardeningNeeded,
  kConfigurationNeeded,
  kConfigurationAndSWHardeningNeeded,
  kOutOfDate,
  kOutOfDateConfigurationNeeded,
  kRevoked,
  kTDRelaunchAdvised,
  kTDRelaunchAdvisedConfigurationNeeded,
  kNotSupported,       // Intel STATUS_TCB_NOT_SUPPORTED
  kTdxModuleMismatch,  // Intel STATUS_TDX_MODULE_MISMATCH
  kUnrecognized,       // Intel STATUS_TCB_UNRECOGNIZED_STATUS
};

// "UpToDate", ..., "NotSupported", "TdxModuleMismatch", "UnrecognizedStatus".
std::string_view TcbStatusName(TcbStatus s);
// Inverse of TcbStatusName; also accepts Intel's TCB_NOT_SUPPORTED spelling.
std::optional<TcbStatus> TcbStatusFromName(std::string_view name);

struct TcbEvalInput {
  bool tdx = false;  // TDX quote with TDX TCB info v3
  uint16_t quote_version = 4;
  std::array<uint8_t, 16> pck_components{};  // PCK cert SGX TCB components
  uint16_t pck_pce_svn = 0;
  std::array<uint8_t, 16> tee_tcb_svn{};
  std::optional<std::array<uint8_t, 16>> tee_tcb_svn2;  // TD report 1.5 only
  std::optional<uint16_t> qe_isv_svn;                   // absent: no QE identity
};

struct TcbEvalResult {
  TcbStatus status = TcbStatus::kNotSupported;
  std::optional<TcbLevel> sgx_level;
  std::optional<TcbLevel> platform_level;  // the TDX level (TDX) or SGX level
  std::string platform_status;             // as written in the TCB info
  std::optional<std::string> module_identity_id;
  std::optional<ModuleTcbLevel> module_level;
  std::optional<ModuleTcbLevel> qe_level;
  std::vector<std::string> advisory_ids;  // of the platform level
  std::string tcb_date;                   // of the platform level
  // NotSupported and TdxModuleMismatch: which component or level had no
  // match, e.g. "no TCB level matches the PCK certificate's SGX TCB: SGX
  // component 3 is 2, the lowest level (tcbDate ...) needs 3".
  std::string reason;
};

TcbEvalResult EvaluateTcb(const TcbInfo& tcb_info, const EnclaveIdentity* qe_identity,
                          const TcbEvalInput& in);

// Intel's TcbLevel ordering, highest first, duplicates removed.
std::vector<TcbLevel> SortedTcbLevels(const TcbInfo& tcb_info);

// The module identity whose id is "TDX_%02X" of `version` (case-insensitive).
const TdxModuleIdentity* FindTdxModuleIdentity(const TcbInfo& tcb_info, uint8_t version);

}  // namespace ccv::quote

#endif  // CCV_VERIFIER_QUOTE_TCB_EVAL_H_
