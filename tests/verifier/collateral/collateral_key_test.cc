// The TEE, FMSPC and PCK CA read from a quote: synthetic quotes of the test
// PKI and every real quote of the corpus.
#include "verifier/collateral/collateral_key.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"

namespace ccv::collateral {
namespace {

std::vector<uint8_t> SignedQuote(const testing::TestPki& pki, bool sgx) {
  testing::QuoteBuilder b = sgx ? testing::DefaultSgxQuote(pki) : testing::DefaultTdxQuote(pki);
  EXPECT_TRUE(testing::SignQuote(pki, testing::TestAttestationKey(), &b).ok());
  return b.Build();
}

TEST(CollateralKeyFromQuoteTest, TdxQuoteOfAPlatformCa) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  auto key = CollateralKeyFromQuote(SignedQuote(*pki, false));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->tee, Tee::kTdx);
  EXPECT_EQ(key->ca, PckCa::kPlatform);
  EXPECT_EQ(key->fmspc, testing::PkiOptions::DefaultPckExtensions().fmspc);
}

TEST(CollateralKeyFromQuoteTest, SgxQuoteOfAProcessorCa) {
  testing::PkiOptions o;
  o.processor_ca = true;
  o.pck_ext.fmspc = {1, 2, 3, 4, 5, 6};
  auto pki = testing::TestPki::Create(o);
  ASSERT_TRUE(pki.ok());
  auto key = CollateralKeyFromQuote(SignedQuote(*pki, true));
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->tee, Tee::kSgx);
  EXPECT_EQ(key->ca, PckCa::kProcessor);
  EXPECT_EQ(FmspcHex(key->fmspc), "010203040506");
}

TEST(CollateralKeyFromQuoteTest, TruncatedQuoteIsTheParsersError) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  std::vector<uint8_t> q = SignedQuote(*pki, false);
  q.resize(100);
  auto key = CollateralKeyFromQuote(q);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kTruncated);
}

TEST(CollateralKeyFromQuoteTest, PckIdentifierQuoteNeedsASuppliedChain) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  b.cert_type = 3;  // encrypted PPID, CPUSVN, PCE SVN, PCEID: no certificates
  b.pck_chain_pem = std::string(384 + 20, '\x01');
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  std::vector<uint8_t> quote = b.Build();
  auto key = CollateralKeyFromQuote(quote);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(key.status().message().find("certification data type 3"), std::string::npos)
      << key.status().message();
  EXPECT_NE(key.status().message().find("--pck-chain"), std::string::npos);
  // With the platform's chain beside it, the key is the chain's leaf's.
  auto chain = quote::ParseSuppliedPckChain(pki->pck_leaf().Pem() + pki->pck_ca().Pem(), "p.pem");
  ASSERT_TRUE(chain.ok());
  auto with = CollateralKeyFromQuote(quote, &*chain);
  ASSERT_TRUE(with.ok()) << with.status().ToString();
  EXPECT_EQ(with->tee, Tee::kTdx);
  EXPECT_EQ(with->ca, PckCa::kPlatform);
  EXPECT_EQ(with->fmspc, testing::PkiOptions::DefaultPckExtensions().fmspc);
}

TEST(CollateralKeyFromQuoteTest, ChainThatDoesNotParseIsRejected) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  b.pck_chain_pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  auto key = CollateralKeyFromQuote(b.Build());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kBadValue);
}

TEST(CollateralKeyFromQuoteTest, LeafWithoutSgxExtensionIsNotFound) {
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  b.pck_chain_pem = pki->pck_ca().Pem() + pki->root().Pem();  // the CA as "leaf"
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  auto key = CollateralKeyFromQuote(b.Build());
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), ErrorCode::kNotFound);
}

TEST(CollateralKeyFromQuoteTest, EveryCorpusQuoteGivesItsFmspcAndCa) {
  CCV_REQUIRE_CORPUS(corpus);
  auto text = ReadFileText((corpus / "quotes/cases.json").string());
  ASSERT_TRUE(text.ok());
  rapidjson::Document cases;
  cases.Parse(text->c_str());
  ASSERT_TRUE(cases.IsArray());
  for (const auto& c : cases.GetArray()) {
    SCOPED_TRACE(c["name"].GetString());
    auto bytes = ReadFileBytes((corpus / c["quote"].GetString()).string());
    ASSERT_TRUE(bytes.ok());
    auto key = CollateralKeyFromQuote(*bytes);
    ASSERT_TRUE(key.ok()) << key.status().ToString();
    EXPECT_EQ(FmspcHex(key->fmspc), c["fmspc"].GetString());
    std::string ca = c["pck_ca"].GetString();
    EXPECT_EQ(key->ca,
              ca.find("Processor") != std::string::npos ? PckCa::kProcessor : PckCa::kPlatform);
    EXPECT_EQ(key->tee, c["tee_tcb_svn"].IsNull() ? Tee::kSgx : Tee::kTdx);
  }
}

}  // namespace
}  // namespace ccv::collateral
