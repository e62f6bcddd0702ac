// PCS / PCCS response bodies: the exact signed bytes of TCB info and QE
// identity, CRLs in every encoding the services use, issuer-chain headers.
#include "verifier/collateral/pcs_response.h"

#include <gtest/gtest.h>

#include "parsers/core/hex.h"
#include "tests/testing/quote_pki.h"
#include "tests/verifier/collateral/fake_pcs.h"
#include "verifier/crypto/x509.h"

namespace ccv::collateral {
namespace {

TEST(SignedDocumentTest, KeepsTheMemberByteForByte) {
  const std::string inner = "{ \"a\" : [1, {\"b\":\"}]\\\"{\"}],\n \"c\":null }";
  auto d = ParseSignedDocument("{ \"tcbInfo\" :" + inner + " ,\"signature\":\"00Ff\"}", "tcbInfo");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->body, inner);
  EXPECT_EQ(d->signature, (std::vector<uint8_t>{0x00, 0xff}));
}

TEST(SignedDocumentTest, SignatureMayComeFirst) {
  auto d = ParseSignedDocument("{\"signature\":\"01\",\"enclaveIdentity\":{\"id\":\"TD_QE\"}}",
                               "enclaveIdentity");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->body, "{\"id\":\"TD_QE\"}");
}

TEST(SignedDocumentTest, OtherTopLevelMembersAreSkipped) {
  auto d = ParseSignedDocument(
      "{\"x\":[{\"tcbInfo\":{}}],\"y\":\"tcbInfo\",\"tcbInfo\":{\"v\":3},\"signature\":\"\"}",
      "tcbInfo");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->body, "{\"v\":3}");
  EXPECT_TRUE(d->signature.empty());
}

TEST(SignedDocumentTest, RejectsBadResponses) {
  struct Case {
    const char* name;
    const char* body;
  };
  for (const Case& c : {
           Case{"not json", "tcbInfo"},
           Case{"truncated", "{\"tcbInfo\":{\"a\":1},\"signature\":\"00\""},
           Case{"array", "[{\"tcbInfo\":{}}]"},
           Case{"no member", "{\"signature\":\"00\"}"},
           Case{"member only nested", "{\"x\":{\"tcbInfo\":{}},\"signature\":\"00\"}"},
           Case{"no signature", "{\"tcbInfo\":{}}"},
           Case{"signature not a string", "{\"tcbInfo\":{},\"signature\":12}"},
           Case{"signature not hex", "{\"tcbInfo\":{},\"signature\":\"zz\"}"},
           Case{"odd hex", "{\"tcbInfo\":{},\"signature\":\"abc\"}"},
           Case{"member twice", "{\"tcbInfo\":{},\"tcbInfo\":{},\"signature\":\"00\"}"},
           Case{"member a string", "{\"tcbInfo\":\"{}\",\"signature\":\"00\"}"},
           Case{"member an array", "{\"tcbInfo\":[],\"signature\":\"00\"}"},
       }) {
    SCOPED_TRACE(c.name);
    auto d = ParseSignedDocument(c.body, "tcbInfo");
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), ErrorCode::kBadValue);
  }
}

TEST(SignedDocumentTest, SyntaxErrorNamesItsOffset) {
  auto d = ParseSignedDocument("{\"tcbInfo\":{,}", "tcbInfo");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().offset(), 12u);
}

class CrlBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pki = testing::TestPki::Create();
    ASSERT_TRUE(pki.ok());
    der_ = pki->pck_crl();
  }
  std::vector<uint8_t> der_;
};

TEST_F(CrlBodyTest, DerIsTakenAsIs) {
  auto d = DecodeCrlBody(std::string(der_.begin(), der_.end()));
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, der_);
}

TEST_F(CrlBodyTest, HexTextOfEitherCaseIsDecoded) {
  std::string hex = ToHex(der_);
  auto lower = DecodeCrlBody(hex + "\n");
  ASSERT_TRUE(lower.ok()) << lower.status().ToString();
  EXPECT_EQ(*lower, der_);
  for (char& c : hex) c = char(std::toupper(static_cast<unsigned char>(c)));
  auto upper = DecodeCrlBody(" " + hex);
  ASSERT_TRUE(upper.ok());
  EXPECT_EQ(*upper, der_);
}

TEST_F(CrlBodyTest, PemIsDecoded) {
  // PEM the way Intel PCS writes it without `encoding`.
  testing::FakePcsOptions o;
  o.crl_style = testing::CrlStyle::kPem;
  testing::FakePcs pcs(o);
  auto pki = testing::TestPki::Create();
  ASSERT_TRUE(pki.ok());
  pcs.Serve(
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity()));
  testing::CannedResponse r = pcs.Handle("/sgx/certification/v4/pckcrl?ca=platform");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.rfind("-----BEGIN X509 CRL-----", 0), 0u);
  auto d = DecodeCrlBody(r.body);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(*d, pki->pck_crl());
}

TEST_F(CrlBodyTest, RejectsWhatIsNoCrl) {
  std::string hex = ToHex(der_);
  for (const std::string& body :
       {std::string(), std::string("\n"), std::string("not a crl"), hex.substr(0, hex.size() - 1),
        hex.substr(0, 40), std::string("3082"), std::string("-----BEGIN X509 CRL-----\nxx\n"),
        std::string(der_.begin(), der_.begin() + 20)}) {
    SCOPED_TRACE(body.substr(0, 30));
    auto d = DecodeCrlBody(body);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), ErrorCode::kBadValue);
  }
}

TEST(IssuerChainTest, DecodesTheFirstHeaderPresentWhateverItsCase) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB+/=\n-----END CERTIFICATE-----\n";
  HttpHeaders h;
  h.Add("sgx-tcb-info-issuer-chain", "other");
  h.Add("TCB-INFO-ISSUER-CHAIN", testing::UrlEncode(pem));
  auto c = IssuerChainFromHeaders(h, {kTcbInfoChainHeader, kSgxTcbInfoChainHeader});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c, pem);
}

TEST(IssuerChainTest, FallsBackToTheV3Name) {
  const std::string pem = "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----\n";
  HttpHeaders h;
  h.Add("SGX-TCB-Info-Issuer-Chain", testing::UrlEncode(pem));
  auto c = IssuerChainFromHeaders(h, {kTcbInfoChainHeader, kSgxTcbInfoChainHeader});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, pem);
}

TEST(IssuerChainTest, MissingHeaderIsNotFound) {
  HttpHeaders h;
  h.Add("Content-Type", "application/json");
  auto c = IssuerChainFromHeaders(h, {kPckCrlChainHeader});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), ErrorCode::kNotFound);
}

TEST(IssuerChainTest, ValueWithoutPemOrWithABadEscapeIsRejected) {
  for (const char* value : {"", "abc", "-----BEGIN%20CERTIFICATE-----%"}) {
    SCOPED_TRACE(value);
    HttpHeaders h;
    h.Add(std::string(kEnclaveIdentityChainHeader), value);
    auto c = IssuerChainFromHeaders(h, {kEnclaveIdentityChainHeader});
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), ErrorCode::kBadValue);
  }
}

}  // namespace
}  // namespace ccv::collateral
