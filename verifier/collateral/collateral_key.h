// What selects a quote's collateral: the TEE (SGX or TDX), the FMSPC of the
// PCK certificate and the CA that issued it (Intel SGX PCK Processor CA or
// Platform CA). Intel PCS and a PCCS serve TCB info by FMSPC and TEE, the QE
// identity by TEE and the PCK CRL by CA (Intel PCS API v4).
//
// A key read from a quote is read from unverified evidence: it only selects
// what to fetch or look up. Nothing here checks a signature; quote
// verification later compares the FMSPC and the PCK CRL issuer with the
// verified PCK chain. Thread-safe: pure functions.
#ifndef CCV_VERIFIER_COLLATERAL_COLLATERAL_KEY_H_
#define CCV_VERIFIER_COLLATERAL_COLLATERAL_KEY_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "parsers/core/byte_reader.h"
#include "parsers/core/result.h"
#include "verifier/quote/pck_chain_source.h"

namespace ccv::collateral {

enum class Tee { kSgx, kTdx };
enum class PckCa { kProcessor, kPlatform };

struct CollateralKey {
  Tee tee = Tee::kTdx;
  std::array<uint8_t, 6> fmspc{};
  PckCa ca = PckCa::kPlatform;

  bool operator==(const CollateralKey&) const = default;
};

// "sgx" / "tdx": the path segment of the PCS API.
std::string_view TeeName(Tee tee);
// "processor" / "platform": the `ca` parameter of the PCS API.
std::string_view PckCaName(PckCa ca);
// Uppercase hex, as Intel PCS spells FMSPCs.
std::string FmspcHex(const std::array<uint8_t, 6>& fmspc);
// "tdx FMSPC B0C06F000000, PCK platform CA", for messages.
std::string DescribeKey(const CollateralKey& key);

// The key of a DCAP quote (SGX v3, TDX v4/v5) from its header and its PCK
// leaf certificate: from its certification data, or from `pck_chain` when
// the quote carries a PCK identifier (types 1-3) or the leaf alone (type 4;
// quote::ResolvePckChain). Errors: the quote parser's; ResolvePckChain's and
// its problem (kNotFound for a type 1-4 quote without `pck_chain`, the
// message says to pass --pck-chain); kUnsupported for a TEE type other than
// SGX and TDX; kNotFound / kBadValue when the leaf has no readable SGX
// extension or its issuer is neither PCK CA.
Result<CollateralKey> CollateralKeyFromQuote(Bytes quote,
                                             const quote::SuppliedPckChain* pck_chain = nullptr);

}  // namespace ccv::collateral

#endif  // CCV_VERIFIER_COLLATERAL_COLLATERAL_KEY_H_
