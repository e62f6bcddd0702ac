// Attacks on TPM quote verification (DESIGN §8: a TPM quote is an authentic
// anchor only with a trusted restricted AK, a fresh nonce, and PCR values
// that hash to its digest). Each builds the evidence an attacker could
// produce and asserts the check that stops it.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "parsers/tpm2.h"
#include "tests/testing/corpus.h"
#include "tests/testing/tpm_builder.h"
#include "tests/verifier/tpm/tpm_test_util.h"
#include "verifier/crypto/digest.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::tpm {
namespace {

namespace tb = ccv::testing;

const std::vector<uint8_t> kNonce = {0xde, 0xad, 0xbe, 0xef};

// PCR n = H(n) in sha256, for PCR0..7: what the log replays to.
PcrValues LogPcrs() {
  PcrValues v;
  for (uint8_t i = 0; i < 8; ++i) v.Set(i, crypto::Hash(HashAlg::kSha256, std::vector<uint8_t>{i}));
  return v;
}

std::vector<uint8_t> DigestOf(const PcrValues& v, const std::vector<uint32_t>& pcrs) {
  crypto::Hasher h;
  h.Init(HashAlg::kSha256);
  for (uint32_t i : pcrs) h.Update(v.Get(HashAlg::kSha256, i)->span());
  Digest d = h.Final();
  return {d.span().begin(), d.span().end()};
}

struct Case {
  std::vector<uint8_t> ak, attest, sig;
  std::vector<uint8_t> nonce = kNonce;
  const PcrValues* pcrs = nullptr;
  const PcrValues* log = nullptr;
};

Result<TpmVerification> Verify(const Case& c) {
  auto ak = LoadAk(c.ak);
  if (!ak.ok()) return ak.status();
  QuoteInput q{"attest", c.attest, "sig", c.sig};
  VerifyOptions o;
  o.nonce = c.nonce;
  o.pcrs = c.pcrs;
  o.log_pcrs = c.log;
  return VerifyTpmQuotes(*ak, std::span<const QuoteInput>(&q, 1), o);
}

const Check& Get(const TpmVerification& v, const std::string& id) {
  for (const Check& c : v.checks) {
    if (c.id == id) return c;
  }
  static const Check kAbsent{"absent", CheckStatus::kSkipped, ""};
  return kAbsent;
}

class TpmAttackTest : public ::testing::Test {
 protected:
  // An honest quote of PCR0-7 with nonce kNonce.
  Case Honest(std::vector<uint32_t> select = {0, 1, 2, 3, 4, 5, 6, 7}) {
    Case c;
    c.ak = tb::TpmtPublicOf(key_.get());
    c.attest = tb::QuoteAttest(kNonce, {{HashAlg::kSha256, select}}, DigestOf(log_, select));
    c.sig = tb::SignQuote(key_.get(), tb::tpmf::kAlgEcdsa, HashAlg::kSha256, c.attest);
    c.log = &log_;
    return c;
  }
  tb::TestKey key_ = tb::GenerateEcKey("P-256");
  PcrValues log_ = LogPcrs();
};

TEST_F(TpmAttackTest, HonestQuotePasses) {
  Case c = Honest();
  auto v = Verify(c);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->pass);
}

TEST_F(TpmAttackTest, ReplayedQuoteWithOldNonce) {
  Case c = Honest();
  c.nonce = {0x01, 0x02, 0x03, 0x04};  // the verifier's fresh challenge
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->pass);
  EXPECT_EQ(Get(*v, "quote0.nonce").status, CheckStatus::kFail);
}

TEST_F(TpmAttackTest, UnrestrictedKeySignsAForgedAttestation) {
  // A plain signing key can sign any bytes, e.g. a TPMS_ATTEST claiming the
  // golden PCR digest: the signature verifies, the AK must still fail.
  uint32_t sign_only = tb::kAkAttributes & ~tb::tpmf::kObjRestricted;
  Case c = Honest();
  c.ak = tb::TpmtPublicOf(key_.get(), sign_only);
  c.sig = tb::SignQuote(key_.get(), tb::tpmf::kAlgEcdsa, HashAlg::kSha256, c.attest);
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "quote0.signature").status, CheckStatus::kPass);
  EXPECT_EQ(Get(*v, "ak.attributes").status, CheckStatus::kFail);
  EXPECT_FALSE(v->pass);
  // A decrypt-and-sign key likewise.
  c.ak = tb::TpmtPublicOf(key_.get(), tb::kAkAttributes | tb::tpmf::kObjDecrypt);
  v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "ak.attributes").status, CheckStatus::kFail);
}

TEST_F(TpmAttackTest, QuoteSignedByAnotherKey) {
  Case c = Honest();
  auto attacker = tb::GenerateEcKey("P-256");
  c.sig = tb::SignQuote(attacker.get(), tb::tpmf::kAlgEcdsa, HashAlg::kSha256, c.attest);
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "quote0.signature").status, CheckStatus::kFail);
  EXPECT_TRUE(v->quoted_pcrs.empty());
  EXPECT_FALSE(v->pass);
}

