#include "verifier/bundle/report_data.h"

#include <algorithm>

#include "parsers/core/hex.h"
#include "verifier/crypto/digest.h"

namespace ccv::bundle {

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

result::Check CheckReportData(const std::array<uint8_t, 64>& quoted,
                              const std::optional<std::vector<uint8_t>>& nonce,
                              const std::optional<std::vector<uint8_t>>& user_data,
                              const std::optional<std::vector<uint8_t>>& exact,
                              bool from_verifier) {
  result::Check c;
  c.id = kReportDataCheckId;
  if (exact) {
    bool ok = exact->size() == 64 && std::equal(exact->begin(), exact->end(), quoted.begin());
    c.status = ok ? result::Verdict::kPass : result::Verdict::kFail;
    c.detail = ok ? "REPORTDATA equals the given --report-data"
                  : "REPORTDATA " + ToHex(quoted) + " differs from the given " + ToHex(*exact);
    return c;
  }
  if (!nonce && !user_data) {
    c.status = result::Verdict::kFail;
    c.missing = "nonce";
    c.detail = "no nonce given, so the quote's freshness is not established (pass --nonce, "
               "or set binding.nonce: optional in the policy)";
    return c;
  }
  static const std::vector<uint8_t> kEmpty;
  auto want = ExpectedReportData(nonce ? *nonce : kEmpty, user_data ? *user_data : kEmpty);
  bool ok = want == quoted;
  c.status = ok ? result::Verdict::kPass : result::Verdict::kFail;
  c.detail = ok ? "REPORTDATA = SHA-512(nonce || user_data)"
                : "REPORTDATA " + ToHex(quoted) + " is not SHA-512(nonce || user_data) = " + ToHex(want);
  if (!from_verifier) {
    c.detail += " (nonce " + (nonce ? ToHex(*nonce) : std::string("(none)")) +
                " from the bundle: fresh only if it is the one you issued; pass --nonce to check that)";
  }
  return c;
}

}  // namespace ccv::bundle
