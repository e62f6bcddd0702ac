#include "verifier/quote/tcb_eval.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>
#include <string>

#include "parsers/core/hex.h"

namespace ccv::quote {

namespace {

// Intel's internal status values used during convergence: kUpToDate stands
// for STATUS_OK. QE statuses are kept apart.
enum class QeStatus { kOk, kOutOfDate, kRevoked, kNotSupported };

bool LevelGreater(const TcbLevel& a, const TcbLevel& b, bool tdx) {
  if (a.sgx_components == b.sgx_components) {
    if (tdx && a.pce_svn == b.pce_svn) return a.tdx_components > b.tdx_components;
    return a.pce_svn > b.pce_svn;
  }
  return a.sgx_components > b.sgx_components;
}

bool SgxHigherOrEqual(const std::array<uint8_t, 16>& pck, const TcbLevel& l) {
  for (size_t i = 0; i < 16; ++i) {
    if (pck[i] < l.sgx_components[i]) return false;
  }
  return true;
}

bool TdxHigherOrEqual(const std::array<uint8_t, 16>& svn, const TcbLevel& l) {
  for (size_t i = svn[1] > 0 ? 2 : 0; i < 16; ++i) {
    if (svn[i] < l.tdx_components[i]) return false;
  }
  return true;
}

// VALID_TCB_INFO_STATUSES: the statuses a TCB level of a TCB info may carry.
bool IsTcbInfoStatus(TcbStatus s) {
  switch (s) {
    case TcbStatus::kUpToDate:
    case TcbStatus::kSWHardeningNeeded:
    case TcbStatus::kConfigurationNeeded:
    case TcbStatus::kConfigurationAndSWHardeningNeeded:
    case TcbStatus::kOutOfDate:
    case TcbStatus::kOutOfDateConfigurationNeeded:
    case TcbStatus::kRevoked:
      return true;
    default:
      return false;
  }
}

// stringToTcbStatus with VALID_TCB_INFO_STATUSES.
TcbStatus PlatformStatus(const std::string& s) {
  std::optional<TcbStatus> status = TcbStatusFromName(s);
  return status && IsTcbInfoStatus(*status) ? *status : TcbStatus::kUnrecognized;
}

// VALID_MODULE_TCB_STATUSES.
TcbStatus ModuleStatus(const std::string& s) {
  if (s == "UpToDate") return TcbStatus::kUpToDate;
  if (s == "OutOfDate") return TcbStatus::kOutOfDate;
  if (s == "Revoked") return TcbStatus::kRevoked;
  return TcbStatus::kUnrecognized;
}

// What an out-of-date QE or TDX module makes of the platform's status: an
// up-to-date (or only SW-hardening-needed) TCB becomes OutOfDate, a TCB
// needing configuration OutOfDateConfigurationNeeded; the rest stay.
TcbStatus WithOutOfDate(TcbStatus tcb) {
  switch (tcb) {
    case TcbStatus::kUpToDate:
    case TcbStatus::kSWHardeningNeeded:
      return TcbStatus::kOutOfDate;
    case TcbStatus::kConfigurationNeeded:
    case TcbStatus::kConfigurationAndSWHardeningNeeded:
      return TcbStatus::kOutOfDateConfigurationNeeded;
    default:
      return tcb;
  }
}

TcbStatus ConvergeWithQe(TcbStatus tcb, QeStatus qe) {
  if (qe == QeStatus::kOutOfDate) tcb = WithOutOfDate(tcb);
  if (qe == QeStatus::kRevoked) return TcbStatus::kRevoked;
  if (qe == QeStatus::kNotSupported) return TcbStatus::kNotSupported;
  // Besides the TCB info statuses, a relaunch advice and NotSupported pass.
  if (IsTcbInfoStatus(tcb) || tcb == TcbStatus::kTDRelaunchAdvised ||
      tcb == TcbStatus::kTDRelaunchAdvisedConfigurationNeeded || tcb == TcbStatus::kNotSupported) {
    return tcb;
  }
  return TcbStatus::kUnrecognized;
}

TcbStatus ConvergeWithModule(TcbStatus tcb, TcbStatus module) {
  if (module == TcbStatus::kOutOfDate) tcb = WithOutOfDate(tcb);
  if (module == TcbStatus::kRevoked) return TcbStatus::kRevoked;
  return IsTcbInfoStatus(tcb) ? tcb : TcbStatus::kUnrecognized;
}

bool IsConfigurationNeeded(TcbStatus s) {
  return s == TcbStatus::kConfigurationNeeded || s == TcbStatus::kOutOfDateConfigurationNeeded ||
         s == TcbStatus::kConfigurationAndSWHardeningNeeded ||
         s == TcbStatus::kTDRelaunchAdvisedConfigurationNeeded;
}

// TDRelaunchCheck.cpp checkForRelaunch.
TcbStatus CheckForRelaunch(const std::array<uint8_t, 16>& svn2, const TcbInfo& info,
                           const std::vector<TcbLevel>& sorted, TcbStatus sgx, TcbStatus tdx,
                           TcbStatus module, std::optional<QeStatus> qe) {
  bool qe_ok = !qe.has_value() || *qe == QeStatus::kOk;
  bool sgx_ok = sgx == TcbStatus::kUpToDate || sgx == TcbStatus::kSWHardeningNeeded ||
                sgx == TcbStatus::kConfigurationNeeded ||
                sgx == TcbStatus::kConfigurationAndSWHardeningNeeded;
  bool tdx_ood = tdx == TcbStatus::kOutOfDate || tdx == TcbStatus::kOutOfDateConfigurationNeeded;
  if (!qe_ok || !sgx_ok || !tdx_ood || module != TcbStatus::kOutOfDate) return tdx;
  if (sorted.empty()) return TcbStatus::kNotSupported;
  const TcbLevel& latest = sorted.front();
  auto advised = [&] {
    return IsConfigurationNeeded(sgx) || IsConfigurationNeeded(tdx)
               ? TcbStatus::kTDRelaunchAdvisedConfigurationNeeded
               : TcbStatus::kTDRelaunchAdvised;
  };
  if (svn2[1] == 0) {
    if (svn2[0] >= latest.tdx_components[0] && svn2[2] >= latest.tdx_components[2]) {
      return advised();
    }
    return tdx;
  }
  const TdxModuleIdentity* id2 = FindTdxModuleIdentity(info, svn2[1]);
  if (id2 == nullptr) return TcbStatus::kTdxModuleMismatch;
  if (id2->tcb_levels.empty()) return TcbStatus::kNotSupported;
  if (svn2[0] >= id2->tcb_levels.front().isv_svn && svn2[2] >= latest.tdx_components[2]) {
    return advised();
  }
  return tdx;
}

// Why `l` does not match: the first SGX component or PCESVN below it ("SGX
// component 3 is 2, ... needs 3"). Components are numbered from 1, as Intel's
// TCB info lists them.
std::string SgxShortfall(const TcbEvalInput& in, const TcbLevel& l) {
  for (size_t i = 0; i < 16; ++i) {
    if (in.pck_components[i] < l.sgx_components[i]) {
      return "SGX component " + std::to_string(i + 1) + " is " +
             std::to_string(in.pck_components[i]) + ", the lowest level (tcbDate " + l.tcb_date +
             ") needs " + std::to_string(l.sgx_components[i]);
    }
  }
  return "PCESVN is " + std::to_string(in.pck_pce_svn) + ", the lowest level (tcbDate " +
         l.tcb_date + ") needs " + std::to_string(l.pce_svn);
}

std::string TdxShortfall(const std::array<uint8_t, 16>& svn, const TcbLevel& l) {
  for (size_t i = svn[1] > 0 ? 2 : 0; i < 16; ++i) {
    if (svn[i] < l.tdx_components[i]) {
      return "TDX component " + std::to_string(i + 1) + " (TEE_TCB_SVN[" + std::to_string(i) +
             "]) is " + std::to_string(svn[i]) +
             ", the lowest level whose SGX components match (tcbDate " + l.tcb_date + ") needs " +
             std::to_string(l.tdx_components[i]);
    }
  }
  return "no TDX component falls short";
}

std::string QeShortfall(const EnclaveIdentity& id, uint16_t isv_svn) {
  std::string s = "the QE identity (" + id.id + ") has no TCB level for the QE's ISVSVN " +
                  std::to_string(isv_svn);
  if (!id.tcb_levels.empty()) {
    s += ", the lowest needs " + std::to_string(id.tcb_levels.back().isv_svn);
  }
  return s;
}

}  // namespace

std::string_view TcbStatusName(TcbStatus s) {
  switch (s) {
    case TcbStatus::kUpToDate:
      return "UpToDate";
    case TcbStatus::kSWHardeningNeeded:
      return "SWHardeningNeeded";
    case TcbStatus::kConfigurationNeeded:
      return "ConfigurationNeeded";
    case TcbStatus::kConfigurationAndSWHardeningNeeded:
      return "ConfigurationAndSWHardeningNeeded";
    case TcbStatus::kOutOfDate:
      return "OutOfDate";
    case TcbStatus::kOutOfDateConfigurationNeeded:
      return "OutOfDateConfigurationNeeded";
    case TcbStatus::kRevoked:
      return "Revoked";
    case TcbStatus::kTDRelaunchAdvised:
      return "TDRelaunchAdvised";
    case TcbStatus::kTDRelaunchAdvisedConfigurationNeeded:
      return "TDRelaunchAdvisedConfigurationNeeded";
    case TcbStatus::kNotSupported:
      return "NotSupported";
    case TcbStatus::kTdxModuleMismatch:
      return "TdxModuleMismatch";
    case TcbStatus::kUnrecognized:
      return "UnrecognizedStatus";
  }
  return "UnrecognizedStatus";
}

std::optional<TcbStatus> TcbStatusFromName(std::string_view name) {
  if (name == "TCB_NOT_SUPPORTED") return TcbStatus::kNotSupported;
  for (int i = 0; i <= int(TcbStatus::kUnrecognized); ++i) {
    if (TcbStatusName(TcbStatus(i)) == name) return TcbStatus(i);
  }
  return std::nullopt;
}

std::vector<TcbLevel> SortedTcbLevels(const TcbInfo& info) {
  bool tdx = info.version == 3 && info.id == "TDX";
  // std::set<TcbLevel, std::greater<>> semantics: keep the first of equals.
  std::vector<TcbLevel> out;
  for (const TcbLevel& l : info.tcb_levels) {
    bool dup = std::any_of(out.begin(), out.end(), [&](const TcbLevel& o) {
      return !LevelGreater(l, o, tdx) && !LevelGreater(o, l, tdx);
    });
    if (!dup) out.push_back(l);
  }
  std::stable_sort(out.begin(), out.end(),
                   [&](const TcbLevel& a, const TcbLevel& b) { return LevelGreater(a, b, tdx); });
  return out;
}

const TdxModuleIdentity* FindTdxModuleIdentity(const TcbInfo& info, uint8_t version) {
  char want[8];
  std::snprintf(want, sizeof(want), "TDX_%02X", version);
  for (const TdxModuleIdentity& m : info.tdx_module_identities) {
    std::string id = m.id;
    for (char& c : id) c = char(std::toupper(static_cast<unsigned char>(c)));
    if (id == want) return &m;
  }
  return nullptr;
}

TcbEvalResult EvaluateTcb(const TcbInfo& info, const EnclaveIdentity* qe_identity,
                          const TcbEvalInput& in) {
  TcbEvalResult out;
  // QE identity status (EnclaveReportVerifier 4.1.2.9.9-10).
  std::optional<QeStatus> qe;
  if (qe_identity != nullptr && in.qe_isv_svn.has_value()) {
    qe = QeStatus::kNotSupported;
    for (const ModuleTcbLevel& l : qe_identity->tcb_levels) {
      if (l.isv_svn <= *in.qe_isv_svn) {
        out.qe_level = l;
        qe = l.tcb_status == "UpToDate"  ? QeStatus::kOk
             : l.tcb_status == "Revoked" ? QeStatus::kRevoked
                                         : QeStatus::kOutOfDate;
        break;
      }
    }
  }

  const bool tdx = in.tdx && info.version >= 3 && info.id == "TDX";
  std::vector<TcbLevel> sorted = SortedTcbLevels(info);
  const TcbLevel* sgx_level = nullptr;
  const TcbLevel* tdx_level = nullptr;
  for (const TcbLevel& l : sorted) {
    if (!SgxHigherOrEqual(in.pck_components, l) || in.pck_pce_svn < l.pce_svn) continue;
    if (!tdx) {
      sgx_level = &l;
      break;
    }
    if (sgx_level == nullptr) sgx_level = &l;
    if (TdxHigherOrEqual(in.tee_tcb_svn, l)) {
      tdx_level = &l;
      break;
    }
  }
  if (sgx_level == nullptr) {
    out.status = TcbStatus::kNotSupported;
    out.reason = sorted.empty() ? "the TCB info has no TCB levels"
                                : "no TCB level matches the PCK certificate's SGX TCB: " +
                                      SgxShortfall(in, sorted.back());
    return out;
  }
  out.sgx_level = *sgx_level;
  TcbStatus sgx_status = PlatformStatus(sgx_level->tcb_status);
  if (!tdx) {
    out.platform_level = *sgx_level;
    out.platform_status = sgx_level->tcb_status;
    out.advisory_ids = sgx_level->advisory_ids;
    out.tcb_date = sgx_level->tcb_date;
    out.status = qe ? ConvergeWithQe(sgx_status, *qe) : sgx_status;
    if (out.status == TcbStatus::kNotSupported && qe == QeStatus::kNotSupported) {
      out.reason = QeShortfall(*qe_identity, *in.qe_isv_svn);
    }
    return out;
  }
  if (tdx_level == nullptr) {
    out.status = TcbStatus::kNotSupported;
    const TcbLevel* lowest = nullptr;  // the lowest level whose SGX part matched
    for (const TcbLevel& l : sorted) {
      if (SgxHigherOrEqual(in.pck_components, l) && in.pck_pce_svn >= l.pce_svn) lowest = &l;
    }
    out.reason = "no TDX TCB level matches TEE_TCB_SVN " + ToHex(in.tee_tcb_svn) + ": " +
                 TdxShortfall(in.tee_tcb_svn, *lowest);
    return out;
  }
  out.platform_level = *tdx_level;
  out.platform_status = tdx_level->tcb_status;
  out.advisory_ids = tdx_level->advisory_ids;
  out.tcb_date = tdx_level->tcb_date;

  // TdxModuleCheck.cpp checkTdxModuleTcbStatus.
  TcbStatus module_status = TcbStatus::kUpToDate;
  if (!(in.quote_version > 3 && in.tee_tcb_svn[1] == 0)) {
    const TdxModuleIdentity* mi = FindTdxModuleIdentity(info, in.tee_tcb_svn[1]);
    if (mi == nullptr) {
      out.status = TcbStatus::kTdxModuleMismatch;
      char want[8];
      std::snprintf(want, sizeof(want), "TDX_%02X", in.tee_tcb_svn[1]);
      out.reason = std::string("the TCB info has no TDX module identity ") + want +
                   " for TEE_TCB_SVN[1] = " + std::to_string(in.tee_tcb_svn[1]);
      return out;
    }
    out.module_identity_id = mi->id;
    const ModuleTcbLevel* ml = nullptr;
    for (const ModuleTcbLevel& l : mi->tcb_levels) {
      if (in.tee_tcb_svn[0] >= l.isv_svn) {
        ml = &l;
        break;
      }
    }
    if (ml == nullptr) {
      out.status = TcbStatus::kNotSupported;
      out.reason = "TDX module " + mi->id + " has no TCB level for its ISVSVN TEE_TCB_SVN[0] = " +
                   std::to_string(in.tee_tcb_svn[0]);
      if (!mi->tcb_levels.empty()) {
        out.reason += ", the lowest needs " + std::to_string(mi->tcb_levels.back().isv_svn);
      }
      return out;
    }
    out.module_level = *ml;
    module_status = ModuleStatus(ml->tcb_status);
  }
  TcbStatus tdx_status = ConvergeWithModule(PlatformStatus(tdx_level->tcb_status), module_status);
  if (tdx_status == TcbStatus::kRevoked) {
    out.status = tdx_status;
    return out;
  }
  if (in.tee_tcb_svn2.has_value()) {
    tdx_status =
        CheckForRelaunch(*in.tee_tcb_svn2, info, sorted, sgx_status, tdx_status, module_status, qe);
    if (tdx_status == TcbStatus::kNotSupported || tdx_status == TcbStatus::kTdxModuleMismatch) {
      char want[8];
      std::snprintf(want, sizeof(want), "TDX_%02X", (*in.tee_tcb_svn2)[1]);
      out.reason =
          tdx_status == TcbStatus::kTdxModuleMismatch
              ? std::string("the TCB info has no TDX module identity ") + want +
                    " for TEE_TCB_SVN2[1] = " + std::to_string((*in.tee_tcb_svn2)[1])
              : std::string("TDX module identity ") + want + " (TEE_TCB_SVN2[1]) has no TCB levels";
    }
  }
  out.status = qe ? ConvergeWithQe(tdx_status, *qe) : tdx_status;
  if (out.status == TcbStatus::kNotSupported && out.reason.empty() &&
      qe == QeStatus::kNotSupported) {
    out.reason = QeShortfall(*qe_identity, *in.qe_isv_svn);
  }
  return out;
}

}  // namespace ccv::quote
