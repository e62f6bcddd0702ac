// TPM quotes in `verify`, attacked: a TPM log (and an IMA list on PCR10) must
// never become bound by a quote that does not verify. Each attack is rejected
// by the check it concerns, and the TPM log stays unbound: a quote signed by
// another AK, a stale nonce, a quote that leaves a log PCR out, a mutated PCR
// value in the listing or in the log, the AK's own certificate root supplied
// by the bundle, every single-byte change of quote and signature.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/verifier/tpm/tpm_bind_fixture.h"

namespace ccv::pipeline {
namespace {

using namespace tpm_bind;  // NOLINT: the fixture's helpers

struct Attack {
  Bundle b;
  tpm::PcrValues pcrs = ReplayPcrs(kLog);
  policy::Policy pol;
  Attack() {
    b.ak = tb::TpmtPublicOf(b.key.get());
    pol = PolicyPinning(Fingerprint(b.ak));
  }
};

// The TPM log is not bound and the outcome is untrusted; `check` failed.
void ExpectRejected(const Result<Verification>& v, const std::string& check) {
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(v->facts, check), "fail") << check;
  EXPECT_EQ(StatusOf(v->facts, "tpm.bound"), "fail");
  EXPECT_EQ(BoundEvents(v->facts, "tpm"), 0u);
  EXPECT_EQ(v->outcome, result::Outcome::kUntrusted);
}

// The quotes verify, yet the log's records on `reg` are not bound: tpm.bound
// fails saying `why` and the outcome is untrusted.
void ExpectRegisterUnbound(const Verification& v, const std::string& reg, const std::string& why) {
  const result::Check* c = FindCheck(v.facts, "tpm.bound");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->status, Verdict::kFail);
  EXPECT_NE(c->detail.find(why), std::string::npos) << c->detail;
  EXPECT_EQ(v.outcome, result::Outcome::kUntrusted);
  for (const result::EventFact& e : v.facts.events) {
    if (e.log == "tpm" && e.reg == reg) {
      EXPECT_FALSE(e.bound) << e.Pointer();
    }
  }
}

TEST(TpmBindAttackTest, BaselineVerifies) {
  Attack a;
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce), false);
  auto v = VerifyBundle(a.b, &a.pol);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(v->facts, "tpm.bound"), "pass");
  EXPECT_EQ(v->outcome, result::Outcome::kTrusted);
}

TEST(TpmBindAttackTest, QuoteFromAnotherAk) {
  Attack a;
  tb::TestKey other = tb::GenerateRsaKey();
  a.b.Write(MakeQuotes(other.get(), a.pcrs, Extended(a.pcrs), kNonce), false);
  ExpectRejected(VerifyBundle(a.b, &a.pol), "tpm.quote0_signature");
}

TEST(TpmBindAttackTest, AnotherAkInTheBundleIsNotThePinnedOne) {
  // The attacker signs with its own key and ships that key as the AK.
  Attack a;
  tb::TestKey other = tb::GenerateRsaKey();
  a.b.ak = tb::TpmtPublicOf(other.get());
  a.b.Write(MakeQuotes(other.get(), a.pcrs, Extended(a.pcrs), kNonce), false);
  ExpectRejected(VerifyBundle(a.b, &a.pol), "tpm.ak_trust");
}

TEST(TpmBindAttackTest, StaleNonce) {
  Attack a;
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), {0x01, 0x02}), false);
  ExpectRejected(VerifyBundle(a.b, &a.pol), "tpm.quote0_nonce");
  // Even when the bundle claims the stale nonce as its own.
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), {0x01, 0x02}), false,
            ",\"nonce\":\"0102\"");
  ExpectRejected(VerifyBundle(a.b, &a.pol), "tpm.quote0_nonce");
}

TEST(TpmBindAttackTest, QuoteNotCoveringALogPcr) {
  Attack a;
  std::vector<uint32_t> sel = Extended(a.pcrs);
  const uint32_t left_out = sel.back();
  sel.pop_back();
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, sel, kNonce), false);
  auto v = VerifyBundle(a.b, &a.pol);
  ASSERT_TRUE(v.ok());
  // The quotes themselves verify; the log's records on the PCR left out
  // are not bound, and tpm.bound names it.
  EXPECT_EQ(StatusOf(v->facts, "tpm.quote0_pcr_digest"), "pass");
  const std::string reg = "pcr" + std::to_string(left_out);
  ExpectRegisterUnbound(*v, reg, reg + ": no verified TPM quote");
}

