// The decoded-quote JSON (dump, quote verify, verify) against the corpus's
// quotes/fields/*.json: every member both share has the same value, and the
// verification JSON follows the contract of docs/json.md.
#include "verifier/report/quote_json.h"

#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "parsers/core/file_io.h"
#include "tests/testing/corpus.h"
#include "tests/testing/quote_pki.h"
#include "verifier/report/schema_version.h"

namespace ccv::report {
namespace {

namespace fs = std::filesystem;

TEST(QuoteJsonTest, SharedMembersEqualTheFieldsFiles) {
  CCV_REQUIRE_CORPUS(corpus);
  // Members of fields/*.json that describe the PCK certificate or the
  // verification rather than the quote bytes.
  const std::set<std::string> not_quote = {"file",
                                           "quote_sig_ok",
                                           "qe_report_data_ok",
                                           "qe_report_sig_ok",
                                           "chain_sig_ok",
                                           "chain_subjects",
                                           "pck_issuer",
                                           "pck_validity",
                                           "chain_root_sha256",
                                           "chain_root_is_intel_sgx_root_ca",
                                           "fmspc",
                                           "pce_id",
                                           "pck_cpusvn_components",
                                           "pck_pcesvn",
                                           "sgx_type",
                                           "cross_checks"};
  int files = 0;
  for (const auto& e : fs::directory_iterator(corpus / "quotes" / "fields")) {
    auto text = ReadFileText(e.path().string());
    rapidjson::Document f;
    f.Parse(text->c_str());
    SCOPED_TRACE(f["file"].GetString());
    auto bytes = ReadFileBytes((corpus / f["file"].GetString()).string());
    auto q = parsers::ParseQuote(*bytes);
    ASSERT_TRUE(q.ok());
    rapidjson::Document d;
    std::string json = QuoteToJson(*q);
    d.Parse(json.c_str());
    ASSERT_FALSE(d.HasParseError());
    int compared = 0;
    for (const auto& m : f.GetObject()) {
      std::string name = m.name.GetString();
      if (not_quote.count(name)) continue;
      ASSERT_TRUE(d.HasMember(name.c_str())) << "missing member " << name;
      EXPECT_TRUE(d[name.c_str()] == m.value) << name;
      ++compared;
    }
    EXPECT_GE(compared, 20);
    ++files;
  }
  EXPECT_EQ(files, 12);
}

TEST(QuoteJsonTest, VerificationJsonFollowsTheContract) {
  auto pki = testing::TestPki::Create();
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  auto c =
      testing::MakeCollateral(*pki, testing::DefaultTdxTcbInfo(), testing::DefaultQeIdentity());
  auto p = quote::PrepareCollateral(c, pki->root().Clone(), testing::kPkiNow);
  auto raw = b.Build();
  auto v = quote::VerifyQuote(raw, *p);
  ASSERT_TRUE(v.ok());
  rapidjson::Document d;
  std::string json = QuoteVerificationToJson(*v);
  d.Parse(json.c_str());
  ASSERT_FALSE(d.HasParseError());
  ASSERT_TRUE(d.IsObject() && d.MemberCount() > 0);
  EXPECT_STREQ(d.MemberBegin()->name.GetString(), "schema_version");
  EXPECT_STREQ(d.MemberBegin()->value.GetString(), kJsonSchemaVersion);
  EXPECT_STREQ(d["verdict"].GetString(), "pass");
  EXPECT_STREQ(d["tcb_status"].GetString(), "UpToDate");
  EXPECT_TRUE(d["advisory_ids"].IsArray());
  EXPECT_STREQ(d["fmspc"].GetString(), "00906ed50000");
  EXPECT_STREQ(d["at"].GetString(), "2026-01-01T00:00:00Z");
  EXPECT_STREQ(d["tcb"]["tdx_module_identity"].GetString(), "TDX_01");
  ASSERT_EQ(d["checks"].Size(), v->checks.size());
  for (rapidjson::SizeType i = 0; i < d["checks"].Size(); ++i) {
    EXPECT_EQ(d["checks"][i]["id"].GetString(), v->checks[i].id);
  }
  EXPECT_EQ(d["quote"]["version"].GetInt(), 4);
  std::string text = QuoteVerificationToText(*v);
  EXPECT_NE(text.find("verdict: pass"), std::string::npos);
  EXPECT_NE(text.find("[pass] tcb_status"), std::string::npos);
}

TEST(QuoteJsonTest, UnevaluatedTcbStatusIsNull) {
  auto pki = testing::TestPki::Create();
  testing::QuoteBuilder b = testing::DefaultTdxQuote(*pki);
  ASSERT_TRUE(testing::SignQuote(*pki, testing::TestAttestationKey(), &b).ok());
  auto raw = b.Build();
  auto v = quote::VerifyQuoteWithoutCollateral(raw, pki->root(), testing::kPkiNow);
  ASSERT_TRUE(v.ok());
  rapidjson::Document d;
  std::string json = QuoteVerificationToJson(*v);
  d.Parse(json.c_str());
  EXPECT_TRUE(d["tcb_status"].IsNull());
  EXPECT_STREQ(d["verdict"].GetString(), "fail");
}

}  // namespace
}  // namespace ccv::report
