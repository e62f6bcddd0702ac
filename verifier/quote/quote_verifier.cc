#include "verifier/quote/quote_verifier.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <mutex>
#include <utility>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/crypto/sgx_extensions.h"
#include "verifier/quote/intel_root_ca.h"

namespace ccv::quote {

struct PckLeafCache {
  struct Entry {
    std::string der;
    crypto::Certificate cert;
    size_t verified_by = 0;  // index into PreparedCollateral::verified_ca
    std::optional<crypto::SgxExtensions> ext;

    // QE reports whose signature verified with this leaf's key, kept as
    // report bytes || signature: the same bytes verify the same way, so the
    // platform's later quotes from the same QE (every TD of a host) skip
    // that ECDSA verification. Anything else is verified.
    static constexpr size_t kMaxQeReports = 16;
    bool QeReportVerified(const std::string& report_and_signature) const {
      std::lock_guard<std::mutex> lock(qe_mu);
      return std::find(verified_qe.begin(), verified_qe.end(), report_and_signature) !=
             verified_qe.end();
    }
    void RememberQeReport(std::string report_and_signature) const {
      std::lock_guard<std::mutex> lock(qe_mu);
      if (verified_qe.size() >= kMaxQeReports) verified_qe.pop_front();
      verified_qe.push_back(std::move(report_and_signature));
    }
    mutable std::mutex qe_mu;
    mutable std::deque<std::string> verified_qe;  // guarded by qe_mu
  };
  static constexpr size_t kMaxEntries = 256;

  std::shared_ptr<const Entry> Find(const std::string& der) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& e : entries) {
      if (e->der == der) return e;
    }
    return nullptr;
  }
  void Insert(std::shared_ptr<const Entry> e) {
    std::lock_guard<std::mutex> lock(mu);
    if (entries.size() >= kMaxEntries) entries.pop_front();
    entries.push_back(std::move(e));
  }

  std::mutex mu;
  std::deque<std::shared_ptr<const Entry>> entries;
};

namespace {

using crypto::Certificate;
using crypto::Crl;
using crypto::FormatRfc3339;

Check Pass(std::string id, std::string detail) {
  return {std::move(id), CheckStatus::kPass, std::move(detail)};
}
Check Fail(std::string id, std::string detail) {
  return {std::move(id), CheckStatus::kFail, std::move(detail)};
}
Check Skip(std::string id, std::string detail) {
  return {std::move(id), CheckStatus::kSkipped, std::move(detail)};
}

std::string UpperHex(std::span<const uint8_t> b) {
  std::string s = ToHex(b);
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool Contains(const std::string& s, std::string_view phrase) {
  return s.find(phrase) != std::string::npos;
}

std::string ValidityText(const Certificate& c) {
  return FormatRfc3339(c.NotBefore()) + ".." + FormatRfc3339(c.NotAfter());
}

Status ChainError(std::string what) { return Status(ErrorCode::kChainInvalid, std::move(what)); }

// Verifies `chain` (leaf first) up to `anchor` at time `at`: each certificate
// signed by the next, issuer names matching, the last one equal to the anchor,
// every certificate valid at `at` and, with `root_crl`, no intermediate
// revoked. `leaf_phrase` must appear in the leaf's subject CN. Errors:
// kChainInvalid saying what failed.
// `trusted[i]` (optional) marks certificates already known to chain to the
// anchor: their own signatures are not verified again.
Status VerifyChain(const std::vector<Certificate>& chain, const Certificate& anchor, Time at,
                   std::string_view leaf_phrase, size_t want_len, const Crl* root_crl,
                   const std::vector<bool>* trusted = nullptr,
                   const std::string* anchor_der = nullptr) {
  if (chain.size() != want_len) {
    return ChainError("chain has " + std::to_string(chain.size()) + " certificates, expected " +
                      std::to_string(want_len) + " (leaf ... root)");
  }
  if (!Contains(chain[0].SubjectCommonName(), leaf_phrase)) {
    return ChainError("leaf subject CN '" + chain[0].SubjectCommonName() + "' does not contain '" +
                      std::string(leaf_phrase) + "'");
  }
  const Certificate& root = chain.back();
  if (root.Der() != (anchor_der != nullptr ? *anchor_der : anchor.Der())) {
    return ChainError("chain root '" + root.SubjectCommonName() + "' (SHA-256 " +
                      UpperHex(root.Sha256Fingerprint()) + ") is not the trust anchor (SHA-256 " +
                      UpperHex(anchor.Sha256Fingerprint()) + ")");
  }
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    const Certificate& c = chain[i];
    const Certificate& issuer = chain[i + 1];
    if (c.IssuerDer() != issuer.SubjectDer()) {
      return ChainError("certificate " + std::to_string(i) + " ('" + c.SubjectCommonName() +
                        "') is issued by '" + c.IssuerCommonName() + "', not by '" +
                        issuer.SubjectCommonName() + "'");
    }
    if (i + 1 < chain.size() - 1 && !issuer.IsCa()) {
      return ChainError("certificate " + std::to_string(i + 1) + " is not a CA");
    }
    bool known = trusted != nullptr && (*trusted)[i];
    if (!known && !c.SignatureVerifiesWith(issuer)) {
      return ChainError("signature of certificate " + std::to_string(i) + " ('" +
                        c.SubjectCommonName() + "') does not verify with '" +
                        issuer.SubjectCommonName() + "'");
    }
  }
  // The root is the anchor itself (checked above): trusted as configured.
  for (size_t i = 0; i < chain.size(); ++i) {
    if (!chain[i].ValidAt(at)) {
      return ChainError("certificate " + std::to_string(i) + " ('" + chain[i].SubjectCommonName() +
                        "') is not valid at " + FormatRfc3339(at) + " (" + ValidityText(chain[i]) +
                        ")");
    }
  }
  if (root_crl != nullptr) {
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      if (root_crl->Revokes(chain[i]) && chain[i].IssuerDer() == root.SubjectDer()) {
        return ChainError("certificate " + std::to_string(i) + " ('" +
                          chain[i].SubjectCommonName() + "', serial " + chain[i].SerialHex() +
                          ") is revoked by the Root CA CRL");
      }
    }
  }
  return Status::Ok();
}

