#include "verifier/report/signature_list.h"

#include <string_view>
#include <utility>

#include "parsers/core/hex.h"
#include "parsers/uefi_event.h"
#include "parsers/uefi_event_format.h"
#include "parsers/uefi_text.h"
#include "verifier/crypto/x509.h"

namespace ccv::report {
namespace {

namespace p = parsers;

// The short type name of a signature type GUID and, for hash types, the
// expected hash length (0: not a plain hash).
struct TypeInfo {
  std::string_view guid;
  std::string_view name;
  size_t hash_len;
};
constexpr TypeInfo kTypes[] = {
    {"a5c059a1-94e4-4aa7-87b5-ab155c2bf072", "x509", 0},
    {"c1c41626-504c-4092-aca9-41f936934328", "sha256", 32},
    {"826ca512-cf10-4ac9-b187-be01496631bd", "sha1", 20},
    {"0b6e5233-a65c-44c9-9407-d9ab83bfc8bd", "sha224", 28},
    {"ff3e5307-9fd0-48c9-85f1-8ad56c701e01", "sha384", 48},
    {"093e0fae-a6c4-4f50-9f1b-d41e2b89c19a", "sha512", 64},
};

const TypeInfo* FindType(const std::string& guid) {
  for (const TypeInfo& t : kTypes) {
    if (t.guid == guid) return &t;
  }
  return nullptr;
}

}  // namespace

std::optional<SignatureEntry> DescribeX509(Bytes der) {
  Result<crypto::Certificate> c = crypto::Certificate::FromDer(der);
  if (!c.ok()) return std::nullopt;
  SignatureEntry e;
  e.type = "x509";
  e.subject = c->SubjectRfc2253();
  e.issuer = c->IssuerRfc2253();
  e.serial = c->SerialHex();
  std::array<uint8_t, 32> fp = c->Sha256Fingerprint();
  e.sha256_fingerprint = ToHex(Bytes(fp.data(), fp.size()));
  return e;
}

SignatureListDecode DecodeSignatureLists(Bytes data, uint64_t offset) {
  SignatureListDecode out;
  ByteReader r(data, offset);
  for (size_t list = 0; !r.Empty(); ++list) {
    const size_t at = r.Position();
    Result<p::EfiSignatureList> l = p::ReadEfiSignatureList(&r);
    if (!l.ok()) {
      bool cut = l.status().code() == ErrorCode::kTruncated;
      out.error = std::string(cut ? "list header cut short" : "inconsistent list sizes") + " at +" +
                  std::to_string(at);
      break;
    }
    const std::string guid = l->signature_type.ToString();
    const TypeInfo* type = FindType(guid);
    ByteReader entries = l->signatures;
    for (uint32_t i = 0; i < l->num_signatures; ++i) {
      Result<p::EfiSignatureData> s = p::ReadEfiSignatureData(&entries, l->signature_size);
      if (!s.ok()) break;  // ReadEfiSignatureList checked the sizes
      SignatureEntry e;
      if (type != nullptr && type->name == "x509") {
        if (std::optional<SignatureEntry> x = DescribeX509(s->signature_data)) {
          e = std::move(*x);
        } else {
          e.type = "x509";
          e.error = "not a DER X.509 certificate";
        }
      } else if (type != nullptr) {
        e.type = std::string(type->name);
        e.hash = ToHex(s->signature_data);
        if (s->signature_data.size() != type->hash_len) {
          e.error = "hash of " + std::to_string(s->signature_data.size()) + " bytes";
        }
      } else {
        std::string_view name = p::GuidName(l->signature_type);
        e.type = name.empty() ? guid : std::string(name);
        e.hash = ToHex(s->signature_data);
      }
      e.list = list;
      e.owner = s->signature_owner.ToString();
      out.entries.push_back(std::move(e));
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> SignatureEntryRecord(const SignatureEntry& e) {
  std::vector<std::pair<std::string, std::string>> r;
  r.emplace_back("list", std::to_string(e.list));
  r.emplace_back("type", e.type);
  if (!e.subject.empty() || !e.sha256_fingerprint.empty()) {
    r.emplace_back("subject", e.subject);
    r.emplace_back("issuer", e.issuer);
    r.emplace_back("serial", e.serial);
    r.emplace_back("sha256_fingerprint", e.sha256_fingerprint);
  } else if (!e.hash.empty()) {
    r.emplace_back("hash", e.hash);
  }
  if (!e.error.empty()) r.emplace_back("error", e.error);
  r.emplace_back("owner", e.owner);
  return r;
}

}  // namespace ccv::report
