#include "agent/tpm_client.h"

#include <bit>
#include <chrono>
#include <cstdio>
#include <thread>

#include "agent/tpm_command_format.h"
#include "parsers/core/byte_reader.h"
#include "parsers/core/hash_alg.h"
#include "parsers/tpm2_format.h"

namespace ccv::agent {
namespace {

namespace tf = tpm_format;
namespace pf = parsers::tpm2_format;

// Marshals a command big-endian (Part 1, 18.2) and sets its size last.
class Command {
 public:
  Command(uint16_t tag, uint32_t code) {
    U16(tag);
    U32(0);
    U32(code);
  }
  Command& U8(uint8_t v) {
    b_.push_back(v);
    return *this;
  }
  Command& U16(uint16_t v) { return U8(uint8_t(v >> 8)).U8(uint8_t(v)); }
  Command& U32(uint32_t v) { return U16(uint16_t(v >> 16)).U16(uint16_t(v)); }
  Command& Raw(std::span<const uint8_t> v) {
    b_.insert(b_.end(), v.begin(), v.end());
    return *this;
  }
  // A TPM2B: its 16-bit size, then the bytes.
  Command& Sized(std::span<const uint8_t> v) { return U16(uint16_t(v.size())).Raw(v); }
  // The authorization area: one password session, empty password.
  Command& PasswordSession() {
    U32(uint32_t(tf::kPasswordSessionLen));
    return U32(tf::kRsPw).U16(0).U8(0).U16(0);
  }
  // TPML_PCR_SELECTION of one bank.
  Command& PcrSelection(uint16_t alg, uint32_t pcrs) {
    U32(1).U16(alg).U8(tf::kPcrSelectLen);
    for (uint8_t i = 0; i < tf::kPcrSelectLen; ++i) U8(uint8_t(pcrs >> (8 * i)));
    return *this;
  }
  std::vector<uint8_t> Finish() {
    uint32_t size = uint32_t(b_.size());
    for (int i = 0; i < 4; ++i) b_[2 + size_t(i)] = uint8_t(size >> (24 - 8 * i));
    return std::move(b_);
  }

