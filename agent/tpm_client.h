// The few TPM 2.0 commands the agent needs, marshalled by hand (TPM 2.0
// Library, Part 3): enough to create an attestation key, read PCRs and quote
// them, without a TSS. Authorization is a password session with an empty
// password (the hierarchy's and the key's), as a freshly provisioned TPM
// has; a TPM whose endorsement hierarchy has a password answers with an
// authorization error, reported with its response code.
//
// Every response is read through ByteReader; a response that does not parse
// is kBadValue naming the command and the offset. A TPM error is kIo naming
// the command and the response code. Thread safety: one thread at a time
// (the transport's).
#ifndef CCV_AGENT_TPM_CLIENT_H_
#define CCV_AGENT_TPM_CLIENT_H_

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "agent/tpm_transport.h"
#include "parsers/core/result.h"

namespace ccv::agent {

// The AK templates (TPMT_PUBLIC, Part 2, 12.2.4): a restricted signing key
// (fixedTPM, fixedParent, sensitiveDataOrigin, userWithAuth, restricted,
// sign), name algorithm SHA-256, with its scheme fixed: ECDSA-SHA256 on
// NIST P-256, or RSASSA-SHA256 with a 2048-bit modulus. Empty unique fields,
// so a primary key from a template is the same key for as long as the
// hierarchy's seed is.
enum class AkKind { kEccP256, kRsa2048 };
std::vector<uint8_t> AkTemplate(AkKind kind);

class TpmClient {
 public:
  explicit TpmClient(TpmTransport* transport) : t_(transport) {}
  TpmClient(const TpmClient&) = delete;
  TpmClient& operator=(const TpmClient&) = delete;

  // TPM2_Startup(TPM_SU_CLEAR). A TPM already started (TPM_RC_INITIALIZE)
  // is fine. Firmware starts a real TPM; a simulator needs this.
  Status Startup();
  // TPM2_GetCapability(TPM_CAP_PCRS): the allocated banks (TPM_ALG_ID) that
  // have at least one PCR, in the TPM's order.
  Result<std::vector<uint16_t>> PcrBanks();
  // TPM2_PCR_Read of the PCRs in `pcrs` (bit n: PCR n, n < 24) in bank
  // `alg`, as many commands as the TPM needs (it returns at most 8 a time).
  // A PCR the TPM does not return is kNotFound.
  Result<std::map<uint32_t, std::vector<uint8_t>>> PcrRead(uint16_t alg, uint32_t pcrs);
  // TPM2_PCR_Extend of one bank of PCR `pcr` (tests: a simulator's PCRs).
  Status PcrExtend(uint32_t pcr, uint16_t alg, std::span<const uint8_t> digest);

  struct Key {
    uint32_t handle = 0;
    std::vector<uint8_t> public_area;  // TPM2B_PUBLIC as the TPM returned it
  };
  // TPM2_CreatePrimary under `hierarchy` (tpm_format::kRhEndorsement or
  // kRhOwner) from a TPMT_PUBLIC template.
  Result<Key> CreatePrimary(uint32_t hierarchy, std::span<const uint8_t> tpmt_public);
  // TPM2_FlushContext.
  Status FlushContext(uint32_t handle);

  struct QuoteOut {
    std::vector<uint8_t> attest;     // TPMS_ATTEST (the TPM2B_ATTEST's contents)
    std::vector<uint8_t> signature;  // TPMT_SIGNATURE
  };
  // TPM2_Quote with the key's own scheme over `pcrs` of bank `alg`,
  // qualifyingData `nonce` (at most 64 bytes).
  Result<QuoteOut> Quote(uint32_t key, std::span<const uint8_t> nonce, uint16_t alg, uint32_t pcrs);

 private:
  struct Response {
    uint32_t rc = 0;
    std::vector<uint32_t> handles;  // the response's handle area
    std::vector<uint8_t> params;    // the parameter area (without the session area)
  };
  // Sends a command. A response code other than success (and `allowed_rc`)
  // is an error naming `name`; otherwise the response is split into its
  // `num_handles` handles and its parameters (`sessions`: the command had
  // an authorization area, so the response has parameterSize and sessions).
  Result<Response> Run(const char* name, const std::vector<uint8_t>& command, size_t num_handles,
                       bool sessions, uint32_t allowed_rc = 0);

  TpmTransport* t_;
};

}  // namespace ccv::agent

#endif  // CCV_AGENT_TPM_CLIENT_H_
