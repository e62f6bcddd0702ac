#include "verifier/predict/secure_boot_authority.h"

#include <algorithm>

#include "parsers/event_types.h"
#include "parsers/pe/pe_image.h"
#include "verifier/crypto/authenticode_signature.h"
#include "verifier/crypto/x509.h"
#include "verifier/predict/authenticode.h"
#include "verifier/predict/uefi_variables.h"

namespace ccv::predict {

namespace {

namespace ev = parsers;

// EFI_CERT_X509_GUID (UEFI 2.10 section 32.4.1).
parsers::Guid X509Type() { return *ParseGuid("a5c059a1-94e4-4aa7-87b5-ab155c2bf072"); }

void PutU32Le(uint32_t v, std::vector<uint8_t>* out) {
  for (int i = 0; i < 4; ++i) out->push_back(uint8_t(v >> (8 * i)));
}

uint32_t U32Le(Bytes b, size_t at) {
  return uint32_t(b[at]) | uint32_t(b[at + 1]) << 8 | uint32_t(b[at + 2]) << 16 |
         uint32_t(b[at + 3]) << 24;
}

std::string SubjectOf(Bytes der) {
  auto c = crypto::Certificate::FromDer(der);
  return c.ok() ? c->SubjectRfc2253() : "an unreadable certificate";
}

// A UEFI_VARIABLE_DATA event on `pcr`, digest over the event data.
Result<BootEvent> VariableEvent(std::span<const HashAlg> banks, uint32_t pcr, uint32_t type,
                                const parsers::Guid& guid, std::string_view name, Bytes data,
                                std::string description) {
  CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> encoded, EncodeUefiVariableData(guid, name, data));
  Bytes measured(encoded);
  std::vector<uint8_t> copy(encoded);
  return HashedEvent(banks, pcr, type, std::move(copy), measured, std::move(description));
}

// The section named `name`, also when the name is longer than 8 bytes and
// stands in the COFF string table, as shim's .vendor_cert and .sbatlevel do.
// Nullptr when absent.
const parsers::PeSection* FindLongSection(const parsers::PeImage& img, std::string_view name) {
  if (const parsers::PeSection* s = parsers::FindSection(img, name)) return s;
  for (const parsers::PeSection& s : img.sections) {
    if (s.long_name == name) return &s;
  }
  return nullptr;
}

// shim's .vendor_cert section (shim's cert_table): the sizes and offsets,
// relative to the section, of the vendor certificate and the vendor dbx.
struct VendorCerts {
  Bytes authorized;
  Bytes deauthorized;
};

std::optional<VendorCerts> ReadVendorCerts(Bytes file, const parsers::PeImage& img) {
  const parsers::PeSection* s = FindLongSection(img, ".vendor_cert");
  if (s == nullptr) return std::nullopt;
  Bytes data = parsers::SectionData(file, *s);
  data = data.first(std::min<size_t>(data.size(), s->virtual_size));
  if (data.size() < 16) return std::nullopt;
  const uint64_t a_size = U32Le(data, 0), d_size = U32Le(data, 4);
  const uint64_t a_off = U32Le(data, 8), d_off = U32Le(data, 12);
  if (a_off + a_size > data.size() || d_off + d_size > data.size()) return std::nullopt;
  return VendorCerts{data.subspan(size_t(a_off), size_t(a_size)),
                     data.subspan(size_t(d_off), size_t(d_size))};
}

// The "previous" revocation string of shim's .sbatlevel section: a u32
// version, then the offsets of the previous and latest NUL-terminated
// strings relative to the end of the version field.
std::optional<std::string> PreviousSbatLevel(Bytes file, const parsers::PeImage& img) {
  const parsers::PeSection* s = FindLongSection(img, ".sbatlevel");
  if (s == nullptr) return std::nullopt;
  Bytes data = parsers::SectionData(file, *s);
  data = data.first(std::min<size_t>(data.size(), s->virtual_size));
  if (data.size() < 12 || U32Le(data, 0) != 0) return std::nullopt;
  const uint64_t at = uint64_t(U32Le(data, 4)) + 4;
  if (at >= data.size()) return std::nullopt;
  Bytes rest = data.subspan(size_t(at));
  const auto nul = std::ranges::find(rest, uint8_t(0));
  if (nul == rest.end()) return std::nullopt;
  return std::string(rest.begin(), nul);
}

bool HoldsShimVariables(const parsers::VariableStore& store) {
  const parsers::Guid shim_lock = ShimLockGuid();
  return std::ranges::any_of(store.variables, [&](const parsers::StoredVariable& v) {
    return v.vendor_guid == shim_lock;
  });
}

}  // namespace

parsers::Guid ShimLockGuid() { return *ParseGuid("605dab50-e046-4300-abb6-3dd810dd8b23"); }

