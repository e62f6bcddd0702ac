// The Azure TDX vTPM evidence of the shared corpus (azure/tdx-vtpm): the HCL
// report's runtime data hashes to the TD quote's REPORTDATA[0:32] (the
// corpus manifest's value), its TD report is the quote's body, the HCLAkPub
// JWK verifies the vTPM quote (extraData "challenge") over the listed PCRs.
// Every tampering is rejected by the check it concerns: runtime data changed,
// AK swapped, another TD quote, a PCR value changed.
#include "verifier/tpm/hcl.h"

#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/hex.h"
#include "parsers/hcl_report.h"
#include "parsers/tdx_quote.h"
#include "tests/testing/corpus.h"
#include "tests/testing/tpm_builder.h"
#include "tests/verifier/tpm/azure_evidence.h"
#include "tests/verifier/tpm/tpm_test_util.h"
#include "verifier/crypto/digest.h"
#include "verifier/tpm/quote_verify.h"

namespace ccv::tpm {
namespace {

namespace fs = std::filesystem;

parsers::TdReportBody Body(const std::vector<uint8_t>& quote) {
  auto q = parsers::ParseQuote(quote);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  return *q->td_body;
}

std::string StatusOf(const std::vector<Check>& checks, const std::string& id) {
  for (const Check& c : checks) {
    if (c.id == id) return std::string(result::ShortVerdictName(c.status));
  }
  return "absent";
}

// The vTPM quote checked with the HCL report's AK.
Result<TpmVerification> VerifyQuote(const testing::Azure& a, const Ak& ak) {
  QuoteInput q{"attest", a.attest, "sig", a.sig};
  VerifyOptions o;
  o.nonce = std::vector<uint8_t>{'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g', 'e'};
  o.pcrs = &a.pcrs;
  AkTrust t;
  t.ok = true;
  t.mode = "hcl";
  o.ak_trust = t;
  return VerifyTpmQuotes(ak, std::span<const QuoteInput>(&q, 1), o);
}

// NOLINTBEGIN(bugprone-macro-parentheses): `a` names the variable declared.
#define AZURE_OR_SKIP(a)         \
  auto a = testing::LoadAzure(); \
  if (!(a)) GTEST_SKIP() << "shared corpus azure/tdx-vtpm absent (CCV_CORPUS)"
// NOLINTEND(bugprone-macro-parentheses)

TEST(HclTest, AzureChainVerifies) {
  AZURE_OR_SKIP(a);
  parsers::TdReportBody body = Body(a->td_quote);
  auto v = VerifyHclReport(a->hcl, &body);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_TRUE(v->pass);
  EXPECT_EQ(StatusOf(v->checks, "hcl.runtime_data"), "pass");
  EXPECT_EQ(StatusOf(v->checks, "hcl.td_quote"), "pass");
  EXPECT_EQ(StatusOf(v->checks, "hcl.ak"), "pass");
  // The corpus manifest's value, computed by hand from the runtime data.
  EXPECT_EQ(ToHex(crypto::Hash(HashAlg::kSha256, v->report.runtime_data).span()),
            "9734504f161d104c74e3165c15f779b06a9bb40dfa71937817d7eee68e593839");
  EXPECT_EQ(ToHex(std::span<const uint8_t>(body.report_data.data(), 32)),
            "9734504f161d104c74e3165c15f779b06a9bb40dfa71937817d7eee68e593839");
  EXPECT_EQ(v->runtime.secure_boot, true);
  EXPECT_EQ(v->runtime.tpm_enabled, true);
  EXPECT_EQ(v->runtime.vm_unique_id, "6332533D-5649-4D02-8AA7-8F64B7C3EE21");
  ASSERT_TRUE(v->runtime.ak);
  EXPECT_EQ(v->runtime.ak->key_description, "rsa-2048");
  auto q = VerifyQuote(*a, *v->runtime.ak);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_TRUE(q->pass);
  EXPECT_EQ(StatusOf(q->checks, "quote0.signature"), "pass");
  EXPECT_EQ(StatusOf(q->checks, "quote0.nonce"), "pass");
  EXPECT_EQ(StatusOf(q->checks, "quote0.pcr_digest"), "pass");
  EXPECT_EQ(ToHex(q->quoted_pcrs.Get(HashAlg::kSha256, 0)->span()),
            "782b20b10f55cc46e2142cc2145d548698073e5beb82752c8d7f9279f0d8a273");
}

TEST(HclTest, RuntimeDataChangedFailsItsHash) {
  AZURE_OR_SKIP(a);
  parsers::TdReportBody body = Body(a->td_quote);
  auto h = parsers::ParseHclReport(a->hcl);
  ASSERT_TRUE(h.ok());
  // "secure-boot": true -> "secure-boot": true with another VM id letter.
  std::string rt(h->runtime_data.begin(), h->runtime_data.end());
  size_t at = rt.find("6332533D");
  ASSERT_NE(at, std::string::npos);
  a->hcl[h->runtime_data_offset + at] = '7';
  auto v = VerifyHclReport(a->hcl, &body);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v->pass);
  EXPECT_EQ(StatusOf(v->checks, "hcl.runtime_data"), "fail");
}

TEST(HclTest, SwappedAkJwkFailsTheHashAndTheQuote) {
  AZURE_OR_SKIP(a);
  parsers::TdReportBody body = Body(a->td_quote);
  auto h = parsers::ParseHclReport(a->hcl);
  ASSERT_TRUE(h.ok());
  // Swap HCLAkPub's modulus for HCLEkPub's: both are RSA-2048 JWKs.
  std::string rt(h->runtime_data.begin(), h->runtime_data.end());
  size_t ak_n = rt.find("\"n\":\"");
  size_t ek_n = rt.find("\"n\":\"", ak_n + 1);
  ASSERT_NE(ek_n, std::string::npos);
  size_t len = rt.find('"', ak_n + 5) - (ak_n + 5);
  ASSERT_EQ(len, rt.find('"', ek_n + 5) - (ek_n + 5));
  std::string swapped = rt;
  swapped.replace(ak_n + 5, len, rt.substr(ek_n + 5, len));
  std::copy(swapped.begin(), swapped.end(), a->hcl.begin() + long(h->runtime_data_offset));
  auto v = VerifyHclReport(a->hcl, &body);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(StatusOf(v->checks, "hcl.runtime_data"), "fail");
  ASSERT_TRUE(v->runtime.ak);
  auto q = VerifyQuote(*a, *v->runtime.ak);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(StatusOf(q->checks, "quote0.signature"), "fail");
}

TEST(HclTest, AnotherTdQuoteIsNotThisHclReportsTd) {
  AZURE_OR_SKIP(a);
  auto corpus = ccv::testing::CorpusDir();
  std::vector<uint8_t> other = ccv::testing::ReadAll(*corpus / "quotes/dcap-qvl-tdx-v4.bin");
  parsers::TdReportBody body = Body(other);
  auto v = VerifyHclReport(a->hcl, &body);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(v->checks, "hcl.td_quote"), "fail");
  EXPECT_FALSE(v->pass);
  // No TD quote at all: skipped, and nothing anchors the report.
  v = VerifyHclReport(a->hcl, nullptr);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(StatusOf(v->checks, "hcl.td_quote"), "skip");
}