TEST(TpmBindAttackTest, QuoteOfOneBankLeavesTheOthersUnbound) {
  Attack a;
  QuoteSet q = MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce);
  q.attest.resize(1);
  q.sig.resize(1);
  a.b.Write(q, false);
  auto v = VerifyBundle(a.b, &a.pol);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(v->facts, "tpm.bound"), "fail");
  EXPECT_EQ(BoundEvents(v->facts, "tpm"), 0u);
}

TEST(TpmBindAttackTest, MutatedPcrValueInTheListing) {
  Attack a;
  tpm::PcrValues listed = a.pcrs;
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce), false, "", &listed);
  ASSERT_EQ(StatusOf(VerifyBundle(a.b, &a.pol)->facts, "tpm.bound"), "pass");
  Digest d = *listed.Get(HashAlg::kSha256, 0);
  d.bytes[0] ^= 1;
  listed.Set(0, d);
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce), false, "", &listed);
  ExpectRejected(VerifyBundle(a.b, &a.pol), "tpm.quote1_pcr_digest");
}

TEST(TpmBindAttackTest, QuoteOfOtherPcrValuesThanTheLog) {
  // The quote is genuine, but over PCR values the log does not replay to
  // (the log was swapped for another boot's).
  Attack a;
  tpm::PcrValues quoted = a.pcrs;
  Digest d = *quoted.Get(HashAlg::kSha384, 4);
  d.bytes[5] ^= 0x80;
  quoted.Set(4, d);
  a.b.Write(MakeQuotes(a.b.key.get(), quoted, Extended(a.pcrs), kNonce), false, "", &quoted);
  auto v = VerifyBundle(a.b, &a.pol);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(v->facts, "tpm.quote2_pcr_digest"), "pass");
  ExpectRegisterUnbound(*v, "pcr4", "pcr4 (sha384) replays to");
}

TEST(TpmBindAttackTest, EveryByteOfQuoteAndSignature) {
  Attack a;
  QuoteSet good = MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce);
  // Quote 1 (sha256): every byte of the attestation and the signature.
  for (int part = 0; part < 2; ++part) {
    const std::vector<uint8_t>& bytes = part == 0 ? good.attest[1] : good.sig[1];
    for (size_t i = 0; i < bytes.size(); i += (part == 0 ? 1 : 7)) {
      QuoteSet q = good;
      (part == 0 ? q.attest[1] : q.sig[1])[i] ^= 0x01;
      a.b.Write(q, false);
      auto v = VerifyBundle(a.b, &a.pol);
      if (!v.ok()) continue;  // a structure that no longer parses: exit 3
      EXPECT_EQ(StatusOf(v->facts, "tpm.bound"), "fail")
          << (part == 0 ? "attest" : "signature") << " byte " << i;
      EXPECT_EQ(BoundEvents(v->facts, "tpm"), 0u);
      EXPECT_FALSE(v->facts.tpm.verified);
    }
  }
}

TEST(TpmBindAttackTest, BundleCannotAnchorItsOwnAk) {
  // An AK certificate is needed for a chain; the TPMT_PUBLIC AK with no pin
  // and a root supplied only by the bundle is never trusted.
  Attack a;
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce), false);
  ExpectRejected(VerifyBundle(a.b, nullptr), "tpm.ak_trust");
}

TEST(TpmBindAttackTest, UnrestrictedAkIsRefused) {
  Attack a;
  a.b.ak = tb::TpmtPublicOf(a.b.key.get(), 0x00040072);  // restricted clear: signs anything
  a.pol = PolicyPinning(Fingerprint(a.b.ak));
  a.b.Write(MakeQuotes(a.b.key.get(), a.pcrs, Extended(a.pcrs), kNonce), false);
  ExpectRejected(VerifyBundle(a.b, &a.pol), "tpm.ak_attributes");
}

TEST(TpmBindAttackTest, WaiversCannotCoverTpmChecks) {
  auto p = policy::ParsePolicy(
      "apiVersion: ccverify/v1\nwaivers:\n  - {rule: tpm.ak_trust, until: 2099-01-01, reason: "
      "x}\n");
  EXPECT_FALSE(p.ok());
  p = policy::ParsePolicy(
      "apiVersion: ccverify/v1\nwaivers:\n  - {rule: tpm.*, until: 2099-01-01, reason: x}\n");
  EXPECT_FALSE(p.ok());
}

}  // namespace
}  // namespace ccv::pipeline
