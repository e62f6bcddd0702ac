// Constants of the TPM 2.0 commands the agent sends (TPM 2.0 Library, Part 2:
// Structures; Part 3: Commands). Every integer on the wire is big-endian.
// Algorithm ids and TPMA_OBJECT bits are parsers/tpm2_format.h's.
#ifndef CCV_AGENT_TPM_COMMAND_FORMAT_H_
#define CCV_AGENT_TPM_COMMAND_FORMAT_H_

#include <cstddef>
#include <cstdint>

namespace ccv::agent::tpm_format {

// TPM_ST (Part 2, 6.9): command/response tags.
constexpr uint16_t kStNoSessions = 0x8001;
constexpr uint16_t kStSessions = 0x8002;

// Command and response header: tag (2), size (4), code (4).
constexpr size_t kHeaderLen = 10;
static_assert(2 + 4 + 4 == kHeaderLen);

// TPM_CC (Part 2, 6.5.2).
constexpr uint32_t kCcCreatePrimary = 0x00000131;
constexpr uint32_t kCcStartup = 0x00000144;
constexpr uint32_t kCcQuote = 0x00000158;
constexpr uint32_t kCcFlushContext = 0x00000165;
constexpr uint32_t kCcGetCapability = 0x0000017a;
constexpr uint32_t kCcGetRandom = 0x0000017b;
constexpr uint32_t kCcPcrRead = 0x0000017e;
constexpr uint32_t kCcPcrExtend = 0x00000182;

// TPM_RC (Part 2, 6.6): success, and TPM_RC_INITIALIZE (TPM2_Startup on a
// started TPM).
constexpr uint32_t kRcSuccess = 0x000;
constexpr uint32_t kRcInitialize = 0x100;
// Warnings after which the same command is sent again (Part 2, 6.6.3):
// TPM_RC_YIELDED, TPM_RC_TESTING, TPM_RC_RETRY.
constexpr uint32_t kRcYielded = 0x908;
constexpr uint32_t kRcTesting = 0x90a;
constexpr uint32_t kRcRetry = 0x922;
constexpr int kMaxRetries = 50;

// TPM_SU_CLEAR (Part 2, 6.7).
constexpr uint16_t kSuClear = 0x0000;

// Permanent handles (Part 2, 7.4): hierarchies and the password session.
constexpr uint32_t kRhOwner = 0x40000001;
constexpr uint32_t kRhEndorsement = 0x4000000b;
constexpr uint32_t kRsPw = 0x40000009;
// A password session with an empty password: handle (4), nonce TPM2B (2),
// attributes (1), hmac TPM2B (2).
constexpr size_t kPasswordSessionLen = 9;
static_assert(4 + 2 + 1 + 2 == kPasswordSessionLen);

// TPM_CAP_PCRS (Part 2, 6.12).
constexpr uint32_t kCapPcrs = 0x00000005;

// TPMA_OBJECT userWithAuth (Part 2, 8.3).
constexpr uint32_t kObjUserWithAuth = 1u << 6;

// PCRs 0-23: a PC Client TPM's banks (TPMS_PCR_SELECTION sizeofSelect 3).
constexpr uint32_t kNumPcrs = 24;
constexpr uint8_t kPcrSelectLen = 3;

// The largest command or response we send or accept (TPM_PT_MAX_COMMAND_SIZE
// and TPM_PT_MAX_RESPONSE_SIZE are 4096 on PC Client TPMs).
constexpr size_t kMaxResponseLen = 8192;

}  // namespace ccv::agent::tpm_format

#endif  // CCV_AGENT_TPM_COMMAND_FORMAT_H_
