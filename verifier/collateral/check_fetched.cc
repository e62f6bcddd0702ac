#include "verifier/collateral/check_fetched.h"

#include <algorithm>
#include <string>

#include "verifier/quote/quote_verifier.h"

namespace ccv::collateral {

namespace {

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The error class of a failed collateral check of PrepareCollateral.
ErrorCode CodeFor(const std::string& check_id) {
  if (EndsWith(check_id, "_signature")) return ErrorCode::kBadSignature;
  if (EndsWith(check_id, "_validity")) return ErrorCode::kBadValue;
  return ErrorCode::kChainInvalid;  // *_chain, pck_crl, root_ca_crl
}

}  // namespace

Status VerifyFetchedCollateral(const quote::QuoteCollateral& collateral, const CollateralKey& key,
                               const crypto::Certificate& anchor, Time at) {
  CCV_ASSIGN_OR_RETURN(quote::PreparedCollateral p,
                       quote::PrepareCollateral(collateral, anchor.Clone(), at));
  for (const quote::Check& c : p.checks) {
    if (c.status != quote::CheckStatus::kPass) {
      return Status(CodeFor(c.id), "collateral check " + c.id + " failed: " + c.detail);
    }
  }
  const std::string want_tee = key.tee == Tee::kTdx ? "TDX" : "SGX";
  if (p.tcb_info.id != want_tee) {
    return Status(ErrorCode::kBadValue,
                  "TCB info is for " + p.tcb_info.id + ", expected " + want_tee);
  }
  if (p.tcb_info.fmspc != key.fmspc) {
    return Status(ErrorCode::kBadValue, "TCB info is for FMSPC " + FmspcHex(p.tcb_info.fmspc) +
                                            ", expected " + FmspcHex(key.fmspc));
  }
  const std::string want_qe = key.tee == Tee::kTdx ? "TD_QE" : "QE";
  if (p.qe_identity.id != want_qe) {
    return Status(ErrorCode::kBadValue,
                  "QE identity is " + p.qe_identity.id + ", expected " + want_qe);
  }
  // The PCK CRL issuer verified above: its CN names the CA.
  const std::string issuer = p.pck_crl_chain.front().SubjectCommonName();
  const char* want_ca = key.ca == PckCa::kProcessor ? "PCK Processor CA" : "PCK Platform CA";
  if (issuer.find(want_ca) == std::string::npos) {
    return Status(ErrorCode::kBadValue,
                  "PCK CRL is issued by '" + issuer + "', expected the SGX " + want_ca);
  }
  return Status::Ok();
}

Result<int64_t> EarliestNextUpdate(const quote::QuoteCollateral& collateral) {
  CCV_ASSIGN_OR_RETURN(quote::TcbInfo tcb, quote::ParseTcbInfo(collateral.tcb_info));
  CCV_ASSIGN_OR_RETURN(quote::EnclaveIdentity qe,
                       quote::ParseEnclaveIdentity(collateral.qe_identity));
  auto pck = crypto::Crl::FromBytes(collateral.pck_crl);
  if (!pck.ok()) return pck.status().WithField("pck_crl");
  auto root = crypto::Crl::FromBytes(collateral.root_ca_crl);
  if (!root.ok()) return root.status().WithField("root_ca_crl");
  return std::min({tcb.next_update, qe.next_update, pck->NextUpdate(), root->NextUpdate()});
}

}  // namespace ccv::collateral
