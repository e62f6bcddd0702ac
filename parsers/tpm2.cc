#include "parsers/tpm2.h"

#include <string>

#include "parsers/tpm2_format.h"

namespace ccv::parsers {

namespace fmt = tpm2_format;

namespace {

// A TPM2B: u16 size, then that many bytes, at most `max`.
Result<std::vector<uint8_t>> ReadTpm2b(ByteReader* r, std::string_view field, size_t max) {
  uint64_t at = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint16_t size, r->ReadU16Be(field));
  if (size > max) {
    return ParseError(
        ErrorCode::kLimitExceeded, at, field,
        "size " + std::to_string(size) + " exceeds the maximum of " + std::to_string(max));
  }
  CCV_ASSIGN_OR_RETURN(Bytes b, r->ReadBytes(size, field));
  return std::vector<uint8_t>(b.begin(), b.end());
}

Result<TpmPcrSelection> ReadPcrSelection(ByteReader* r) {
  TpmPcrSelection s;
  CCV_ASSIGN_OR_RETURN(s.hash_alg_id, r->ReadU16Be("pcrSelect.hash"));
  s.hash = HashAlgFromTpmAlgId(s.hash_alg_id);
  uint64_t at = r->Offset();
  CCV_ASSIGN_OR_RETURN(uint8_t n, r->ReadU8("pcrSelect.sizeofSelect"));
  if (n > fmt::kMaxPcrSelectLen) {
    return ParseError(ErrorCode::kLimitExceeded, at, "pcrSelect.sizeofSelect",
                      "sizeofSelect " + std::to_string(n) + " exceeds the maximum of " +
                          std::to_string(fmt::kMaxPcrSelectLen));
  }
  CCV_ASSIGN_OR_RETURN(Bytes sel, r->ReadBytes(n, "pcrSelect.pcrSelect"));
  s.select.assign(sel.begin(), sel.end());
  return s;
}

std::string HexId(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  bool started = false;
  for (int shift = 28; shift >= 0; shift -= 4) {
    int d = (v >> shift) & 0xf;
    if (d || started || shift < 16) {
      s += kDigits[d];
      started = true;
    }
  }
  return s;
}

}  // namespace

std::vector<uint32_t> TpmPcrSelection::Pcrs() const {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < select.size(); ++i) {
    for (uint32_t bit = 0; bit < 8; ++bit) {
      if (select[i] & (1u << bit)) out.push_back(uint32_t(i * 8 + bit));
    }
  }
  return out;
}

Result<TpmAttest> ParseTpmAttest(Bytes data) {
  ByteReader r(data);
  TpmAttest a;
  CCV_ASSIGN_OR_RETURN(a.magic, r.ReadU32Be("magic"));
  if (a.magic != fmt::kTpmGeneratedValue) {
    return ParseError(ErrorCode::kBadMagic, 0, "magic",
                      "expected TPM_GENERATED_VALUE 0xff544347, got " + HexId(a.magic));
  }
  CCV_ASSIGN_OR_RETURN(a.type, r.ReadU16Be("type"));
  if (a.type != fmt::kStAttestQuote) {
    return ParseError(ErrorCode::kBadValue, 4, "type",
                      "expected TPM_ST_ATTEST_QUOTE 0x8018, got " + HexId(a.type));
  }
  CCV_ASSIGN_OR_RETURN(a.qualified_signer, ReadTpm2b(&r, "qualifiedSigner", fmt::kMaxNameLen));
  CCV_ASSIGN_OR_RETURN(a.extra_data, ReadTpm2b(&r, "extraData", fmt::kMaxExtraDataLen));
  CCV_ASSIGN_OR_RETURN(a.clock, r.ReadU64Be("clockInfo.clock"));
  CCV_ASSIGN_OR_RETURN(a.reset_count, r.ReadU32Be("clockInfo.resetCount"));
  CCV_ASSIGN_OR_RETURN(a.restart_count, r.ReadU32Be("clockInfo.restartCount"));
  uint64_t safe_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(a.safe, r.ReadU8("clockInfo.safe"));
  if (a.safe > 1) {
    return ParseError(ErrorCode::kBadValue, safe_at, "clockInfo.safe",
                      "TPMI_YES_NO must be 0 or 1, got " + std::to_string(a.safe));
  }
  CCV_ASSIGN_OR_RETURN(a.firmware_version, r.ReadU64Be("firmwareVersion"));
  uint64_t count_at = r.Offset();
  CCV_ASSIGN_OR_RETURN(uint32_t count, r.ReadU32Be("pcrSelect.count"));
  if (count > fmt::kMaxPcrBanks) {
    return ParseError(ErrorCode::kLimitExceeded, count_at, "pcrSelect.count",
                      "count " + std::to_string(count) + " exceeds the maximum of " +
                          std::to_string(fmt::kMaxPcrBanks));
  }
  for (uint32_t i = 0; i < count; ++i) {
    CCV_ASSIGN_OR_RETURN(TpmPcrSelection s, ReadPcrSelection(&r));
    a.pcr_select.push_back(std::move(s));
  }
  CCV_ASSIGN_OR_RETURN(a.pcr_digest, ReadTpm2b(&r, "pcrDigest", fmt::kMaxDigestLen));
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("TPMS_ATTEST"));
  return a;
}

