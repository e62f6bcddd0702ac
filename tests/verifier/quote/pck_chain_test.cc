// Quotes whose certification data holds no PCK chain (types 1-3: a PCK
// identifier; type 4: the leaf alone), verified with a chain supplied beside
// them, and type 5 quotes with a supplied chain: every combination passes
// only when the supplied chain is this platform's and agrees with what the
// quote carries. The attacks on it are in tests/adversarial/pck_chain_test.cc.
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/testing/quote_pki.h"
#include "verifier/quote/pck_chain_source.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {
namespace {

// Types 1-3 payload: PPID (16 clear, 256/384 encrypted), CPUSVN, PCE SVN,
// PCEID (Intel SGX ECDSA Quote Library API, sgx_ql_ppid_*_cert_info_t).
std::string PckIdentifier(uint16_t type) {
  size_t ppid = type == 1 ? 16 : type == 2 ? 256 : 384;
  return std::string(ppid, '\x5a') + std::string(16, '\x02') + std::string("\x0d\x00\x00\x00", 4);
}

std::string Describe(const QuoteVerification& v) {
  std::string s;
  for (const Check& c : v.checks) {
    s += c.id + "=" + std::string(result::ShortVerdictName(c.status)) + " (" + c.detail + ")\n";
  }
  return s;
}

SuppliedPckChain Supplied(const std::string& pem) {
  auto c = ParseSuppliedPckChain(pem, "pck.pem");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(*c);
}

Result<QuoteVerification> VerifyWith(const testing::TestPki& pki, uint16_t cert_type,
                                     std::string payload, const std::optional<std::string>& pem,
                                     bool sgx = false) {
  testing::QuoteBuilder b = sgx ? testing::DefaultSgxQuote(pki) : testing::DefaultTdxQuote(pki);
  b.cert_type = cert_type;
  b.pck_chain_pem = std::move(payload);
  EXPECT_TRUE(testing::SignQuote(pki, testing::TestAttestationKey(), &b).ok());
  QuoteCollateral c = testing::MakeCollateral(
      pki, sgx ? testing::DefaultSgxTcbInfo() : testing::DefaultTdxTcbInfo(),
      testing::DefaultQeIdentity(!sgx));
  auto prepared = PrepareCollateral(c, pki.root().Clone(), testing::kPkiNow);
  EXPECT_TRUE(prepared.ok());
  VerifyOptions o;
  if (pem) o.pck_chain = Supplied(*pem);
  std::vector<uint8_t> raw = b.Build();
  return VerifyQuote(raw, *prepared, o);
}

TEST(PckChainSourceTest, PckIdentifierQuotesPassWithThePlatformsChain) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  const std::string leaf_ca = pki->pck_leaf().Pem() + pki->pck_ca().Pem();
  for (uint16_t type : std::initializer_list<uint16_t>{1, 2, 3}) {
    for (const std::string& pem : {leaf_ca, pki->PckChainPem()}) {
      for (bool sgx : {false, true}) {
        SCOPED_TRACE("type " + std::to_string(type) + (sgx ? " sgx v3" : " tdx v4") +
                     (pem == leaf_ca ? " leaf+CA" : " leaf+CA+root"));
        auto v = VerifyWith(*pki, type, PckIdentifier(type), pem, sgx);
        ASSERT_TRUE(v.ok()) << v.status().ToString();
        EXPECT_TRUE(v->pass) << Describe(*v);
        ASSERT_TRUE(v->pck.has_value());
        EXPECT_TRUE(v->pck->chain_supplied);
        EXPECT_NE(v->pck->chain_origin.find("pck.pem"), std::string::npos);
        EXPECT_EQ(v->pck->chain_subjects.size(), 3u);  // the anchor stands in for a missing root
        EXPECT_NE(v->FindCheck("pck_chain")->detail.find("from pck.pem"), std::string::npos);
      }
    }
  }
}

