#include "tests/verifier/collateral/fake_pcs.h"

#include <cctype>
#include <cstdio>

#include "parsers/core/hex.h"
#include "verifier/crypto/x509.h"

namespace ccv::testing {

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

CannedResponse NotFound() { return CannedResponse{404, {}, "", {}, {}}; }

// RFC 7468 PEM of a DER CRL.
std::string CrlPem(const std::vector<uint8_t>& der) {
  static const char* kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < der.size(); i += 3) {
    uint32_t v = uint32_t(der[i]) << 16;
    if (i + 1 < der.size()) v |= uint32_t(der[i + 1]) << 8;
    if (i + 2 < der.size()) v |= der[i + 2];
    b64 += kB64[(v >> 18) & 63];
    b64 += kB64[(v >> 12) & 63];
    b64 += i + 1 < der.size() ? kB64[(v >> 6) & 63] : '=';
    b64 += i + 2 < der.size() ? kB64[v & 63] : '=';
  }
  std::string pem = "-----BEGIN X509 CRL-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END X509 CRL-----\n";
}

}  // namespace

std::string UrlEncode(const std::string& text) {
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || std::string_view("-_.!~*'()").find(ch) != std::string_view::npos) {
      out += ch;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

void FakePcs::Serve(const quote::QuoteCollateral& collateral) {
  std::lock_guard<std::mutex> lock(mu_);
  collateral_ = collateral;
}

void FakePcs::Override(const std::string& prefix, CannedResponse response) {
  std::lock_guard<std::mutex> lock(mu_);
  overrides_[prefix] = std::move(response);
}

std::string FakePcs::HeaderName(std::string name) const {
  switch (options_.header_case) {
    case HeaderCase::kLower:
      return Lower(name);
    case HeaderCase::kUpper:
      return Upper(name);
    case HeaderCase::kAsDocumented:
      break;
  }
  return name;
}

CannedResponse FakePcs::Handle(const std::string& target) const {
  quote::QuoteCollateral c;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [prefix, r] : overrides_) {
      if (target.rfind(prefix, 0) == 0) return r;
    }
    c = collateral_;
  }
  size_t q = target.find('?');
  std::string path = target.substr(0, q);
  std::map<std::string, std::string> query;
  if (q != std::string::npos) {
    std::string rest = target.substr(q + 1);
    size_t start = 0;
    while (start <= rest.size()) {
      size_t amp = rest.find('&', start);
      if (amp == std::string::npos) amp = rest.size();
      std::string kv = rest.substr(start, amp - start);
      size_t eq = kv.find('=');
      if (eq != std::string::npos) query[kv.substr(0, eq)] = kv.substr(eq + 1);
      start = amp + 1;
    }
  }
  return Route(path, query, c);
}

CannedResponse FakePcs::Route(const std::string& path,
                              const std::map<std::string, std::string>& query,
                              const quote::QuoteCollateral& c) const {
  auto tcb = quote::ParseTcbInfo(c.tcb_info);
  auto qe = quote::ParseEnclaveIdentity(c.qe_identity);
  if (!tcb.ok() || !qe.ok()) return CannedResponse{500, {}, "no collateral", {}, {}};
  const std::string tee = Lower(tcb->id);
  auto param = [&](const char* k) {
    auto it = query.find(k);
    return it == query.end() ? std::string() : it->second;
  };
  CannedResponse r;
  if (path == "/" + tee + "/certification/v4/tcb") {
    if (Upper(param("fmspc")) != Upper(ToHex(tcb->fmspc))) return NotFound();
    const std::string chain = UrlEncode(c.tcb_info_issuer_chain);
    if (options_.tcb_v4_header) r.headers.emplace_back(HeaderName("TCB-Info-Issuer-Chain"), chain);
    if (options_.tcb_v3_header) {
      r.headers.emplace_back(HeaderName("SGX-TCB-Info-Issuer-Chain"), chain);
    }
    r.headers.emplace_back("Content-Type", "application/json");
    r.body =
        "{\"tcbInfo\":" + c.tcb_info + ",\"signature\":\"" + ToHex(c.tcb_info_signature) + "\"}";
    return r;
  }
  if (path == "/" + tee + "/certification/v4/qe/identity") {
    if ((tee == "tdx") != (qe->id == "TD_QE")) return NotFound();
    r.headers.emplace_back(HeaderName("SGX-Enclave-Identity-Issuer-Chain"),
                           UrlEncode(c.qe_identity_issuer_chain));
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = "{\"enclaveIdentity\":" + c.qe_identity + ",\"signature\":\"" +
             ToHex(c.qe_identity_signature) + "\"}";
    return r;
  }
  if (path == "/sgx/certification/v4/pckcrl") {
    auto chain = crypto::Certificate::ParsePemChain(c.pck_crl_issuer_chain);
    if (!chain.ok()) return CannedResponse{500, {}, "bad chain", {}, {}};
    std::string cn = Lower(chain->front().SubjectCommonName());
    std::string ca = Lower(param("ca"));
    if (ca.empty() || cn.find("pck " + ca + " ca") == std::string::npos) return NotFound();
    r.headers.emplace_back(HeaderName("SGX-PCK-CRL-Issuer-Chain"),
                           UrlEncode(c.pck_crl_issuer_chain));
    bool der = Lower(param("encoding")) == "der";
    switch (options_.crl_style) {
      case CrlStyle::kPccs:
        r.body = der ? std::string(c.pck_crl.begin(), c.pck_crl.end()) : ToHex(c.pck_crl);
        break;
      case CrlStyle::kPccsHexOnly:
        r.body = ToHex(c.pck_crl);
        break;
      case CrlStyle::kPem:
        r.body = CrlPem(c.pck_crl);
        break;
    }
    return r;
  }
  if (path == "/sgx/certification/v4/rootcacrl") {
    r.body = ToHex(c.root_ca_crl);
    return r;
  }
  if (path == "/root.crl") {
    r.body = std::string(c.root_ca_crl.begin(), c.root_ca_crl.end());
    return r;
  }
  return NotFound();
}

}  // namespace ccv::testing
