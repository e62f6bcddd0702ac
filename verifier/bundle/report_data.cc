#include "verifier/bundle/report_data.h"

#include <algorithm>
#include <string>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::bundle {
namespace {

constexpr char kFromVerifier[] = "nonce from the verifier (--nonce): fresh";
constexpr char kFromBundle[] =
    "nonce from the bundle: proves consistency, not freshness (pass --nonce or --report-data "
    "to check that the quote answers your request)";

// What the mode computes, for details.
std::string Formula(ReportDataMode mode) {
  return mode == ReportDataMode::kNonce ? "the nonce zero padded to 64 bytes"
                                        : "SHA-512(nonce || user_data)";
}

}  // namespace

std::array<uint8_t, 64> ExpectedReportData(std::span<const uint8_t> nonce,
                                           std::span<const uint8_t> user_data) {
  crypto::Hasher h;
  h.Init(HashAlg::kSha512);
  h.Update(nonce);
  h.Update(user_data);
  Digest d = h.Final();
  std::array<uint8_t, 64> out{};
  std::copy(d.bytes.begin(), d.bytes.begin() + 64, out.begin());
  return out;
}

std::optional<std::array<uint8_t, 64>> ExpectedReportDataFor(ReportDataMode mode,
                                                             std::span<const uint8_t> nonce,
                                                             std::span<const uint8_t> user_data) {
  switch (mode) {
    case ReportDataMode::kSha512NonceUserData:
      return ExpectedReportData(nonce, user_data);
    case ReportDataMode::kNonce: {
      if (nonce.size() > 64 || !user_data.empty()) return std::nullopt;
      std::array<uint8_t, 64> out{};
      std::copy(nonce.begin(), nonce.end(), out.begin());
      return out;
    }
    case ReportDataMode::kExact:
      return std::nullopt;
  }
  return std::nullopt;
}

void ApplyVerifierBinding(Evidence* e, std::optional<std::vector<uint8_t>> nonce,
                          std::optional<std::vector<uint8_t>> user_data,
                          std::optional<std::vector<uint8_t>> report_data) {
  if (!nonce && !user_data && !report_data) return;
  e->user_data_from_bundle = nonce && !user_data && !report_data && e->user_data;
  if (!e->user_data_from_bundle) e->user_data = std::move(user_data);
  e->nonce = std::move(nonce);
  e->report_data = std::move(report_data);
  e->binding_from_verifier = true;
}

ReportDataBinding CheckReportDataBinding(const std::array<uint8_t, 64>& quoted, const Evidence& e) {
  ReportDataBinding b;
  b.mode = e.report_data_mode;
  result::Check& c = b.check;
  c.id = kReportDataCheckId;
  c.status = result::Verdict::kFail;
  auto equal = [&](const std::vector<uint8_t>& want) {
    return want.size() == 64 && std::equal(want.begin(), want.end(), quoted.begin());
  };
  if (e.report_data) {
    b.nonce_source = NonceSource::kVerifier;
    b.mode = ReportDataMode::kExact;
    bool ok = equal(*e.report_data);
    c.status = ok ? result::Verdict::kPass : result::Verdict::kFail;
    c.detail = ok ? "REPORTDATA equals the verifier's --report-data: fresh"
                  : "REPORTDATA " + ToHex(quoted) + " differs from the verifier's --report-data " +
                        ToHex(*e.report_data);
    b.fresh = ok;
    return b;
  }
  static const std::vector<uint8_t> kEmpty;
  const std::vector<uint8_t>& nonce = e.nonce ? *e.nonce : kEmpty;
  const std::vector<uint8_t>& user_data = e.user_data ? *e.user_data : kEmpty;
  if (e.binding_from_verifier && (e.nonce || e.user_data)) {
    b.nonce_source = NonceSource::kVerifier;
    if (e.user_data) {
      b.user_data_source = e.user_data_from_bundle ? NonceSource::kBundle : NonceSource::kVerifier;
    }
    const std::string ud_note =
        b.user_data_source == NonceSource::kBundle
            ? "; user data " + ToHex(user_data) + " from the bundle (--user-data not given)"
            : std::string();
    if (b.mode == ReportDataMode::kExact) b.mode = ReportDataMode::kSha512NonceUserData;
    std::optional<std::array<uint8_t, 64>> want = ExpectedReportDataFor(b.mode, nonce, user_data);
    if (!want) {
      c.detail = "the bundle's report_data \"nonce\" cannot hold the verifier's nonce of " +
                 std::to_string(nonce.size()) + " bytes" +
                 (user_data.empty() ? std::string() : " and user data") +
                 " (REPORTDATA is 64 bytes, the nonce alone)" + ud_note;
      return b;
    }
    bool ok = *want == quoted;
    c.status = ok ? result::Verdict::kPass : result::Verdict::kFail;
    c.detail = ok ? "REPORTDATA = " + Formula(b.mode) + "; " + kFromVerifier + ud_note
                  : "REPORTDATA " + ToHex(quoted) + " is not " + Formula(b.mode) + " = " +
                        ToHex(*want) + " (nonce from the verifier (--nonce)" + ud_note + ")";
    b.fresh = ok;
    return b;
  }
  if (b.mode == ReportDataMode::kExact && e.claimed_report_data) {
    b.nonce_source = NonceSource::kBundle;
    bool ok = equal(*e.claimed_report_data);
    c.status = ok ? result::Verdict::kPass : result::Verdict::kFail;
    c.detail = ok ? std::string("REPORTDATA equals the bundle's report_data.exact; ") + kFromBundle
                  : "REPORTDATA " + ToHex(quoted) +
                        " differs from the bundle's report_data.exact " +
                        ToHex(*e.claimed_report_data);
    return b;
  }
  if (b.mode != ReportDataMode::kExact && (e.nonce || e.user_data)) {
    b.nonce_source = NonceSource::kBundle;
    if (e.user_data) b.user_data_source = NonceSource::kBundle;
    std::optional<std::array<uint8_t, 64>> want = ExpectedReportDataFor(b.mode, nonce, user_data);
    if (!want) {
      c.detail = "the bundle's nonce does not fit REPORTDATA as report_data \"nonce\" says";
      return b;
    }
    bool ok = *want == quoted;
    c.status = ok ? result::Verdict::kPass : result::Verdict::kFail;
    c.detail =
        ok ? "REPORTDATA = " + Formula(b.mode) + " with nonce " + ToHex(nonce) + "; " + kFromBundle
           : "REPORTDATA " + ToHex(quoted) + " is not " + Formula(b.mode) + " = " + ToHex(*want) +
                 " (nonce from the bundle)";
    return b;
  }
  b.nonce_source = NonceSource::kNone;
  c.missing = "nonce";
  c.detail =
      "no nonce given, so the quote's freshness is not established (pass --nonce, "
      "or set binding.nonce: optional in the policy)";
  return b;
}

result::Check CheckReportData(const std::array<uint8_t, 64>& quoted,
                              const std::optional<std::vector<uint8_t>>& nonce,
                              const std::optional<std::vector<uint8_t>>& user_data,
                              const std::optional<std::vector<uint8_t>>& exact,
                              bool from_verifier) {
  Evidence e;
  e.nonce = nonce;
  e.user_data = user_data;
  e.report_data = exact;
  e.binding_from_verifier = from_verifier;
  return CheckReportDataBinding(quoted, e).check;
}

}  // namespace ccv::bundle
