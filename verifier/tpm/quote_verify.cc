#include "verifier/tpm/quote_verify.h"

#include <set>
#include <utility>

#include "parsers/core/hex.h"
#include "parsers/tpm2_format.h"
#include "verifier/crypto/digest.h"
#include "verifier/crypto/signature.h"

namespace ccv::tpm {

namespace fmt = parsers::tpm2_format;

namespace {

using parsers::TpmSigScheme;

std::string AlgHex(uint16_t id) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s = "0x";
  for (int shift = 12; shift >= 0; shift -= 4) s += kDigits[(id >> shift) & 0xf];
  return s;
}

// Hex, or "(empty)" for no bytes.
std::string HexOrEmpty(std::span<const uint8_t> b) { return b.empty() ? "(empty)" : ToHex(b); }

std::string PcrName(HashAlg bank, uint32_t index) {
  return "pcr" + std::to_string(index) + " (" + std::string(HashAlgName(bank)) + ")";
}

uint16_t SchemeAlgId(TpmSigScheme s) {
  switch (s) {
    case TpmSigScheme::kRsaSsa:
      return fmt::kAlgRsaSsa;
    case TpmSigScheme::kRsaPss:
      return fmt::kAlgRsaPss;
    case TpmSigScheme::kEcdsa:
      return fmt::kAlgEcdsa;
  }
  return 0;
}

Check AkAttributesCheck(const Ak& ak) {
  Check c{"ak.attributes", CheckStatus::kSkipped, ""};
  if (!ak.tpm_public) {
    c.detail = "the AK is a " + std::string(AkFormName(ak.form)) +
               ": its TPM object attributes are vouched for by whoever pinned or certified it";
    return c;
  }
  const parsers::TpmPublic& p = *ak.tpm_public;
  std::vector<std::string> wrong;
  if (!p.restricted()) wrong.push_back("restricted is clear");
  if (!p.sign()) wrong.push_back("sign is clear");
  if (p.decrypt()) wrong.push_back("decrypt is set");
  if (wrong.empty()) {
    c.status = CheckStatus::kPass;
    c.detail = "restricted signing key (objectAttributes " +
               AlgHex(uint16_t(p.object_attributes >> 16)) +
               AlgHex(uint16_t(p.object_attributes)).substr(2) + ")";
    return c;
  }
  c.status = CheckStatus::kFail;
  c.detail = "not a restricted signing key: ";
  for (size_t i = 0; i < wrong.size(); ++i) c.detail += (i ? ", " : "") + wrong[i];
  c.detail += " (a key that signs any digest can forge a quote)";
  return c;
}

// The signature check of one quote.
Check SignatureCheck(const std::string& prefix, const Ak& ak, const parsers::TpmSignature& sig,
                     Bytes attest) {
  Check c{prefix + "signature", CheckStatus::kFail, ""};
  std::string scheme(parsers::TpmSigSchemeName(sig.scheme));
  if (!sig.hash || sig.hash == HashAlg::kSm3_256 || !crypto::HashAlgAvailable(*sig.hash)) {
    c.detail = "signature hash " + AlgHex(sig.hash_alg_id) + " is not supported";
    return c;
  }
  std::string what = scheme + "-" + std::string(HashAlgName(*sig.hash));
  bool rsa_sig = sig.scheme != TpmSigScheme::kEcdsa;
  if (rsa_sig != crypto::IsRsaKey(ak.key) || (!rsa_sig && !crypto::IsEcKey(ak.key))) {
    c.detail = what + " signature does not fit the AK (" + ak.key_description + ")";
    return c;
  }
  if (ak.tpm_public && ak.tpm_public->scheme != fmt::kAlgNull &&
      (ak.tpm_public->scheme != SchemeAlgId(sig.scheme) ||
       ak.tpm_public->scheme_hash_alg != sig.hash_alg_id)) {
    c.detail = what + " signature, but the AK's TPMT_PUBLIC fixes scheme " +
               AlgHex(ak.tpm_public->scheme) + " with hash " +
               AlgHex(ak.tpm_public->scheme_hash_alg);
    return c;
  }
  bool ok = false;
  switch (sig.scheme) {
    case TpmSigScheme::kRsaSsa:
      ok = crypto::VerifyRsaPkcs1(ak.key, *sig.hash, attest, sig.rsa_sig);
      break;
    case TpmSigScheme::kRsaPss:
      ok = crypto::VerifyRsaPss(ak.key, *sig.hash, attest, sig.rsa_sig);
      break;
    case TpmSigScheme::kEcdsa:
      ok = crypto::VerifyEcdsaRs(ak.key, *sig.hash, attest, sig.ecc_r, sig.ecc_s);
      break;
  }
  if (!ok) {
    c.detail = what + " signature over the attestation does not verify with the AK (" +
               ak.key_description + ")";
    return c;
  }
  c.status = CheckStatus::kPass;
  c.detail = what + " signature verifies with the AK (" + ak.key_description + ")";
  return c;
}

Check NonceCheck(const std::string& prefix, const parsers::TpmAttest& a,
                 const std::optional<std::vector<uint8_t>>& nonce) {
  Check c{prefix + "nonce", CheckStatus::kSkipped, ""};
  if (!nonce) {
    c.detail = "no --nonce: freshness not checked (extraData " + HexOrEmpty(a.extra_data) + ")";
    return c;
  }
  if (a.extra_data == *nonce) {
    c.status = CheckStatus::kPass;
    c.detail = "extraData equals the nonce " + HexOrEmpty(*nonce);
  } else {
    c.status = CheckStatus::kFail;
    c.detail = "extraData " + HexOrEmpty(a.extra_data) + " != nonce " + HexOrEmpty(*nonce);
  }
  return c;
}

struct Selected {
  HashAlg bank;
  uint32_t index;
};

}  // namespace

