#include "agent/tpm_quote.h"

#include <algorithm>
#include <span>
#include <utility>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "agent/tpm_command_format.h"
#include "parsers/core/hex.h"
#include "parsers/tpm2.h"
#include "verifier/crypto/digest.h"

namespace ccv::agent {
namespace {

namespace tf = tpm_format;

constexpr uint32_t kAllPcrs = (uint32_t{1} << tf::kNumPcrs) - 1;

// The AK's scheme hash (AkTemplate): TPM2_Quote's pcrDigest is this hash of
// the selected PCR values, concatenated in ascending order (Part 3, 18.4).
constexpr HashAlg kAkHash = HashAlg::kSha256;

// One bank: read, quote, and check that the quote covers what was read.
Result<TpmBankQuote> QuoteBank(TpmClient* tpm, uint32_t ak, HashAlg bank,
                               const std::vector<uint8_t>& nonce, const std::string& device) {
  for (int attempt = 0; attempt < kMaxQuoteAttempts; ++attempt) {
    TpmBankQuote q;
    q.bank = bank;
    CCV_ASSIGN_OR_RETURN(q.pcrs, tpm->PcrRead(TpmAlgId(bank), kAllPcrs));
    CCV_ASSIGN_OR_RETURN(TpmClient::QuoteOut out, tpm->Quote(ak, nonce, TpmAlgId(bank), kAllPcrs));
    Result<parsers::TpmAttest> attest = parsers::ParseTpmAttest(out.attest);
    if (!attest.ok())
      return attest.status().WithContext("TPM2_Quote's TPMS_ATTEST").WithFile(device);
    auto wrong = [&](const std::string& what) {
      return Status(ErrorCode::kBadValue,
                    "TPM2_Quote (" + std::string(HashAlgName(bank)) + "): " + what)
          .WithFile(device);
    };
    if (attest->extra_data != nonce) return wrong("extraData is not the nonce sent");
    if (attest->pcr_select.size() != 1 || attest->pcr_select[0].hash != bank ||
        attest->pcr_select[0].Pcrs().size() != tf::kNumPcrs) {
      return wrong("the quote does not select PCRs 0-23 of this bank");
    }
    std::vector<uint8_t> concat;
    for (const auto& [pcr, value] : q.pcrs) concat.insert(concat.end(), value.begin(), value.end());
    Digest d = crypto::Hash(kAkHash, concat);
    std::span<const uint8_t> want = d.span();
    if (std::equal(want.begin(), want.end(), attest->pcr_digest.begin(),
                   attest->pcr_digest.end())) {
      q.attest = std::move(out.attest);
      q.signature = std::move(out.signature);
      return q;
    }
  }
  return Status(ErrorCode::kBadValue,
                "the " + std::string(HashAlgName(bank)) + " PCRs changed between TPM2_PCR_Read " +
                    "and TPM2_Quote " + std::to_string(kMaxQuoteAttempts) + " times in a row")
      .WithFile(device);
}

}  // namespace

Result<TpmQuoteEvidence> QuoteAllBanks(TpmTransport* transport, const TpmQuoteOptions& options) {
  const std::string& device = transport->path();
  if (options.nonce.empty() || options.nonce.size() > kMaxTpmNonceLen) {
    return Status(ErrorCode::kInvalidArgument,
                  "the TPM nonce must be 1 to " + std::to_string(kMaxTpmNonceLen) + " bytes, not " +
                      std::to_string(options.nonce.size()));
  }
  TpmClient tpm(transport);
  if (options.startup) CCV_RETURN_IF_ERROR(tpm.Startup());
  TpmQuoteEvidence ev;
  ev.nonce = options.nonce;
  CCV_ASSIGN_OR_RETURN(std::vector<uint16_t> banks, tpm.PcrBanks());
  std::vector<HashAlg> known;
  for (uint16_t id : banks) {
    std::optional<HashAlg> alg = HashAlgFromTpmAlgId(id);
    if (alg && crypto::HashAlgAvailable(*alg)) {
      known.push_back(*alg);
    } else {
      ev.skipped_banks.push_back(id);
    }
  }
  if (known.empty()) {
    return Status(ErrorCode::kNotFound, "the TPM has no PCR bank of a known algorithm")
        .WithFile(device);
  }
  CCV_ASSIGN_OR_RETURN(TpmClient::Key ak,
                       tpm.CreatePrimary(tf::kRhEndorsement, AkTemplate(options.ak_kind)));
  ev.ak_public = std::move(ak.public_area);
  Status status = Status::Ok();
  for (HashAlg bank : known) {
    Result<TpmBankQuote> q = QuoteBank(&tpm, ak.handle, bank, options.nonce, device);
    if (!q.ok()) {
      status = q.status();
      break;
    }
    ev.quotes.push_back(std::move(q).value());
  }
  // Flushed on every path: a TPM has few object slots (the resource-managed
  // device also flushes on close; a socket or /dev/tpm0 does not).
  Status flushed = tpm.FlushContext(ak.handle);
  CCV_RETURN_IF_ERROR(status);
  CCV_RETURN_IF_ERROR(flushed);
  return ev;
}

std::string QuotedPcrsJson(const TpmQuoteEvidence& ev) {
  rapidjson::StringBuffer buf;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buf);
  w.SetIndent(' ', 2);
  w.StartObject();
  for (const TpmBankQuote& q : ev.quotes) {
    w.Key(std::string(HashAlgName(q.bank)).c_str());
    w.StartObject();
    for (const auto& [pcr, value] : q.pcrs) {
      w.Key(std::to_string(pcr).c_str());
      w.String(ToHex(value).c_str());
    }
    w.EndObject();
  }
  w.EndObject();
  std::string json(buf.GetString(), buf.GetSize());
  json += '\n';
  return json;
}

}  // namespace ccv::agent