std::string_view TpmSigSchemeName(TpmSigScheme s) {
  switch (s) {
    case TpmSigScheme::kRsaSsa:
      return "rsassa";
    case TpmSigScheme::kRsaPss:
      return "rsapss";
    case TpmSigScheme::kEcdsa:
      return "ecdsa";
  }
  return "unknown";
}

Result<TpmSignature> ParseTpmSignature(Bytes data) {
  ByteReader r(data);
  TpmSignature s;
  CCV_ASSIGN_OR_RETURN(uint16_t alg, r.ReadU16Be("sigAlg"));
  switch (alg) {
    case fmt::kAlgRsaSsa:
      s.scheme = TpmSigScheme::kRsaSsa;
      break;
    case fmt::kAlgRsaPss:
      s.scheme = TpmSigScheme::kRsaPss;
      break;
    case fmt::kAlgEcdsa:
      s.scheme = TpmSigScheme::kEcdsa;
      break;
    default:
      return ParseError(ErrorCode::kUnsupported, 0, "sigAlg",
                        "expected RSASSA 0x0014, RSAPSS 0x0016 or ECDSA 0x0018, got " + HexId(alg));
  }
  CCV_ASSIGN_OR_RETURN(s.hash_alg_id, r.ReadU16Be("hash"));
  s.hash = HashAlgFromTpmAlgId(s.hash_alg_id);
  if (s.scheme == TpmSigScheme::kEcdsa) {
    CCV_ASSIGN_OR_RETURN(s.ecc_r, ReadTpm2b(&r, "signatureR", fmt::kMaxEccParamLen));
    CCV_ASSIGN_OR_RETURN(s.ecc_s, ReadTpm2b(&r, "signatureS", fmt::kMaxEccParamLen));
  } else {
    CCV_ASSIGN_OR_RETURN(s.rsa_sig, ReadTpm2b(&r, "sig", fmt::kMaxRsaLen));
  }
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("TPMT_SIGNATURE"));
  return s;
}

bool TpmPublic::restricted() const { return object_attributes & fmt::kObjRestricted; }
bool TpmPublic::sign() const { return object_attributes & fmt::kObjSign; }
bool TpmPublic::decrypt() const { return object_attributes & fmt::kObjDecrypt; }

