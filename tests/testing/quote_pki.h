// Test PKI for DCAP verification: a root CA, a PCK Platform (or Processor)
// CA, a PCK leaf certificate with SGX extensions, a TCB signing certificate,
// both CRLs, signed TCB info and QE identity JSON, and quotes v4/v5 (TDX) or
// v3 (SGX) signed by an attestation key, so every failure path of
// verifier/quote can be produced on demand. Test and tool code: it uses
// OpenSSL directly. Not thread-safe.
#ifndef CCV_TESTS_TESTING_QUOTE_PKI_H_
#define CCV_TESTS_TESTING_QUOTE_PKI_H_

#include <cstdint>
#include <string>
#include <vector>

#include "parsers/core/result.h"
#include "tests/testing/quote_builder.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/crypto/sgx_extensions.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/collateral.h"

namespace ccv::testing {

// Reference time of the synthetic scenario: 2026-01-01T00:00:00Z.
inline constexpr int64_t kPkiNow = 1767225600;
inline constexpr int64_t kDay = 86400;

struct Validity {
  int64_t not_before = kPkiNow - 365 * kDay;
  int64_t not_after = kPkiNow + 3650 * kDay;
};

struct PkiOptions {
  Validity root, pck_ca, pck_leaf, tcb_signer;
  bool processor_ca = false;  // "SGX PCK Processor CA" instead of Platform CA
  crypto::SgxExtensions pck_ext = DefaultPckExtensions();
  // CRL windows and revocations.
  int64_t crl_this_update = kPkiNow - 10 * kDay;
  int64_t crl_next_update = kPkiNow + 20 * kDay;
  bool revoke_pck_leaf = false;
  bool revoke_pck_ca = false;
  bool revoke_tcb_signer = false;
  // Seeds for deterministic keys (0: random).
  uint8_t key_seed = 1;
  // Non-zero: the PCK leaf key (and serial) from this seed instead, so two
  // PKIs share root and CA but not the platform (another platform's PCK).
  uint8_t pck_leaf_key_seed = 0;

  static crypto::SgxExtensions DefaultPckExtensions();
};

class TestPki {
 public:
  static Result<TestPki> Create(const PkiOptions& options = {});
  // As Create, the root certificate naming `root_crl_url` as its CRL
  // distribution point (as the Intel SGX Root CA names its CRL on Intel's
  // server).
  static Result<TestPki> CreateWithRootCrlUrl(const PkiOptions& options,
                                              const std::string& root_crl_url);

  TestPki(TestPki&&) = default;
  TestPki& operator=(TestPki&&) = default;

  const crypto::Certificate& root() const { return root_; }
  const crypto::Certificate& pck_ca() const { return pck_ca_; }
  const crypto::Certificate& pck_leaf() const { return pck_leaf_; }
  const crypto::Certificate& tcb_signer() const { return tcb_signer_; }
  const crypto::PrivateKey& pck_leaf_key() const { return pck_leaf_key_; }
  const crypto::PrivateKey& tcb_signer_key() const { return tcb_signer_key_; }

  std::string RootPem() const { return root_.Pem(); }
  std::string PckChainPem() const { return pck_leaf_.Pem() + pck_ca_.Pem() + root_.Pem(); }
  std::string PckCrlChainPem() const { return pck_ca_.Pem() + root_.Pem(); }
  std::string TcbChainPem() const { return tcb_signer_.Pem() + root_.Pem(); }
  const std::vector<uint8_t>& root_crl() const { return root_crl_; }
  const std::vector<uint8_t>& pck_crl() const { return pck_crl_; }

  // r || s by the TCB signing key over the exact bytes of `body`.
  std::vector<uint8_t> SignTcb(const std::string& body) const;

 private:
  TestPki() = default;
  crypto::PrivateKey root_key_, pck_ca_key_, pck_leaf_key_, tcb_signer_key_;
  crypto::Certificate root_, pck_ca_, pck_leaf_, tcb_signer_;
  std::vector<uint8_t> root_crl_, pck_crl_;
};

// Default TDX TCB info (v3, FMSPC/PCEID of DefaultPckExtensions, two
// platform levels, module identities TDX_01 and TDX_03) and TD_QE identity.
quote::TcbInfo DefaultTdxTcbInfo();
quote::TcbInfo DefaultSgxTcbInfo();
quote::EnclaveIdentity DefaultQeIdentity(bool tdx = true);
std::string TcbInfoToJson(const quote::TcbInfo& t);
std::string EnclaveIdentityToJson(const quote::EnclaveIdentity& e);

// A collateral signed by `pki` with these documents.
quote::QuoteCollateral MakeCollateral(const TestPki& pki, const quote::TcbInfo& tcb_info,
                                      const quote::EnclaveIdentity& qe_identity);

// The default synthetic quote: TDX v4 (TEE_TCB_SVN 03 01 02 00...), QE report
// matching DefaultQeIdentity, the PCK chain of `pki`. Tests change fields and
// call SignQuote.
QuoteBuilder DefaultTdxQuote(const TestPki& pki);
QuoteBuilder DefaultSgxQuote(const TestPki& pki);
// Fills the attestation key, QE report data (SHA-256(key || auth) || 0^32),
// QE report signature (PCK key) and quote signature (attestation key).
Status SignQuote(const TestPki& pki, const crypto::PrivateKey& attestation_key, QuoteBuilder* b);
// Deterministic attestation key.
crypto::PrivateKey TestAttestationKey();

// Writes into `dir`: quote.bin, collateral.json, root_ca.pem (the test
// root) and expected.json ({"at", "tcb_status", ...}) for the default
// scenario. Used by the demo generator.
Status WriteSyntheticQuoteSet(const std::string& dir);

}  // namespace ccv::testing

#endif  // CCV_TESTS_TESTING_QUOTE_PKI_H_