TEST_F(TpmAttackTest, SelectionOmitsAPcrTheLogExtends) {
  // The quote covers PCR0-3 only; the log's PCR4-7 records would be unbound.
  Case c = Honest({0, 1, 2, 3});
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "quote0.signature").status, CheckStatus::kPass);
  EXPECT_EQ(Get(*v, "quote0.pcr_digest").status, CheckStatus::kPass);
  const Check& cov = Get(*v, "log.coverage");
  EXPECT_EQ(cov.status, CheckStatus::kFail);
  EXPECT_NE(cov.detail.find("pcr4 (sha256)"), std::string::npos) << cov.detail;
  EXPECT_FALSE(v->pass);
}

TEST_F(TpmAttackTest, LogDiffersFromTheQuotedValues) {
  // --pcrs holds the honestly quoted values; the log given beside it was
  // altered in PCR5: the check names PCR5.
  Case c = Honest();
  PcrValues altered = log_;
  altered.Set(5, crypto::Hash(HashAlg::kSha256, std::vector<uint8_t>{0x55}));
  c.pcrs = &log_;
  c.log = &altered;
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "quote0.pcr_digest").status, CheckStatus::kPass);
  const Check& lc = Get(*v, "quote0.log");
  EXPECT_EQ(lc.status, CheckStatus::kFail);
  EXPECT_NE(lc.detail.find("pcr5 (sha256)"), std::string::npos) << lc.detail;
  EXPECT_EQ(lc.detail.find("pcr4"), std::string::npos) << lc.detail;
  EXPECT_FALSE(v->pass);
}

TEST_F(TpmAttackTest, ClaimedPcrValuesThatDoNotHashToTheDigest) {
  Case c = Honest();
  PcrValues claimed = log_;
  claimed.Set(7, Digest::Zero(HashAlg::kSha256));
  c.pcrs = &claimed;
  c.log = nullptr;
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "quote0.pcr_digest").status, CheckStatus::kFail);
  EXPECT_TRUE(v->quoted_pcrs.empty());
}

TEST_F(TpmAttackTest, TrailingBytesAfterAttestationOrSignature) {
  Case c = Honest();
  Case a = c;
  a.attest.push_back(0);
  auto v = Verify(a);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(v.status().offset(), std::optional<uint64_t>(c.attest.size()));
  EXPECT_EQ(v.status().file(), "attest");
  Case s = c;
  s.sig.push_back(0);
  v = Verify(s);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadLength);
  EXPECT_EQ(v.status().file(), "sig");
}

TEST_F(TpmAttackTest, AttestationOfAnotherTypeIsNotAQuote) {
  // TPM2_Certify output (TPM_ST_ATTEST_CERTIFY) signed by the AK.
  Case c = Honest();
  c.attest[5] = 0x17;
  c.sig = tb::SignQuote(key_.get(), tb::tpmf::kAlgEcdsa, HashAlg::kSha256, c.attest);
  auto v = Verify(c);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), ErrorCode::kBadValue);
  EXPECT_EQ(v.status().offset(), std::optional<uint64_t>(4));
}

TEST_F(TpmAttackTest, PcrDigestOfTheWrongSize) {
  // A SHA-1 sized pcrDigest under a SHA-256 signature: no truncated compare.
  Case c;
  c.ak = tb::TpmtPublicOf(key_.get());
  std::vector<uint8_t> d = DigestOf(log_, {0, 1});
  d.resize(20);
  c.attest = tb::QuoteAttest(kNonce, {{HashAlg::kSha256, {0, 1}}}, d);
  c.sig = tb::SignQuote(key_.get(), tb::tpmf::kAlgEcdsa, HashAlg::kSha256, c.attest);
  c.pcrs = &log_;
  auto v = Verify(c);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(Get(*v, "quote0.pcr_digest").status, CheckStatus::kFail);
}

TEST_F(TpmAttackTest, AkCertificateUnderAnotherRoot) {
  CCV_REQUIRE_CORPUS(corpus);
  // The GCE AK certificate against Google's other (EK/AK v3) root: no path.
  auto ak = LoadAk(ccv::testing::ReadAll(corpus / "tpm/gce-cos-85/ak_cert.der"));
  ASSERT_TRUE(ak.ok());
  auto roots = LoadCertificates(ccv::testing::ReadAll(corpus / "tpm/ca/gcp_ek_ak_ca_root.crt"));
  ASSERT_TRUE(roots.ok());
  AkTrust t = CheckAkTrust(*ak, *roots, Time(1735689600));
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(t.mode, "chain");
  // A pinned TPMT_PUBLIC cannot be chained at all.
  auto pub = LoadAk(ccv::testing::ReadAll(corpus / "tpm/gce-cos-85/ak_pub.tpmt_public.bin"));
  ASSERT_TRUE(pub.ok());
  EXPECT_FALSE(CheckAkTrust(*pub, *roots, Time(1735689600)).ok);
}

}  // namespace
}  // namespace ccv::tpm
