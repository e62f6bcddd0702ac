// Test helper: Intel PCS / PCCS API v4 responses made from collateral in our
// JSON layout, split back into what the service sends: TCB info and QE
// identity bodies ({"tcbInfo": ..., "signature": "hex"}), the PCK CRL (DER
// with encoding=der, else hex text, as a PCCS answers) and the root CA CRL
// (hex at /sgx/certification/v4/rootcacrl, DER at /root.crl for a root
// certificate naming that as its CRL distribution point), with the issuer
// chains URL-encoded in the documented headers. Requests for another TEE,
// FMSPC or CA get 404. Thread-safe.
#ifndef CCV_TESTS_VERIFIER_COLLATERAL_FAKE_PCS_H_
#define CCV_TESTS_VERIFIER_COLLATERAL_FAKE_PCS_H_

#include <map>
#include <mutex>
#include <string>

#include "tests/verifier/collateral/loopback_server.h"
#include "verifier/quote/collateral.h"

namespace ccv::testing {

enum class CrlStyle {
  kPccs,         // pckcrl: DER with encoding=der, hex text otherwise
  kPccsHexOnly,  // a PCCS that predates `encoding`: always hex text
  kPem,          // always PEM
};

enum class HeaderCase { kAsDocumented, kLower, kUpper };

struct FakePcsOptions {
  CrlStyle crl_style = CrlStyle::kPccs;
  HeaderCase header_case = HeaderCase::kAsDocumented;
  // TCB info chain header names: v4 "TCB-Info-Issuer-Chain" and/or the v3
  // name "SGX-TCB-Info-Issuer-Chain" (Intel PCS sends both).
  bool tcb_v4_header = true;
  bool tcb_v3_header = false;
};

// encodeURIComponent (ECMA-262): every byte but A-Z a-z 0-9 - _ . ! ~ * ' ( )
// as %XX.
std::string UrlEncode(const std::string& text);

class FakePcs {
 public:
  explicit FakePcs(FakePcsOptions options = {}) : options_(options) {}

  // What is served from now on.
  void Serve(const quote::QuoteCollateral& collateral);
  // Requests whose target starts with `prefix` get `response` instead.
  void Override(const std::string& prefix, CannedResponse response);

  CannedResponse Handle(const std::string& target) const;
  CannedHandler Handler() const {
    return [this](const std::string& t) { return Handle(t); };
  }

 private:
  std::string HeaderName(std::string name) const;
  CannedResponse Route(const std::string& path, const std::map<std::string, std::string>& query,
                       const quote::QuoteCollateral& c) const;

  FakePcsOptions options_;
  mutable std::mutex mu_;
  quote::QuoteCollateral collateral_;
  std::map<std::string, CannedResponse> overrides_;
};

}  // namespace ccv::testing

#endif  // CCV_TESTS_VERIFIER_COLLATERAL_FAKE_PCS_H_