Result<std::vector<SignatureDbEntry>> X509SignatureEntries(Bytes data, size_t* other_entries) {
  std::vector<SignatureDbEntry> out;
  ByteReader r(data, 0);
  const parsers::Guid x509 = X509Type();
  while (r.Remaining() > 0) {
    CCV_ASSIGN_OR_RETURN(parsers::EfiSignatureList list, parsers::ReadEfiSignatureList(&r));
    if (!(list.signature_type == x509)) {
      if (other_entries != nullptr) *other_entries += list.num_signatures;
      continue;
    }
    for (uint32_t i = 0; i < list.num_signatures; ++i) {
      Bytes raw = list.signatures.Rest().first(list.signature_size);
      CCV_ASSIGN_OR_RETURN(parsers::EfiSignatureData d,
                           parsers::ReadEfiSignatureData(&list.signatures, list.signature_size));
      out.push_back(
          {d.signature_owner, d.signature_data, std::vector<uint8_t>(raw.begin(), raw.end())});
    }
  }
  return out;
}

Result<std::vector<BootEvent>> AuthorityLog::Verify(Bytes image, const std::string& what,
                                                    std::span<const AuthoritySource> sources) {
  auto m = MeasureAuthenticode(image, {});
  if (!m.ok()) return m.status().WithContext(what);
  for (const AuthoritySource& src : sources) {
    for (const SignatureDbEntry& entry : src.entries) {
      for (const EmbeddedSignature& sig : m->signatures) {
        if (!sig.signature || !sig.digest_matches_image) continue;
        auto ok = crypto::AuthenticodeVerifiesUnder(sig.pkcs7, entry.certificate);
        if (!ok.ok() || !*ok) continue;
        std::vector<BootEvent> out;
        CCV_ASSIGN_OR_RETURN(std::vector<uint8_t> encoded,
                             EncodeUefiVariableData(src.guid, src.variable, entry.signature_data));
        if (std::ranges::find(logged_, encoded) != logged_.end()) return out;
        logged_.push_back(encoded);
        CCV_ASSIGN_OR_RETURN(BootEvent e,
                             VariableEvent(banks_, 7, ev::kEvEfiVariableAuthority, src.guid,
                                           src.variable, entry.signature_data,
                                           src.variable + " entry that verified " + what + " (" +
                                               SubjectOf(entry.certificate) + ")"));
        out.push_back(std::move(e));
        return out;
      }
    }
  }
  std::string names;
  size_t others = 0;
  for (const AuthoritySource& src : sources) {
    names += (names.empty() ? "" : " or ") + src.variable;
    others += src.other_entries;
  }
  if (others > 0) {
    return std::vector<BootEvent>{
        UnpredictedEvent(7, ev::kEvEfiVariableAuthority, "authority that verified " + what,
                         "no certificate of " + names +
                             " verifies its signature; a hash entry may allow it "
                             "(not modelled)")};
  }
  const bool signed_image = std::ranges::any_of(
      m->signatures, [](const EmbeddedSignature& s) { return s.signature.has_value(); });
  return Status(ErrorCode::kChainInvalid,
                what + ": Secure Boot is on and " +
                    (signed_image ? "no certificate of " + names +
                                        " verifies its Authenticode signature (or the signed "
                                        "digest is not the image's)"
                                  : std::string("it has no Authenticode signature")) +
                    ": the firmware would refuse to start it");
}

Result<std::vector<BootEvent>> FirmwareAuthorityEvents(const parsers::VariableStore* store,
                                                       Bytes image, const std::string& what,
                                                       std::span<const HashAlg> banks,
                                                       AuthorityLog* log) {
  if (store == nullptr) {
    return std::vector<BootEvent>{
        UnpredictedEvent(7, ev::kEvEfiVariableAuthority, "db entry that verified " + what,
                         "the firmware's variable store was not given (--firmware-vars)")};
  }
  const std::optional<bool> on = SecureBootEnabled(*store);
  if (!on) {
    return std::vector<BootEvent>{UnpredictedEvent(
        7, ev::kEvEfiVariableAuthority, "db entry that verified " + what,
        "the store does not say whether Secure Boot is on (neither PK nor SecureBootEnable)")};
  }
  if (!*on) return std::vector<BootEvent>{};
  const parsers::StoredVariable* db = store->Find(ImageSecurityDatabaseGuid(), "db");
  AuthoritySource src{"db", ImageSecurityDatabaseGuid(), {}};
  if (db != nullptr) {
    auto entries = X509SignatureEntries(db->data, &src.other_entries);
    if (!entries.ok()) return entries.status().WithContext("db variable");
    src.entries = std::move(*entries);
  }
  AuthorityLog local(banks);
  return (log != nullptr ? log : &local)->Verify(image, what, std::span(&src, 1));
}