Result<TpmVerification> VerifyTpmQuotes(const Ak& ak, std::span<const QuoteInput> quotes,
                                        const VerifyOptions& options) {
  TpmVerification v;
  v.ak_form = std::string(AkFormName(ak.form));
  v.ak_key = ak.key_description;
  v.ak_name = ak.name;
  v.checks.push_back(AkAttributesCheck(ak));
  const bool ak_attributes_ok = v.checks.back().status != CheckStatus::kFail;
  v.ak_trust = options.ak_trust
                   ? *options.ak_trust
                   : CheckAkTrust(ak, options.ak_roots, options.at, options.ak_intermediates);
  v.checks.push_back(
      {"ak.trust", v.ak_trust.ok ? CheckStatus::kPass : CheckStatus::kFail, v.ak_trust.detail});
  if (quotes.empty()) return Status(ErrorCode::kInvalidArgument, "no quote given");

  for (size_t qi = 0; qi < quotes.size(); ++qi) {
    const QuoteInput& in = quotes[qi];
    std::string prefix = "quote" + std::to_string(qi) + ".";
    QuoteResult q;
    auto attest = parsers::ParseTpmAttest(in.attest);
    if (!attest.ok()) return attest.status().WithFile(in.attest_name);
    q.attest = std::move(attest).value();
    auto sig = parsers::ParseTpmSignature(in.signature);
    if (!sig.ok()) return sig.status().WithFile(in.signature_name);
    q.signature = std::move(sig).value();

    Check sc = SignatureCheck(prefix, ak, q.signature, in.attest);
    q.signature_ok = sc.status == CheckStatus::kPass;
    v.checks.push_back(std::move(sc));
    v.checks.push_back(NonceCheck(prefix, q.attest, options.nonce));
    q.nonce_failed = v.checks.back().status == CheckStatus::kFail;

    // The selection, in digest order.
    Check dc{prefix + "pcr_digest", CheckStatus::kFail, ""};
    std::vector<Selected> selected;
    bool selection_ok = true;
    for (const parsers::TpmPcrSelection& s : q.attest.pcr_select) {
      if (!s.hash) {
        dc.detail = "selection names an unknown bank " + AlgHex(s.hash_alg_id);
        selection_ok = false;
        break;
      }
      for (uint32_t index : s.Pcrs()) {
        if (index >= kNumPcrs) {
          dc.detail = "selection names pcr" + std::to_string(index) + ", above pcr23";
          selection_ok = false;
          break;
        }
        selected.push_back({*s.hash, index});
      }
    }
    if (selection_ok && selected.empty()) {
      dc.detail = "the quote selects no PCR";
      selection_ok = false;
    }
    const std::optional<HashAlg>& h = q.signature.hash;
    if (selection_ok && (!h || !crypto::HashAlgAvailable(*h))) {
      dc.detail = "PCR digest hash " + AlgHex(q.signature.hash_alg_id) + " is not supported";
      selection_ok = false;
    }
    if (selection_ok && q.attest.pcr_digest.size() != DigestLen(*h)) {
      dc.detail = "pcrDigest is " + std::to_string(q.attest.pcr_digest.size()) +
                  " bytes; the signature's " + std::string(HashAlgName(*h)) + " gives " +
                  std::to_string(DigestLen(*h));
      selection_ok = false;
    }
    // PCR values to hash: --pcrs, else the log's.
    std::vector<Digest> values;
    if (selection_ok && options.pcrs == nullptr && options.log_pcrs == nullptr) {
      dc.status = CheckStatus::kSkipped;
      dc.detail =
          "no --pcrs or --tpm-log: the quoted PCR values are not known, only their "
          "digest " +
          ToHex(q.attest.pcr_digest);
      selection_ok = false;
    }
    if (selection_ok) {
      for (const Selected& s : selected) {
        if (options.pcrs != nullptr) {
          std::optional<Digest> d = options.pcrs->Get(s.bank, s.index);
          if (!d) {
            dc.detail = "the quote selects " + PcrName(s.bank, s.index) + ", which --pcrs lacks";
            selection_ok = false;
            break;
          }
          values.push_back(*d);
        } else {
          std::optional<Digest> d = options.log_pcrs->Get(s.bank, s.index);
          values.push_back(d ? *d : InitialPcrValue(s.bank, s.index));
        }
      }
    }
    if (selection_ok) {
      crypto::Hasher hasher;
      hasher.Init(*h);
      for (const Digest& d : values) hasher.Update(d.span());
      Digest got = hasher.Final();
      const char* source = options.pcrs != nullptr ? "--pcrs" : "the replayed log";
      std::string sel = std::to_string(selected.size()) + " PCR values from " + source;
      if (std::equal(got.span().begin(), got.span().end(), q.attest.pcr_digest.begin(),
                     q.attest.pcr_digest.end())) {
        q.pcr_digest_ok = true;
        dc.status = CheckStatus::kPass;
        dc.detail = "pcrDigest " + ToHex(q.attest.pcr_digest) + " = " +
                    std::string(HashAlgName(*h)) + " of " + sel;
        if (q.signature_ok && !q.nonce_failed && v.ak_trust.ok && ak_attributes_ok) {
          for (size_t i = 0; i < selected.size(); ++i)
            v.quoted_pcrs.Set(selected[i].index, values[i]);
        }
      } else {
        dc.detail = "pcrDigest " + ToHex(q.attest.pcr_digest) +
                    " != " + std::string(HashAlgName(*h)) + " of " + sel + " (" +
                    ToHex(got.span()) + ")";
        if (options.pcrs == nullptr) dc.detail += "; give --pcrs to find which PCR differs";
      }
    }
    v.checks.push_back(std::move(dc));

    // The log against the values this quote authenticated.
    if (options.pcrs != nullptr && options.log_pcrs != nullptr) {
      Check lc{prefix + "log", CheckStatus::kPass, ""};
      size_t compared = 0;
      std::string mismatches;
      for (const Selected& s : selected) {
        std::optional<Digest> logged = options.log_pcrs->Get(s.bank, s.index);
        std::optional<Digest> quoted = options.pcrs->Get(s.bank, s.index);
        if (!logged || !quoted) continue;
        ++compared;
        if (!(*logged == *quoted)) {
          mismatches += (mismatches.empty() ? "" : "; ") + PcrName(s.bank, s.index) + ": log " +
                        ToHex(logged->span()) + " != quoted " + ToHex(quoted->span());
        }
      }
      if (!mismatches.empty()) {
        lc.status = CheckStatus::kFail;
        lc.detail = mismatches;
      } else if (compared == 0) {
        lc.status = CheckStatus::kSkipped;
        lc.detail = "the log extends none of the PCRs this quote selects";
      } else {
        lc.detail = std::to_string(compared) + " PCRs the log extends equal the quoted values";
      }
      v.checks.push_back(std::move(lc));
    }
    v.quotes.push_back(std::move(q));
  }

  // Every PCR the log extends must be covered by a verified quote.
  if (options.log_pcrs != nullptr) {
    Check cc{"log.coverage", CheckStatus::kPass, ""};
    std::string uncovered;
    size_t n = 0;
    for (const auto& [bank, pcrs] : options.log_pcrs->banks()) {
      for (const auto& [index, d] : pcrs) {
        ++n;
        std::optional<Digest> q = v.quoted_pcrs.Get(bank, index);
        if (!q || !(*q == d)) uncovered += (uncovered.empty() ? "" : ", ") + PcrName(bank, index);
      }
    }
    if (!uncovered.empty()) {
      cc.status = CheckStatus::kFail;
      cc.detail = "log records on PCRs no verified quote authenticates (unbound): " + uncovered;
    } else {
      cc.detail = "all " + std::to_string(n) +
                  " PCR values the log extends are authenticated "
                  "by a verified quote";
    }
    v.checks.push_back(std::move(cc));
  }

  v.pass = true;
  for (const Check& c : v.checks) {
    if (c.status == CheckStatus::kFail) v.pass = false;
  }
  return v;
}

}  // namespace ccv::tpm
