#include "verifier/collateral/pcs_response.h"

#include <cctype>
#include <optional>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "parsers/core/hex.h"
#include "verifier/crypto/x509.h"

namespace ccv::collateral {

namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Cursor over a JSON text RapidJSON has already accepted: the scan below
// only finds where values start and end, with every index bounds-checked.
struct Scanner {
  std::string_view s;
  size_t i = 0;

  void SkipSpace() {
    while (i < s.size() && IsJsonSpace(s[i])) ++i;
  }
  bool Eat(char c) {
    SkipSpace();
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
  }
  // At '"': moves past the closing quote; returns the raw contents.
  std::optional<std::string_view> String() {
    if (i >= s.size() || s[i] != '"') return std::nullopt;
    size_t start = ++i;
    while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2 : 1;
    if (i >= s.size()) return std::nullopt;
    return s.substr(start, i++ - start);
  }
  // Moves past one value of any type, nesting counted without recursion.
  bool SkipValue() {
    SkipSpace();
    if (i >= s.size()) return false;
    if (s[i] == '"') return String().has_value();
    if (s[i] != '{' && s[i] != '[') {
      while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && !IsJsonSpace(s[i])) ++i;
      return true;
    }
    size_t depth = 0;
    while (i < s.size()) {
      char c = s[i];
      if (c == '"') {
        if (!String()) return false;
        continue;
      }
      ++i;
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return true;
      }
    }
    return false;
  }
};

Status Bad(std::string_view member, const std::string& why) {
  return Status(ErrorCode::kBadValue, "response of " + std::string(member) + ": " + why);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsJsonSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsJsonSpace(s.back())) s.remove_suffix(1);
  return s;
}

bool AllHex(std::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

Result<SignedDocument> ParseSignedDocument(std::string_view response, std::string_view member) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseIterativeFlag>(response.data(), response.size());
  if (d.HasParseError()) {
    return Bad(member,
               std::string("JSON syntax error: ") + rapidjson::GetParseError_En(d.GetParseError()))
        .WithOffset(d.GetErrorOffset());
  }
  if (!d.IsObject()) return Bad(member, "not a JSON object");
  const rapidjson::Value& root = d;
  auto sig = root.FindMember("signature");
  if (sig == root.MemberEnd() || !sig->value.IsString()) {
    return Bad(member, "no \"signature\" string");
  }
  SignedDocument doc;
  auto bytes = FromHex(std::string_view(sig->value.GetString(), sig->value.GetStringLength()));
  if (!bytes.ok()) return Bad(member, "signature is not hex: " + bytes.status().message());
  doc.signature = std::move(*bytes);

  // The exact text of the member's value, found at the top level only.
  Scanner sc{response};
  if (!sc.Eat('{')) return Bad(member, "not a JSON object");
  std::optional<std::string_view> found;
  sc.SkipSpace();
  if (sc.i < response.size() && response[sc.i] == '}') return Bad(member, "empty object");
  do {
    sc.SkipSpace();
    auto key = sc.String();
    if (!key || !sc.Eat(':')) return Bad(member, "malformed member");
    sc.SkipSpace();
    size_t start = sc.i;
    if (!sc.SkipValue()) return Bad(member, "malformed value");
    if (*key == member) {
      if (found) return Bad(member, "\"" + std::string(member) + "\" appears twice");
      found = response.substr(start, sc.i - start);
    }
  } while (sc.Eat(','));
  if (!sc.Eat('}')) return Bad(member, "malformed object");
  if (!found) return Bad(member, "no \"" + std::string(member) + "\" member");
  if (found->empty() || found->front() != '{') {
    return Bad(member, "\"" + std::string(member) + "\" is not an object");
  }
  doc.body = std::string(*found);
  return doc;
}

Result<std::vector<uint8_t>> DecodeCrlBody(std::string_view body) {
  std::string_view t = Trim(body);
  std::vector<uint8_t> der;
  if (!t.empty() && static_cast<uint8_t>(t.front()) == 0x30) {
    // DER: a SEQUENCE. Whitespace bytes may belong to it: take the body whole.
    der.assign(body.begin(), body.end());
  } else if (t.substr(0, 5) == "-----") {
    auto crl = crypto::Crl::FromBytes(AsBytes(t));
    if (!crl.ok())
      return Status(ErrorCode::kBadValue, "PEM CRL does not parse: " + crl.status().message());
    std::string d = crl->Der();
    return std::vector<uint8_t>(d.begin(), d.end());
  } else if (!t.empty() && AllHex(t)) {
    auto bytes = FromHex(t);
    if (!bytes.ok()) return Status(ErrorCode::kBadValue, "hex CRL: " + bytes.status().message());
    der = std::move(*bytes);
  } else {
    return Status(ErrorCode::kBadValue, "CRL body is neither DER, PEM nor hex");
  }
  auto crl = crypto::Crl::FromDer(der);
  if (!crl.ok())
    return Status(ErrorCode::kBadValue, "CRL does not parse: " + crl.status().message());
  return der;
}

Result<std::string> IssuerChainFromHeaders(const HttpHeaders& headers,
                                           std::initializer_list<std::string_view> names) {
  std::string list;
  for (std::string_view name : names) {
    if (const std::string* v = headers.Find(name)) {
      auto pem = PercentDecode(*v);
      if (!pem.ok()) return pem.status().WithContext("header " + std::string(name));
      if (pem->find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
        return Status(ErrorCode::kBadValue,
                      "header " + std::string(name) + " holds no PEM certificate");
      }
      return std::move(*pem);
    }
    if (!list.empty()) list += " or ";
    list += name;
  }
  return Status(ErrorCode::kNotFound, "no issuer chain header (" + list + ")");
}

}  // namespace ccv::collateral
