// VerifyTpmQuotes on synthetic quotes: every signature scheme and hash the
// verifier supports (RSASSA and RSAPSS with SHA-1/256/384, ECDSA P-256 and
// P-384), several banks in one quote, and the checks each part of the
// evidence feeds.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/tpm_builder.h"
#include "verifier/crypto/digest.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::tpm {
namespace {

namespace tb = ccv::testing;

struct Synthetic {
  tb::TestKey key;
  std::vector<uint8_t> ak, attest, sig;
  PcrValues pcrs;
};

// A quote over PCR0-7 of `banks`, PCR n holding H(n) in each bank.
Synthetic Build(tb::TestKey key, uint16_t scheme, HashAlg hash, const std::vector<HashAlg>& banks,
                const std::vector<uint8_t>& nonce = {1, 2, 3, 4}) {
  Synthetic s;
  s.key = std::move(key);
  s.ak = tb::TpmtPublicOf(s.key.get());
  crypto::Hasher h;
  h.Init(hash);
  std::vector<tb::TestSelection> sel;
  for (HashAlg bank : banks) {
    sel.push_back({bank, {0, 1, 2, 3, 4, 5, 6, 7}});
    for (uint8_t i = 0; i < 8; ++i) {
      Digest d = crypto::Hash(bank, std::vector<uint8_t>{i});
      s.pcrs.Set(i, d);
      h.Update(d.span());
    }
  }
  Digest digest = h.Final();
  s.attest = tb::QuoteAttest(nonce, sel, {digest.span().begin(), digest.span().end()});
  s.sig = tb::SignQuote(s.key.get(), scheme, hash, s.attest);
  return s;
}

Result<TpmVerification> VerifySynthetic(const Synthetic& s,
                                        const std::vector<uint8_t>& nonce = {1, 2, 3, 4}) {
  auto ak = LoadAk(s.ak);
  if (!ak.ok()) return ak.status();
  QuoteInput q{"a", s.attest, "s", s.sig};
  VerifyOptions o;
  o.nonce = nonce;
  o.pcrs = &s.pcrs;
  return VerifyTpmQuotes(*ak, std::span<const QuoteInput>(&q, 1), o);
}

std::string StatusOf(const TpmVerification& v, const std::string& id) {
  for (const Check& c : v.checks) {
    if (c.id == id) return std::string(result::ShortVerdictName(c.status));
  }
  return "absent";
}

struct SchemeCase {
  const char* name;
  bool rsa;
  const char* curve;
  uint16_t scheme;
  HashAlg hash;
};

class TpmSchemeTest : public ::testing::TestWithParam<SchemeCase> {};

TEST_P(TpmSchemeTest, VerifiesAndRejectsAnotherKey) {
  const SchemeCase& c = GetParam();
  auto gen = [&] { return c.rsa ? tb::GenerateRsaKey() : tb::GenerateEcKey(c.curve); };
  Synthetic s = Build(gen(), c.scheme, c.hash, {HashAlg::kSha1, HashAlg::kSha256});
  auto v = VerifySynthetic(s);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->pass);
  EXPECT_EQ(StatusOf(*v, "quote0.signature"), "pass");
  EXPECT_EQ(StatusOf(*v, "quote0.pcr_digest"), "pass");
  EXPECT_EQ(StatusOf(*v, "ak.attributes"), "pass");
  EXPECT_EQ(v->quoted_pcrs.banks().size(), 2u);

