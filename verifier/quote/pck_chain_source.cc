#include "verifier/quote/pck_chain_source.h"

#include <utility>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "verifier/crypto/x509.h"

namespace ccv::quote {

namespace {

namespace qf = parsers::quote_format;
using crypto::Certificate;

constexpr size_t kMaxSuppliedCerts = 3;  // leaf, intermediate, root
constexpr uint64_t kMaxPckChainFileLen = 1 << 20;

std::string TypeText(uint16_t type) {
  return "certification data type " + std::to_string(type) + " (" +
         std::string(parsers::CertDataTypeName(type)) + ")";
}

std::string Describe(const Certificate& c) {
  return "'" + c.SubjectCommonName() + "' serial " + c.SerialHex();
}

// The type 4 leaf: PEM, or DER as some quoting libraries write it.
Result<std::string> EmbeddedLeafDer(const std::vector<uint8_t>& data) {
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.find("-----BEGIN CERTIFICATE-----") != std::string_view::npos) {
    CCV_ASSIGN_OR_RETURN(std::vector<std::string> ders, Certificate::PemChainToDer(text));
    if (ders.size() != 1) {
      return Status(ErrorCode::kBadValue, "holds " + std::to_string(ders.size()) +
                                              " certificates, expected the PCK leaf alone");
    }
    return std::move(ders[0]);
  }
  CCV_ASSIGN_OR_RETURN(Certificate c, Certificate::FromDer(data));
  return c.Der();
}

Status NeedsSupplied(uint16_t type, std::string_view what) {
  return Status(ErrorCode::kNotFound, "the quote's " + TypeText(type) + " carries " +
                                          std::string(what) +
                                          ": pass --pck-chain F with the platform's PCK "
                                          "certificate chain (PEM: PCK leaf, then its Platform "
                                          "or Processor CA)");
}

}  // namespace

Result<SuppliedPckChain> ParseSuppliedPckChain(std::string_view pem, std::string name) {
  auto certs = Certificate::ParsePemChain(pem);
  if (!certs.ok()) return certs.status().WithContext("PCK chain " + name);
  if (certs->size() > kMaxSuppliedCerts) {
    return Status(ErrorCode::kLimitExceeded,
                  "PCK chain " + name + ": " + std::to_string(certs->size()) +
                      " certificates, expected at most 3 (PCK leaf, CA, root)");
  }
  SuppliedPckChain out;
  for (const Certificate& c : *certs) out.der.push_back(c.Der());
  out.name = std::move(name);
  return out;
}

Result<SuppliedPckChain> ReadSuppliedPckChainFile(const std::string& path) {
  CCV_ASSIGN_OR_RETURN(std::string pem, ReadFileText(path, kMaxPckChainFileLen));
  auto chain = ParseSuppliedPckChain(pem, path);
  if (!chain.ok())
    return chain.status().file().empty() ? chain.status().WithFile(path) : chain.status();
  return chain;
}

Result<ResolvedPckChain> ResolvePckChain(const parsers::QuoteSignatureData& s,
                                         const SuppliedPckChain* supplied) {
  if (supplied != nullptr && supplied->der.empty()) supplied = nullptr;
  ResolvedPckChain r;
  const uint16_t type = s.cert_data_type;
  if (type == qf::kCertDataPckCertChain) {
    r.origin = "the quote's " + TypeText(type);
    std::string_view pem(reinterpret_cast<const char*>(s.cert_data.data()), s.cert_data.size());
    auto ders = Certificate::PemChainToDer(pem);
    if (!ders.ok()) {
      r.problem = ders.status();
      return r;
    }
    r.der = std::move(*ders);
    if (supplied == nullptr) return r;
    // Both present: the supplied chain must be the embedded one (its root may
    // be left out). A difference means one of them is not this platform's.
    bool same = supplied->der.size() <= r.der.size();
    for (size_t i = 0; same && i < supplied->der.size(); ++i) same = supplied->der[i] == r.der[i];
    if (!same) {
      r.problem = Status(ErrorCode::kChainInvalid, "the PCK chain in " + supplied->name +
                                                       " differs from the chain in the "
                                                       "quote's " +
                                                       TypeText(type));
    }
    return r;
  }
  if (type == qf::kCertDataPckLeaf) {
    auto leaf_der = EmbeddedLeafDer(s.cert_data);
    if (!leaf_der.ok()) {
      r.origin = "the quote's " + TypeText(type);
      r.problem = leaf_der.status().WithContext("the quote's " + TypeText(type));
      return r;
    }
    if (supplied == nullptr) {
      r.origin = "the quote's " + TypeText(type);
      r.problem = NeedsSupplied(type, "the PCK leaf certificate alone, not its CA");
      return r;
    }
    r.supplied = true;
    r.origin = "the quote's PCK leaf (" + TypeText(type) + ") and CA from " + supplied->name;
    if (supplied->der.front() == *leaf_der) {
      r.der = supplied->der;
      return r;
    }
    // The supplied chain starts with the leaf's CA, or with another leaf.
    auto leaf = Certificate::FromDer(AsBytes(*leaf_der));
    auto first = Certificate::FromDer(AsBytes(supplied->der.front()));
    if (!leaf.ok() || !first.ok()) {
      r.problem = Status(ErrorCode::kBadValue, "PCK certificate does not parse");
      return r;
    }
    if (first->IsCa() && first->SubjectDer() == leaf->IssuerDer()) {
      r.der.push_back(std::move(*leaf_der));
      r.der.insert(r.der.end(), supplied->der.begin(), supplied->der.end());
      return r;
    }
    return Status(ErrorCode::kBadValue, "the PCK leaf in " + supplied->name + " (" +
                                            Describe(*first) +
                                            ") differs from the PCK leaf in the quote's " +
                                            TypeText(type) + " (" + Describe(*leaf) + ")");
  }
  // Types 1-3: only the supplied chain can say which PCK key signed.
  if (supplied == nullptr) {
    r.origin = "the quote's " + TypeText(type);
    r.problem = NeedsSupplied(type, "no PCK certificate");
    return r;
  }
  r.supplied = true;
  r.origin = supplied->name + " (the quote's " + TypeText(type) + " carries no certificate)";
  r.der = supplied->der;
  return r;
}

}  // namespace ccv::quote
