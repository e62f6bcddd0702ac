// The agent's TPM quote: an attestation key made on the spot, and one
// TPM2_Quote per allocated PCR bank over PCRs 0-23 with the caller's nonce
// as qualifyingData, each with the PCR values it covers.
//
// The AK is a primary key created from a fixed template (tpm_client.h
// AkTemplate) under the endorsement hierarchy: the TPM derives it from the
// hierarchy's seed, so every collection on this TPM yields the same key
// (a verifier pins it once, `tpm.ak` in the policy) without a persistent
// handle, an NV write or a TSS; it changes only with the endorsement seed
// (TPM2_ChangeEPS), not with TPM2_Clear as an owner-hierarchy key would.
// The key is flushed before returning.
//
// The PCR values are read, then quoted; the quote's pcrDigest must be the
// hash of the values read, else a PCR moved in between (IMA extends PCR 10
// at any time) and the bank is read and quoted again, at most
// kMaxQuoteAttempts times. Thread safety: one thread at a time (the
// transport's).
#ifndef CCV_AGENT_TPM_QUOTE_H_
#define CCV_AGENT_TPM_QUOTE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "agent/tpm_client.h"
#include "agent/tpm_transport.h"
#include "parsers/core/hash_alg.h"
#include "parsers/core/result.h"

namespace ccv::agent {

inline constexpr int kMaxQuoteAttempts = 8;
// qualifyingData is a TPM2B_DATA: at most a TPMT_HA's 66 bytes, and most
// TPMs take at most their largest digest; 64 covers every bank.
inline constexpr size_t kMaxTpmNonceLen = 64;

struct TpmQuoteOptions {
  std::vector<uint8_t> nonce;  // qualifyingData, 1 to kMaxTpmNonceLen bytes
  AkKind ak_kind = AkKind::kEccP256;
  bool startup = false;  // send TPM2_Startup first (a simulator; firmware starts a TPM)
};

struct TpmBankQuote {
  HashAlg bank = HashAlg::kSha256;
  std::vector<uint8_t> attest;                    // TPMS_ATTEST
  std::vector<uint8_t> signature;                 // TPMT_SIGNATURE
  std::map<uint32_t, std::vector<uint8_t>> pcrs;  // PCR 0-23 as quoted
};

struct TpmQuoteEvidence {
  std::vector<uint8_t> ak_public;  // TPM2B_PUBLIC of the AK
  std::vector<uint8_t> nonce;
  std::vector<TpmBankQuote> quotes;  // in the TPM's bank order
  // Allocated banks of an algorithm we do not know (named by TPM_ALG_ID),
  // not quoted.
  std::vector<uint16_t> skipped_banks;
};

// Creates the AK, quotes every known allocated bank, flushes the AK. Errors:
// the transport's and the client's (naming the device and the command),
// kInvalidArgument (nonce size), kNotFound (no bank allocated), kBadValue (a
// quote whose extraData, selection or digest answers another request, or
// PCRs that kept moving).
Result<TpmQuoteEvidence> QuoteAllBanks(TpmTransport* transport, const TpmQuoteOptions& options);

// The quoted PCR values as `tpm verify --pcrs` and the manifest's `tpm.pcrs`
// read them: {"sha256": {"0": "hex", ...}, ...}.
std::string QuotedPcrsJson(const TpmQuoteEvidence& evidence);

}  // namespace ccv::agent

#endif  // CCV_AGENT_TPM_QUOTE_H_
