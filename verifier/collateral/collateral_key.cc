#include "verifier/collateral/collateral_key.h"

#include <cctype>

#include "parsers/core/hex.h"
#include "parsers/tdx_quote.h"
#include "verifier/crypto/sgx_extensions.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/pck_chain_source.h"

namespace ccv::collateral {

namespace {

// Quote header TEE type: 0x00000000 SGX, 0x00000081 TDX.
constexpr uint32_t kTeeTypeSgx = 0x00000000;

}  // namespace

std::string_view TeeName(Tee tee) { return tee == Tee::kSgx ? "sgx" : "tdx"; }

std::string_view PckCaName(PckCa ca) { return ca == PckCa::kProcessor ? "processor" : "platform"; }

std::string FmspcHex(const std::array<uint8_t, 6>& fmspc) {
  std::string s = ToHex(fmspc);
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string DescribeKey(const CollateralKey& key) {
  return std::string(TeeName(key.tee)) + " FMSPC " + FmspcHex(key.fmspc) + ", PCK " +
         std::string(PckCaName(key.ca)) + " CA";
}

Result<CollateralKey> CollateralKeyFromQuote(Bytes quote,
                                             const quote::SuppliedPckChain* pck_chain) {
  CCV_ASSIGN_OR_RETURN(parsers::Quote q, parsers::ParseQuote(quote));
  CollateralKey key;
  if (q.IsTdx()) {
    key.tee = Tee::kTdx;
  } else if (q.header.tee_type == kTeeTypeSgx) {
    key.tee = Tee::kSgx;
  } else {
    return Status(ErrorCode::kUnsupported, "quote TEE type " + std::to_string(q.header.tee_type) +
                                               " is neither SGX nor TDX");
  }
  CCV_ASSIGN_OR_RETURN(quote::ResolvedPckChain resolved,
                       quote::ResolvePckChain(q.signature_data, pck_chain));
  if (!resolved.problem.ok()) return resolved.problem.WithContext("PCK certificate chain");
  auto first = crypto::Certificate::FromDer(AsBytes(resolved.der.front()));
  if (!first.ok()) return first.status().WithContext("PCK certificate");
  const crypto::Certificate& leaf = *first;
  auto ext = crypto::ParseSgxExtensions(leaf);
  if (!ext.ok()) return ext.status().WithContext("PCK certificate");
  key.fmspc = ext->fmspc;
  // Intel SGX PCK Certificate and CRL Profile: a PCK certificate is issued
  // by "Intel SGX PCK Processor CA" or "Intel SGX PCK Platform CA".
  const std::string issuer = leaf.IssuerCommonName();
  if (issuer.find("PCK Processor CA") != std::string::npos) {
    key.ca = PckCa::kProcessor;
  } else if (issuer.find("PCK Platform CA") != std::string::npos) {
    key.ca = PckCa::kPlatform;
  } else {
    return Status(ErrorCode::kBadValue,
                  "PCK certificate issuer '" + issuer +
                      "' is neither an SGX PCK Processor CA nor a Platform CA");
  }
  return key;
}

}  // namespace ccv::collateral
