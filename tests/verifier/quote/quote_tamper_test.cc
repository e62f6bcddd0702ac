// Tampering with real quotes: every flipped byte of the header and body
// breaks the attestation-key signature, every flipped byte of the QE report
// breaks the QE report signature, another attestation key breaks the quote
// signature and the QE report data, and a cut certificate chain fails the
// chain check. Collateral and time as in quotes/cases.json.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"
#include "verifier/crypto/ecdsa.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {
namespace {

namespace fs = std::filesystem;

struct Case {
  std::string name;
  std::vector<uint8_t> quote;
  PreparedCollateral collateral;
};

std::vector<Case> LoadCases(const fs::path& corpus) {
  std::vector<Case> out;
  auto text = ReadFileText((corpus / "quotes/cases.json").string());
  rapidjson::Document d;
  d.Parse(text->c_str());
  for (const auto& c : d.GetArray()) {
    Case k;
    k.name = c["name"].GetString();
    k.quote = *ReadFileBytes((corpus / c["quote"].GetString()).string());
    auto coll = ParseCollateralJson(*ReadFileText((corpus / c["collateral"].GetString()).string()));
    auto p = PrepareCollateral(*coll, LoadTrustAnchor().value(), c["now_unix"].GetInt64());
    k.collateral = std::move(*p);
    out.push_back(std::move(k));
  }
  return out;
}

CheckStatus StatusOf(const QuoteVerification& v, const char* id) {
  const Check* c = v.FindCheck(id);
  return c == nullptr ? CheckStatus::kSkipped : c->status;
}

TEST(QuoteTamperTest, UntouchedQuotesAreAuthentic) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const Case& c : LoadCases(corpus)) {
    auto v = VerifyQuote(c.quote, c.collateral);
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE(v->authentic) << c.name;
  }
}

TEST(QuoteTamperTest, EveryFlippedHeaderOrBodyByteIsRejected) {
  CCV_REQUIRE_CORPUS(corpus);
  size_t flips = 0;
  for (const Case& c : LoadCases(corpus)) {
    SCOPED_TRACE(c.name);
    auto q = parsers::ParseQuote(c.quote);
    ASSERT_TRUE(q.ok());
    // Every byte for the first quotes of each kind, a stride for the rest.
    size_t stride = flips < 3000 ? 1 : 7;
    for (size_t i = 0; i < q->signed_len; i += stride) {
      std::vector<uint8_t> t = c.quote;
      t[i] ^= 0x01;
      auto v = VerifyQuote(t, c.collateral);
      ++flips;
      if (!v.ok()) continue;  // version, key type, TEE or body type now unreadable
      EXPECT_EQ(StatusOf(*v, "quote_signature"), CheckStatus::kFail) << "offset " << i;
      EXPECT_FALSE(v->pass);
    }
  }
  EXPECT_GT(flips, 3000u);
}

TEST(QuoteTamperTest, EveryFlippedQeReportByteIsRejected) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const Case& c : LoadCases(corpus)) {
    SCOPED_TRACE(c.name);
    auto q = parsers::ParseQuote(c.quote);
    ASSERT_TRUE(q.ok());
    // QE report: after the signature-data length, signature, key and (v4/v5)
    // the certification-data header.
    size_t qe = q->signature_data_offset + 4 + 128 + (q->header.version == 3 ? 0 : 6);
    for (size_t i = 0; i < 384; i += 3) {
      std::vector<uint8_t> t = c.quote;
      t[qe + i] ^= 0x40;
      auto v = VerifyQuote(t, c.collateral);
      ASSERT_TRUE(v.ok());
      EXPECT_EQ(StatusOf(*v, "qe_report_signature"), CheckStatus::kFail) << "QE report byte " << i;
      EXPECT_FALSE(v->pass);
    }
  }
}

TEST(QuoteTamperTest, OtherAttestationKeyIsRejected) {
  CCV_REQUIRE_CORPUS(corpus);
  auto other = crypto::PrivateKey::GenerateP256();
  auto key = other->PublicRaw();
  for (const Case& c : LoadCases(corpus)) {
    SCOPED_TRACE(c.name);
    auto q = parsers::ParseQuote(c.quote);
    std::vector<uint8_t> t = c.quote;
    std::copy(key->begin(), key->end(), t.begin() + q->signature_data_offset + 4 + 64);
    auto v = VerifyQuote(t, c.collateral);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(StatusOf(*v, "quote_signature"), CheckStatus::kFail);
    EXPECT_EQ(StatusOf(*v, "qe_report_data"), CheckStatus::kFail);
    EXPECT_EQ(StatusOf(*v, "qe_report_signature"), CheckStatus::kPass);
    EXPECT_FALSE(v->pass);
  }
}

TEST(QuoteTamperTest, CutChainIsRejected) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const Case& c : LoadCases(corpus)) {
    SCOPED_TRACE(c.name);
    // Blank out the last certificate (the root) in place: lengths stay valid.
    std::string text(c.quote.begin(), c.quote.end());
    size_t begin = text.rfind("-----BEGIN CERTIFICATE-----");
    size_t end = text.find("-----END CERTIFICATE-----", begin) + 25;
    std::vector<uint8_t> t = c.quote;
    std::fill(t.begin() + begin, t.begin() + end, ' ');
    auto v = VerifyQuote(t, c.collateral);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(StatusOf(*v, "pck_chain"), CheckStatus::kFail);
    EXPECT_NE(v->FindCheck("pck_chain")->detail.find("2 certificates"), std::string::npos);
    // Blanking the intermediate instead breaks the chain as well.
    size_t mid = text.rfind("-----BEGIN CERTIFICATE-----", begin - 1);
    size_t mid_end = text.find("-----END CERTIFICATE-----", mid) + 25;
    t = c.quote;
    std::fill(t.begin() + mid, t.begin() + mid_end, ' ');
    v = VerifyQuote(t, c.collateral);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(StatusOf(*v, "pck_chain"), CheckStatus::kFail);
    EXPECT_FALSE(v->pass);
  }
}

TEST(QuoteTamperTest, FlippedPckSignatureByteIsRejected) {
  CCV_REQUIRE_CORPUS(corpus);
  for (const Case& c : LoadCases(corpus)) {
    SCOPED_TRACE(c.name);
    auto q = parsers::ParseQuote(c.quote);
    size_t qe_sig = q->signature_data_offset + 4 + 128 + (q->header.version == 3 ? 0 : 6) + 384;
    std::vector<uint8_t> t = c.quote;
    t[qe_sig + 10] ^= 0x01;
    auto v = VerifyQuote(t, c.collateral);
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(StatusOf(*v, "qe_report_signature"), CheckStatus::kFail);
  }
}

}  // namespace
}  // namespace ccv::quote