Check CrlCheck(const char* id, const Crl& crl, const Certificate& issuer, Time at) {
  if (crl.IssuerDer() != issuer.SubjectDer()) {
    return Fail(id, "CRL issuer '" + crl.IssuerCommonName() + "' is not '" +
                        issuer.SubjectCommonName() + "'");
  }
  if (!crl.SignatureVerifiesWith(issuer)) {
    return Fail(id, "CRL signature does not verify with '" + issuer.SubjectCommonName() + "'");
  }
  if (!crl.ValidAt(at)) {
    return Fail(id, "CRL is not valid at " + FormatRfc3339(at) + " (thisUpdate " +
                        FormatRfc3339(crl.ThisUpdate()) + ", nextUpdate " +
                        FormatRfc3339(crl.NextUpdate()) + ")");
  }
  return Pass(id, "issued by '" + crl.IssuerCommonName() + "', " +
                      std::to_string(crl.NumRevoked()) + " revoked serials, valid " +
                      FormatRfc3339(crl.ThisUpdate()) + ".." + FormatRfc3339(crl.NextUpdate()));
}

void SignedDocChecks(const char* name, const std::string& body,
                     const std::vector<uint8_t>& signature, const std::vector<Certificate>& chain,
                     const Status& chain_status, int64_t issue, int64_t next, Time at,
                     std::vector<Check>* out) {
  std::string s(name);
  if (chain_status.ok()) {
    out->push_back(Pass(s + "_chain", "'" + chain[0].SubjectCommonName() + "' -> trust anchor"));
  } else {
    out->push_back(Fail(s + "_chain", chain_status.message()));
  }
  bool sig_ok = false;
  if (!chain.empty() && signature.size() == 64) {
    auto key = chain[0].GetPublicKey();
    sig_ok = key.ok() && key->VerifyP256Sha256(AsBytes(body), signature);
  }
  if (chain.empty()) {
    out->push_back(Fail(s + "_signature", "no signing certificate"));
  } else if (signature.size() != 64) {
    out->push_back(Fail(s + "_signature", "signature is " + std::to_string(signature.size()) +
                                              " bytes, expected 64 (r || s)"));
  } else if (sig_ok) {
    out->push_back(Pass(s + "_signature", "ECDSA-P256-SHA256 over the " +
                                              std::to_string(body.size()) + " signed bytes by '" +
                                              chain[0].SubjectCommonName() + "'"));
  } else {
    out->push_back(Fail(s + "_signature", "signature over the " + std::to_string(body.size()) +
                                              " signed bytes does not verify with '" +
                                              chain[0].SubjectCommonName() + "'"));
  }
  std::string window = "issueDate " + FormatRfc3339(issue) + ", nextUpdate " + FormatRfc3339(next) +
                       ", at " + FormatRfc3339(at);
  if (WithinWindow(at, issue, next)) {
    out->push_back(Pass(s + "_validity", window));
  } else {
    out->push_back(
        Fail(s + "_validity", (at < Time(issue) ? "not yet valid: " : "expired: ") + window));
  }
}