Result<ShimEvents> PredictShimEvents(const parsers::VariableStore* store, Bytes shim, Bytes grub,
                                     Bytes kernel, std::span<const HashAlg> banks) {
  auto img = parsers::ParsePeImage(shim);
  if (!img.ok()) return img.status().WithContext("shim");
  ShimEvents out;
  auto unknown = [&](std::string why) {
    out.startup = {
        UnpredictedEvent(14, ev::kEvIpl, "shim's MokList, MokListX, MokListTrusted", why),
        UnpredictedEvent(7, ev::kEvEfiVariableAuthority, "shim's SbatLevel", why)};
    out.grub = {
        UnpredictedEvent(7, ev::kEvEfiVariableAuthority, "authority that verified GRUB", why)};
    out.kernel = {UnpredictedEvent(7, ev::kEvEfiVariableAuthority,
                                   "authority that verified the kernel", why)};
    return out;
  };
  if (store == nullptr) return unknown("the firmware's variable store was not given");
  if (SecureBootEnabled(*store) != true) {
    return unknown("Secure Boot is off or undetermined: shim's measurements then are not modelled");
  }
  if (HoldsShimVariables(*store)) {
    return unknown("the store holds shim variables (MOK lists, SBAT policy) that change them");
  }
  const std::optional<VendorCerts> vendor = ReadVendorCerts(shim, *img);
  const std::optional<std::string> sbat = PreviousSbatLevel(shim, *img);
  if (!vendor || vendor->deauthorized.empty() ||
      !crypto::Certificate::FromDer(vendor->authorized).ok()) {
    return unknown("shim's .vendor_cert section is absent or not one DER certificate and a dbx");
  }
  if (!sbat) return unknown("shim has no readable .sbatlevel section");

  // MokListRT as shim builds it: the vendor certificate as one
  // EFI_SIGNATURE_LIST owned by SHIM_LOCK_GUID (MokList itself is empty).
  const parsers::Guid shim_lock = ShimLockGuid();
  std::vector<uint8_t> entry(shim_lock.bytes.begin(), shim_lock.bytes.end());
  entry.insert(entry.end(), vendor->authorized.begin(), vendor->authorized.end());
  const parsers::Guid x509 = X509Type();
  std::vector<uint8_t> mok_list(x509.bytes.begin(), x509.bytes.end());
  PutU32Le(uint32_t(28 + entry.size()), &mok_list);
  PutU32Le(0, &mok_list);
  PutU32Le(uint32_t(entry.size()), &mok_list);
  mok_list.insert(mok_list.end(), entry.begin(), entry.end());

  const uint8_t trusted = 1;
  out.startup.push_back(HashedEvent(banks, 14, ev::kEvIpl, {'M', 'o', 'k', 'L', 'i', 's', 't', 0},
                                    mok_list, "MokList (shim's vendor certificate)"));
  out.startup.push_back(HashedEvent(banks, 14, ev::kEvIpl,
                                    {'M', 'o', 'k', 'L', 'i', 's', 't', 'X', 0},
                                    vendor->deauthorized, "MokListX (shim's vendor dbx)"));
  const Bytes sbat_bytes(reinterpret_cast<const uint8_t*>(sbat->data()), sbat->size());
  CCV_ASSIGN_OR_RETURN(BootEvent sbat_event,
                       VariableEvent(banks, 7, ev::kEvEfiVariableAuthority, shim_lock, "SbatLevel",
                                     sbat_bytes, "SbatLevel (shim's previous SBAT revocations)"));
  out.startup.push_back(std::move(sbat_event));
  const std::string_view trusted_name = "MokListTrusted";
  std::vector<uint8_t> trusted_data(trusted_name.begin(), trusted_name.end());
  trusted_data.push_back(0);
  out.startup.push_back(HashedEvent(banks, 14, ev::kEvIpl, std::move(trusted_data),
                                    Bytes(&trusted, 1), "MokListTrusted (1: no MokListTrustedNV)"));

  // The images shim verifies: db first, then MokListRT.
  std::vector<AuthoritySource> sources;
  const parsers::StoredVariable* db = store->Find(ImageSecurityDatabaseGuid(), "db");
  AuthoritySource db_src{"db", ImageSecurityDatabaseGuid(), {}};
  if (db != nullptr) {
    auto entries = X509SignatureEntries(db->data, &db_src.other_entries);
    if (!entries.ok()) return entries.status().WithContext("db variable");
    db_src.entries = std::move(*entries);
  }
  sources.push_back(std::move(db_src));
  sources.push_back({"MokListRT", shim_lock, {{shim_lock, vendor->authorized, entry}}});
  AuthorityLog log(banks);
  CCV_ASSIGN_OR_RETURN(out.grub, log.Verify(grub, "GRUB", sources));
  CCV_ASSIGN_OR_RETURN(out.kernel, log.Verify(kernel, "the kernel", sources));
  return out;
}

}  // namespace ccv::predict