TEST(HclTest, PcrValueChangedFailsTheDigest) {
  AZURE_OR_SKIP(a);
  parsers::TdReportBody body = Body(a->td_quote);
  auto v = VerifyHclReport(a->hcl, &body);
  ASSERT_TRUE(v.ok());
  Digest d = *a->pcrs.Get(HashAlg::kSha256, 7);
  d.bytes[31] ^= 1;
  a->pcrs.Set(7, d);
  auto q = VerifyQuote(*a, *v->runtime.ak);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(StatusOf(q->checks, "quote0.pcr_digest"), "fail");
  EXPECT_TRUE(q->quoted_pcrs.empty());
}

TEST(HclTest, MalformedReportsAreInputErrors) {
  std::vector<uint8_t> junk(100, 'x');
  EXPECT_EQ(parsers::ParseHclReport(junk).status().code(), ErrorCode::kBadMagic);
  std::vector<uint8_t> short_report = {'H', 'C', 'L', 'A', 2, 0, 0, 0};
  auto r = parsers::ParseHclReport(short_report);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTruncated);
  EXPECT_FALSE(ParseHclRuntime("{\"keys\":[{\"kid\":\"HCLAkPub\",\"kty\":\"RSA\",\"n\":\"!\","
                               "\"e\":\"AQAB\"}]}")
                   .ok());
  EXPECT_FALSE(ParseHclRuntime("{\"vm-configuration\":{\"secure-boot\":\"yes\"}}").ok());
  EXPECT_FALSE(ParseHclRuntime("{").ok());
}

}  // namespace
}  // namespace ccv::tpm