Result<TpmPublic> ParseTpmPublic(Bytes data) {
  ByteReader r(data);
  TpmPublic p;
  CCV_ASSIGN_OR_RETURN(uint16_t type, r.ReadU16Be("type"));
  if (type == fmt::kAlgRsa) {
    p.type = TpmKeyType::kRsa;
  } else if (type == fmt::kAlgEcc) {
    p.type = TpmKeyType::kEcc;
  } else {
    return ParseError(ErrorCode::kUnsupported, 0, "type",
                      "expected an RSA 0x0001 or ECC 0x0023 key, got " + HexId(type));
  }
  CCV_ASSIGN_OR_RETURN(p.name_alg_id, r.ReadU16Be("nameAlg"));
  p.name_alg = HashAlgFromTpmAlgId(p.name_alg_id);
  CCV_ASSIGN_OR_RETURN(p.object_attributes, r.ReadU32Be("objectAttributes"));
  if (p.object_attributes & fmt::kObjReserved) {
    return ParseError(ErrorCode::kBadValue, 4, "objectAttributes",
                      "reserved bits set: " + HexId(p.object_attributes & fmt::kObjReserved));
  }
  CCV_ASSIGN_OR_RETURN(p.auth_policy, ReadTpm2b(&r, "authPolicy", fmt::kMaxDigestLen));
  // TPMT_SYM_DEF_OBJECT: algorithm, then keyBits and mode unless NULL.
  CCV_ASSIGN_OR_RETURN(p.symmetric_alg, r.ReadU16Be("parameters.symmetric.algorithm"));
  if (p.symmetric_alg != fmt::kAlgNull) {
    CCV_RETURN_IF_ERROR(r.Skip(4, "parameters.symmetric.keyBits+mode"));
  }
  // TPMT_RSA_SCHEME / TPMT_ECC_SCHEME: scheme, then its hash unless NULL
  // (ECDAA adds a u16 count).
  CCV_ASSIGN_OR_RETURN(p.scheme, r.ReadU16Be("parameters.scheme.scheme"));
  if (p.scheme != fmt::kAlgNull) {
    CCV_ASSIGN_OR_RETURN(p.scheme_hash_alg, r.ReadU16Be("parameters.scheme.hashAlg"));
    if (p.scheme == fmt::kAlgEcdaa) CCV_RETURN_IF_ERROR(r.Skip(2, "parameters.scheme.count"));
  }
  if (p.type == TpmKeyType::kRsa) {
    CCV_ASSIGN_OR_RETURN(p.rsa_key_bits, r.ReadU16Be("parameters.keyBits"));
    CCV_ASSIGN_OR_RETURN(p.rsa_exponent, r.ReadU32Be("parameters.exponent"));
    uint64_t at = r.Offset();
    CCV_ASSIGN_OR_RETURN(p.rsa_modulus, ReadTpm2b(&r, "unique.rsa", fmt::kMaxRsaLen));
    if (p.rsa_modulus.size() * 8 != p.rsa_key_bits) {
      return ParseError(ErrorCode::kBadValue, at, "unique.rsa",
                        "modulus of " + std::to_string(p.rsa_modulus.size()) +
                            " bytes does not match keyBits " + std::to_string(p.rsa_key_bits));
    }
  } else {
    CCV_ASSIGN_OR_RETURN(p.ecc_curve, r.ReadU16Be("parameters.curveID"));
    CCV_ASSIGN_OR_RETURN(p.ecc_kdf, r.ReadU16Be("parameters.kdf.scheme"));
    if (p.ecc_kdf != fmt::kAlgNull) CCV_RETURN_IF_ERROR(r.Skip(2, "parameters.kdf.hashAlg"));
    CCV_ASSIGN_OR_RETURN(p.ecc_x, ReadTpm2b(&r, "unique.ecc.x", fmt::kMaxEccParamLen));
    CCV_ASSIGN_OR_RETURN(p.ecc_y, ReadTpm2b(&r, "unique.ecc.y", fmt::kMaxEccParamLen));
  }
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("TPMT_PUBLIC"));
  p.raw.assign(data.begin(), data.end());
  return p;
}

Result<TpmPublic> ParseTpm2bPublic(Bytes data) {
  ByteReader r(data);
  CCV_ASSIGN_OR_RETURN(ByteReader inner, [&]() -> Result<ByteReader> {
    CCV_ASSIGN_OR_RETURN(uint16_t size, r.ReadU16Be("size"));
    return r.ReadSub(size, "publicArea");
  }());
  CCV_RETURN_IF_ERROR(r.ExpectEmpty("TPM2B_PUBLIC"));
  auto p = ParseTpmPublic(inner.Data());
  if (!p.ok()) return p.status().ShiftOffset(2);
  return p;
}

bool LooksLikeTpm2bPublic(Bytes data) {
  return data.size() >= 10 && size_t(data[0] << 8 | data[1]) + 2 == data.size() &&
         LooksLikeTpmPublic(data.subspan(2));
}

bool LooksLikeTpmPublic(Bytes data) {
  if (data.size() < 8) return false;
  uint16_t type = uint16_t(data[0] << 8 | data[1]);
  uint16_t name_alg = uint16_t(data[2] << 8 | data[3]);
  return (type == fmt::kAlgRsa || type == fmt::kAlgEcc) &&
         HashAlgFromTpmAlgId(name_alg).has_value();
}

}  // namespace ccv::parsers
