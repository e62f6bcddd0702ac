// Real quotes and Intel-signed collateral from the corpus: every case of
// quotes/cases.json (TCB status and advisory IDs as Intel's QVL computes
// them), the PCK-level fields of quotes/fields/*.json, and tampering.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "parsers/core/hex.h"
#include "tests/testing/corpus.h"
#include "verifier/crypto/x509.h"
#include "verifier/quote/quote_verifier.h"

namespace ccv::quote {
namespace {

namespace fs = std::filesystem;

rapidjson::Document LoadJson(const fs::path& p) {
  auto text = ReadFileText(p.string());
  EXPECT_TRUE(text.ok()) << p;
  rapidjson::Document d;
  d.Parse(text.ok() ? text->c_str() : "{}");
  return d;
}

PreparedCollateral Prepare(const fs::path& file, int64_t at) {
  auto text = ReadFileText(file.string());
  EXPECT_TRUE(text.ok());
  auto c = ParseCollateralJson(*text);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  auto anchor = LoadTrustAnchor();
  EXPECT_TRUE(anchor.ok());
  auto p = PrepareCollateral(*c, std::move(*anchor), at);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  return std::move(*p);
}

std::string Describe(const QuoteVerification& v) {
  std::string s;
  for (const Check& c : v.checks) {
    s += c.id + "=" + std::string(result::ShortVerdictName(c.status)) + " (" + c.detail + ")\n";
  }
  return s;
}

TEST(QuoteCorpusTest, EveryCaseGivesIntelsTcbStatus) {
  CCV_REQUIRE_CORPUS(corpus);
  rapidjson::Document cases = LoadJson(corpus / "quotes/cases.json");
  ASSERT_TRUE(cases.IsArray());
  int n = 0;
  for (const auto& c : cases.GetArray()) {
    std::string name = c["name"].GetString();
    SCOPED_TRACE(name);
    int64_t at = c["now_unix"].GetInt64();
    EXPECT_EQ(*crypto::ParseRfc3339(c["now"].GetString()), at);
    PreparedCollateral p = Prepare(corpus / c["collateral"].GetString(), at);
    auto bytes = ReadFileBytes((corpus / c["quote"].GetString()).string());
    ASSERT_TRUE(bytes.ok());
    auto v = VerifyQuote(*bytes, p);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_TRUE(v->tcb_status.has_value()) << Describe(*v);
    auto want = TcbStatusFromName(c["expected"]["status"].GetString());
    ASSERT_TRUE(want.has_value());
    EXPECT_EQ(TcbStatusName(*v->tcb_status), TcbStatusName(*want)) << Describe(*v);
    std::vector<std::string> ids;
    for (const auto& a : c["expected"]["advisory_ids"].GetArray()) ids.push_back(a.GetString());
    EXPECT_EQ(v->tcb.advisory_ids, ids);
    // Every check but the TCB status passes: these quotes are authentic.
    EXPECT_TRUE(v->authentic) << Describe(*v);
    EXPECT_EQ(v->pass, *want == TcbStatus::kUpToDate) << Describe(*v);
    ASSERT_TRUE(v->pck.has_value());
    EXPECT_EQ(ToHex(v->pck->fmspc), [&] {
      std::string f = c["fmspc"].GetString();
      for (char& ch : f) ch = char(std::tolower(ch));
      return f;
    }());
    EXPECT_EQ(v->pck->pck_issuer, c["pck_ca"].GetString());
    EXPECT_EQ(v->quote.signature_data.qe_report.isv_svn, c["qe_isvsvn"].GetUint());
    ++n;
  }
  EXPECT_EQ(n, 12);
}

// The crypto-level fields of quotes/fields/*.json, without collateral.
TEST(QuoteCorpusTest, FieldsFilesSignatureAndPckFields) {
  CCV_REQUIRE_CORPUS(corpus);
  auto anchor = LoadTrustAnchor();
  ASSERT_TRUE(anchor.ok());
  int n = 0;
  for (const auto& e : fs::directory_iterator(corpus / "quotes" / "fields")) {
    rapidjson::Document f = LoadJson(e.path());
    std::string file = f["file"].GetString();
    SCOPED_TRACE(file);
    auto bytes = ReadFileBytes((corpus / file).string());
    ASSERT_TRUE(bytes.ok());
    // Inside the PCK validity window.
    std::string validity = f["pck_validity"].GetString();
    int64_t nb = *crypto::ParseRfc3339(validity.substr(0, 20));
    auto v = VerifyQuoteWithoutCollateral(*bytes, *anchor, nb + 86400);
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    auto ok = [&](const char* id) { return v->FindCheck(id)->status == CheckStatus::kPass; };
    EXPECT_EQ(ok("quote_signature"), f["quote_sig_ok"].GetBool());
    EXPECT_EQ(ok("qe_report_signature"), f["qe_report_sig_ok"].GetBool());
    EXPECT_EQ(ok("qe_report_data"), f["qe_report_data_ok"].GetBool());
    // The chain verifies to the embedded root only where the root is Intel's.
    EXPECT_EQ(ok("pck_chain"),
              f["chain_sig_ok"].GetBool() && f["chain_root_is_intel_sgx_root_ca"].GetBool())
        << v->FindCheck("pck_chain")->detail;
    ASSERT_TRUE(v->pck.has_value());
    const PckInfo& pck = *v->pck;
    std::vector<std::string> subjects;
    for (const auto& s : f["chain_subjects"].GetArray()) subjects.push_back(s.GetString());
    EXPECT_EQ(pck.chain_subjects, subjects);
    EXPECT_EQ(pck.pck_issuer, f["pck_issuer"].GetString());
    EXPECT_EQ(crypto::FormatRfc3339(pck.not_before) + ".." + crypto::FormatRfc3339(pck.not_after),
              validity);
    EXPECT_EQ(pck.root_sha256, f["chain_root_sha256"].GetString());
    EXPECT_EQ(pck.root_is_intel_sgx_root_ca, f["chain_root_is_intel_sgx_root_ca"].GetBool());
    std::string fmspc = f["fmspc"].GetString();
    std::vector<uint8_t> want_fmspc = *FromHex(fmspc);
    EXPECT_EQ(std::vector<uint8_t>(pck.fmspc.begin(), pck.fmspc.end()), want_fmspc);
    EXPECT_EQ(ToHex(pck.pce_id), f["pce_id"].GetString());
    std::vector<unsigned> comps;
    for (const auto& x : f["pck_cpusvn_components"].GetArray()) comps.push_back(x.GetUint());
    EXPECT_EQ(std::vector<unsigned>(pck.cpu_svn_components.begin(), pck.cpu_svn_components.end()),
              comps);
    EXPECT_EQ(pck.pce_svn, f["pck_pcesvn"].GetUint());
    EXPECT_EQ(pck.sgx_type, f["sgx_type"].GetInt());
    ++n;
  }
  EXPECT_EQ(n, 12);
}

TEST(QuoteCorpusTest, CcapiQuoteParsesAndFailsChainWithEmbeddedRoot) {
  CCV_REQUIRE_CORPUS(corpus);
  auto bytes = ReadFileBytes((corpus / "evidence/ccapi-td/quote.bin").string());
  ASSERT_TRUE(bytes.ok());
  // Any collateral: the chain check fails on the root before anything else.
  PreparedCollateral p = Prepare(corpus / "quotes/collateral/B0C06F000000-2025-07.json",
                                 *crypto::ParseRfc3339("2025-07-19T10:00:34Z"));
  auto v = VerifyQuote(*bytes, p);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->FindCheck("pck_chain")->status, CheckStatus::kFail);
  EXPECT_NE(v->FindCheck("pck_chain")->detail.find("not the trust anchor"), std::string::npos);
  EXPECT_EQ(v->FindCheck("quote_signature")->status, CheckStatus::kPass);
  EXPECT_FALSE(v->pass);
  EXPECT_FALSE(v->authentic);
}

}  // namespace
}  // namespace ccv::quote