 private:
  std::vector<uint8_t> b_;
};

std::string Hex32(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%03x", v);
  return buf;
}

// A hint for the response codes an operator can act on (Part 2, 6.6.3).
std::string RcHint(uint32_t rc) {
  if ((rc & 0x80) != 0) {  // format 1: the error and the parameter, handle or session
    uint32_t e = rc & 0x3f;
    if (e == 0x0e || e == 0x22) return " (authorization failed: the hierarchy has a password?)";
    return "";
  }
  if (rc == 0x921) return " (the TPM is in dictionary-attack lockout)";
  if (rc == 0x101) return " (TPM failure mode)";
  return "";
}

Status ResponseError(const char* name, uint64_t offset, const Status& s) {
  return Status(ErrorCode::kBadValue, std::string(name) + " response: " + s.message() +
                                          " at offset " + std::to_string(offset))
      .WithField(s.field());
}

// The PCRs a TPMS_PCR_SELECTION of a response selects (bit n: PCR n).
Result<uint32_t> ReadSelection(ByteReader* r, uint16_t* out_alg) {
  CCV_ASSIGN_OR_RETURN(*out_alg, r->ReadU16Be("hash"));
  CCV_ASSIGN_OR_RETURN(uint8_t n, r->ReadU8("sizeofSelect"));
  CCV_ASSIGN_OR_RETURN(Bytes select, r->ReadBytes(n, "pcrSelect"));
  uint32_t mask = 0;
  for (size_t i = 0; i < select.size(); ++i) {
    if (i < 4) mask |= uint32_t{select[i]} << (8 * i);
  }
  return mask & ((uint32_t{1} << tf::kNumPcrs) - 1);
}

}  // namespace

std::vector<uint8_t> AkTemplate(AkKind kind) {
  // Only the TPMT_PUBLIC: marshal it with a Command's helpers minus the header.
  Command c(0, 0);
  uint32_t attributes = pf::kObjFixedTpm | pf::kObjFixedParent | pf::kObjSensitiveDataOrigin |
                        tf::kObjUserWithAuth | pf::kObjRestricted | pf::kObjSign;
  constexpr uint16_t kSha256 = kTpmAlgSha256;
  if (kind == AkKind::kEccP256) {
    c.U16(pf::kAlgEcc).U16(kSha256).U32(attributes).U16(0);  // type, nameAlg, attributes, policy
    c.U16(pf::kAlgNull);                                     // symmetric
    c.U16(pf::kAlgEcdsa).U16(kSha256);                       // scheme
    c.U16(pf::kEccNistP256).U16(pf::kAlgNull);               // curveID, kdf
    c.U16(0).U16(0);                                         // unique: x, y
  } else {
    c.U16(pf::kAlgRsa).U16(kSha256).U32(attributes).U16(0);
    c.U16(pf::kAlgNull);
    c.U16(pf::kAlgRsaSsa).U16(kSha256);
    c.U16(2048).U32(0);  // keyBits, exponent (the default, 65537)
    c.U16(0);            // unique: the modulus
  }
  std::vector<uint8_t> out = c.Finish();
  out.erase(out.begin(), out.begin() + tf::kHeaderLen);
  return out;
}

Result<TpmClient::Response> TpmClient::Run(const char* name, const std::vector<uint8_t>& command,
                                           size_t num_handles, bool sessions, uint32_t allowed_rc) {
  // The TPM may ask for the command again (it was busy, or testing itself).
  Result<std::vector<uint8_t>> raw = Status(ErrorCode::kInternal, "unset");
  for (int attempt = 0;; ++attempt) {
    raw = t_->Transmit(command);
    if (!raw.ok()) return raw.status().WithContext(name);
    // The transport returns at least a header.
    uint32_t code = ByteReader(*raw).Rest().size() >= tf::kHeaderLen
                        ? uint32_t{(*raw)[6]} << 24 | uint32_t{(*raw)[7]} << 16 |
                              uint32_t{(*raw)[8]} << 8 | (*raw)[9]
                        : 0;
    bool again = code == tf::kRcRetry || code == tf::kRcYielded || code == tf::kRcTesting;
    if (!again || attempt + 1 >= tf::kMaxRetries) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ByteReader r(*raw);
  Response out;
  auto bad = [&](const Status& s) {
    return ResponseError(name, r.Offset(), s).WithFile(t_->path());
  };
  Result<uint16_t> tag = r.ReadU16Be("tag");
  Result<uint32_t> size = r.ReadU32Be("responseSize");
  Result<uint32_t> rc = r.ReadU32Be("responseCode");
  if (!tag.ok() || !size.ok() || !rc.ok()) {
    return bad(Status(ErrorCode::kTruncated, "shorter than its header"));
  }
  out.rc = *rc;
  if (*rc != tf::kRcSuccess) {
    if (*rc == allowed_rc) return out;
    return Status(ErrorCode::kIo,
                  std::string(name) + " failed: TPM response code " + Hex32(*rc) + RcHint(*rc))
        .WithFile(t_->path());
  }
  for (size_t i = 0; i < num_handles; ++i) {
    Result<uint32_t> h = r.ReadU32Be("handle");
    if (!h.ok()) return bad(h.status());
    out.handles.push_back(*h);
  }
  size_t params_len = r.Remaining();
  if (sessions) {
    Result<uint32_t> n = r.ReadU32Be("parameterSize");
    if (!n.ok()) return bad(n.status());
    if (*n > r.Remaining()) {
      return bad(Status(ErrorCode::kBadLength, "parameterSize " + std::to_string(*n) +
                                                   " exceeds the " + std::to_string(r.Remaining()) +
                                                   " bytes left"));
    }
    params_len = *n;
  }
  Result<Bytes> params = r.ReadBytes(params_len, "parameters");
  if (!params.ok()) return bad(params.status());
  out.params.assign(params->begin(), params->end());
  return out;
}

Status TpmClient::Startup() {
  Command c(tf::kStNoSessions, tf::kCcStartup);
  c.U16(tf::kSuClear);
  return Run("TPM2_Startup", c.Finish(), 0, false, tf::kRcInitialize).status();
}

Result<std::vector<uint16_t>> TpmClient::PcrBanks() {
  Command c(tf::kStNoSessions, tf::kCcGetCapability);
  c.U32(tf::kCapPcrs).U32(0).U32(pf::kMaxPcrBanks);
  CCV_ASSIGN_OR_RETURN(Response resp, Run("TPM2_GetCapability", c.Finish(), 0, false));
  ByteReader r(resp.params);
  std::vector<uint16_t> banks;
  auto parse = [&]() -> Status {
    CCV_RETURN_IF_ERROR(r.ReadU8("moreData").status());
    CCV_ASSIGN_OR_RETURN(uint32_t cap, r.ReadU32Be("capability"));
    if (cap != tf::kCapPcrs) {
      return Status(ErrorCode::kBadValue, "capability " + std::to_string(cap) + ", not PCRs");
    }
    CCV_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32Be("count"));
    if (count > pf::kMaxPcrBanks) {
      return Status(ErrorCode::kLimitExceeded, std::to_string(count) + " banks");
    }
    for (uint32_t i = 0; i < count; ++i) {
      uint16_t alg = 0;
      CCV_ASSIGN_OR_RETURN(uint32_t mask, ReadSelection(&r, &alg));
      if (mask != 0) banks.push_back(alg);
    }
    return Status::Ok();
  };
  if (Status s = parse(); !s.ok()) {
    return ResponseError("TPM2_GetCapability", r.Offset(), s).WithFile(t_->path());
  }
  return banks;
}

Result<std::map<uint32_t, std::vector<uint8_t>>> TpmClient::PcrRead(uint16_t alg, uint32_t pcrs) {
  std::map<uint32_t, std::vector<uint8_t>> values;
  uint32_t left = pcrs & ((uint32_t{1} << tf::kNumPcrs) - 1);
  while (left != 0) {
    Command c(tf::kStNoSessions, tf::kCcPcrRead);
    c.PcrSelection(alg, left);
    CCV_ASSIGN_OR_RETURN(Response resp, Run("TPM2_PCR_Read", c.Finish(), 0, false));
    ByteReader r(resp.params);
    uint32_t got = 0;
    auto parse = [&]() -> Status {
      CCV_RETURN_IF_ERROR(r.ReadU32Be("pcrUpdateCounter").status());
      CCV_ASSIGN_OR_RETURN(uint32_t banks, r.ReadU32Be("pcrSelectionOut.count"));
      if (banks > 1) return Status(ErrorCode::kBadValue, "more banks than asked for");
      if (banks == 1) {
        uint16_t out_alg = 0;
        CCV_ASSIGN_OR_RETURN(got, ReadSelection(&r, &out_alg));
        if (out_alg != alg || (got & ~left) != 0) {
          return Status(ErrorCode::kBadValue, "PCRs other than those asked for");
        }
      }
      CCV_ASSIGN_OR_RETURN(uint32_t n, r.ReadU32Be("pcrValues.count"));
      if (n != uint32_t(std::popcount(got))) {
        return Status(ErrorCode::kBadLength, std::to_string(n) + " values for " +
                                                 std::to_string(std::popcount(got)) +
                                                 " selected PCRs");
      }
      for (uint32_t pcr = 0; pcr < tf::kNumPcrs; ++pcr) {
        if ((got & (uint32_t{1} << pcr)) == 0) continue;
        CCV_ASSIGN_OR_RETURN(uint16_t len, r.ReadU16Be("digest.size"));
        if (len > pf::kMaxDigestLen) return Status(ErrorCode::kLimitExceeded, "digest size");
        CCV_ASSIGN_OR_RETURN(Bytes d, r.ReadBytes(len, "digest"));
        values[pcr].assign(d.begin(), d.end());
      }
      return Status::Ok();
    };
    if (Status s = parse(); !s.ok()) {
      return ResponseError("TPM2_PCR_Read", r.Offset(), s).WithFile(t_->path());
    }
    if (got == 0) {
      return Status(ErrorCode::kNotFound, "TPM2_PCR_Read: the TPM returns no value for PCRs mask " +
                                              Hex32(left) + " of bank " + Hex32(alg))
          .WithFile(t_->path());
    }
    left &= ~got;
  }
  return values;
}

Status TpmClient::PcrExtend(uint32_t pcr, uint16_t alg, std::span<const uint8_t> digest) {
  Command c(tf::kStSessions, tf::kCcPcrExtend);
  c.U32(pcr).PasswordSession().U32(1).U16(alg).Raw(digest);
  return Run("TPM2_PCR_Extend", c.Finish(), 0, true).status();
}

Result<TpmClient::Key> TpmClient::CreatePrimary(uint32_t hierarchy,
                                                std::span<const uint8_t> tpmt_public) {
  Command c(tf::kStSessions, tf::kCcCreatePrimary);
  c.U32(hierarchy).PasswordSession();
  c.U16(4).U16(0).U16(0);  // inSensitive: empty userAuth and data
  c.Sized(tpmt_public);    // inPublic
  c.U16(0);                // outsideInfo
  c.U32(0);                // creationPCR: none
  CCV_ASSIGN_OR_RETURN(Response resp, Run("TPM2_CreatePrimary", c.Finish(), 1, true));
  ByteReader r(resp.params);
  Key key;
  key.handle = resp.handles[0];
  Result<uint16_t> len = r.ReadU16Be("outPublic.size");
  Result<Bytes> area = len.ok() ? r.ReadBytes(*len, "outPublic") : Result<Bytes>(len.status());
  if (!area.ok()) {
    return ResponseError("TPM2_CreatePrimary", r.Offset(), area.status()).WithFile(t_->path());
  }
  key.public_area.push_back(uint8_t(*len >> 8));
  key.public_area.push_back(uint8_t(*len));
  key.public_area.insert(key.public_area.end(), area->begin(), area->end());
  return key;
}

Status TpmClient::FlushContext(uint32_t handle) {
  Command c(tf::kStNoSessions, tf::kCcFlushContext);
  c.U32(handle);
  return Run("TPM2_FlushContext", c.Finish(), 0, false).status();
}

Result<TpmClient::QuoteOut> TpmClient::Quote(uint32_t key, std::span<const uint8_t> nonce,
                                             uint16_t alg, uint32_t pcrs) {
  Command c(tf::kStSessions, tf::kCcQuote);
  c.U32(key).PasswordSession();
  c.Sized(nonce);       // qualifyingData
  c.U16(pf::kAlgNull);  // inScheme: the key's
  c.PcrSelection(alg, pcrs);
  CCV_ASSIGN_OR_RETURN(Response resp, Run("TPM2_Quote", c.Finish(), 0, true));
  ByteReader r(resp.params);
  Result<uint16_t> len = r.ReadU16Be("quoted.size");
  Result<Bytes> attest = len.ok() ? r.ReadBytes(*len, "quoted") : Result<Bytes>(len.status());
  if (!attest.ok()) {
    return ResponseError("TPM2_Quote", r.Offset(), attest.status()).WithFile(t_->path());
  }
  QuoteOut out;
  out.attest.assign(attest->begin(), attest->end());
  Bytes sig = r.Rest();
  out.signature.assign(sig.begin(), sig.end());
  return out;
}

}  // namespace ccv::agent