// Parses a collateral document's issuer chain (`pem`, leaf first) into
// *out_chain, left empty if the PEM does not parse, and verifies it as
// VerifyChain does: two certificates, `leaf_phrase` in the leaf's CN, the
// intermediate not revoked by `root_crl`. Errors: the parse error, or
// VerifyChain's kChainInvalid.
Status LoadIssuerChain(const std::string& pem, const Certificate& anchor, Time at,
                       std::string_view leaf_phrase, const Crl& root_crl,
                       std::vector<Certificate>* out_chain) {
  out_chain->clear();
  CCV_ASSIGN_OR_RETURN(*out_chain, Certificate::ParsePemChain(pem));
  return VerifyChain(*out_chain, anchor, at, leaf_phrase, 2, &root_crl);
}

bool MaskedEqual(std::span<const uint8_t> value, std::span<const uint8_t> mask,
                 std::span<const uint8_t> expected) {
  for (size_t i = 0; i < value.size(); ++i) {
    if ((value[i] & mask[i]) != expected[i]) return false;
  }
  return true;
}

}  // namespace

const Check* QuoteVerification::FindCheck(std::string_view id) const {
  for (const Check& c : checks) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Result<Certificate> LoadTrustAnchor(std::optional<std::string_view> pem) {
  auto chain = Certificate::ParsePemChain(pem.value_or(kIntelSgxRootCaPem));
  if (!chain.ok()) return chain.status().WithContext("trust anchor");
  if (chain->size() != 1) {
    return Status(ErrorCode::kBadValue, "trust anchor PEM must hold exactly one certificate");
  }
  return std::move(chain->front());
}

Result<PreparedCollateral> PrepareCollateral(const QuoteCollateral& c, Certificate anchor,
                                             Time at) {
  PreparedCollateral p;
  p.anchor = std::move(anchor);
  p.anchor_der = p.anchor.Der();
  p.leaf_cache = std::make_shared<PckLeafCache>();
  p.at = at;
  p.raw = c;
  auto root_crl = Crl::FromBytes(c.root_ca_crl);
  if (!root_crl.ok()) return root_crl.status().WithField("root_ca_crl");
  p.root_ca_crl = std::move(*root_crl);
  auto pck_crl = Crl::FromBytes(c.pck_crl);
  if (!pck_crl.ok()) return pck_crl.status().WithField("pck_crl");
  p.pck_crl = std::move(*pck_crl);
  CCV_ASSIGN_OR_RETURN(p.tcb_info, ParseTcbInfo(c.tcb_info));
  CCV_ASSIGN_OR_RETURN(p.qe_identity, ParseEnclaveIdentity(c.qe_identity));

  // Root CA CRL: signed by the anchor.
  p.checks.push_back(CrlCheck("root_ca_crl", p.root_ca_crl, p.anchor, at));

  // PCK CRL and its issuer chain (Platform or Processor CA, root).
  const Status pck_crl_chain = LoadIssuerChain(c.pck_crl_issuer_chain, p.anchor, at, "SGX PCK",
                                               p.root_ca_crl, &p.pck_crl_chain);
  if (!pck_crl_chain.ok()) {
    p.checks.push_back(Fail("pck_crl", "PCK CRL issuer chain: " + pck_crl_chain.message()));
  } else {
    p.checks.push_back(CrlCheck("pck_crl", p.pck_crl, p.pck_crl_chain[0], at));
    p.verified_ca_der.push_back(p.pck_crl_chain[0].Der());
    p.verified_ca.push_back(p.pck_crl_chain[0].Clone());
  }

  // TCB info.
  const Status tcb_info_chain = LoadIssuerChain(
      c.tcb_info_issuer_chain, p.anchor, at, "SGX TCB Signing", p.root_ca_crl, &p.tcb_info_chain);
  SignedDocChecks("tcb_info", c.tcb_info, c.tcb_info_signature, p.tcb_info_chain, tcb_info_chain,
                  p.tcb_info.issue_date, p.tcb_info.next_update, at, &p.checks);
  // QE identity.
  const Status qe_identity_chain =
      LoadIssuerChain(c.qe_identity_issuer_chain, p.anchor, at, "SGX TCB Signing", p.root_ca_crl,
                      &p.qe_identity_chain);
  SignedDocChecks("qe_identity", c.qe_identity, c.qe_identity_signature, p.qe_identity_chain,
                  qe_identity_chain, p.qe_identity.issue_date, p.qe_identity.next_update, at,
                  &p.checks);
  return p;
}

namespace {

struct QuoteSide {
  std::vector<Certificate> chain;
  std::optional<crypto::SgxExtensions> ext;
};

// Checks that need the quote only (and the anchor).
void QuoteOnlyChecks(Bytes raw, const Certificate& anchor, const std::string& anchor_der,
                     const PreparedCollateral* prepared, bool use_leaf_cache, Time at,
                     ResolvedPckChain pck, QuoteVerification* v, QuoteSide* side) {
  const parsers::Quote& q = v->quote;
  const parsers::QuoteSignatureData& s = q.signature_data;
  // 1. Attestation-key signature over header || body.
  auto ak = crypto::PublicKey::FromRawP256(s.attestation_key);
  if (!ak.ok()) {
    v->checks.push_back(Fail("quote_signature", "attestation key is not a P-256 point"));
  } else if (ak->VerifyP256Sha256(q.SignedBytes(raw), s.signature)) {
    v->checks.push_back(
        Pass("quote_signature", "ECDSA-P256-SHA256 by the attestation key over header and body (" +
                                    std::to_string(q.signed_len) + " bytes)"));
  } else {
    v->checks.push_back(Fail("quote_signature",
                             "signature over header and body does not verify with the "
                             "attestation key"));
  }

  // PCK chain from the certification data or supplied beside the quote (a
  // supplied chain may leave out the root: the anchor stands in for it).
  if (pck.supplied && pck.der.size() == 2) pck.der.push_back(anchor_der);
  std::vector<bool> trusted;
  Status chain_status = pck.problem;
  std::shared_ptr<const PckLeafCache::Entry> cached_leaf;
  const std::vector<std::string>* ders = &pck.der;
  if (chain_status.ok()) {
    for (size_t i = 0; i < ders->size() && chain_status.ok(); ++i) {
      const std::string& der = (*ders)[i];
      if (der == anchor_der) {
        side->chain.push_back(anchor.Clone());
        trusted.push_back(true);
        continue;
      }
      bool reused = false;
      if (prepared != nullptr) {
        for (size_t k = 0; k < prepared->verified_ca_der.size(); ++k) {
          if (der == prepared->verified_ca_der[k]) {
            side->chain.push_back(prepared->verified_ca[k].Clone());
            reused = true;
            break;
          }
        }
      }
      if (!reused && i == 0 && use_leaf_cache && prepared != nullptr && prepared->leaf_cache) {
        cached_leaf = prepared->leaf_cache->Find(der);
        if (cached_leaf) {
          side->chain.push_back(cached_leaf->cert.Clone());
          trusted.push_back(false);  // set below once its issuer is known
          continue;
        }
      }
      if (!reused) {
        auto cert = Certificate::FromDer(AsBytes(der));
        if (!cert.ok()) {
          chain_status = Status(ErrorCode::kBadValue, "certificate " + std::to_string(i) +
                                                          " of the PEM chain does not parse");
          break;
        }
        side->chain.push_back(std::move(*cert));
      }
      trusted.push_back(reused);
    }
    if (!chain_status.ok()) side->chain.clear();
    // A cached leaf was verified with one CA: trusted only under that CA.
    if (cached_leaf && side->chain.size() >= 2 &&
        (*ders)[1] == prepared->verified_ca_der[cached_leaf->verified_by]) {
      trusted[0] = true;
    }
  }

  // 2. QE report signed by the PCK leaf key.
  if (side->chain.empty()) {
    v->checks.push_back(
        Fail("qe_report_signature", "no PCK certificate: " + chain_status.message()));
  } else {
    bool verified = false;
    std::string signed_qe;
    if (cached_leaf) {
      signed_qe.assign(reinterpret_cast<const char*>(s.qe_report.raw.data()),
                       s.qe_report.raw.size());
      signed_qe.append(reinterpret_cast<const char*>(s.qe_report_signature.data()),
                       s.qe_report_signature.size());
      verified = cached_leaf->QeReportVerified(signed_qe);
    }
    if (!verified) {
      auto key = side->chain[0].GetPublicKey();
      verified = key.ok() && key->VerifyP256Sha256(s.qe_report.raw, s.qe_report_signature);
      if (verified && cached_leaf) cached_leaf->RememberQeReport(std::move(signed_qe));
    }
    if (verified) {
      v->checks.push_back(Pass("qe_report_signature",
                               pck.supplied ? "QE report signed by the key of the PCK "
                                              "certificate from " +
                                                  pck.origin
                                            : std::string("QE report signed by the PCK key")));
    } else {
      v->checks.push_back(
          Fail("qe_report_signature", "QE report signature does not verify with the PCK key"));
    }
  }

  // QE report data = SHA-256(attestation key || QE auth data) || 32 zero bytes.
  crypto::Hasher h;
  h.Init(HashAlg::kSha256);
  h.Update(s.attestation_key);
  h.Update(s.qe_auth_data);
  Digest d = h.Final();
  bool hash_ok = std::memcmp(d.bytes.data(), s.qe_report.report_data.data(), 32) == 0;
  bool zero_ok = AllBytesEqual(std::span<const uint8_t>(s.qe_report.report_data).subspan(32), 0);
  if (hash_ok && zero_ok) {
    v->checks.push_back(Pass(
        "qe_report_data", "SHA-256(attestation key || QE authentication data) || 32 zero bytes"));
  } else if (!hash_ok) {
    v->checks.push_back(Fail("qe_report_data",
                             "QE report data[0..32] is not SHA-256(attestation key || QE "
                             "authentication data)"));
  } else {
    v->checks.push_back(Fail("qe_report_data", "QE report data[32..64] is not zero"));
  }

  // 3. PCK chain to the anchor.
  if (side->chain.empty()) {
    v->checks.push_back(Fail("pck_chain", "PCK certificate chain: " + chain_status.message()));
    return;
  }
  PckInfo info;
  for (const Certificate& c : side->chain) info.chain_subjects.push_back(c.SubjectCommonName());
  info.pck_issuer = side->chain[0].IssuerCommonName();
  info.not_before = side->chain[0].NotBefore();
  info.not_after = side->chain[0].NotAfter();
  info.root_sha256 = UpperHex(side->chain.back().Sha256Fingerprint());
  info.root_is_intel_sgx_root_ca = info.root_sha256 == kIntelSgxRootCaSha256;
  info.chain_origin = pck.origin;
  info.chain_supplied = pck.supplied;
  Status chain_ok = VerifyChain(side->chain, anchor, at, "SGX PCK Certificate", 3, nullptr,
                                &trusted, &anchor_der);
  if (chain_ok.ok() && !Contains(side->chain[1].SubjectCommonName(), "SGX PCK Platform CA") &&
      !Contains(side->chain[1].SubjectCommonName(), "SGX PCK Processor CA")) {
    chain_ok = ChainError("intermediate '" + side->chain[1].SubjectCommonName() +
                          "' is not an SGX PCK Platform or Processor CA");
  }
  if (chain_ok.ok()) {
    v->checks.push_back(Pass("pck_chain", "'" + info.chain_subjects[0] + "' <- '" +
                                              info.chain_subjects[1] +
                                              "' <- trust anchor, valid at " + FormatRfc3339(at) +
                                              (pck.supplied ? "; from " + pck.origin : "")));
  } else {
    v->checks.push_back(Fail("pck_chain", chain_ok.message()));
  }
  Result<crypto::SgxExtensions> ext = Status(ErrorCode::kNotFound, "no SGX extension");
  if (cached_leaf && cached_leaf->ext) {
    ext = *cached_leaf->ext;
  } else {
    ext = crypto::ParseSgxExtensions(side->chain[0]);
  }
  // Remember a leaf that chains to a collateral-verified CA.
  if (!cached_leaf && use_leaf_cache && chain_ok.ok() && prepared != nullptr &&
      prepared->leaf_cache && side->chain.size() == 3) {
    std::string ca_der = side->chain[1].Der();
    for (size_t k = 0; k < prepared->verified_ca_der.size(); ++k) {
      if (ca_der != prepared->verified_ca_der[k]) continue;
      auto e = std::make_shared<PckLeafCache::Entry>();
      e->der = side->chain[0].Der();
      e->cert = side->chain[0].Clone();
      e->verified_by = k;
      if (ext.ok()) e->ext = *ext;
      prepared->leaf_cache->Insert(std::move(e));
      break;
    }
  }
  if (ext.ok()) {
    info.has_sgx_extensions = true;
    info.fmspc = ext->fmspc;
    info.pce_id = ext->pce_id;
    info.cpu_svn_components = ext->cpu_svn_components;
    info.pce_svn = ext->pce_svn;
    info.sgx_type = ext->sgx_type;
    side->ext = *ext;
  }
  v->pck = std::move(info);
}

void CollateralChecks(const PreparedCollateral& c, const VerifyOptions& opts, QuoteSide& side,
                      QuoteVerification* v) {
  const parsers::Quote& q = v->quote;
  for (const Check& ch : c.checks) v->checks.push_back(ch);

  // Revocation: PCK leaf by the PCK CRL (of the same CA), intermediate by the
  // Root CA CRL.
  if (side.chain.size() < 2) {
    v->checks.push_back(Fail("pck_revocation", "no PCK chain to check"));
  } else if (c.pck_crl.IssuerDer() != side.chain[0].IssuerDer()) {
    v->checks.push_back(Fail("pck_revocation", "PCK CRL is issued by '" +
                                                   c.pck_crl.IssuerCommonName() +
                                                   "', the PCK certificate by '" +
                                                   side.chain[0].IssuerCommonName() + "'"));
  } else if (c.pck_crl.Revokes(side.chain[0])) {
    v->checks.push_back(Fail(
        "pck_revocation",
        "PCK certificate (serial " + side.chain[0].SerialHex() + ") is revoked by the PCK CRL"));
  } else if (c.root_ca_crl.Revokes(side.chain[1])) {
    v->checks.push_back(Fail("pck_revocation", "'" + side.chain[1].SubjectCommonName() +
                                                   "' is revoked by the Root CA CRL"));
  } else {
    v->checks.push_back(Pass("pck_revocation", "PCK certificate serial " +
                                                   side.chain[0].SerialHex() +
                                                   " not revoked; intermediate not revoked"));
  }

  const TcbInfo& ti = c.tcb_info;
  const EnclaveIdentity& qi = c.qe_identity;
  bool tdx = q.IsTdx();
  // TCB info and QE identity versions for this TEE.
  if (tdx && !(ti.version == 3 && ti.id == "TDX" && ti.has_tdx_module)) {
    v->checks.push_back(Fail("tcb_info_version", "TDX quote needs TCB info v3 with id TDX, got v" +
                                                     std::to_string(ti.version) + " id " + ti.id));
  } else if (!tdx && ti.id != "SGX") {
    v->checks.push_back(Fail("tcb_info_version", "SGX quote needs SGX TCB info, got id " + ti.id));
  } else {
    v->checks.push_back(
        Pass("tcb_info_version", "v" + std::to_string(ti.version) + " id " + ti.id + ", " +
                                     std::to_string(ti.tdx_module_identities.size()) +
                                     " TDX module identities, tcbEvaluationDataNumber " +
                                     std::to_string(ti.tcb_evaluation_data_number)));
  }
  std::string want_qe = tdx ? "TD_QE" : "QE";
  if (qi.id != want_qe) {
    v->checks.push_back(
        Fail("qe_identity_version", "quote needs a " + want_qe + " identity, got " + qi.id));
  } else {
    v->checks.push_back(
        Pass("qe_identity_version", "v" + std::to_string(qi.version) + " id " + qi.id));
  }

  // 5. FMSPC and PCEID.
  if (!side.ext) {
    v->checks.push_back(Fail("fmspc_match", "PCK certificate has no readable SGX extension"));
    v->checks.push_back(Fail("pceid_match", "PCK certificate has no readable SGX extension"));
  } else {
    std::string pf = UpperHex(side.ext->fmspc), tf = UpperHex(ti.fmspc);
    v->checks.push_back(side.ext->fmspc == ti.fmspc
                            ? Pass("fmspc_match", "FMSPC " + pf)
                            : Fail("fmspc_match", "PCK FMSPC " + pf + " != TCB info FMSPC " + tf));
    std::string pp = UpperHex(side.ext->pce_id), tp = UpperHex(ti.pce_id);
    v->checks.push_back(side.ext->pce_id == ti.pce_id
                            ? Pass("pceid_match", "PCEID " + pp)
                            : Fail("pceid_match", "PCK PCEID " + pp + " != TCB info PCEID " + tp));
  }

  // 6. QE identity.
  const parsers::SgxReportBody& qe = q.signature_data.qe_report;
  if (!MaskedEqual(qe.misc_select, qi.miscselect_mask, qi.miscselect)) {
    v->checks.push_back(Fail("qe_identity", "MISCSELECT " + ToHex(qe.misc_select) + " & mask " +
                                                ToHex(qi.miscselect_mask) +
                                                " != " + ToHex(qi.miscselect)));
  } else if (!MaskedEqual(qe.attributes, qi.attributes_mask, qi.attributes)) {
    v->checks.push_back(Fail("qe_identity", "ATTRIBUTES " + ToHex(qe.attributes) + " & mask " +
                                                ToHex(qi.attributes_mask) +
                                                " != " + ToHex(qi.attributes)));
  } else if (qe.mr_signer != qi.mr_signer) {
    v->checks.push_back(
        Fail("qe_identity", "MRSIGNER " + ToHex(qe.mr_signer) + " != " + ToHex(qi.mr_signer)));
  } else if (qe.isv_prod_id != qi.isv_prod_id) {
    v->checks.push_back(Fail("qe_identity", "ISVPRODID " + std::to_string(qe.isv_prod_id) +
                                                " != " + std::to_string(qi.isv_prod_id)));
  } else {
    v->checks.push_back(Pass("qe_identity", "MRSIGNER, ISVPRODID " +
                                                std::to_string(qe.isv_prod_id) +
                                                ", MISCSELECT and ATTRIBUTES match; ISVSVN " +
                                                std::to_string(qe.isv_svn)));
  }

  // TDX module identity: MRSIGNERSEAM and SEAMATTRIBUTES (4.1.2.4.11).
  if (!tdx || !ti.has_tdx_module) {
    v->checks.push_back(Skip("tdx_module", tdx ? "no TDX TCB info" : "SGX quote"));
  } else {
    const parsers::TdReportBody& b = *q.td_body;
    const TdxModuleIdentity* expected = &ti.tdx_module;
    std::string which = "tdxModule";
    bool ok = true;
    if (q.header.version > 3 && b.tee_tcb_svn[1] > 0) {
      expected = FindTdxModuleIdentity(ti, b.tee_tcb_svn[1]);
      char id[8];
      std::snprintf(id, sizeof(id), "TDX_%02X", b.tee_tcb_svn[1]);
      which = id;
      if (expected == nullptr) {
        v->checks.push_back(
            Fail("tdx_module", std::string("TCB info has no module identity ") + id +
                                   " for TEE_TCB_SVN[1] = " + std::to_string(b.tee_tcb_svn[1])));
        ok = false;
      }
    }
    if (ok) {
      if (b.mr_signer_seam != expected->mr_signer) {
        v->checks.push_back(Fail("tdx_module", "MRSIGNERSEAM " + ToHex(b.mr_signer_seam) +
                                                   " != " + which + " mrsigner " +
                                                   ToHex(expected->mr_signer)));
      } else if (!AllBytesEqual(b.seam_attributes, 0) ||
                 b.seam_attributes != expected->attributes) {
        v->checks.push_back(Fail("tdx_module", "SEAMATTRIBUTES " + ToHex(b.seam_attributes) +
                                                   " not zero or != " + which + " attributes " +
                                                   ToHex(expected->attributes)));
      } else {
        v->checks.push_back(Pass("tdx_module", "MRSIGNERSEAM and SEAMATTRIBUTES match " + which));
      }
    }
  }

  // 7. TCB status.
  if (!side.ext) {
    v->checks.push_back(Fail("tcb_status", "no PCK SGX extension: TCB status not evaluated"));
    return;
  }
  TcbEvalInput in;
  in.tdx = tdx;
  in.quote_version = q.header.version;
  in.pck_components = side.ext->cpu_svn_components;
  in.pck_pce_svn = side.ext->pce_svn;
  if (tdx) {
    in.tee_tcb_svn = q.td_body->tee_tcb_svn;
    if (q.td_body->is_v15) in.tee_tcb_svn2 = q.td_body->tee_tcb_svn2;
  }
  in.qe_isv_svn = qe.isv_svn;
  v->tcb = EvaluateTcb(ti, &qi, in);
  v->tcb_status = v->tcb.status;
  bool accepted = std::find(opts.accept_tcb.begin(), opts.accept_tcb.end(), v->tcb.status) !=
                  opts.accept_tcb.end();
  std::string detail = std::string(TcbStatusName(v->tcb.status));
  if (v->tcb.platform_level) {
    detail += " (platform level " + v->tcb.platform_status + " " + v->tcb.tcb_date;
    if (v->tcb.module_level) {
      detail += "; module " + v->tcb.module_identity_id.value_or("") + " " +
                v->tcb.module_level->tcb_status;
    }
    if (v->tcb.qe_level) detail += "; QE " + v->tcb.qe_level->tcb_status;
    detail += ")";
  }
  if (!v->tcb.reason.empty()) detail += " (" + v->tcb.reason + ")";
  detail += accepted ? ": accepted" : ": not accepted";
  v->checks.push_back(accepted ? Pass("tcb_status", detail) : Fail("tcb_status", detail));
}

void Finish(QuoteVerification* v) {
  v->authentic = true;
  bool tcb_ok = false;
  for (const Check& c : v->checks) {
    if (c.id == "tcb_status") {
      tcb_ok = c.status == CheckStatus::kPass;
    } else if (c.status == CheckStatus::kFail) {
      v->authentic = false;
    }
  }
  v->pass = v->authentic && tcb_ok;
}

}  // namespace

result::CollateralFreshness CollateralFreshnessAt(const PreparedCollateral& c,
                                                  const TcbEvalResult& tcb) {
  result::CollateralFreshness f;
  f.at = c.at.seconds;
  f.tcb_info_issue_date = c.tcb_info.issue_date;
  f.age_seconds = SecondsBetween(f.tcb_info_issue_date, f.at);
  f.tcb_evaluation_data_number = c.tcb_info.tcb_evaluation_data_number;
  f.qe_identity_tcb_evaluation_data_number = c.qe_identity.tcb_evaluation_data_number;
  const std::pair<const char*, int64_t> parts[] = {
      {"tcb_info", c.tcb_info.next_update},
      {"qe_identity", c.qe_identity.next_update},
      {"pck_crl", c.pck_crl.NextUpdate()},
      {"root_ca_crl", c.root_ca_crl.NextUpdate()},
  };
  f.earliest_next_update = parts[0].second;
  f.earliest_next_update_part = parts[0].first;
  for (const auto& [name, next] : parts) {
    if (next < f.earliest_next_update) {
      f.earliest_next_update = next;
      f.earliest_next_update_part = name;
    }
  }
  f.expires_in_seconds = SecondsBetween(f.at, f.earliest_next_update);
  if (!tcb.platform_level) return f;
  // The earliest tcbDate of the matched levels: the component whose TCB is
  // oldest dates the platform.
  const std::pair<const char*, const std::string*> levels[] = {
      {"platform", &tcb.tcb_date},
      {"tdx_module", tcb.module_level ? &tcb.module_level->tcb_date : nullptr},
      {"qe", tcb.qe_level ? &tcb.qe_level->tcb_date : nullptr},
  };
  for (const auto& [name, date] : levels) {
    if (date == nullptr) continue;
    Result<int64_t> d = crypto::ParseRfc3339(*date);
    if (!d.ok()) {
      // Unreadable: no date, so nothing can be judged by it.
      f.tcb_date_seconds.reset();
      f.tcb_date = *date;
      f.tcb_date_level = name;
      break;
    }
    if (!f.tcb_date_seconds || *d < *f.tcb_date_seconds) {
      f.tcb_date_seconds = *d;
      f.tcb_date = *date;
      f.tcb_date_level = name;
    }
  }
  if (f.tcb_date_seconds) {
    const int64_t diff = SecondsBetween(*f.tcb_date_seconds, f.at);
    int64_t days = diff / result::kSecondsPerDay;
    if (diff % result::kSecondsPerDay < 0) --days;
    f.days_since_tcb_date = days;
  }
  return f;
}

Result<QuoteVerification> VerifyQuote(Bytes raw, const PreparedCollateral& c,
                                      const VerifyOptions& opts) {
  QuoteVerification v;
  CCV_ASSIGN_OR_RETURN(v.quote, parsers::ParseQuote(raw));
  v.at = c.at;
  CCV_ASSIGN_OR_RETURN(
      ResolvedPckChain pck,
      ResolvePckChain(v.quote.signature_data, opts.pck_chain ? &*opts.pck_chain : nullptr));
  QuoteSide side;
  QuoteOnlyChecks(raw, c.anchor, c.anchor_der, &c, opts.use_leaf_cache, c.at, std::move(pck), &v,
                  &side);
  CollateralChecks(c, opts, side, &v);
  Finish(&v);
  v.freshness = CollateralFreshnessAt(c, v.tcb);
  return v;
}

Result<QuoteVerification> VerifyQuoteWithoutCollateral(
    Bytes raw, const Certificate& anchor, Time at,
    const std::optional<SuppliedPckChain>& pck_chain) {
  QuoteVerification v;
  CCV_ASSIGN_OR_RETURN(v.quote, parsers::ParseQuote(raw));
  v.at = at;
  CCV_ASSIGN_OR_RETURN(ResolvedPckChain pck,
                       ResolvePckChain(v.quote.signature_data, pck_chain ? &*pck_chain : nullptr));
  QuoteSide side;
  QuoteOnlyChecks(raw, anchor, anchor.Der(), nullptr, false, at, std::move(pck), &v, &side);
  v.checks.push_back(Skip("tcb_status", "no collateral"));
  Finish(&v);
  v.pass = false;
  return v;
}

}  // namespace ccv::quote
