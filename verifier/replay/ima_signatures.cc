#include "verifier/replay/ima_signatures.h"

#include <utility>

#include "parsers/core/hex.h"
#include "parsers/ima_sig.h"
#include "parsers/ima_template.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/ima_modsig.h"
#include "verifier/replay/ima_replay.h"
#include "verifier/replay/ima_replay_file.h"

namespace ccv::replay {
namespace {

std::string KeyIdHex(uint32_t id) {
  uint8_t b[4] = {uint8_t(id >> 24), uint8_t(id >> 16), uint8_t(id >> 8), uint8_t(id)};
  return ToHex(Bytes(b, 4));
}

// The IMA xattr signature (v2, or the v3 form) of the listed file digest.
void CheckXattrSignature(const ima::DecodedField& sig, const ima::DecodedField* digest,
                         const std::vector<crypto::ImaKey>& keys, ImaSigEntry* out) {
  ImaSigEntry& r = *out;
  Result<std::optional<ima::ImaSignature>> parsed = ima::ParseImaSignature(sig.raw, sig.offset);
  if (!parsed.ok()) {
    r.status = ImaSigStatus::kMalformed;
    r.detail = parsed.status().field() + ": " + parsed.status().message();
    return;
  }
  const ima::ImaSignature& s = **parsed;
  r.keyid = s.keyid;
  r.version = s.version;
  std::optional<HashAlg> alg = ima::HashAlgFromKernelId(s.hash_algo);
  std::optional<HashAlg> listed =
      digest && digest->algo_known ? HashAlgFromName(digest->algo) : std::nullopt;
  if (!alg || !listed || *alg != *listed) {
    r.status = ImaSigStatus::kFailed;
    r.detail = "the signature's hash algorithm (kernel id " + std::to_string(s.hash_algo) +
               ") is not the listed digest's (" + std::string(digest ? digest->algo : "none") + ")";
    return;
  }
  std::vector<uint8_t> signed_digest(digest->digest.begin(), digest->digest.end());
  if (s.version == 3) {
    std::vector<uint8_t> m = ima::SignedMessageV3(s.type, s.hash_algo, digest->digest);
    Digest d = crypto::Hash(*alg, m);
    signed_digest.assign(d.span().begin(), d.span().end());
  }
  bool any_key = false;
  for (const crypto::ImaKey& k : keys) {
    if (k.keyid != s.keyid) continue;
    any_key = true;
    if (crypto::VerifyDigestSignature(*k.key, *alg, signed_digest, s.signature)) {
      r.status = ImaSigStatus::kVerified;
      r.key = k.source;
      r.detail.clear();
      return;
    }
  }
  if (!any_key) {
    r.status = ImaSigStatus::kUnknownKey;
    r.detail = "no key with key id " + KeyIdHex(s.keyid);
  } else {
    r.status = ImaSigStatus::kFailed;
    r.detail = "the signature does not verify with the key(s) of key id " + KeyIdHex(s.keyid);
  }
}

// The appended PKCS#7 signature (modsig) over the d-modsig digest.
void CheckAppendedSignature(const ima::DecodedField* dmodsig, const ima::DecodedField& modsig,
                            const std::vector<crypto::ImaKey>& keys, ImaSigEntry* out) {
  ImaSigEntry& r = *out;
  r.version = 0;
  r.keyid = 0;
  Result<crypto::Modsig> m = crypto::ParseModsig(modsig.raw);
  if (!m.ok()) {
    r.status = ImaSigStatus::kMalformed;
    r.detail = "modsig: " + m.status().message();
    return;
  }
  r.keyid = m->KeyId();
  std::optional<HashAlg> listed = dmodsig && dmodsig->algo_known && !dmodsig->digest.empty()
                                      ? HashAlgFromName(dmodsig->algo)
                                      : std::nullopt;
  if (!listed || !m->digest_alg || *listed != *m->digest_alg) {
    r.status = ImaSigStatus::kFailed;
    r.detail = "the appended signature's digest algorithm (" + m->digest_alg_name +
               ") is not the d-modsig digest's (" + std::string(dmodsig ? dmodsig->algo : "none") +
               ")";
    return;
  }
  bool any_key = false;
  std::string why;
  for (const crypto::ImaKey& k : keys) {
    if (!m->Names(k)) continue;
    any_key = true;
    if (r.keyid == 0) r.keyid = k.keyid;
    if (crypto::VerifyModsig(*m, *k.key, dmodsig->digest, &why)) {
      r.status = ImaSigStatus::kVerified;
      r.key = k.source;
      r.detail.clear();
      return;
    }
  }
  const std::string signer = !m->skid.empty() ? "subject key id " + ToHex(m->skid)
                                              : std::string("the issuer and serial it names");
  if (!any_key) {
    r.status = ImaSigStatus::kUnknownKey;
    r.detail = "appended signature: no key with " + signer;
  } else {
    r.status = ImaSigStatus::kFailed;
    r.detail = "appended signature: " + why;
  }
}

}  // namespace

ImaEntrySig CheckEntrySignature(const ima::Entry& e, const std::vector<ima::DecodedField>& fields,
                                const std::vector<crypto::ImaKey>& keys) {
  ImaEntrySig res;
  const ima::DecodedField* digest = nullptr;
  const ima::DecodedField* name = nullptr;
  const ima::DecodedField* sig = nullptr;
  const ima::DecodedField* buf = nullptr;
  const ima::DecodedField* dmodsig = nullptr;
  const ima::DecodedField* modsig = nullptr;
  for (const ima::DecodedField& f : fields) {
    switch (f.id) {
      case ima::FieldId::kDNg:
      case ima::FieldId::kDNgV2:
        digest = &f;
        break;
      case ima::FieldId::kNNg:
        name = &f;
        break;
      case ima::FieldId::kSig:
        sig = &f;
        break;
      case ima::FieldId::kBuf:
        buf = &f;
        break;
      case ima::FieldId::kDModsig:
        dmodsig = &f;
        break;
      case ima::FieldId::kModsig:
        modsig = &f;
        break;
      default:
        break;
    }
  }
  if (buf != nullptr) {
    // ima-buf: a measured buffer, not a file. Key loads name their keyring.
    res.buffer = true;
    KeyringLoad& k = res.load;
    k.index = e.index;
    k.keyring = name ? std::string(name->text) : "";
    if (!k.keyring.empty() && k.keyring[0] == '.') {
      Result<uint32_t> id = crypto::CertificateKeyId(buf->raw);
      if (id.ok()) {
        Result<std::vector<crypto::ImaKey>> keys_in =
            crypto::LoadImaKeys(buf->raw, "ima#" + std::to_string(e.index));
        k.keyid = *id;
        if (keys_in.ok() && !keys_in->empty()) {
          k.subject = (*keys_in)[0].subject;
          k.keys = std::move(*keys_in);
        }
        k.detail = "X.509 certificate, key id " + KeyIdHex(k.keyid);
      } else {
        k.detail = "a buffer of " + std::to_string(buf->raw.size()) + " bytes, not a certificate";
      }
      res.is_load = true;
    }
    return res;
  }
  ImaSigEntry& r = res.entry;
  r.index = e.index;
  r.line = e.line;
  r.path = name ? std::string(name->text) : "";
  const bool has_modsig = modsig != nullptr && !modsig->raw.empty();
  if ((sig == nullptr || sig->raw.empty()) && !has_modsig) {
    r.status = ImaSigStatus::kUnsigned;
    r.detail = sig == nullptr ? "template " + std::string(e.template_name) + " has no sig field"
                              : "no signature";
    return res;
  }
  if (sig != nullptr && !sig->raw.empty()) {
    CheckXattrSignature(*sig, digest, keys, &r);
    // A file may carry both; the kernel accepts either (ima_appraise.c).
    if (r.status == ImaSigStatus::kVerified || !has_modsig) return res;
  }
  ImaSigEntry appended = r;
  CheckAppendedSignature(dmodsig, *modsig, keys, &appended);
  if (appended.status == ImaSigStatus::kVerified || r.status == ImaSigStatus::kUnsigned ||
      sig == nullptr || sig->raw.empty()) {
    r = std::move(appended);
  } else {
    r.detail += "; appended signature: " + appended.detail;
  }
  return res;
}

namespace {

void CheckEntry(const ima::Entry& e, const std::vector<ima::DecodedField>& fields,
                const std::vector<crypto::ImaKey>& keys, ImaSigReport* out) {
  ImaEntrySig res = CheckEntrySignature(e, fields, keys);
  if (res.buffer) {
    if (res.is_load) out->keyring_loads.push_back(std::move(res.load));
    return;
  }
  ++out->entries;
  switch (res.entry.status) {
    case ImaSigStatus::kVerified:
      ++out->verified;
      out->verified_entries.push_back(std::move(res.entry));
      return;
    case ImaSigStatus::kFailed:
      ++out->failed;
      break;
    case ImaSigStatus::kUnknownKey:
      ++out->unknown_key;
      break;
    case ImaSigStatus::kUnsigned:
      ++out->unsigned_entries;
      break;
    case ImaSigStatus::kMalformed:
      ++out->malformed;
      break;
  }
  out->findings.push_back(std::move(res.entry));
}

}  // namespace

std::string_view ImaSigStatusName(ImaSigStatus s) {
  switch (s) {
    case ImaSigStatus::kVerified:
      return "verified";
    case ImaSigStatus::kFailed:
      return "failed";
    case ImaSigStatus::kUnknownKey:
      return "unknown_key";
    case ImaSigStatus::kUnsigned:
      return "unsigned";
    case ImaSigStatus::kMalformed:
      return "malformed";
  }
  return "failed";
}

Result<ImaSigReport> CheckImaSignatures(const std::string& path, ima::ReadOptions read,
                                        const std::vector<crypto::ImaKey>& keys) {
  CCV_ASSIGN_OR_RETURN(ima::ChunkSource src, FileChunkSource(path));
  ima::LogReader reader(std::move(src), read);
  ImaSigReport out;
  std::vector<ima::Entry> batch;
  std::vector<ima::DecodedField> fields;
  while (true) {
    Status s = reader.NextBatch(&batch);
    if (!s.ok()) return s.WithFileIfUnset(path);
    if (batch.empty()) break;
    for (const ima::Entry& e : batch) {
      if (e.violation() || e.desc == nullptr) continue;
      Status d = ima::DecodeTemplateDataInto(e.desc, e.template_data, e.template_data_offset,
                                             read.endian, &fields);
      if (!d.ok()) return d.WithFileIfUnset(path);
      CheckEntry(e, fields, keys, &out);
    }
  }
  return out;
}

}  // namespace ccv::replay
