#include "verifier/sign/jose.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "parsers/core/base64.h"
#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/signature.h"
#include "verifier/crypto/x509.h"

namespace ccv::sign {

namespace {

using crypto::JwsAlg;

std::string_view Trim(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

Status Malformed(const std::string& what) { return Status(ErrorCode::kBadValue, what); }

struct Parts {
  std::string_view header, payload, signature;
};

Result<Parts> Split(std::string_view token) {
  if (token.size() > kMaxTokenLen) return Malformed("JWS longer than 64 MiB");
  size_t a = token.find('.');
  size_t b = a == std::string_view::npos ? a : token.find('.', a + 1);
  if (b == std::string_view::npos || token.find('.', b + 1) != std::string_view::npos) {
    return Malformed("not a compact JWS: expected three base64url parts joined by '.'");
  }
  return Parts{token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

// Decodes and checks the protected header against the key's algorithm.
Result<VerifiedJws> CheckHeader(std::string_view header_b64, const crypto::PublicKey& key) {
  if (header_b64.size() > kMaxHeaderLen) return Malformed("JWS header longer than 64 KiB");
  auto header = Base64UrlDecode(header_b64);
  if (!header) return Malformed("JWS header is not base64url (RFC 7515 §2, no padding)");
  VerifiedJws v;
  v.header_json.assign(header->begin(), header->end());
  rapidjson::Document d;
  d.Parse(v.header_json.data(), v.header_json.size());
  if (d.HasParseError() || !d.IsObject()) return Malformed("JWS header is not a JSON object");
  if (!d.HasMember("alg") || !d["alg"].IsString()) {
    return Malformed("JWS header has no \"alg\" string");
  }
  if (d.HasMember("crit")) {
    return Malformed("JWS header has \"crit\": no critical extension is understood here");
  }
  if (d.HasMember("typ")) {
    if (!d["typ"].IsString()) return Malformed("JWS header \"typ\" is not a string");
    v.typ = d["typ"].GetString();
  }
  if (d.HasMember("x5c")) {
    if (!d["x5c"].IsArray()) return Malformed("JWS header \"x5c\" is not an array");
    v.num_x5c = d["x5c"].Size();
  }
  CCV_ASSIGN_OR_RETURN(v.alg, crypto::JwsAlgForKey(key));
  const std::string alg(d["alg"].GetString(), d["alg"].GetStringLength());
  if (alg != crypto::JwsAlgName(v.alg)) {
    return Status(ErrorCode::kBadSignature, "JWS header names alg \"" + alg + "\" but the key is " +
                                                std::string(crypto::JwsAlgName(v.alg)));
  }
  return v;
}

Status CheckSignature(const VerifiedJws& v, std::string_view signing_input,
                      std::string_view signature_b64, const crypto::PublicKey& key) {
  auto sig = Base64UrlDecode(signature_b64);
  if (!sig) return Malformed("JWS signature is not base64url (RFC 7515 §2, no padding)");
  if (!crypto::VerifyJwsSignature(key, v.alg, AsBytes(signing_input), *sig)) {
    return Status(ErrorCode::kBadSignature, "the " + std::string(crypto::JwsAlgName(v.alg)) +
                                                " signature does not verify with the key given");
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> SignCompactJws(const crypto::JwsSigningKey& key, const JwsHeaderParams& params,
                                   std::span<const uint8_t> payload) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  w.Key("alg");
  const std::string_view alg = crypto::JwsAlgName(key.alg());
  w.String(alg.data(), rapidjson::SizeType(alg.size()));
  if (!params.typ.empty()) {
    w.Key("typ");
    w.String(params.typ.c_str());
  }
  if (!params.x5c_der.empty()) {
    w.Key("x5c");
    w.StartArray();
    for (const std::string& der : params.x5c_der) {
      // x5c holds standard base64 (RFC 7515 §4.1.6), not base64url.
      w.String(Base64Encode(AsBytes(der)).c_str());
    }
    w.EndArray();
  }
  w.EndObject();
  std::string input = Base64UrlEncode(AsBytes(std::string_view(sb.GetString(), sb.GetSize()))) +
                      "." + Base64UrlEncode(payload);
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> sig, key.Sign(AsBytes(input)));
  return input + "." + Base64UrlEncode(sig);
}

Result<VerifiedJws> VerifyCompactJws(std::string_view token, const crypto::PublicKey& key) {
  CCV_ASSIGN_OR_RETURN(Parts p, Split(Trim(token)));
  CCV_ASSIGN_OR_RETURN(VerifiedJws v, CheckHeader(p.header, key));
  auto payload = Base64UrlDecode(p.payload);
  if (!payload) return Malformed("JWS payload is not base64url (RFC 7515 §2, no padding)");
  const std::string_view trimmed = Trim(token);
  CCV_RETURN_IF_ERROR(CheckSignature(v, trimmed.substr(0, p.header.size() + 1 + p.payload.size()),
                                     p.signature, key));
  v.payload = std::move(*payload);
  return v;
}

Result<VerifiedJws> VerifyDetachedJws(std::string_view token, std::span<const uint8_t> payload,
                                      const crypto::PublicKey& key) {
  CCV_ASSIGN_OR_RETURN(Parts p, Split(Trim(token)));
  if (!p.payload.empty()) {
    return Malformed(
        "not a detached JWS: its payload part is not empty (expected header..signature)");
  }
  CCV_ASSIGN_OR_RETURN(VerifiedJws v, CheckHeader(p.header, key));
  std::string input = std::string(p.header) + "." + Base64UrlEncode(payload);
  CCV_RETURN_IF_ERROR(CheckSignature(v, input, p.signature, key));
  v.payload.assign(payload.begin(), payload.end());
  return v;
}

Result<VerifiedDsse> VerifyDsse(std::string_view envelope_json, const crypto::PublicKey& key) {
  if (envelope_json.size() > kMaxTokenLen) return Malformed("DSSE envelope longer than 64 MiB");
  rapidjson::Document d;
  d.Parse(envelope_json.data(), envelope_json.size());
  if (d.HasParseError() || !d.IsObject()) return Malformed("DSSE envelope is not a JSON object");
  for (const char* m : {"payloadType", "payload"}) {
    if (!d.HasMember(m) || !d[m].IsString()) {
      return Malformed(std::string("DSSE envelope has no \"") + m + "\" string");
    }
  }
  if (!d.HasMember("signatures") || !d["signatures"].IsArray() || d["signatures"].Empty()) {
    return Malformed("DSSE envelope has no \"signatures\" array with a signature");
  }
  VerifiedDsse out;
  out.payload_type.assign(d["payloadType"].GetString(), d["payloadType"].GetStringLength());
  auto body =
      Base64Decode(std::string_view(d["payload"].GetString(), d["payload"].GetStringLength()));
  if (!body) return Malformed("DSSE \"payload\" is not base64");
  out.payload = std::move(*body);
  const std::string pae = "DSSEv1 " + std::to_string(out.payload_type.size()) + " " +
                          out.payload_type + " " + std::to_string(out.payload.size()) + " " +
                          std::string(AsChars(out.payload));
  CCV_ASSIGN_OR_RETURN(JwsAlg alg, crypto::JwsAlgForKey(key));
  for (const auto& s : d["signatures"].GetArray()) {
    if (!s.IsObject() || !s.HasMember("sig") || !s["sig"].IsString()) {
      return Malformed("DSSE signature without a \"sig\" string");
    }
    auto sig = Base64Decode(std::string_view(s["sig"].GetString(), s["sig"].GetStringLength()));
    if (!sig) return Malformed("DSSE \"sig\" is not base64");
    bool ok = alg == JwsAlg::kEdDsa
                  ? crypto::VerifyJwsSignature(key, alg, AsBytes(pae), *sig)
                  : key.VerifyDer(AsBytes(pae), *sig, alg == JwsAlg::kEs256 ? "SHA256" : "SHA384");
    if (ok) {
      if (s.HasMember("keyid") && s["keyid"].IsString()) out.keyid = s["keyid"].GetString();
      return out;
    }
  }
  return Status(ErrorCode::kBadSignature,
                "no signature of the DSSE envelope verifies with the key given");
}

Result<VerificationKey> ReadVerificationKey(std::string_view pem) {
  VerificationKey out;
  if (pem.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    CCV_ASSIGN_OR_RETURN(std::vector<crypto::Certificate> chain,
                         crypto::Certificate::ParsePemChain(pem));
    CCV_ASSIGN_OR_RETURN(out.key, chain.front().GetPublicKey());
    out.signer = "certificate " + chain.front().SubjectRfc2253() +
                 " sha256:" + ToHex(chain.front().Sha256Fingerprint());
  } else {
    CCV_ASSIGN_OR_RETURN(out.key, crypto::PublicKeyFromPemOrDer(AsBytes(pem)));
    out.signer =
        "key sha256:" + ToHex(crypto::Hash(HashAlg::kSha256, crypto::SpkiDer(out.key)).span());
  }
  CCV_RETURN_IF_ERROR(crypto::JwsAlgForKey(out.key).status());
  return out;
}

std::string_view DetectSignatureForm(std::string_view text) {
  std::string_view t = Trim(text);
  if (!t.empty() && t.front() == '{') return "DSSE";
  if (Split(t).ok()) return "JWS";
  return "";
}

}  // namespace ccv::sign