TEST(PckChainSourceTest, WithoutASuppliedChainTypesOneToFourFailNamingTheType) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  for (uint16_t type : std::initializer_list<uint16_t>{1, 2, 3, 4}) {
    SCOPED_TRACE(type);
    std::string payload = type == 4 ? pki->pck_leaf().Pem() : PckIdentifier(type);
    auto v = VerifyWith(*pki, type, payload, std::nullopt);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_FALSE(v->pass);
    EXPECT_FALSE(v->authentic);
    for (const char* id : {"qe_report_signature", "pck_chain"}) {
      const Check* c = v->FindCheck(id);
      ASSERT_NE(c, nullptr);
      EXPECT_EQ(c->status, CheckStatus::kFail);
      EXPECT_NE(c->detail.find("certification data type " + std::to_string(type)),
                std::string::npos)
          << c->detail;
      EXPECT_NE(c->detail.find("--pck-chain"), std::string::npos) << c->detail;
    }
    EXPECT_FALSE(v->tcb_status.has_value());
  }
}

TEST(PckChainSourceTest, LeafOnlyQuotesTakeTheCaFromTheSuppliedChain) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  const std::string leaf = pki->pck_leaf().Pem();
  const std::string der = pki->pck_leaf().Der();
  struct Case {
    const char* name;
    std::string payload, pem;
  };
  for (const Case& c : {Case{"CA only", leaf, pki->pck_ca().Pem()},
                        Case{"CA and root", leaf, pki->PckCrlChainPem()},
                        Case{"the same leaf and CA", leaf, leaf + pki->pck_ca().Pem()},
                        Case{"whole chain", leaf, pki->PckChainPem()},
                        Case{"DER leaf in the quote", der, pki->pck_ca().Pem()}}) {
    SCOPED_TRACE(c.name);
    auto v = VerifyWith(*pki, 4, c.payload, c.pem);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(v->pass) << Describe(*v);
    EXPECT_NE(v->pck->chain_origin.find("PCK leaf"), std::string::npos) << v->pck->chain_origin;
  }
}

TEST(PckChainSourceTest, ChainQuotesAcceptAnEqualSuppliedChain) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  for (const std::string& pem : {pki->PckChainPem(), pki->pck_leaf().Pem() + pki->pck_ca().Pem()}) {
    auto v = VerifyWith(*pki, 5, pki->PckChainPem(), pem);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    EXPECT_TRUE(v->pass) << Describe(*v);
    EXPECT_FALSE(v->pck->chain_supplied);
  }
}

TEST(PckChainSourceTest, VerificationWithoutCollateralUsesTheSuppliedChain) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  b.cert_type = 2;
  b.pck_chain_pem = PckIdentifier(2);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  std::vector<uint8_t> raw = b.Build();
  auto v = VerifyQuoteWithoutCollateral(raw, pki->root(), testing::kPkiNow,
                                        Supplied(pki->pck_leaf().Pem() + pki->pck_ca().Pem()));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->FindCheck("qe_report_signature")->status, CheckStatus::kPass) << Describe(*v);
  EXPECT_EQ(v->FindCheck("pck_chain")->status, CheckStatus::kPass) << Describe(*v);
}

TEST(PckChainSourceTest, SuppliedPemIsReadStrictly) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  auto none = ParseSuppliedPckChain("no certificate here", "x.pem");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("x.pem"), std::string::npos) << none.status().ToString();
  auto four = ParseSuppliedPckChain(pki->PckChainPem() + pki->root().Pem(), "four.pem");
  ASSERT_FALSE(four.ok());
  EXPECT_EQ(four.status().code(), ErrorCode::kLimitExceeded);
  std::string bad = pki->pck_leaf().Pem();
  bad[bad.size() / 2] = '*';
  EXPECT_FALSE(ParseSuppliedPckChain(bad, "bad.pem").ok());
}

}  // namespace
}  // namespace ccv::quote