  // The same quote under another key of the same kind.
  Synthetic other = Build(gen(), c.scheme, c.hash, {HashAlg::kSha1, HashAlg::kSha256});
  s.ak = other.ak;
  v = VerifySynthetic(s);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->pass);
  EXPECT_EQ(StatusOf(*v, "quote0.signature"), "fail");
  EXPECT_TRUE(v->quoted_pcrs.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Schemes, TpmSchemeTest,
    ::testing::Values(
        SchemeCase{"rsassa_sha1", true, "", tb::tpmf::kAlgRsaSsa, HashAlg::kSha1},
        SchemeCase{"rsassa_sha256", true, "", tb::tpmf::kAlgRsaSsa, HashAlg::kSha256},
        SchemeCase{"rsassa_sha384", true, "", tb::tpmf::kAlgRsaSsa, HashAlg::kSha384},
        SchemeCase{"rsapss_sha1", true, "", tb::tpmf::kAlgRsaPss, HashAlg::kSha1},
        SchemeCase{"rsapss_sha256", true, "", tb::tpmf::kAlgRsaPss, HashAlg::kSha256},
        SchemeCase{"rsapss_sha384", true, "", tb::tpmf::kAlgRsaPss, HashAlg::kSha384},
        SchemeCase{"ecdsa_p256_sha256", false, "P-256", tb::tpmf::kAlgEcdsa, HashAlg::kSha256},
        SchemeCase{"ecdsa_p384_sha384", false, "P-384", tb::tpmf::kAlgEcdsa, HashAlg::kSha384}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(TpmVerifyTest, SchemeMustFitKey) {
  // An RSASSA signature made by an RSA key, checked against an ECC AK.
  Synthetic s =
      Build(tb::GenerateRsaKey(), tb::tpmf::kAlgRsaSsa, HashAlg::kSha256, {HashAlg::kSha256});
  s.ak = tb::TpmtPublicOf(tb::GenerateEcKey("P-256").get());
  auto v = VerifySynthetic(s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(*v, "quote0.signature"), "fail");
}

TEST(TpmVerifyTest, PcrValuesMissingFromPcrsNameThePcr) {
  Synthetic s =
      Build(tb::GenerateRsaKey(), tb::tpmf::kAlgRsaSsa, HashAlg::kSha256, {HashAlg::kSha256});
  PcrValues fewer;
  for (uint32_t i = 0; i < 7; ++i) fewer.Set(i, *s.pcrs.Get(HashAlg::kSha256, i));
  s.pcrs = fewer;
  auto v = VerifySynthetic(s);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(*v, "quote0.pcr_digest"), "fail");
  for (const Check& c : v->checks) {
    if (c.id == "quote0.pcr_digest") {
      EXPECT_NE(c.detail.find("pcr7 (sha256)"), std::string::npos);
    }
  }
}

TEST(TpmVerifyTest, NoNonceIsSkippedNotPassed) {
  Synthetic s =
      Build(tb::GenerateRsaKey(), tb::tpmf::kAlgRsaSsa, HashAlg::kSha256, {HashAlg::kSha256});
  auto ak = LoadAk(s.ak);
  ASSERT_TRUE(ak.ok());
  QuoteInput q{"a", s.attest, "s", s.sig};
  VerifyOptions o;
  auto v = VerifyTpmQuotes(*ak, std::span<const QuoteInput>(&q, 1), o);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(*v, "quote0.nonce"), "skip");
  EXPECT_EQ(StatusOf(*v, "quote0.pcr_digest"), "skip");
}

TEST(TpmVerifyTest, PcrsJson) {
  auto ok =
      ParsePcrValuesJson(R"({"sha1": {"0": "0000000000000000000000000000000000000000", "pcr23": )"
                         R"("ffffffffffffffffffffffffffffffffffffffff"}})");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_TRUE(ok->Get(HashAlg::kSha1, 23).has_value());
  auto bad_len = ParsePcrValuesJson(R"({"sha256": {"0": "00"}})");
  ASSERT_FALSE(bad_len.ok());
  EXPECT_EQ(bad_len.status().field(), "sha256.0");
  EXPECT_FALSE(ParsePcrValuesJson(R"({"md5": {}})").ok());
  EXPECT_FALSE(ParsePcrValuesJson(R"({"sha1": {"24": "00"}})").ok());
  auto twice =
      ParsePcrValuesJson(R"({"sha1": {"0": "0000000000000000000000000000000000000000", "pcr0": )"
                         R"("ffffffffffffffffffffffffffffffffffffffff"}})");
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().field(), "sha1.pcr0");
  auto malformed = ParsePcrValuesJson("{\"sha1\": ");
  ASSERT_FALSE(malformed.ok());
  EXPECT_TRUE(malformed.status().offset().has_value());
}

}  // namespace
}  // namespace ccv::tpm
